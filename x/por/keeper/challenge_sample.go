package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Each day's reports are logged as (node, role) pairs. In the first block of a later day,
// before its transactions, a bounded sample of the logged pairs is challenged: O(sample)
// work, whatever the number of nodes. See docs/verification.md.

func (k Keeper) reportLog(ctx context.Context) (types.ReportLog, error) {
	l, err := k.ReportLog.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ReportLog{}, nil
	}
	return l, err
}

// logReport adds a report's pairs to the log of its day; a new day starts the list over,
// overwriting the previous day's entries (sampled by then); the tail of a longer earlier
// day stays in the store, never read again (see exportChallenges).
func (k Keeper) logReport(ctx context.Context, day uint64, operator string, parts []types.RolePart) error {
	l, err := k.reportLog(ctx)
	if err != nil {
		return err
	}
	if l.Day != day {
		l = types.ReportLog{Day: day}
	}
	for _, p := range parts {
		if err := k.ReportLogEntries.Set(ctx, l.Count, types.ChallengeTarget{Operator: operator, Role: p.Role}); err != nil {
			return err
		}
		l.Count++
	}
	return k.ReportLog.Set(ctx, l)
}

// BeginBlocker samples the challenges of the last logged day once that day is over. It
// runs before the block's transactions, so the log holds only that day's reports. A
// sampling that fails is skipped with an event: it never fails the block.
func (k Keeper) BeginBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if !params.Challenge.Enabled() {
		return nil
	}
	l, err := k.reportLog(ctx)
	if err != nil {
		return err
	}
	if l.Sampled || l.Day == 0 {
		return nil
	}
	today, err := k.emission.CurrentDay(ctx)
	if err != nil {
		return err
	}
	if l.Day >= today {
		return nil
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	if err := k.sampleDay(cacheCtx, params, l); err != nil {
		k.Logger(ctx).Error("challenge sampling skipped", "day", l.Day, "err", err)
		l.Sampled = true
		if err := k.ReportLog.Set(ctx, l); err != nil {
			return err
		}
		return sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeSetAside{Reason: "sampling day " + math.NewIntFromUint64(l.Day).String() + ": " + err.Error()})
	}
	write()
	return nil
}

// sampleDay challenges up to challenges_per_day of the pairs logged for l.Day, drawn by a
// seed from the hash of the block that samples them.
func (k Keeper) sampleDay(ctx context.Context, params types.Params, l types.ReportLog) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	seed := types.ChallengeSeed(l.Day, sdkCtx.HeaderHash())
	receipt := types.ChallengeDay{Day: l.Day, Seed: seed, Candidates: l.Count, Height: sdkCtx.BlockHeight()}
	last, err := k.lastTick(ctx)
	if err != nil {
		return err
	}
	for _, i := range types.SampleIndexes(seed, l.Count, uint64(params.Challenge.ChallengesPerDay)) {
		t, err := k.ReportLogEntries.Get(ctx, i)
		if err != nil {
			return err
		}
		id, err := k.issueChallenge(ctx, params.Challenge, seed, l.Day, last, t)
		if err != nil {
			return err
		}
		if id == 0 {
			continue
		}
		if receipt.Count == 0 {
			receipt.FirstId = id
		}
		receipt.Count++
	}
	l.Sampled = true
	if err := k.ReportLog.Set(ctx, l); err != nil {
		return err
	}
	if err := k.ChallengeDays.Set(ctx, l.Day, receipt); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengesSampled{
		Day: l.Day, Seed: seed, Candidates: l.Count, FirstId: receipt.FirstId, Count: receipt.Count,
	})
}

// nextChallengeID returns a fresh id; ids start at 1 (0 means none).
func (k Keeper) nextChallengeID(ctx context.Context) (uint64, error) {
	id, err := k.NextChallengeID.Next(ctx)
	if err == nil && id == 0 {
		id, err = k.NextChallengeID.Next(ctx)
	}
	return id, err
}

// issueChallenge challenges t's report of day, unless that report no longer stands (the
// role was given up or the pair already has a challenge pending): then it returns 0.
// What the report has earned so far, and earns until the challenge resolves, is held.
func (k Keeper) issueChallenge(ctx context.Context, cp types.ChallengeParams, seed []byte, day, last uint64, t types.ChallengeTarget) (uint64, error) {
	op, err := sdk.AccAddressFromBech32(t.Operator)
	if err != nil {
		return 0, nil
	}
	nr, err := k.NodeRoles.Get(ctx, nodeRoleKey(op, t.Role))
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if !nr.Active || nr.FromDay != day || !nr.Eff.IsPositive() || nr.ChallengeId != 0 {
		return 0, nil
	}
	node, err := k.getNode(ctx, op)
	if err != nil {
		return 0, err
	}
	if err := k.settle(ctx, &nr, last); err != nil {
		return 0, err
	}
	earned, err := nr.Current().Earned(nr.Role, 0, last, k.indexes(ctx))
	if err != nil {
		return 0, err
	}
	moved := math.LegacyMinDec(earned, nr.Accrued)
	nr.Accrued, nr.Held = nr.Accrued.Sub(moved), nr.Held.Add(moved)

	id, err := k.nextChallengeID(ctx)
	if err != nil {
		return 0, err
	}
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	c := types.Challenge{
		Id: id, Operator: t.Operator, Role: t.Role, Day: day, Kind: types.CHALLENGE_KIND_LIVENESS,
		Status: types.CHALLENGE_STATUS_PENDING, IssuedHeight: height,
		DeadlineHeight: height + int64(cp.AnswerWindowBlocks), Forfeited: math.ZeroInt(),
	}
	if len(node.StorageRoot) == types.LeafSize && node.DatasetLeaves > 0 && node.LastReportDay == day {
		work := node.DatasetLeafWork
		if work == 0 { // committed before the report recorded its leaf_work
			work = cp.LeafWork
		}
		c.Kind, c.StorageRoot, c.DatasetLeaves, c.LeafWork = types.CHALLENGE_KIND_STORAGE, node.StorageRoot, node.DatasetLeaves, work
		c.Leaves = types.ChallengeLeaves(seed, id, node.DatasetLeaves, cp.LeavesPerChallenge)
	}
	nr.ChallengeId, nr.ChallengeDay = id, day
	if err := k.NodeRoles.Set(ctx, nodeRoleKey(op, t.Role), nr); err != nil {
		return 0, err
	}
	if err := k.putChallenge(ctx, op, c); err != nil {
		return 0, err
	}
	return id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChallengeIssued{
		Id: id, Operator: c.Operator, Role: c.Role, Day: day, Kind: c.Kind, DeadlineHeight: c.DeadlineHeight, Leaves: c.Leaves,
	})
}

// putChallenge stores a challenge with its indexes (the pending index and the deadline
// queue only while pending).
func (k Keeper) putChallenge(ctx context.Context, op sdk.AccAddress, c types.Challenge) error {
	if err := k.Challenges.Set(ctx, c.Id, c); err != nil {
		return err
	}
	if err := k.OperatorChallenges.Set(ctx, collections.Join(op, c.Id)); err != nil {
		return err
	}
	if c.Status != types.CHALLENGE_STATUS_PENDING {
		return nil
	}
	if err := k.PendingChallenges.Set(ctx, collections.Join(op, c.Id)); err != nil {
		return err
	}
	return k.ChallengeDeadlines.Set(ctx, collections.Join(c.DeadlineHeight, c.Id))
}
