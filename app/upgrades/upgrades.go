// Package upgrades holds the registry of named software-upgrade handlers. Each upgrade is a
// value in All; the app registers every one with x/upgrade and applies its store changes
// when the upgrade height is reached.
package upgrades

import (
	"context"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	licensekeeper "github.com/aegis-chain/aegis/x/license/keeper"
)

// Keepers is what an upgrade handler may touch. It grows as upgrades need more.
type Keepers struct {
	ModuleManager *module.Manager
	Configurator  module.Configurator
	LicenseKeeper licensekeeper.Keeper
}

// Upgrade is one named, planned software upgrade.
type Upgrade struct {
	// Name must match the name in the gov upgrade plan.
	Name string
	// CreateHandler builds the handler; the default runs every module's migrations.
	CreateHandler func(k Keepers) upgradetypes.UpgradeHandler
	// StoreUpgrades lists stores added, renamed or deleted at the upgrade height.
	StoreUpgrades storetypes.StoreUpgrades
}

// RunMigrations is the handler most upgrades need: run every module's in-place migrations.
func RunMigrations(k Keepers) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, _ upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		return k.ModuleManager.RunMigrations(ctx, k.Configurator, fromVM)
	}
}
