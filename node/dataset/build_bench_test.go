package dataset

import (
	"context"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BenchmarkBuild is aegis-node's whole dataset build (leaves on every core, the tree
// from disk) at the recommended leaf_work: docs/verification.md scales its rate to the
// recommended dataset sizes.
func BenchmarkBuild(b *testing.B) {
	op := sdk.AccAddress([]byte("bench-operator-addr1"))
	const leaves = 1 << 16
	b.SetBytes(leaves * 32)
	for b.Loop() {
		if _, err := Build(context.Background(), b.TempDir(), Spec{Operator: op, Leaves: leaves, LeafWork: 1024}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/leaves/1000, "µs/leaf")
}
