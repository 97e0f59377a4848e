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

// Keeper holds the licenses. The stake behind validator-bound licenses lives in x/staking
// (one delegation per license, from its own account) and their rewards in x/distribution;
// this module keeps only what those do not: ownership, bindings, backing and the queues.
type Keeper struct {
	cdc          codec.BinaryCodec
	ak           types.AccountKeeper
	bank         types.BankKeeper
	staking      types.StakingKeeper
	distribution types.DistributionKeeper
	por          types.PorKeeper
	govAuthority string
	moduleAddr   sdk.AccAddress

	Schema   collections.Schema
	Params   collections.Item[types.Params]
	Licenses *collections.IndexedMap[uint64, types.License, LicenseIndexes]
	Minted   collections.Item[uint64]
	Supply   collections.Item[types.Supply]
	// Tokens are the uaegis minted and burned by the module (mintCoins, burnCoins).
	Tokens collections.Item[types.TokenFlow]
	// Unbonding orders the licenses whose stake is unbonding by completion time (unix
	// nanoseconds), so the BeginBlocker records matured ones without a scan.
	Unbonding collections.KeySet[collections.Pair[int64, uint64]]
	// Settling orders the licenses whose stake came back (settlement recorded) by when
	// settling is next tried; Stuck holds those no longer retried by the EndBlocker.
	Settling collections.KeySet[collections.Pair[int64, uint64]]
	Stuck    collections.KeySet[uint64]
	// SlashScans are the validators slashed since their licenses were last checked, each
	// with the next license id to check.
	SlashScans collections.Map[string, uint64]
}

// NewKeeper builds the keeper; govAuthority may update params.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ak types.AccountKeeper, bank types.BankKeeper,
	staking types.StakingKeeper, distribution types.DistributionKeeper, por types.PorKeeper, govAuthority string,
) Keeper {
	moduleAddr := ak.GetModuleAddress(types.ModuleName)
	if moduleAddr == nil {
		panic("the license module account has not been set")
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc: cdc, ak: ak, bank: bank, staking: staking, distribution: distribution, por: por, govAuthority: govAuthority, moduleAddr: moduleAddr,
		Params:     collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Licenses:   collections.NewIndexedMap(sb, types.LicensesKey, "licenses", collections.Uint64Key, codec.CollValue[types.License](cdc), newIndexes(sb)),
		Minted:     collections.NewItem(sb, types.MintedKey, "minted", collections.Uint64Value),
		Supply:     collections.NewItem(sb, types.SupplyKey, "supply", codec.CollValue[types.Supply](cdc)),
		Tokens:     collections.NewItem(sb, types.TokensKey, "tokens", codec.CollValue[types.TokenFlow](cdc)),
		Unbonding:  collections.NewKeySet(sb, types.UnbondingKey, "unbonding", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		SlashScans: collections.NewMap(sb, types.SlashScansKey, "slash_scans", collections.StringKey, collections.Uint64Value),
		Settling:   collections.NewKeySet(sb, types.SettlingKey, "settling", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		Stuck:      collections.NewKeySet(sb, types.StuckKey, "stuck", collections.Uint64Key),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// GovAuthority is the account that may update the params (the gov module).
func (k Keeper) GovAuthority() string { return k.govAuthority }

// SetPorKeeper wires x/por after both keepers exist (they refer to each other).
func (k *Keeper) SetPorKeeper(p types.PorKeeper) { k.por = p }

func (k Keeper) supply(ctx context.Context) (types.Supply, error) {
	s, err := k.Supply.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Supply{Cap: types.MaxLicenses}, nil
	}
	return s, err
}

// countStatus moves n licenses from ACTIVE to status in the supply counters.
func (k Keeper) countStatus(ctx context.Context, status types.Status, n uint64) error {
	s, err := k.supply(ctx)
	if err != nil {
		return err
	}
	s.Active -= n
	switch status {
	case types.STATUS_LIQUIDATED:
		s.Liquidated += n
	case types.STATUS_REDEEMED:
		s.Redeemed += n
	}
	return k.Supply.Set(ctx, s)
}

func (k Keeper) getLicense(ctx context.Context, id uint64) (types.License, error) {
	l, err := k.Licenses.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return l, errorsmod.Wrapf(types.ErrUnknownLicense, "license %d does not exist", id)
	}
	return l, err
}

func (k Keeper) coins(params types.Params, amt math.Int) sdk.Coins {
	return sdk.NewCoins(sdk.NewCoin(params.BondDenom, amt))
}

// Backing is a license's current stake: on MAINNET, for a validator-bound license, the
// value of its delegation now (slashes lower it at once); otherwise its recorded backing
// (TESTNET slashes are restored, and the delegation differs from it only by share rounding).
func (k Keeper) Backing(ctx context.Context, l types.License) (math.Int, error) {
	if l.Binding.Kind != types.BINDING_VALIDATOR {
		return l.Backing, nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil || params.Stage == types.STAGE_TESTNET {
		return l.Backing, err
	}
	return k.delegated(ctx, l)
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
