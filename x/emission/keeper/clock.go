package keeper

import (
	"context"
	"time"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// CurrentDay is the day in progress at the block time: day d runs from the end of day
// d-1 (inclusive) to the end of day d. Other modules use it to date their records.
func (k Keeper) CurrentDay(ctx context.Context) (uint64, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	return params.DaysEnded(sdk.UnwrapSDKContext(ctx).BlockTime()) + 1, nil
}

// DayDuration is the length of a day.
func (k Keeper) DayDuration(ctx context.Context) (time.Duration, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	return time.Duration(params.DaySeconds) * time.Second, nil
}

// NextIssue is the next day to issue and its amount, or (0, 0) once the schedule ended.
func (k Keeper) NextIssue(ctx context.Context) (uint64, math.Int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, math.Int{}, err
	}
	last, _, err := k.Progress(ctx)
	if err != nil {
		return 0, math.Int{}, err
	}
	if last >= params.Schedule().LastDay() {
		return 0, math.ZeroInt(), nil
	}
	return last + 1, params.Schedule().Issue(last + 1), nil
}
