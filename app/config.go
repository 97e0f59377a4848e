package app

import (
	"os"
	"path/filepath"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// AppName is the name baked into the binary and the ABCI info.
	AppName = "aegis"

	// Bech32Prefix is the human-readable part of every Aegis account address.
	Bech32Prefix = "aegis"

	// BondDenom is the base denom (6 decimals); DisplayDenom is its human unit.
	BondDenom    = "uaegis"
	DisplayDenom = "AEGIS"

	// CoinType is the BIP-44 coin type shared with the Cosmos Hub (118).
	CoinType = 118

	// DefaultMinGasPrices is the minimum gas price `aegisd init` writes to app.toml: a
	// node refuses txs that pay less, so no validator runs a free mempool by default.
	// At 0.025 uaegis per gas, a 200,000-gas tx costs 5,000 uaegis (0.005 AEGIS).
	DefaultMinGasPrices = "0.025" + BondDenom
)

// DefaultNodeHome is where aegisd keeps its config and data unless --home says otherwise.
var DefaultNodeHome string

func init() {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	DefaultNodeHome = filepath.Join(home, ".aegis")

	// Staking, gov and genesis helpers read the SDK default; set it before any of them run.
	sdk.DefaultBondDenom = BondDenom
	// SDK v0.55 keys its config by "host|executable|pid" unless this scope is set, and
	// builds that key on every GetConfig, which every bech32 address parse calls: two
	// syscalls per address, about a quarter of InitChain's time on a full-scale genesis.
	// One scope for the process, set before the first GetConfig below.
	if os.Getenv(sdk.EnvConfigScope) == "" {
		_ = os.Setenv(sdk.EnvConfigScope, AppName)
	}
	SetAddressConfig(sdk.GetConfig())
}

// SetAddressConfig sets the bech32 prefixes and coin type. It is idempotent until the
// config is sealed, which the root command does once.
func SetAddressConfig(cfg *sdk.Config) {
	if cfg.GetBech32AccountAddrPrefix() == Bech32Prefix {
		return
	}
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32Prefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator,
		Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus,
		Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
	cfg.SetCoinType(CoinType)
	cfg.SetPurpose(44)
}
