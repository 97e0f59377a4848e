package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Each day's reports are logged as (node, role) pairs. From the first block of a later
// day, before its transactions, the logged pairs are sampled progressively: each block of
// the spread draws its share of the day's challenges from its own hash and opens them at
// once, O(share) work whatever the number of nodes, and no pair learns before its
// challenge opens that it will be checked. The log is double-buffered: the day being
// sampled keeps its list while the next day writes the other. See docs/verification.md.

func (k Keeper) reportLog(ctx context.Context) (types.ReportLog, error) {
	l, err := k.ReportLog.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.ReportLog{}, nil
	}
	return l, err
}

// setReportLog stores l, or removes it when it is zero (buffer 0, no day): a zero item
// and no item read the same, and an export → import must give back the same store.
func (k Keeper) setReportLog(ctx context.Context, l types.ReportLog) error {
	if l == (types.ReportLog{}) {
		return k.ReportLog.Remove(ctx)
	}
	return k.ReportLog.Set(ctx, l)
}

// logReport adds a report's pairs to the log of its day. A new day starts its list over in
// the log's buffer (the other one is the day being sampled), overwriting what an older day
// left there; the tail of a longer older day stays in the store, never read again.
func (k Keeper) logReport(ctx context.Context, day uint64, operator string, parts []types.RolePart) error {
	l, err := k.reportLog(ctx)
	if err != nil {
		return err
	}
	if l.Day != day {
		l = types.ReportLog{Day: day, Buffer: l.Buffer}
	}
	for _, p := range parts {
		if err := k.ReportLogEntries.Set(ctx, collections.Join(l.Buffer, l.Count), types.ChallengeTarget{Operator: operator, Role: p.Role}); err != nil {
			return err
		}
		l.Count++
	}
	return k.ReportLog.Set(ctx, l)
}

// BeginBlocker hands the logged day to the sampling once that day is over, then draws this
// block's share of the day being sampled. It runs before the block's transactions, so the
// log holds only that day's reports. A sampling that fails is set aside with an event: it
// never fails the block.
func (k Keeper) BeginBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if err := k.tickClock(ctx, params.Challenge.Compute); err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	day, err := k.sample(cacheCtx, params)
	if err == nil {
		write()
		return nil
	}
	k.Logger(ctx).Error("challenge sampling set aside", "day", day, "err", err)
	if err := k.SamplingDay.Remove(ctx); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengeSetAside{Reason: "sampling day " + math.NewIntFromUint64(day).String() + ": " + err.Error()})
}

// sample starts the sampling of the last logged day once it is over, and draws this
// block's share of the day being sampled; it returns the day it worked on.
func (k Keeper) sample(ctx context.Context, params types.Params) (uint64, error) {
	if !params.Challenge.Enabled() {
		// Turned off: no more draws, even of a day already being sampled (checked first:
		// a block with challenges off writes nothing).
		if has, err := k.SamplingDay.Has(ctx); err != nil || !has {
			return 0, err
		}
		return 0, k.SamplingDay.Remove(ctx)
	}
	l, err := k.reportLog(ctx)
	if err != nil {
		return 0, err
	}
	today, err := k.emission.CurrentDay(ctx)
	if err != nil {
		return 0, err
	}
	if l.Day != 0 && l.Day < today {
		if err := k.startSampling(ctx, params.Challenge, l); err != nil {
			return l.Day, err
		}
	}
	day, err := k.SamplingDay.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) || (err == nil && day == 0) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return day, k.drawDue(ctx, params, day)
}

// startSampling hands logged day l to the sampling: its receipt is written, today's reports
// go to the other buffer, and a day still being sampled ends (its draws not yet made are
// dropped: at most one day is sampled at a time).
func (k Keeper) startSampling(ctx context.Context, cp types.ChallengeParams, l types.ReportLog) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	seed := types.ChallengeSeed(l.Day, sdkCtx.HeaderHash())
	r := types.ChallengeDay{
		Day: l.Day, Seed: seed, Candidates: l.Count, Height: sdkCtx.BlockHeight(), SpreadBlocks: cp.SpreadBlocks,
		Buffer: l.Buffer, Target: min(uint64(cp.ChallengesPerDay), l.Count),
	}
	if err := k.ChallengeDays.Set(ctx, l.Day, r); err != nil {
		return err
	}
	if err := k.SamplingDay.Set(ctx, l.Day); err != nil {
		return err
	}
	if err := k.setReportLog(ctx, types.ReportLog{Buffer: 1 - l.Buffer}); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventChallengesSampled{
		Day: l.Day, Seed: seed, Candidates: l.Count, Count: r.Target,
	})
}

// drawDue issues the share of day's challenges due by this block: target × elapsed /
// spread_blocks in all (everything left once the spread is over), each pair drawn from
// this block's hash and challenged at once. A draw of a pair that cannot be challenged
// (already challenged, role given up, report replaced) is drawn again, up to 8 × share +
// 32 draws a block; a share left short is drawn by the next block. The work is bounded by the
// block's share, never by the nodes.
func (k Keeper) drawDue(ctx context.Context, params types.Params, day uint64) error {
	r, err := k.ChallengeDays.Get(ctx, day)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	elapsed := uint64(max(sdkCtx.BlockHeight()-r.Height, 0)) + 1 // the first block draws its share too
	due := r.Target
	if r.SpreadBlocks > 0 && elapsed < r.SpreadBlocks {
		due = r.Target * elapsed / r.SpreadBlocks // target <= 10^5, elapsed < 10^6: no overflow
	}
	if due > r.Count && r.Candidates > 0 {
		last, err := k.lastTick(ctx)
		if err != nil {
			return err
		}
		seed := types.ChallengeSeed(day, sdkCtx.HeaderHash())
		need := min(due-r.Count, types.MaxDrawsPerBlock) // a share left short is caught up a bounded amount a block
		for a, limit := uint64(0), 8*need+32; need > 0 && a < limit; a++ {
			i := types.Draw(seed, day, r.Drawn) % r.Candidates
			r.Drawn++
			t, err := k.ReportLogEntries.Get(ctx, collections.Join(r.Buffer, i))
			if err != nil {
				return err
			}
			id, err := k.issueChallenge(ctx, params, seed, day, last, t)
			if err != nil {
				return err
			}
			if id == 0 {
				continue
			}
			if r.Count == 0 {
				r.FirstId = id
			}
			r.Count++
			r.Opened++
			need--
		}
	}
	if r.Count >= r.Target {
		if err := k.SamplingDay.Remove(ctx); err != nil {
			return err
		}
	}
	return k.ChallengeDays.Set(ctx, day, r)
}

// nextChallengeID returns a fresh id; ids start at 1 (0 means none).
func (k Keeper) nextChallengeID(ctx context.Context) (uint64, error) {
	id, err := k.NextChallengeID.Next(ctx)
	if err == nil && id == 0 {
		id, err = k.NextChallengeID.Next(ctx)
	}
	return id, err
}

// issueChallenge challenges the standing report of t, logged on day (that report or a
// later one), and opens the challenge at once, unless the pair no longer reports (the role
// was given up, its report forfeited) or already has a challenge pending: then it
// returns 0. What the report has earned so far, and earns until the
// challenge resolves, is held.
func (k Keeper) issueChallenge(ctx context.Context, params types.Params, seed []byte, day, last uint64, t types.ChallengeTarget) (uint64, error) {
	cp := params.Challenge
	op, err := sdk.AccAddressFromBech32(t.Operator)
	if err != nil {
		return 0, nil
	}
	nr, err := k.getPair(ctx, nodeRoleKey(op, t.Role))
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	// The pair's standing report is checked: the logged day's, or the one that replaced it
	// since (a pair reporting early each day must not dodge its checks that way).
	if !nr.Active || nr.FromDay < day || !nr.Eff.IsPositive() || nr.ChallengeId != 0 {
		return 0, nil
	}
	day = nr.FromDay
	if err := k.settle(ctx, &nr, last); err != nil {
		return 0, err
	}
	// What the report made claimable so far is held; its vesting part keeps vesting (a
	// failed storage proof forfeits it; a missed liveness challenge forfeits its tranches).
	earned, _, err := nr.Current().Earn(nr.Role, 0, last, k.days(ctx))
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
		Status: types.CHALLENGE_STATUS_PENDING, IssuedHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
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
	// A pair that declared compute in a role that pays for it proves it: always without a
	// dataset, every other challenge with one (by the challenge value: the pair cannot
	// tell which it will get).
	if provesCompute(params, nr) && (c.Kind != types.CHALLENGE_KIND_STORAGE || types.ChallengeValue(seed, id)[0]&1 == 0) {
		c.Kind, c.Dataset, c.Storage = types.CHALLENGE_KIND_COMPUTE, types.Dataset{}, types.StorageProofParams{}
		c.Compute, c.Tiles = cp.Compute, cp.Compute.Tiles(nr.Resources.Compute)
		c.AnswerWindowBlocks = cp.AnswerWindowBlocks // the reveal's window, from the commit
	}
	nr.ChallengeId, nr.ChallengeDay = id, day
	if err := k.setPair(ctx, nodeRoleKey(op, t.Role), nr); err != nil {
		return 0, err
	}
	return id, k.openChallenge(ctx, cp, seed, op, c)
}

// openChallenge opens a challenge in this block: its answer window starts, and a storage
// challenge's value is drawn from seed (this block's).
func (k Keeper) openChallenge(ctx context.Context, cp types.ChallengeParams, seed []byte, op sdk.AccAddress, c types.Challenge) error {
	// A challenge opens with the window and leaf count it was sampled with (a state from
	// before challenges carried them takes the params in force, which are always valid).
	window := c.AnswerWindowBlocks
	if window == 0 {
		window = cp.AnswerWindowBlocks
	}
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	c.Status, c.OpenHeight, c.DeadlineHeight = types.CHALLENGE_STATUS_PENDING, h, h+int64(window)
	switch c.Kind {
	case types.CHALLENGE_KIND_STORAGE:
		c.Value = types.ChallengeValue(seed, c.Id)
	case types.CHALLENGE_KIND_COMPUTE:
		// The root is due on the chain clock; the height deadline is the reveal's, set by
		// the commit.
		clock, err := k.chainClock(ctx)
		if err != nil {
			return err
		}
		c.Value, c.DeadlineHeight = types.ChallengeValue(seed, c.Id), 0
		c.CommitDeadlineMs = clock.ElapsedMs + int64(c.Compute.CommitSeconds)*1000
	}
	if err := k.putChallenge(ctx, op, c); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChallengeIssued{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Day: c.Day, Kind: c.Kind, DeadlineHeight: c.DeadlineHeight, Value: c.Value, Labels: c.Dataset.Labels,
		Tiles: c.Tiles, CommitDeadlineMs: c.CommitDeadlineMs,
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
	if c.AwaitsRoot() {
		return k.ComputeDeadlines.Set(ctx, collections.Join(c.CommitDeadlineMs, c.Id))
	}
	return k.ChallengeDeadlines.Set(ctx, collections.Join(c.DeadlineHeight, c.Id))
}
