package keeper_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"testing"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// Benchmarks of the challenges (docs/verification.md):
//
//	go test -run '^$' -bench 'VerifyStorageAnswer|ChallengeDay207k' -benchmem ./x/por/keeper/

// benchHeaderHash stands in for the hash of block i.
func benchHeaderHash(i uint64) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("bench block"), i))
	return h[:]
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
	w := types.NODE_ROLE_WORKER
	f := newFixture(b, func(gs *types.GenesisState) {
		gs.Params.Challenge = benchChallengeParams()
		gs.Params.Challenge.Storage.LabelsPerStorageUnit = gs.Params.Challenge.Storage.Post().MinLabels()
	})
	op := f.register("prover", w)
	res := types.Resources{Compute: 200, Storage: 1, Bandwidth: 200}

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
	if c.Kind != types.CHALLENGE_KIND_STORAGE || c.Dataset.LabelScryptN != types.DefaultStorageProofParams().LabelScryptN {
		b.Fatalf("challenge %v, want a storage challenge at the default label cost", c)
	}
	msg := &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: 1, Proof: proof(c, op)}
	base := f.ctx.WithBlockHeight(12).WithHeaderHash(benchHeaderHash(2))
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
	b.ReportMetric(float64(len(msg.Proof.Indexes)+4), "proof-bytes")
}

// BenchmarkChallengeDay207k times the two blocks of a challenge day on a network whose
// every node (one role each) reported on day 1 with challenges on, 1,000 a day:
//
//   - sample: the first block of day 2's BeginBlocker, which draws 1,000 of the logged
//     pairs and issues their challenges (each in a fresh cache branch, with a different
//     block hash, so a different sample);
//   - misses: the EndBlocker of the block where those challenges' window closes
//     unanswered, resolving the bounded batch of misses (100) — forfeits, running sums,
//     receipts — in a fresh cache branch of the sampled state (with day 1 ticked, so the
//     misses forfeit what the reports earned).
//
// Both should cost the same at 20,700 and 207,000 nodes (allocations bounded by the
// sample, not by the nodes); only the store's depth grows.
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
			checkSampled(b, n, ctx)
			n.reset(b)
		})
		b.Run(fmt.Sprintf("nodes=%d/misses", total), func(b *testing.B) {
			n := benchChallengeNetwork(b, total)
			n.f.clock.day = 2
			height := n.f.ctx.BlockHeight() + 1
			sampled, _ := n.f.ctx.CacheContext()
			sampled = sampled.WithBlockHeight(height).WithHeaderHash(benchHeaderHash(0))
			if err := n.f.k.BeginBlocker(sampled); err != nil {
				b.Fatal(err)
			}
			checkSampled(b, n, sampled)
			n.tick(b, sampled, 1)
			deadline := height + int64(n.f.params.Challenge.AnswerWindowBlocks)
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

// checkSampled fails unless the sampling on ctx issued a full day of challenges.
func checkSampled(b *testing.B, n *benchNet, ctx sdk.Context) {
	b.Helper()
	d, err := n.f.k.ChallengeDays.Get(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	if d.Candidates != uint64(len(n.nodes)) || d.Count != benchChallengesPerDay {
		b.Fatalf("day 1 sampled %d challenges of %d candidates, want %d of %d", d.Count, d.Candidates, benchChallengesPerDay, len(n.nodes))
	}
}
