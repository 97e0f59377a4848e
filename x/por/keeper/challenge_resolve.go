package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

// maxMissesPerBlock bounds the deadlines resolved in one block; later ones wait a block.
const maxMissesPerBlock = 100

// Gas of checking a storage proof: a label recomputation costs about what the SDK charges
// for a signature check per 20 µs of work (scrypt's cost grows with N).
const (
	gasPerProof         = 5_000
	gasPerLabelPerScryN = 40
)

// check is what the chain found rechecking a storage proof.
type check struct {
	rechecked, wrong int
}

// pendingChallenge is challenge id, if it is op's and pending.
func (k Keeper) pendingChallenge(ctx context.Context, op sdk.AccAddress, id uint64) (types.Challenge, error) {
	c, err := k.Challenges.Get(ctx, id)
	if err != nil {
		return c, errorsmod.Wrapf(types.ErrUnknownChallenge, "challenge %d", id)
	}
	if c.Operator != op.String() {
		return c, errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "challenge %d is for %s, not %s", id, c.Operator, op)
	}
	if c.Status != types.CHALLENGE_STATUS_PENDING {
		return c, errorsmod.Wrapf(types.ErrChallengeResolved, "challenge %d is %s", id, c.Status)
	}
	return c, nil
}

// checkOpen refuses an answer after the challenge's deadline height.
func checkOpen(ctx sdk.Context, c types.Challenge) error {
	if h := ctx.BlockHeight(); h > c.DeadlineHeight {
		return errorsmod.Wrapf(types.ErrChallengeExpired, "challenge %d closed at height %d; this is %d", c.Id, c.DeadlineHeight, h)
	}
	return nil
}

// verifyAnswer checks an answer to pending liveness or storage challenge c of op at the
// current height; it writes nothing. A malformed proof, or one none of whose rechecked
// labels is the dataset's (a proof for another challenge, role, nonce or operator), is
// refused and changes nothing. A proof some of whose rechecked labels are wrong is returned with
// check.wrong > 0: it fails the challenge, for the rechecks are drawn from the hash of the
// block that includes the proof, and a refusal would let a cheater resubmit each block
// until the draw missed the indexes it made up.
func (k Keeper) verifyAnswer(ctx context.Context, op sdk.AccAddress, c types.Challenge, proof *types.StorageProof) (check, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	id := c.Id
	if err := checkOpen(sdkCtx, c); err != nil {
		return check{}, err
	}
	if c.Kind != types.CHALLENGE_KIND_STORAGE {
		if proof != nil {
			return check{}, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d checks liveness: send no proof", id)
		}
		return check{}, nil
	}
	if proof == nil {
		return check{}, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d checks storage: send the proof of a scan of the %s dataset (aegis-node does)", id, c.Role.Short())
	}
	p := c.Storage.Post()
	p.ScryptN = c.Dataset.LabelScryptN
	if proof.Nonce >= p.Nonces {
		return check{}, errorsmod.Wrapf(types.ErrInvalidAnswer, "nonce %d: a scan may use nonces 0 to %d", proof.Nonce, p.Nonces-1)
	}
	idx, err := post.DecodeIndexes(proof.Indexes, c.Dataset.Labels, p.K2)
	if err != nil {
		return check{}, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: %v", id, err)
	}
	sdkCtx.GasMeter().ConsumeGas(gasPerProof+uint64(p.Rechecks)*gasPerLabelPerScryN*uint64(p.ScryptN), "por storage proof")
	seed := post.Seed(op, int32(c.Role), c.Dataset.Nonce)
	pos := post.RecheckPositions(c.Value, sdkCtx.HeaderHash(), proof.Nonce, proof.Indexes, p.K2, p.Rechecks)
	res := check{rechecked: len(pos)}
	res.wrong = post.Recheck(seed[:], c.Value, p, c.Dataset.Labels, post.Proof{Nonce: proof.Nonce, Indexes: idx}, pos)
	if res.wrong == res.rechecked {
		return check{}, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: none of the %d labels rechecked passes: this is not a proof of the %s dataset of nonce %d for this challenge", id, res.rechecked, c.Role.Short(), c.Dataset.Nonce)
	}
	return res, nil
}

// resolvePair clears the pair's pending challenge and hands back what its report earned
// while held: all of it when passed. When missed or failed, the whole uaegis of what is lost
// go to the role's next tick as forfeited (the fraction below 1 uaegis stays with the node,
// so no dust is created): for a liveness challenge the report's held reward and its
// unvested tranches; for a storage or compute proof (spec section 8) the held reward and
// everything still vesting, and the pair is disqualified for disqualify_days.
func (k Keeper) resolvePair(ctx context.Context, c types.Challenge, op sdk.AccAddress, passed bool) (math.Int, error) {
	last, err := k.lastTick(ctx)
	if err != nil {
		return math.Int{}, err
	}
	key := nodeRoleKey(op, c.Role)
	nr, err := k.getPair(ctx, key)
	if err != nil {
		return math.Int{}, err
	}
	if err := k.settle(ctx, &nr, last); err != nil {
		return math.Int{}, err
	}
	lost := nr.Held
	until := uint64(0)
	if !passed {
		if c.Kind.ProvesResources() {
			lost = lost.Add(nr.ForfeitVesting(0, ^uint64(0)))
			if until, err = k.disqualify(ctx, &nr, last); err != nil {
				return math.Int{}, err
			}
		} else {
			seg := nr.ChallengedSegment(c.Day)
			lost = lost.Add(nr.ForfeitVesting(seg.FromDay, seg.ToDay))
		}
		if until == 0 {
			// The report stops counting after the ticks already run; the rest of its days
			// go to the role's other nodes through the running sums.
			if err := k.endChallengedSegment(ctx, &nr, c.Day, last); err != nil {
				return math.Int{}, err
			}
		}
	}
	forfeited := math.ZeroInt()
	if !passed {
		forfeited = lost.TruncateInt()
	}
	nr.Accrued = nr.Accrued.Add(lost).Sub(math.LegacyNewDecFromInt(forfeited))
	nr.Held, nr.ChallengeId, nr.ChallengeDay = math.LegacyZeroDec(), 0, 0
	if err := k.setPair(ctx, key, nr); err != nil {
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
	if until == 0 {
		return forfeited, nil
	}
	return forfeited, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRoleDisqualified{
		Operator: c.Operator, Role: c.Role, UntilDay: until, ChallengeId: c.Id, Forfeited: forfeited,
	})
}

// endChallengedSegment makes the report of day (current or previous) stop counting after
// lastTick.
func (k Keeper) endChallengedSegment(ctx context.Context, nr *types.Pair, day, lastTick uint64) error {
	ended, err := k.endSegment(ctx, nr.Role, nr.ChallengedSegment(day), lastTick)
	if err != nil {
		return err
	}
	if nr.FromDay == day {
		nr.FromDay, nr.ToDay = ended.FromDay, ended.ToDay
	} else if nr.Prev.FromDay == day {
		nr.Prev = ended
	}
	return nil
}

// disqualify stops every report of the settled pair counting after lastTick and bars it
// from reporting in the role through today + disqualify_days - 1, which it returns (0 when
// disqualify_days is 0: then nothing is done). The pair keeps its slot.
func (k Keeper) disqualify(ctx context.Context, nr *types.Pair, lastTick uint64) (uint64, error) {
	params, err := k.Params.Get(ctx)
	if err != nil || params.Challenge.DisqualifyDays == 0 {
		return 0, err
	}
	today, err := k.reportDay(ctx, lastTick)
	if err != nil {
		return 0, err
	}
	if err := k.stopCounting(ctx, nr, lastTick); err != nil {
		return 0, err
	}
	nr.DisqualifiedUntil = max(nr.DisqualifiedUntil, today+uint64(params.Challenge.DisqualifyDays)-1)
	return nr.DisqualifiedUntil, nil
}

// finish records a resolved challenge and takes it off the deadline queue.
func (k Keeper) finish(ctx context.Context, c types.Challenge, status types.ChallengeStatus, forfeited math.Int) error {
	c.Status, c.ResolvedHeight, c.Forfeited = status, sdk.UnwrapSDKContext(ctx).BlockHeight(), forfeited
	if err := k.ChallengeDeadlines.Remove(ctx, collections.Join(c.DeadlineHeight, c.Id)); err != nil {
		return err
	}
	if c.Kind == types.CHALLENGE_KIND_COMPUTE {
		if err := k.ComputeDeadlines.Remove(ctx, collections.Join(c.CommitDeadlineMs, c.Id)); err != nil {
			return err
		}
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
	st, err := k.challengeStats(ctx, op)
	if err != nil {
		return err
	}
	st.Passed++
	if err := k.ChallengeStats.Set(ctx, op, st); err != nil {
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
	// Compute roots are due on the chain clock: a root is accepted while the clock is at
	// most the deadline, so one whose deadline the clock has passed is missed. Each queue
	// gets half the block's budget, and what one leaves goes to the other, so neither's
	// backlog holds up the other's misses.
	clock, err := k.chainClock(ctx)
	if err != nil {
		return err
	}
	clockRng := new(collections.Range[collections.Pair[int64, uint64]]).EndExclusive(collections.Join(clock.ElapsedMs, uint64(0)))
	late, err := dueKeys(ctx, k.ComputeDeadlines, clockRng, maxMissesPerBlock/2)
	if err != nil {
		return err
	}
	due, err := dueKeys(ctx, k.ChallengeDeadlines, rng, maxMissesPerBlock-len(late))
	if err != nil {
		return err
	}
	if len(late) == maxMissesPerBlock/2 && len(due) < maxMissesPerBlock-len(late) {
		if late, err = dueKeys(ctx, k.ComputeDeadlines, clockRng, maxMissesPerBlock-len(due)); err != nil {
			return err
		}
	}
	for i, key := range append(due, late...) {
		cacheCtx, write := sdkCtx.CacheContext()
		err := k.missChallenge(cacheCtx, params, key.K2())
		if err == nil {
			write()
			continue
		}
		k.Logger(ctx).Error("challenge set aside", "id", key.K2(), "err", err)
		queue := k.ChallengeDeadlines
		if i >= len(due) {
			queue = k.ComputeDeadlines
		}
		if err := queue.Remove(ctx, key); err != nil {
			return err
		}
		if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeSetAside{Id: key.K2(), Reason: err.Error()}); err != nil {
			return err
		}
	}
	return nil
}

// dueKeys reads at most limit keys of a deadline queue in rng.
func dueKeys(ctx context.Context, queue collections.KeySet[collections.Pair[int64, uint64]], rng collections.Ranger[collections.Pair[int64, uint64]], limit int) ([]collections.Pair[int64, uint64], error) {
	iter, err := queue.Iterate(ctx, rng)
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var due []collections.Pair[int64, uint64]
	for ; iter.Valid() && len(due) < limit; iter.Next() {
		key, err := iter.Key()
		if err != nil {
			return nil, err
		}
		due = append(due, key)
	}
	return due, nil
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
	forfeited, st, err := k.forfeitChallenge(ctx, c, op, types.CHALLENGE_STATUS_MISSED)
	if err != nil {
		return err
	}
	if telemetry.IsTelemetryEnabled() { // the kind's name is built only for a sink that counts it
		telemetry.IncrCounter(1, types.ModuleName, "challenges_missed", kindName(c.Kind))
	}
	cp := params.Challenge
	proof := c.Kind.ProvesResources()
	if !proof { // a missed storage or compute proof is slashed at once, below
		st.RecentMisses = append(recentMisses(st.RecentMisses, c.Day, cp.FailureWindowDays), c.Day)
	}
	misses := len(st.RecentMisses)
	slash := cp.SlashEnabled() && !proof && misses >= int(cp.SlashFailures)
	if slash {
		st.RecentMisses = nil // a slash answers these misses; the count starts over
	}
	if err := k.ChallengeStats.Set(ctx, op, st); err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeMissed{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Day: c.Day, Forfeited: forfeited, Misses: uint32(misses),
	}); err != nil {
		return err
	}
	switch {
	case proof:
		return k.slashForChallenge(ctx, c, op, cp.SlashFractionFor(c.Kind), fmt.Sprintf("missed %s proof %d", kindName(c.Kind), c.Id))
	case slash:
		return k.slashForChallenge(ctx, c, op, cp.SlashFraction, fmt.Sprintf("missed %d challenges within %d days", misses, cp.FailureWindowDays))
	}
	return nil
}

// forfeitChallenge resolves c as missed or failed: its report's held reward is forfeited
// and the node's challenge stats (returned, not yet written back) count it as missed.
func (k Keeper) forfeitChallenge(ctx context.Context, c types.Challenge, op sdk.AccAddress, status types.ChallengeStatus) (math.Int, types.NodeChallengeStats, error) {
	forfeited, err := k.resolvePair(ctx, c, op, false)
	if err != nil {
		return math.Int{}, types.NodeChallengeStats{}, err
	}
	if err := k.finish(ctx, c, status, forfeited); err != nil {
		return math.Int{}, types.NodeChallengeStats{}, err
	}
	st, err := k.challengeStats(ctx, op)
	if err != nil {
		return math.Int{}, types.NodeChallengeStats{}, err
	}
	st.Missed++
	return forfeited, st, nil
}

// failChallenge resolves a storage proof whose rechecked labels were not all the
// dataset's, or a compute reveal whose recomputed tiles were not all the committed ones:
// the pair forfeits as for a miss, and the kind's slash fraction of the node's stake is
// slashed at once.
func (k Keeper) failChallenge(ctx context.Context, op sdk.AccAddress, c types.Challenge, res check) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	forfeited, st, err := k.forfeitChallenge(ctx, c, op, types.CHALLENGE_STATUS_FAILED)
	if err != nil {
		return err
	}
	if err := k.ChallengeStats.Set(ctx, op, st); err != nil {
		return err
	}
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChallengeFailed{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Day: c.Day, Rechecked: uint32(res.rechecked), Wrong: uint32(res.wrong), Forfeited: forfeited,
	}); err != nil {
		return err
	}
	what := "labels"
	if c.Kind == types.CHALLENGE_KIND_COMPUTE {
		what = "tiles"
	}
	reason := fmt.Sprintf("%s proof %d failed: %d of %d rechecked %s wrong", kindName(c.Kind), c.Id, res.wrong, res.rechecked, what)
	return k.slashForChallenge(ctx, c, op, params.Challenge.SlashFractionFor(c.Kind), reason)
}

// slashForChallenge slashes fraction of the node's stake bonded when c was issued, in its
// own cache context: if it cannot be applied, the resolution still stands.
func (k Keeper) slashForChallenge(ctx context.Context, c types.Challenge, op sdk.AccAddress, fraction math.LegacyDec, reason string) error {
	if fraction.IsNil() || !fraction.IsPositive() {
		return nil
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	slashCtx, write := sdkCtx.CacheContext()
	if _, err := k.slash(slashCtx, op, fraction, reason, c.IssuedHeight, c.Kind.ProvesResources()); err != nil {
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

// kindName is a challenge kind as the logs and metrics say it: liveness, storage, compute.
func kindName(k types.ChallengeKind) string {
	return strings.ToLower(strings.TrimPrefix(k.String(), "CHALLENGE_KIND_"))
}
