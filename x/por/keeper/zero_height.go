package keeper

import (
	"context"
	gomath "math"

	"cosmossdk.io/collections"

	"github.com/aegis-chain/aegis/x/por/types"
)

// RebaseHeights moves every block height x/por keeps onto the heights of a chain restarted
// from a zero-height export of this one, whose last block is last: the new chain's first
// block (height 1) is the block that would have been last+1, so every height h becomes
// h - last. Challenge windows and the sampling spread are counted in blocks; unrebased, a
// pending challenge's deadline would come back as far ahead as the old chain's height
// (its held reward locked, its pair never sampled again) and the spread would make no
// progress until the new chain reached the old height.
//
// A challenge answered up to deadline_height keeps exactly deadline_height - last blocks.
// Heights already past become 0 or negative ("so many blocks before the new chain"); a
// pending challenge past its deadline (a backlog of misses) is missed in the new chain's
// first blocks, as it would have been in the old one's next. The resolved height of a
// pending challenge is unset and stays 0.
func (k Keeper) RebaseHeights(ctx context.Context, last int64) error {
	ids, err := collectKeys(ctx, k.Challenges.Iterate)
	if err != nil {
		return err
	}
	for _, id := range ids {
		c, err := k.Challenges.Get(ctx, id)
		if err != nil {
			return err
		}
		c.IssuedHeight = rebase(c.IssuedHeight, last)
		c.OpenHeight = rebase(c.OpenHeight, last)
		if !c.AwaitsRoot() { // a compute challenge's deadline height is set by its commit
			c.DeadlineHeight = rebase(c.DeadlineHeight, last)
		}
		if c.Kind == types.CHALLENGE_KIND_COMPUTE && len(c.ComputeRoot) != 0 { // committed, maybe at height 0 already
			c.CommittedHeight = rebase(c.CommittedHeight, last)
		}
		if c.Status != types.CHALLENGE_STATUS_PENDING { // resolved: passed, missed or failed
			c.ResolvedHeight = rebase(c.ResolvedHeight, last)
		}
		if err := k.Challenges.Set(ctx, id, c); err != nil {
			return err
		}
	}

	// The deadline queue as it is (a challenge set aside is off it), keys rebased.
	deadlines, err := collectKeys(ctx, k.ChallengeDeadlines.Iterate)
	if err != nil {
		return err
	}
	for _, key := range deadlines {
		if err := k.ChallengeDeadlines.Remove(ctx, key); err != nil {
			return err
		}
	}
	for _, key := range deadlines {
		if err := k.ChallengeDeadlines.Set(ctx, collections.Join(rebase(key.K1(), last), key.K2())); err != nil {
			return err
		}
	}

	// A day receipt's height is where its spread started: the opening day's progress.
	days, err := collectKeys(ctx, k.ChallengeDays.Iterate)
	if err != nil {
		return err
	}
	for _, day := range days {
		d, err := k.ChallengeDays.Get(ctx, day)
		if err != nil {
			return err
		}
		d.Height = rebase(d.Height, last)
		if err := k.ChallengeDays.Set(ctx, day, d); err != nil {
			return err
		}
	}

	// An unbonding entry's creation height says which challenges it answers for.
	var entries []types.UnbondingEntry
	if err := k.Unbonding.Walk(ctx, nil, func(_ collections.Pair[int64, uint64], e types.UnbondingEntry) (bool, error) {
		entries = append(entries, e)
		return false, nil
	}); err != nil {
		return err
	}
	for _, e := range entries {
		e.CreationHeight = rebase(e.CreationHeight, last)
		if err := k.Unbonding.Set(ctx, unbondingKey(e), e); err != nil {
			return err
		}
	}
	return nil
}

// rebase is h - last, saturating at the lowest int64 (only a hand-made genesis holds
// heights that low).
func rebase(h, last int64) int64 {
	if last > 0 && h < gomath.MinInt64+last {
		return gomath.MinInt64
	}
	return h - last
}

// keyIterator is the iterator of a collection's Iterate.
type keyIterator[K any] interface {
	Keys() ([]K, error) // reads every key and closes the iterator
}

// collectKeys lists a collection's keys, so that it can be written after the iteration.
func collectKeys[K any, I keyIterator[K]](ctx context.Context, iterate func(context.Context, collections.Ranger[K]) (I, error)) ([]K, error) {
	iter, err := iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	return iter.Keys()
}
