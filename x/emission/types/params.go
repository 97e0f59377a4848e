package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	DefaultDenom           = "uaegis"
	DefaultDaySeconds      = uint64(86400)
	DefaultMaxDaysPerBlock = uint32(32)
)

// DefaultParams is the mainnet schedule: 10^16 uaegis over 5 epochs of 1461 days,
// starting at genesis.
func DefaultParams() Params {
	s := DefaultSchedule()
	return Params{
		Denom:           DefaultDenom,
		Total:           s.Total,
		Epochs:          s.Epochs,
		EpochDays:       s.EpochDays,
		DaySeconds:      DefaultDaySeconds,
		MaxDaysPerBlock: DefaultMaxDaysPerBlock,
	}
}

// Schedule is the pure schedule these params define.
func (p Params) Schedule() Schedule {
	return Schedule{Total: p.Total, Epochs: p.Epochs, EpochDays: p.EpochDays}
}

// DayEnd is the time at which a day ends: start_time + day * day_seconds.
func (p Params) DayEnd(day uint64) time.Time {
	return p.StartTime.Add(time.Duration(day) * time.Duration(p.DaySeconds) * time.Second)
}

// DaysEnded is the number of days whose end is at or before t (0 before the first ends).
func (p Params) DaysEnded(t time.Time) uint64 {
	if t.Before(p.StartTime) {
		return 0
	}
	return uint64(t.Sub(p.StartTime)/time.Second) / p.DaySeconds
}

// MaxDay is the last day whose end the block clock can reach: DaysEnded saturates with
// time.Duration (~292 years after the start).
func (p Params) MaxDay() uint64 {
	return uint64(time.Duration(1<<63-1)/time.Second) / p.DaySeconds
}

// maxDaySeconds keeps every day end of the schedule inside time.Duration's range.
const maxDaySeconds = uint64(365 * 86400)

// Validate checks every parameter.
func (p Params) Validate() error {
	if err := sdk.ValidateDenom(p.Denom); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "denom: %v", err)
	}
	if p.Total.IsNil() {
		return errorsmod.Wrap(ErrInvalidParams, "total must be set")
	}
	if err := p.Schedule().Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidParams, err.Error())
	}
	if p.DaySeconds == 0 || p.DaySeconds > maxDaySeconds {
		return errorsmod.Wrapf(ErrInvalidParams, "day_seconds must be in [1, %d]: %d", maxDaySeconds, p.DaySeconds)
	}
	// The last day must end within time.Duration's ~292 years.
	if math.NewIntFromUint64(p.Schedule().LastDay()).MulRaw(int64(p.DaySeconds)).GT(math.NewInt(int64(time.Duration(1<<63-1) / time.Second))) {
		return errorsmod.Wrap(ErrInvalidParams, "schedule too long: its last day must end within 292 years of the start")
	}
	if p.MaxDaysPerBlock == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "max_days_per_block must be positive")
	}
	return nil
}
