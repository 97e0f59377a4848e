package upgrades

import (
	"context"

	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
)

// V2RedemptionName is the name of the upgrade that opens license redemption.
const V2RedemptionName = "v2-redemption"

// V2Redemption runs the module migrations and turns license redemption on: from then on
// MAINNET holders can burn their licenses for stake_equivalent tokens each.
var V2Redemption = Upgrade{
	Name: V2RedemptionName,
	CreateHandler: func(k Keepers) upgradetypes.UpgradeHandler {
		return func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
			vm, err := RunMigrations(k)(ctx, plan, fromVM)
			if err != nil {
				return nil, err
			}
			params, err := k.LicenseKeeper.Params.Get(ctx)
			if err != nil {
				return nil, err
			}
			params.RedemptionEnabled = true
			return vm, k.LicenseKeeper.Params.Set(ctx, params)
		}
	},
}
