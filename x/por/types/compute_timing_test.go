package types_test

import (
	"math/rand/v2"
	"testing"

	"github.com/aegis-chain/aegis/x/por/types"
)

// TestHonestComputeTiming: an honest node's root against the default compute window on the
// chain clock, over a million challenges with varied block times — 5-second blocks ±10%,
// one round in 50 failing (3 to 10 s more), one block in 2,000 after a halt of 1 to 10
// minutes, a new chain's blocks at 1 s — and a node that sees the challenge up to 7.5 s
// late (its poll), computes 108 s ±3% (the 90% it declares, with noise) and whose root is
// included by the first block at least 0.3 s after it sends it. The target is under 1 in
// 1,000; the test holds it to 1 in 10,000. What is left are halts in the last 30 s before
// the deadline: the block after one adds max_block_seconds to the clock at once.
func TestHonestComputeTiming(t *testing.T) {
	cp := types.DefaultComputeProofParams()
	trials := 1_000_000
	if testing.Short() {
		trials = 100_000
	}
	r := rand.New(rand.NewPCG(3, 5))
	late, worst := 0, int64(0)
	for range trials {
		base := 5000.0
		if r.IntN(4) == 0 {
			base = 1000
		}
		interval := func() int64 {
			d := base * (0.9 + 0.2*r.Float64())
			if r.IntN(50) == 0 {
				d += 3000 + 7000*r.Float64()
			}
			if r.IntN(2000) == 0 {
				d += 60_000 + 540_000*r.Float64()
			}
			return int64(d)
		}
		// The challenge opens at a block of wall time 0 and clock 0.
		clock := types.ChainClock{BlockTimeMs: 1}.Advance(1, cp.ClockCapMs())
		deadline := clock.ElapsedMs + int64(cp.CommitSeconds)*1000
		work := 0.9 * float64(cp.WorkSeconds) * 1000 * (1 + 0.03*r.NormFloat64())
		sent := int64(7500*r.Float64() + work)
		now := int64(1)
		for now < sent+300 {
			now += interval()
			clock = clock.Advance(now, cp.ClockCapMs())
		}
		if clock.ElapsedMs > deadline {
			late++
		}
		worst = max(worst, clock.ElapsedMs-deadline)
	}
	t.Logf("%d of %d honest roots late (the latest %.1f s after the deadline)", late, trials, float64(worst)/1000)
	if late*10_000 >= trials {
		t.Fatalf("%d honest roots of %d came after the deadline: over 1 in 10,000", late, trials)
	}
}
