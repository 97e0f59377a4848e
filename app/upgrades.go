package app

import (
	"fmt"

	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/aegis-chain/aegis/app/upgrades"
)

// registerUpgrades registers every handler in the upgrades registry and, when this binary
// restarts at a planned upgrade height, installs that upgrade's store changes.
func (app *App) registerUpgrades() error {
	keepers := upgrades.Keepers{ModuleManager: app.ModuleManager, Configurator: app.configurator, LicenseKeeper: app.LicenseKeeper}
	for _, u := range upgrades.All {
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, u.CreateHandler(keepers))
	}

	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		return fmt.Errorf("reading upgrade info: %w", err)
	}
	if info.Name == "" || app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return nil
	}
	for _, u := range upgrades.All {
		if u.Name == info.Name {
			storeUpgrades := u.StoreUpgrades
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &storeUpgrades))
		}
	}
	return nil
}
