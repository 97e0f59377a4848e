package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"
)

// BenchmarkEndBlockerNoDayEnd is the cost of the common block: no day ends.
func BenchmarkEndBlockerNoDayEnd(b *testing.B) {
	f := newFixture(b, 32, true)
	ctx := f.ctx.WithBlockTime(genesisTime.Add(50 * time.Second))
	for b.Loop() {
		if err := f.keeper.EndBlocker(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEndBlockerDayEnd is the cost of a block that issues one day (mint, transfer to
// the distributor, event, state update).
func BenchmarkEndBlockerDayEnd(b *testing.B) {
	f := newFixture(b, 32, true)
	day := uint64(0)
	for b.Loop() {
		if day == 7305 { // schedule done: rewind so every iteration issues a day
			b.StopTimer()
			require.NoError(b, f.keeper.LastDayIssued.Set(f.ctx, 0))
			require.NoError(b, f.keeper.TotalIssued.Set(f.ctx, math.ZeroInt()))
			day = 0
			b.StartTimer()
		}
		day++
		ctx := f.ctx.WithBlockTime(genesisTime.Add(time.Duration(day) * 100 * time.Second))
		if err := f.keeper.EndBlocker(ctx); err != nil {
			b.Fatal(err)
		}
		if last, _ := f.progress(b); last != day {
			b.Fatalf("day %d not issued (last %d)", day, last)
		}
	}
}
