package types

import (
	"github.com/cosmos/cosmos-sdk/types/address"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// accountKey derives license accounts; it keeps them apart from any other derivation
// under this module's name.
var accountKey = []byte("stake")

// LicenseAccount is the account that stakes for license id: a module-derived address no
// key controls, used only by x/license. Each license delegating from its own account makes
// x/staking (unbonding entries, slashes) and x/distribution (rewards, paid straight to the
// owner as withdraw address) treat every holder separately.
func LicenseAccount(id uint64) sdk.AccAddress {
	return address.Module(ModuleName, accountKey, sdk.Uint64ToBigEndian(id))
}
