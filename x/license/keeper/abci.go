package keeper

import (
	"context"
	"fmt"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

const (
	// MaxSlashChecksPerBlock bounds the licenses checked after slashes in one block, so a
	// slash of a validator holding 48,000 licenses spreads over 480 blocks. Each restore or
	// liquidation is a delegation change costing about 1-5 ms (BenchmarkSlashValidatorWith48000Licenses).
	MaxSlashChecksPerBlock = 100
	// MaxSettlementsPerBlock bounds the matured license unbondings settled in one block.
	MaxSettlementsPerBlock = 200
	// retryAfter is when a step set aside is tried again.
	retryAfter = 24 * time.Hour
)

// BeginBlocker records what x/staking returns for the license unbondings maturing in this
// block, before x/staking's EndBlocker pays them out (see recordMatured).
func (k Keeper) BeginBlocker(ctx context.Context) error {
	return k.recordMatured(ctx)
}

// EndBlocker runs after x/staking's, so that unbondings x/staking completed in this block
// have returned their tokens to the license accounts. It checks the licenses of slashed
// validators and settles matured unbondings, each a bounded number per block. A failing
// license is set aside with an event; the block never fails for one license.
func (k Keeper) EndBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if _, err := k.scanSlashed(ctx, params, MaxSlashChecksPerBlock); err != nil {
		return err
	}
	_, err = k.settleMatured(ctx, params, MaxSettlementsPerBlock)
	return err
}

// isolated runs one license's step on a branch of the state: it is written only if the
// step succeeds. A failure (an error, or a panic from a keeper it calls) is reported with
// EventLicenseSetAside and swallowed; ok says whether the step was written. retry, if set,
// is when the caller will try the step again.
func (k Keeper) isolated(ctx context.Context, id uint64, step string, retry *time.Time, f func(context.Context) error) (ok bool, err error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	branch, write := sdkCtx.CacheContext()
	if stepErr := recoverErr(func() error { return f(branch) }); stepErr != nil {
		return false, sdkCtx.EventManager().EmitTypedEvent(&types.EventLicenseSetAside{Id: id, Step: step, Reason: stepErr.Error(), RetryAt: retry})
	}
	write()
	return true, nil
}

// recoverErr runs f, turning a panic into an error. Keepers of other modules panic on some
// states (a validator with shares but no tokens); one license must not halt the chain.
func recoverErr(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}
