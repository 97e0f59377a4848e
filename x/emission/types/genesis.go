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
	if gs.LastDayIssued > s.LastDay() {
		return errorsmod.Wrapf(ErrInvalidGenesis, "last_day_issued %d is past the schedule's last day %d", gs.LastDayIssued, s.LastDay())
	}
	if gs.TotalIssued.IsNil() || !gs.TotalIssued.Equal(s.Cumulative(gs.LastDayIssued)) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "total_issued %s != cumulative(%d) = %s", gs.TotalIssued, gs.LastDayIssued, s.Cumulative(gs.LastDayIssued))
	}
	return nil
}
