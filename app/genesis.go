package app

import (
	"encoding/json"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// GenesisState is the app state of the genesis file: module name to its JSON genesis.
type GenesisState map[string]json.RawMessage

// NewDefaultGenesisState is every module's default genesis; x/bank's carries the uaegis
// denom metadata (bankBasic).
func NewDefaultGenesisState(cdc codec.JSONCodec, basics module.BasicManager) GenesisState {
	return GenesisState(basics.DefaultGenesis(cdc))
}

// bankBasic is x/bank's basics with the uaegis denom metadata in its default genesis, so
// that every genesis made from the basics (aegisd init, testnet init-files, tests) has it
// and wallets and explorers show AEGIS with six decimals from block one.
type bankBasic struct{ bank.AppModuleBasic }

func (b bankBasic) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	var gs banktypes.GenesisState
	cdc.MustUnmarshalJSON(b.AppModuleBasic.DefaultGenesis(cdc), &gs)
	gs.DenomMetadata = []banktypes.Metadata{DenomMetadata()}
	return cdc.MustMarshalJSON(&gs)
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
