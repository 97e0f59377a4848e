package keeper_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/emission/keeper"
	"github.com/aegis-chain/aegis/x/emission/types"
)

var fuzzMaxInt = math.NewIntFromBigInt(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)))

// emissionGenesisBase is one of the valid genesis states the mutations start from: the
// default, one 100 days into a schedule of 100-second days that started 100 days before
// the genesis time, or a tiny schedule (10 uaegis over 15 days) past its end.
func emissionGenesisBase(r *rand.Rand) types.GenesisState {
	gs := *types.DefaultGenesis()
	switch r.Intn(3) {
	case 1:
		gs.Params.DaySeconds = 100
		gs.Params.StartTime = genesisTime.Add(-100 * 100 * time.Second)
		gs.LastDayIssued = 100
	case 2:
		gs.Params.Total, gs.Params.EpochDays = math.NewInt(10), 3
		gs.LastDayIssued = 20
	}
	gs.TotalIssued = gs.Params.Schedule().Cumulative(gs.LastDayIssued)
	return gs
}

func fuzzEmissionUint(r *rand.Rand, edges ...uint64) uint64 {
	if r.Intn(4) == 0 {
		return uint64(r.Int63n(10_000))
	}
	return edges[r.Intn(len(edges))]
}

func fuzzEmissionInt(r *rand.Rand) math.Int {
	switch r.Intn(9) {
	case 0:
		return math.Int{}
	case 1:
		return math.NewInt(-1)
	case 2:
		return math.ZeroInt()
	case 3:
		return math.OneInt()
	case 4:
		return math.NewInt(10_000_000_000_000_000)
	case 5:
		return math.NewIntFromUint64(^uint64(0))
	case 6:
		return fuzzMaxInt
	case 7:
		return fuzzMaxInt.QuoRaw(2)
	}
	return math.NewInt(r.Int63n(1_000_000))
}

// emissionGenesisMutations edit one field of a genesis state and say what they did.
var emissionGenesisMutations = []func(r *rand.Rand, gs *types.GenesisState) string{
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.Denom = []string{"", "u", "uaegis", "UAEGIS", "a/b", "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2", "!"}[r.Intn(7)]
		return "denom " + gs.Params.Denom
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.Total = fuzzEmissionInt(r)
		return "total " + gs.Params.Total.String()
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.Epochs = uint32(fuzzEmissionUint(r, 0, 1, 5, uint64(types.MaxEpochs), uint64(types.MaxEpochs)+1, 1<<32-1))
		return fmt.Sprintf("epochs %d", gs.Params.Epochs)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.EpochDays = fuzzEmissionUint(r, 0, 1, 3, 1461, ^uint64(0)/32, ^uint64(0)/32+1, ^uint64(0))
		return fmt.Sprintf("epoch_days %d", gs.Params.EpochDays)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.DaySeconds = fuzzEmissionUint(r, 0, 1, 10, 100, 86400, 365*86400, 365*86400+1, ^uint64(0))
		return fmt.Sprintf("day_seconds %d", gs.Params.DaySeconds)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.MaxDaysPerBlock = uint32(fuzzEmissionUint(r, 0, 1, 32, 1<<32-1))
		return fmt.Sprintf("max_days_per_block %d", gs.Params.MaxDaysPerBlock)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params.StartTime = []time.Time{{}, genesisTime, genesisTime.Add(time.Duration(r.Intn(2000)-1000) * time.Hour),
			time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}[r.Intn(7)]
		return fmt.Sprintf("start_time %s", gs.Params.StartTime)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		last, s := gs.LastDayIssued, gs.Params.Schedule()
		edges := []uint64{0, 1, last - 1, last + 1, 1 << 62, ^uint64(0)}
		if s.Validate() == nil && gs.Params.DaySeconds > 0 {
			edges = append(edges, s.LastDay()-1, s.LastDay(), s.LastDay()+1, gs.Params.MaxDay()-1, gs.Params.MaxDay(), gs.Params.MaxDay()+1)
		}
		gs.LastDayIssued = fuzzEmissionUint(r, edges...)
		return fmt.Sprintf("last_day_issued %d", gs.LastDayIssued)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		switch s := gs.Params.Schedule(); {
		case r.Intn(2) == 0 && s.Validate() == nil: // consistent with the (changed) schedule and progress
			gs.TotalIssued = s.Cumulative(gs.LastDayIssued)
		case r.Intn(2) == 0 && !gs.TotalIssued.IsNil() && gs.TotalIssued.LT(fuzzMaxInt):
			gs.TotalIssued = gs.TotalIssued.AddRaw(int64(r.Intn(3)) - 1)
		default:
			gs.TotalIssued = fuzzEmissionInt(r)
		}
		return "total_issued " + gs.TotalIssued.String()
	},
}

// checkEmissionGenesis applies the mutations data selects to a valid genesis. Validate must
// never panic, and a refusal must be an emission error. A genesis it accepts must boot
// (InitGenesis in a fresh keeper) and run: the EndBlocker, at blocks that end days, hands
// the distributor every following day once, in order, at most max_days_per_block per
// block, each with its scheduled amount, and the total issued stays Cumulative(last day)
// and within the schedule's total; the queries answer.
func checkEmissionGenesis(t *testing.T, data []byte) {
	seed := sha256.Sum256(data)
	r := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:8]))))
	gs := emissionGenesisBase(r)
	var did []string
	for n := r.Intn(4); n > 0; n-- {
		did = append(did, emissionGenesisMutations[r.Intn(len(emissionGenesisMutations))](r, &gs))
	}
	what := strings.Join(did, "; ")

	err := gs.Validate()
	if len(did) == 0 {
		require.NoError(t, err, "a base genesis")
	}
	if err != nil {
		space, code, _ := errorsmod.ABCIInfo(err, false)
		require.Equal(t, types.ModuleName, space, "mutations [%s]: %v", what, err)
		require.NotEqual(t, uint32(1), code, "mutations [%s]: %v", what, err)
		return
	}
	t.Logf("accepted mutations [%s]", what) // shown when a check below fails

	f := newFixtureWith(t, gs.Params.MaxDaysPerBlock, true, func(g *types.GenesisState) { *g = gs })
	params, sched := f.params, f.params.Schedule()
	q := keeper.NewQuerier(f.keeper)
	_, err = q.Status(f.ctx, &types.QueryStatusRequest{})
	require.NoError(t, err, "mutations [%s]", what)
	_, err = q.Schedule(f.ctx, &types.QueryScheduleRequest{})
	require.NoError(t, err, "mutations [%s]", what)

	// Blocks at the end of the next day, two days later, and far later (a halted chain).
	next, maxDay := gs.LastDayIssued+1, params.MaxDay()
	var times []time.Time
	for _, day := range []uint64{next, next + 2, next + 1000} {
		if day <= maxDay && day >= next {
			times = append(times, params.StartTime.Add(time.Duration(day)*time.Duration(params.DaySeconds)*time.Second))
		}
	}
	want := next
	for _, bt := range times {
		ctx := f.ctx.WithBlockTime(bt).WithEventManager(sdk.NewEventManager())
		before := len(f.dist.days)
		require.NoError(t, f.keeper.EndBlocker(ctx), "mutations [%s]: block at %s", what, bt)
		handed := f.dist.days[before:]
		require.LessOrEqual(t, len(handed), int(params.MaxDaysPerBlock), "mutations [%s]", what)
		for i, day := range handed {
			require.Equal(t, want, day, "mutations [%s]: days handed over in order, once", what)
			require.Equal(t, sched.Issue(day).String(), f.dist.amounts[before+i].String(), "mutations [%s]: day %d", what, day)
			want++
		}
		last, total, err := f.keeper.Progress(ctx)
		require.NoError(t, err)
		require.Equal(t, want-1, last, "mutations [%s]", what)
		require.Equal(t, sched.Cumulative(last).String(), total.String(), "mutations [%s]: total issued after day %d", what, last)
		require.True(t, total.LTE(sched.Total), "mutations [%s]", what)
		exported, err := f.keeper.ExportGenesis(ctx)
		require.NoError(t, err)
		require.NoError(t, exported.Validate(), "mutations [%s]: the running chain exports a genesis that does not validate", what)
	}
}

// FuzzEmissionGenesisValidate: emission genesis validation accepts only what boots and
// issues every day in order (issue #12). The seed corpus runs with `go test`; -fuzz runs
// it for longer.
func FuzzEmissionGenesisValidate(f *testing.F) {
	for i := 0; i < 300; i++ {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(checkEmissionGenesis)
}
