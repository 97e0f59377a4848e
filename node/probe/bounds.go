package probe

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Sanity bounds: no real machine reads outside them, so a reading beyond one is a probe or
// unit bug (bytes taken for KiB, a counter overflow) and must not reach the chain.
const (
	MaxCores         = 4096
	MaxRAMBytes      = 64 << 40        // 64 TiB
	MaxDiskBytes     = 10 << 50        // 10 PiB
	MaxBandwidthMbps = 400_000         // 400 Gbit/s, the fastest NIC port in use
	MaxDiskMBps      = 100_000         // 100 GB/s sequential, beyond any single filesystem
	maxClockSkew     = 5 * time.Minute // a reading from the future means a wrong clock
)

// MaxTilesPerSecond bounds compute_tiles_per_second for the whole machine, not per core: a
// GPU kernel computes on the device, so tiles per CPU core say nothing about it. 10^9 tiles
// a second would be 2.6·10^14 int8 MACs a second plus 16 TB/s of SHA-256 leaf hashing and
// 8 TB/s of AES expansion, beyond any machine (and 900,000 units, 3,000 times the PoR cap).
const MaxTilesPerSecond = 1e9

// Validate rejects impossible readings, one sentence each naming the reading, its value and
// what to check.
func (m Measurement) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("probe: "+format, args...)) }

	switch {
	case m.MeasuredAt.IsZero():
		bad("measured_at is not set; the measurement was not produced by Probe, probe again")
	case m.MeasuredAt.After(time.Now().Add(maxClockSkew)):
		bad("measured_at %s is in the future; check the system clock", m.MeasuredAt.Format(time.RFC3339))
	}

	switch {
	case m.LogicalCores <= 0:
		bad("logical_cores is %d but must be at least 1; check the CPU count the OS reports", m.LogicalCores)
	case m.LogicalCores > MaxCores:
		bad("logical_cores is %d, above %d; check the CPU count the OS reports", m.LogicalCores, MaxCores)
	}
	switch {
	case m.UsableCores <= 0:
		bad("usable_cores is %d but must be at least 1; check GOMAXPROCS and the container CPU limit", m.UsableCores)
	case m.LogicalCores > 0 && m.UsableCores > m.LogicalCores:
		bad("usable_cores is %d, more than the %d logical cores; check GOMAXPROCS", m.UsableCores, m.LogicalCores)
	}
	if err := rate("compute_tiles_per_second", m.ComputeTilesPerSecond, "tiles/s", "the compute benchmark timing"); err != nil {
		errs = append(errs, err)
	} else if m.ComputeTilesPerSecond > MaxTilesPerSecond {
		bad("compute_tiles_per_second is %.0f tiles/s, above %.0f; check the compute benchmark timing and that the kernel really computes every tile", m.ComputeTilesPerSecond, float64(MaxTilesPerSecond))
	}
	if m.ComputeKernel == "" {
		bad("compute_kernel is empty; the compute benchmark did not record its kernel, probe again")
	}

	switch {
	case m.RAMBytes == 0:
		bad("ram_bytes is 0; check the memory size the OS reports")
	case m.RAMBytes > MaxRAMBytes:
		bad("ram_bytes is %d (%.0f GiB), above 64 TiB; check the memory size is read in bytes", m.RAMBytes, gib(m.RAMBytes))
	}

	switch {
	case m.DiskTotalBytes == 0:
		bad("disk_total_bytes is 0 for %q; check the data dir is on a real filesystem", m.DataDir)
	case m.DiskTotalBytes > MaxDiskBytes:
		bad("disk_total_bytes is %d (%.0f GiB), above 10 PiB; check the disk size is read in bytes", m.DiskTotalBytes, gib(m.DiskTotalBytes))
	}
	switch {
	case m.DiskFreeBytes == 0:
		bad("disk_free_bytes is 0 for %q; the data dir's disk is full, free some space", m.DataDir)
	case m.DiskTotalBytes > 0 && m.DiskFreeBytes > m.DiskTotalBytes:
		bad("disk_free_bytes is %d, more than disk_total_bytes %d; check both come from the same filesystem", m.DiskFreeBytes, m.DiskTotalBytes)
	}
	if m.DiskTestBytes == 0 {
		bad("disk_test_bytes is 0; the disk test did not run, probe again")
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"disk_write_mbps", m.DiskWriteMBps}, {"disk_read_mbps", m.DiskReadMBps}} {
		if err := rate(r.name, r.v, "MB/s", "the disk test timing"); err != nil {
			errs = append(errs, err)
		} else if r.v > MaxDiskMBps {
			bad("%s is %.0f MB/s, above %d MB/s; check the disk test timing and that the file really reached the disk", r.name, r.v, MaxDiskMBps)
		}
	}

	if err := rate("bandwidth_mbps", m.BandwidthMbps, "Mbit/s", "the declared bandwidth or the peer test"); err != nil {
		errs = append(errs, err)
	} else if m.BandwidthMbps > MaxBandwidthMbps {
		bad("bandwidth_mbps is %.0f Mbit/s, above 400 Gbit/s; check the declared bandwidth is in Mbit/s, not bit/s or kbit/s", m.BandwidthMbps)
	}
	if m.BandwidthSource != BandwidthDeclared && m.BandwidthSource != BandwidthMeasured {
		bad("bandwidth_source is %q but must be %q or %q", m.BandwidthSource, BandwidthDeclared, BandwidthMeasured)
	}
	return errors.Join(errs...)
}

// rate rejects a rate that is not a positive finite number.
func rate(name string, v float64, unit, check string) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Errorf("probe: %s is %v, not a number; check %s", name, v, check)
	case v <= 0:
		return fmt.Errorf("probe: %s is %g %s but must be positive; check %s", name, v, unit, check)
	}
	return nil
}

func gib(b uint64) float64 { return float64(b) / (1 << 30) }
