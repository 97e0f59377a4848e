package types

import "cosmossdk.io/math"

// Pair is a (node, role) pair as settling sees it: its stored state and what it has
// beyond its latest report (NodeRolePending, kept apart and zero for most pairs).
type Pair struct {
	NodeRoleState
	NodeRolePending
	// PendingStored: a NodeRolePending was stored for the pair when it was read (writing
	// back a pair with nothing pending then deletes it; otherwise there is nothing to
	// delete, and no delete is paid for).
	PendingStored bool
}

// NoPending is the pending state of a pair that has none.
func NoPending() NodeRolePending {
	zero := math.LegacyZeroDec()
	return NodeRolePending{Prev: Segment{Eff: zero}, Held: zero}
}

// IsZero reports whether p holds nothing: such a pair has no NodeRolePending stored.
func (p NodeRolePending) IsZero() bool {
	return p.Prev.FromDay == 0 && p.ChallengeId == 0 && p.ChallengeDay == 0 && DecOrZero(p.Held).IsZero() &&
		len(p.Vesting) == 0 && p.DisqualifiedUntil == 0
}

// Normalized is p with unset decimals read as zero.
func (p NodeRolePending) Normalized() NodeRolePending {
	p.Held = DecOrZero(p.Held)
	p.Prev.Eff = DecOrZero(p.Prev.Eff)
	return p
}

// pairKey names a pair in a genesis state.
type pairKey struct {
	op string
	r  NodeRole
}

// pendingByPair indexes the genesis' pair_pending by pair (the last entry of a pair listed
// twice wins; validation refuses that).
func (gs GenesisState) pendingByPair() map[pairKey]NodeRolePending {
	out := make(map[pairKey]NodeRolePending, len(gs.PairPending))
	for _, pp := range gs.PairPending {
		out[pairKey{pp.Operator, pp.Role}] = pp.Pending.Normalized()
	}
	return out
}

// pairOf joins a genesis node-role with its pending state.
func pairOf(nr NodeRoleState, pending map[pairKey]NodeRolePending) Pair {
	p, ok := pending[pairKey{nr.Operator, nr.Role}]
	if !ok {
		p = NoPending()
	}
	return Pair{NodeRoleState: nr, NodeRolePending: p}
}

// PendingFor is the pair_pending entry of gs.NodeRoles[i], added (holding nothing) if it
// has none: for tools and tests that edit a genesis.
func (gs *GenesisState) PendingFor(i int) *NodeRolePending {
	nr := gs.NodeRoles[i]
	for j := range gs.PairPending {
		if gs.PairPending[j].Operator == nr.Operator && gs.PairPending[j].Role == nr.Role {
			return &gs.PairPending[j].Pending
		}
	}
	gs.PairPending = append(gs.PairPending, PairPending{Operator: nr.Operator, Role: nr.Role, Pending: NoPending()})
	return &gs.PairPending[len(gs.PairPending)-1].Pending
}
