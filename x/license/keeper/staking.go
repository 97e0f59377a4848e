package keeper

import (
	"context"
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// Each license stakes from its own account (types.LicenseAccount). Binding it to a
// validator mints its backing into that account and delegates it; the owner is the
// account's x/distribution withdraw address, so rewards reach the owner natively and x/staking
// keeps the delegation, its unbonding entries and its slashes per license.

// delegated is what the delegation of a validator-bound license is worth now.
func (k Keeper) delegated(ctx context.Context, l types.License) (math.Int, error) {
	valAddr, err := sdk.ValAddressFromBech32(l.Binding.Target)
	if err != nil {
		return math.Int{}, err
	}
	del, err := k.staking.GetDelegation(ctx, types.LicenseAccount(l.Id), valAddr)
	if isNotFound(err) || errorsmod.IsOf(err, stakingtypes.ErrNoDelegation) {
		return math.ZeroInt(), nil
	} else if err != nil {
		return math.Int{}, err
	}
	val, err := k.staking.GetValidator(ctx, valAddr)
	if err != nil {
		return math.Int{}, err
	}
	if val.DelegatorShares.IsZero() {
		return math.ZeroInt(), nil
	}
	return val.TokensFromShares(del.Shares).TruncateInt(), nil
}

// delegate mints amt into the license's account and delegates it to valAddr.
func (k Keeper) delegate(ctx context.Context, params types.Params, id uint64, valAddr sdk.ValAddress, amt math.Int) error {
	// Re-read the validator for every delegation: each one changes its tokens and shares.
	val, err := k.staking.GetValidator(ctx, valAddr)
	if err != nil {
		return errorsmod.Wrapf(types.ErrUnknownValidator, "%s", valAddr)
	}
	if val.InvalidExRate() {
		return errorsmod.Wrapf(types.ErrUnknownValidator, "%s has no tokens left to delegate to", valAddr)
	}
	acct := types.LicenseAccount(id)
	coins, err := k.mintCoins(ctx, params, amt)
	if err != nil {
		return err
	}
	if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, acct, coins); err != nil {
		return err
	}
	_, err = k.staking.Delegate(ctx, acct, amt, stakingtypes.Unbonded, val, true)
	return err
}

// bindToValidator delegates each license's backing to val from the license's account, with
// the owner as the account's withdraw address.
func (k Keeper) bindToValidator(ctx context.Context, params types.Params, licenses []types.License, val string) error {
	valAddr, err := sdk.ValAddressFromBech32(val)
	if err != nil {
		return errorsmod.Wrapf(types.ErrUnknownValidator, "validator %q: %v", val, err)
	}
	for _, l := range licenses {
		if err := k.ensureStakeAccount(ctx, l); err != nil {
			return err
		}
		if err := k.delegate(ctx, params, l.Id, valAddr, l.Backing); err != nil {
			return err
		}
		if err := k.setWithdrawAddr(ctx, l); err != nil {
			return err
		}
		l.Binding = types.Binding{Kind: types.BINDING_VALIDATOR, Target: val}
		if err := k.Licenses.Set(ctx, l.Id, l); err != nil {
			return err
		}
	}
	return nil
}

// setWithdrawAddr makes the owner receive the license's staking rewards. It is written
// directly, as x/distribution's own withdraw-address message would, but regardless of the
// withdraw_addr_enabled parameter: the owner is not a choice the license account makes.
func (k Keeper) setWithdrawAddr(ctx context.Context, l types.License) error {
	owner, err := sdk.AccAddressFromBech32(l.Owner)
	if err != nil {
		return err
	}
	return k.distribution.SetDelegatorWithdrawAddr(ctx, types.LicenseAccount(l.Id), owner)
}

// startUnbonding undelegates the whole delegation of a validator-bound license. x/distribution
// pays the owner the rewards earned so far; the stake comes back to the license account at
// the returned time and is settled then (see settleUnbonding). The license is left unbound
// with its backing set to what is unbonding (on MAINNET, where slashes count).
func (k Keeper) startUnbonding(ctx context.Context, params types.Params, l *types.License) error {
	valAddr, err := sdk.ValAddressFromBech32(l.Binding.Target)
	if err != nil {
		return err
	}
	acct := types.LicenseAccount(l.Id)
	del, err := k.staking.GetDelegation(ctx, acct, valAddr)
	if err != nil {
		return errorsmod.Wrapf(err, "license %d has no delegation to %s", l.Id, l.Binding.Target)
	}
	completion, amount, err := k.staking.Undelegate(ctx, acct, valAddr, del.Shares)
	if err != nil {
		return errorsmod.Wrapf(err, "license %d", l.Id)
	}
	if params.Stage == types.STAGE_MAINNET {
		l.Backing = math.MinInt(l.Backing, amount)
	}
	l.Binding = types.Binding{}
	return k.markUnbonding(ctx, l, completion, valAddr.String())
}

// markUnbonding records that l's stake returns from val at completion.
func (k Keeper) markUnbonding(ctx context.Context, l *types.License, completion time.Time, val string) error {
	t := completion.UTC()
	l.UnbondingUntil, l.UnbondingValidator = &t, val
	if err := k.Unbonding.Set(ctx, unbondingKey(*l)); err != nil {
		return err
	}
	return k.Licenses.Set(ctx, l.Id, *l)
}
