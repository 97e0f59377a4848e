package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module's name, store key and the account that holds and
	// delegates license stake.
	ModuleName = "license"
	StoreKey   = ModuleName

	// MaxLicenses is the most licenses that can ever exist: a constant, not a parameter.
	MaxLicenses = 48_000
)

var (
	ParamsKey        = collections.NewPrefix(0)
	LicensesKey      = collections.NewPrefix(1)
	OwnerIndexKey    = collections.NewPrefix(2)
	OperatorIndexKey = collections.NewPrefix(3)
	BindingIndexKey  = collections.NewPrefix(4)
	MintedKey        = collections.NewPrefix(5)
	SupplyKey        = collections.NewPrefix(6)
	// 7 to 12 held the shared-delegation design's per-validator aggregates and queues.
	UnbondingKey  = collections.NewPrefix(13)
	SlashScansKey = collections.NewPrefix(14)
	SettlingKey   = collections.NewPrefix(15)
	StuckKey      = collections.NewPrefix(16)
	TokensKey     = collections.NewPrefix(17)
)
