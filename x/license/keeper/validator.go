package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// Virtual staking: binding n licenses to a validator mints n * stake_equivalent into the
// license account and delegates it; the validator's power rises by that much. The license
// account holds one delegation per validator, aggregated in ValidatorBacking; licenses
// bound between two slashes form a cohort that shares one backing ratio.

func (k Keeper) validatorBacking(ctx context.Context, val string) (types.ValidatorBacking, error) {
	vb, err := k.Validators.Get(ctx, val)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ValidatorBacking{
			Validator: val, Tokens: math.ZeroInt(), Ratio: math.LegacyOneDec(), RewardIndex: math.LegacyZeroDec(),
		}, nil
	}
	return vb, err
}

// refreshRewards withdraws the staking rewards of the license delegation to val and adds
// them to the per-license reward index, so later changes to the count do not shift them.
func (k Keeper) refreshRewards(ctx context.Context, params types.Params, vb *types.ValidatorBacking) error {
	if vb.Count == 0 || !vb.Tokens.IsPositive() {
		return nil
	}
	valAddr, err := sdk.ValAddressFromBech32(vb.Validator)
	if err != nil {
		return err
	}
	if _, err := k.staking.GetDelegation(ctx, k.moduleAddr, valAddr); err != nil {
		return nil // nothing delegated (e.g. fully slashed and removed)
	}
	got, err := k.distribution.WithdrawDelegationRewards(ctx, k.moduleAddr, valAddr)
	if err != nil {
		return err
	}
	if amt := got.AmountOf(params.BondDenom); amt.IsPositive() {
		vb.RewardIndex = vb.RewardIndex.Add(math.LegacyNewDecFromInt(amt).QuoInt64(int64(vb.Count)))
	}
	return nil
}

// bindToValidator delegates stake_equivalent per license to val.
func (k Keeper) bindToValidator(ctx context.Context, params types.Params, licenses []types.License, val string) error {
	valAddr, err := sdk.ValAddressFromBech32(val)
	if err != nil {
		return errorsmod.Wrapf(types.ErrUnknownValidator, "%q: %v", val, err)
	}
	validator, err := k.staking.GetValidator(ctx, valAddr)
	if err != nil {
		return errorsmod.Wrapf(types.ErrUnknownValidator, "%s", val)
	}
	vb, err := k.validatorBacking(ctx, val)
	if err != nil {
		return err
	}
	if err := k.refreshRewards(ctx, params, &vb); err != nil {
		return err
	}
	n := int64(len(licenses))
	amount := params.StakeEquivalent.MulRaw(n)
	if err := k.bank.MintCoins(ctx, types.ModuleName, k.coins(params, amount)); err != nil {
		return err
	}
	if _, err := k.staking.Delegate(ctx, k.moduleAddr, amount, stakingtypes.Unbonded, validator, true); err != nil {
		return err
	}
	cohortKey := collections.Join(val, vb.Epoch)
	c, err := k.Cohorts.Get(ctx, cohortKey)
	if errors.Is(err, collections.ErrNotFound) {
		c = types.Cohort{Validator: val, Epoch: vb.Epoch, RatioAtBind: vb.Ratio}
	} else if err != nil {
		return err
	}
	c.Count += uint64(n)
	vb.Count += uint64(n)
	vb.Tokens = vb.Tokens.Add(amount)
	if err := k.Cohorts.Set(ctx, cohortKey, c); err != nil {
		return err
	}
	if err := k.Validators.Set(ctx, val, vb); err != nil {
		return err
	}
	for _, l := range licenses {
		l.Binding = types.Binding{Kind: types.BINDING_VALIDATOR, Target: val, Epoch: vb.Epoch, RewardIndex: vb.RewardIndex}
		l.Backing = params.StakeEquivalent
		if err := k.Licenses.Set(ctx, l.Id, l); err != nil {
			return err
		}
	}
	return nil
}

// unbindFromValidator pays the licenses' rewards to their owners, undelegates their
// backing and queues it: burned when the unbonding completes, or, with payTo set, burned
// with stake_equivalent paid to payTo (redemption).
func (k Keeper) unbindFromValidator(ctx context.Context, params types.Params, licenses []types.License, payTo string) error {
	byVal := map[string][]types.License{}
	var order []string
	for _, l := range licenses {
		if _, ok := byVal[l.Binding.Target]; !ok {
			order = append(order, l.Binding.Target)
		}
		byVal[l.Binding.Target] = append(byVal[l.Binding.Target], l)
	}
	for _, val := range order {
		vb, err := k.validatorBacking(ctx, val)
		if err != nil {
			return err
		}
		if err := k.refreshRewards(ctx, params, &vb); err != nil {
			return err
		}
		backing := math.ZeroInt()
		for _, l := range byVal[val] {
			if err := k.payRewards(ctx, params, vb, l); err != nil {
				return err
			}
			cKey := collections.Join(val, l.Binding.Epoch)
			c, err := k.Cohorts.Get(ctx, cKey)
			if err != nil {
				return err
			}
			backing = backing.Add(cohortBacking(params, vb, c))
			c.Count--
			if err := k.Cohorts.Set(ctx, cKey, c); err != nil {
				return err
			}
		}
		vb.Count -= uint64(len(byVal[val]))
		vb.Tokens = vb.Tokens.Sub(backing)
		if err := k.Validators.Set(ctx, val, vb); err != nil {
			return err
		}
		payAmount := math.ZeroInt()
		if payTo != "" {
			payAmount = params.StakeEquivalent.MulRaw(int64(len(byVal[val])))
		}
		if err := k.undelegate(ctx, val, backing, false, payTo, payAmount); err != nil {
			return err
		}
	}
	return nil
}

// undelegate starts unbonding amount of license stake from val and queues what happens
// to it when the unbonding completes.
func (k Keeper) undelegate(ctx context.Context, val string, amount math.Int, toReserves bool, payTo string, payAmount math.Int) error {
	if !amount.IsPositive() && payTo == "" {
		return nil
	}
	valAddr, err := sdk.ValAddressFromBech32(val)
	if err != nil {
		return err
	}
	completion := sdk.UnwrapSDKContext(ctx).BlockTime()
	unbonded := math.ZeroInt()
	if amount.IsPositive() {
		validator, err := k.staking.GetValidator(ctx, valAddr)
		if err != nil {
			return err
		}
		shares, err := validator.SharesFromTokensTruncated(amount)
		if err != nil {
			return err
		}
		del, err := k.staking.GetDelegation(ctx, k.moduleAddr, valAddr)
		if err != nil {
			return err
		}
		shares = math.LegacyMinDec(shares, del.Shares)
		if completion, unbonded, err = k.staking.Undelegate(ctx, k.moduleAddr, valAddr, shares); err != nil {
			return err
		}
	}
	id, err := k.NextBurnID.Next(ctx)
	if err != nil {
		return err
	}
	pb := types.PendingBurn{Id: id, CompletionTimeUnix: completion.UnixNano(), Amount: unbonded, ToReserves: toReserves, PayTo: payTo, PayAmount: payAmount}
	if pb.PayAmount.IsNil() {
		pb.PayAmount = math.ZeroInt()
	}
	return k.PendingBurns.Set(ctx, collections.Join(pb.CompletionTimeUnix, id), pb)
}

// payRewards pays one license's staking rewards since its last claim to its owner.
func (k Keeper) payRewards(ctx context.Context, params types.Params, vb types.ValidatorBacking, l types.License) error {
	amt := vb.RewardIndex.Sub(l.Binding.RewardIndex).TruncateInt()
	if !amt.IsPositive() {
		return nil
	}
	owner, err := sdk.AccAddressFromBech32(l.Owner)
	if err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, owner, k.coins(params, amt))
}

// onValidatorSlashed is the staking hook. TESTNET: the slashed license stake is queued for
// restoration so licenses keep their full weight. MAINNET: the validator's ratio drops and
// every cohort whose backing falls below the threshold is liquidated — O(cohorts), which
// grows with slashes, not licenses; its licenses are finalized lazily.
func (k Keeper) onValidatorSlashed(ctx context.Context, valAddr sdk.ValAddress, fraction math.LegacyDec) error {
	val := valAddr.String()
	vb, err := k.Validators.Get(ctx, val)
	if errors.Is(err, collections.ErrNotFound) || (err == nil && vb.Count == 0) {
		return nil
	} else if err != nil {
		return err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	lost := math.LegacyNewDecFromInt(vb.Tokens).Mul(fraction).TruncateInt()
	if params.Stage == types.STAGE_TESTNET {
		return k.addToQueue(ctx, k.RestoreQueue, val, lost)
	}

	vb.Tokens = vb.Tokens.Sub(lost)
	vb.Ratio = vb.Ratio.Mul(math.LegacyOneDec().Sub(fraction))
	threshold := params.LiquidationThreshold
	released := math.ZeroInt()
	var liquidated uint64
	rng := collections.NewPrefixedPairRange[string, uint64](val)
	var cohorts []types.Cohort
	if err := k.Cohorts.Walk(ctx, rng, func(_ collections.Pair[string, uint64], c types.Cohort) (bool, error) {
		cohorts = append(cohorts, c)
		return false, nil
	}); err != nil {
		return err
	}
	for _, c := range cohorts {
		// Liquidated at or below the threshold, so that a double-sign slash (5%) of a license
		// at the default threshold (95%) liquidates it.
		if c.Liquidated || c.Count == 0 || vb.Ratio.Quo(c.RatioAtBind).GT(threshold) {
			continue
		}
		each := cohortBacking(params, vb, c)
		released = released.Add(each.MulRaw(int64(c.Count)))
		liquidated += c.Count
		c.Liquidated = true
		if err := k.Cohorts.Set(ctx, collections.Join(val, c.Epoch), c); err != nil {
			return err
		}
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesLiquidated{
			Validator: val, Epoch: c.Epoch, Count: c.Count, Released: each.MulRaw(int64(c.Count)),
		}); err != nil {
			return err
		}
	}
	vb.Epoch++ // licenses bound from now on start at the new ratio
	vb.Count -= liquidated
	vb.Tokens = vb.Tokens.Sub(released)
	if err := k.Validators.Set(ctx, val, vb); err != nil {
		return err
	}
	if liquidated > 0 {
		s, err := k.supply(ctx)
		if err != nil {
			return err
		}
		s.Active -= liquidated
		s.Liquidated += liquidated
		if err := k.Supply.Set(ctx, s); err != nil {
			return err
		}
	}
	return k.addToQueue(ctx, k.LiquidateQueue, val, released)
}

func (k Keeper) addToQueue(ctx context.Context, q collections.Map[string, math.Int], val string, amt math.Int) error {
	if !amt.IsPositive() {
		return nil
	}
	cur, err := q.Get(ctx, val)
	if errors.Is(err, collections.ErrNotFound) {
		cur = math.ZeroInt()
	} else if err != nil {
		return err
	}
	return q.Set(ctx, val, cur.Add(amt))
}

// finalize turns a license of a liquidated cohort into a LIQUIDATED, unbound license.
func (k Keeper) finalize(ctx context.Context, l *types.License) error {
	if l.Status != types.STATUS_ACTIVE || l.Binding.Kind != types.BINDING_VALIDATOR {
		return nil
	}
	_, liquidated, err := k.Backing(ctx, *l)
	if err != nil || !liquidated {
		return err
	}
	l.Status = types.STATUS_LIQUIDATED
	l.Binding = types.Binding{RewardIndex: math.LegacyZeroDec()}
	l.Backing = math.ZeroInt()
	return k.Licenses.Set(ctx, l.Id, *l)
}
