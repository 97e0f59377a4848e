package keeper_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"cosmossdk.io/math"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Benchmarks of the hot paths of x/por:
//
//	go test -run '^$' -bench 'DayTick|SubmitReport|ClaimRewards' -benchmem ./x/por/keeper/
//
// The state is always built through the msg server, never written to the store by hand,
// and all setup runs before b.Loop, so only the measured call is timed. A network is built
// once per test binary and committed; each benchmark starts from that commit, so -count
// does not rebuild the 207,000 nodes.

// benchSizes are the network sizes: a small one and every slot of every role filled.
var benchSizes = []int{1_000, 207_000}

// benchDayAmount is day 1's issuance (spec section 1).
var benchDayAmount = math.NewInt(3_532_710_693_073)

// benchResources give raw 600 in every role with the default weights and meet every
// role's minimums, so eff is the cap, 300, everywhere (checked by benchCheckEff).
var benchResources = types.Resources{Compute: 200, Storage: 200, Bandwidth: 200}

// benchGenesis makes reports count as long as the params allow, so one report per node
// keeps it active at many successive ticks.
func benchGenesis(gs *types.GenesisState) {
	for _, days := range []uint32{365, 30, types.DefaultReportDays} {
		gs.Params.ReportDays = days
		if gs.Params.Validate() == nil {
			return
		}
	}
}

// benchCheckEff fails unless benchResources give eff 300, unpenalized, in every role.
func benchCheckEff(b *testing.B, p types.Params) {
	b.Helper()
	want := math.LegacyNewDec(300)
	for _, rp := range p.Roles {
		por := rp.ComputePoR(benchResources)
		if por.Penalized || !por.Eff.Equal(want) || por.Raw.LT(want) {
			b.Fatalf("%s: %v gives raw %s eff %s penalized %v, want eff 300 unpenalized",
				rp.Role.Short(), benchResources, por.Raw, por.Eff, por.Penalized)
		}
	}
}

// benchRoleCounts spreads total nodes over the roles in proportion to their slot caps, at
// least one per role and never above a cap: 207,000 is exactly 100k/100k/1k/5k/1k and
// 1,000 is 484/484/4/24/4.
func benchRoleCounts(p types.Params, total int) []int {
	var capSum uint64
	for _, rp := range p.Roles {
		capSum += rp.SlotCap
	}
	if uint64(total) > capSum || total < len(p.Roles) {
		panic(fmt.Sprintf("%d nodes do not fit %d roles with %d slots", total, len(p.Roles), capSum))
	}
	counts := make([]int, len(p.Roles))
	n := 0
	for i, rp := range p.Roles {
		counts[i] = min(max(int(uint64(total)*rp.SlotCap/capSum), 1), int(rp.SlotCap))
		n += counts[i]
	}
	for i := 0; n != total; i = (i + 1) % len(counts) {
		switch {
		case n < total && uint64(counts[i]) < p.Roles[i].SlotCap:
			counts[i]++
			n++
		case n > total && counts[i] > 1:
			counts[i]--
			n--
		}
	}
	return counts
}

// benchNode is one single-role node of a bench network.
type benchNode struct {
	op   sdk.AccAddress
	addr string
	role types.NodeRole
}

// benchNet is a network of nodes registered and reported through the msg server on day 1,
// with no tick run yet, committed so that reset can return to it. With challenges on, the
// reports commit a dataset root and are logged for day 1's sampling.
type benchNet struct {
	f          *fixture
	cms        storetypes.CommitMultiStore
	counts     []int
	nodes      []benchNode
	challenges bool
}

type benchNetKey struct {
	total      int
	challenges bool
}

var benchNets = map[benchNetKey]*benchNet{}

// benchChallengesPerDay is the sample size of the challenge benchmarks' networks, the
// recommended one: each of 207,000 pairs checked every 3.5 days, a Worker pair's compute
// (half its checks when it keeps a dataset) about weekly.
const benchChallengesPerDay = 60_000

// benchChallengeParams are the default challenge params turned on at 30,000 a day, drawn
// over the default spread of 7,200 blocks (4 or 5 a block).
func benchChallengeParams() types.ChallengeParams {
	cp := types.DefaultChallengeParams()
	cp.ChallengesPerDay = benchChallengesPerDay
	return cp
}

// benchNetwork returns the committed network of total nodes, built on first use, reset
// to its commit.
func benchNetwork(b *testing.B, total int) *benchNet { return benchNetworkOf(b, total, false) }

// benchChallengeNetwork is benchNetwork with challenges on (benchChallengeParams): every
// node's day-1 report is in the report log, waiting for day 2's first block to sample it.
func benchChallengeNetwork(b *testing.B, total int) *benchNet { return benchNetworkOf(b, total, true) }

func benchNetworkOf(b *testing.B, total int, challenges bool) *benchNet {
	b.Helper()
	key := benchNetKey{total, challenges}
	n, ok := benchNets[key]
	if !ok {
		n = buildBenchNet(b, total, challenges)
		benchNets[key] = n
	}
	n.f.t = b
	n.reset(b)
	return n
}

func buildBenchNet(b *testing.B, total int, challenges bool) *benchNet {
	b.Helper()
	start := time.Now()
	// The setup allocates a lot and keeps most of it; a larger GC target makes it
	// several times faster. The timed benchmarks run with the usual target.
	oldGC := debug.SetGCPercent(400)
	f := newFixture(b, func(gs *types.GenesisState) {
		benchGenesis(gs)
		if challenges {
			gs.Params.Challenge = benchChallengeParams()
		}
	})
	benchCheckEff(b, f.params)
	n := &benchNet{f: f, counts: benchRoleCounts(f.params, total), challenges: challenges}
	for i, count := range n.counts {
		r := types.AllRoles[i]
		for j := range count {
			op := f.register(fmt.Sprintf("%c%d", "wdaso"[i], j), r)
			n.nodes = append(n.nodes, benchNode{op: op, addr: op.String(), role: r})
			if j%4096 == 4095 {
				// The registration events are not under test: do not let them pile up.
				f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
			}
		}
	}
	registered := time.Since(start)
	n.reportAll(b, f.ctx)
	reported := time.Since(start)

	cms, ok := f.ctx.MultiStore().(storetypes.CommitMultiStore)
	if !ok {
		b.Fatalf("the fixture's multistore %T cannot commit", f.ctx.MultiStore())
	}
	n.cms = cms
	n.cms.Commit()
	debug.SetGCPercent(oldGC)
	runtime.GC()
	b.Logf("setup of %d nodes %v (report_days %d, challenges %v): registered in %v, reported by %v, committed by %v",
		total, n.counts, f.params.ReportDays, challenges, registered.Round(time.Millisecond), reported.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond))
	return n
}

// reportAll has every node report benchResources for its role on the clock's day.
func (n *benchNet) reportAll(b *testing.B, ctx sdk.Context) {
	b.Helper()
	for i, nd := range n.nodes {
		if _, err := n.f.msg.SubmitReport(ctx, n.reportMsg(nd)); err != nil {
			b.Fatalf("report of %s in %s: %v", nd.addr, nd.role.Short(), err)
		}
		if i%4096 == 4095 {
			ctx = ctx.WithEventManager(sdk.NewEventManager())
		}
	}
}

// reportMsg is nd's report of benchResources: with challenges on, it commits its role's
// dataset (never derived here: the sampling and the misses do not open it).
func (n *benchNet) reportMsg(nd benchNode) *types.MsgSubmitReport {
	return &types.MsgSubmitReport{Operator: nd.addr, Totals: benchResources,
		Parts: []types.RolePart{{Role: nd.role, Resources: benchResources}}}
}

// reset drops every uncommitted write, back to the network as built: day 1, every node
// reported, no tick run.
func (n *benchNet) reset(b *testing.B) {
	b.Helper()
	if err := n.cms.LoadLatestVersion(); err != nil {
		b.Fatal(err)
	}
	n.f.clock.day = 1
	n.f.ctx = n.f.ctx.WithEventManager(sdk.NewEventManager())
}

// tick runs the tick of day on ctx in a fresh event manager, as x/emission does.
func (n *benchNet) tick(b *testing.B, ctx sdk.Context, day uint64) {
	n.f.bank.mint(types.ModuleName, benchDayAmount)
	if err := n.f.k.DistributeDay(ctx.WithEventManager(sdk.NewEventManager()), day, benchDayAmount); err != nil {
		b.Fatal(err)
	}
}

// checkPaidAll fails unless the tick of day found every node active with eff 300.
func (n *benchNet) checkPaidAll(b *testing.B, ctx sdk.Context, day uint64) {
	b.Helper()
	for i, r := range types.AllRoles {
		got, err := n.f.q.RoleDay(ctx, &types.QueryRoleDayRequest{Role: r, Day: day})
		if err != nil {
			b.Fatal(err)
		}
		rd := got.RoleDay
		want := math.LegacyNewDec(300 * int64(n.counts[i]))
		if rd.Active != uint64(n.counts[i]) || !rd.TotalEff.Equal(want) || !rd.Distributed.IsPositive() {
			b.Fatalf("%s day %d: %d active, total eff %s, distributed %s; want %d, %s, > 0",
				r.Short(), day, rd.Active, rd.TotalEff, rd.Distributed, n.counts[i], want)
		}
	}
}

// BenchmarkDayTick times DistributeDay, the daily tick, on the fixture's store (an IAVL
// tree on an in-memory DB) with every node of the network active: the spec requires it to
// cost O(roles) whatever the number of nodes. The ticks are of successive days 1, 2, ...
// up to report_days; then (timer stopped) the store returns to its commit and the days
// start again at 1, so every timed tick pays all nodes.
func BenchmarkDayTick(b *testing.B) {
	for _, total := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", total), func(b *testing.B) {
			n := benchNetwork(b, total)
			days := uint64(n.f.params.ReportDays)
			day := uint64(0)
			b.ReportAllocs()
			for b.Loop() {
				if day == days {
					b.StopTimer()
					n.reset(b)
					day = 0
					b.StartTimer()
				}
				day++
				n.tick(b, n.f.ctx, day)
			}
			n.checkPaidAll(b, n.f.ctx, day)
			n.reset(b)
		})
	}
}

// BenchmarkDayTickCacheBranch is BenchmarkDayTick with the ticks writing into a cache
// branch of the committed store, as a block does before its commit: it times the tick's
// own work without the IAVL tree updates, which grow with the log of the state size.
func BenchmarkDayTickCacheBranch(b *testing.B) {
	for _, total := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", total), func(b *testing.B) {
			n := benchNetwork(b, total)
			days := uint64(n.f.params.ReportDays)
			ctx, day := n.f.ctx, days
			b.ReportAllocs()
			for b.Loop() {
				if day == days {
					b.StopTimer()
					ctx, _ = n.f.ctx.CacheContext()
					day = 0
					b.StartTimer()
				}
				day++
				n.tick(b, ctx, day)
			}
			n.checkPaidAll(b, ctx, day)
		})
	}
}

// BenchmarkSubmitReport times a node's daily report. Every node reported on day 1 and day
// 1 has ticked, so each timed report replaces a counting report and settles its reward.
// Each iteration is a different node; when all have reported, the day ticks (timer
// stopped) and a new day begins.
func BenchmarkSubmitReport(b *testing.B) {
	for _, total := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", total), func(b *testing.B) {
			n := benchNetwork(b, total)
			msgs := make([]*types.MsgSubmitReport, len(n.nodes))
			for i, nd := range n.nodes {
				msgs[i] = n.reportMsg(nd)
			}
			n.tick(b, n.f.ctx, 1)
			n.f.clock.day = 2
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if i == len(msgs) {
					b.StopTimer()
					n.tick(b, n.f.ctx, n.f.clock.day)
					n.f.clock.day++
					i = 0
					b.StartTimer()
				}
				if _, err := n.f.msg.SubmitReport(n.f.ctx.WithEventManager(sdk.NewEventManager()), msgs[i]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			n.reset(b)
		})
	}
}

// BenchmarkClaimRewards times a claim of a node that has earned over the ticks since its
// last claim: three ticks before the first claim, then, each time every node has claimed,
// one more tick (timer stopped).
func BenchmarkClaimRewards(b *testing.B) {
	for _, total := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", total), func(b *testing.B) {
			n := benchNetwork(b, total)
			msgs := make([]*types.MsgClaimRewards, len(n.nodes))
			for i, nd := range n.nodes {
				msgs[i] = &types.MsgClaimRewards{Operator: nd.addr}
			}
			day := uint64(0)
			for range 3 {
				day++
				n.tick(b, n.f.ctx, day)
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				if i == len(msgs) {
					b.StopTimer()
					if day == uint64(n.f.params.ReportDays) {
						b.Fatalf("reports lapse after day %d: use a shorter -benchtime", day)
					}
					day++
					n.tick(b, n.f.ctx, day)
					i = 0
					b.StartTimer()
				}
				res, err := n.f.msg.ClaimRewards(n.f.ctx.WithEventManager(sdk.NewEventManager()), msgs[i])
				if err != nil {
					b.Fatal(err)
				}
				if !res.Amount.IsAllPositive() {
					b.Fatalf("claim of %s paid %s", msgs[i].Operator, res.Amount)
				}
				i++
			}
			n.reset(b)
		})
	}
}

// BenchmarkQueries times the queries wallets and explorers send most, on a ticked network:
// a node's pending rewards (settled on the fly across its roles) and a role's estimate.
// Their allocations are what the query p99 under load pays for (docs/performance.md).
func BenchmarkQueries(b *testing.B) {
	for _, total := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", total), func(b *testing.B) {
			n := benchNetwork(b, total)
			for day := uint64(1); day <= 3; day++ {
				n.tick(b, n.f.ctx, day)
			}
			b.Run("rewards", func(b *testing.B) {
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					op := n.nodes[i%len(n.nodes)].addr
					res, err := n.f.q.Rewards(n.f.ctx, &types.QueryRewardsRequest{Operator: op})
					if err != nil || !res.Total.IsPositive() {
						b.Fatalf("rewards of %s: %v %v", op, res, err)
					}
					i++
				}
			})
			b.Run("estimate", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := n.f.q.Estimate(n.f.ctx, &types.QueryEstimateRequest{Role: types.NODE_ROLE_WORKER, Compute: 100, Bandwidth: 50}); err != nil {
						b.Fatal(err)
					}
				}
			})
			n.reset(b)
		})
	}
}
