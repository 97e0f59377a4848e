package probe

import (
	"encoding/json"
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
		// README worked example: C = floor(156800*9/10)/1000 = 141120/1000 = 141,
		// S = 1800/20 + 1000/20 = 140, B = 1000/8 = 125.
		{"reference server", referenceServer(), Units{141, 140, 125}},
		// C = floor(78400*9/10)/1000 = 70560/1000 = 70, S = 10 + 600/20 = 40, B = 100/8 = 12.
		{"laptop", laptop(), Units{70, 40, 12}},
		// Older cores at 5,000 tiles/s each: 80000*9/10 = 72000.
		{"older cores", with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = 16 * 5_000 }), Units{72, 140, 125}},
		// A GPU kernel is not capped per core: 2,000,000 tiles/s on 16 cores gives 1,800.
		{"GPU kernel", with(referenceServer(), func(m *Measurement) {
			m.ComputeTilesPerSecond, m.ComputeKernel = 2_000_000, "gpu-test"
		}), Units{1800, 140, 125}},
		// A container on 4 of 16 cores: 39200*9/10 = 35280.
		{"container CPU limit", with(referenceServer(), func(m *Measurement) { m.UsableCores, m.ComputeTilesPerSecond = 4, 4*tilesPerCore }), Units{35, 140, 125}},
		// The node declares 9/10 of what it measured: 10,000 tiles/s is 9 units, not 10.
		{"declares nine tenths", with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = 10_000 }), Units{9, 140, 125}},
		// 1,112 * 9/10 = 1000.8, floored to 1000: exactly one unit.
		{"one unit", with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = 1_112 }), Units{1, 140, 125}},
		// README: a 16-core server needs 155,556 tiles/s (9,723 a core) for the Worker's 140.
		{"Worker compute minimum reached", with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = 155_556 }), Units{140, 140, 125}},
		{"Worker compute minimum missed", with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = 16 * 9_722 }), Units{139, 140, 125}},
		// The largest valid reading: 10^9 * 9/10 / 1000.
		{"at the bound", with(referenceServer(), func(m *Measurement) { m.ComputeTilesPerSecond = MaxTilesPerSecond }), Units{900_000, 140, 125}},
		// The slower of read and write counts, and at most 2,000 MB/s of it.
		{"reads from cache do not count", with(referenceServer(), func(m *Measurement) { m.DiskWriteMBps, m.DiskReadMBps = 9_000, 40_000 }), Units{141, 190, 125}},
		{"slow read counts", with(referenceServer(), func(m *Measurement) { m.DiskReadMBps = 300 }), Units{141, 105, 125}},
		// HDD server: 7,000 GiB free, 180 MB/s: 350 + 9.
		{"hdd server", with(referenceServer(), func(m *Measurement) {
			m.DiskTotalBytes, m.DiskFreeBytes, m.DiskWriteMBps, m.DiskReadMBps = 7452<<30, 7000<<30, 180, 190
		}), Units{141, 359, 125}},
		// Readings are floored before scaling and dividing: 1,111.99 tiles/s is 1,111, whose
		// nine tenths (999) give no unit, though 1,111.99 * 0.9 = 1000.79 would; 19.99 GiB
		// free gives no unit, 7.99 Mbit/s none.
		{"floors", with(referenceServer(), func(m *Measurement) {
			m.LogicalCores, m.UsableCores, m.ComputeTilesPerSecond = 1, 1, 1_111.99
			m.DiskFreeBytes, m.DiskWriteMBps, m.DiskReadMBps = 20<<30-1, 19.9, 19.9
			m.BandwidthMbps = 15.99
		}), Units{0, 0, 1}},
		{"10 Gbit/s", with(referenceServer(), func(m *Measurement) { m.BandwidthMbps = 10_000 }), Units{141, 140, 1250}},
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
		// A version 1 measurement (SHA-256 based) is refused for its version, not converted by
		// the tile formula, whatever its readings.
		{"version 1", `taken for conversion version "1" but this aegis-node converts version "2"; probe again`,
			with(referenceServer(), func(m *Measurement) { m.ConversionVersion = "1" })},
		{"version 1 as cached", `taken for conversion version "1" but this aegis-node converts version "2"; probe again`, decodeV1(t)},
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

// decodeV1 is the measurement a version 1 cache file holds.
func decodeV1(t *testing.T) Measurement {
	t.Helper()
	var m Measurement
	if err := json.Unmarshal([]byte(v1CacheJSON), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The formulas put a mid-size server over every role's default minimums and a laptop under
// all of the Worker's. This pins README.md's role table against DefaultParams, so drift in
// either the formulas or the params fails here: per role, the minimums each machine misses.
func TestConvertAgainstRoleMinimums(t *testing.T) {
	machines := []struct {
		name   string
		m      Measurement
		misses map[portypes.NodeRole]string
	}{
		{"reference server", referenceServer(), map[portypes.NodeRole]string{
			portypes.NODE_ROLE_WORKER: "", portypes.NODE_ROLE_DELEGATE: "", portypes.NODE_ROLE_DA: "",
			portypes.NODE_ROLE_SEQUENCER: "", portypes.NODE_ROLE_OPERATOR: "",
		}},
		{"laptop", laptop(), map[portypes.NodeRole]string{
			portypes.NODE_ROLE_WORKER: "C S B", portypes.NODE_ROLE_DELEGATE: "C S B", portypes.NODE_ROLE_DA: "S B",
			portypes.NODE_ROLE_SEQUENCER: "B", portypes.NODE_ROLE_OPERATOR: "C B",
		}},
	}
	roles := portypes.DefaultParams().Roles
	for _, mc := range machines {
		u, err := Convert(mc.m)
		if err != nil {
			t.Fatal(err)
		}
		if len(mc.misses) != len(roles) {
			t.Fatalf("%s: the table covers %d roles, DefaultParams has %d", mc.name, len(mc.misses), len(roles))
		}
		for _, rp := range roles {
			var missed []string
			for _, r := range []struct {
				name     string
				got, min uint64
			}{{"C", u.Compute, rp.MinCompute}, {"S", u.Storage, rp.MinStorage}, {"B", u.Bandwidth, rp.MinBandwidth}} {
				if r.got < r.min {
					missed = append(missed, r.name)
				}
			}
			want, ok := mc.misses[rp.Role]
			if got := strings.Join(missed, " "); !ok || got != want {
				t.Errorf("%s %+v against the %s minimums %d/%d/%d misses %q, README.md says %q",
					mc.name, u, rp.Role.Short(), rp.MinCompute, rp.MinStorage, rp.MinBandwidth, got, want)
			}
		}
	}
}
