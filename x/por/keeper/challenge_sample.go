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

// BeginBlocker opens the scheduled challenges due in this block, and samples the
// challenges of the last logged day once that day is over. It runs before the block's
// transactions, so the log holds only that day's reports. A sampling or an opening that
// fails is skipped with an event: it never fails the block.
func (k Keeper) BeginBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	openCtx, writeOpen := sdkCtx.CacheContext()
	if err := k.openDue(openCtx, params.Challenge, false); err != nil {
		k.Logger(ctx).Error("challenge opening set aside", "err", err)
		if err := k.OpeningDay.Remove(ctx); err != nil {
			return err
		}
		if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeSetAside{Reason: "opening challenges: " + err.Error()}); err != nil {
			return err
		}
	} else {
		writeOpen()
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
	// A day's challenges all open before the next day's are sampled.
	if err := k.openDue(ctx, params.Challenge, true); err != nil {
		return err
	}
	seed := types.ChallengeSeed(l.Day, sdkCtx.HeaderHash())
	receipt := types.ChallengeDay{Day: l.Day, Seed: seed, Candidates: l.Count, Height: sdkCtx.BlockHeight(), SpreadBlocks: params.Challenge.SpreadBlocks}
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
	if params.Challenge.SpreadBlocks == 0 {
		receipt.Opened = receipt.Count
	} else if receipt.Count > 0 {
		if err := k.OpeningDay.Set(ctx, l.Day); err != nil {
			return err
		}
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
// With spread_blocks the challenge is scheduled: openDue opens it later.
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
	c := types.Challenge{
		Id: id, Operator: t.Operator, Role: t.Role, Day: day, Kind: types.CHALLENGE_KIND_LIVENESS,
		Status: types.CHALLENGE_STATUS_SCHEDULED, IssuedHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
		Forfeited: math.ZeroInt(), AnswerWindowBlocks: cp.AnswerWindowBlocks,
	}
	// The pair proves the dataset its report committed, with the proof sizes in force now
	// (one they can no longer prove, after a change of params, is checked for liveness).
	ds, err := k.Datasets.Get(ctx, nodeRoleKey(op, t.Role))
	if err == nil && ds.Day == day && ds.Validate(cp.Storage) == nil {
		c.Kind, c.Dataset, c.Storage = types.CHALLENGE_KIND_STORAGE, ds, cp.Storage
		// The window leaves the scan of the whole dataset half of it at most.
		c.AnswerWindowBlocks = max(c.AnswerWindowBlocks, 2*cp.Storage.ScanBlocks(ds.Labels))
	} else if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return 0, err
	}
	nr.ChallengeId, nr.ChallengeDay = id, day
	if err := k.NodeRoles.Set(ctx, nodeRoleKey(op, t.Role), nr); err != nil {
		return 0, err
	}
	if cp.SpreadBlocks == 0 {
		return id, k.openChallenge(ctx, cp, seed, op, c)
	}
	return id, k.putChallenge(ctx, op, c)
}

// openChallenge opens a scheduled challenge in this block: its answer window starts, and a
// storage challenge's leaves are drawn from seed (this block's).
func (k Keeper) openChallenge(ctx context.Context, cp types.ChallengeParams, seed []byte, op sdk.AccAddress, c types.Challenge) error {
	// A challenge opens with the window and leaf count it was sampled with (a state from
	// before challenges carried them takes the params in force, which are always valid).
	window := c.AnswerWindowBlocks
	if window == 0 {
		window = cp.AnswerWindowBlocks
	}
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	c.Status, c.OpenHeight, c.DeadlineHeight = types.CHALLENGE_STATUS_PENDING, h, h+int64(window)
	if c.Kind == types.CHALLENGE_KIND_STORAGE {
		c.Value = types.ChallengeValue(seed, c.Id)
	}
	if err := k.putChallenge(ctx, op, c); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChallengeIssued{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Day: c.Day, Kind: c.Kind, DeadlineHeight: c.DeadlineHeight, Value: c.Value, Labels: c.Dataset.Labels,
	})
}

// openDue opens the share of the opening day's scheduled challenges due by this block: a
// fraction elapsed/spread_blocks of them, each picked by a draw from this block's hash,
// so no node knows in advance when its challenge opens and no proposer picks more than
// its own block's share. all (or the spread being over) opens every one left. The work is
// bounded by the challenges opened (plus as many missed draws), never by the nodes.
func (k Keeper) openDue(ctx context.Context, cp types.ChallengeParams, all bool) error {
	day, err := k.OpeningDay.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) || (err == nil && day == 0) {
		return nil
	} else if err != nil {
		return err
	}
	r, err := k.ChallengeDays.Get(ctx, day)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	// The day's challenges open over the spread they were sampled with (a receipt from
	// before receipts carried it takes the params in force).
	spread := r.SpreadBlocks
	if spread == 0 {
		spread = cp.SpreadBlocks
	}
	elapsed := uint64(max(sdkCtx.BlockHeight()-r.Height, 0))
	target := r.Count
	if !all && spread > 0 && elapsed < spread {
		target = r.Count * elapsed / spread
	}
	if target <= r.Opened {
		return nil
	}
	seed := types.ChallengeSeed(day, sdkCtx.HeaderHash())
	open := func(id uint64) (bool, error) {
		c, err := k.Challenges.Get(ctx, id)
		if err != nil || c.Status != types.CHALLENGE_STATUS_SCHEDULED {
			return false, err
		}
		op, err := sdk.AccAddressFromBech32(c.Operator)
		if err != nil {
			return false, err
		}
		return true, k.openChallenge(ctx, cp, seed, op, c)
	}
	if target == r.Count { // the rest, in id order
		for id := r.FirstId; id < r.FirstId+r.Count; id++ {
			if _, err := open(id); err != nil {
				return err
			}
		}
		r.Opened = r.Count
		if err := k.OpeningDay.Remove(ctx); err != nil {
			return err
		}
		return k.ChallengeDays.Set(ctx, day, r)
	}
	need := target - r.Opened
	for a := uint64(0); need > 0 && a < 4*need+8; a++ {
		opened, err := open(r.FirstId + types.Draw(seed, r.FirstId, a)%r.Count)
		if err != nil {
			return err
		}
		if opened {
			r.Opened++
			need--
		}
	}
	return k.ChallengeDays.Set(ctx, day, r)
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
