package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// minBandwidthBytes is the least a peer must send for the rate to mean anything.
const minBandwidthBytes = 1 << 20

// measureBandwidth downloads from peer for up to d once the first byte arrives and returns
// Mbit/s. peer is an http(s):// URL or a host:port that streams bytes on connect. Connecting
// and waiting for the first byte are bounded by timeout; setup latency is not counted.
func measureBandwidth(ctx context.Context, peer string, timeout, d time.Duration) (float64, error) {
	if timeout <= 0 || d <= 0 {
		return 0, errors.New("probe: bandwidth timeout and duration must be positive")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+d)
	defer cancel()

	body, err := openPeer(ctx, peer, timeout)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	// Closing the stream is the one way to unblock a Read when ctx ends.
	stop := context.AfterFunc(ctx, func() { body.Close() })
	defer stop()

	buf := make([]byte, 256<<10)
	firstByte := time.AfterFunc(timeout, func() { body.Close() })
	n, err := body.Read(buf)
	stopped := firstByte.Stop()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("probe: bandwidth test interrupted: %w", ctx.Err())
	}
	if !stopped || (n == 0 && err != nil) {
		return 0, fmt.Errorf("probe: bandwidth peer %s sent nothing within %s; check the peer is up and serving data", peer, timeout)
	}

	start := time.Now()
	deadline := start.Add(d)
	var total uint64 // bytes after the first read, which only marks the start
	for time.Now().Before(deadline) {
		n, err = body.Read(buf)
		total += uint64(n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil && !time.Now().Before(deadline) {
				break // a stalled peer held the last read past the deadline: count what came
			}
			if ctx.Err() != nil {
				return 0, fmt.Errorf("probe: bandwidth test interrupted: %w", ctx.Err())
			}
			return 0, fmt.Errorf("probe: downloading from bandwidth peer %s: %w", peer, err)
		}
	}
	elapsed := time.Since(start)
	if total < minBandwidthBytes {
		return 0, fmt.Errorf("probe: bandwidth peer %s sent only %d bytes; use a peer that serves at least %d bytes (a large file or a byte stream)", peer, total, minBandwidthBytes)
	}
	return float64(total) * 8 / max(elapsed, time.Microsecond).Seconds() / 1e6, nil
}

// openPeer starts the download and returns the byte stream.
func openPeer(ctx context.Context, peer string, timeout time.Duration) (io.ReadCloser, error) {
	if err := checkPeer(peer); err != nil {
		return nil, err
	}
	if strings.Contains(peer, "://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, peer, nil)
		if err != nil {
			return nil, fmt.Errorf("probe: bandwidth peer %q: %w", peer, err)
		}
		// No compression: we want bytes on the wire, and no shared connection pool.
		client := &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, DisableCompression: true, DisableKeepAlives: true,
			ResponseHeaderTimeout: timeout, TLSHandshakeTimeout: timeout,
			DialContext: (&net.Dialer{Timeout: timeout}).DialContext,
		}}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("probe: bandwidth peer %s: %w; check the URL and that the peer is reachable", peer, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("probe: bandwidth peer %s answered %s; it must answer 200 with a large body", peer, resp.Status)
		}
		return resp.Body, nil
	}
	conn, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", peer)
	if err != nil {
		return nil, fmt.Errorf("probe: bandwidth peer %s: %w; check the address and that the peer is listening", peer, err)
	}
	return conn, nil
}

// checkPeer accepts an http(s):// URL with a host, or a host:port.
func checkPeer(peer string) error {
	if strings.Contains(peer, "://") {
		u, err := url.Parse(peer)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("probe: bandwidth peer %q is not an http(s) URL or a host:port", peer)
		}
		return nil
	}
	if host, port, err := net.SplitHostPort(peer); err != nil || host == "" || port == "" {
		return fmt.Errorf("probe: bandwidth peer %q is not an http(s) URL or a host:port", peer)
	}
	return nil
}
