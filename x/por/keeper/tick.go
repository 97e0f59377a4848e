package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/por/types"
)

var _ emissiontypes.DayDistributor = Keeper{}

// DistributeDay is the daily tick (spec section 4). x/emission has already moved the day's
// issuance into the por module account. It runs for every day, also when amount is 0 (a
// zero day, or any day after the schedule's last): reserves keep releasing and the
// reports keep counting. The cost is O(roles): each role applies the delta
// due today to its running sums, splits its pool between the active slots and the reserve,
// and raises its reward index; nodes are settled lazily against the recorded index.
func (k Keeper) DistributeDay(ctx context.Context, day uint64, amount math.Int) error {
	last, err := k.lastTick(ctx)
	if err != nil {
		return err
	}
	if day != last+1 {
		// Unreachable from a valid genesis: x/emission hands over every day, in order, and
		// the genesis check makes its last_day_issued equal last_tick_day.
		return fmt.Errorf("x/por: tick for day %d out of order: last tick was day %d (x/emission's last_day_issued must equal x/por's last_tick_day)", day, last)
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	carry, err := k.carry(ctx)
	if err != nil {
		return err
	}

	avail := amount.Add(carry)
	pools, rest := splitByAllocation(avail, params)
	events := sdk.UnwrapSDKContext(ctx).EventManager()
	// While challenges are on, the day's rewards vest (spec section 8); the tick records
	// for how long, so a later change of params never reshapes a day already paid.
	var vestDays uint32
	if params.Challenge.Enabled() {
		vestDays = params.Challenge.VestingDays
	}
	for i, rp := range params.Roles {
		rd, err := k.tickRole(ctx, rp, day, pools[i], vestDays)
		if err != nil {
			return err
		}
		if err := events.EmitTypedEvent(&types.EventRoleDay{
			Role: rd.Role, Day: day, Pool: rd.Pool, Active: rd.Active, Release: rd.Release, Share: rd.Share,
			Distributed: rd.Distributed, Reserve: rd.Reserve, TotalEff: rd.TotalEff,
		}); err != nil {
			return err
		}
	}
	if err := k.Carry.Set(ctx, rest); err != nil {
		return err
	}
	if err := k.DayTicks.Set(ctx, day, types.DayTick{Day: day, Amount: amount, Carry: rest}); err != nil {
		return err
	}
	return k.LastTickDay.Set(ctx, day)
}

// splitByAllocation is pool_r = floor(avail * alloc_r / 10000) for each role in order,
// and what is left (at most one uaegis per role).
func splitByAllocation(avail math.Int, params types.Params) ([]math.Int, math.Int) {
	pools := make([]math.Int, len(params.Roles))
	rest := avail
	for i, rp := range params.Roles {
		pools[i] = avail.MulRaw(int64(rp.AllocBps)).QuoRaw(types.TotalBps)
		rest = rest.Sub(pools[i])
	}
	return pools, rest
}

// tickRole runs one role's tick and records it:
//
//	a = min(active, slot_cap)
//	if a > hw: release = floor(reserve * (a - hw) / (slot_cap - hw)); reserve -= release; hw = a
//	share = floor(pool * a / slot_cap); reserve += pool - share
//	index += (share + release + forfeited) / total_eff
func (k Keeper) tickRole(ctx context.Context, rp types.RoleParams, day uint64, pool math.Int, vestDays uint32) (types.RoleDay, error) {
	rs, err := k.RoleStates.Get(ctx, int32(rp.Role))
	if err != nil {
		return types.RoleDay{}, err
	}
	key := roleDayKey(rp.Role, day)
	switch delta, err := k.Deltas.Get(ctx, key); {
	case err == nil:
		rs.EffSum = rs.EffSum.Add(delta.Eff)
		rs.Count = uint64(int64(rs.Count) + delta.Count)
		if err := k.Deltas.Remove(ctx, key); err != nil {
			return types.RoleDay{}, err
		}
	case !errors.Is(err, collections.ErrNotFound):
		return types.RoleDay{}, err
	}

	active := min(rs.Count, rp.SlotCap)
	release := math.ZeroInt()
	if active > rs.HighWater {
		release = rs.Reserve.Mul(math.NewIntFromUint64(active - rs.HighWater)).Quo(math.NewIntFromUint64(rp.SlotCap - rs.HighWater))
		rs.Reserve = rs.Reserve.Sub(release)
		rs.HighWater = active
	}
	share := pool.Mul(math.NewIntFromUint64(active)).Quo(math.NewIntFromUint64(rp.SlotCap))
	rs.Reserve = rs.Reserve.Add(pool.Sub(share))
	// What missed challenges took back is paid to the role's nodes at this tick.
	forfeited := types.IntOrZero(rs.Forfeited)
	rs.Forfeited = math.ZeroInt()
	dist := share.Add(release).Add(forfeited)
	if active == 0 || !rs.EffSum.IsPositive() {
		// Nobody to pay: whatever would be distributed stays in the reserve.
		rs.Reserve, dist = rs.Reserve.Add(dist), math.ZeroInt()
	} else {
		rs.Index = rs.Index.Add(math.LegacyNewDecFromInt(dist).QuoTruncate(rs.EffSum))
	}
	if err := k.RoleStates.Set(ctx, int32(rp.Role), rs); err != nil {
		return types.RoleDay{}, err
	}
	rd := types.RoleDay{
		Role: rp.Role, Day: day, Pool: pool, Active: active, Release: release, Share: share,
		Distributed: dist, Reserve: rs.Reserve, HighWater: rs.HighWater, TotalEff: rs.EffSum, Index: rs.Index,
		Forfeited: forfeited, VestDays: vestDays,
	}
	return rd, k.RoleDays.Set(ctx, key, rd)
}

// addToReserves splits tokens already in the por module account across the role
// reserves by allocation; the rounding remainder joins the carry.
func (k Keeper) addToReserves(ctx context.Context, amount math.Int) error {
	if !amount.IsPositive() {
		return nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	parts, rest := splitByAllocation(amount, params)
	for i, rp := range params.Roles {
		rs, err := k.RoleStates.Get(ctx, int32(rp.Role))
		if err != nil {
			return err
		}
		rs.Reserve = rs.Reserve.Add(parts[i])
		if err := k.RoleStates.Set(ctx, int32(rp.Role), rs); err != nil {
			return err
		}
	}
	carry, err := k.carry(ctx)
	if err != nil {
		return err
	}
	return k.Carry.Set(ctx, carry.Add(rest))
}

// AddToReserves takes tokens from a module account into the por reserves, split by
// allocation. x/license releases the backing of liquidated licenses through it.
func (k Keeper) AddToReserves(ctx context.Context, fromModule string, amount math.Int) error {
	if !amount.IsPositive() {
		return nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	coins := sdk.NewCoins(sdk.NewCoin(params.StakeDenom, amount))
	if err := k.bank.SendCoinsFromModuleToModule(ctx, fromModule, types.ModuleName, coins); err != nil {
		return err
	}
	return k.addToReserves(ctx, amount)
}
