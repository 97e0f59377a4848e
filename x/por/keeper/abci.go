package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// maxReleasesPerBlock bounds the unbonding releases of one block; later ones wait a block.
const maxReleasesPerBlock = 200

func unbondingKey(e types.UnbondingEntry) collections.Pair[int64, uint64] {
	return collections.Join(e.CompletionTime.UnixNano(), e.Id)
}

// EndBlocker pays out matured unbonding entries from the front of the time-ordered queue,
// resolves the challenges whose answer window closed and prunes old challenge receipts.
// The day's tick is not here: x/emission calls DistributeDay.
func (k Keeper) EndBlocker(ctx context.Context) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime().UnixNano()
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(now, ^uint64(0)))
	iter, err := k.Unbonding.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	var due []types.UnbondingEntry
	for ; iter.Valid() && len(due) < maxReleasesPerBlock; iter.Next() {
		e, err := iter.Value()
		if err != nil {
			iter.Close()
			return err
		}
		due = append(due, e)
	}
	iter.Close()

	for _, e := range due {
		if err := k.Unbonding.Remove(ctx, unbondingKey(e)); err != nil {
			return err
		}
		if err := k.release(ctx, params.StakeDenom, e); err != nil {
			return err
		}
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

// release pays a matured entry to its operator. A payout that fails (an address that no
// longer parses, a transfer refused) must not fail the block: the entry is set aside,
// still owed, with an event that names it and the cause.
func (k Keeper) release(ctx context.Context, denom string, e types.UnbondingEntry) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	payCtx, write := sdkCtx.CacheContext()
	err := k.pay(payCtx, denom, e)
	if err == nil {
		write()
		return sdkCtx.EventManager().EmitTypedEvent(&types.EventStakeReleased{Operator: e.Operator, Amount: e.Amount, Id: e.Id})
	}
	k.Logger(ctx).Error("unbonding entry set aside", "id", e.Id, "operator", e.Operator, "amount", e.Amount, "err", err)
	if err := k.SetAside.Set(ctx, e.Id, e); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventUnbondingSetAside{
		Operator: e.Operator, Amount: e.Amount, Id: e.Id, Reason: err.Error(),
	})
}

func (k Keeper) pay(ctx context.Context, denom string, e types.UnbondingEntry) error {
	op, err := sdk.AccAddressFromBech32(e.Operator)
	if err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.StakeAccount, op, sdk.NewCoins(sdk.NewCoin(denom, e.Amount)))
}
