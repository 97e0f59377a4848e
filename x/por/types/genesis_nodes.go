package types

import (
	"math"
	"time"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// validateNodes checks each node on its own and returns them by operator.
func (gs GenesisState) validateNodes() (map[string]Node, error) {
	nodes := make(map[string]Node, len(gs.Nodes))
	for i, n := range gs.Nodes {
		if _, err := sdk.AccAddressFromBech32(n.Operator); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d]: operator %q is not an account address (%v); fix it or remove the node", i, n.Operator, err)
		}
		if _, dup := nodes[n.Operator]; dup {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: listed twice; keep one", i, n.Operator)
		}
		if _, err := sdk.AccAddressFromBech32(n.WithdrawAddress); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: withdraw_address %q is not an account address (%v); set it to the operator",
				i, n.Operator, n.WithdrawAddress, err)
		}
		if !validAmount(n.Stake) {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: stake must be set, not negative and below 2^128", i, n.Operator)
		}
		for j, r := range n.Roles {
			if !r.Valid() {
				return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: unknown role %d (want one of WORKER, DELEGATE, DA, SEQUENCER, OPERATOR)", i, n.Operator, r)
			}
			if j > 0 && r <= n.Roles[j-1] {
				return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: roles %s: list each role once, in role order",
					i, n.Operator, RolesString(n.Roles))
			}
		}
		nodes[n.Operator] = n
	}
	// A reporter acts for exactly one node: it is no node's operator and no other's reporter.
	reporters := map[string]string{}
	for i, n := range gs.Nodes {
		if n.Reporter == "" {
			continue
		}
		if _, err := sdk.AccAddressFromBech32(n.Reporter); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: reporter %q is not an account address (%v); clear it", i, n.Operator, n.Reporter, err)
		}
		if _, isNode := nodes[n.Reporter]; isNode {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: reporter %s is a node's operator; clear it", i, n.Operator, n.Reporter)
		}
		if other, dup := reporters[n.Reporter]; dup {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s: reporter %s also reports for %s; keep one", i, n.Operator, n.Reporter, other)
		}
		reporters[n.Reporter] = n.Operator
	}
	return nodes, nil
}

// validateNodeRoles checks each node-role against its node: one state per (node, role)
// the node ever held, one for every slot it holds, active exactly while it holds the
// slot, amounts set, and reports whose days make sense.
func (gs GenesisState) validateNodeRoles(nodes map[string]Node) error {
	type key struct {
		op string
		r  NodeRole
	}
	seen := make(map[key]bool, len(gs.NodeRoles))
	pend := gs.pendingByPair()
	for i, ns := range gs.NodeRoles {
		nr := pairOf(ns, pend)
		at := func(format string, args ...any) error {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node_roles[%d] (%s, %s): "+format, append([]any{i, nr.Operator, nr.Role.Short()}, args...)...)
		}
		n, ok := nodes[nr.Operator]
		if !ok {
			return at("no node %s; remove the entry or add the node", nr.Operator)
		}
		if !nr.Role.Valid() {
			return at("unknown role %d", nr.Role)
		}
		if seen[key{nr.Operator, nr.Role}] {
			return at("listed twice; keep one")
		}
		seen[key{nr.Operator, nr.Role}] = true
		holds := false
		for _, r := range n.Roles {
			holds = holds || r == nr.Role
		}
		if holds != nr.Active {
			return at("active is %t but the node's roles %s; make them agree", nr.Active, RolesString(n.Roles))
		}
		for _, d := range []struct {
			name string
			v    interface{ IsNil() bool }
		}{{"raw", nr.Raw}, {"capped", nr.Capped}, {"eff", nr.Eff}, {"accrued", nr.Accrued}, {"prev.eff", nr.Prev.Eff}} {
			if d.v.IsNil() {
				return at("%s must be set", d.name)
			}
		}
		maxEff := sdkmath.LegacyNewDec(MaxPorCap)
		if nr.Eff.IsNegative() || nr.Prev.Eff.IsNegative() || nr.Eff.GT(maxEff) || nr.Prev.Eff.GT(maxEff) || !validDec(nr.Accrued) {
			return at("eff and prev.eff must be in [0, %d] (no report earns more than por_cap), accrued not negative and at most 2^160", MaxPorCap)
		}
		cur := nr.Current()
		for _, s := range []struct {
			name string
			seg  Segment
		}{{"report", cur}, {"prev", nr.Prev}} {
			if s.seg.FromDay != 0 && s.seg.FromDay > s.seg.ToDay {
				return at("%s counts from day %d to day %d; from_day must not be after to_day", s.name, s.seg.FromDay, s.seg.ToDay)
			}
			if !nr.Active && s.seg.Counts() && s.seg.ToDay > gs.LastTickDay {
				return at("inactive, but its %s counts until day %d, after the last tick %d; end it at day %d", s.name, s.seg.ToDay, gs.LastTickDay, gs.LastTickDay)
			}
		}
		if cur.Counts() && nr.Prev.Counts() && nr.Prev.ToDay >= cur.FromDay {
			return at("prev (days %d-%d) overlaps the report (from day %d); a report must replace prev", nr.Prev.FromDay, nr.Prev.ToDay, cur.FromDay)
		}
		if nr.SettledDay > gs.LastTickDay {
			return at("settled_day %d is after the last tick %d; set it to at most %d", nr.SettledDay, gs.LastTickDay, gs.LastTickDay)
		}
	}
	for i, n := range gs.Nodes {
		for _, r := range n.Roles {
			if !seen[key{n.Operator, r}] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "nodes[%d] %s holds a %s slot but has no node_roles entry for it; add an active one or drop the role",
					i, n.Operator, r.Short())
			}
		}
	}
	return nil
}

// minQueueTime and maxQueueTime are the times the unbonding queue's UnixNano key can hold.
var minQueueTime, maxQueueTime = time.Unix(0, math.MinInt64).UTC(), time.Unix(0, math.MaxInt64).UTC()

// validateUnbonding checks the queued and set-aside unbonding entries: ids unique and
// issued (the sequence far from wrapping), amounts positive; a queued entry's operator must parse (it is paid when it
// matures), a set-aside one is kept as it is.
func (gs GenesisState) validateUnbonding() error {
	// Ids are never reused: a sequence this close to wrapping would hand out an id a queued
	// entry holds, and overwrite it.
	if gs.NextUnbondingId > 1<<62 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "next_unbonding_id %d is beyond any chain's history (at most 2^62)", gs.NextUnbondingId)
	}
	ids := make(map[uint64]bool, len(gs.Unbonding)+len(gs.SetAside))
	for _, list := range []struct {
		name    string
		entries []UnbondingEntry
	}{{"unbonding", gs.Unbonding}, {"set_aside", gs.SetAside}} {
		for i, u := range list.entries {
			if u.Id == 0 || u.Id >= gs.NextUnbondingId {
				return errorsmod.Wrapf(ErrInvalidGenesis, "%s[%d]: id %d must be in [1, next_unbonding_id %d)", list.name, i, u.Id, gs.NextUnbondingId)
			}
			if ids[u.Id] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "%s[%d]: id %d used twice; give each entry its own id", list.name, i, u.Id)
			}
			ids[u.Id] = true
			if !validAmount(u.Amount) || u.Amount.IsZero() {
				return errorsmod.Wrapf(ErrInvalidGenesis, "%s[%d] id %d: amount must be positive and below 2^128", list.name, i, u.Id)
			}
			if list.name == "unbonding" {
				if _, err := sdk.AccAddressFromBech32(u.Operator); err != nil {
					return errorsmod.Wrapf(ErrInvalidGenesis, "unbonding[%d] id %d: operator %q is not an account address (%v); it could never be paid: fix the address",
						i, u.Id, u.Operator, err)
				}
				// The queue is ordered by UnixNano, which wraps outside these years: an
				// entry due in 2300 would be paid at once.
				if u.CompletionTime.Before(minQueueTime) || u.CompletionTime.After(maxQueueTime) {
					return errorsmod.Wrapf(ErrInvalidGenesis, "unbonding[%d] id %d: completion_time %s must be within %s and %s (the queue's nanosecond clock)",
						i, u.Id, u.CompletionTime, minQueueTime, maxQueueTime)
				}
			}
		}
	}
	return nil
}
