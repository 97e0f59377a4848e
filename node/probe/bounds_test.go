package probe

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateAcceptsRealMachines(t *testing.T) {
	for name, m := range map[string]Measurement{
		"reference server": referenceServer(),
		"laptop":           laptop(),
		// No per-core bound: a GPU kernel driven from one core may do far more than a core.
		"GPU kernel on one core": with(referenceServer(), func(m *Measurement) {
			m.UsableCores, m.ComputeTilesPerSecond, m.ComputeKernel = 1, 5e8, "gpu-test"
		}),
		"at the tiles bound":   with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = MaxTilesPerSecond }),
		"a fraction of a tile": with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = 0.5 }),
	} {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Each impossible reading is rejected with one sentence naming it, its value and what to check.
func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Measurement)
		want string
	}{
		{"no time", func(m *Measurement) { m.MeasuredAt = time.Time{} }, "measured_at is not set; the measurement was not produced by Probe"},
		{"future time", func(m *Measurement) { m.MeasuredAt = time.Now().Add(time.Hour) }, "is in the future; check the system clock"},
		{"zero cores", func(m *Measurement) { m.LogicalCores = 0 }, "logical_cores is 0 but must be at least 1; check the CPU count"},
		{"negative cores", func(m *Measurement) { m.LogicalCores = -4 }, "logical_cores is -4 but must be at least 1"},
		{"too many cores", func(m *Measurement) { m.LogicalCores, m.UsableCores = 5000, 5000 }, "logical_cores is 5000, above 4096; check the CPU count"},
		{"zero usable cores", func(m *Measurement) { m.UsableCores = 0 }, "usable_cores is 0 but must be at least 1; check GOMAXPROCS"},
		{"usable above logical", func(m *Measurement) { m.UsableCores = 32 }, "usable_cores is 32, more than the 16 logical cores; check GOMAXPROCS"},
		{"zero tile rate", func(m *Measurement) { m.ComputeTilesPerSecond = 0 }, "compute_tiles_per_second is 0 tiles/s but must be positive; check the compute benchmark timing"},
		{"negative tile rate", func(m *Measurement) { m.ComputeTilesPerSecond = -1 }, "compute_tiles_per_second is -1 tiles/s but must be positive"},
		{"NaN tile rate", func(m *Measurement) { m.ComputeTilesPerSecond = math.NaN() }, "compute_tiles_per_second is NaN, not a number; check the compute benchmark timing"},
		{"infinite tile rate", func(m *Measurement) { m.ComputeTilesPerSecond = math.Inf(1) }, "compute_tiles_per_second is +Inf, not a number"},
		{"impossible tile rate", func(m *Measurement) { m.ComputeTilesPerSecond = 2e9 }, "compute_tiles_per_second is 2000000000 tiles/s, above 1000000000; check the compute benchmark timing"},
		{"just above the bound", func(m *Measurement) { m.ComputeTilesPerSecond = math.Nextafter(MaxTilesPerSecond, math.Inf(1)) }, "compute_tiles_per_second is 1000000000 tiles/s, above 1000000000"},
		{"no kernel", func(m *Measurement) { m.ComputeKernel = "" }, "compute_kernel is empty; the compute benchmark did not record its kernel, probe again"},
		{"zero RAM", func(m *Measurement) { m.RAMBytes = 0 }, "ram_bytes is 0; check the memory size the OS reports"},
		// The classic bug: KiB taken for bytes and multiplied again, 17 billion GiB of RAM.
		{"17 billion GiB of RAM", func(m *Measurement) { m.RAMBytes = 17_000_000_000 << 30 }, "ram_bytes is 18253611008000000000 (17000000000 GiB), above 64 TiB; check the memory size is read in bytes"},
		{"zero disk", func(m *Measurement) { m.DiskTotalBytes = 0 }, `disk_total_bytes is 0 for "/var/lib/aegis"; check the data dir is on a real filesystem`},
		{"huge disk", func(m *Measurement) { m.DiskTotalBytes, m.DiskFreeBytes = 11<<50, 11<<50 }, "above 10 PiB; check the disk size is read in bytes"},
		{"full disk", func(m *Measurement) { m.DiskFreeBytes = 0 }, "disk_free_bytes is 0 for \"/var/lib/aegis\"; the data dir's disk is full, free some space"},
		{"free above total", func(m *Measurement) { m.DiskFreeBytes = m.DiskTotalBytes + 1 }, "more than disk_total_bytes 2000381018112; check both come from the same filesystem"},
		{"no disk test", func(m *Measurement) { m.DiskTestBytes = 0 }, "disk_test_bytes is 0; the disk test did not run"},
		{"zero write", func(m *Measurement) { m.DiskWriteMBps = 0 }, "disk_write_mbps is 0 MB/s but must be positive; check the disk test timing"},
		{"negative read", func(m *Measurement) { m.DiskReadMBps = -3 }, "disk_read_mbps is -3 MB/s but must be positive"},
		{"impossible read", func(m *Measurement) { m.DiskReadMBps = 1e6 }, "disk_read_mbps is 1000000 MB/s, above 100000 MB/s; check the disk test timing"},
		{"zero bandwidth", func(m *Measurement) { m.BandwidthMbps = 0 }, "bandwidth_mbps is 0 Mbit/s but must be positive; check the declared bandwidth or the peer test"},
		{"bandwidth in bit/s", func(m *Measurement) { m.BandwidthMbps = 1e9 }, "bandwidth_mbps is 1000000000 Mbit/s, above 400 Gbit/s; check the declared bandwidth is in Mbit/s"},
		{"unknown bandwidth source", func(m *Measurement) { m.BandwidthSource = "guessed" }, `bandwidth_source is "guessed" but must be "declared" or "measured"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := with(referenceServer(), tt.edit).Validate()
			if err == nil {
				t.Fatal("Validate accepted the reading")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %q, want it to contain %q", err, tt.want)
			}
			// One bad reading, one sentence: the other readings must not be blamed.
			if lines := strings.Count(err.Error(), "\n") + 1; lines != 1 {
				t.Fatalf("Validate gave %d messages for one bad reading: %q", lines, err)
			}
			if _, err := Convert(with(referenceServer(), tt.edit)); err == nil {
				t.Fatal("Convert accepted a measurement Validate rejects")
			}
		})
	}
}

func TestValidateReportsEveryBadReading(t *testing.T) {
	err := Measurement{}.Validate()
	if err == nil {
		t.Fatal("Validate accepted an empty measurement")
	}
	for _, want := range []string{"measured_at", "logical_cores", "usable_cores", "compute_tiles_per_second", "compute_kernel", "ram_bytes",
		"disk_total_bytes", "disk_free_bytes", "disk_test_bytes", "disk_write_mbps", "disk_read_mbps", "bandwidth_mbps", "bandwidth_source"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate of an empty measurement does not mention %s: %v", want, err)
		}
	}
}
