package compute

import (
	"context"
	"crypto/aes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"testing"
)

func randomMatrices(r *rand.Rand) (a, b Matrix) {
	for i := range a {
		a[i], b[i] = int8(r.Uint32()), int8(r.Uint32())
	}
	return a, b
}

// TestReferenceIsExact: the packed kernel equals the textbook product, extremes included
// (all -128 gives the largest column sum, 2^20; -128 against 127 the most negative).
func TestReferenceIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := map[string]func() (Matrix, Matrix){
		"random": func() (Matrix, Matrix) { return randomMatrices(r) },
		"-128 · -128": func() (a, b Matrix) {
			for i := range a {
				a[i], b[i] = -128, -128
			}
			return
		},
		"-128 · 127": func() (a, b Matrix) {
			for i := range a {
				a[i], b[i] = -128, 127
			}
			return
		},
		"alternating": func() (a, b Matrix) {
			for i := range a {
				a[i], b[i] = int8(-128+255*(i%2)), int8(127-255*(i/Dim%2))
			}
			return
		},
	}
	for name, mk := range cases {
		for range 20 {
			a, b := mk()
			var want, got Product
			naive(&a, &b, &want)
			Reference{}.Mul(&a, &b, &got)
			if want != got {
				t.Fatalf("%s: reference kernel differs from the textbook product", name)
			}
		}
	}
}

// TestTileFollowsTheSpec computes a leaf from the package doc's definition, written out
// again here (AES block by block, the textbook product), and pins it: a change to the
// derivation changes every proof.
func TestTileFollowsTheSpec(t *testing.T) {
	value, operator := []byte("value"), []byte("operator")
	seedIn := append(append([]byte("aegis/por/compute/seed/v1"), value...), operator...)
	seed := sha256.Sum256(append(seedIn, 0, 0, 0, 1))
	if seed != Seed(value, operator, 1) {
		t.Fatal("seed")
	}
	const j = 7
	key := sha256.Sum256(append(append([]byte("aegis/por/compute/tile/v1"), seed[:]...), 0, 0, 0, 0, 0, 0, 0, j))
	block, _ := aes.NewCipher(key[:])
	var stream []byte
	for ctr := 0; len(stream) < 2*Dim*Dim; ctr++ {
		var in, out [16]byte
		binary.BigEndian.PutUint64(in[8:], uint64(ctr))
		block.Encrypt(out[:], in[:])
		stream = append(stream, out[:]...)
	}
	var a, b Matrix
	for i := range a {
		a[i], b[i] = int8(stream[i]), int8(stream[Dim*Dim+i])
	}
	var p Product
	naive(&a, &b, &p)
	leafIn := []byte{0, 0, 0, 0, 0, 0, 0, 0, j}
	for _, v := range p {
		leafIn = binary.BigEndian.AppendUint32(leafIn, uint32(v))
	}
	want := sha256.Sum256(leafIn)
	var a2, b2 Matrix
	var p2 Product
	if got := TileLeaf(Reference{}, &seed, j, &a2, &b2, &p2); got != want {
		t.Fatal("TileLeaf differs from the spec")
	}
	const pinned = "01c05f840243650dcb10244828a5865ebbaa715a3f843665d92872792fb4ea40"
	if got := hex.EncodeToString(sumOf(want, seed)); got != pinned {
		t.Fatalf("the tile derivation changed: got %s, want %s", got, pinned)
	}
}

func sumOf(leaf, seed [32]byte) []byte {
	s := sha256.Sum256(append(leaf[:], seed[:]...))
	return s[:]
}

// TestCommitAndReveal: an honest commitment's paths verify for every tile, at sizes that
// keep every leaf and sizes that recompute subtrees, and Check finds nothing wrong.
func TestCommitAndReveal(t *testing.T) {
	seed := Seed([]byte("v"), []byte("op"), 1)
	for _, tiles := range []uint64{1, 2, 3, 5, 8, 33, 100} {
		c, err := Commit(context.Background(), Reference{}, 2, seed, tiles)
		if err != nil {
			t.Fatal(err)
		}
		all := make([]uint64, tiles)
		for i := range all {
			all[i] = uint64(i)
		}
		paths, err := c.Paths(Reference{}, all)
		if err != nil {
			t.Fatal(err)
		}
		wrong, err := Check(&seed, tiles, c.Root[:], all, paths)
		if err != nil || wrong != 0 {
			t.Fatalf("%d tiles: honest reveal: wrong %d, err %v", tiles, wrong, err)
		}
		// Another seed's tiles do not verify against this root.
		other := Seed([]byte("w"), []byte("op"), 1)
		if wrong, _ := Check(&other, tiles, c.Root[:], all, paths); wrong != int(tiles) {
			t.Fatalf("%d tiles: another seed verified %d tiles", tiles, int(tiles)-wrong)
		}
	}
}

// TestSubtreeRecompute: a commitment large enough to keep subtree roots only (level > 0)
// gives the same root and paths as one that keeps every leaf.
func TestSubtreeRecompute(t *testing.T) {
	seed := Seed([]byte("v"), []byte("op"), 2)
	const tiles = 1000
	c, err := Commit(context.Background(), Reference{}, 2, seed, tiles)
	if err != nil {
		t.Fatal(err)
	}
	c2 := &Commitment{Seed: seed, Tiles: tiles, level: 3}
	leaves := make([][HashSize]byte, 8)
	var a, b Matrix
	var p Product
	roots := make([][HashSize]byte, (tiles+7)/8)
	for s := range roots {
		roots[s] = c2.subtree(Reference{}, uint64(s), leaves, &a, &b, &p)
	}
	c2.keep(roots)
	if c2.Root != c.Root {
		t.Fatal("kept-subtree root differs from the full root")
	}
	idx := []uint64{0, 1, 7, 8, 511, 512, 998, 999}
	want, _ := c.Paths(Reference{}, idx)
	got, err := c2.Paths(Reference{}, idx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range idx {
		if string(got[i]) != string(want[i]) {
			t.Fatalf("tile %d: path differs", idx[i])
		}
	}
}

// TestCheckRefusesMalformed: wrong counts and lengths are errors, not wrong tiles.
func TestCheckRefusesMalformed(t *testing.T) {
	seed := Seed([]byte("v"), []byte("op"), 1)
	c, err := Commit(context.Background(), Reference{}, 1, seed, 16)
	if err != nil {
		t.Fatal(err)
	}
	idx := []uint64{3, 9}
	paths, _ := c.Paths(Reference{}, idx)
	for name, tc := range map[string]struct {
		root  []byte
		paths [][]byte
	}{
		"short root":     {c.Root[:31], paths},
		"one path short": {c.Root[:], paths[:1]},
		"extra path":     {c.Root[:], append(paths, paths[0])},
		"path truncated": {c.Root[:], [][]byte{paths[0], paths[1][:HashSize]}},
		"path too long":  {c.Root[:], [][]byte{paths[0], append(paths[1], make([]byte, HashSize)...)}},
	} {
		if _, err := Check(&seed, 16, tc.root, idx, tc.paths); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDraw(t *testing.T) {
	d := Draw([]byte("v"), []byte("h"), []byte("r"), 1<<30, 10)
	if len(d) != 10 {
		t.Fatalf("drew %d", len(d))
	}
	for i := 1; i < len(d); i++ {
		if d[i] <= d[i-1] {
			t.Fatalf("not strictly ascending: %v", d)
		}
	}
	if got := Draw([]byte("v"), []byte("h"), []byte("r"), 3, 10); len(got) != 3 || got[2] != 2 {
		t.Fatalf("few tiles: %v", got)
	}
	if got := Draw([]byte("v"), []byte("h"), []byte("r"), 12, 10); len(got) != 10 {
		t.Fatalf("distinct draw of 10 of 12: %v", got)
	}
	if a, b := Draw([]byte("v"), []byte("h"), []byte("r"), 1<<20, 10), Draw([]byte("v"), []byte("h2"), []byte("r"), 1<<20, 10); slices.Equal(a, b) {
		t.Fatal("another block hash drew the same tiles")
	}
}

func TestTiles(t *testing.T) {
	for _, tc := range []struct {
		c, rate uint64
		secs    uint32
		want    uint64
	}{
		{1, 1000, 120, 120_000},
		{300, 1000, 120, 36_000_000},
		{0, 1000, 120, 0},
		{1 << 40, 1000, 120, MaxTiles},
		{^uint64(0), ^uint64(0), ^uint32(0), MaxTiles},
	} {
		if got := Tiles(tc.c, tc.rate, tc.secs); got != tc.want {
			t.Errorf("Tiles(%d, %d, %d) = %d, want %d", tc.c, tc.rate, tc.secs, got, tc.want)
		}
	}
}

// naive is the textbook product, for tests.
func naive(a, b *Matrix, t *Product) {
	for i := range Dim {
		for j := range Dim {
			var s int32
			for k := range Dim {
				s += int32(a[i*Dim+k]) * int32(b[k*Dim+j])
			}
			t[i*Dim+j] = s
		}
	}
}
