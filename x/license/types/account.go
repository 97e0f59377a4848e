package types

import (
	"strconv"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// StakeAccountName is the module-account name of license id's stake account.
func StakeAccountName(id uint64) string {
	return ModuleName + "/stake/" + strconv.FormatUint(id, 10)
}

// LicenseAccount is the account that stakes for license id: a module account of x/license
// (named StakeAccountName(id)), created when the license is minted or imported, that no
// key controls and no one else can create first or change in kind. Each license
// delegating from its own account makes x/staking (unbonding entries, slashes) and
// x/distribution (rewards, paid straight to the owner as withdraw address) treat every
// holder separately.
func LicenseAccount(id uint64) sdk.AccAddress {
	return authtypes.NewModuleAddress(StakeAccountName(id))
}
