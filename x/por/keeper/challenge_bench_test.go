package keeper_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"testing"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/types"
)

// Benchmarks of the challenges (docs/verification.md):
//
//	go test -run '^$' -bench 'VerifyStorageAnswer|VerifyComputeAnswer|ChallengeDay207k' -benchmem ./x/por/keeper/

// benchHeaderHash stands in for the hash of block i.
func benchHeaderHash(i uint64) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("bench block"), i))
	return h[:]
}

// benchChallengedPair is a worker that reported res on day 1 under the bench's challenge
// params changed by mutate, one challenge a day, and the challenge the first block of day 2
// drew for it.
func benchChallengedPair(b *testing.B, res types.Resources, mutate func(*types.ChallengeParams)) (*fixture, sdk.AccAddress, types.Challenge) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(b, func(gs *types.GenesisState) {
		gs.Params.Challenge = benchChallengeParams()
		gs.Params.Challenge.ChallengesPerDay, gs.Params.Challenge.SpreadBlocks = 1, 0 // drawn in the first block
		mutate(&gs.Params.Challenge)
	})
	op := f.register("prover", w)
	f.ctx = f.ctx.WithBlockHeight(10)
	if _, err := f.msg.SubmitReport(f.ctx, &types.MsgSubmitReport{Operator: op.String(), Totals: res,
		Parts: []types.RolePart{{Role: w, Resources: res}}}); err != nil {
		b.Fatal(err)
	}
	f.clock.day = 2
	f.ctx = f.ctx.WithBlockHeight(11).WithHeaderHash(benchHeaderHash(1))
	if err := f.k.BeginBlocker(f.ctx); err != nil {
		b.Fatal(err)
	}
	c, err := f.k.Challenges.Get(f.ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	return f, op, c
}

// benchPassingAnswer times msg, an answer that passes, each time in a fresh cache branch
// of base, and reports the gas it charges.
func benchPassingAnswer(b *testing.B, f *fixture, base sdk.Context, msg *types.MsgAnswerChallenge) {
	var gas storetypes.Gas
	b.ReportAllocs()
	for b.Loop() {
		ctx, _ := base.CacheContext()
		ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithEventManager(sdk.NewEventManager())
		res, err := f.msg.AnswerChallenge(ctx, msg)
		if err != nil || res.Status != types.CHALLENGE_STATUS_PASSED {
			b.Fatal(res, err)
		}
		gas = ctx.GasMeter().GasConsumed()
	}
	b.ReportMetric(float64(gas), "gas/op")
}

// BenchmarkVerifyStorageAnswer times MsgAnswerChallenge through the msg server — the
// decoding of a proof, the rechecks of the default params (20 scrypt labels at N = 256),
// the reads and the writes of a pass — each in a fresh cache branch of the state with the
// challenge pending. The worker declares one storage unit of the smallest dataset the
// default proof sizes allow (16·k2 labels), so that the benchmark derives and scans it in
// a fraction of a second; a proof of a larger dataset costs the same to check (its indexes
// are wider, its rechecks as many). gas/op is what the answer charges inside the msg
// server (verification plus store access), not counting the tx's ante handler.
func BenchmarkVerifyStorageAnswer(b *testing.B) {
	f, op, c := benchChallengedPair(b, types.Resources{Compute: 200, Storage: 1, Bandwidth: 200}, func(cp *types.ChallengeParams) {
		cp.Storage.LabelsPerStorageUnit = cp.Storage.Post().MinLabels()
	})
	if c.Kind != types.CHALLENGE_KIND_STORAGE || c.Dataset.LabelScryptN != types.DefaultStorageProofParams().LabelScryptN {
		b.Fatalf("challenge %v, want a storage challenge at the default label cost", c)
	}
	msg := &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: 1, Proof: proof(c, op)}
	base := f.ctx.WithBlockHeight(12).WithHeaderHash(benchHeaderHash(2))
	benchPassingAnswer(b, f, base, msg)
	b.ReportMetric(float64(len(msg.Proof.Indexes)+4), "proof-bytes")
}

// BenchmarkVerifyComputeAnswer is the chain's check of one compute reveal through
// MsgAnswerChallenge, with the store work of a pass: the default 10 samples of a worker
// declaring 200 units, at 1 tile a unit-second for 120 s (24,000 tiles, a tree of depth
// 15; the default rate's 24 million tiles make it depth 25, which adds 10 path steps a
// tile: 100 hashes, about 30 µs and 3,000 gas).
func BenchmarkVerifyComputeAnswer(b *testing.B) {
	f, op, c := benchChallengedPair(b, types.Resources{Compute: 200, Storage: 0, Bandwidth: 200}, func(cp *types.ChallengeParams) {
		cp.Compute = types.DefaultComputeProofParams()
		cp.Compute.TilesPerUnitSecond = 1
	})
	if c.Kind != types.CHALLENGE_KIND_COMPUTE || c.Compute.Samples != 10 {
		b.Fatalf("challenge %v, want a compute challenge with the default samples", c)
	}
	cm, err := compute.Commit(context.Background(), compute.Reference{}, 2, compute.Seed(c.Value, op, int32(c.Role)), c.Tiles)
	if err != nil {
		b.Fatal(err)
	}
	f.ctx = f.ctx.WithBlockHeight(12).WithHeaderHash(benchHeaderHash(2))
	committed, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: 1, ComputeRoot: cm.Root[:]})
	if err != nil {
		b.Fatal(err)
	}
	paths, err := cm.Paths(compute.Reference{}, committed.RevealTiles)
	if err != nil {
		b.Fatal(err)
	}
	msg := &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: 1, ComputePaths: paths}
	base := f.ctx.WithBlockHeight(13).WithHeaderHash(benchHeaderHash(3))
	benchPassingAnswer(b, f, base, msg)
	b.ReportMetric(float64(msg.Size()), "msg-bytes")
}

// BenchmarkChallengeDay207k times the blocks of a challenge day on a network whose every
// node (one role each) reported on day 1 with challenges on, 60,000 a day over a spread of
// 7,200 blocks:
//
//   - sample: the first block of day 2's BeginBlocker, which hands day 1 to the sampling
//     and draws its share (each in a fresh cache branch, with a different block hash);
//   - draw: the next block's BeginBlocker, drawing the next share;
//   - misses: the EndBlocker of a block where 100 challenges' windows close unanswered (the
//     most one block resolves; storage and liveness by height, compute on the chain clock),
//     resolving them — forfeits, running sums, receipts — in a
//     fresh cache branch (with day 1 ticked, so the misses forfeit what the reports earned;
//     the 100 drawn in one block, with a spread of one block).
//
// Each should cost the same at 20,700 and 207,000 nodes (allocations bounded by the share
// and the batch, not by the nodes); only the store's depth grows.
func BenchmarkChallengeDay207k(b *testing.B) {
	for _, total := range []int{20_700, 207_000} {
		b.Run(fmt.Sprintf("nodes=%d/sample", total), func(b *testing.B) {
			n := benchChallengeNetwork(b, total)
			n.f.clock.day = 2
			height := n.f.ctx.BlockHeight() + 1
			var ctx sdk.Context
			i := uint64(0)
			b.ReportAllocs()
			for b.Loop() {
				i++
				ctx, _ = n.f.ctx.CacheContext()
				ctx = ctx.WithBlockHeight(height).WithHeaderHash(benchHeaderHash(i)).WithEventManager(sdk.NewEventManager())
				if err := n.f.k.BeginBlocker(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(checkSampled(b, n, ctx, 1)), "challenges/op")
			n.reset(b)
		})
		b.Run(fmt.Sprintf("nodes=%d/draw", total), func(b *testing.B) {
			n := benchChallengeNetwork(b, total)
			n.f.clock.day = 2
			height := n.f.ctx.BlockHeight() + 1
			first, _ := n.f.ctx.CacheContext()
			first = first.WithBlockHeight(height).WithHeaderHash(benchHeaderHash(0))
			if err := n.f.k.BeginBlocker(first); err != nil {
				b.Fatal(err)
			}
			drawnFirst := checkSampled(b, n, first, 1)
			var ctx sdk.Context
			i := uint64(0)
			b.ReportAllocs()
			for b.Loop() {
				i++
				ctx, _ = first.CacheContext()
				ctx = ctx.WithBlockHeight(height + 1).WithHeaderHash(benchHeaderHash(i)).WithEventManager(sdk.NewEventManager())
				if err := n.f.k.BeginBlocker(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(checkSampled(b, n, ctx, 2)-drawnFirst), "challenges/op")
			n.reset(b)
		})
		b.Run(fmt.Sprintf("nodes=%d/misses", total), func(b *testing.B) {
			n := benchChallengeNetwork(b, total)
			n.f.clock.day = 2
			height := n.f.ctx.BlockHeight() + 1
			sampled, _ := n.f.ctx.CacheContext()
			sampled = sampled.WithBlockHeight(height).WithHeaderHash(benchHeaderHash(0))
			p, err := n.f.k.Params.Get(sampled)
			if err != nil {
				b.Fatal(err)
			}
			p.Challenge.ChallengesPerDay, p.Challenge.SpreadBlocks = types.MaxDrawsPerBlock, 1
			if err := n.f.k.Params.Set(sampled, p); err != nil {
				b.Fatal(err)
			}
			if err := n.f.k.BeginBlocker(sampled); err != nil {
				b.Fatal(err)
			}
			n.tick(b, sampled, 1)
			d, err := n.f.k.ChallengeDays.Get(sampled, 1)
			if err != nil {
				b.Fatal(err)
			}
			// The last of the 100's deadlines (storage and liveness windows differ; compute
			// roots are due on the chain clock, moved past the last of theirs).
			var deadline, commitBy int64
			for id := d.FirstId; id < d.FirstId+d.Count; id++ {
				c, err := n.f.k.Challenges.Get(sampled, id)
				if err != nil {
					b.Fatal(err)
				}
				deadline, commitBy = max(deadline, c.DeadlineHeight), max(commitBy, c.CommitDeadlineMs)
			}
			if err := n.f.k.Clock.Set(sampled, types.ChainClock{BlockTimeMs: sampled.BlockTime().UnixMilli(), ElapsedMs: commitBy + 1}); err != nil {
				b.Fatal(err)
			}
			var ctx sdk.Context
			b.ReportAllocs()
			for b.Loop() {
				ctx, _ = sampled.CacheContext()
				ctx = ctx.WithBlockHeight(deadline).WithEventManager(sdk.NewEventManager())
				if err := n.f.k.EndBlocker(ctx); err != nil {
					b.Fatal(err)
				}
			}
			missed, forfeited := 0, 0
			for _, ev := range ctx.EventManager().Events() {
				if ev.Type == "aegis.por.v1.EventChallengeMissed" {
					missed++
					for _, a := range ev.Attributes {
						if a.Key == "forfeited" && a.Value != `"0"` {
							forfeited++
						}
					}
				}
			}
			if missed != 100 || forfeited != missed {
				b.Fatalf("the deadline block missed %d challenges (%d forfeiting), want 100 (all forfeiting)", missed, forfeited)
			}
			b.ReportMetric(float64(missed), "misses/op")
			n.reset(b)
		})
	}
}

// checkSampled fails unless day 1's sampling on ctx, `blocks` blocks in, drew the share due
// of a full day's target; it returns the challenges drawn so far.
func checkSampled(b *testing.B, n *benchNet, ctx sdk.Context, blocks uint64) uint64 {
	b.Helper()
	d, err := n.f.k.ChallengeDays.Get(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	target := min(uint64(benchChallengesPerDay), uint64(len(n.nodes)))
	want := target * blocks / d.SpreadBlocks
	if d.Candidates != uint64(len(n.nodes)) || d.Target != target || d.Count != want {
		b.Fatalf("day 1 drew %d challenges of a target of %d from %d candidates, want %d of %d from %d", d.Count, d.Target, d.Candidates, want, target, len(n.nodes))
	}
	return d.Count
}
