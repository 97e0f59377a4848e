package compute

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/aegis-chain/aegis/testutil/odds"
)

// testSamples is what the chain's default params recompute (x/por/types
// DefaultComputeProofParams); the tests check the acceptance figures at it.
const testSamples = 10

// TestPartialCompute: a prover that computed a fraction of its tiles and made up the rest
// commits the root of both, then reveals for draws from random block hashes. It passes only
// when every drawn tile is one it computed: docs/verification.md's figures.
func TestPartialCompute(t *testing.T) {
	const tiles = 4096
	trials := 1000
	if testing.Short() {
		trials = 300
	}
	seed := Seed([]byte("value"), []byte("operator"), 1)
	r := rand.New(rand.NewPCG(7, 11))
	for _, tc := range []struct {
		name   string
		kept   uint64
		target float64 // the acceptance figure: passes at most this often
	}{
		{"honest", tiles, 1},
		{"75% of the tiles", tiles * 3 / 4, 0.10},
		{"declares 2x, window 1.25x: 62.5%", tiles * 5 / 8, 0.01},
	} {
		c := partialCommitment(t, seed, tiles, tc.kept, r)
		passed := 0
		for range trials {
			var block [32]byte
			binary.BigEndian.PutUint64(block[:], r.Uint64())
			idx := Draw([]byte("value"), block[:], c.Root[:], tiles, testSamples)
			paths, err := c.Paths(Reference{}, idx)
			if err != nil {
				t.Fatal(err)
			}
			wrong, err := Check(&seed, tiles, c.Root[:], idx, paths)
			if err != nil {
				t.Fatal(err)
			}
			if wrong == 0 {
				passed++
			}
		}
		rate := float64(passed) / float64(trials)
		want := odds.ComputePass(tc.kept, tiles, testSamples)
		t.Logf("%s: passed %d of %d (%.2f%%); formula %.3f%%", tc.name, passed, trials, 100*rate, 100*want)
		if want > tc.target {
			t.Errorf("%s: the formula gives %.4f, over the target %.2f", tc.name, want, tc.target)
		}
		if tc.kept == tiles && passed != trials {
			t.Errorf("honest prover failed %d of %d", trials-passed, trials)
		}
		if sigma := 4 * math.Sqrt(want*(1-want)/float64(trials)); rate > want+sigma+1e-9 || rate < want-sigma-1e-9 {
			t.Errorf("%s: measured %.4f, outside the formula's %.4f ± %.4f", tc.name, rate, want, sigma)
		}
	}
}

// partialCommitment commits tiles of which only kept (at random) are computed; the other
// leaves are random hashes.
func partialCommitment(t *testing.T, seed [32]byte, tiles, kept uint64, r *rand.Rand) *Commitment {
	t.Helper()
	leaves := make([][HashSize]byte, tiles)
	var a, b Matrix
	var p Product
	for j, i := range r.Perm(int(tiles)) {
		if uint64(j) < kept {
			leaves[i] = TileLeaf(Reference{}, &seed, uint64(i), &a, &b, &p)
		} else {
			leaves[i] = sha256.Sum256(binary.BigEndian.AppendUint64(nil, r.Uint64()))
		}
	}
	c := &Commitment{Seed: seed, Tiles: tiles}
	c.keep(leaves)
	return c
}
