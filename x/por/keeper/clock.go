package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// The chain clock measures compute windows. A compute challenge's work is a time (the
// seconds its declared compute takes), so its commit window is chain time rather than
// blocks: blocks slowed by latency or load do not lengthen it, as they would a window
// counted in blocks. Each block interval counts at most max_block_seconds, so a halted
// chain does not run a window out while nobody can answer: after a halt the first block
// adds the cap, not the halt.

// chainClock is the clock as the last BeginBlocker left it (zero before the first).
func (k Keeper) chainClock(ctx context.Context) (types.ChainClock, error) {
	c, err := k.Clock.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ChainClock{}, nil
	}
	return c, err
}

// tickClock advances the clock to this block's time: O(1) a block.
func (k Keeper) tickClock(ctx context.Context, cp types.ComputeProofParams) error {
	c, err := k.chainClock(ctx)
	if err != nil {
		return err
	}
	return k.Clock.Set(ctx, c.Advance(sdk.UnwrapSDKContext(ctx).BlockTime().UnixMilli(), cp.ClockCapMs()))
}
