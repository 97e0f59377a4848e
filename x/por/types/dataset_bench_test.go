package types_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/aegis-chain/aegis/x/por/types"
	"github.com/aegis-chain/aegis/x/por/types/datasettest"
)

// Benchmarks of what a storage challenge costs (docs/verification.md):
//
//	go test -run '^$' -bench 'LeafDerivation|VerifyStorageAnswer' -benchmem ./x/por/types/
//
// BenchmarkLeafDerivation is the price of one dataset leaf: what an honest node pays once
// per leaf, what a cheater pays again per leaf it regenerates, and what the chain pays per
// leaf it checks. BenchmarkVerifyStorageAnswer is the chain's pure verification of one
// answer (no store): leaves_per_challenge derivations plus as many Merkle paths.

var benchOperator = []byte("aegis-bench-operator")

// BenchmarkLeafDerivation derives one leaf at leaf_work 1 (one hash: the floor), the
// default 1024 and 4096; hashes/s is leaf_work times leaves per second on one core.
func BenchmarkLeafDerivation(b *testing.B) {
	for _, work := range []uint32{1, 1024, 4096} {
		b.Run(fmt.Sprintf("leaf_work=%d", work), func(b *testing.B) {
			var i uint64
			var sink byte
			b.ReportAllocs()
			for b.Loop() {
				leaf := types.Leaf(benchOperator, i, work)
				sink ^= leaf[0]
				i++
			}
			b.ReportMetric(float64(b.N)*float64(work)/b.Elapsed().Seconds(), "hashes/s")
			_ = sink
		})
	}
}

// BenchmarkVerifyStorageAnswer verifies one answer of 8 leaves at leaf_work 1024, as the
// chain does (types.Leaf then types.VerifyLeafPath per leaf), on datasets of 2^10 leaves,
// 1,024,000 leaves (a worker declaring storage 1,000 at 1,024 leaves per unit: depth 20)
// and 2^40 (the largest dataset, depth 40). The cost is leaves * (leaf_work + depth + 1)
// hashes: the depth adds little next to leaf_work.
func BenchmarkVerifyStorageAnswer(b *testing.B) {
	const work, count = 1024, 8
	seed := sha256.Sum256([]byte("bench seed"))
	for _, n := range []uint64{1 << 10, 1_024_000, types.MaxDatasetLeaves} {
		b.Run(fmt.Sprintf("leaves=%d/depth=%d", n, types.TreeDepth(n)), func(b *testing.B) {
			indexes := types.ChallengeLeaves(seed[:], 1, n, count)
			root, proofs := datasettest.SparseProofs(benchOperator, n, work, indexes)
			verify := func() bool {
				for j, idx := range indexes {
					want := types.Leaf(benchOperator, idx, work)
					if string(proofs[j].Leaf) != string(want[:]) || !types.VerifyLeafPath(root, n, idx, want[:], proofs[j].Path) {
						return false
					}
				}
				return true
			}
			if !verify() {
				b.Fatal("the answer does not verify")
			}
			b.ReportAllocs()
			for b.Loop() {
				if !verify() {
					b.Fatal("the answer does not verify")
				}
			}
			b.ReportMetric(float64(count*(work+types.TreeDepth(n)+1)), "hashes/op")
		})
	}
}

// BenchmarkDatasetTree derives a whole dataset and builds its tree on one core, as an
// honest node does once and a node that keeps nothing would do when challenged: a worker
// declaring storage 100 at the default 1,024 leaves per unit and leaf_work 1024 (102,400
// leaves, 3.2 MiB). One iteration takes seconds; -benchtime 1x is enough.
func BenchmarkDatasetTree(b *testing.B) {
	const storage, perUnit, work = 100, 1024, 1024
	n := uint64(storage * perUnit)
	b.Run(fmt.Sprintf("storage=%d/leaves=%d/leaf_work=%d", storage, n, work), func(b *testing.B) {
		for b.Loop() {
			_, tree := types.DatasetTree(benchOperator, n, work)
			if len(tree.Root()) != types.LeafSize {
				b.Fatal("no root")
			}
		}
		b.ReportMetric(float64(n)*work*float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
}
