package probe

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegis-chain/aegis/x/por/compute"
)

// quick are options short enough for tests: 200 ms of tiles, a 4 MiB disk test.
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
	t.Logf("measurement %+v\nunits %+v\n%.0f tiles/s per usable core", m, u, m.ComputeTilesPerSecond/float64(m.UsableCores))
	// No Kernel option means the reference kernel.
	if m.ConversionVersion != ConversionVersion || m.DataDir != dir || m.DiskTestBytes != 4<<20 ||
		m.BandwidthSource != BandwidthDeclared || m.BandwidthMbps != 1000 || m.ComputeDuration != "200ms" ||
		m.ComputeKernel != (compute.Reference{}).Name() {
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

// countingKernel is a fake compute.Kernel: it counts its calls, remembers the scratch
// matrices and the operands it was given, and multiplies with the reference kernel.
type countingKernel struct {
	mu       sync.Mutex
	calls    uint64
	scratch  map[*compute.Matrix]bool
	operands map[[32]byte]int
}

func newCountingKernel() *countingKernel {
	return &countingKernel{scratch: map[*compute.Matrix]bool{}, operands: map[[32]byte]int{}}
}

func (k *countingKernel) Name() string { return "counting-test" }

func (k *countingKernel) Mul(a, b *compute.Matrix, t *compute.Product) {
	h := sha256.New()
	for _, m := range []*compute.Matrix{a, b} {
		for _, v := range m {
			h.Write([]byte{byte(v)})
		}
	}
	var sum [32]byte
	h.Sum(sum[:0])
	k.mu.Lock()
	k.calls++
	k.scratch[a] = true
	k.operands[sum]++
	k.mu.Unlock()
	compute.Reference{}.Mul(a, b, t)
}

// Probe benchmarks the kernel it is given and records its name.
func TestProbeUsesKernelOption(t *testing.T) {
	k := newCountingKernel()
	opts := quick(t.TempDir())
	opts.Kernel = k
	m, err := Probe(context.Background(), opts)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if m.ComputeKernel != "counting-test" {
		t.Fatalf("compute_kernel = %q, want the option's kernel %q", m.ComputeKernel, "counting-test")
	}
	k.mu.Lock()
	calls := k.calls
	k.mu.Unlock()
	if calls == 0 {
		t.Fatal("Probe never called the option's kernel")
	}
	// Every tile counted went through the kernel, over at least the 200 ms asked for.
	if max := float64(calls) / 0.2; m.ComputeTilesPerSecond > max {
		t.Fatalf("compute_tiles_per_second %.0f is more than the kernel's %d calls in 200 ms (%.0f/s)", m.ComputeTilesPerSecond, calls, max)
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

// benchmarkTiles runs one worker per core given, each on its own scratch and its own tiles,
// and reports the tiles the kernel computed per second of the benchmark.
func TestBenchmarkTiles(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint(workers, " workers"), func(t *testing.T) {
			k := newCountingKernel()
			const d = 300 * time.Millisecond
			start := time.Now()
			got, err := benchmarkTiles(context.Background(), k, workers, d)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("benchmarkTiles: %v", err)
			}
			k.mu.Lock()
			defer k.mu.Unlock()
			if len(k.scratch) != workers {
				t.Fatalf("the kernel saw %d scratch matrices, want one per worker (%d)", len(k.scratch), workers)
			}
			for sum, n := range k.operands {
				if n != 1 {
					t.Fatalf("tile operands %x computed %d times: workers overlap", sum[:4], n)
				}
			}
			// The benchmark's own clock ran between d and what the test measured around it.
			lo, hi := float64(k.calls)/elapsed.Seconds(), float64(k.calls)/d.Seconds()
			if k.calls == 0 || got < lo || got > hi {
				t.Fatalf("benchmarkTiles = %.1f tiles/s for %d kernel calls in %s to %s; want within [%.1f, %.1f]", got, k.calls, d, elapsed, lo, hi)
			}
			t.Logf("%d workers: %.0f tiles/s", workers, got)
		})
	}
}

// The tiles a worker computes are compute.TileLeaf's under a fixed seed: tile 0 first.
func TestBenchmarkTilesComputesRealTiles(t *testing.T) {
	k := newCountingKernel()
	if _, err := benchmarkTiles(context.Background(), k, 1, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	var a, b compute.Matrix
	compute.Expand(&benchmarkSeed, 0, &a, &b)
	want := newCountingKernel()
	want.Mul(&a, &b, new(compute.Product))
	for sum := range want.operands {
		if k.operands[sum] != 1 {
			t.Fatal("the benchmark did not compute tile 0 of its seed")
		}
	}
	if benchmarkSeed != compute.Seed([]byte("aegis-node probe"), nil, 0) {
		t.Fatal("the benchmark seed changed")
	}
}

func TestBenchmarkTilesStops(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	timed, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"cancelled before", cancelled, 30 * time.Second, context.Canceled},
		{"deadline mid-run", timed, 30 * time.Second, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, err := benchmarkTiles(tt.ctx, newCountingKernel(), 2, tt.d)
			if !errors.Is(err, tt.want) || got != 0 {
				t.Fatalf("benchmarkTiles = %v, %v; want 0, %v", got, err, tt.want)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("benchmarkTiles took %s to stop", took)
			}
		})
	}
	for _, d := range []time.Duration{0, -time.Second} {
		if got, err := benchmarkTiles(context.Background(), compute.Reference{}, 1, d); err == nil || got != 0 {
			t.Fatalf("benchmarkTiles for %s = %v, %v; want an error", d, got, err)
		}
	}
}
