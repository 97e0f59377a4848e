package app

import (
	"encoding/json"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/module"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// GenesisState is the app state of the genesis file: module name to its JSON genesis.
type GenesisState map[string]json.RawMessage

// NewDefaultGenesisState is every module's default genesis plus the uaegis denom metadata,
// so wallets and explorers show AEGIS with six decimals from block one.
func NewDefaultGenesisState(cdc codec.JSONCodec, basics module.BasicManager) GenesisState {
	genesis := GenesisState(basics.DefaultGenesis(cdc))

	var bankGenesis banktypes.GenesisState
	cdc.MustUnmarshalJSON(genesis[banktypes.ModuleName], &bankGenesis)
	bankGenesis.DenomMetadata = []banktypes.Metadata{DenomMetadata()}
	genesis[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGenesis)
	return genesis
}

// DenomMetadata describes uaegis / AEGIS.
func DenomMetadata() banktypes.Metadata {
	return banktypes.Metadata{
		Description: "The native token of the Aegis chain.",
		DenomUnits: []*banktypes.DenomUnit{
			{Denom: BondDenom, Exponent: 0, Aliases: []string{"microaegis"}},
			{Denom: "maegis", Exponent: 3, Aliases: []string{"milliaegis"}},
			{Denom: "aegis", Exponent: 6},
		},
		Base:    BondDenom,
		Display: "aegis",
		Name:    "Aegis",
		Symbol:  DisplayDenom,
	}
}
