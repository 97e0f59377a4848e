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

// A license's unbonding ends in two steps:
//
//  1. In the BeginBlocker of the block where its x/staking unbonding entry matures,
//     before x/staking's EndBlocker pays it out, the entry's balance — exactly what x/staking
//     returns, after any slash — is recorded as the license's settlement. A matured entry
//     can no longer be slashed, so the figure cannot change before it is paid.
//  2. The EndBlocker (after x/staking's) settles up to MaxSettlementsPerBlock recorded
//     licenses: it counts as stake exactly the recorded figure and pays anything else found
//     in the account (a transfer from anyone) to the owner, so a top-up can never stand in
//     for stake a slash took.
//
// A settlement that fails is retried a day later, MaxSettleAttempts times at most; then it
// is stuck: kept, listed by the Settlements query, with an event, and settled only by
// MsgRetrySettlement once the cause is fixed.

// MaxSettleAttempts is how many times the EndBlocker tries to settle a license.
const MaxSettleAttempts = types.MaxSettleAttempts

func unbondingKey(l types.License) collections.Pair[int64, uint64] {
	return collections.Join(l.UnbondingUntil.UnixNano(), l.Id)
}

// recordMatured records, for every license whose unbonding matures by this block's time,
// what x/staking will return for it in this block. It is not bounded by a budget: an
// entry x/staking completes unrecorded would lose the figure. Its work is one read and one
// write per unbonding maturing now — what x/staking's own EndBlocker does for the same
// entries — never a scan of the licenses.
func (k Keeper) recordMatured(ctx context.Context) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(now.UnixNano(), ^uint64(0)))
	var due []collections.Pair[int64, uint64]
	if err := k.Unbonding.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		due = append(due, key)
		return false, nil
	}); err != nil {
		return err
	}
	for _, key := range due {
		if _, err := k.isolated(ctx, key.K2(), "record", nil, func(ctx context.Context) error {
			return k.recordReturned(ctx, key, now)
		}); err != nil {
			return err
		}
	}
	return nil
}

// recordReturned moves one matured license from the unbonding queue to the settling queue
// with the balance of its matured x/staking entries.
func (k Keeper) recordReturned(ctx context.Context, key collections.Pair[int64, uint64], now time.Time) error {
	if err := k.Unbonding.Remove(ctx, key); err != nil {
		return err
	}
	l, err := k.Licenses.Get(ctx, key.K2())
	if isNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	returned, found, err := k.maturedBalance(ctx, l, now)
	if err != nil {
		return err
	}
	if !found {
		// Nothing left in x/staking: it paid out before this was recorded (a state from
		// before this rule). Count at most the backing, as settling did then.
		params, err := k.Params.Get(ctx)
		if err != nil {
			return err
		}
		returned = math.MinInt(l.Backing, k.bank.GetBalance(ctx, types.LicenseAccount(l.Id), params.BondDenom).Amount)
	}
	l.Settlement = &types.Settlement{Returned: returned}
	if err := k.Settling.Set(ctx, unbondingKey(l)); err != nil {
		return err
	}
	return k.Licenses.Set(ctx, l.Id, l)
}

// maturedBalance is the balance of the license's x/staking unbonding entries mature at now;
// found is false when x/staking holds no unbonding for it.
func (k Keeper) maturedBalance(ctx context.Context, l types.License, now time.Time) (math.Int, bool, error) {
	valAddr, err := sdk.ValAddressFromBech32(l.UnbondingValidator)
	if err != nil {
		return math.ZeroInt(), false, nil
	}
	ubd, err := k.staking.GetUnbondingDelegation(ctx, types.LicenseAccount(l.Id), valAddr)
	if err != nil {
		return math.ZeroInt(), false, nil
	}
	sum := math.ZeroInt()
	for _, e := range ubd.Entries {
		if e.IsMature(now) {
			sum = sum.Add(e.Balance)
		}
	}
	return sum, true, nil
}

// settleMatured settles up to budget licenses whose settlement is due and returns how many
// it tried. One that fails is rolled back and retried a day later, or becomes stuck.
func (k Keeper) settleMatured(ctx context.Context, params types.Params, budget int) (int, error) {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(now.UnixNano(), ^uint64(0)))
	var due []collections.Pair[int64, uint64]
	if err := k.Settling.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		due = append(due, key)
		return len(due) >= budget, nil
	}); err != nil {
		return 0, err
	}
	for _, key := range due {
		id := key.K2()
		retry := now.Add(retryAfter).UTC()
		var reason string
		ok, err := k.isolated(ctx, id, "settlement", &retry, func(ctx context.Context) error {
			err := k.settleUnbonding(ctx, params, id)
			if err != nil {
				reason = err.Error()
			}
			return err
		})
		if err != nil {
			return 0, err
		}
		if !ok {
			if err := k.settlementFailed(ctx, key, retry, reason); err != nil {
				return 0, err
			}
		}
	}
	return len(due), nil
}

// settlementFailed counts a failed settlement: it is tried again at retry, or, after
// MaxSettleAttempts, kept as stuck.
func (k Keeper) settlementFailed(ctx context.Context, key collections.Pair[int64, uint64], retry time.Time, reason string) error {
	if err := k.Settling.Remove(ctx, key); err != nil {
		return err
	}
	l, err := k.Licenses.Get(ctx, key.K2())
	if isNotFound(err) {
		return nil // no such license: the entry is dropped (the set-aside event names it)
	} else if err != nil {
		return err
	}
	if l.Settlement == nil {
		l.Settlement = &types.Settlement{Returned: math.ZeroInt()}
	}
	l.Settlement.Attempts++
	l.Settlement.Reason = reason
	if l.Settlement.Attempts >= MaxSettleAttempts {
		l.Settlement.Stuck = true
		if err := k.Stuck.Set(ctx, l.Id); err != nil {
			return err
		}
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicenseSettlementStuck{
			Id: l.Id, Attempts: l.Settlement.Attempts, Reason: reason,
		}); err != nil {
			return err
		}
		return k.Licenses.Set(ctx, l.Id, l)
	}
	l.UnbondingUntil = &retry
	if err := k.Settling.Set(ctx, unbondingKey(l)); err != nil {
		return err
	}
	return k.Licenses.Set(ctx, l.Id, l)
}

// settleUnbonding takes the stake that came back to a license's account — exactly what
// x/staking returned — and, by the license's status: burns it (an unbind; on MAINNET it
// becomes the license's backing, which liquidates it if a slash during the unbonding took
// it to the threshold), burns it and pays the owner the backing (REDEEMED), or releases it
// to the x/por reserves (LIQUIDATED). Anything else in the account goes to the owner.
func (k Keeper) settleUnbonding(ctx context.Context, params types.Params, id uint64) error {
	l, err := k.Licenses.Get(ctx, id)
	if err != nil {
		return err
	}
	if l.UnbondingUntil == nil || l.Settlement == nil {
		return fmt.Errorf("license %d has no returned stake to settle", id)
	}
	if err := k.requireCompleted(ctx, l); err != nil {
		return err
	}
	if err := k.Settling.Remove(ctx, unbondingKey(l)); err != nil {
		return err
	}
	if err := k.Stuck.Remove(ctx, id); err != nil {
		return err
	}
	stake := l.Settlement.Returned
	acct := types.LicenseAccount(id)
	held := k.bank.GetBalance(ctx, acct, params.BondDenom).Amount
	if held.LT(stake) {
		return fmt.Errorf("license %d: its account holds %s%s, less than the %s x/staking returned", id, held, params.BondDenom, stake)
	}
	owner, err := sdk.AccAddressFromBech32(l.Owner)
	if err != nil {
		return err
	}
	if stake.IsPositive() {
		if err := k.bank.SendCoinsFromAccountToModule(ctx, acct, types.ModuleName, k.coins(params, stake)); err != nil {
			return err
		}
	}
	if extra := k.bank.GetAllBalances(ctx, acct); !extra.IsZero() {
		if err := k.bank.SendCoins(ctx, acct, owner, extra); err != nil {
			return err
		}
	}

	backing := math.MinInt(stake, l.Backing)
	if l.Status == types.STATUS_ACTIVE && params.Stage == types.STAGE_MAINNET {
		l.Backing = backing
		if liquidating(params, backing) {
			ev := &types.EventLicenseLiquidated{Id: l.Id, Owner: l.Owner, Kind: types.BINDING_VALIDATOR, Target: l.UnbondingValidator, Backing: backing}
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
		// Redemption pays the backing: stake_equivalent less what slashes took, during the
		// unbonding included.
		outcome = "redeemed"
		l.Backing = math.ZeroInt()
		err = k.burnAndPay(ctx, params, stake, owner, backing)
	default:
		err = k.burnAndPay(ctx, params, stake, owner, math.ZeroInt())
	}
	if err != nil {
		return err
	}
	l.UnbondingUntil, l.UnbondingValidator, l.Settlement = nil, "", nil
	if err := k.Licenses.Set(ctx, id, l); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicenseUnbondingCompleted{Id: id, Amount: stake, Outcome: outcome})
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
		if err := k.burnCoins(ctx, params, burn); err != nil {
			return err
		}
	}
	if !pay.IsPositive() {
		return nil
	}
	coins, err := k.mintCoins(ctx, params, pay)
	if err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, owner, coins)
}
