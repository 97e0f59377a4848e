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
// report whose ticks have all run. What the report under a pending challenge earned goes
// to Held instead, until the challenge resolves.
func (nr *NodeRoleState) Settle(lastTick uint64, indexAt IndexAt) error {
	nr.Held = DecOrZero(nr.Held)
	for _, seg := range []Segment{nr.Prev, nr.Current()} {
		e, err := seg.Earned(nr.Role, nr.SettledDay, lastTick, indexAt)
		if err != nil {
			return err
		}
		if nr.ChallengeId != 0 && seg.FromDay == nr.ChallengeDay {
			nr.Held = nr.Held.Add(e)
		} else {
			nr.Accrued = nr.Accrued.Add(e)
		}
	}
	if nr.Prev.FromDay != 0 && nr.Prev.ToDay <= lastTick {
		nr.Prev = Segment{Eff: math.LegacyZeroDec()}
	}
	nr.SettledDay = max(nr.SettledDay, lastTick)
	return nil
}

// ChallengedSegment is the segment of the report of day, current or previous (empty when
// neither is that report any more).
func (nr NodeRoleState) ChallengedSegment(day uint64) Segment {
	switch {
	case day == 0:
	case nr.FromDay == day:
		return nr.Current()
	case nr.Prev.FromDay == day:
		return nr.Prev
	}
	return Segment{Eff: math.LegacyZeroDec()}
}

// Owed is what the node-role is owed exactly: accrued plus held.
func (nr NodeRoleState) Owed() math.LegacyDec { return nr.Accrued.Add(DecOrZero(nr.Held)) }

// DecOrZero and IntOrZero read fields that state written before challenges existed
// leaves nil.
func DecOrZero(d math.LegacyDec) math.LegacyDec {
	if d.IsNil() {
		return math.LegacyZeroDec()
	}
	return d
}

func IntOrZero(i math.Int) math.Int {
	if i.IsNil() {
		return math.ZeroInt()
	}
	return i
}
