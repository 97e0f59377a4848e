package probe

import (
	"time"

	"github.com/aegis-chain/aegis/x/por/compute"
)

// tilesPerCore is README.md's figure for a modern server core with the reference kernel
// (BenchmarkTile in x/por/compute: about 102 µs a tile on an AMD EPYC vCPU).
const tilesPerCore = 9_800

// referenceServer is the mid-size server README.md works through: 16 cores running the
// reference kernel, 64 GiB RAM, a 2 TB NVMe with 1,800 GiB free, a 1 Gbit/s uplink.
func referenceServer() Measurement {
	return Measurement{
		ConversionVersion:     ConversionVersion,
		MeasuredAt:            time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
		LogicalCores:          16,
		UsableCores:           16,
		ComputeTilesPerSecond: 16 * tilesPerCore,
		ComputeKernel:         compute.Reference{}.Name(),
		ComputeDuration:       "2s",
		RAMBytes:              64 << 30,
		DataDir:               "/var/lib/aegis",
		DiskTotalBytes:        1863 << 30,
		DiskFreeBytes:         1800 << 30,
		DiskTestBytes:         64 << 20,
		DiskWriteMBps:         1_000,
		DiskReadMBps:          2_500,
		BandwidthMbps:         1_000,
		BandwidthSource:       BandwidthDeclared,
	}
}

// laptop is README.md's second example: 8 cores, 200 GiB free, 100 Mbit/s.
func laptop() Measurement {
	m := referenceServer()
	m.LogicalCores, m.UsableCores, m.ComputeTilesPerSecond = 8, 8, 8*tilesPerCore
	m.RAMBytes = 16 << 30
	m.DiskTotalBytes, m.DiskFreeBytes = 476<<30, 200<<30
	m.DiskWriteMBps, m.DiskReadMBps = 600, 1_500
	m.BandwidthMbps = 100
	return m
}

// v1CacheJSON is the reference server as conversion version 1 cached it: a SHA-256 reading,
// no tiles, no kernel.
const v1CacheJSON = `{
  "conversion_version": "1",
  "measured_at": "2025-06-01T12:00:00Z",
  "logical_cores": 16,
  "usable_cores": 16,
  "compute_sha256_mbps": 24000,
  "compute_duration": "2s",
  "ram_bytes": 68719476736,
  "data_dir": "/var/lib/aegis",
  "disk_total_bytes": 2000381018112,
  "disk_free_bytes": 1932735283200,
  "dataset_bytes": 0,
  "disk_test_bytes": 67108864,
  "disk_write_mbps": 1000,
  "disk_read_mbps": 2500,
  "bandwidth_mbps": 1000,
  "bandwidth_source": "declared"
}`

func with(m Measurement, f func(*Measurement)) Measurement {
	f(&m)
	return m
}
