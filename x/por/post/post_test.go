package post_test

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/testutil/odds"
	"github.com/aegis-chain/aegis/x/por/post"
)

// testParams are the default proof sizes with the cheapest label, so that a test derives
// thousands of labels in milliseconds: the pass and fail odds do not depend on ScryptN.
func testParams() post.Params {
	p := post.DefaultParams()
	p.ScryptN = 2
	return p
}

func dataset(seed [32]byte, n uint64, scryptN uint32) [][post.LabelSize]byte {
	out := make([][post.LabelSize]byte, n)
	for i := range out {
		out[i] = post.Label(seed[:], uint64(i), scryptN)
	}
	return out
}

func challengeValue(k uint64) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("test-challenge"), k))
	return h[:]
}

// prove scans the labels kept (nil entries are deleted) for challenge.
func prove(ch []byte, p post.Params, labels [][post.LabelSize]byte, kept []bool) *post.Prover {
	pr := post.NewProver(ch, p, uint64(len(labels)))
	for i := range labels {
		if kept == nil || kept[i] {
			pr.Add(uint64(i), labels[i][:])
		}
	}
	return pr
}

func TestDefaultParamsMeetTheTargets(t *testing.T) {
	p := post.DefaultParams()
	require.NoError(t, p.Validate())
	require.Less(t, odds.HonestFailure(p), 1e-3, "an honest node fails fewer than 1 proof in 1,000")
	require.LessOrEqual(t, odds.PartialPass(0.75, p), 0.10, "75%% of the labels passes at most 10%%")
	require.LessOrEqual(t, odds.PartialPass(0.5, p), 1e-4, "50%% of the labels passes at most 1 in 10,000")
	require.LessOrEqual(t, post.ProofBytes(p.K2, post.MaxLabels), post.MaxProofBytes)
	t.Logf("honest failure %.2e, 75%%: %.4f, 50%%: %.2e, 90%%: %.3f, proof of 2^30 labels: %d bytes",
		odds.HonestFailure(p), odds.PartialPass(0.75, p), odds.PartialPass(0.5, p), odds.PartialPass(0.9, p), post.ProofBytes(p.K2, 1<<30))
}

func TestParamsValidate(t *testing.T) {
	ok := post.DefaultParams()
	for name, mut := range map[string]func(*post.Params){
		"scrypt n not a power of two": func(p *post.Params) { p.ScryptN = 300 },
		"scrypt n too small":          func(p *post.Params) { p.ScryptN = 1 },
		"scrypt n too large":          func(p *post.Params) { p.ScryptN = 1 << 15 },
		"k1 zero":                     func(p *post.Params) { p.K1 = 0 },
		"k2 below k1":                 func(p *post.Params) { p.K2 = p.K1 - 1 },
		"k2 too large for a proof":    func(p *post.Params) { p.K2 = 200 },
		"no nonces":                   func(p *post.Params) { p.Nonces = 0 },
		"no rechecks":                 func(p *post.Params) { p.Rechecks = 0 },
		"rechecks above k2":           func(p *post.Params) { p.K1, p.K2, p.Rechecks = 4, 4, 5 },
	} {
		p := ok
		mut(&p)
		require.Error(t, p.Validate(), name)
	}
}

func TestIndexesRoundTripAndRefusals(t *testing.T) {
	n := uint64(1<<20 + 3)
	idx := []uint64{0, 5, 77, 1 << 19, n - 1}
	b := post.EncodeIndexes(idx, n)
	require.Len(t, b, (5*21+7)/8)
	got, err := post.DecodeIndexes(b, n, 5)
	require.NoError(t, err)
	require.Equal(t, idx, got)

	_, err = post.DecodeIndexes(b, n, 4)
	require.ErrorContains(t, err, "take")
	_, err = post.DecodeIndexes(post.EncodeIndexes([]uint64{3, 3}, n), n, 2)
	require.ErrorContains(t, err, "strictly increasing")
	_, err = post.DecodeIndexes(post.EncodeIndexes([]uint64{9, 3}, n), n, 2)
	require.ErrorContains(t, err, "strictly increasing")
	_, err = post.DecodeIndexes(post.EncodeIndexes([]uint64{1, n}, n+1), n, 2)
	require.ErrorContains(t, err, "outside the dataset")
	bad := post.EncodeIndexes([]uint64{1}, n)
	bad[len(bad)-1] |= 1
	_, err = post.DecodeIndexes(bad, n, 1)
	require.ErrorContains(t, err, "padding")
}

func TestHonestProofVerifiesAndOnlyForItsOwner(t *testing.T) {
	p := testParams()
	n := p.MinLabels() * 4
	opA, opB := []byte("operator-A-address-bytes"), []byte("operator-B-address-bytes")
	seedA, seedB := post.Seed(opA, 1, 0), post.Seed(opB, 1, 0)
	require.NotEqual(t, seedA, post.Seed(opA, 2, 0), "each role has its own dataset")
	require.NotEqual(t, seedA, post.Seed(opA, 1, 1), "a new nonce is a new dataset")
	labels := dataset(seedA, n, p.ScryptN)
	ch := challengeValue(1)
	proof, ok := prove(ch, p, labels, nil).Proof()
	require.True(t, ok)
	require.Len(t, proof.Indexes, int(p.K2))
	packed := post.EncodeIndexes(proof.Indexes, n)
	pos := post.RecheckPositions(ch, []byte("block hash"), proof.Nonce, packed, p.K2, p.Rechecks)
	require.Len(t, pos, int(p.Rechecks))
	require.Zero(t, post.Recheck(seedA[:], ch, p, n, proof, pos))
	// Every position is rechecked once at most, and a full recheck passes too.
	all := post.RecheckPositions(ch, nil, proof.Nonce, packed, p.K2, p.K2)
	seen := map[int]bool{}
	for _, at := range all {
		require.False(t, seen[at])
		seen[at] = true
	}
	require.Zero(t, post.Recheck(seedA[:], ch, p, n, proof, all))

	// Operator A's proof does not verify for B, nor for another challenge: B's labels at
	// those indexes pass only by chance (K1 in n of them).
	require.Greater(t, post.Recheck(seedB[:], ch, p, n, proof, all), int(p.K2)*9/10)
	require.Greater(t, post.Recheck(seedA[:], challengeValue(2), p, n, proof, all), int(p.K2)*9/10)
}

// TestPartialStorage deletes labels for real and counts passes over many challenges, the
// cheater playing its best: its fullest nonce, padded with indexes it does not hold.
func TestPartialStorage(t *testing.T) {
	p := testParams()
	n := uint64(1 << 14)
	seed := post.Seed([]byte("operator"), 1, 7)
	labels := dataset(seed, n, p.ScryptN)
	rng := rand.New(rand.NewPCG(1, 2))
	keep := func(f float64) []bool {
		kept := make([]bool, n)
		for i := range kept {
			kept[i] = rng.Float64() < f
		}
		return kept
	}
	run := func(f float64, challenges int) (passed int) {
		kept := keep(f)
		for c := range challenges {
			ch := challengeValue(uint64(c) + uint64(f*1e6))
			pr := prove(ch, p, labels, kept)
			proof, ok := pr.Proof()
			if !ok {
				proof = pad(pr, p, n, rng)
			}
			packed := post.EncodeIndexes(proof.Indexes, n)
			pos := post.RecheckPositions(ch, binary.BigEndian.AppendUint64(nil, rng.Uint64()), proof.Nonce, packed, p.K2, p.Rechecks)
			if post.Recheck(seed[:], ch, p, n, proof, pos) == 0 {
				passed++
			}
		}
		return passed
	}
	honest := run(1, 1000)
	partial75 := run(0.75, 2000)
	partial50 := run(0.5, 2000)
	t.Logf("passed: honest %d/1000 (formula fails %.1e), 75%% %d/2000 (formula %.3f), 50%% %d/2000 (formula %.1e)",
		honest, odds.HonestFailure(p), partial75, odds.PartialPass(0.75, p), partial50, odds.PartialPass(0.5, p))
	require.GreaterOrEqual(t, honest, 998)
	require.LessOrEqual(t, partial75, 200, "75% of the labels passes at most 10%")
	require.Zero(t, partial50, "50% of the labels passes at most 1 in 10,000")
}

// pad completes the cheater's fullest nonce with indexes it does not hold.
func pad(pr *post.Prover, p post.Params, n uint64, rng *rand.Rand) post.Proof {
	best, bestJ := []uint64(nil), uint32(0)
	for j := range p.Nonces {
		if got := pr.Found(j); len(got) > len(best) {
			best, bestJ = got, j
		}
	}
	have := map[uint64]bool{}
	for _, i := range best {
		have[i] = true
	}
	for len(have) < int(p.K2) {
		have[rng.Uint64N(n)] = true
	}
	idx := make([]uint64, 0, len(have))
	for i := range have {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return post.Proof{Nonce: bestJ, Indexes: idx}
}
