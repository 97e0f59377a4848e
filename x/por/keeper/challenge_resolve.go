package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/types"
)

// maxMissesPerBlock bounds the deadlines resolved in one block; later ones wait a block.
const maxMissesPerBlock = 100

// Gas of verifying a storage answer: one SHA-256 of a leaf's derivation or path costs
// about as much as the SDK's per-byte read of 32 bytes.
const (
	gasPerHash     = 30
	gasPerLeafBase = 1_000
)

// verifyAnswer checks an answer to a pending challenge of op at the current height; it
// writes nothing.
func (k Keeper) verifyAnswer(ctx context.Context, op sdk.AccAddress, id uint64, proofs []types.LeafProof) (types.Challenge, error) {
	c, err := k.Challenges.Get(ctx, id)
	if err != nil {
		return c, errorsmod.Wrapf(types.ErrUnknownChallenge, "challenge %d", id)
	}
	if c.Operator != op.String() {
		return c, errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "challenge %d is for %s, not %s", id, c.Operator, op)
	}
	if c.Status == types.CHALLENGE_STATUS_SCHEDULED {
		return c, errorsmod.Wrapf(types.ErrChallengeNotOpen, "challenge %d opens at a block drawn later in the spread; answer it once it is pending", id)
	}
	if c.Status != types.CHALLENGE_STATUS_PENDING {
		return c, errorsmod.Wrapf(types.ErrChallengeResolved, "challenge %d is %s", id, c.Status)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if h := sdkCtx.BlockHeight(); h > c.DeadlineHeight {
		return c, errorsmod.Wrapf(types.ErrChallengeExpired, "challenge %d closed at height %d; this is %d", id, c.DeadlineHeight, h)
	}
	if c.Kind != types.CHALLENGE_KIND_STORAGE {
		if len(proofs) != 0 {
			return c, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d checks liveness: send no proofs", id)
		}
		return c, nil
	}
	if len(proofs) != len(c.Leaves) {
		return c, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d names %d leaves, got %d proofs", id, len(c.Leaves), len(proofs))
	}
	depth := types.TreeDepth(c.DatasetLeaves)
	sdkCtx.GasMeter().ConsumeGas(uint64(len(c.Leaves))*(gasPerLeafBase+gasPerHash*(uint64(c.LeafWork)+uint64(depth)+1)), "por storage answer")
	for j, idx := range c.Leaves {
		want := types.Leaf(op, idx, c.LeafWork)
		if !bytes.Equal(proofs[j].Leaf, want[:]) {
			return c, errorsmod.Wrapf(types.ErrInvalidAnswer, "proof %d: leaf %d is not the dataset's leaf", j, idx)
		}
		if !types.VerifyLeafPath(c.StorageRoot, c.DatasetLeaves, idx, want[:], proofs[j].Path) {
			return c, errorsmod.Wrapf(types.ErrInvalidAnswer, "proof %d: the path of leaf %d does not lead to the committed root (want %d sibling hashes of 32 bytes)", j, idx, depth)
		}
	}
	return c, nil
}

// resolvePair clears the pair's pending challenge and hands back what its report earned
// while held: all of it when passed; when missed, the whole uaegis are returned as forfeited
// (the fraction below 1 uaegis stays with the node, so no dust is created).
func (k Keeper) resolvePair(ctx context.Context, c types.Challenge, op sdk.AccAddress, passed bool) (math.Int, error) {
	last, err := k.lastTick(ctx)
	if err != nil {
		return math.Int{}, err
	}
	key := nodeRoleKey(op, c.Role)
	nr, err := k.NodeRoles.Get(ctx, key)
	if err != nil {
		return math.Int{}, err
	}
	if err := k.settle(ctx, &nr, last); err != nil {
		return math.Int{}, err
	}
	forfeited := math.ZeroInt()
	if !passed {
		// The report stops counting after the ticks already run; the rest of its days go
		// to the role's other nodes through the running sums.
		seg := nr.ChallengedSegment(c.Day)
		ended, err := k.endSegment(ctx, c.Role, seg, last)
		if err != nil {
			return math.Int{}, err
		}
		if nr.FromDay == c.Day {
			nr.FromDay, nr.ToDay = ended.FromDay, ended.ToDay
		} else if nr.Prev.FromDay == c.Day {
			nr.Prev = ended
		}
		forfeited = nr.Held.TruncateInt()
	}
	nr.Accrued = nr.Accrued.Add(nr.Held.Sub(math.LegacyNewDecFromInt(forfeited)))
	nr.Held, nr.ChallengeId, nr.ChallengeDay = math.LegacyZeroDec(), 0, 0
	if err := k.NodeRoles.Set(ctx, key, nr); err != nil {
		return math.Int{}, err
	}
	if forfeited.IsPositive() {
		rs, err := k.RoleStates.Get(ctx, int32(c.Role))
		if err != nil {
			return math.Int{}, err
		}
		rs.Forfeited = types.IntOrZero(rs.Forfeited).Add(forfeited)
		if err := k.RoleStates.Set(ctx, int32(c.Role), rs); err != nil {
			return math.Int{}, err
		}
	}
	return forfeited, nil
}

// finish records a resolved challenge and takes it off the deadline queue.
func (k Keeper) finish(ctx context.Context, c types.Challenge, status types.ChallengeStatus, forfeited math.Int) error {
	c.Status, c.ResolvedHeight, c.Forfeited = status, sdk.UnwrapSDKContext(ctx).BlockHeight(), forfeited
	if err := k.ChallengeDeadlines.Remove(ctx, collections.Join(c.DeadlineHeight, c.Id)); err != nil {
		return err
	}
	op, err := sdk.AccAddressFromBech32(c.Operator)
	if err != nil {
		return err
	}
	if err := k.PendingChallenges.Remove(ctx, collections.Join(op, c.Id)); err != nil {
		return err
	}
	// The receipt pruning stepped over it while it was open (its day is already outside
	// receipt_days): resolved, it goes now, as the pruning would have taken it.
	cursor, err := k.PruneCursor.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if c.Id < cursor {
		if err := k.OperatorChallenges.Remove(ctx, collections.Join(op, c.Id)); err != nil {
			return err
		}
		return k.Challenges.Remove(ctx, c.Id)
	}
	return k.Challenges.Set(ctx, c.Id, c)
}

// passChallenge releases the held reward of a verified answer.
func (k Keeper) passChallenge(ctx context.Context, op sdk.AccAddress, c types.Challenge) error {
	if _, err := k.resolvePair(ctx, c, op, true); err != nil {
		return err
	}
	if err := k.finish(ctx, c, types.CHALLENGE_STATUS_PASSED, math.ZeroInt()); err != nil {
		return err
	}
	node, err := k.getNode(ctx, op)
	if err != nil {
		return err
	}
	node.ChallengesPassed++
	if err := k.Nodes.Set(ctx, op, node); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChallengePassed{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Day: c.Day,
	})
}

// resolveDeadlines marks the challenges whose window closed at or before this block as
// missed, a bounded number per block. Each is handled in its own cache context: one
// that cannot be resolved is taken off the queue with an event, never failing the block.
func (k Keeper) resolveDeadlines(ctx context.Context, params types.Params) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndInclusive(collections.Join(sdkCtx.BlockHeight(), ^uint64(0)))
	iter, err := k.ChallengeDeadlines.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	var due []collections.Pair[int64, uint64]
	for ; iter.Valid() && len(due) < maxMissesPerBlock; iter.Next() {
		key, err := iter.Key()
		if err != nil {
			iter.Close()
			return err
		}
		due = append(due, key)
	}
	iter.Close()
	for _, key := range due {
		cacheCtx, write := sdkCtx.CacheContext()
		err := k.missChallenge(cacheCtx, params, key.K2())
		if err == nil {
			write()
			continue
		}
		k.Logger(ctx).Error("challenge set aside", "id", key.K2(), "err", err)
		if err := k.ChallengeDeadlines.Remove(ctx, key); err != nil {
			return err
		}
		if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeSetAside{Id: key.K2(), Reason: err.Error()}); err != nil {
			return err
		}
	}
	return nil
}

// missChallenge forfeits the challenged report and counts the miss; enough misses inside
// the failure window slash the node.
func (k Keeper) missChallenge(ctx context.Context, params types.Params, id uint64) error {
	c, err := k.Challenges.Get(ctx, id)
	if err != nil {
		return err
	}
	op, err := sdk.AccAddressFromBech32(c.Operator)
	if err != nil {
		return err
	}
	forfeited, err := k.resolvePair(ctx, c, op, false)
	if err != nil {
		return err
	}
	if err := k.finish(ctx, c, types.CHALLENGE_STATUS_MISSED, forfeited); err != nil {
		return err
	}
	node, err := k.getNode(ctx, op)
	if err != nil {
		return err
	}
	cp := params.Challenge
	node.ChallengesMissed++
	node.RecentMisses = append(recentMisses(node.RecentMisses, c.Day, cp.FailureWindowDays), c.Day)
	misses := len(node.RecentMisses)
	slash := cp.SlashEnabled() && misses >= int(cp.SlashFailures)
	if slash {
		node.RecentMisses = nil // a slash answers these misses; the count starts over
	}
	if err := k.Nodes.Set(ctx, op, node); err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeMissed{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Day: c.Day, Forfeited: forfeited, Misses: uint32(misses),
	}); err != nil {
		return err
	}
	if !slash {
		return nil
	}
	// The slash has its own cache context: if it cannot be applied, the miss still stands.
	slashCtx, write := sdkCtx.CacheContext()
	reason := fmt.Sprintf("missed %d challenges within %d days", misses, cp.FailureWindowDays)
	if _, err := k.slash(slashCtx, op, cp.SlashFraction, reason, c.IssuedHeight); err != nil {
		k.Logger(ctx).Error("challenge slash set aside", "operator", c.Operator, "err", err)
		return sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeSetAside{Id: c.Id, Reason: "slash: " + err.Error()})
	}
	write()
	return nil
}

// recentMisses keeps the misses of report days inside the window ending at day.
func recentMisses(days []uint64, day uint64, window uint32) []uint64 {
	out := make([]uint64, 0, len(days)+1)
	for _, d := range days {
		if d+uint64(window) > day {
			out = append(out, d)
		}
	}
	return out
}
