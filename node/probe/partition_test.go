package probe

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPartition(t *testing.T) {
	total := Units{Compute: 141, Storage: 140, Bandwidth: 125}
	tests := []struct {
		name  string
		total Units
		roles []RoleShare
		want  []Units
	}{
		{"one role takes all", total, []RoleShare{{"WORKER", 100, 100, 100}}, []Units{total}},
		// README.md's example. Floors: 141*0.7 = 98.7 -> 98, 141*0.3 = 42.3 -> 42;
		// 140*0.33 = 46.2 -> 46; 125*0.6 = 75, 125*0.4 = 50.
		{"worker and DA", total, []RoleShare{{"WORKER", 70, 33, 60}, {"DA", 30, 67, 40}},
			[]Units{{98, 46, 75}, {42, 93, 50}}},
		{"leftover stays unused", total, []RoleShare{{"WORKER", 50, 50, 50}}, []Units{{70, 70, 62}}},
		{"zero share", total, []RoleShare{{"WORKER", 100, 100, 100}, {"SEQUENCER", 0, 0, 0}}, []Units{total, {}}},
		{"floor of small totals", Units{1, 2, 3}, []RoleShare{{"A", 50, 50, 50}, {"B", 50, 50, 50}}, []Units{{0, 1, 1}, {0, 1, 1}}},
		{"no overflow at max", Units{math.MaxUint64, math.MaxUint64, math.MaxUint64}, []RoleShare{{"A", 100, 99, 1}},
			[]Units{{math.MaxUint64, bigFloorPct(math.MaxUint64, 99), math.MaxUint64 / 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Partition(tt.total, tt.roles)
			if err != nil {
				t.Fatalf("Partition: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("Partition = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPartitionRejects(t *testing.T) {
	total := Units{100, 100, 100}
	tests := []struct {
		name  string
		roles []RoleShare
		want  string
	}{
		{"no roles", nil, "no role shares given"},
		{"compute above 100", []RoleShare{{"WORKER", 60, 10, 10}, {"DA", 41, 10, 10}}, "the compute shares sum to 101%, above 100%"},
		{"storage above 100", []RoleShare{{"WORKER", 10, 100, 10}, {"DA", 0, 1, 0}}, "the storage shares sum to 101%"},
		{"bandwidth above 100", []RoleShare{{"A", 0, 0, 50}, {"B", 0, 0, 50}, {"C", 0, 0, 50}}, "the bandwidth shares sum to 150%"},
		{"one percentage above 100", []RoleShare{{"WORKER", 101, 0, 0}}, "role WORKER share 101/0/0% has a percentage above 100"},
		{"huge percentage", []RoleShare{{"WORKER", math.MaxUint64, 0, 0}, {"DA", 2, 0, 0}}, "has a percentage above 100"},
		{"duplicate role", []RoleShare{{"WORKER", 10, 10, 10}, {"WORKER", 10, 10, 10}}, "role WORKER has two shares"},
		{"unnamed role", []RoleShare{{"", 10, 10, 10}}, "role share 0 has no role name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Partition(total, tt.roles)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Partition = %+v, %v; want error containing %q", got, err, tt.want)
			}
			if got != nil {
				t.Fatalf("Partition returned parts %+v with its error", got)
			}
		})
	}
}

// Property: for any totals and any share set, either the shares are rejected because some
// resource's percentages sum above 100, or the parts sum to at most the totals, each part is
// exactly floor(total*pct/100), and together they lose less than one unit per role.
func TestPartitionNeverExceedsTotals(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for i := range 20_000 {
		total := Units{randTotal(rng), randTotal(rng), randTotal(rng)}
		roles := make([]RoleShare, 1+rng.IntN(5))
		var sums [3]uint64
		for j := range roles {
			pct := func(k int) uint64 {
				p := uint64(rng.IntN(61))
				sums[k] += p
				return p
			}
			roles[j] = RoleShare{Role: fmt.Sprintf("r%d", j), Compute: pct(0), Storage: pct(1), Bandwidth: pct(2)}
		}
		parts, err := Partition(total, roles)
		overbooked := sums[0] > 100 || sums[1] > 100 || sums[2] > 100
		if overbooked != (err != nil) {
			t.Fatalf("case %d: shares %+v sum to %v; Partition err = %v", i, roles, sums, err)
		}
		if err != nil {
			continue
		}
		accepted++
		var got [3]uint64
		for j, p := range parts {
			for k, v := range []uint64{p.Compute, p.Storage, p.Bandwidth} {
				tot := [3]uint64{total.Compute, total.Storage, total.Bandwidth}[k]
				pct := [3]uint64{roles[j].Compute, roles[j].Storage, roles[j].Bandwidth}[k]
				if want := bigFloorPct(tot, pct); v != want {
					t.Fatalf("case %d: role %d resource %d: got %d, want floor(%d*%d/100) = %d", i, j, k, v, tot, pct, want)
				}
				if got[k]+v < got[k] {
					t.Fatalf("case %d: parts overflow uint64", i)
				}
				got[k] += v
			}
		}
		for k, tot := range [3]uint64{total.Compute, total.Storage, total.Bandwidth} {
			if got[k] > tot {
				t.Fatalf("case %d: resource %d parts sum to %d, above the total %d (shares %+v)", i, k, got[k], tot, roles)
			}
		}
	}
	if accepted < 1000 {
		t.Fatalf("only %d random share sets were valid; the property was barely exercised", accepted)
	}
}

// randTotal mixes small totals (where flooring bites) with huge ones (where overflow would).
func randTotal(rng *rand.Rand) uint64 {
	switch rng.IntN(3) {
	case 0:
		return uint64(rng.IntN(1000))
	case 1:
		return rng.Uint64()
	default:
		return math.MaxUint64 - uint64(rng.IntN(1000))
	}
}

// bigFloorPct is floor(v*pct/100) computed in 128 bits, as an independent reference.
func bigFloorPct(v, pct uint64) uint64 {
	hi, lo := bits.Mul64(v, pct)
	q, _ := bits.Div64(hi, lo, 100)
	return q
}
