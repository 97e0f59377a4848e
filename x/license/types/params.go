package types

import (
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultStakeEquivalent is 10,000 AEGIS.
var DefaultStakeEquivalent = math.NewInt(10_000_000_000)

// DefaultParams: TESTNET, the gov account as authority, 10,000 AEGIS per license,
// liquidation below 95% of it, no redemption.
func DefaultParams(authority string) Params {
	return Params{
		Stage: STAGE_TESTNET, Authority: authority, StakeEquivalent: DefaultStakeEquivalent,
		LiquidationThreshold: math.LegacyNewDecWithPrec(95, 2), BondDenom: "uaegis",
	}
}

// Validate checks every parameter.
func (p Params) Validate() error {
	if p.Stage != STAGE_TESTNET && p.Stage != STAGE_MAINNET {
		return errorsmod.Wrapf(ErrInvalidParams, "stage must be TESTNET or MAINNET, got %s", p.Stage)
	}
	if _, err := sdk.AccAddressFromBech32(p.Authority); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "authority: %v", err)
	}
	if p.StakeEquivalent.IsNil() || !p.StakeEquivalent.IsPositive() {
		return errorsmod.Wrap(ErrInvalidParams, "stake_equivalent must be positive")
	}
	// Strictly below 1: at 1 every license would be liquidated at full backing.
	if p.LiquidationThreshold.IsNil() || !p.LiquidationThreshold.IsPositive() || p.LiquidationThreshold.GTE(math.LegacyOneDec()) {
		return errorsmod.Wrapf(ErrInvalidParams, "liquidation_threshold must be strictly between 0 and 1, got %v", p.LiquidationThreshold)
	}
	if err := sdk.ValidateDenom(p.BondDenom); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "bond_denom: %v", err)
	}
	return nil
}
