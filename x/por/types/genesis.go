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

// Validate checks the params and the cross-record invariants: one state per role, slot
// counts match the nodes, no slot cap exceeded, every node-role refers to a node.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if len(gs.Roles) != len(AllRoles) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "want %d role states, got %d", len(AllRoles), len(gs.Roles))
	}
	if gs.Carry.IsNil() || gs.Carry.IsNegative() {
		return errorsmod.Wrap(ErrInvalidGenesis, "carry must not be negative")
	}
	nodes := make(map[string]Node, len(gs.Nodes))
	slots := make(map[NodeRole]uint64)
	for _, n := range gs.Nodes {
		if _, dup := nodes[n.Operator]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate node %s", n.Operator)
		}
		if n.Stake.IsNil() || n.Stake.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node %s: negative stake", n.Operator)
		}
		nodes[n.Operator] = n
		for _, r := range n.Roles {
			if !r.Valid() {
				return errorsmod.Wrapf(ErrInvalidGenesis, "node %s: unknown role %d", n.Operator, r)
			}
			slots[r]++
		}
	}
	for i, rs := range gs.Roles {
		if rs.Role != AllRoles[i] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] must be %s", i, AllRoles[i].Short())
		}
		if rs.SlotsHeld != slots[rs.Role] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s: slots_held %d but %d nodes hold a slot", rs.Role.Short(), rs.SlotsHeld, slots[rs.Role])
		}
		if rs.SlotsHeld > gs.Params.Roles[i].SlotCap || rs.HighWater > gs.Params.Roles[i].SlotCap {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s: slots above slot_cap", rs.Role.Short())
		}
		if rs.Reserve.IsNil() || rs.Reserve.IsNegative() || rs.EffSum.IsNil() || rs.EffSum.IsNegative() || rs.Index.IsNil() || rs.Index.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "%s: negative or missing accumulator", rs.Role.Short())
		}
	}
	for _, nr := range gs.NodeRoles {
		n, ok := nodes[nr.Operator]
		if !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node role of unknown node %s", nr.Operator)
		}
		holds := false
		for _, r := range n.Roles {
			holds = holds || r == nr.Role
		}
		if holds != nr.Active {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node %s role %s: active flag disagrees with the node's roles", nr.Operator, nr.Role.Short())
		}
		if nr.Accrued.IsNil() || nr.Accrued.IsNegative() || nr.Eff.IsNil() || nr.Eff.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node %s role %s: negative or missing amounts", nr.Operator, nr.Role.Short())
		}
	}
	for _, u := range gs.Unbonding {
		if u.Id == 0 || u.Id >= gs.NextUnbondingId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "unbonding id %d out of range", u.Id)
		}
		if u.Amount.IsNil() || !u.Amount.IsPositive() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "unbonding %d: amount must be positive", u.Id)
		}
	}
	return nil
}
