package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/emission/keeper"
	"github.com/aegis-chain/aegis/x/emission/types"
)

// emissionGenesis sets day_seconds and max_days_per_block in the emission genesis.
func emissionGenesis(daySeconds uint64, maxDays uint32) func(codec.JSONCodec, app.GenesisState) {
	return func(cdc codec.JSONCodec, g app.GenesisState) {
		var gs types.GenesisState
		cdc.MustUnmarshalJSON(g[types.ModuleName], &gs)
		gs.Params.DaySeconds, gs.Params.MaxDaysPerBlock = daySeconds, maxDays
		g[types.ModuleName] = cdc.MustMarshalJSON(&gs)
	}
}

func supply(c *testutil.TestChain) math.Int {
	return c.App.BankKeeper.GetSupply(c.Context(), app.BondDenom).Amount
}

// TestSupplyGrowsByIssue drives the whole app with a moving block clock: the bank supply
// grows by exactly Issue(day) for each day, a 10-day halt is caught up 4 days per block,
// and the distributor's account receives everything issued.
func TestSupplyGrowsByIssue(t *testing.T) {
	sched := types.DefaultSchedule()
	c := testutil.NewTestChain(t, 1, emissionGenesis(60, 4))
	genesisSupply := supply(c)

	var issued []uint64
	for i := 0; i < 12; i++ { // 12 blocks 25s apart: days 1..5 end
		before := supply(c)
		res := c.NextBlock(25 * time.Second)
		grown := math.ZeroInt()
		for _, e := range testutil.Events[*types.EventDayIssued](t, res) {
			issued = append(issued, e.Day)
			grown = grown.Add(sched.Issue(e.Day))
		}
		require.Equal(t, before.Add(grown).String(), supply(c).String())
	}
	require.Equal(t, []uint64{1, 2, 3, 4, 5}, issued)

	// A 10-day halt: the next blocks catch up 4, 4, then the remaining days.
	c.NextBlock(10 * 60 * time.Second)
	c.NextBlock(time.Second)
	c.NextBlock(time.Second)
	last, total, err := c.App.EmissionKeeper.Progress(c.Context())
	require.NoError(t, err)
	require.Equal(t, uint64(15), last)
	require.Equal(t, sched.Cumulative(15).String(), total.String())
	require.Equal(t, genesisSupply.Add(total).String(), supply(c).String())

	// The app wires x/por as the distributor: every issued uaegis is in its account.
	emissionBalance := c.App.BankKeeper.GetBalance(c.Context(), authtypes.NewModuleAddress(types.ModuleName), app.BondDenom)
	require.True(t, emissionBalance.IsZero())
	porBalance := c.App.BankKeeper.GetBalance(c.Context(), authtypes.NewModuleAddress("por"), app.BondDenom)
	require.Equal(t, total.String(), porBalance.Amount.String())
}

// TestExportImportResumes exports mid-schedule and checks the imported chain issues the
// next day exactly once: no day re-issued, none skipped.
func TestExportImportResumes(t *testing.T) {
	sched := types.DefaultSchedule()
	c := testutil.NewTestChain(t, 1, emissionGenesis(60, 32))
	for i := 0; i < 7; i++ {
		c.NextBlock(25 * time.Second) // 175s: days 1, 2 issued
	}
	last, _, err := c.App.EmissionKeeper.Progress(c.Context())
	require.NoError(t, err)
	require.Equal(t, uint64(2), last)

	next := c.ExportAndImport()
	var days []uint64
	for i := 0; i < 6; i++ { // to 325s: days 3, 4, 5
		res := next.NextBlock(25 * time.Second)
		for _, e := range testutil.Events[*types.EventDayIssued](t, res) {
			days = append(days, e.Day)
		}
	}
	require.Equal(t, []uint64{3, 4, 5}, days)
	_, total, err := next.App.EmissionKeeper.Progress(next.Context())
	require.NoError(t, err)
	require.Equal(t, sched.Cumulative(5).String(), total.String())
}

func TestQueries(t *testing.T) {
	c := testutil.NewTestChain(t, 1, emissionGenesis(60, 32))
	c.NextBlock(90 * time.Second) // day 1 issued, day 2 in progress
	q := keeper.NewQuerier(c.App.EmissionKeeper)
	ctx := c.Context()

	sched, err := q.Schedule(ctx, &types.QueryScheduleRequest{})
	require.NoError(t, err)
	want := []string{"5161290322580645", "2580645161290322", "1290322580645162", "645161290322580", "322580645161291"}
	require.Len(t, sched.Epochs, 5)
	for i, e := range sched.Epochs {
		require.Equal(t, want[i], e.Total.String(), "epoch %d", i+1)
		require.Equal(t, uint32(i+1), e.Epoch)
		require.Equal(t, uint64(i*1461+1), e.FirstDay)
		require.Equal(t, uint64((i+1)*1461), e.LastDay)
	}
	require.Equal(t, "3532710693073", sched.Epochs[0].DailyAmount.String())
	require.Equal(t, uint64(7305), sched.LastDay)

	st, err := q.Status(ctx, &types.QueryStatusRequest{})
	require.NoError(t, err)
	require.Equal(t, uint64(2), st.CurrentDay)
	require.Equal(t, uint32(1), st.CurrentEpoch)
	require.Equal(t, uint64(1), st.DaysIssued)
	require.Equal(t, "3532710693073", st.TotalIssued.String())
	require.Equal(t, math.NewInt(10_000_000_000_000_000).Sub(st.TotalIssued).String(), st.Remaining.String())
	require.Equal(t, uint64(2), st.NextDay)
	require.Equal(t, testutil.GenesisTime.Add(120*time.Second), st.NextDayEndTime)
	require.Equal(t, types.DefaultSchedule().Issue(2).String(), st.NextDayAmount.String())

	day, err := q.Day(ctx, &types.QueryDayRequest{Day: 1462})
	require.NoError(t, err)
	require.Equal(t, uint32(2), day.Epoch)
	require.Equal(t, types.DefaultSchedule().Cumulative(1462).String(), day.Cumulative.String())

	for _, bad := range []uint64{0, 7306} {
		_, err := q.Day(ctx, &types.QueryDayRequest{Day: bad})
		require.ErrorIs(t, err, types.ErrInvalidDay)
	}
}
