// Package keeper implements x/emission: the daily, halving issuance of node rewards.
package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// Keeper holds the schedule and the progress through it.
type Keeper struct {
	cdc  codec.BinaryCodec
	bank types.BankKeeper

	// distributor receives each day's issuance in distributorModule's account; until one
	// is set, issued tokens stay in the emission module account.
	distributor       types.DayDistributor
	distributorModule string

	Schema        collections.Schema
	Params        collections.Item[types.Params]
	LastDayIssued collections.Item[uint64]
	TotalIssued   collections.Item[math.Int]
}

// NewKeeper builds the keeper. The emission module account must have the Minter permission.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ak types.AccountKeeper, bank types.BankKeeper) Keeper {
	if ak.GetModuleAddress(types.ModuleName) == nil {
		panic("the emission module account has not been set")
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:           cdc,
		bank:          bank,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		LastDayIssued: collections.NewItem(sb, types.LastDayIssuedKey, "last_day_issued", collections.Uint64Value),
		TotalIssued:   collections.NewItem(sb, types.TotalIssuedKey, "total_issued", sdk.IntValue),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// SetDayDistributor routes each day's issuance to module's account and then to d. It is
// set once, during app wiring.
func (k *Keeper) SetDayDistributor(module string, d types.DayDistributor) {
	if k.distributor != nil {
		panic("emission day distributor already set")
	}
	k.distributorModule, k.distributor = module, d
}

// Logger returns the module's logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// Progress returns the last day issued and the total issued (zero values before genesis).
func (k Keeper) Progress(ctx context.Context) (uint64, math.Int, error) {
	day, err := k.LastDayIssued.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return 0, math.Int{}, err
	}
	total, err := k.TotalIssued.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return day, math.ZeroInt(), nil
	}
	return day, total, err
}
