package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// EndBlocker pays out matured unbonding entries from the front of the time-ordered queue,
// resolves the challenges whose answer window closed and prunes old challenge receipts.
// The day's tick is not here: x/emission calls DistributeDay.
func (k Keeper) EndBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if err := k.releaseMatured(ctx, params); err != nil {
		return err
	}
	if err := k.resolveDeadlines(ctx, params); err != nil {
		return err
	}
	// Pruning old receipts is housekeeping: if it fails, it is skipped, never the block.
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	pruneCtx, write := sdkCtx.CacheContext()
	if err := k.pruneReceipts(pruneCtx, params.Challenge); err != nil {
		k.Logger(ctx).Error("challenge receipt pruning skipped", "err", err)
		return nil
	}
	write()
	return nil
}
