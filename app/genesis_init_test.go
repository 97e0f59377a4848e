package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestInitChainStoresWhatItChecked: InitChainer stores x/por and x/license from the
// sections its cross-module check decoded (not through their modules' InitGenesis, which
// would parse them again). Booting the rich fuzz base genesis and exporting it again must
// give back exactly the sections it booted from; and a genesis without the two sections
// still boots (as the module manager skips a module with no section).
func TestInitChainStoresWhatItChecked(t *testing.T) {
	base := baseGenesis(t)
	shell := &testutil.TestChain{T: t, Time: base.time, ValSet: base.valSet, Accounts: base.accounts}
	next, err := shell.Import(base.appState, base.height)
	require.NoError(t, err)
	next.NextBlock(0) // commit the imported state
	again, _ := next.Export()

	var before, after app.GenesisState
	require.NoError(t, json.Unmarshal(base.appState, &before))
	require.NoError(t, json.Unmarshal(again, &after))
	for _, name := range []string{portypes.ModuleName, licensetypes.ModuleName, emissiontypes.ModuleName, "bank", "staking"} {
		require.JSONEq(t, string(before[name]), string(after[name]), "section %s changed across boot and export", name)
	}
}

// A genesis without the x/por and x/license sections validates (the checks take their
// defaults), so it must boot and run days.
func TestInitChainWithoutPorAndLicenseSections(t *testing.T) {
	c := testutil.NewTestChain(t, 1, func(_ codec.JSONCodec, g app.GenesisState) {
		delete(g, portypes.ModuleName)
		delete(g, licensetypes.ModuleName)
	})
	for i := 0; i < 3; i++ {
		c.NextBlock(25 * time.Hour)
		require.NoError(t, c.App.CheckInvariants(c.Context()))
	}
}

// A section that is JSON null or an empty object is either refused by the checks or boots
// and runs days: never accepted and then halted.
func TestInitChainEmptySections(t *testing.T) {
	for _, name := range []string{emissiontypes.ModuleName, portypes.ModuleName, licensetypes.ModuleName} {
		for _, body := range []string{"null", "{}"} {
			t.Run(name+"="+body, func(t *testing.T) {
				base := testutil.NewTestChain(t, 1, nil)
				appState, height := base.Export()
				var g app.GenesisState
				require.NoError(t, json.Unmarshal(appState, &g))
				g[name] = json.RawMessage(body)
				if err := app.ValidateGenesisCrossModule(base.App.AppCodec(), g); err != nil {
					t.Logf("refused: %v", err)
					return
				}
				bz, err := json.Marshal(g)
				require.NoError(t, err)
				next, err := base.Import(bz, height)
				require.NoError(t, err, "validated, then refused at InitChain")
				for i := 0; i < 3; i++ {
					next.NextBlock(25 * time.Hour)
					require.NoError(t, next.App.CheckInvariants(next.Context()))
				}
			})
		}
	}
}
