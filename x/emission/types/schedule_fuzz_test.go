package types_test

import (
	"testing"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// FuzzCumulative checks the schedule's invariants at any day, for the default
// schedule and for a small valid schedule derived from the inputs.
func FuzzCumulative(f *testing.F) {
	for _, seed := range []struct {
		day, total uint64
		epochs     uint8
		epochDays  uint16
	}{
		{0, 1, 0, 0},
		{1, 10_000_000_000_000_000, 4, 1460},
		{1461, 31, 4, 1460},
		{1462, 1 << 62, 7, 4999},
		{7305, 7, 2, 2},
		{7306, 1, 0, 0},
		{^uint64(0), ^uint64(0), 255, ^uint16(0)},
	} {
		f.Add(seed.day, seed.total, seed.epochs, seed.epochDays)
	}

	f.Fuzz(func(t *testing.T, day, total uint64, epochs uint8, epochDays uint16) {
		small := types.Schedule{
			Total:     math.NewIntFromUint64(total%(1<<62) + 1), // 1..2^62
			Epochs:    uint32(epochs%8) + 1,                     // 1..8
			EpochDays: uint64(epochDays%5000) + 1,               // 1..5000
		}
		require.NoError(t, small.Validate())

		for _, s := range []types.Schedule{types.DefaultSchedule(), small} {
			requireIntEqual(t, s.Total, s.Cumulative(s.LastDay()))
			// The raw day is mostly far past the end; the folded one lands inside.
			checkDay(t, s, day)
			checkDay(t, s, day%(s.LastDay()+2))
		}
	})
}

func checkDay(t *testing.T, s types.Schedule, day uint64) {
	t.Helper()
	cum, issue := s.Cumulative(day), s.Issue(day)
	require.False(t, cum.IsNegative())
	require.True(t, cum.LTE(s.Total), "day %d: cumulative %s > total %s", day, cum, s.Total)
	require.False(t, issue.IsNegative(), "day %d: negative issue %s", day, issue)
	if day > 0 {
		requireIntEqual(t, cum.Sub(s.Cumulative(day-1)), issue, "day %d", day)
	}
	if day >= s.LastDay() {
		requireIntEqual(t, s.Total, cum, "day %d", day)
	}
	require.LessOrEqual(t, s.EpochOf(day), s.Epochs)
}
