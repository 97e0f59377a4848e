package types

import (
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

// DefaultGenesis is the default params with empty role accumulators.
func DefaultGenesis() *GenesisState {
	gs := &GenesisState{Params: DefaultParams(), Carry: math.ZeroInt(), NextUnbondingId: 1}
	for _, r := range AllRoles {
		gs.Roles = append(gs.Roles, NewRoleState(r))
	}
	return gs
}

// NewRoleState is an empty accumulator.
func NewRoleState(r NodeRole) RoleState {
	return RoleState{Role: r, EffSum: math.LegacyZeroDec(), Reserve: math.ZeroInt(), Index: math.LegacyZeroDec()}
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
	if gs.Carry.IsNil() || gs.Carry.IsNegative() {
		return errorsmod.Wrap(ErrInvalidGenesis, "carry must be set and not negative")
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
		if rs.Reserve.IsNil() || rs.Reserve.IsNegative() || rs.EffSum.IsNil() || rs.EffSum.IsNegative() || rs.Index.IsNil() || rs.Index.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: reserve, eff_sum and index must be set and not negative", i, rs.Role.Short())
		}
	}
	return nil
}
