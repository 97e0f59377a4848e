// Package keeper implements x/license: the 48,000 staking-equivalent licenses.
package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	corestore "cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// LicenseIndexes find licenses by owner, operator and binding.
type LicenseIndexes struct {
	Owner    *indexes.Multi[sdk.AccAddress, uint64, types.License]
	Operator *indexes.Multi[sdk.AccAddress, uint64, types.License]
	Binding  *indexes.Multi[collections.Pair[int32, string], uint64, types.License]
}

// IndexesList implements collections.Indexes.
func (i LicenseIndexes) IndexesList() []collections.Index[uint64, types.License] {
	return []collections.Index[uint64, types.License]{i.Owner, i.Operator, i.Binding}
}

func newIndexes(sb *collections.SchemaBuilder) LicenseIndexes {
	return LicenseIndexes{
		Owner: indexes.NewMulti(sb, types.OwnerIndexKey, "by_owner", sdk.AccAddressKey, collections.Uint64Key,
			func(_ uint64, l types.License) (sdk.AccAddress, error) { return sdk.AccAddressFromBech32(l.Owner) }),
		Operator: indexes.NewMulti(sb, types.OperatorIndexKey, "by_operator", sdk.AccAddressKey, collections.Uint64Key,
			func(_ uint64, l types.License) (sdk.AccAddress, error) {
				if l.Operator == "" {
					return sdk.AccAddress{}, nil
				}
				return sdk.AccAddressFromBech32(l.Operator)
			}),
		Binding: indexes.NewMulti(sb, types.BindingIndexKey, "by_binding",
			collections.PairKeyCodec(collections.Int32Key, collections.StringKey), collections.Uint64Key,
			func(_ uint64, l types.License) (collections.Pair[int32, string], error) {
				return collections.Join(int32(l.Binding.Kind), l.Binding.Target), nil
			}),
	}
}

// Keeper holds the licenses and the per-validator aggregates.
type Keeper struct {
	cdc          codec.BinaryCodec
	bank         types.BankKeeper
	staking      types.StakingKeeper
	distribution types.DistributionKeeper
	por          types.PorKeeper
	govAuthority string
	moduleAddr   sdk.AccAddress

	Schema       collections.Schema
	Params       collections.Item[types.Params]
	Licenses     *collections.IndexedMap[uint64, types.License, LicenseIndexes]
	Minted       collections.Item[uint64]
	Supply       collections.Item[types.Supply]
	Validators   collections.Map[string, types.ValidatorBacking]
	Cohorts      collections.Map[collections.Pair[string, uint64], types.Cohort]
	PendingBurns collections.Map[collections.Pair[int64, uint64], types.PendingBurn]
	NextBurnID   collections.Sequence
	// RestoreQueue and LiquidateQueue carry slash consequences from the staking hook to
	// this module's EndBlocker in the same block (delegating inside a slash is unsafe).
	RestoreQueue   collections.Map[string, math.Int]
	LiquidateQueue collections.Map[string, math.Int]
}

// NewKeeper builds the keeper; govAuthority may update params.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ak types.AccountKeeper, bank types.BankKeeper,
	staking types.StakingKeeper, distribution types.DistributionKeeper, por types.PorKeeper, govAuthority string,
) Keeper {
	addr := ak.GetModuleAddress(types.ModuleName)
	if addr == nil {
		panic("the license module account has not been set")
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc: cdc, bank: bank, staking: staking, distribution: distribution, por: por,
		govAuthority: govAuthority, moduleAddr: addr,
		Params:         collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Licenses:       collections.NewIndexedMap(sb, types.LicensesKey, "licenses", collections.Uint64Key, codec.CollValue[types.License](cdc), newIndexes(sb)),
		Minted:         collections.NewItem(sb, types.MintedKey, "minted", collections.Uint64Value),
		Supply:         collections.NewItem(sb, types.SupplyKey, "supply", codec.CollValue[types.Supply](cdc)),
		Validators:     collections.NewMap(sb, types.ValidatorsKey, "validators", collections.StringKey, codec.CollValue[types.ValidatorBacking](cdc)),
		Cohorts:        collections.NewMap(sb, types.CohortsKey, "cohorts", collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.Cohort](cdc)),
		PendingBurns:   collections.NewMap(sb, types.PendingBurnsKey, "pending_burns", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key), codec.CollValue[types.PendingBurn](cdc)),
		NextBurnID:     collections.NewSequence(sb, types.NextBurnIDKey, "next_burn_id"),
		RestoreQueue:   collections.NewMap(sb, types.RestoreQueueKey, "restore_queue", collections.StringKey, sdk.IntValue),
		LiquidateQueue: collections.NewMap(sb, types.LiquidateQueueKey, "liquidate_queue", collections.StringKey, sdk.IntValue),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// SetPorKeeper wires x/por after both keepers exist (they refer to each other).
func (k *Keeper) SetPorKeeper(p types.PorKeeper) { k.por = p }

func (k Keeper) supply(ctx context.Context) (types.Supply, error) {
	s, err := k.Supply.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Supply{Cap: types.MaxLicenses}, nil
	}
	return s, err
}

func (k Keeper) getLicense(ctx context.Context, id uint64) (types.License, error) {
	l, err := k.Licenses.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return l, errorsmod.Wrapf(types.ErrUnknownLicense, "license %d", id)
	}
	return l, err
}

func (k Keeper) coins(params types.Params, amt math.Int) sdk.Coins {
	return sdk.NewCoins(sdk.NewCoin(params.BondDenom, amt))
}

// cohortBacking is the current backing of one license of a validator cohort:
// stake_equivalent * ratio_now / ratio_at_bind, truncated.
func cohortBacking(params types.Params, vb types.ValidatorBacking, c types.Cohort) math.Int {
	if c.RatioAtBind.IsZero() {
		return math.ZeroInt()
	}
	return math.LegacyNewDecFromInt(params.StakeEquivalent).Mul(vb.Ratio).Quo(c.RatioAtBind).TruncateInt()
}

// Backing is a license's current stake and whether its cohort was liquidated (a license
// is finalized as LIQUIDATED lazily, the next time it is touched).
func (k Keeper) Backing(ctx context.Context, l types.License) (math.Int, bool, error) {
	if l.Binding.Kind != types.BINDING_VALIDATOR {
		return l.Backing, false, nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, false, err
	}
	vb, err := k.Validators.Get(ctx, l.Binding.Target)
	if err != nil {
		return math.Int{}, false, err
	}
	c, err := k.Cohorts.Get(ctx, collections.Join(l.Binding.Target, l.Binding.Epoch))
	if err != nil {
		return math.Int{}, false, err
	}
	if c.Liquidated {
		return math.ZeroInt(), true, nil
	}
	return cohortBacking(params, vb, c), false, nil
}

// mintedCount is the number of licenses ever minted (0 before the first).
func (k Keeper) mintedCount(ctx context.Context) (uint64, error) {
	n, err := k.Minted.Get(ctx)
	if err != nil && !isNotFound(err) {
		return 0, err
	}
	return n, nil
}

func isNotFound(err error) bool { return errors.Is(err, collections.ErrNotFound) }
