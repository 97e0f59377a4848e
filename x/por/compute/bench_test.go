package compute

import (
	"context"
	"testing"
)

// BenchmarkTile is one tile as a prover computes it: expansion, product, leaf.
func BenchmarkTile(b *testing.B) {
	seed := Seed([]byte("v"), []byte("op"), 1)
	var x, y Matrix
	var p Product
	b.SetBytes(MACsPerTile) // "MB/s" reads as M MAC/s
	for i := 0; b.Loop(); i++ {
		TileLeaf(Reference{}, &seed, uint64(i), &x, &y, &p)
	}
}

// BenchmarkMul is the reference kernel alone.
func BenchmarkMul(b *testing.B) {
	seed := Seed([]byte("v"), []byte("op"), 1)
	var x, y Matrix
	var p Product
	Expand(&seed, 0, &x, &y)
	b.SetBytes(MACsPerTile)
	for b.Loop() {
		Reference{}.Mul(&x, &y, &p)
	}
}

// BenchmarkCheck is the chain's check of one honest reveal at the default 10 samples, in a
// tree of 2^10 tiles.
func BenchmarkCheck(b *testing.B) {
	seed := Seed([]byte("v"), []byte("op"), 1)
	const tiles = 1 << 10
	c, err := Commit(context.Background(), Reference{}, 2, seed, tiles)
	if err != nil {
		b.Fatal(err)
	}
	idx := Draw([]byte("v"), []byte("block"), c.Root[:], tiles, testSamples)
	paths, err := c.Paths(Reference{}, idx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if wrong, err := Check(&seed, tiles, c.Root[:], idx, paths); err != nil || wrong != 0 {
			b.Fatal(wrong, err)
		}
	}
}

// BenchmarkCheckDeep is the same check in a tree of 2^26 tiles (what a 300-unit pair
// computes in two minutes at the default rate): made-up paths of that depth cost the same
// to hash as real ones, and none verifies.
func BenchmarkCheckDeep(b *testing.B) {
	seed := Seed([]byte("v"), []byte("op"), 1)
	const tiles = 1 << 26
	root := make([]byte, HashSize)
	idx := Draw([]byte("v"), []byte("block"), root, tiles, testSamples)
	paths := make([][]byte, len(idx))
	for i := range paths {
		paths[i] = make([]byte, PathBytes(tiles))
	}
	for b.Loop() {
		if wrong, err := Check(&seed, tiles, root, idx, paths); err != nil || wrong != testSamples {
			b.Fatal(wrong, err)
		}
	}
}
