package probe

import "time"

// referenceServer is the mid-size server README.md works through: 16 cores with SHA
// extensions, 64 GiB RAM, a 2 TB NVMe with 1,800 GiB free, a 1 Gbit/s uplink.
func referenceServer() Measurement {
	return Measurement{
		ConversionVersion: ConversionVersion,
		MeasuredAt:        time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
		LogicalCores:      16,
		UsableCores:       16,
		ComputeMBps:       24_000,
		ComputeDuration:   "2s",
		RAMBytes:          64 << 30,
		DataDir:           "/var/lib/aegis",
		DiskTotalBytes:    1863 << 30,
		DiskFreeBytes:     1800 << 30,
		DiskTestBytes:     64 << 20,
		DiskWriteMBps:     1_000,
		DiskReadMBps:      2_500,
		BandwidthMbps:     1_000,
		BandwidthSource:   BandwidthDeclared,
	}
}

// laptop is README.md's second example: 8 cores, 200 GiB free, 100 Mbit/s.
func laptop() Measurement {
	m := referenceServer()
	m.LogicalCores, m.UsableCores, m.ComputeMBps = 8, 8, 12_000
	m.RAMBytes = 16 << 30
	m.DiskTotalBytes, m.DiskFreeBytes = 476<<30, 200<<30
	m.DiskWriteMBps, m.DiskReadMBps = 600, 1_500
	m.BandwidthMbps = 100
	return m
}

func with(m Measurement, f func(*Measurement)) Measurement {
	f(&m)
	return m
}
