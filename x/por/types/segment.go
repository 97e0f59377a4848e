package types

import "cosmossdk.io/math"

// DayPoint is what settling reads of a role's tick of a day: the cumulative reward index
// after it and the vesting_days in force at it (0: nothing vests).
type DayPoint struct {
	Index    math.LegacyDec
	VestDays uint32
}

// DayAt reads a role's tick of day: a zero index for day 0 and for a day with no
// recorded tick.
type DayAt func(r NodeRole, day uint64) (DayPoint, error)

// Counts reports whether the segment holds a report that counts at its ticks: only a
// positive eff does (a node is active at a tick only with eff > 0).
func (s Segment) Counts() bool { return s.FromDay != 0 && s.Eff.IsPositive() }

// CountsAt reports whether the segment counts at the tick of day.
func (s Segment) CountsAt(day uint64) bool { return s.Counts() && s.FromDay <= day && day <= s.ToDay }

// Earn is what s earned in role r at the ticks after settledDay up to lastTick, split into
// what is claimable after lastTick and the tranches still vesting then. A run of ticks at
// which nothing is left vesting earns one product, eff * (index[end] - index[start]) (spec
// section 4); a tick whose day's reward still vests earns eff * (index[d] - index[d-1]),
// split by VestShare. Only the last MaxVestingDays ticks can still vest, so only those are
// read one by one.
func (s Segment) Earn(r NodeRole, settledDay, lastTick uint64, at DayAt) (math.LegacyDec, []Tranche, error) {
	claim := math.LegacyZeroDec()
	if !s.Counts() {
		return claim, nil, nil
	}
	upper, lower := min(s.ToDay, lastTick), max(settledDay, s.FromDay-1)
	if upper <= lower {
		return claim, nil, nil
	}
	runFrom, err := at(r, lower)
	if err != nil {
		return claim, nil, err
	}
	first := lower + 1
	if lastTick > MaxVestingDays {
		first = max(first, lastTick-MaxVestingDays+1)
	}
	var tranches []Tranche
	readDay, read := lower, runFrom // the last day read, to read none twice
	get := func(day uint64) (DayPoint, error) {
		if day == readDay {
			return read, nil
		}
		p, err := at(r, day)
		readDay, read = day, p
		return p, err
	}
	for d := first; d <= upper; d++ {
		before := read
		if readDay != d-1 {
			before = DayPoint{} // read below only when day d vests
		}
		p, err := get(d)
		if err != nil {
			return claim, nil, err
		}
		if p.VestDays == 0 || lastTick-d >= uint64(p.VestDays) {
			continue // joins the run
		}
		if before.Index.IsNil() {
			if before, err = at(r, d-1); err != nil {
				return claim, nil, err
			}
		}
		claim = claim.Add(s.Eff.Mul(before.Index.Sub(runFrom.Index)))
		v, now := VestShare(s.Eff.Mul(p.Index.Sub(before.Index)))
		claim = claim.Add(now)
		if v.IsPositive() {
			tranches = append(tranches, Tranche{Day: d, Days: p.VestDays, Amount: v})
		}
		runFrom = p
	}
	hi, err := get(upper)
	if err != nil {
		return claim, nil, err
	}
	return claim.Add(s.Eff.Mul(hi.Index.Sub(runFrom.Index))), tranches, nil
}

// Current is the segment of the latest report.
func (nr NodeRoleState) Current() Segment {
	return Segment{Eff: nr.Eff, FromDay: nr.FromDay, ToDay: nr.ToDay}
}

// Settle moves everything nr earned up to lastTick into Accrued, or into Vesting while it
// vests, and drops a previous report whose ticks have all run. What the report under a
// pending challenge earned goes to Held instead, until the challenge resolves (its
// vesting part vests as the rest: a failed storage proof forfeits it all the same).
func (nr *Pair) Settle(lastTick uint64, at DayAt) error {
	nr.Held = DecOrZero(nr.Held)
	from := nr.SettledDay
	for _, seg := range []Segment{nr.Prev, nr.Current()} {
		claim, tranches, err := seg.Earn(nr.Role, nr.SettledDay, lastTick, at)
		if err != nil {
			return err
		}
		if nr.ChallengeId != 0 && seg.FromDay == nr.ChallengeDay {
			nr.Held = nr.Held.Add(claim)
		} else {
			nr.Accrued = nr.Accrued.Add(claim)
		}
		nr.Vesting = append(nr.Vesting, tranches...)
	}
	if nr.Prev.FromDay != 0 && nr.Prev.ToDay <= lastTick {
		nr.Prev = Segment{Eff: math.LegacyZeroDec()}
	}
	nr.SettledDay = max(nr.SettledDay, lastTick)
	nr.vest(from, nr.SettledDay)
	if nr.DisqualifiedUntil != 0 && nr.DisqualifiedUntil <= lastTick {
		nr.DisqualifiedUntil = 0 // served: every report day from now on is later
	}
	return nil
}

// ChallengedSegment is the segment of the report of day, current or previous (empty when
// neither is that report any more).
func (nr Pair) ChallengedSegment(day uint64) Segment {
	switch {
	case day == 0:
	case nr.FromDay == day:
		return nr.Current()
	case nr.Prev.FromDay == day:
		return nr.Prev
	}
	return Segment{Eff: math.LegacyZeroDec()}
}

// Owed is what the node-role is owed exactly: accrued, held and still vesting.
func (nr Pair) Owed() math.LegacyDec {
	return nr.Accrued.Add(DecOrZero(nr.Held)).Add(nr.Unvested())
}

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
