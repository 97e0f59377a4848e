package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Unbonding stake leaves the node at once but is paid out unbonding_days later. Until then
// it answers, as in x/staking, for the challenges issued while it was bonded: a miss that
// slashes the node slashes the unbonding entries created at or after the challenge's
// issue height, and such an entry is not paid while that challenge is unresolved. A payout
// that fails is retried a day later, MaxPayoutAttempts times at most; then the entry is set
// aside — listed by the SetAsidePayouts query, still owed — and paid by MsgRetryPayout.

const (
	// maxReleasesPerBlock bounds the unbonding releases of one block; later ones wait a block.
	maxReleasesPerBlock = 200
	// MaxPayoutAttempts is how many times the EndBlocker tries to pay an entry.
	MaxPayoutAttempts = 5
)

func unbondingKey(e types.UnbondingEntry) collections.Pair[int64, uint64] {
	return collections.Join(e.CompletionTime.UnixNano(), e.Id)
}

// releaseMatured pays out up to maxReleasesPerBlock matured entries from the front of the
// time-ordered queue.
func (k Keeper) releaseMatured(ctx context.Context, params types.Params) error {
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(now.UnixNano(), ^uint64(0)))
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
	if len(due) == 0 {
		return nil
	}
	dayLen, err := k.emission.DayDuration(ctx)
	if err != nil {
		return err
	}
	later := now.Add(dayLen).UTC()
	for _, e := range due {
		if err := k.Unbonding.Remove(ctx, unbondingKey(e)); err != nil {
			return err
		}
		exposed, err := k.exposed(ctx, e)
		if err != nil {
			return err
		}
		if exposed {
			e.CompletionTime = later // answers for a challenge still open: wait a day
			if err := k.Unbonding.Set(ctx, unbondingKey(e), e); err != nil {
				return err
			}
			continue
		}
		if err := k.release(ctx, params.StakeDenom, e, later); err != nil {
			return err
		}
	}
	return nil
}

// exposed: e was bonded when a challenge of its operator, still unresolved, was issued.
func (k Keeper) exposed(ctx context.Context, e types.UnbondingEntry) (bool, error) {
	op, err := sdk.AccAddressFromBech32(e.Operator)
	if err != nil {
		return false, nil // paying it fails and sets it aside
	}
	c, err := k.unresolvedChallenge(ctx, op)
	return c.Id != 0 && c.IssuedHeight <= e.CreationHeight, err
}

// release pays a matured entry to its operator. A payout that fails (an address that no
// longer parses, a transfer refused) must not fail the block: the entry is retried at
// retry, or set aside after MaxPayoutAttempts, still owed, with an event naming the cause.
func (k Keeper) release(ctx context.Context, denom string, e types.UnbondingEntry, retry time.Time) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	payCtx, write := sdkCtx.CacheContext()
	err := k.pay(payCtx, denom, e)
	if err == nil {
		write()
		return sdkCtx.EventManager().EmitTypedEvent(&types.EventStakeReleased{Operator: e.Operator, Amount: e.Amount, Id: e.Id})
	}
	k.Logger(ctx).Error("unbonding payout failed", "id", e.Id, "operator", e.Operator, "amount", e.Amount, "err", err)
	e.Attempts++
	e.Reason = err.Error()
	ev := &types.EventUnbondingSetAside{Operator: e.Operator, Amount: e.Amount, Id: e.Id, Reason: e.Reason, Attempts: e.Attempts}
	if e.Attempts >= MaxPayoutAttempts {
		if err := k.SetAside.Set(ctx, e.Id, e); err != nil {
			return err
		}
	} else {
		e.CompletionTime = retry
		ev.RetryAt = &retry
		if err := k.Unbonding.Set(ctx, unbondingKey(e), e); err != nil {
			return err
		}
	}
	return sdkCtx.EventManager().EmitTypedEvent(ev)
}

func (k Keeper) pay(ctx context.Context, denom string, e types.UnbondingEntry) error {
	op, err := sdk.AccAddressFromBech32(e.Operator)
	if err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.StakeAccount, op, sdk.NewCoins(sdk.NewCoin(denom, e.Amount)))
}

// slashUnbonding cuts fraction of each of op's unbonding entries created at or after
// since (the issue height of the challenge being answered for), moving the cut from the
// stake account to the module account, and returns the total cut. The entries are the
// operator's own, each one paid for by a transaction.
func (k Keeper) slashUnbonding(ctx context.Context, op sdk.AccAddress, fraction math.LegacyDec, since int64, denom string) (math.Int, error) {
	iter, err := k.Unbonding.Indexes.Operator.MatchExact(ctx, op)
	if err != nil {
		return math.Int{}, err
	}
	keys, err := iter.PrimaryKeys()
	if err != nil {
		return math.Int{}, err
	}
	total := math.ZeroInt()
	for _, key := range keys {
		e, err := k.Unbonding.Get(ctx, key)
		if err != nil {
			return math.Int{}, err
		}
		if e.CreationHeight < since {
			continue
		}
		cut := math.LegacyNewDecFromInt(e.Amount).Mul(fraction).TruncateInt()
		if !cut.IsPositive() {
			continue
		}
		e.Amount = e.Amount.Sub(cut)
		total = total.Add(cut)
		if err := k.Unbonding.Set(ctx, key, e); err != nil {
			return math.Int{}, err
		}
	}
	if total.IsPositive() {
		coins := sdk.NewCoins(sdk.NewCoin(denom, total))
		if err := k.bank.SendCoinsFromModuleToModule(ctx, types.StakeAccount, types.ModuleName, coins); err != nil {
			return math.Int{}, err
		}
	}
	return total, nil
}

// RetryPayout pays set-aside entries; it fails, changing nothing, with the cause of the
// first that still cannot be paid.
func (m msgServer) RetryPayout(ctx context.Context, msg *types.MsgRetryPayout) (*types.MsgRetryPayoutResponse, error) {
	if _, err := sdk.AccAddressFromBech32(msg.Signer); err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "signer %q: %v", msg.Signer, err)
	}
	if len(msg.Ids) == 0 || len(msg.Ids) > maxRetryIDs {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidRequest, "give 1 to %d entry ids", maxRetryIDs)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range msg.Ids {
		e, err := m.SetAside.Get(ctx, id)
		if errors.Is(err, collections.ErrNotFound) {
			return nil, errorsmod.Wrapf(types.ErrUnknownPayout, "unbonding entry %d is not set aside (see q por set-aside-payouts)", id)
		} else if err != nil {
			return nil, err
		}
		if err := m.pay(ctx, params.StakeDenom, e); err != nil {
			return nil, errorsmod.Wrapf(types.ErrPayoutFailed, "entry %d to %s: %v", id, e.Operator, err)
		}
		if err := m.SetAside.Remove(ctx, id); err != nil {
			return nil, err
		}
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventStakeReleased{Operator: e.Operator, Amount: e.Amount, Id: e.Id}); err != nil {
			return nil, err
		}
	}
	return &types.MsgRetryPayoutResponse{}, nil
}

// maxRetryIDs bounds the work of one MsgRetryPayout.
const maxRetryIDs = 100
