// Package probe measures the machine an aegis-node runs on and turns the readings into the
// compute, storage and bandwidth units a Proof-of-Resources report carries (spec section 3).
//
// Probe takes raw readings, Validate rejects impossible ones, Convert applies the versioned
// formulas, Partition splits the units between roles and Cache keeps the last reading so the
// daemon re-probes on a schedule instead of at every report.
package probe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/aegis-chain/aegis/x/por/compute"
)

// Measurement holds the raw readings of one probe run. MB is 10^6 bytes, Mbit is 10^6 bits.
type Measurement struct {
	// ConversionVersion is the conversion these readings were taken for; Convert refuses others.
	ConversionVersion string    `json:"conversion_version"`
	MeasuredAt        time.Time `json:"measured_at"`

	// LogicalCores is what the hardware has; UsableCores what this process may run on
	// (affinity and cgroup CPU quota, as GOMAXPROCS sees them), never more than LogicalCores.
	LogicalCores int `json:"logical_cores"`
	UsableCores  int `json:"usable_cores"`
	// ComputeTilesPerSecond is how many compute.TileLeaf tiles (expansion, int8 product,
	// leaf hash) all usable cores completed together per second, with ComputeKernel.
	ComputeTilesPerSecond float64 `json:"compute_tiles_per_second"`
	// ComputeKernel is the Name of the compute.Kernel that multiplied the tiles.
	ComputeKernel   string `json:"compute_kernel"`
	ComputeDuration string `json:"compute_duration"`

	RAMBytes uint64 `json:"ram_bytes"`

	DataDir        string `json:"data_dir"`
	DiskTotalBytes uint64 `json:"disk_total_bytes"`
	// DiskFreeBytes counts the space the node's own challenge dataset takes (DatasetBytes)
	// as free: it is storage the node provides, and counting it as used would shrink the
	// declared storage after every build and so force another.
	DiskFreeBytes uint64  `json:"disk_free_bytes"`
	DatasetBytes  uint64  `json:"dataset_bytes"`
	DiskTestBytes uint64  `json:"disk_test_bytes"`
	DiskWriteMBps float64 `json:"disk_write_mbps"`
	DiskReadMBps  float64 `json:"disk_read_mbps"`

	BandwidthMbps float64 `json:"bandwidth_mbps"`
	// BandwidthSource is BandwidthDeclared or BandwidthMeasured.
	BandwidthSource string `json:"bandwidth_source"`
	BandwidthPeer   string `json:"bandwidth_peer,omitempty"`
}

// Bandwidth sources recorded in Measurement.BandwidthSource.
const (
	BandwidthDeclared = "declared"
	BandwidthMeasured = "measured"
)

// Defaults are short enough to run daily next to a working node.
const (
	DefaultComputeDuration   = 2 * time.Second
	DefaultDiskTestBytes     = 64 << 20
	DefaultBandwidthDuration = 5 * time.Second
	DefaultBandwidthTimeout  = 10 * time.Second
	DefaultTimeout           = 2 * time.Minute
)

// Options configure one probe run; zero values take the defaults above.
type Options struct {
	// DataDir is where the node keeps its data: its filesystem is the one measured, and the
	// disk test file is written there. Required.
	DataDir string
	// DatasetDir holds the node's challenge datasets (optional): their bytes count as free.
	DatasetDir string
	// ComputeDuration is how long the tile benchmark runs on every usable core.
	ComputeDuration time.Duration
	// Kernel multiplies the benchmark's tiles; nil means compute.Reference{}. It must be the
	// kernel the node answers compute challenges with, and safe for concurrent use.
	Kernel compute.Kernel
	// DiskTestBytes is the size of the temporary file written, fsynced and read back.
	DiskTestBytes uint64
	// DeclaredBandwidthMbps is the uplink the operator declares, used when BandwidthPeer is empty.
	DeclaredBandwidthMbps float64
	// BandwidthPeer, when set, is measured instead of trusting the declaration: an http(s)://
	// URL serving a large body, or a host:port that streams bytes to whoever connects.
	BandwidthPeer string
	// BandwidthDuration is how long to download from the peer once the first byte arrives.
	BandwidthDuration time.Duration
	// BandwidthTimeout bounds connecting to the peer and waiting for its first byte.
	BandwidthTimeout time.Duration
	// Timeout bounds the whole probe.
	Timeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.ComputeDuration == 0 {
		o.ComputeDuration = DefaultComputeDuration
	}
	if o.Kernel == nil {
		o.Kernel = compute.Reference{}
	}
	if o.DiskTestBytes == 0 {
		o.DiskTestBytes = DefaultDiskTestBytes
	}
	if o.BandwidthDuration == 0 {
		o.BandwidthDuration = DefaultBandwidthDuration
	}
	if o.BandwidthTimeout == 0 {
		o.BandwidthTimeout = DefaultBandwidthTimeout
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

func (o Options) check() error {
	switch {
	case o.DataDir == "":
		return errors.New("probe: no data dir given; set the node's data directory so its disk can be measured")
	case o.ComputeDuration < 0 || o.BandwidthDuration < 0 || o.BandwidthTimeout < 0 || o.Timeout < 0:
		return errors.New("probe: durations and timeouts must not be negative")
	case o.ComputeDuration > time.Minute:
		return fmt.Errorf("probe: compute duration %s is above one minute; a few seconds is enough", o.ComputeDuration)
	case o.DiskTestBytes < 1<<20:
		return fmt.Errorf("probe: disk test size %d bytes is below 1 MiB; too small to time", o.DiskTestBytes)
	case o.DiskTestBytes > 16<<30:
		return fmt.Errorf("probe: disk test size %d bytes is above 16 GiB; 64 MiB to 1 GiB is plenty", o.DiskTestBytes)
	case o.BandwidthPeer == "" && o.DeclaredBandwidthMbps <= 0:
		return errors.New("probe: bandwidth unknown; declare your uplink in Mbit/s (e.g. 1000 for 1 Gbit/s) or set a bandwidth peer to measure against")
	case o.BandwidthPeer != "":
		// Checked before the benchmarks so a typo fails in a moment, not after them.
		return checkPeer(o.BandwidthPeer)
	}
	return nil
}

// Probe measures this machine. It does not validate the result: call Validate or Convert.
func Probe(ctx context.Context, opts Options) (Measurement, error) {
	opts = opts.withDefaults()
	if err := opts.check(); err != nil {
		return Measurement{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return Measurement{}, fmt.Errorf("probe: data dir %q: %w", opts.DataDir, err)
	}
	if st, err := os.Stat(dir); err != nil {
		return Measurement{}, fmt.Errorf("probe: data dir %s: %w; create it or point to the node's data directory", dir, err)
	} else if !st.IsDir() {
		return Measurement{}, fmt.Errorf("probe: data dir %s is not a directory", dir)
	}
	m := Measurement{ConversionVersion: ConversionVersion, DataDir: dir}

	if m.LogicalCores, err = cpu.CountsWithContext(ctx, true); err != nil {
		return Measurement{}, fmt.Errorf("probe: counting CPU cores: %w", err)
	}
	// Go's GOMAXPROCS follows CPU affinity and cgroup quotas, so a container limited to 2 of
	// 64 cores counts as 2.
	m.UsableCores = max(1, min(runtime.GOMAXPROCS(0), m.LogicalCores))

	vm, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return Measurement{}, fmt.Errorf("probe: reading memory size: %w", err)
	}
	m.RAMBytes = vm.Total

	du, err := disk.UsageWithContext(ctx, dir)
	if err != nil {
		return Measurement{}, fmt.Errorf("probe: reading disk usage of %s: %w", dir, err)
	}
	m.DiskTotalBytes, m.DiskFreeBytes = du.Total, du.Free
	if opts.DatasetDir != "" {
		if m.DatasetBytes, err = dirBytes(opts.DatasetDir); err != nil {
			return Measurement{}, fmt.Errorf("probe: sizing the dataset in %s: %w", opts.DatasetDir, err)
		}
		m.DiskFreeBytes = min(m.DiskTotalBytes, m.DiskFreeBytes+m.DatasetBytes)
	}
	// Keep the test file well inside free space: filling the disk would stop the node.
	if opts.DiskTestBytes > du.Free/4 {
		return Measurement{}, fmt.Errorf("probe: disk test of %d bytes needs four times that free, but only %d bytes are free in %s; free some space or lower the disk test size", opts.DiskTestBytes, du.Free, dir)
	}

	if m.ComputeTilesPerSecond, err = benchmarkTiles(ctx, opts.Kernel, m.UsableCores, opts.ComputeDuration); err != nil {
		return Measurement{}, err
	}
	m.ComputeKernel = opts.Kernel.Name()
	m.ComputeDuration = opts.ComputeDuration.String()

	m.DiskTestBytes = opts.DiskTestBytes
	if m.DiskWriteMBps, m.DiskReadMBps, err = diskThroughput(ctx, dir, opts.DiskTestBytes); err != nil {
		return Measurement{}, err
	}

	if opts.BandwidthPeer != "" {
		mbps, err := measureBandwidth(ctx, opts.BandwidthPeer, opts.BandwidthTimeout, opts.BandwidthDuration)
		if err != nil {
			return Measurement{}, err
		}
		m.BandwidthMbps, m.BandwidthSource, m.BandwidthPeer = mbps, BandwidthMeasured, opts.BandwidthPeer
	} else {
		m.BandwidthMbps, m.BandwidthSource = opts.DeclaredBandwidthMbps, BandwidthDeclared
	}

	m.MeasuredAt = time.Now().UTC().Truncate(time.Second)
	return m, nil
}

// benchmarkSeed seeds the benchmark's tiles: any fixed seed costs the same as a challenge's.
var benchmarkSeed = compute.Seed([]byte("aegis-node probe"), nil, 0)

// benchmarkTiles computes compute.TileLeaf with kernel k on `workers` goroutines for d and
// returns tiles per second in total. Worker w takes tiles w, w+workers, w+2·workers, … with
// its own scratch matrices, as a node answering a challenge would.
func benchmarkTiles(ctx context.Context, k compute.Kernel, workers int, d time.Duration) (float64, error) {
	if d <= 0 {
		return 0, errors.New("probe: compute duration must be positive")
	}
	start := time.Now()
	deadline := start.Add(d)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total uint64
	)
	for w := range workers {
		wg.Go(func() {
			var (
				a, b compute.Matrix
				t    compute.Product
				n    uint64
			)
			for j := uint64(w); time.Now().Before(deadline) && ctx.Err() == nil; j += uint64(workers) {
				compute.TileLeaf(k, &benchmarkSeed, j, &a, &b, &t)
				n++
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("probe: compute benchmark interrupted: %w", err)
	}
	return float64(total) / time.Since(start).Seconds(), nil
}
