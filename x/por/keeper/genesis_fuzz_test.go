package keeper_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

var (
	fuzzGenesisOnce  sync.Once
	fuzzGenesisBases [][]byte
)

// porGenesisBase is a fresh copy of one of the valid genesis states the mutations start
// from: the default, ktExported's (two ticks, reports, an inactive role, an unbonding
// entry), ktChallengeExported's (challenges on: passed, missed and open challenges) or
// ktSpreadExported's (a day's challenges half way through opening) or ktComputeExported's
// (a compute challenge awaiting its root, another awaiting its reveal).
func porGenesisBase(t *testing.T, r *rand.Rand) *types.GenesisState {
	fuzzGenesisOnce.Do(func() {
		for _, gs := range []*types.GenesisState{types.DefaultGenesis(), ktExported(t), ktChallengeExported(t), ktSpreadExported(t), ktComputeExported(t)} {
			fuzzGenesisBases = append(fuzzGenesisBases, ktCdc.MustMarshal(gs))
		}
	})
	require.Len(t, fuzzGenesisBases, 5, "building the base genesis failed")
	var gs types.GenesisState
	ktCdc.MustUnmarshal(fuzzGenesisBases[r.Intn(len(fuzzGenesisBases))], &gs)
	return &gs
}

// ktComputeExported is the genesis of two workers with compute proofs on: gina's compute
// challenge has its root committed and awaits its reveal, hal's awaits its root.
func ktComputeExported(t *testing.T) *types.GenesisState {
	t.Helper()
	f, _, _ := computeGenesisFixture(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	return gs
}

// ktSpreadExported is the genesis of ten workers' day-1 sampling 40% through a 10-block
// spread: four challenges drawn and open, the day still being sampled.
func ktSpreadExported(t *testing.T) *types.GenesisState {
	t.Helper()
	f, _ := spreadFixture(t, 10)
	f.beginBlock(23)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Equal(t, uint64(1), gs.SamplingDay)
	return gs
}

// ktChallengeExported is the genesis of a chain with challenges on (tiny datasets, a
// 5-block window): workers a, b, c (storage) and delegate d (none, a liveness check)
// reported on day 1 and were all challenged; a answered and passed, the others missed,
// forfeiting what day 1 paid them (still in the roles' forfeited, for tick 3); a reported
// again on day 2 and its new challenge is open, its reward held. The logs hold day 1's
// four entries and day 2's one. A fresh copy per call.
func ktChallengeExported(t *testing.T) *types.GenesisState {
	t.Helper()
	w, del := types.NODE_ROLE_WORKER, types.NODE_ROLE_DELEGATE
	f := newFixture(t, func(gs *types.GenesisState) { gs.Params.Challenge = regressChallengeParams() })
	a, b, c := f.register("a", w), f.register("b", w), f.register("c", w)
	d := f.register("d", del)
	f.ctx = f.ctx.WithBlockHeight(5)
	for _, op := range []sdk.AccAddress{a, b, c} {
		regressReport(t, f, op, w, ktRes(150, 100, 80))
	}
	regressReport(t, f, d, del, ktRes(150, 0, 150))
	f.clock.day = 2
	f.ctx = f.ctx.WithBlockHeight(6).WithHeaderHash(make([]byte, 32))
	require.NoError(t, f.k.BeginBlocker(f.ctx))
	f.tick(1, ktAmount)
	f.ctx = f.ctx.WithBlockHeight(7)
	require.NoError(t, f.k.OperatorChallenges.Walk(f.ctx, nil, func(key collections.Pair[sdk.AccAddress, uint64]) (bool, error) {
		if !key.K1().Equals(a) {
			return false, nil
		}
		ch, err := f.k.Challenges.Get(f.ctx, key.K2())
		require.NoError(t, err)
		_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: a.String(), ChallengeId: ch.Id, Proof: proof(ch, a)})
		require.NoError(t, err)
		return false, nil
	}))
	regressReport(t, f, a, w, ktRes(150, 100, 80))
	f.clock.day = 3
	f.tick(2, ktAmount)
	f.ctx = f.ctx.WithBlockHeight(9)
	require.NoError(t, f.k.BeginBlocker(f.ctx))
	f.ctx = f.ctx.WithBlockHeight(11)
	require.NoError(t, f.k.EndBlocker(f.ctx))
	f.checkInvariants()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	status := map[types.ChallengeStatus]int{}
	for _, ch := range gs.Challenges {
		status[ch.Status]++
	}
	require.Equal(t, map[types.ChallengeStatus]int{types.CHALLENGE_STATUS_PASSED: 1, types.CHALLENGE_STATUS_MISSED: 3, types.CHALLENGE_STATUS_PENDING: 1}, status)
	require.Len(t, gs.ReportLogEntries, 5, "day 1's four pairs in one buffer, day 2's one in the other")
	require.Zero(t, gs.ReportLog.Count, "day 2 was handed to the sampling; day 3 has no report yet")
	return gs
}

// fuzzGenesisAddr is an address among valid ones (the base's operators, so entries
// collide, and new ones), garbled ones and module accounts.
func fuzzGenesisAddr(r *rand.Rand, gs *types.GenesisState) string {
	if len(gs.Nodes) > 0 && r.Intn(2) == 0 {
		return gs.Nodes[r.Intn(len(gs.Nodes))].Operator
	}
	return []string{"", "aegis1nope", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", modAddr(types.ModuleName), modAddr(types.StakeAccount),
		sdk.AccAddress([]byte("some-other-account-1")).String(), sdk.AccAddress([]byte("some-other-account-2")).String(),
		sdk.ValAddress([]byte("some-other-account-1")).String()}[r.Intn(8)]
}

// fuzzDay is a day near the last tick, or an edge.
func fuzzDay(r *rand.Rand, gs *types.GenesisState) uint64 {
	last := gs.LastTickDay
	return fuzzUint(r, 0, 1, last-1, last, last+1, last+2, last+3, 1<<62, ^uint64(0))
}

// fuzzTime is a completion time near the genesis clock, or an edge of what UnixNano
// (the unbonding queue's key) can represent.
func fuzzTime(r *rand.Rand) time.Time {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	switch r.Intn(8) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC)
	case 2:
		return time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
	case 3:
		return time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)
	case 4:
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return base.Add(time.Duration(r.Int63n(40)-20) * 24 * time.Hour)
}

// pickIdx is an index into a list of n entries, or -1 when it is empty.
func pickIdx(r *rand.Rand, n int) int {
	if n == 0 {
		return -1
	}
	return r.Intn(n)
}

// dropOrDup removes entry i of list or appends a copy of it.
func dropOrDup[T any](r *rand.Rand, list []T, i int) ([]T, string) {
	if r.Intn(2) == 0 {
		return append(list[:i:i], list[i+1:]...), "dropped"
	}
	return append(list, list[i]), "duplicated"
}

// porGenesisMutations edit one part of a genesis state and say what they did.
var porGenesisMutations = []func(r *rand.Rand, gs *types.GenesisState) string{
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Params = fuzzParams(r)
		return "params"
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.Carry = fuzzInt(r)
		return "carry " + gs.Carry.String()
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.LastTickDay = fuzzDay(r, gs)
		return fmt.Sprintf("last_tick_day %d", gs.LastTickDay)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		gs.NextUnbondingId = fuzzUint(r, 0, 1, gs.NextUnbondingId-1, gs.NextUnbondingId+1, ^uint64(0))
		return fmt.Sprintf("next_unbonding_id %d", gs.NextUnbondingId)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		i := pickIdx(r, len(gs.Roles))
		if i < 0 {
			return ""
		}
		rs := &gs.Roles[i]
		switch r.Intn(9) {
		case 0:
			rs.Role = fuzzRole(r)
		case 1:
			rs.SlotsHeld = fuzzUint(r, 0, 1, rs.SlotsHeld-1, rs.SlotsHeld+1, ^uint64(0))
		case 2:
			rs.HighWater = fuzzUint(r, 0, 1, rs.HighWater-1, rs.HighWater+1, ^uint64(0))
		case 3:
			rs.Count = fuzzUint(r, 0, 1, rs.Count-1, rs.Count+1, 1<<62+1, ^uint64(0))
		case 4:
			rs.Reserve = fuzzInt(r)
		case 5:
			rs.EffSum = fuzzDec(r)
		case 6:
			rs.Index = fuzzDec(r)
		default:
			var how string
			gs.Roles, how = dropOrDup(r, gs.Roles, i)
			return fmt.Sprintf("roles[%d] %s", i, how)
		}
		return fmt.Sprintf("roles[%d] %+v", i, *rs)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		i := pickIdx(r, len(gs.Nodes))
		if i < 0 || r.Intn(4) == 0 { // a new node holding no role, with some stake
			gs.Nodes = append(gs.Nodes, types.Node{Operator: fuzzGenesisAddr(r, gs), Moniker: "new", WithdrawAddress: fuzzGenesisAddr(r, gs), Stake: fuzzInt(r)})
			return "new node"
		}
		n := &gs.Nodes[i]
		switch r.Intn(9) {
		case 0:
			n.Operator = fuzzGenesisAddr(r, gs)
		case 1:
			n.WithdrawAddress = fuzzGenesisAddr(r, gs)
		case 2:
			n.Stake = fuzzInt(r)
		case 3:
			n.Roles = make([]types.NodeRole, r.Intn(4))
			for j := range n.Roles {
				n.Roles[j] = fuzzRole(r)
			}
		case 4:
			n.Moniker = []string{"", strings.Repeat("m", 71), "\xff"}[r.Intn(3)]
		case 5:
			n.LastReportDay, n.RegisteredDay = fuzzDay(r, gs), fuzzDay(r, gs)
		case 6:
			n.LastReportTotals = fuzzResources(r)
		default:
			var how string
			gs.Nodes, how = dropOrDup(r, gs.Nodes, i)
			return fmt.Sprintf("nodes[%d] %s", i, how)
		}
		return fmt.Sprintf("nodes[%d] %+v", i, *n)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		i := pickIdx(r, len(gs.NodeRoles))
		if i < 0 {
			return ""
		}
		nr := &gs.NodeRoles[i]
		switch r.Intn(12) {
		case 0:
			nr.Operator = fuzzGenesisAddr(r, gs)
		case 1:
			nr.Role = fuzzRole(r)
		case 2:
			nr.Active = !nr.Active
		case 3:
			nr.Raw, nr.Capped = fuzzDec(r), fuzzDec(r)
		case 4:
			nr.Eff = fuzzDec(r)
		case 5:
			nr.Accrued = fuzzDec(r)
		case 6:
			nr.FromDay, nr.ToDay = fuzzDay(r, gs), fuzzDay(r, gs)
		case 7:
			nr.SettledDay = fuzzDay(r, gs)
		case 8:
			gs.PendingFor(i).Prev = types.Segment{Eff: fuzzDec(r), FromDay: fuzzDay(r, gs), ToDay: fuzzDay(r, gs)}
			nr = &gs.NodeRoles[i]
		case 9:
			nr.Resources = fuzzResources(r)
		default:
			var how string
			gs.NodeRoles, how = dropOrDup(r, gs.NodeRoles, i)
			return fmt.Sprintf("node_roles[%d] %s", i, how)
		}
		return fmt.Sprintf("node_roles[%d] %+v", i, *nr)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		i := pickIdx(r, len(gs.Deltas))
		if i < 0 || r.Intn(3) == 0 {
			gs.Deltas = append(gs.Deltas, types.GenesisRoleDelta{Role: fuzzRole(r), Day: fuzzDay(r, gs),
				Delta: types.RoleDelta{Eff: fuzzDec(r), Count: int64(fuzzUint(r, 0, 1, ^uint64(0), 1<<63))}})
			return "new delta"
		}
		d := &gs.Deltas[i]
		switch r.Intn(5) {
		case 0:
			d.Role = fuzzRole(r)
		case 1:
			d.Day = fuzzDay(r, gs)
		case 2:
			d.Delta.Eff = fuzzDec(r)
		case 3:
			d.Delta.Count = int64(fuzzUint(r, 0, 1, ^uint64(0), 1<<63, uint64(d.Delta.Count+1)))
		default:
			var how string
			gs.Deltas, how = dropOrDup(r, gs.Deltas, i)
			return fmt.Sprintf("deltas[%d] %s", i, how)
		}
		return fmt.Sprintf("deltas[%d] %+v", i, *d)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		i := pickIdx(r, len(gs.RoleDays))
		if i < 0 {
			return ""
		}
		rd := &gs.RoleDays[i]
		switch r.Intn(8) {
		case 0:
			rd.Role = fuzzRole(r)
		case 1:
			rd.Day = fuzzDay(r, gs)
		case 2:
			rd.Pool, rd.Release, rd.Share = fuzzInt(r), fuzzInt(r), fuzzInt(r)
		case 3:
			rd.Distributed, rd.Reserve = fuzzInt(r), fuzzInt(r)
		case 4:
			rd.Active, rd.HighWater = fuzzUint(r, 0, 1, ^uint64(0)), fuzzUint(r, 0, 1, ^uint64(0))
		case 5:
			rd.TotalEff = fuzzDec(r)
		case 6:
			rd.Index = fuzzDec(r)
		default:
			var how string
			gs.RoleDays, how = dropOrDup(r, gs.RoleDays, i)
			return fmt.Sprintf("role_days[%d] %s", i, how)
		}
		return fmt.Sprintf("role_days[%d] %+v", i, *rd)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		i := pickIdx(r, len(gs.DayTicks))
		if i < 0 || r.Intn(4) == 0 {
			gs.DayTicks = append(gs.DayTicks, types.DayTick{Day: fuzzDay(r, gs), Amount: fuzzInt(r), Carry: fuzzInt(r)})
			return "new day tick"
		}
		dt := &gs.DayTicks[i]
		switch r.Intn(4) {
		case 0:
			dt.Day = fuzzDay(r, gs)
		case 1:
			dt.Amount = fuzzInt(r)
		case 2:
			dt.Carry = fuzzInt(r)
		default:
			var how string
			gs.DayTicks, how = dropOrDup(r, gs.DayTicks, i)
			return fmt.Sprintf("day_ticks[%d] %s", i, how)
		}
		return fmt.Sprintf("day_ticks[%d] %+v", i, *dt)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		list, name := &gs.Unbonding, "unbonding"
		if r.Intn(3) == 0 {
			list, name = &gs.SetAside, "set_aside"
		}
		i := pickIdx(r, len(*list))
		if i < 0 || r.Intn(4) == 0 { // a new entry with the next id
			*list = append(*list, types.UnbondingEntry{Operator: fuzzGenesisAddr(r, gs), Amount: fuzzInt(r), CompletionTime: fuzzTime(r), Id: gs.NextUnbondingId})
			gs.NextUnbondingId++
			return "new " + name + " entry"
		}
		e := &(*list)[i]
		switch r.Intn(6) {
		case 0:
			e.Operator = fuzzGenesisAddr(r, gs)
		case 1:
			e.Amount = fuzzInt(r)
		case 2:
			e.CompletionTime = fuzzTime(r)
		case 3:
			e.Id = fuzzUint(r, 0, 1, e.Id+1, gs.NextUnbondingId, ^uint64(0))
		case 4: // moved to the other list
			if name == "unbonding" {
				gs.SetAside = append(gs.SetAside, *e)
			} else {
				gs.Unbonding = append(gs.Unbonding, *e)
			}
			*list = append((*list)[:i:i], (*list)[i+1:]...)
			return fmt.Sprintf("%s[%d] moved", name, i)
		default:
			var how string
			*list, how = dropOrDup(r, *list, i)
			return fmt.Sprintf("%s[%d] %s", name, i, how)
		}
		return fmt.Sprintf("%s[%d] %+v", name, i, *e)
	},
}

// challengeMutation edits the challenge state: a challenge's fields, a node-role's link to
// its challenge and held reward, a role's forfeited amount, a node's dataset commitment,
// the day receipts, the report log and the next id.
func challengeMutation(r *rand.Rand, gs *types.GenesisState) string {
	switch r.Intn(8) {
	case 0, 1, 2:
		i := pickIdx(r, len(gs.Challenges))
		if i < 0 {
			return ""
		}
		c := &gs.Challenges[i]
		switch r.Intn(19) {
		case 13:
			c.Tiles = fuzzUint(r, 0, 1, c.Tiles+1, compute.MaxTiles, compute.MaxTiles+1, ^uint64(0))
		case 14:
			c.CommitDeadlineMs = int64(fuzzUint(r, 0, 1, uint64(max(c.CommitDeadlineMs, 0))+1, 1<<62, 1<<63))
		case 15:
			c.ComputeRoot = make([]byte, []int{0, 31, 32, 33}[r.Intn(4)])
		case 16:
			c.RevealTiles = append(c.RevealTiles, fuzzUint(r, 0, 1, c.Tiles-1, c.Tiles, ^uint64(0)))
		case 17:
			c.Compute.CommitSeconds, c.Compute.Samples = uint32(fuzzUint(r, 0, 1, 10_000, 1<<32-1)), uint32(fuzzUint(r, 0, 1, 32, 33))
		case 12:
			c.OpenHeight = int64(fuzzUint(r, 0, 1, uint64(max(c.OpenHeight, 0))+1, 1<<63-1))
		case 0:
			c.Id = fuzzUint(r, 0, 1, c.Id+1, gs.NextChallengeId, ^uint64(0))
		case 1:
			c.Operator = fuzzGenesisAddr(r, gs)
		case 2:
			c.Role = fuzzRole(r)
		case 3:
			c.Day = fuzzDay(r, gs)
		case 4:
			c.Kind = types.ChallengeKind(fuzzUint(r, 0, 1, 2, 3, 1<<31-1))
		case 5:
			c.Status = types.ChallengeStatus(fuzzUint(r, 0, 1, 2, 3, 4, 5, 6))
		case 6:
			c.DeadlineHeight = int64(fuzzUint(r, 0, 1, uint64(c.DeadlineHeight)+1, 1<<63-1, 1<<63))
		case 7:
			c.Value = make([]byte, []int{0, 31, 32, 33}[r.Intn(4)])
		case 8:
			c.Dataset.Labels = fuzzUint(r, 0, 1, c.Storage.Post().MinLabels()-1, post.MaxLabels, post.MaxLabels+1, ^uint64(0))
		case 9:
			c.Dataset.LabelScryptN = uint32(fuzzUint(r, 0, 1, 3, post.MaxScryptN*2, 1<<32-1))
		case 10:
			c.Storage.K2 = uint32(fuzzUint(r, 0, 1, post.MaxK2+1, 1<<32-1))
		case 11:
			c.Forfeited = fuzzInt(r)
		default:
			var how string
			gs.Challenges, how = dropOrDup(r, gs.Challenges, i)
			return fmt.Sprintf("challenges[%d] %s", i, how)
		}
		return fmt.Sprintf("challenges[%d] %+v", i, *c)
	case 3:
		i := pickIdx(r, len(gs.NodeRoles))
		if i < 0 {
			return ""
		}
		nr := gs.PendingFor(i)
		switch r.Intn(6) {
		case 0:
			nr.ChallengeId = fuzzUint(r, 0, 1, 2, 3, 4, 5, ^uint64(0))
		case 1:
			nr.ChallengeDay = fuzzDay(r, gs)
		case 2:
			nr.Vesting = append(nr.Vesting, types.Tranche{Day: fuzzDay(r, gs), Days: uint32(fuzzUint(r, 0, 1, 14, 60, 61)), Amount: fuzzDec(r)})
		case 3:
			nr.DisqualifiedUntil = fuzzDay(r, gs)
		case 4:
			var how string
			gs.PairPending, how = dropOrDup(r, gs.PairPending, len(gs.PairPending)-1)
			return "pair_pending " + how
		default:
			nr.Held = fuzzDec(r)
		}
		return fmt.Sprintf("node_roles[%d] pending %+v", i, *nr)
	case 4:
		if r.Intn(3) == 0 { // the chain clock compute windows run on
			gs.Clock.ElapsedMs, gs.Clock.BlockTimeMs = int64(fuzzUint(r, 0, 1, 1<<62, 1<<63)), int64(fuzzUint(r, 0, 1, 1<<62, 1<<63))
			return fmt.Sprintf("clock %+v", gs.Clock)
		}
		i := pickIdx(r, len(gs.Roles))
		if i < 0 {
			return ""
		}
		gs.Roles[i].Forfeited = fuzzInt(r)
		return fmt.Sprintf("roles[%d] forfeited %s", i, gs.Roles[i].Forfeited)
	case 5:
		i := pickIdx(r, len(gs.ChallengeDays))
		if i < 0 {
			return ""
		}
		d := &gs.ChallengeDays[i]
		switch r.Intn(6) {
		case 5:
			d.Opened = fuzzUint(r, 0, 1, d.Opened+1, d.Count, d.Count+1, ^uint64(0))
		case 0:
			d.Day = fuzzDay(r, gs)
		case 1:
			d.Count = fuzzUint(r, 0, 1, d.Count+1, d.Candidates+1, ^uint64(0))
		case 2:
			d.FirstId = fuzzUint(r, 0, 1, d.FirstId+1, ^uint64(0))
		case 3:
			d.Candidates = fuzzUint(r, 0, d.Count-1, ^uint64(0))
		default:
			var how string
			gs.ChallengeDays, how = dropOrDup(r, gs.ChallengeDays, i)
			return fmt.Sprintf("challenge_days[%d] %s", i, how)
		}
		return fmt.Sprintf("challenge_days[%d] %+v", i, *d)
	case 6:
		switch r.Intn(4) {
		case 0:
			gs.ReportLog.Count = fuzzUint(r, 0, 1, gs.ReportLog.Count+1, uint64(len(gs.ReportLogEntries))+1, ^uint64(0))
		case 1:
			gs.ReportLog.Day, gs.ReportLog.Buffer = fuzzDay(r, gs), uint32(fuzzUint(r, 0, 1, 2))
			gs.SamplingDay = []uint64{0, gs.SamplingDay, fuzzDay(r, gs)}[r.Intn(3)]
		case 2:
			gs.ReportLogEntries = append(gs.ReportLogEntries, types.ChallengeTarget{Operator: fuzzGenesisAddr(r, gs), Role: fuzzRole(r),
				Buffer: uint32(fuzzUint(r, 0, 1, 2)), Index: fuzzUint(r, 0, 1, uint64(len(gs.ReportLogEntries)), ^uint64(0))})
		default:
			if i := pickIdx(r, len(gs.ReportLogEntries)); i >= 0 {
				e := &gs.ReportLogEntries[i]
				e.Operator, e.Role, e.Buffer = fuzzGenesisAddr(r, gs), fuzzRole(r), uint32(fuzzUint(r, 0, 1, 2))
			}
		}
		return fmt.Sprintf("report_log %+v, %d entries", gs.ReportLog, len(gs.ReportLogEntries))
	default:
		if i := pickIdx(r, len(gs.Datasets)); i >= 0 && r.Intn(2) == 0 {
			d := &gs.Datasets[i]
			switch r.Intn(4) {
			case 0:
				d.Operator = fuzzGenesisAddr(r, gs)
			case 1:
				d.Role = fuzzRole(r)
			case 2:
				d.Dataset.Labels = fuzzUint(r, 0, 1, gs.Params.Challenge.Storage.Post().MinLabels()-1, post.MaxLabels+1, ^uint64(0))
			default:
				d.Dataset.LabelScryptN = uint32(fuzzUint(r, 0, 1, 3, post.MaxScryptN*2, 1<<32-1))
			}
			return fmt.Sprintf("datasets[%d] %+v", i, *d)
		}
		gs.NextChallengeId = fuzzUint(r, 0, 1, gs.NextChallengeId-1, gs.NextChallengeId+1, ^uint64(0))
		return fmt.Sprintf("next_challenge_id %d", gs.NextChallengeId)
	}
}

func init() { porGenesisMutations = append(porGenesisMutations, challengeMutation) }

// porHolding is the least the por account holds for a state a chain reached: the carry,
// the reserves and every node-role's owed rewards, summed before rounding up (each tick
// pays out at most what it distributes): GenesisLiabilities' RewardsMin.
func porHolding(t *testing.T, gs *types.GenesisState) math.Int {
	l, err := gs.Liabilities()
	require.NoError(t, err)
	return l.RewardsMin
}

// requireRegistered fails unless err is a registered error (not an internal one).
func requireRegistered(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err == nil {
		return
	}
	_, code, _ := errorsmod.ABCIInfo(err, false)
	require.NotEqual(t, uint32(1), code, "%s: an unregistered (internal) error: %v", fmt.Sprintf(format, args...), err)
}

// checkPorGenesis applies the mutations data selects to a valid genesis. Validate must
// never panic, and a refusal must be a por error. A genesis it accepts must boot
// (InitGenesis in a fresh keeper, the por accounts holding what a chain in that state
// holds), keep every invariant, export a genesis that validates, and run: an EndBlocker that
// releases no entry before it is due, a report from every node, a tick and a claim of
// every node.
func checkPorGenesis(t *testing.T, data []byte) {
	seed := sha256.Sum256(data)
	r := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:8]))))
	gs := porGenesisBase(t, r)
	var did []string
	for n := r.Intn(5); n > 0; n-- {
		if d := porGenesisMutations[r.Intn(len(porGenesisMutations))](r, gs); d != "" {
			did = append(did, d)
		}
	}
	what := strings.Join(did, "; ")

	err := gs.Validate()
	if err != nil {
		space, code, _ := errorsmod.ABCIInfo(err, false)
		require.Equal(t, types.ModuleName, space, "mutations [%s]: %v", what, err)
		require.NotEqual(t, uint32(1), code, "mutations [%s]: %v", what, err)
		return
	}
	t.Logf("accepted mutations [%s]", what) // shown when a check below fails

	owed, err := gs.Liabilities()
	require.NoError(t, err, "mutations [%s]", what)
	f := newFixture(t, func(g *types.GenesisState) { *g = *gs })
	f.bank.mint(types.ModuleName, porHolding(t, gs))
	f.bank.mint(types.StakeAccount, owed.Stake)
	f.checkInvariants()
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate(), "mutations [%s]: the booted state exports a genesis that does not validate", what)
	if gs.Params.StakeDenom != denom {
		return // the fake bank holds uaegis only; the app requires the emission denom
	}

	// The EndBlocker releases what is due, never an entry before its completion time.
	require.NoError(t, f.k.EndBlocker(f.ctx), "mutations [%s]", what)
	after, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	queued := map[uint64]bool{}
	for _, e := range after.Unbonding {
		queued[e.Id] = true
	}
	for _, e := range gs.Unbonding {
		require.True(t, queued[e.Id] || !e.CompletionTime.After(f.ctx.BlockTime()),
			"mutations [%s]: unbonding entry %d due at %s released at %s", what, e.Id, e.CompletionTime, f.ctx.BlockTime())
	}
	f.checkInvariants()

	// The challenges: the log sampled in the next day's first block, then every open
	// window closed and its misses resolved (a bounded batch per block).
	deadline := f.ctx.BlockHeight()
	for _, c := range after.Challenges {
		deadline = max(deadline, c.DeadlineHeight)
	}
	if deadline < 1<<62 && gs.LastTickDay < 1<<62 {
		f.clock.day = max(f.clock.day, gs.ReportLog.Day+1)
		f.ctx = f.ctx.WithBlockHeight(deadline + 1).WithHeaderHash(make([]byte, 32))
		require.NoError(t, f.k.BeginBlocker(f.ctx), "mutations [%s]", what)
		f.checkInvariants()
		for range 1 + len(after.Challenges)/100 {
			require.NoError(t, f.k.EndBlocker(f.ctx), "mutations [%s]", what)
			f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1)
		}
		f.checkInvariants()
	}

	last := gs.LastTickDay
	if last == ^uint64(0) {
		return // no day after it
	}
	f.clock.day = last + 1
	for _, n := range after.Nodes {
		op, err := sdk.AccAddressFromBech32(n.Operator)
		require.NoError(t, err)
		var parts []types.RolePart
		for _, role := range n.Roles {
			parts = append(parts, ktPart(role, 150, 100, 80))
		}
		msg := ktReportMsg(op, ktRes(150*uint64(len(parts)), 100*uint64(len(parts)), 80*uint64(len(parts))), parts...)
		_, err = f.msg.SubmitReport(f.ctx, msg)
		requireRegistered(t, err, "mutations [%s]: report of %s", what, n.Operator)
	}
	f.checkInvariants()
	for _, n := range after.Nodes {
		_, err := f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: n.Operator, Amount: ktUaegis(1)})
		requireRegistered(t, err, "mutations [%s]: unbonding 1 of %s", what, n.Operator)
	}
	f.checkInvariants()
	f.clock.day = last + 2
	f.tick(last+1, ktAmount)
	f.checkInvariants()
	for _, n := range after.Nodes {
		_, err := f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: n.Operator})
		requireRegistered(t, err, "mutations [%s]: claim of %s", what, n.Operator)
	}
	f.checkInvariants()
}

// FuzzPorGenesisValidate: por genesis validation accepts only what boots and runs
// (issue #12). The seed corpus runs with `go test`; -fuzz runs it for longer.
func FuzzPorGenesisValidate(f *testing.F) {
	for i := 0; i < 300; i++ {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(checkPorGenesis)
}
