package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/x/por/types"
)

func TestSampleIndexesDistinctAndBounded(t *testing.T) {
	seed := types.ChallengeSeed(7, []byte("block"))
	for _, tc := range []struct{ n, k uint64 }{{10, 3}, {10, 10}, {5, 50}, {1 << 40, 64}, {1, 1}, {0, 5}} {
		got := types.SampleIndexes(seed, tc.n, tc.k)
		require.Len(t, got, int(min(tc.n, tc.k)))
		seen := map[uint64]bool{}
		for _, i := range got {
			require.Less(t, i, tc.n)
			require.False(t, seen[i], "index %d drawn twice", i)
			seen[i] = true
		}
		require.Equal(t, got, types.SampleIndexes(seed, tc.n, tc.k), "deterministic")
	}
	leaves := types.ChallengeLeaves(seed, 3, 4, 8)
	require.ElementsMatch(t, []uint64{0, 1, 2, 3}, leaves, "a dataset smaller than the count opens every leaf once")
	require.NotEqual(t, types.ChallengeLeaves(seed, 3, 1000, 8), types.ChallengeLeaves(seed, 4, 1000, 8))
}
