package types

import (
	"slices"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// roleDay keys a role's record of one day.
type roleDay struct {
	r   NodeRole
	day uint64
}

// derived is what the nodes' own state implies for each role: the slots held, the eff
// and count that count at the next tick (last+1), and the deltas due at the ticks after
// it.
type derived struct {
	slots     map[NodeRole]uint64
	effNext   map[NodeRole]math.LegacyDec
	countNext map[NodeRole]int64
	deltas    map[roleDay]RoleDelta
}

// derive rebuilds the redundant role state from the nodes and node-roles. A report that
// counts at days [from, to] schedules +eff at from and -eff at to+1. A report replaced
// at the last tick is gone from the node's state while its eff is still in the running
// sum, with its -eff due at the next tick; so only the sum after the next tick's delta
// (running sum + delta[last+1]) is derivable, and every later delta is.
func (gs GenesisState) derive() derived {
	d := derived{slots: map[NodeRole]uint64{}, effNext: map[NodeRole]math.LegacyDec{}, countNext: map[NodeRole]int64{}, deltas: map[roleDay]RoleDelta{}}
	for _, r := range AllRoles {
		d.effNext[r] = math.LegacyZeroDec()
	}
	for _, n := range gs.Nodes {
		for _, r := range n.Roles {
			d.slots[r]++
		}
	}
	next := gs.LastTickDay + 1
	add := func(r NodeRole, day uint64, eff math.LegacyDec, count int64) {
		k := roleDay{r, day}
		delta, ok := d.deltas[k]
		if !ok {
			delta = RoleDelta{Eff: math.LegacyZeroDec()}
		}
		delta.Eff, delta.Count = delta.Eff.Add(eff), delta.Count+count
		if delta.Eff.IsZero() && delta.Count == 0 {
			delete(d.deltas, k) // as the keeper does: a delta that cancels out is not kept
			return
		}
		d.deltas[k] = delta
	}
	pend := gs.pendingByPair()
	for _, ns := range gs.NodeRoles {
		nr := pairOf(ns, pend)
		for _, s := range []Segment{nr.Prev, nr.Current()} {
			if !s.Counts() {
				continue
			}
			if s.CountsAt(next) {
				d.effNext[nr.Role] = d.effNext[nr.Role].Add(s.Eff)
				d.countNext[nr.Role]++
			}
			if s.FromDay > next {
				add(nr.Role, s.FromDay, s.Eff, 1)
			}
			if s.ToDay+1 > next {
				add(nr.Role, s.ToDay+1, s.Eff.Neg(), -1)
			}
		}
	}
	return d
}

// validateDerived checks that the slot counts, running sums and scheduled deltas agree
// with what the nodes' state implies: a stray delta would wrap a role's count or give
// phantom eff a share of every later day.
func (gs GenesisState) validateDerived() error {
	d := gs.derive()
	next := gs.LastTickDay + 1
	given := make(map[roleDay]RoleDelta, len(gs.Deltas))
	for i, gd := range gs.Deltas {
		k := roleDay{gd.Role, gd.Day}
		switch {
		case !gd.Role.Valid():
			return errorsmod.Wrapf(ErrInvalidGenesis, "deltas[%d]: unknown role %d", i, gd.Role)
		case gd.Delta.Eff.IsNil() || gd.Delta.Eff.Abs().GT(maxDec):
			return errorsmod.Wrapf(ErrInvalidGenesis, "deltas[%d] (%s, day %d): eff must be set and within ±2^160", i, gd.Role.Short(), gd.Day)
		case gd.Day < next:
			return errorsmod.Wrapf(ErrInvalidGenesis, "deltas[%d] (%s, day %d): day %d is already ticked (last tick %d); remove it", i, gd.Role.Short(), gd.Day, gd.Day, gs.LastTickDay)
		}
		if _, dup := given[k]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deltas[%d] (%s, day %d): listed twice; keep one", i, gd.Role.Short(), gd.Day)
		}
		given[k] = gd.Delta
	}
	for i, rs := range gs.Roles {
		if rs.SlotsHeld != d.slots[rs.Role] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: slots_held %d but %d nodes hold the role; set slots_held to %d",
				i, rs.Role.Short(), rs.SlotsHeld, d.slots[rs.Role], d.slots[rs.Role])
		}
		nd, ok := given[roleDay{rs.Role, next}]
		if !ok {
			nd = RoleDelta{Eff: math.LegacyZeroDec()}
		}
		if !rs.EffSum.Add(nd.Eff).Equal(d.effNext[rs.Role]) || int64(rs.Count)+nd.Count != d.countNext[rs.Role] || rs.Count > 1<<62 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: eff_sum %s and count %d, plus the day-%d delta (%s, %d), must equal the reports counting at day %d (%s, %d); fix eff_sum, count or that delta",
				i, rs.Role.Short(), rs.EffSum, rs.Count, next, nd.Eff, nd.Count, next, d.effNext[rs.Role], d.countNext[rs.Role])
		}
	}
	keys := make([]roleDay, 0, len(given)+len(d.deltas))
	for k := range given {
		if k.day > next {
			keys = append(keys, k)
		}
	}
	for k := range d.deltas {
		if _, ok := given[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b roleDay) int {
		if a.r != b.r {
			return int(a.r) - int(b.r)
		}
		return compareUint64(a.day, b.day)
	})
	for _, k := range keys {
		g, hasG := given[k]
		w, hasW := d.deltas[k]
		if hasG && hasW && g.Eff.Equal(w.Eff) && g.Count == w.Count {
			continue
		}
		if !hasW {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deltas (%s, day %d): eff %s count %d, but no report starts or ends there; remove it",
				k.r.Short(), k.day, g.Eff, g.Count)
		}
		return errorsmod.Wrapf(ErrInvalidGenesis, "deltas (%s, day %d): the reports schedule eff %s count %d there; set the delta so",
			k.r.Short(), k.day, w.Eff, w.Count)
	}
	return nil
}

func compareUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// SetDerived fills in what the nodes' state implies — each role's slots_held, the running
// eff_sum and count of the reports counting at the next tick, and every later delta — so
// that a genesis built from nodes and node-roles (a simulation, a load test, a migration)
// validates. It replaces gs.Deltas and the roles' slot, eff and count fields.
func (gs *GenesisState) SetDerived() {
	d := gs.derive()
	for i := range gs.Roles {
		r := gs.Roles[i].Role
		gs.Roles[i].SlotsHeld = d.slots[r]
		gs.Roles[i].EffSum = d.effNext[r]
		gs.Roles[i].Count = uint64(d.countNext[r])
	}
	keys := make([]roleDay, 0, len(d.deltas))
	for k := range d.deltas {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b roleDay) int {
		if a.r != b.r {
			return int(a.r) - int(b.r)
		}
		return compareUint64(a.day, b.day)
	})
	gs.Deltas = gs.Deltas[:0]
	for _, k := range keys {
		gs.Deltas = append(gs.Deltas, GenesisRoleDelta{Role: k.r, Day: k.day, Delta: d.deltas[k]})
	}
}
