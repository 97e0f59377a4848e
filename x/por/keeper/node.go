package keeper

import (
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// getNode returns the node of operator or ErrUnknownNode.
func (k Keeper) getNode(ctx context.Context, op sdk.AccAddress) (types.Node, error) {
	n, err := k.Nodes.Get(ctx, op)
	if errors.Is(err, collections.ErrNotFound) {
		return n, unknownNode(op)
	}
	return n, err
}

// requireNode is getNode's error without decoding the node, for callers that only need to
// know it is registered (the Rewards query, on every call).
func (k Keeper) requireNode(ctx context.Context, op sdk.AccAddress) error {
	ok, err := k.Nodes.Has(ctx, op)
	if err == nil && !ok {
		err = unknownNode(op)
	}
	return err
}

func unknownNode(op sdk.AccAddress) error {
	return errorsmod.Wrapf(types.ErrUnknownNode, "%s is not a registered node", op)
}

// checkStake fails unless escrowed plus external stake covers the roles' min_stake.
func (k Keeper) checkStake(ctx context.Context, params types.Params, op sdk.AccAddress, stake math.Int, roles []types.NodeRole) error {
	ext, err := k.externalStake(ctx, op)
	if err != nil {
		return err
	}
	need := params.RequiredStake(roles)
	if have := stake.Add(ext); have.LT(need) {
		return errorsmod.Wrapf(types.ErrInsufficientStake, "roles %s need %s%s of stake, node has %s (escrowed %s, licenses %s)",
			types.RolesString(roles), need, params.StakeDenom, have, stake, ext)
	}
	return nil
}

// takeSlot gives op a slot in role r, or ErrRoleFull.
func (k Keeper) takeSlot(ctx context.Context, params types.Params, op sdk.AccAddress, r types.NodeRole) error {
	rs, err := k.RoleStates.Get(ctx, int32(r))
	if err != nil {
		return err
	}
	if cap := params.Roles[r-1].SlotCap; rs.SlotsHeld >= cap {
		return errorsmod.Wrapf(types.ErrRoleFull, "%s: all %d slots are held", r.Short(), cap)
	}
	rs.SlotsHeld++
	if err := k.RoleStates.Set(ctx, int32(r), rs); err != nil {
		return err
	}
	return k.RoleSlots.Set(ctx, collections.Join(int32(r), op))
}

// releaseSlot frees op's slot in role r.
func (k Keeper) releaseSlot(ctx context.Context, op sdk.AccAddress, r types.NodeRole) error {
	rs, err := k.RoleStates.Get(ctx, int32(r))
	if err != nil {
		return err
	}
	rs.SlotsHeld--
	if err := k.RoleStates.Set(ctx, int32(r), rs); err != nil {
		return err
	}
	return k.RoleSlots.Remove(ctx, collections.Join(int32(r), op))
}

// activateRole takes a slot in r and (re)starts op's state in it; earned rewards of an
// earlier activation stay accrued.
func (k Keeper) activateRole(ctx context.Context, params types.Params, op sdk.AccAddress, r types.NodeRole) error {
	if err := k.takeSlot(ctx, params, op, r); err != nil {
		return err
	}
	last, err := k.lastTick(ctx)
	if err != nil {
		return err
	}
	nr, err := k.getPair(ctx, nodeRoleKey(op, r))
	switch {
	case errors.Is(err, collections.ErrNotFound):
		nr = newNodeRole(op.String(), r)
	case err != nil:
		return err
	default:
		// Settled first: what vests from the last settle on vests at the ticks run since.
		if err := k.settle(ctx, &nr, last); err != nil {
			return err
		}
		fresh := newNodeRole(op.String(), r)
		fresh.Accrued, fresh.SettledDay, fresh.Prev = nr.Accrued, nr.SettledDay, nr.Prev
		fresh.Vesting, fresh.DisqualifiedUntil, fresh.PendingStored = nr.Vesting, nr.DisqualifiedUntil, nr.PendingStored
		// A challenge still pending on the earlier activation's report resolves as usual.
		fresh.ChallengeId, fresh.ChallengeDay, fresh.Held = nr.ChallengeId, nr.ChallengeDay, types.DecOrZero(nr.Held)
		nr = fresh
	}
	nr.SettledDay = max(nr.SettledDay, last)
	return k.setPair(ctx, nodeRoleKey(op, r), nr)
}

// deactivateRole settles op's rewards in r, stops its report counting and frees the slot.
func (k Keeper) deactivateRole(ctx context.Context, node *types.Node, op sdk.AccAddress, r types.NodeRole) error {
	last, err := k.lastTick(ctx)
	if err != nil {
		return err
	}
	nr, err := k.getPair(ctx, nodeRoleKey(op, r))
	if err != nil {
		return err
	}
	if err := k.stopCounting(ctx, &nr, last); err != nil {
		return err
	}
	nr.Active = false
	if err := k.setPair(ctx, nodeRoleKey(op, r), nr); err != nil {
		return err
	}
	node.Roles = slices.DeleteFunc(node.Roles, func(x types.NodeRole) bool { return x == r })
	if err := k.releaseSlot(ctx, op, r); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRoleDeactivated{Operator: op.String(), Role: r})
}

// sortRoles keeps a node's roles in role order.
func sortRoles(roles []types.NodeRole) { slices.Sort(roles) }

// CheckStakeWithout fails if op's node would no longer cover its active roles' min_stake
// with removed taken from its external (license) stake. Unregistered operators pass.
func (k Keeper) CheckStakeWithout(ctx context.Context, op sdk.AccAddress, removed math.Int) error {
	node, err := k.Nodes.Get(ctx, op)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	ext, err := k.externalStake(ctx, op)
	if err != nil {
		return err
	}
	if need := params.RequiredStake(node.Roles); node.Stake.Add(ext).Sub(removed).LT(need) {
		return errorsmod.Wrapf(types.ErrInsufficientStake, "node %s needs %s for roles %s and would keep %s",
			node.Operator, need, types.RolesString(node.Roles), node.Stake.Add(ext).Sub(removed))
	}
	return nil
}

// UnresolvedChallenge is the id of a challenge of op's node that is still scheduled or
// pending (0 if none). A role keeps its challenge after it is deactivated, so this reads
// at most one record per role.
func (k Keeper) UnresolvedChallenge(ctx context.Context, op sdk.AccAddress) (uint64, error) {
	c, err := k.unresolvedChallenge(ctx, op)
	return c.Id, err
}

// unresolvedChallenge is the earliest-issued challenge of op still unresolved (zero if none).
func (k Keeper) unresolvedChallenge(ctx context.Context, op sdk.AccAddress) (types.Challenge, error) {
	var first types.Challenge
	rng := collections.NewPrefixedPairRange[sdk.AccAddress, int32](op)
	err := k.NodeRolePendings.Walk(ctx, rng, func(_ collections.Pair[sdk.AccAddress, int32], nr types.NodeRolePending) (bool, error) {
		if nr.ChallengeId == 0 {
			return false, nil
		}
		c, err := k.Challenges.Get(ctx, nr.ChallengeId)
		if errors.Is(err, collections.ErrNotFound) {
			return false, nil
		} else if err != nil {
			return true, err
		}
		if first.Id == 0 || c.IssuedHeight < first.IssuedHeight {
			first = c
		}
		return false, nil
	})
	return first, err
}
