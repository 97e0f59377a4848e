package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Liabilities are what the por account owes: unclaimed rewards (settled plus lazily
// pending plus held under a challenge, floored per node-role), the role reserves (with
// what missed challenges forfeited to the next tick) and the carry.
type Liabilities struct {
	Rewards, Reserves, Carry, Total math.Int
	// Pairs is the number of (node, role) states: the dust bound of the spec.
	Pairs int
	// Minimum is what the por account must at least hold: the rewards' exact sum rounded
	// up (the floored rewards' dust becomes claimable as rewards grow), reserves, carry.
	Minimum math.Int
}

// RewardLiabilities walks every node-role. It is for invariants and tests, never for
// the state machine.
func RewardLiabilities(ctx context.Context, k Keeper) (Liabilities, error) {
	l := Liabilities{Rewards: math.ZeroInt(), Reserves: math.ZeroInt()}
	exact := math.LegacyZeroDec()
	last, err := k.lastTick(ctx)
	if err != nil {
		return l, err
	}
	flagged := 0
	err = k.NodeRoles.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, int32], ns types.NodeRoleState) (bool, error) {
		nr, err := k.withPending(ctx, key, ns) // fails on has_pending without an entry
		if err != nil {
			return true, err
		}
		if ns.HasPending {
			flagged++
		}
		if err := k.settle(ctx, &nr, last); err != nil {
			return true, err
		}
		l.Rewards = l.Rewards.Add(nr.Owed().TruncateInt())
		exact = exact.Add(nr.Owed())
		l.Pairs++
		return false, nil
	})
	if err != nil {
		return l, err
	}
	// ... and every entry is flagged: an unflagged one would never be read.
	entries := 0
	if err := k.NodeRolePendings.Walk(ctx, nil, func(collections.Pair[sdk.AccAddress, int32], types.NodeRolePending) (bool, error) {
		entries++
		return false, nil
	}); err != nil {
		return l, err
	}
	if entries != flagged {
		return l, fmt.Errorf("%d pending entries but %d pairs with has_pending", entries, flagged)
	}
	err = k.RoleStates.Walk(ctx, nil, func(_ int32, rs types.RoleState) (bool, error) {
		l.Reserves = l.Reserves.Add(rs.Reserve).Add(types.IntOrZero(rs.Forfeited))
		return false, nil
	})
	if err != nil {
		return l, err
	}
	if l.Carry, err = k.carry(ctx); err != nil {
		return l, err
	}
	l.Total = l.Rewards.Add(l.Reserves).Add(l.Carry)
	l.Minimum = exact.Ceil().TruncateInt().Add(l.Reserves).Add(l.Carry)
	return l, nil
}

// StakeLiabilities is the escrowed stake of every node plus every unbonding entry, queued
// or set aside: what the por_stake account must hold.
func StakeLiabilities(ctx context.Context, k Keeper) (math.Int, error) {
	sum := math.ZeroInt()
	if err := k.Nodes.Walk(ctx, nil, func(_ sdk.AccAddress, n types.Node) (bool, error) {
		sum = sum.Add(n.Stake)
		return false, nil
	}); err != nil {
		return sum, err
	}
	if err := k.Unbonding.Walk(ctx, nil, func(_ collections.Pair[int64, uint64], e types.UnbondingEntry) (bool, error) {
		sum = sum.Add(e.Amount)
		return false, nil
	}); err != nil {
		return sum, err
	}
	err := k.SetAside.Walk(ctx, nil, func(_ uint64, e types.UnbondingEntry) (bool, error) {
		sum = sum.Add(e.Amount)
		return false, nil
	})
	return sum, err
}

// RewardInvariant checks that no node-role is owed a negative amount and that the
// accumulators are non-negative.
func RewardInvariant(k Keeper) func(sdk.Context) (string, bool) {
	return func(ctx sdk.Context) (string, bool) {
		var msg string
		_ = k.RoleStates.Walk(ctx, nil, func(_ int32, rs types.RoleState) (bool, error) {
			if rs.Reserve.IsNegative() || rs.EffSum.IsNegative() || rs.Index.IsNegative() {
				msg = fmt.Sprintf("%s: negative accumulator %+v", rs.Role.Short(), rs)
			}
			return msg != "", nil
		})
		return msg, msg != ""
	}
}

// SlotInvariant checks slots_held <= slot_cap, that slots_held matches the slot index,
// and that the active count never exceeds the slots held.
func SlotInvariant(k Keeper) func(sdk.Context) (string, bool) {
	return func(ctx sdk.Context) (string, bool) {
		params, err := k.Params.Get(ctx)
		if err != nil {
			return err.Error(), true
		}
		for _, rp := range params.Roles {
			rs, err := k.RoleStates.Get(ctx, int32(rp.Role))
			if err != nil {
				return err.Error(), true
			}
			var n uint64
			rng := collections.NewPrefixedPairRange[int32, sdk.AccAddress](int32(rp.Role))
			_ = k.RoleSlots.Walk(ctx, rng, func(collections.Pair[int32, sdk.AccAddress]) (bool, error) {
				n++
				return false, nil
			})
			if rs.SlotsHeld > rp.SlotCap || n != rs.SlotsHeld || rs.Count > rs.SlotsHeld+countLapsing(ctx, k, rp.Role) {
				return fmt.Sprintf("%s: slots_held %d, indexed %d, cap %d, count %d", rp.Role.Short(), rs.SlotsHeld, n, rp.SlotCap, rs.Count), true
			}
		}
		return "", false
	}
}

// countLapsing is how many counted reports are still in the running count although
// they are scheduled to stop: none once the next tick applies its delta, so the slack is
// the negative count due at the next tick.
func countLapsing(ctx context.Context, k Keeper, r types.NodeRole) uint64 {
	last, _ := k.lastTick(ctx)
	d, err := k.Deltas.Get(ctx, roleDayKey(r, last+1))
	if err != nil || d.Count >= 0 {
		return 0
	}
	return uint64(-d.Count)
}
