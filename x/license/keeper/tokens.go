package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// The module mints and burns only through mintCoins and burnCoins, which count what they
// add to and take from the supply (Tokens; q license supply): with x/emission's issue, the
// app's block checker accounts for every change of the supply from these counts.

// TokenFlow is what the module has minted and burned (zero before the first).
func (k Keeper) TokenFlow(ctx context.Context) (types.TokenFlow, error) { return k.tokenFlow(ctx) }

// tokenFlow is what the module has minted and burned (zero before the first).
func (k Keeper) tokenFlow(ctx context.Context) (types.TokenFlow, error) {
	t, err := k.Tokens.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ZeroTokenFlow(), nil
	}
	return t.Normalized(), err
}

// mintCoins mints amt of the bond denom into the module account and counts it.
func (k Keeper) mintCoins(ctx context.Context, params types.Params, amt math.Int) (sdk.Coins, error) {
	coins := k.coins(params, amt)
	if err := k.bank.MintCoins(ctx, types.ModuleName, coins); err != nil {
		return nil, err
	}
	t, err := k.tokenFlow(ctx)
	if err != nil {
		return nil, err
	}
	t.Minted = t.Minted.Add(amt)
	return coins, k.Tokens.Set(ctx, t)
}

// burnCoins burns amt of the bond denom from the module account and counts it.
func (k Keeper) burnCoins(ctx context.Context, params types.Params, amt math.Int) error {
	if err := k.bank.BurnCoins(ctx, types.ModuleName, k.coins(params, amt)); err != nil {
		return err
	}
	t, err := k.tokenFlow(ctx)
	if err != nil {
		return err
	}
	t.Burned = t.Burned.Add(amt)
	return k.Tokens.Set(ctx, t)
}
