package types

import (
	"errors"
	"fmt"
	gomath "math"
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis is TESTNET with no licenses.
func DefaultGenesis(authority string) *GenesisState {
	return &GenesisState{Params: DefaultParams(authority), Tokens: ZeroTokenFlow()}
}

// Validate checks the params and every license on its own: at most 48,000, unique ids
// within the minted count, addresses that parse, a binding and unbonding consistent with the
// status, backing within (0, stake_equivalent] for active licenses, and on MAINNET nothing
// minted on this chain; token counts not negative (unset: zero). Facts about other modules (the delegation behind a validator-bound
// license) are checked by the app's cross-module genesis checks.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if err := gs.Tokens.Validate(); err != nil {
		return err
	}
	if len(gs.Licenses) > MaxLicenses || gs.Minted > MaxLicenses {
		return errorsmod.Wrapf(ErrInvalidGenesis, "at most %d licenses, got %d (minted %d)", MaxLicenses, len(gs.Licenses), gs.Minted)
	}
	seen := make(map[uint64]bool, len(gs.Licenses))
	for _, l := range gs.Licenses {
		if l.Id == 0 || l.Id > gs.Minted {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license id %d outside 1..minted (%d): raise minted or renumber", l.Id, gs.Minted)
		}
		if seen[l.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license id %d appears twice", l.Id)
		}
		seen[l.Id] = true
		if err := l.validate(gs.Params); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "license %d: %v", l.Id, err)
		}
	}
	scanned := map[string]bool{}
	for _, s := range gs.SlashScans {
		if _, err := sdk.ValAddressFromBech32(s.Validator); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "slash scan validator %q: %v", s.Validator, err)
		}
		if scanned[s.Validator] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "slash scan of %s appears twice", s.Validator)
		}
		scanned[s.Validator] = true
	}
	return nil
}

// MaxSettleAttempts is how many times the EndBlocker tries to settle a license's returned
// stake before it is stuck (then only MsgRetrySettlement settles it).
const MaxSettleAttempts = 5

// minQueueTime and maxQueueTime are the times the unbonding queue's UnixNano key can hold.
var minQueueTime, maxQueueTime = time.Unix(0, gomath.MinInt64).UTC(), time.Unix(0, gomath.MaxInt64).UTC()

func (l License) validate(p Params) error {
	if _, err := sdk.AccAddressFromBech32(l.Owner); err != nil {
		return fmt.Errorf("owner %q: %v", l.Owner, err)
	}
	if l.Operator != "" {
		if _, err := sdk.AccAddressFromBech32(l.Operator); err != nil {
			return fmt.Errorf("operator %q: %v", l.Operator, err)
		}
	}
	if p.Stage == STAGE_MAINNET && l.MintedAt != 0 {
		return fmt.Errorf("minted at height %d: a MAINNET license comes only from genesis (minted_at 0)", l.MintedAt)
	}
	if l.Backing.IsNil() || l.Backing.IsNegative() || l.Backing.GT(p.StakeEquivalent) {
		return fmt.Errorf("backing %v must be within 0..stake_equivalent (%s)", l.Backing, p.StakeEquivalent)
	}
	switch l.Binding.Kind {
	case BINDING_NONE:
		if l.Binding.Target != "" {
			return fmt.Errorf("unbound but with target %q", l.Binding.Target)
		}
	case BINDING_VALIDATOR:
		if _, err := sdk.ValAddressFromBech32(l.Binding.Target); err != nil {
			return fmt.Errorf("bound to validator %q: %v", l.Binding.Target, err)
		}
	case BINDING_NODE:
		if _, err := sdk.AccAddressFromBech32(l.Binding.Target); err != nil {
			return fmt.Errorf("bound to node %q: %v", l.Binding.Target, err)
		}
	default:
		return fmt.Errorf("unknown binding kind %d", l.Binding.Kind)
	}
	if l.UnbondingUntil != nil {
		if l.Binding.Kind != BINDING_NONE {
			return errors.New("bound while its stake is unbonding")
		}
		// The unbonding queue is keyed by UnixNano, which wraps outside these years: a
		// license unbonding until 2300 would be settled at once, one until 1000 in 2153.
		if u := *l.UnbondingUntil; u.Before(minQueueTime) || u.After(maxQueueTime) {
			return fmt.Errorf("unbonding_until %s must be within %s and %s (the unbonding queue's nanosecond clock)", u, minQueueTime, maxQueueTime)
		}
		if _, err := sdk.ValAddressFromBech32(l.UnbondingValidator); err != nil {
			return fmt.Errorf("unbonding from validator %q: %v", l.UnbondingValidator, err)
		}
	} else if l.UnbondingValidator != "" {
		return errors.New("unbonding_validator set without unbonding_until")
	}
	if st := l.Settlement; st != nil {
		if l.UnbondingUntil == nil {
			return errors.New("a settlement without unbonding_until: clear it")
		}
		if st.Returned.IsNil() || st.Returned.IsNegative() {
			return fmt.Errorf("settlement returned %v must be a non-negative amount", st.Returned)
		}
		if st.Stuck != (st.Attempts >= MaxSettleAttempts) {
			return fmt.Errorf("settlement stuck %t after %d attempts: stuck means %d attempts or more", st.Stuck, st.Attempts, MaxSettleAttempts)
		}
	}
	switch l.Status {
	case STATUS_ACTIVE:
		if !l.Backing.IsPositive() {
			return errors.New("an active license needs a positive backing")
		}
		if p.Stage == STAGE_MAINNET && l.Binding.Kind != BINDING_VALIDATOR && l.UnbondingUntil == nil &&
			math.LegacyNewDecFromInt(l.Backing).LTE(math.LegacyNewDecFromInt(p.StakeEquivalent).Mul(p.LiquidationThreshold)) {
			return fmt.Errorf("backing %s is at or below the liquidation threshold: mark it LIQUIDATED", l.Backing)
		}
	case STATUS_LIQUIDATED, STATUS_REDEEMED:
		if l.Binding.Kind != BINDING_NONE {
			return fmt.Errorf("%s but still bound to %s", l.Status, l.Binding.Target)
		}
	default:
		return fmt.Errorf("status %d is not ACTIVE, LIQUIDATED or REDEEMED", l.Status)
	}
	return nil
}
