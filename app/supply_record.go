package app

import (
	"bytes"
	"context"
	"fmt"

	"cosmossdk.io/math"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
)

// SupplyStoreKey names the transient store that records the block's mints and burns.
const SupplyStoreKey = "transient_supply"

// Record kinds: the first byte of a record's key, then the module's name, a zero byte and
// the denom.
const (
	recordMint byte = 1
	recordBurn byte = 2
)

// supplyRecorder is the bank keeper the modules that mint or burn (x/emission, x/license,
// x/staking, x/gov) are given. It passes each mint and burn to the bank and adds it to the
// block's record in a transient store: the block checker proves the supply identity from
// it in every way blocks run (CometBFT's FinalizeBlock, the simulation's SimDeliver), where
// the bank's events reach only FinalizeBlock's listeners. A failed tx's record is dropped
// with its other writes; the store is emptied at each commit and is outside the app hash.
// It writes without gas, so it changes no tx's gas.
type supplyRecorder struct {
	bankkeeper.BaseKeeper
	key *storetypes.TransientStoreKey
}

func (r supplyRecorder) MintCoins(ctx context.Context, module string, amt sdk.Coins) error {
	if err := r.BaseKeeper.MintCoins(ctx, module, amt); err != nil {
		return err
	}
	return r.record(ctx, recordMint, module, amt)
}

func (r supplyRecorder) BurnCoins(ctx context.Context, module string, amt sdk.Coins) error {
	if err := r.BaseKeeper.BurnCoins(ctx, module, amt); err != nil {
		return err
	}
	return r.record(ctx, recordBurn, module, amt)
}

func recordKey(kind byte, module, denom string) []byte {
	key := make([]byte, 0, 2+len(module)+len(denom))
	key = append(append(append(key, kind), module...), 0)
	return append(key, denom...)
}

func (r supplyRecorder) record(ctx context.Context, kind byte, module string, amt sdk.Coins) error {
	store := sdk.UnwrapSDKContext(ctx).MultiStore().GetKVStore(r.key)
	for _, c := range amt {
		key := recordKey(kind, module, c.Denom)
		sum := c.Amount
		if bz := store.Get(key); bz != nil {
			var prev math.Int
			if err := prev.Unmarshal(bz); err != nil {
				return fmt.Errorf("supply record %x: %w", key, err)
			}
			sum = sum.Add(prev)
		}
		bz, err := sum.Marshal()
		if err != nil {
			return err
		}
		store.Set(key, bz)
	}
	return nil
}

// blockSupplyFlow is what the block being committed minted and burned in denom, by
// module, read from the record: ctx must be the block's own state (a precommitter's).
func (app *App) blockSupplyFlow(ctx sdk.Context, denom string) (supplyFlow, error) {
	flow := newSupplyFlow()
	it := ctx.MultiStore().GetKVStore(app.supplyKey).Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		key := it.Key() // kind, module, 0, denom (recordKey)
		if len(key) == 0 {
			continue
		}
		module, d, ok := bytes.Cut(key[1:], []byte{0})
		if !ok || string(d) != denom {
			continue
		}
		var amt math.Int
		if err := amt.Unmarshal(it.Value()); err != nil {
			return supplyFlow{}, fmt.Errorf("supply record %x: %w", key, err)
		}
		flow.add(key[0], string(module), amt)
	}
	return flow, nil
}
