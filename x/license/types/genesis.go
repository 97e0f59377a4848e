package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis is TESTNET with no licenses.
func DefaultGenesis(authority string) *GenesisState {
	return &GenesisState{Params: DefaultParams(authority), NextBurnId: 1}
}

// Validate checks the params and the license set: at most 48,000, unique ids within the
// minted count, valid addresses, on MAINNET nothing minted on this chain, and per-validator
// counts that match the bound licenses.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if len(gs.Licenses) > MaxLicenses || gs.Minted > MaxLicenses {
		return errorsmod.Wrapf(ErrInvalidGenesis, "at most %d licenses, got %d (minted %d)", MaxLicenses, len(gs.Licenses), gs.Minted)
	}
	seen := make(map[uint64]bool, len(gs.Licenses))
	bound := map[string]uint64{}
	for _, l := range gs.Licenses {
		if l.Id == 0 || l.Id > gs.Minted {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license id %d outside 1..minted (%d)", l.Id, gs.Minted)
		}
		if seen[l.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate license id %d", l.Id)
		}
		seen[l.Id] = true
		if _, err := sdk.AccAddressFromBech32(l.Owner); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license %d owner: %v", l.Id, err)
		}
		if l.Operator != "" {
			if _, err := sdk.AccAddressFromBech32(l.Operator); err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "license %d operator: %v", l.Id, err)
			}
		}
		if l.Status == STATUS_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license %d has no status", l.Id)
		}
		if l.Backing.IsNil() || l.Backing.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license %d backing", l.Id)
		}
		if gs.Params.Stage == STAGE_MAINNET && l.MintedAt != 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license %d was minted at height %d: a MAINNET license comes only from genesis", l.Id, l.MintedAt)
		}
		if l.Binding.Kind == BINDING_VALIDATOR {
			bound[l.Binding.Target]++
		}
	}
	for _, v := range gs.Validators {
		if v.Count != bound[v.Validator] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "validator %s: count %d but %d licenses bound", v.Validator, v.Count, bound[v.Validator])
		}
		delete(bound, v.Validator)
	}
	for val, n := range bound {
		return errorsmod.Wrapf(ErrInvalidGenesis, "%d licenses bound to %s without a validator record", n, val)
	}
	return nil
}
