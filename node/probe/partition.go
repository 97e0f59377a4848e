package probe

import (
	"errors"
	"fmt"
)

// RoleShare is the percentage (0..100) of each resource a node gives one role. Role is a free
// name (e.g. "WORKER", as x/por/types.NodeRole.Short spells it) so this package stays chain-free.
type RoleShare struct {
	Role      string `json:"role"`
	Compute   uint64 `json:"compute_pct"`
	Storage   uint64 `json:"storage_pct"`
	Bandwidth uint64 `json:"bandwidth_pct"`
}

// Partition splits the machine's units between roles, one Units per share in order. Each part
// is floor(total * pct / 100), and the percentages of every resource must sum to at most 100,
// so the parts never add up to more than the machine has: one machine cannot be reported
// twice in full.
func Partition(total Units, roles []RoleShare) ([]Units, error) {
	if len(roles) == 0 {
		return nil, errors.New("probe: no role shares given; give each role the node runs a percentage of compute, storage and bandwidth")
	}
	var sumC, sumS, sumB uint64
	seen := make(map[string]bool, len(roles))
	for i, r := range roles {
		switch {
		case r.Role == "":
			return nil, fmt.Errorf("probe: role share %d has no role name", i)
		case seen[r.Role]:
			return nil, fmt.Errorf("probe: role %s has two shares; give each role one", r.Role)
		case r.Compute > 100 || r.Storage > 100 || r.Bandwidth > 100:
			return nil, fmt.Errorf("probe: role %s share %d/%d/%d%% has a percentage above 100", r.Role, r.Compute, r.Storage, r.Bandwidth)
		}
		seen[r.Role] = true
		sumC, sumS, sumB = sumC+r.Compute, sumS+r.Storage, sumB+r.Bandwidth
	}
	for _, s := range []struct {
		name string
		sum  uint64
	}{{"compute", sumC}, {"storage", sumS}, {"bandwidth", sumB}} {
		if s.sum > 100 {
			return nil, fmt.Errorf("probe: the %s shares sum to %d%%, above 100%%; lower them so the roles do not claim more than the machine has", s.name, s.sum)
		}
	}
	parts := make([]Units, len(roles))
	for i, r := range roles {
		parts[i] = Units{
			Compute:   percentOf(total.Compute, r.Compute),
			Storage:   percentOf(total.Storage, r.Storage),
			Bandwidth: percentOf(total.Bandwidth, r.Bandwidth),
		}
	}
	return parts, nil
}

// percentOf is floor(v * pct / 100) for pct <= 100 without overflowing: v = 100q + r gives
// q*pct + floor(r*pct/100), both terms exact and at most v.
func percentOf(v, pct uint64) uint64 {
	return v/100*pct + v%100*pct/100
}
