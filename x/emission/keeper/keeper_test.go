package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/x/emission/keeper"
	"github.com/aegis-chain/aegis/x/emission/types"
)

// fakeBank records mints and module transfers.
type fakeBank struct {
	minted   math.Int
	balances map[string]math.Int
}

func (b *fakeBank) MintCoins(_ context.Context, module string, amt sdk.Coins) error {
	b.minted = b.minted.Add(amt.AmountOf(types.DefaultDenom))
	b.balances[module] = b.balances[module].Add(amt.AmountOf(types.DefaultDenom))
	return nil
}

func (b *fakeBank) SendCoinsFromModuleToModule(_ context.Context, from, to string, amt sdk.Coins) error {
	a := amt.AmountOf(types.DefaultDenom)
	if b.balances[from].LT(a) {
		return sdkerrors.ErrInsufficientFunds
	}
	b.balances[from] = b.balances[from].Sub(a)
	b.balances[to] = b.balances[to].Add(a)
	return nil
}

type fakeAccounts struct{}

func (fakeAccounts) GetModuleAddress(name string) sdk.AccAddress {
	return authtypes.NewModuleAddress(name)
}

// recordingDistributor remembers every day it was handed.
type recordingDistributor struct {
	days    []uint64
	amounts []math.Int
}

func (d *recordingDistributor) DistributeDay(_ context.Context, day uint64, amount math.Int) error {
	d.days = append(d.days, day)
	d.amounts = append(d.amounts, amount)
	return nil
}

type fixture struct {
	ctx    sdk.Context
	keeper keeper.Keeper
	bank   *fakeBank
	dist   *recordingDistributor
	params types.Params
}

var genesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newFixture runs InitGenesis at genesisTime with day_seconds 100 and the given cap.
func newFixture(t testing.TB, maxDays uint32, withDistributor bool) *fixture {
	t.Helper()
	return newFixtureWith(t, maxDays, withDistributor, nil)
}

// newFixtureWith is newFixture with a last change to the genesis.
func newFixtureWith(t testing.TB, maxDays uint32, withDistributor bool, mutate func(*types.GenesisState)) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient"))
	ctx := tctx.Ctx.WithBlockTime(genesisTime)
	enc := moduletestutil.MakeTestEncodingConfig()
	bank := &fakeBank{minted: math.ZeroInt(), balances: map[string]math.Int{types.ModuleName: math.ZeroInt(), "por": math.ZeroInt()}}
	k := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(key), fakeAccounts{}, bank)
	f := &fixture{ctx: ctx, bank: bank}
	if withDistributor {
		f.dist = &recordingDistributor{}
		k.SetDayDistributor("por", f.dist)
	}
	f.keeper = k

	gs := types.DefaultGenesis()
	gs.Params.DaySeconds = 100
	gs.Params.MaxDaysPerBlock = maxDays
	if mutate != nil {
		mutate(gs)
	}
	require.NoError(t, k.InitGenesis(ctx, *gs))
	var err error
	f.params, err = k.Params.Get(ctx)
	require.NoError(t, err)
	return f
}

// blockAt runs the EndBlocker with the block time at genesis + offset.
func (f *fixture) blockAt(t testing.TB, offset time.Duration) []types.EventDayIssued {
	t.Helper()
	ctx := f.ctx.WithBlockTime(genesisTime.Add(offset)).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.keeper.EndBlocker(ctx))
	var out []types.EventDayIssued
	for _, ev := range ctx.EventManager().Events() {
		msg, err := sdk.ParseTypedEvent(abciEvent(ev))
		require.NoError(t, err)
		if e, ok := msg.(*types.EventDayIssued); ok {
			out = append(out, *e)
		}
	}
	return out
}

func (f *fixture) progress(t testing.TB) (uint64, math.Int) {
	t.Helper()
	day, total, err := f.keeper.Progress(f.ctx)
	require.NoError(t, err)
	return day, total
}

func TestInitGenesisResolvesStartTime(t *testing.T) {
	f := newFixture(t, 32, false)
	require.Equal(t, genesisTime, f.params.StartTime)
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, genesisTime, exported.Params.StartTime, "export carries the resolved start")
}

func TestEndBlockerIssuesEachDayOnce(t *testing.T) {
	sched := types.DefaultSchedule()
	cases := []struct {
		name   string
		offset time.Duration
		days   []uint64 // days issued by this block
	}{
		{"before day 1 ends", 99 * time.Second, nil},
		{"exactly at day 1's end", 100 * time.Second, []uint64{1}},
		{"same day again", 150 * time.Second, nil},
		{"day 2 ends", 230 * time.Second, []uint64{2}},
		{"jump over days 3 and 4", 450 * time.Second, []uint64{3, 4}},
		{"day 5 ends exactly", 500 * time.Second, []uint64{5}},
	}
	f := newFixture(t, 32, false)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			events := f.blockAt(t, tc.offset)
			require.Len(t, events, len(tc.days))
			for i, day := range tc.days {
				require.Equal(t, day, events[i].Day)
				require.Equal(t, uint32(1), events[i].Epoch)
				require.Equal(t, sched.Issue(day).String(), events[i].Amount.String())
				require.Equal(t, sched.Cumulative(day).String(), events[i].Cumulative.String())
			}
			last, total := f.progress(t)
			require.Equal(t, sched.Cumulative(last).String(), total.String())
			require.Equal(t, total.String(), f.bank.minted.String(), "minted == total issued")
		})
	}
}

// TestHaltCatchUp: a 10-day halt with max_days_per_block 4 is caught up over 3 blocks,
// each day exactly once, in order, and handed to the distributor in that order.
func TestHaltCatchUp(t *testing.T) {
	sched := types.DefaultSchedule()
	f := newFixture(t, 4, true)

	var got []uint64
	for i, want := range []int{4, 4, 2, 0} {
		events := f.blockAt(t, 1000*time.Second+time.Duration(i)*time.Second)
		require.Len(t, events, want, "block %d", i)
		for _, e := range events {
			got = append(got, e.Day)
		}
	}
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, got)
	require.Equal(t, got, f.dist.days)
	for i, a := range f.dist.amounts {
		require.Equal(t, sched.Issue(got[i]).String(), a.String())
	}
	last, total := f.progress(t)
	require.Equal(t, uint64(10), last)
	require.Equal(t, sched.Cumulative(10).String(), total.String())
	require.Equal(t, total.String(), f.bank.balances["por"].String(), "everything went to the distributor")
	require.True(t, f.bank.balances[types.ModuleName].IsZero())
}

func TestScheduleEndsExactly(t *testing.T) {
	f := newFixture(t, 1000, false)
	sched := types.DefaultSchedule()
	// Blocks at the last day's end catch up 1000 days each until the schedule is issued.
	for last := uint64(0); last < sched.LastDay(); last, _ = f.progress(t) {
		f.blockAt(t, time.Duration(sched.LastDay())*100*time.Second)
	}
	// Days keep ticking after the last day (1000 per block here), but nothing is minted.
	events := f.blockAt(t, 10_000_000*time.Second)
	require.Len(t, events, 1000, "every day after the last one still ticks")
	for i, e := range events {
		require.Equal(t, sched.LastDay()+1+uint64(i), e.Day)
		require.True(t, e.Amount.IsZero(), "day %d issues nothing", e.Day)
		require.Equal(t, "10000000000000000", e.Cumulative.String())
		require.Equal(t, sched.Epochs+1, e.Epoch, "epoch N+1: after the schedule")
	}
	last, total := f.progress(t)
	require.Equal(t, sched.LastDay()+1000, last)
	require.Equal(t, "10000000000000000", total.String())
	require.Equal(t, total.String(), f.bank.minted.String(), "nothing minted after the last day")
}

// tinySchedule is a test network's schedule: 10 uaegis over 5 epochs of 3 days, so most
// days issue 0 (issue #10, item 1).
func tinySchedule(g *types.GenesisState) { g.Params.Total, g.Params.EpochDays = math.NewInt(10), 3 }

// TestEveryDayReachesTheDistributor: zero days and the days after the schedule's last day
// are handed to the distributor like any other, once each and in order, so x/por's ticks
// never skip a day (issue #10, items 1 and 2).
func TestEveryDayReachesTheDistributor(t *testing.T) {
	f := newFixtureWith(t, 4, true, tinySchedule)
	sched := f.params.Schedule()
	zeroDays := 0
	for d := 1; d <= 25; d++ {
		f.blockAt(t, time.Duration(d)*100*time.Second)
	}
	want := make([]uint64, 25)
	for i := range want {
		want[i] = uint64(i + 1)
		if sched.Issue(want[i]).IsZero() {
			zeroDays++
		}
		require.Equal(t, sched.Issue(want[i]).String(), f.dist.amounts[i].String(), "day %d", want[i])
	}
	require.Equal(t, want, f.dist.days)
	require.Greater(t, zeroDays, 10, "the schedule must have zero days, inside it and after it")
	require.Equal(t, "10", f.bank.balances["por"].String(), "the whole total, and nothing more, reached the distributor")
}

func TestGenesisValidate(t *testing.T) {
	sched := types.DefaultSchedule()
	cases := []struct {
		name   string
		mutate func(*types.GenesisState)
		err    string
	}{
		{"default", func(*types.GenesisState) {}, ""},
		{"mid schedule", func(g *types.GenesisState) { g.LastDayIssued, g.TotalIssued = 100, sched.Cumulative(100) }, ""},
		{"complete", func(g *types.GenesisState) { g.LastDayIssued, g.TotalIssued = 7305, sched.Total }, ""},
		{"total mismatch", func(g *types.GenesisState) { g.LastDayIssued, g.TotalIssued = 100, sched.Cumulative(99) }, "total_issued"},
		{"after the last day", func(g *types.GenesisState) { g.LastDayIssued, g.TotalIssued = 7306, sched.Total }, ""},
		{"after the last day, total short", func(g *types.GenesisState) { g.LastDayIssued, g.TotalIssued = 7400, sched.Cumulative(7304) }, "set total_issued to 10000000000000000"},
		{"beyond the clock", func(g *types.GenesisState) { g.LastDayIssued, g.TotalIssued = 1<<62, sched.Total }, "no day after"},
		{"nil total issued", func(g *types.GenesisState) { g.TotalIssued = math.Int{} }, "total_issued"},
		{"zero total", func(g *types.GenesisState) { g.Params.Total = math.ZeroInt() }, "total must be positive"},
		{"zero epochs", func(g *types.GenesisState) { g.Params.Epochs = 0 }, "epochs"},
		{"zero epoch days", func(g *types.GenesisState) { g.Params.EpochDays = 0 }, "epoch days"},
		{"zero day seconds", func(g *types.GenesisState) { g.Params.DaySeconds = 0 }, "day_seconds"},
		{"zero max days per block", func(g *types.GenesisState) { g.Params.MaxDaysPerBlock = 0 }, "max_days_per_block"},
		{"bad denom", func(g *types.GenesisState) { g.Params.Denom = "!" }, "denom"},
		{"schedule too long", func(g *types.GenesisState) { g.Params.EpochDays, g.Params.DaySeconds = 1_000_000, 86400 }, "too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesis()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.err)
		})
	}
}
