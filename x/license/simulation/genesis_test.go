package simulation_test

import (
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/x/license/simulation"
	"github.com/aegis-chain/aegis/x/license/types"
)

// TestRandomizedGenStateValidates: every random genesis passes the module's and the app's
// cross-module genesis checks, and the seeds cover both stages, redemption on MAINNET and
// a minted counter near the cap.
func TestRandomizedGenStateValidates(t *testing.T) {
	registry := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(registry)
	cdc := codec.NewProtoCodec(registry)
	seen := map[string]bool{}
	for seed := int64(1); seed <= 200; seed++ {
		r := rand.New(rand.NewSource(seed))
		simState := &module.SimulationState{
			Cdc: cdc, Rand: r, BondDenom: "stake", Accounts: simtypes.RandomAccounts(r, 1+r.Intn(50)),
			GenState: map[string]json.RawMessage{},
		}
		simulation.RandomizedGenState(simState)
		var gs types.GenesisState
		cdc.MustUnmarshalJSON(simState.GenState[types.ModuleName], &gs)
		require.NoError(t, gs.Validate(), "seed %d", seed)
		require.NoError(t, app.ValidateGenesisCrossModule(cdc, app.GenesisState{types.ModuleName: simState.GenState[types.ModuleName]}), "seed %d", seed)
		require.Equal(t, "stake", gs.Params.BondDenom)
		auth := false
		for _, acc := range simState.Accounts {
			auth = auth || acc.Address.String() == gs.Params.Authority
		}
		require.True(t, auth, "seed %d: the authority is not a simulation account", seed)
		seen[gs.Params.Stage.String()] = true
		seen["redemption"] = seen["redemption"] || gs.Params.RedemptionEnabled
		seen["near cap"] = seen["near cap"] || gs.Minted >= types.MaxLicenses-20
	}
	require.Len(t, seen, 4, "%v", seen)
}
