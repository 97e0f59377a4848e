package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissionkeeper "github.com/aegis-chain/aegis/x/emission/keeper"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// shortDay is the day length of the short-schedule chains.
const shortDay = 10 * time.Second

// shortScheduleChain is a chain whose schedule issues total over 5 epochs of 3 days (15
// days), with 10-second days.
func shortScheduleChain(t *testing.T, total int64) *testutil.TestChain {
	return testutil.NewTestChain(t, 3, func(cdc codec.JSONCodec, g app.GenesisState) {
		var em emissiontypes.GenesisState
		cdc.MustUnmarshalJSON(g[emissiontypes.ModuleName], &em)
		em.Params.Total, em.Params.EpochDays, em.Params.DaySeconds = math.NewInt(total), 3, uint64(shortDay/time.Second)
		g[emissiontypes.ModuleName] = cdc.MustMarshalJSON(&em)
	})
}

// dayChain drives a short-schedule chain day by day.
type dayChain struct {
	t *testing.T
	c *testutil.TestChain
}

func (d dayChain) register(acc testutil.Account) {
	res := d.c.DeliverMsgs(time.Second, acc, &types.MsgRegisterNode{
		Operator: acc.Address.String(), Moniker: "n", Roles: []types.NodeRole{types.NODE_ROLE_WORKER},
		Stake: sdk.NewCoin(app.BondDenom, types.DefaultMinStake),
	})
	require.Zero(d.t, res.Code, res.Log)
}

// report submits a full Worker report (eff 300); it must be accepted.
func (d dayChain) report(acc testutil.Account, day uint64) {
	res := d.c.DeliverMsgs(time.Second, acc, &types.MsgSubmitReport{
		Operator: acc.Address.String(), Totals: types.Resources{Compute: 150, Storage: 100, Bandwidth: 80},
		Parts: []types.RolePart{{Role: types.NODE_ROLE_WORKER, Resources: types.Resources{Compute: 150, Storage: 100, Bandwidth: 80}}},
	})
	require.Zero(d.t, res.Code, "day %d report refused: %s", day, res.Log)
}

// endDay moves to the end of day and returns the days x/emission issued in that block.
func (d dayChain) endDay(day uint64) []*emissiontypes.EventDayIssued {
	res := d.c.NextBlock(testutil.GenesisTime.Add(time.Duration(day) * shortDay).Sub(d.c.Time))
	require.NoError(d.t, d.c.App.CheckInvariants(d.c.Context()), "after day %d", day)
	return testutil.Events[*emissiontypes.EventDayIssued](d.t, res)
}

// requireEveryDayTicked checks that x/por recorded a tick for each of days 1..last.
func (d dayChain) requireEveryDayTicked(last uint64) {
	ctx := d.c.Context()
	for day := uint64(1); day <= last; day++ {
		_, err := d.c.App.PorKeeper.DayTicks.Get(ctx, day)
		require.NoError(d.t, err, "day %d was not ticked", day)
	}
	tick, err := d.c.App.PorKeeper.LastTickDay.Get(ctx)
	require.NoError(d.t, err)
	require.Equal(d.t, last, tick)
}

// TestZeroDaysTick: a schedule whose days mostly issue 0 uaegis (a test network's small
// total) ticks x/por on every day, and a node reporting every day is never refused
// (issue #10, item 1: the tick after a zero day used to fail "out of order" and halt).
func TestZeroDaysTick(t *testing.T) {
	c := shortScheduleChain(t, 10)
	d := dayChain{t, c}
	node := c.Accounts[0]
	d.register(node)
	sched := emissiontypes.Schedule{Total: math.NewInt(10), Epochs: 5, EpochDays: 3}
	zero := 0
	for day := uint64(1); day <= 20; day++ {
		d.report(node, day)
		events := d.endDay(day)
		require.Len(t, events, 1, "day %d", day)
		require.Equal(t, sched.Issue(day).String(), events[0].Amount.String())
		if events[0].Amount.IsZero() {
			zero++
		}
	}
	require.Greater(t, zero, 10)
	d.requireEveryDayTicked(20)
	_, total, err := c.App.EmissionKeeper.Progress(c.Context())
	require.NoError(t, err)
	require.Equal(t, "10", total.String())
}

// TestScheduleEndAndBeyond runs a 15-day schedule to its end and 10 days past it: every
// day ticks (issuing 0 after day 15), a node reporting every day is never refused, and a
// node that joins after the end earns from the Worker reserve, and can claim it (issue
// #10, item 2).
func TestScheduleEndAndBeyond(t *testing.T) {
	const total = 1_000_000_000_000 // 1M AEGIS
	c := shortScheduleChain(t, total)
	d := dayChain{t, c}
	early, late := c.Accounts[0], c.Accounts[1]
	d.register(early)
	var issued []uint64
	for day := uint64(1); day <= 25; day++ {
		d.report(early, day)
		if day == 17 {
			d.register(late)
		}
		if day >= 17 {
			d.report(late, day)
		}
		for _, e := range d.endDay(day) {
			issued = append(issued, e.Day)
			if e.Day > 15 {
				require.True(t, e.Amount.IsZero(), "day %d after the schedule issues 0", e.Day)
			}
		}
	}
	want := make([]uint64, 25)
	for i := range want {
		want[i] = uint64(i + 1)
	}
	require.Equal(t, want, issued, "every day issued and ticked once, in order")
	d.requireEveryDayTicked(25)

	ctx := c.Context()
	_, totalIssued, err := c.App.EmissionKeeper.Progress(ctx)
	require.NoError(t, err)
	require.Equal(t, math.NewInt(total).String(), totalIssued.String(), "nothing minted after the schedule")

	// The status query shows the days going on: day 26 in progress and next, issuing 0.
	st, err := emissionkeeper.NewQuerier(c.App.EmissionKeeper).Status(ctx, &emissiontypes.QueryStatusRequest{})
	require.NoError(t, err)
	require.Equal(t, uint64(25), st.DaysIssued)
	require.Equal(t, uint64(26), st.NextDay)
	require.Equal(t, uint64(26), st.CurrentDay)
	require.True(t, st.NextDayAmount.IsZero())
	require.True(t, st.Remaining.IsZero())

	// Day 17: the late node raises the active count above the high-water mark, so the
	// reserve releases, although the day issues nothing.
	got, err := keeper.NewQuerier(c.App.PorKeeper).RoleDay(ctx, &types.QueryRoleDayRequest{Role: types.NODE_ROLE_WORKER, Day: 17})
	require.NoError(t, err)
	rd := got.RoleDay
	require.True(t, rd.Pool.IsZero(), "day 17 issues nothing")
	require.Equal(t, uint64(2), rd.Active)
	require.True(t, rd.Release.IsPositive(), "the reserve releases for the new slot")
	require.Equal(t, rd.Release.String(), rd.Distributed.String())

	_, pending, err := c.App.PorKeeper.PendingRewards(ctx, late.Address)
	require.NoError(t, err)
	require.True(t, pending.IsPositive(), "the late node earns from the reserve")
	before := c.App.BankKeeper.GetBalance(ctx, late.Address, app.BondDenom)
	res := c.DeliverMsgs(time.Second, late, &types.MsgClaimRewards{Operator: late.Address.String()})
	require.Zero(t, res.Code, res.Log)
	after := c.App.BankKeeper.GetBalance(c.Context(), late.Address, app.BondDenom)
	require.Equal(t, before.Amount.Add(pending).String(), after.Amount.String())
	require.NoError(t, c.App.CheckInvariants(c.Context()))
}
