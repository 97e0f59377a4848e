package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/por/types"
)

// A report's eff counts at the ticks of a segment of days [from, to]. Instead of visiting
// nodes at a tick, each segment schedules two deltas on its role: +eff at from and -eff
// at to+1. A tick applies the delta due that day to the role's running sums: O(1).

// addDelta adds (eff, count) to the delta due at the start of the tick of day.
func (k Keeper) addDelta(ctx context.Context, r types.NodeRole, day uint64, eff math.LegacyDec, count int64) error {
	key := roleDayKey(r, day)
	d, err := k.Deltas.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		d = types.RoleDelta{Eff: math.LegacyZeroDec()}
	} else if err != nil {
		return err
	}
	d.Eff, d.Count = d.Eff.Add(eff), d.Count+count
	if d.Eff.IsZero() && d.Count == 0 {
		return k.Deltas.Remove(ctx, key)
	}
	return k.Deltas.Set(ctx, key, d)
}

// dayDeltas are the deltas one change schedules on a role, merged by day: a report that
// replaces another ends the old one and starts the new one on the same day, and that
// day's delta is then read and written once, not twice (a quarter of a report's store
// work). Applying them in any order gives the same deltas as adding each alone.
type dayDeltas []dayDelta

type dayDelta struct {
	day   uint64
	eff   math.LegacyDec
	count int64
}

func (b *dayDeltas) add(day uint64, eff math.LegacyDec, count int64) {
	for i := range *b {
		if d := &(*b)[i]; d.day == day {
			d.eff, d.count = d.eff.Add(eff), d.count+count
			return
		}
	}
	*b = append(*b, dayDelta{day, eff, count})
}

// applyDeltas adds b's deltas to role r's, in b's order; those that cancel out are skipped.
func (k Keeper) applyDeltas(ctx context.Context, r types.NodeRole, b dayDeltas) error {
	for _, d := range b {
		if d.eff.IsZero() && d.count == 0 {
			continue
		}
		if err := k.addDelta(ctx, r, d.day, d.eff, d.count); err != nil {
			return err
		}
	}
	return nil
}

// startDeltas makes seg count at its ticks. Only segments with eff > 0 count: a node is
// active at a tick only with a positive eff.
func startDeltas(b *dayDeltas, seg types.Segment) {
	if !seg.Counts() {
		return
	}
	b.add(seg.FromDay, seg.Eff, 1)
	b.add(seg.ToDay+1, seg.Eff.Neg(), -1)
}

// endDeltas makes seg stop counting after the tick of newTo (never earlier than its
// start, so a segment not started yet is removed whole) and returns the shortened segment.
// newTo must be at least the last tick: ticks already run cannot change.
func endDeltas(b *dayDeltas, seg types.Segment, newTo uint64) types.Segment {
	if !seg.Counts() || newTo >= seg.ToDay {
		return seg
	}
	newTo = max(newTo, seg.FromDay-1)
	b.add(seg.ToDay+1, seg.Eff, 1)
	b.add(newTo+1, seg.Eff.Neg(), -1)
	seg.ToDay = newTo
	if newTo < seg.FromDay {
		return types.Segment{Eff: math.LegacyZeroDec()}
	}
	return seg
}

// startSegment is startDeltas applied at once.
func (k Keeper) startSegment(ctx context.Context, r types.NodeRole, seg types.Segment) error {
	var b dayDeltas
	startDeltas(&b, seg)
	return k.applyDeltas(ctx, r, b)
}

// endSegment is endDeltas applied at once.
func (k Keeper) endSegment(ctx context.Context, r types.NodeRole, seg types.Segment, newTo uint64) (types.Segment, error) {
	var b dayDeltas
	seg = endDeltas(&b, seg, newTo)
	return seg, k.applyDeltas(ctx, r, b)
}

// dayAt is a role's recorded tick of day (a zero index before any).
func (k Keeper) dayAt(ctx context.Context, r types.NodeRole, day uint64) (types.DayPoint, error) {
	if day == 0 {
		return types.DayPoint{Index: math.LegacyZeroDec()}, nil
	}
	rd, err := k.RoleDays.Get(ctx, roleDayKey(r, day))
	if errors.Is(err, collections.ErrNotFound) {
		return types.DayPoint{Index: math.LegacyZeroDec()}, nil
	}
	return types.DayPoint{Index: rd.Index, VestDays: rd.VestDays}, err
}

// days reads the recorded ticks of the store.
func (k Keeper) days(ctx context.Context) types.DayAt {
	return func(r types.NodeRole, day uint64) (types.DayPoint, error) { return k.dayAt(ctx, r, day) }
}

// settle moves everything nr earned up to lastTick into nr.Accrued (and its vesting).
func (k Keeper) settle(ctx context.Context, nr *types.Pair, lastTick uint64) error {
	return nr.Settle(lastTick, k.days(ctx))
}

// stopCounting settles nr and ends all its counting after lastTick: the node no longer
// holds the slot at later ticks.
func (k Keeper) stopCounting(ctx context.Context, nr *types.Pair, lastTick uint64) error {
	if err := k.settle(ctx, nr, lastTick); err != nil {
		return err
	}
	var err error
	if nr.Prev, err = k.endSegment(ctx, nr.Role, nr.Prev, lastTick); err != nil {
		return err
	}
	cur, err := k.endSegment(ctx, nr.Role, currentSegment(*nr), lastTick)
	if err != nil {
		return err
	}
	nr.FromDay, nr.ToDay = cur.FromDay, cur.ToDay
	return nil
}

func currentSegment(nr types.Pair) types.Segment { return nr.Current() }

// newNodeRole is a node's fresh state in a role, with nothing pending.
func newNodeRole(op string, r types.NodeRole) types.Pair {
	zero := math.LegacyZeroDec()
	return types.Pair{
		NodeRoleState: types.NodeRoleState{
			Operator: op, Role: r, Active: true, Raw: zero, Capped: zero, Eff: zero, Accrued: zero,
		},
		NodeRolePending: types.NoPending(),
	}
}
