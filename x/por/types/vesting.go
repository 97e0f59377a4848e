package types

import (
	"fmt"

	"cosmossdk.io/math"
)

// Vesting (spec section 8): while challenges are on, 75% of each day's reward of a pair
// vests linearly over the vesting_days ticks after that day's; the rest is claimable at
// once. A tranche is kept exactly, as a decimal, and vests by the same formula at every
// settle, so its vested parts add up to its amount exactly and nothing is floored before
// payout.

// MaxVestingDays bounds vesting_days: a settle reads at most this many days one by one.
const MaxVestingDays = 60

// vestShare is the vesting part of a day's reward while challenges are on.
var vestShare = math.LegacyNewDecWithPrec(75, 2)

// VestShare splits a day's reward e into its vesting part (75%) and the rest, which is
// claimable at once; the two add up to e exactly.
func VestShare(e math.LegacyDec) (vesting, immediate math.LegacyDec) {
	v := e.Mul(vestShare)
	return v, e.Sub(v)
}

// VestedAt is how much of t has vested after the tick of day: amount * min(k, days) / days
// for k = day - t.Day ticks since its own.
func (t Tranche) VestedAt(day uint64) math.LegacyDec {
	if day <= t.Day || t.Days == 0 {
		return math.LegacyZeroDec()
	}
	k := day - t.Day
	if k >= uint64(t.Days) {
		return t.Amount
	}
	return t.Amount.MulInt64(int64(k)).QuoInt64(int64(t.Days))
}

// VestedBy is the day after whose tick t has fully vested.
func (t Tranche) VestedBy() uint64 { return t.Day + uint64(t.Days) }

// vest moves what the tranches vested between the ticks of from and to into Accrued and
// drops the tranches that have fully vested.
func (nr *Pair) vest(from, to uint64) {
	if len(nr.Vesting) == 0 {
		nr.Vesting = nil
		return
	}
	var kept []Tranche // a new slice: copies of nr share the old one
	for _, t := range nr.Vesting {
		nr.Accrued = nr.Accrued.Add(t.VestedAt(to).Sub(t.VestedAt(from)))
		if t.VestedBy() > to {
			kept = append(kept, t)
		}
	}
	nr.Vesting = kept
}

// Unvested is what the tranches have not vested as of the settled day.
func (nr Pair) Unvested() math.LegacyDec {
	sum := math.LegacyZeroDec()
	for _, t := range nr.Vesting {
		sum = sum.Add(t.Amount.Sub(t.VestedAt(nr.SettledDay)))
	}
	return sum
}

// VestedBy is the day after whose tick everything still vesting has vested (0: nothing).
func (nr Pair) VestedBy() uint64 {
	var by uint64
	for _, t := range nr.Vesting {
		by = max(by, t.VestedBy())
	}
	return by
}

// ForfeitVesting removes the tranches of days in [from, to] and returns what they had not
// vested as of the settled day.
func (nr *Pair) ForfeitVesting(from, to uint64) math.LegacyDec {
	lost := math.LegacyZeroDec()
	var kept []Tranche
	for _, t := range nr.Vesting {
		if from <= t.Day && t.Day <= to {
			lost = lost.Add(t.Amount.Sub(t.VestedAt(nr.SettledDay)))
			continue
		}
		kept = append(kept, t)
	}
	nr.Vesting = kept
	return lost
}

// Disqualified reports whether the pair may not report in its role on day.
func (nr NodeRolePending) Disqualified(day uint64) bool { return day <= nr.DisqualifiedUntil }

// validateVesting checks the tranches as a settle leaves them: each of a day settled and
// not fully vested by the settled day, for vesting_days in [1, MaxVestingDays], a positive
// amount, one per day in day order.
func (nr Pair) validateVesting() error {
	for i, t := range nr.Vesting {
		switch {
		case t.Days == 0 || t.Days > MaxVestingDays:
			return fmt.Errorf("vesting[%d]: days %d must be in [1, %d]", i, t.Days, MaxVestingDays)
		case t.Day == 0 || t.Day > nr.SettledDay || t.VestedBy() <= nr.SettledDay:
			return fmt.Errorf("vesting[%d]: day %d must be a settled day (1..%d) still vesting after it (day + days > %d)", i, t.Day, nr.SettledDay, nr.SettledDay)
		case !validDec(t.Amount) || !t.Amount.IsPositive():
			return fmt.Errorf("vesting[%d]: amount must be positive and at most 2^160", i)
		case i > 0 && t.Day <= nr.Vesting[i-1].Day:
			return fmt.Errorf("vesting[%d]: day %d must come after day %d (one tranche per day, in day order)", i, t.Day, nr.Vesting[i-1].Day)
		}
	}
	return nil
}
