package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// maxBurnsPerBlock bounds the matured unbondings handled in one block.
const maxBurnsPerBlock = 100

// EndBlocker acts on this block's slashes (restore on TESTNET, undelegate liquidated
// backing on MAINNET) — one operation per slashed validator — and settles matured
// unbondings of license stake: burn, release to the x/por reserves, or redemption payout.
func (k Keeper) EndBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if err := k.drain(ctx, k.RestoreQueue, func(val string, amt math.Int) error { return k.restore(ctx, params, val, amt) }); err != nil {
		return err
	}
	if err := k.drain(ctx, k.LiquidateQueue, func(val string, amt math.Int) error {
		return k.undelegate(ctx, val, amt, true, "", math.ZeroInt())
	}); err != nil {
		return err
	}

	now := sdk.UnwrapSDKContext(ctx).BlockTime().UnixNano()
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(now, ^uint64(0)))
	var due []types.PendingBurn
	err = k.PendingBurns.Walk(ctx, rng, func(_ collections.Pair[int64, uint64], pb types.PendingBurn) (bool, error) {
		due = append(due, pb)
		return len(due) >= maxBurnsPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, pb := range due {
		if err := k.settleBurn(ctx, params, pb); err != nil {
			return err
		}
		if err := k.PendingBurns.Remove(ctx, collections.Join(pb.CompletionTimeUnix, pb.Id)); err != nil {
			return err
		}
	}
	return nil
}

func (k Keeper) drain(ctx context.Context, q collections.Map[string, math.Int], f func(string, math.Int) error) error {
	var vals []string
	var amts []math.Int
	if err := q.Walk(ctx, nil, func(val string, amt math.Int) (bool, error) {
		vals, amts = append(vals, val), append(amts, amt)
		return false, nil
	}); err != nil {
		return err
	}
	for i, val := range vals {
		if err := f(val, amts[i]); err != nil {
			return err
		}
		if err := q.Remove(ctx, val); err != nil {
			return err
		}
	}
	return nil
}

// restore mints and re-delegates what a TESTNET slash took from the license stake: the
// shortfall of the delegation against the recorded backing (amt is the hook's estimate,
// used when the delegation is gone).
func (k Keeper) restore(ctx context.Context, params types.Params, val string, amt math.Int) error {
	valAddr, err := sdk.ValAddressFromBech32(val)
	if err != nil {
		return err
	}
	validator, err := k.staking.GetValidator(ctx, valAddr)
	if err != nil {
		return err
	}
	if vb, err := k.Validators.Get(ctx, val); err == nil {
		if del, err := k.staking.GetDelegation(ctx, k.moduleAddr, valAddr); err == nil {
			amt = vb.Tokens.Sub(validator.TokensFromShares(del.Shares).TruncateInt())
		}
	}
	if !amt.IsPositive() {
		return nil
	}
	if err := k.bank.MintCoins(ctx, types.ModuleName, k.coins(params, amt)); err != nil {
		return err
	}
	if _, err := k.staking.Delegate(ctx, k.moduleAddr, amt, stakingtypes.Unbonded, validator, true); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBackingRestored{Validator: val, Amount: amt})
}

// settleBurn handles a matured unbonding of license stake. A slash during the unbonding
// can leave less than recorded; only what arrived is burned or released.
func (k Keeper) settleBurn(ctx context.Context, params types.Params, pb types.PendingBurn) error {
	amt := math.MinInt(pb.Amount, k.bank.GetBalance(ctx, k.moduleAddr, params.BondDenom).Amount)
	if amt.IsPositive() {
		if pb.ToReserves {
			if err := k.por.AddToReserves(ctx, types.ModuleName, amt); err != nil {
				return err
			}
		} else if err := k.bank.BurnCoins(ctx, types.ModuleName, k.coins(params, amt)); err != nil {
			return err
		}
	}
	if pb.PayTo != "" && pb.PayAmount.IsPositive() {
		to, err := sdk.AccAddressFromBech32(pb.PayTo)
		if err != nil {
			return err
		}
		if err := k.bank.MintCoins(ctx, types.ModuleName, k.coins(params, pb.PayAmount)); err != nil {
			return err
		}
		return k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, to, k.coins(params, pb.PayAmount))
	}
	return nil
}
