package dataset

import (
	"runtime"
	"time"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// EstimateBuild is about how long Build takes for spec on this machine: it times the
// derivation of a few of spec's leaves on one core (at most ~50 ms) and scales to all the
// leaves on every core. The tree's levels (two hashes a leaf) are not counted: they are
// small next to leaf_work hashes a leaf.
func EstimateBuild(spec Spec) time.Duration {
	if spec.Leaves == 0 {
		return 0
	}
	start := time.Now()
	var sample uint64
	for sample < min(spec.Leaves, 4096) && (sample < 8 || time.Since(start) < 50*time.Millisecond) {
		leaf := portypes.Leaf(spec.Operator, sample, spec.LeafWork)
		_ = portypes.LeafHash(leaf[:])
		sample++
	}
	perLeaf := float64(time.Since(start)) / float64(sample)
	return time.Duration(perLeaf * float64(spec.Leaves) / float64(runtime.GOMAXPROCS(0)))
}
