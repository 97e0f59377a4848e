package keeper

import (
	"context"
	"errors"
	"fmt"

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
	return k.withPending(ctx, key, nr)
}

// withPending completes a pair's state with what it has pending, read only when it has
// some (has_pending).
func (k Keeper) withPending(ctx context.Context, key collections.Pair[sdk.AccAddress, int32], nr types.NodeRoleState) (types.Pair, error) {
	if !nr.HasPending {
		return types.Pair{NodeRoleState: nr, NodeRolePending: types.NoPending()}, nil
	}
	p, err := k.NodeRolePendings.Get(ctx, key)
	if err != nil {
		// has_pending without an entry breaks an invariant that genesis and setPair keep.
		return types.Pair{}, fmt.Errorf("pair %s/%s has_pending but no pending entry: %w", key.K1(), types.NodeRole(key.K2()).Short(), err)
	}
	return types.Pair{NodeRoleState: nr, NodeRolePending: p.Normalized(), PendingStored: true}, nil
}

// heldPairs are op's pairs, one per role it has held, in role order, for transactions: a
// lookup per role. (A range read costs more there: the block's cache sorts what the block
// wrote into the range first.)
func (k Keeper) heldPairs(ctx context.Context, op sdk.AccAddress) ([]types.Pair, error) {
	var out []types.Pair
	for _, r := range types.AllRoles {
		p, err := k.getPair(ctx, nodeRoleKey(op, r))
		switch {
		case errors.Is(err, collections.ErrNotFound):
			continue // never held
		case err != nil:
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// pairsOf are heldPairs for queries: one range read of NodeRoles rather than a lookup per
// role, where four of five would find nothing, each a database seek.
func (k Keeper) pairsOf(ctx context.Context, op sdk.AccAddress) ([]types.Pair, error) {
	iter, err := k.NodeRoles.Iterate(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, int32](op))
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var out []types.Pair
	for ; iter.Valid(); iter.Next() {
		kv, err := iter.KeyValue()
		if err != nil {
			return nil, err
		}
		p, err := k.withPending(ctx, kv.Key, kv.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// setPair writes a pair's state, and its pending state only while it has any.
func (k Keeper) setPair(ctx context.Context, key collections.Pair[sdk.AccAddress, int32], p types.Pair) error {
	p.HasPending = !p.NodeRolePending.IsZero()
	if err := k.NodeRoles.Set(ctx, key, p.NodeRoleState); err != nil {
		return err
	}
	switch {
	case p.HasPending:
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
