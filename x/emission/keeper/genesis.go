package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// InitGenesis stores the schedule and the progress. A zero start time means the genesis
// time; it is stored resolved so that an export resumes on the same day boundaries.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	params := gs.Params
	if params.StartTime.IsZero() {
		params.StartTime = sdk.UnwrapSDKContext(ctx).BlockTime().UTC()
	}
	if err := k.Params.Set(ctx, params); err != nil {
		return err
	}
	if err := k.LastDayIssued.Set(ctx, gs.LastDayIssued); err != nil {
		return err
	}
	return k.TotalIssued.Set(ctx, gs.TotalIssued)
}

// ExportGenesis returns the schedule and the progress through it.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	last, total, err := k.Progress(ctx)
	if err != nil {
		return nil, err
	}
	return &types.GenesisState{Params: params, LastDayIssued: last, TotalIssued: total}, nil
}
