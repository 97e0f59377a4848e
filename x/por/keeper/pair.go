package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// getPair reads a pair's state and what it has pending (NoPending when it has none).
func (k Keeper) getPair(ctx context.Context, key collections.Pair[sdk.AccAddress, int32]) (types.Pair, error) {
	nr, err := k.NodeRoles.Get(ctx, key)
	if err != nil {
		return types.Pair{}, err
	}
	p, err := k.NodeRolePendings.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return types.Pair{NodeRoleState: nr, NodeRolePending: types.NoPending()}, nil
	case err != nil:
		return types.Pair{}, err
	}
	return types.Pair{NodeRoleState: nr, NodeRolePending: p.Normalized(), PendingStored: true}, nil
}

// pendingOf is what a pair has pending (NoPending when it has none).
func (k Keeper) pendingOf(ctx context.Context, key collections.Pair[sdk.AccAddress, int32]) (types.NodeRolePending, error) {
	p, err := k.NodeRolePendings.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return types.NoPending(), nil
	}
	return p.Normalized(), err
}

// setPair writes a pair's state, and its pending state only while it has any.
func (k Keeper) setPair(ctx context.Context, key collections.Pair[sdk.AccAddress, int32], p types.Pair) error {
	if err := k.NodeRoles.Set(ctx, key, p.NodeRoleState); err != nil {
		return err
	}
	switch {
	case !p.NodeRolePending.IsZero():
		return k.NodeRolePendings.Set(ctx, key, p.NodeRolePending)
	case p.PendingStored:
		return k.NodeRolePendings.Remove(ctx, key)
	}
	return nil
}

// challengeStats are op's resolved challenges (zero before the first).
func (k Keeper) challengeStats(ctx context.Context, op sdk.AccAddress) (types.NodeChallengeStats, error) {
	st, err := k.ChallengeStats.Get(ctx, op)
	if errors.Is(err, collections.ErrNotFound) {
		return types.NodeChallengeStats{Operator: op.String()}, nil
	}
	return st, err
}

// PairState is op's state in role r with what it has pending (for simulation and tests).
func (k Keeper) PairState(ctx context.Context, op sdk.AccAddress, r types.NodeRole) (types.Pair, error) {
	return k.getPair(ctx, nodeRoleKey(op, r))
}
