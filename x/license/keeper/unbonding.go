package keeper

import (
	"context"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// When a license's unbonding completes, x/staking has returned what is left of its stake
// (a slash during the unbonding takes its part) to the license's account. Settling takes
// exactly that account's tokens, so one license's slash never touches another's.

func unbondingKey(l types.License) collections.Pair[int64, uint64] {
	return collections.Join(l.UnbondingUntil.UnixNano(), l.Id)
}

// settleMatured settles up to budget licenses whose unbonding completed by this block's
// time and returns how many it handled. One that fails is set aside and retried a day later.
func (k Keeper) settleMatured(ctx context.Context, params types.Params, budget int) (int, error) {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(now.UnixNano(), ^uint64(0)))
	var due []collections.Pair[int64, uint64]
	if err := k.Unbonding.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		due = append(due, key)
		return len(due) >= budget, nil
	}); err != nil {
		return 0, err
	}
	for _, key := range due {
		id := key.K2()
		retry := now.Add(retryAfter).UTC()
		ok, err := k.isolated(ctx, id, "unbonding", &retry, func(ctx context.Context) error {
			return k.settleUnbonding(ctx, params, id)
		})
		if err != nil {
			return 0, err
		}
		if ok {
			continue
		}
		if err := k.Unbonding.Remove(ctx, key); err != nil {
			return 0, err
		}
		l, err := k.Licenses.Get(ctx, id)
		if isNotFound(err) {
			continue // no such license: the entry is dropped (the event above names it)
		} else if err != nil {
			return 0, err
		}
		if err := k.markUnbonding(ctx, &l, retry, l.UnbondingValidator); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// settleUnbonding takes the tokens that came back to a license's account and, by the
// license's status: burns them (an unbind; on MAINNET they become the license's backing,
// which liquidates it if a slash during the unbonding took it to the threshold), burns them
// and pays the owner stake_equivalent (REDEEMED), or releases them to the x/por reserves
// (LIQUIDATED). Tokens beyond the backing (sent to the account by anyone) go to the owner.
func (k Keeper) settleUnbonding(ctx context.Context, params types.Params, id uint64) error {
	l, err := k.Licenses.Get(ctx, id)
	if err != nil {
		return err
	}
	if l.UnbondingUntil == nil {
		return fmt.Errorf("license %d is not unbonding", id)
	}
	if err := k.requireCompleted(ctx, l); err != nil {
		return err
	}
	if err := k.Unbonding.Remove(ctx, unbondingKey(l)); err != nil {
		return err
	}
	acct := types.LicenseAccount(id)
	arrived := k.bank.GetBalance(ctx, acct, params.BondDenom).Amount
	if arrived.IsPositive() {
		if err := k.bank.SendCoinsFromAccountToModule(ctx, acct, types.ModuleName, k.coins(params, arrived)); err != nil {
			return err
		}
	}
	stake := math.MinInt(arrived, l.Backing)
	owner, err := sdk.AccAddressFromBech32(l.Owner)
	if err != nil {
		return err
	}
	if extra := arrived.Sub(stake); extra.IsPositive() {
		if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, owner, k.coins(params, extra)); err != nil {
			return err
		}
	}

	if l.Status == types.STATUS_ACTIVE && params.Stage == types.STAGE_MAINNET {
		l.Backing = stake
		if liquidating(params, stake) {
			ev := &types.EventLicenseLiquidated{Id: l.Id, Owner: l.Owner, Kind: types.BINDING_VALIDATOR, Target: l.UnbondingValidator, Backing: stake}
			if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(ev); err != nil {
				return err
			}
			l.Status = types.STATUS_LIQUIDATED
			if err := k.countStatus(ctx, types.STATUS_LIQUIDATED, 1); err != nil {
				return err
			}
		}
	}
	outcome := "burned"
	switch l.Status {
	case types.STATUS_LIQUIDATED:
		outcome = "released"
		l.Backing = math.ZeroInt()
		if stake.IsPositive() {
			err = k.por.AddToReserves(ctx, types.ModuleName, stake)
		}
	case types.STATUS_REDEEMED:
		outcome = "redeemed"
		l.Backing = math.ZeroInt()
		err = k.burnAndPay(ctx, params, stake, owner, params.StakeEquivalent)
	default:
		err = k.burnAndPay(ctx, params, stake, owner, math.ZeroInt())
	}
	if err != nil {
		return err
	}
	l.UnbondingUntil, l.UnbondingValidator = nil, ""
	if err := k.Licenses.Set(ctx, id, l); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicenseUnbondingCompleted{Id: id, Amount: arrived, Outcome: outcome})
}

// requireCompleted checks that x/staking has paid out the license's matured unbonding
// (its EndBlocker runs first); otherwise settling would take nothing.
func (k Keeper) requireCompleted(ctx context.Context, l types.License) error {
	valAddr, err := sdk.ValAddressFromBech32(l.UnbondingValidator)
	if err != nil {
		return fmt.Errorf("license %d unbonding validator %q: %w", l.Id, l.UnbondingValidator, err)
	}
	ubd, err := k.staking.GetUnbondingDelegation(ctx, types.LicenseAccount(l.Id), valAddr)
	if err != nil {
		return nil // no entry left: completed
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	for _, e := range ubd.Entries {
		if !e.CompletionTime.After(now) {
			return fmt.Errorf("license %d: x/staking has not completed the unbonding due at %s", l.Id, e.CompletionTime.Format(time.RFC3339))
		}
	}
	return nil
}

// burnAndPay burns license stake held by the module and mints pay to the owner.
func (k Keeper) burnAndPay(ctx context.Context, params types.Params, burn math.Int, owner sdk.AccAddress, pay math.Int) error {
	if burn.IsPositive() {
		if err := k.bank.BurnCoins(ctx, types.ModuleName, k.coins(params, burn)); err != nil {
			return err
		}
	}
	if !pay.IsPositive() {
		return nil
	}
	if err := k.bank.MintCoins(ctx, types.ModuleName, k.coins(params, pay)); err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, owner, k.coins(params, pay))
}
