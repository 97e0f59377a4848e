package types

import (
	"errors"
	"fmt"
	"math/big"

	"cosmossdk.io/math"
)

const (
	// MaxEpochs bounds Epochs so every weight 2^(Epochs-1-i) and their sum fit in a uint64.
	MaxEpochs uint32 = 32

	DefaultEpochs    uint32 = 5
	DefaultEpochDays uint64 = 1461 // 4 x 365.25 days
)

// Schedule is the halving emission schedule of economics spec section 1: Total is
// issued over Epochs epochs of EpochDays days, epoch i having weight w_i = 2^(Epochs-1-i)
// (16, 8, 4, 2, 1 for 5 epochs). Days are counted from 1.
//
// All methods assume a schedule that passes Validate; for such a schedule they never
// panic, whatever the day.
type Schedule struct {
	Total     math.Int
	Epochs    uint32
	EpochDays uint64
}

// DefaultSchedule returns the genesis schedule: 10^10 AEGIS (10^16 uaegis) over
// 5 epochs of 1461 days.
func DefaultSchedule() Schedule {
	return Schedule{
		Total:     math.NewInt(10_000_000_000_000_000),
		Epochs:    DefaultEpochs,
		EpochDays: DefaultEpochDays,
	}
}

// Validate checks the schedule's bounds.
func (s Schedule) Validate() error {
	switch {
	case s.Total.IsNil() || !s.Total.IsPositive():
		return fmt.Errorf("emission total must be positive: %s", s.Total)
	case s.Epochs == 0 || s.Epochs > MaxEpochs:
		return fmt.Errorf("emission epochs must be in [1, %d]: %d", MaxEpochs, s.Epochs)
	case s.EpochDays == 0:
		return errors.New("emission epoch days must be positive")
	case s.EpochDays > ^uint64(0)/uint64(s.Epochs):
		// LastDay must fit in a uint64.
		return fmt.Errorf("emission schedule too long: %d epochs of %d days", s.Epochs, s.EpochDays)
	}
	return nil
}

// LastDay is the last day that issues tokens; nothing is issued after it.
func (s Schedule) LastDay() uint64 {
	return uint64(s.Epochs) * s.EpochDays
}

// EpochOf returns the 0-based epoch of a day in [1, LastDay]: (day-1) / EpochDays.
// Day 0 maps to 0 and days after LastDay to Epochs (past the schedule).
func (s Schedule) EpochOf(day uint64) uint32 {
	if day == 0 {
		return 0
	}
	return uint32(min((day-1)/s.EpochDays, uint64(s.Epochs)))
}

// EpochFirstLastDay returns the first and last day of an epoch, or (0, 0) if the
// epoch is past the schedule.
func (s Schedule) EpochFirstLastDay(epoch uint32) (first, last uint64) {
	if epoch >= s.Epochs {
		return 0, 0
	}
	return uint64(epoch)*s.EpochDays + 1, uint64(epoch+1) * s.EpochDays
}

// Cumulative returns the total issued by the end of a day (0 for day 0):
//
//	e = d div E, r = d mod E                  (d capped at N*E)
//	num = E*(w_0 + ... + w_{e-1}) + r*w_e     (the last term is 0 when e = N)
//	cum = floor(T * num / (W * E))            (W = w_0 + ... + w_{N-1})
//
// Only the final division rounds, so the schedule issues exactly T with no dust.
func (s Schedule) Cumulative(day uint64) math.Int {
	if day >= s.LastDay() {
		return s.Total // num = W*E: the whole total
	}

	// With w_i = 2^(N-1-i): w_0 + ... + w_{e-1} = 2^N - 2^(N-e) and W = 2^N - 1.
	n, e, r := uint64(s.Epochs), day/s.EpochDays, day%s.EpochDays
	num := mulUint64(s.EpochDays, 1<<n-1<<(n-e))
	num.Add(num, mulUint64(r, 1<<(n-1-e)))
	den := mulUint64(s.EpochDays, 1<<n-1)

	// big.Int, as T*num may exceed math.Int's 256 bits; the quotient is at most T.
	num.Mul(num, s.Total.BigIntMut())
	return math.NewIntFromBigIntMut(num.Quo(num, den))
}

// Issue returns the amount minted on a day: Cumulative(day) - Cumulative(day-1),
// and 0 for day 0 and days after LastDay.
func (s Schedule) Issue(day uint64) math.Int {
	if day == 0 || day > s.LastDay() {
		return math.ZeroInt()
	}
	return s.Cumulative(day).Sub(s.Cumulative(day - 1))
}

// EpochTotal returns the amount minted over an epoch, or 0 if it is past the schedule.
func (s Schedule) EpochTotal(epoch uint32) math.Int {
	if epoch >= s.Epochs {
		return math.ZeroInt()
	}
	first, last := s.EpochFirstLastDay(epoch)
	return s.Cumulative(last).Sub(s.Cumulative(first - 1))
}

// mulUint64 returns a*b without overflow.
func mulUint64(a, b uint64) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
}
