package probe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// quick are options short enough for tests: 200 ms of hashing, a 4 MiB disk test.
func quick(dir string) Options {
	return Options{
		DataDir: dir, ComputeDuration: 200 * time.Millisecond, DiskTestBytes: 4 << 20,
		DeclaredBandwidthMbps: 1000, BandwidthDuration: 200 * time.Millisecond, BandwidthTimeout: 2 * time.Second,
	}
}

// TestProbeThisMachine runs the real probes here and checks the readings pass the bounds.
func TestProbeThisMachine(t *testing.T) {
	dir := t.TempDir()
	m, err := Probe(context.Background(), quick(dir))
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate of this machine's readings: %v\n%+v", err, m)
	}
	u, err := Convert(m)
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	t.Logf("measurement %+v\nunits %+v", m, u)
	if m.ConversionVersion != ConversionVersion || m.DataDir != dir || m.DiskTestBytes != 4<<20 ||
		m.BandwidthSource != BandwidthDeclared || m.BandwidthMbps != 1000 || m.ComputeDuration != "200ms" {
		t.Fatalf("Probe did not record its options: %+v", m)
	}
	if age := time.Since(m.MeasuredAt); age < 0 || age > time.Minute {
		t.Fatalf("measured_at %s is not now", m.MeasuredAt)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("the disk test left %v in the data dir", entries)
	}
}

func TestProbeMeasuresBandwidth(t *testing.T) {
	chunk := make([]byte, 256<<10)
	httpPeer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer httpPeer.Close()
	tcpPeer := streamingTCPPeer(t, chunk)

	for name, peer := range map[string]string{"http": httpPeer.URL, "tcp": tcpPeer} {
		t.Run(name, func(t *testing.T) {
			opts := quick(t.TempDir())
			opts.BandwidthPeer = peer
			m, err := Probe(context.Background(), opts)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if m.BandwidthSource != BandwidthMeasured || m.BandwidthPeer != peer || m.BandwidthMbps == 1000 {
				t.Fatalf("bandwidth not measured: %+v", m)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			t.Logf("loopback %s: %.0f Mbit/s", name, m.BandwidthMbps)
		})
	}
}

// streamingTCPPeer listens on loopback and writes chunk to every connection until it closes.
func streamingTCPPeer(t *testing.T, chunk []byte) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for {
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestProbeErrors(t *testing.T) {
	small := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("tiny")) }))
	defer small.Close()
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts into the backlog, never sends
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	file := t.TempDir() + "/file"
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no bandwidth", func(o *Options) { o.DeclaredBandwidthMbps = 0 }, "bandwidth unknown; declare your uplink in Mbit/s"},
		{"no data dir", func(o *Options) { o.DataDir = "" }, "no data dir given"},
		{"missing data dir", func(o *Options) { o.DataDir += "/nope" }, "create it or point to the node's data directory"},
		{"data dir is a file", func(o *Options) { o.DataDir = file }, "is not a directory"},
		{"tiny disk test", func(o *Options) { o.DiskTestBytes = 1000 }, "below 1 MiB"},
		{"huge disk test", func(o *Options) { o.DiskTestBytes = 1 << 40 }, "above 16 GiB"},
		{"long compute", func(o *Options) { o.ComputeDuration = time.Hour }, "above one minute"},
		{"negative timeout", func(o *Options) { o.BandwidthTimeout = -time.Second }, "must not be negative"},
		{"peer sends too little", func(o *Options) { o.BandwidthPeer = small.URL }, "use a peer that serves at least"},
		{"peer answers 404", func(o *Options) { o.BandwidthPeer = missing.URL }, "answered 404 Not Found"},
		{"peer silent", func(o *Options) {
			o.BandwidthPeer, o.BandwidthTimeout = silent.Addr().String(), 300*time.Millisecond
		}, "sent nothing within 300ms"},
		{"peer not listening", func(o *Options) { o.BandwidthPeer = closedAddr }, "check the address and that the peer is listening"},
		{"peer not an address", func(o *Options) { o.BandwidthPeer = "example" }, "is not an http(s) URL or a host:port"},
		{"peer bad scheme", func(o *Options) { o.BandwidthPeer = "ftp://example.org/x" }, "is not an http(s) URL or a host:port"},
		{"peer without port", func(o *Options) { o.BandwidthPeer = "10.0.0.1:" }, "is not an http(s) URL or a host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := quick(t.TempDir())
			opts.ComputeDuration = 20 * time.Millisecond
			tt.edit(&opts)
			m, err := Probe(context.Background(), opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Probe = %+v, %v; want error containing %q", m, err, tt.want)
			}
		})
	}
}

func TestProbeRespectsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opts := quick(t.TempDir())
	opts.ComputeDuration = 30 * time.Second
	start := time.Now()
	_, err := Probe(ctx, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Probe with a cancelled context = %v, want context.Canceled", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("Probe took %s to notice the cancellation", time.Since(start))
	}

	// A timeout mid-benchmark stops it too.
	opts.Timeout = 100 * time.Millisecond
	start = time.Now()
	if _, err := Probe(context.Background(), opts); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Probe past its timeout = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("Probe ran %s past a 100ms timeout", time.Since(start))
	}
}

func TestBandwidthRespectsCancel(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = measureBandwidth(ctx, silent.Addr().String(), 10*time.Second, 10*time.Second)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("measureBandwidth past its context = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("measureBandwidth took %s to notice its context ended", time.Since(start))
	}
}

// The node's own dataset counts as free space, so building it does not shrink the
// storage the next report declares.
func TestDatasetCountsAsFree(t *testing.T) {
	data := t.TempDir()
	ds := filepath.Join(data, "dataset", "current")
	if err := os.MkdirAll(ds, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ds, "leaves.bin"), make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if size, err := dirBytes(filepath.Join(data, "dataset")); err != nil || size != 1<<20 {
		t.Fatalf("dirBytes = %d, %v; want 1 MiB", size, err)
	}
	if size, err := dirBytes(filepath.Join(data, "nope")); err != nil || size != 0 {
		t.Fatalf("dirBytes of a missing dir = %d, %v; want 0", size, err)
	}
	m, err := Probe(context.Background(), Options{DataDir: data, DatasetDir: filepath.Join(data, "dataset"),
		ComputeDuration: 10 * time.Millisecond, DiskTestBytes: 1 << 20, DeclaredBandwidthMbps: 100})
	if err != nil {
		t.Fatal(err)
	}
	if m.DatasetBytes != 1<<20 || m.DiskFreeBytes > m.DiskTotalBytes {
		t.Fatalf("dataset_bytes %d (want 1 MiB), free %d of %d", m.DatasetBytes, m.DiskFreeBytes, m.DiskTotalBytes)
	}
}
