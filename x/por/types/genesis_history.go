package types

import (
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// validateHistory checks the recorded ticks: each role's receipts are of days already
// ticked and their index never decreases; the receipt of the last tick carries the
// role's current index; and every index a node-role's settlement reads is recorded, so
// that no reward is computed against a missing (zero) index.
func (gs GenesisState) validateHistory() error {
	last := gs.LastTickDay
	index := make(map[roleDay]math.LegacyDec, len(gs.RoleDays))
	for i, rd := range gs.RoleDays {
		k := roleDay{rd.Role, rd.Day}
		switch {
		case !rd.Role.Valid():
			return errorsmod.Wrapf(ErrInvalidGenesis, "role_days[%d]: unknown role %d", i, rd.Role)
		case rd.Day == 0 || rd.Day > last:
			return errorsmod.Wrapf(ErrInvalidGenesis, "role_days[%d] (%s, day %d): only days 1..last_tick_day %d are ticked; remove it", i, rd.Role.Short(), rd.Day, last)
		case !validDec(rd.Index):
			return errorsmod.Wrapf(ErrInvalidGenesis, "role_days[%d] (%s, day %d): index must be set, not negative and at most 2^160", i, rd.Role.Short(), rd.Day)
		case rd.VestDays > MaxVestingDays:
			return errorsmod.Wrapf(ErrInvalidGenesis, "role_days[%d] (%s, day %d): vest_days %d above %d", i, rd.Role.Short(), rd.Day, rd.VestDays, MaxVestingDays)
		}
		if _, dup := index[k]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "role_days[%d] (%s, day %d): listed twice; keep one", i, rd.Role.Short(), rd.Day)
		}
		index[k] = rd.Index
	}
	// A day whose reward vests is settled as index[d] - index[d-1]: both are read.
	for i, rd := range gs.RoleDays {
		if _, ok := index[roleDay{rd.Role, rd.Day - 1}]; rd.VestDays > 0 && rd.Day > 1 && !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "role_days[%d] (%s, day %d): its reward vests, so day %d's receipt must be listed too; add it", i, rd.Role.Short(), rd.Day, rd.Day-1)
		}
	}
	for _, r := range AllRoles {
		prev, prevDay := math.LegacyZeroDec(), uint64(0)
		for day := uint64(1); day <= last && len(index) > 0; day++ {
			idx, ok := index[roleDay{r, day}]
			if !ok {
				continue
			}
			if idx.LT(prev) {
				return errorsmod.Wrapf(ErrInvalidGenesis, "role_days (%s, day %d): index %s below day %d's %s; an index never decreases", r.Short(), day, idx, prevDay, prev)
			}
			prev, prevDay = idx, day
		}
	}
	for i, rs := range gs.Roles {
		// Before the first tick the index is zero: settlements read day 0's index as zero,
		// so a head start would be paid to every report out of nothing.
		if last == 0 {
			if !rs.Index.IsZero() {
				return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: index %s before any tick; it must be 0", i, rs.Role.Short(), rs.Index)
			}
			continue
		}
		idx, ok := index[roleDay{rs.Role, last}]
		if !ok || !idx.Equal(rs.Index) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: index %s must equal the role_days receipt of the last tick (day %d); add or fix that receipt",
				i, rs.Role.Short(), rs.Index, last)
		}
	}
	pend := gs.pendingByPair()
	for i, ns := range gs.NodeRoles {
		nr := pairOf(ns, pend)
		for _, s := range []Segment{nr.Prev, nr.Current()} {
			if !s.Counts() {
				continue
			}
			upper, lower := min(s.ToDay, last), max(nr.SettledDay, s.FromDay-1)
			for _, day := range []uint64{lower, upper} {
				if day == 0 || day > last || upper <= lower && day == upper {
					continue
				}
				if _, ok := index[roleDay{nr.Role, day}]; !ok {
					return errorsmod.Wrapf(ErrInvalidGenesis, "node_roles[%d] (%s, %s): its rewards read the %s index of day %d, which has no role_days receipt; add it",
						i, nr.Operator, nr.Role.Short(), nr.Role.Short(), day)
				}
			}
		}
	}
	ticks := make(map[uint64]bool, len(gs.DayTicks))
	for i, t := range gs.DayTicks {
		if t.Day == 0 || t.Day > last || t.Amount.IsNil() || t.Amount.IsNegative() || t.Carry.IsNil() || t.Carry.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "day_ticks[%d] (day %d): must be a ticked day (1..%d) with amounts set and not negative", i, t.Day, last)
		}
		if ticks[t.Day] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "day_ticks[%d]: day %d listed twice; keep one", i, t.Day)
		}
		ticks[t.Day] = true
	}
	return nil
}
