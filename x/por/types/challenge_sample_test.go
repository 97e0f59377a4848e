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
	require.Len(t, types.ChallengeValue(seed, 3), 32)
	require.Equal(t, types.ChallengeValue(seed, 3), types.ChallengeValue(seed, 3), "deterministic")
	require.NotEqual(t, types.ChallengeValue(seed, 3), types.ChallengeValue(seed, 4), "each challenge its own value")
}
