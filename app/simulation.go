package app

import (
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/cosmos/cosmos-sdk/x/authz"

	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// simulationOrder is the order in which the simulation generates the modules' random
// genesis. It matters: x/por escrows node stakes in bank balances generated before it,
// x/license binds licenses to nodes x/por generated, and every Aegis module reads the
// emission denom and clock.
var simulationOrder = []string{
	authtypes.ModuleName, banktypes.ModuleName, feegrant.ModuleName, authz.ModuleName,
	govtypes.ModuleName, stakingtypes.ModuleName, slashingtypes.ModuleName, distrtypes.ModuleName,
	evidencetypes.ModuleName, emissiontypes.ModuleName, portypes.ModuleName, licensetypes.ModuleName,
}

// newSimulationManager collects the modules that can generate a random genesis, decode
// their store and send random messages, in simulationOrder.
func (app *App) newSimulationManager() *module.SimulationManager {
	sims := make([]module.AppModuleSimulation, 0, len(simulationOrder))
	for _, name := range simulationOrder {
		m := app.ModuleManager.Modules[name]
		if name == authtypes.ModuleName {
			// The auth module generates the random genesis accounts it is given.
			m = auth.NewAppModule(app.appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts)
		}
		if sim, ok := m.(module.AppModuleSimulation); ok {
			sims = append(sims, sim)
		}
	}
	sm := module.NewSimulationManager(sims...)
	sm.RegisterStoreDecoders()
	return sm
}

// SimulationManager is the app's simulation manager (random genesis, operations and
// store decoders), used by the simulation tests.
func (app *App) SimulationManager() *module.SimulationManager { return app.sm }

// GetBaseApp returns the BaseApp (the simulation drives it directly).
func (app *App) GetBaseApp() *baseapp.BaseApp { return app.BaseApp }
