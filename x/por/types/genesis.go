package types

import (
	"math/big"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// maxAmountBits bounds every amount of the state and min_stake below 2^128 uaegis (about
// 3.4e32 AEGIS), far above any supply: sums over every entry and the tick's products
// (reserve times slots, pool times bps) then stay far inside math.Int's 256 bits. A carry
// or reserve near 2^256 used to pass and overflow the liabilities check or the first tick.
const maxAmountBits = 128

// maxDec bounds the eff sums, deltas, reward indexes and accrued rewards (2^160): with
// effs at most MaxPorCap, eff times an index difference stays inside LegacyDec's range,
// and so does any sum of them.
var maxDec = math.LegacyNewDecFromBigInt(new(big.Int).Lsh(big.NewInt(1), 160))

// validAmount reports whether x is set, not negative and below 2^128.
func validAmount(x math.Int) bool {
	return !x.IsNil() && !x.IsNegative() && x.BigIntMut().BitLen() <= maxAmountBits
}

// validDec reports whether x is set, not negative and at most 2^160.
func validDec(x math.LegacyDec) bool { return !x.IsNil() && !x.IsNegative() && x.LTE(maxDec) }

// DefaultGenesis is the default params with empty role accumulators.
func DefaultGenesis() *GenesisState {
	gs := &GenesisState{Params: DefaultParams(), Carry: math.ZeroInt(), NextUnbondingId: 1, NextChallengeId: 1}
	for _, r := range AllRoles {
		gs.Roles = append(gs.Roles, NewRoleState(r))
	}
	return gs
}

// NewRoleState is an empty accumulator.
func NewRoleState(r NodeRole) RoleState {
	return RoleState{Role: r, EffSum: math.LegacyZeroDec(), Reserve: math.ZeroInt(), Index: math.LegacyZeroDec(), Forfeited: math.ZeroInt()}
}

// Validate checks that the state boots and runs: the params, every record on its own
// (addresses parse, amounts are set and not negative, roles are known and listed once),
// and every fact that one record repeats from others. The slot counts, the running eff
// sums and counts and the scheduled deltas are derived from the node-roles' reports and
// must equal them; the reward index history must cover every day a settlement reads.
// Each error names the entry and what to change.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if !validAmount(gs.Carry) {
		return errorsmod.Wrap(ErrInvalidGenesis, "carry must be set, not negative and below 2^128")
	}
	if err := gs.validateRoles(); err != nil {
		return err
	}
	nodes, err := gs.validateNodes()
	if err != nil {
		return err
	}
	if err := gs.validateNodeRoles(nodes); err != nil {
		return err
	}
	if err := gs.validateDerived(); err != nil {
		return err
	}
	if err := gs.validateHistory(); err != nil {
		return err
	}
	if err := gs.validateChallenges(nodes); err != nil {
		return err
	}
	return gs.validateUnbonding()
}

// validateRoles checks one accumulator per role, in role order.
func (gs GenesisState) validateRoles() error {
	if len(gs.Roles) != len(AllRoles) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "roles: want one state per role (%d), got %d", len(AllRoles), len(gs.Roles))
	}
	for i, rs := range gs.Roles {
		if rs.Role != AllRoles[i] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] must be %s (one state per role, in role order)", i, AllRoles[i].Short())
		}
		cap := gs.Params.Roles[i].SlotCap
		if rs.SlotsHeld > cap || rs.HighWater > cap {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: slots_held %d or high_water %d above slot_cap %d",
				i, rs.Role.Short(), rs.SlotsHeld, rs.HighWater, cap)
		}
		if !validAmount(rs.Reserve) || !validDec(rs.EffSum) || !validDec(rs.Index) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: reserve, eff_sum and index must be set and not negative; reserve below 2^128, eff_sum and index at most 2^160", i, rs.Role.Short())
		}
	}
	return nil
}
