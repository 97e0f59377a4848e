package types

import "cosmossdk.io/math"

// IndexAt is a role's cumulative reward index after the tick of day: zero for day 0 and
// for a day with no recorded tick.
type IndexAt func(r NodeRole, day uint64) (math.LegacyDec, error)

// Counts reports whether the segment holds a report that counts at its ticks: only a
// positive eff does (a node is active at a tick only with eff > 0).
func (s Segment) Counts() bool { return s.FromDay != 0 && s.Eff.IsPositive() }

// CountsAt reports whether the segment counts at the tick of day.
func (s Segment) CountsAt(day uint64) bool { return s.Counts() && s.FromDay <= day && day <= s.ToDay }

// Earned is what s earned in role r over the ticks after settledDay up to lastTick:
// eff * (index[min(to, lastTick)] - index[max(settledDay, from-1)]).
func (s Segment) Earned(r NodeRole, settledDay, lastTick uint64, indexAt IndexAt) (math.LegacyDec, error) {
	if !s.Counts() {
		return math.LegacyZeroDec(), nil
	}
	upper, lower := min(s.ToDay, lastTick), max(settledDay, s.FromDay-1)
	if upper <= lower {
		return math.LegacyZeroDec(), nil
	}
	hi, err := indexAt(r, upper)
	if err != nil {
		return math.LegacyDec{}, err
	}
	lo, err := indexAt(r, lower)
	if err != nil {
		return math.LegacyDec{}, err
	}
	return s.Eff.Mul(hi.Sub(lo)), nil
}

// Current is the segment of the latest report.
func (nr NodeRoleState) Current() Segment {
	return Segment{Eff: nr.Eff, FromDay: nr.FromDay, ToDay: nr.ToDay}
}

// Settle moves everything nr earned up to lastTick into Accrued, and drops a previous
// report whose ticks have all run.
func (nr *NodeRoleState) Settle(lastTick uint64, indexAt IndexAt) error {
	for _, seg := range []Segment{nr.Prev, nr.Current()} {
		e, err := seg.Earned(nr.Role, nr.SettledDay, lastTick, indexAt)
		if err != nil {
			return err
		}
		nr.Accrued = nr.Accrued.Add(e)
	}
	if nr.Prev.FromDay != 0 && nr.Prev.ToDay <= lastTick {
		nr.Prev = Segment{Eff: math.LegacyZeroDec()}
	}
	nr.SettledDay = max(nr.SettledDay, lastTick)
	return nil
}
