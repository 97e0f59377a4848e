package keeper

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// claimRewards pays (or, with pay false, only computes) the staking rewards of owner's
// validator-bound licenses, withdrawing the validators' rewards first. Work is bounded by
// the owner's licenses.
func (k Keeper) claimRewards(ctx context.Context, owner sdk.AccAddress, pay bool) (math.Int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	iter, err := k.Licenses.Indexes.Owner.MatchExact(ctx, owner)
	if err != nil {
		return math.Int{}, err
	}
	var licenseIDs []uint64
	for ; iter.Valid(); iter.Next() {
		id, err := iter.PrimaryKey()
		if err != nil {
			iter.Close()
			return math.Int{}, err
		}
		licenseIDs = append(licenseIDs, id)
	}
	iter.Close()

	total := math.LegacyZeroDec()
	refreshed := map[string]types.ValidatorBacking{}
	for _, id := range licenseIDs {
		l, err := k.Licenses.Get(ctx, id)
		if err != nil {
			return math.Int{}, err
		}
		if l.Status != types.STATUS_ACTIVE || l.Binding.Kind != types.BINDING_VALIDATOR {
			continue
		}
		if _, liquidated, err := k.Backing(ctx, l); err != nil || liquidated {
			if err != nil {
				return math.Int{}, err
			}
			continue
		}
		vb, ok := refreshed[l.Binding.Target]
		if !ok {
			if vb, err = k.validatorBacking(ctx, l.Binding.Target); err != nil {
				return math.Int{}, err
			}
			// Withdrawing also in a query is fine: a query's writes are discarded.
			if err := k.refreshRewards(ctx, params, &vb); err != nil {
				return math.Int{}, err
			}
			if err := k.Validators.Set(ctx, vb.Validator, vb); err != nil {
				return math.Int{}, err
			}
			refreshed[l.Binding.Target] = vb
		}
		total = total.Add(vb.RewardIndex.Sub(l.Binding.RewardIndex))
		if pay {
			l.Binding.RewardIndex = vb.RewardIndex
			if err := k.Licenses.Set(ctx, id, l); err != nil {
				return math.Int{}, err
			}
		}
	}
	amt := total.TruncateInt()
	if pay && amt.IsPositive() {
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, owner, k.coins(params, amt)); err != nil {
			return math.Int{}, err
		}
	}
	return amt, nil
}
