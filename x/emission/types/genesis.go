package types

import (
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// DefaultGenesis starts the default schedule at genesis with nothing issued.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), TotalIssued: math.ZeroInt()}
}

// Validate checks the params and that the progress is consistent with the schedule.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	s := gs.Params.Schedule()
	// Days keep ticking (issuing 0) after the schedule's last day, so last_day_issued may
	// pass it, but only as far as the block clock can count days.
	if maxDay := gs.Params.MaxDay(); gs.LastDayIssued > maxDay {
		return errorsmod.Wrapf(ErrInvalidGenesis, "last_day_issued %d: with day_seconds %d no day after %d can end; set it to at most %d",
			gs.LastDayIssued, gs.Params.DaySeconds, maxDay, maxDay)
	}
	if want := s.Cumulative(gs.LastDayIssued); gs.TotalIssued.IsNil() || !gs.TotalIssued.Equal(want) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "total_issued %s != cumulative(%d) = %s; set total_issued to %s",
			gs.TotalIssued, gs.LastDayIssued, want, want)
	}
	return nil
}
