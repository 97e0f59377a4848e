package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module's name, store key and module account.
	ModuleName = "emission"
	StoreKey   = ModuleName
)

var (
	ParamsKey        = collections.NewPrefix(0)
	LastDayIssuedKey = collections.NewPrefix(1)
	TotalIssuedKey   = collections.NewPrefix(2)
)
