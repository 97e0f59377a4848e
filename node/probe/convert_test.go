package probe

import (
	"strings"
	"testing"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func TestConvertWorkedExamples(t *testing.T) {
	tests := []struct {
		name string
		m    Measurement
		want Units
	}{
		// README worked example: C = 4*16 + 24000/250 = 160, S = 1800/20 + 1000/20 = 140,
		// B = 1000/8 = 125.
		{"reference server", referenceServer(), Units{160, 140, 125}},
		// C = 32 + 12000/250 = 80, S = 10 + 600/20 = 40, B = 100/8 = 12.
		{"laptop", laptop(), Units{80, 40, 12}},
		{"no SHA extensions", with(referenceServer(), func(m *Measurement) { m.ComputeMBps = 8_000 }), Units{96, 140, 125}},
		// Per-core speed counts up to 2,000 MB/s: 16 cores * 2000 / 250 = 128.
		{"hash speed capped per core", with(referenceServer(), func(m *Measurement) { m.ComputeMBps = 48_000 }), Units{192, 140, 125}},
		// A container on 4 of 16 cores: 4*4 + 6000/250 = 40.
		{"container CPU limit", with(referenceServer(), func(m *Measurement) { m.UsableCores, m.ComputeMBps = 4, 6_000 }), Units{40, 140, 125}},
		// The slower of read and write counts, and at most 2,000 MB/s of it.
		{"reads from cache do not count", with(referenceServer(), func(m *Measurement) { m.DiskWriteMBps, m.DiskReadMBps = 9_000, 40_000 }), Units{160, 190, 125}},
		{"slow read counts", with(referenceServer(), func(m *Measurement) { m.DiskReadMBps = 300 }), Units{160, 105, 125}},
		// HDD server: 7,000 GiB free, 180 MB/s: 350 + 9.
		{"hdd server", with(referenceServer(), func(m *Measurement) {
			m.DiskTotalBytes, m.DiskFreeBytes, m.DiskWriteMBps, m.DiskReadMBps = 7452<<30, 7000<<30, 180, 190
		}), Units{160, 359, 125}},
		// Readings are floored before dividing: 19.99 GiB free gives no unit, 7.99 Mbit/s none.
		{"floors", with(referenceServer(), func(m *Measurement) {
			m.LogicalCores, m.UsableCores, m.ComputeMBps = 1, 1, 249.9
			m.DiskFreeBytes, m.DiskWriteMBps, m.DiskReadMBps = 20<<30-1, 19.9, 19.9
			m.BandwidthMbps = 15.99
		}), Units{4, 0, 1}},
		{"10 Gbit/s", with(referenceServer(), func(m *Measurement) { m.BandwidthMbps = 10_000 }), Units{160, 140, 1250}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Convert(tt.m)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			if got != tt.want {
				t.Fatalf("Convert = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestConvertRefuses(t *testing.T) {
	tests := []struct {
		name, want string
		m          Measurement
	}{
		{"other version", `taken for conversion version "0"`, with(referenceServer(), func(m *Measurement) { m.ConversionVersion = "0" })},
		{"no version", `taken for conversion version ""`, with(referenceServer(), func(m *Measurement) { m.ConversionVersion = "" })},
		{"invalid reading", "ram_bytes is 0", with(referenceServer(), func(m *Measurement) { m.RAMBytes = 0 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := Convert(tt.m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Convert = %+v, %v; want error containing %q", u, err, tt.want)
			}
			if u != (Units{}) {
				t.Fatalf("Convert returned units %+v with its error", u)
			}
		})
	}
}

// The formulas are tuned so a mid-size server clears every role's default minimums and a
// laptop clears none of the Worker's; this catches drift in either the formulas or the params.
func TestConvertAgainstRoleMinimums(t *testing.T) {
	server, err := Convert(referenceServer())
	if err != nil {
		t.Fatal(err)
	}
	small, err := Convert(laptop())
	if err != nil {
		t.Fatal(err)
	}
	for _, rp := range portypes.DefaultParams().Roles {
		if server.Compute < rp.MinCompute || server.Storage < rp.MinStorage || server.Bandwidth < rp.MinBandwidth {
			t.Errorf("reference server %+v misses the %s minimums %d/%d/%d", server, rp.Role.Short(), rp.MinCompute, rp.MinStorage, rp.MinBandwidth)
		}
		if rp.Role == portypes.NODE_ROLE_WORKER &&
			(small.Compute >= rp.MinCompute || small.Storage >= rp.MinStorage || small.Bandwidth >= rp.MinBandwidth) {
			t.Errorf("laptop %+v reaches a Worker minimum %d/%d/%d", small, rp.MinCompute, rp.MinStorage, rp.MinBandwidth)
		}
	}
}
