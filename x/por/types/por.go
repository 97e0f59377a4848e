package types

import "cosmossdk.io/math"

// PoR is the Proof-of-Resources of one report part in one role (spec section 3).
type PoR struct {
	Raw, Capped, Eff math.LegacyDec
	Penalized        bool
}

// ComputePoR applies a role's weights, cap, minimums and penalty to a part:
//
//	raw = wc*C + ws*S + wb*B;  capped = min(raw, por_cap)
//	eff = capped * penalty if any resource is below its minimum, else capped
func (p RoleParams) ComputePoR(r Resources) PoR {
	raw := p.WeightCompute.MulInt(math.NewIntFromUint64(r.Compute)).
		Add(p.WeightStorage.MulInt(math.NewIntFromUint64(r.Storage))).
		Add(p.WeightBandwidth.MulInt(math.NewIntFromUint64(r.Bandwidth)))
	capped := math.LegacyMinDec(raw, p.PorCap)
	penalized := r.Compute < p.MinCompute || r.Storage < p.MinStorage || r.Bandwidth < p.MinBandwidth
	eff := capped
	if penalized {
		eff = capped.Mul(p.Penalty)
	}
	return PoR{Raw: raw, Capped: capped, Eff: eff, Penalized: penalized}
}

// Add returns the component-wise sum.
func (r Resources) Add(o Resources) Resources {
	return Resources{Compute: r.Compute + o.Compute, Storage: r.Storage + o.Storage, Bandwidth: r.Bandwidth + o.Bandwidth}
}

// Within reports whether every component of r is at most the one of o.
func (r Resources) Within(o Resources) bool {
	return r.Compute <= o.Compute && r.Storage <= o.Storage && r.Bandwidth <= o.Bandwidth
}

// Max is the largest component.
func (r Resources) Max() uint64 { return max(r.Compute, r.Storage, r.Bandwidth) }
