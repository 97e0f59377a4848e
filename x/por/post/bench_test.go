package post_test

import (
	"testing"

	"github.com/aegis-chain/aegis/x/por/post"
)

// BenchmarkLabel is one label at the default cost: a node's build rate per core and the
// chain's cost of one recheck.
func BenchmarkLabel(b *testing.B) {
	seed := post.Seed([]byte("operator"), 1, 0)
	p := post.DefaultParams()
	b.SetBytes(post.LabelSize)
	for i := 0; b.Loop(); i++ {
		post.Label(seed[:], uint64(i), p.ScryptN)
	}
}

// BenchmarkVerify is the chain's check of one proof: the recheck draw and Rechecks labels.
func BenchmarkVerify(b *testing.B) {
	p := post.DefaultParams()
	n := uint64(1 << 30)
	seed := post.Seed([]byte("operator"), 1, 0)
	proof := post.Proof{Nonce: 3, Indexes: make([]uint64, p.K2)}
	for i := range proof.Indexes {
		proof.Indexes[i] = uint64(i) * (n / uint64(p.K2))
	}
	ch := []byte("challenge")
	packed := post.EncodeIndexes(proof.Indexes, n)
	for b.Loop() {
		idx, _ := post.DecodeIndexes(packed, n, p.K2)
		pos := post.RecheckPositions(ch, []byte("block"), proof.Nonce, packed, p.K2, p.Rechecks)
		post.Recheck(seed[:], ch, p, n, post.Proof{Nonce: proof.Nonce, Indexes: idx}, pos)
	}
}

// BenchmarkScan is a node's scoring of one label for every nonce of a scan.
func BenchmarkScan(b *testing.B) {
	p := post.DefaultParams()
	pr := post.NewProver([]byte("challenge"), p, 1<<30)
	var label [post.LabelSize]byte
	b.SetBytes(post.LabelSize)
	for i := 0; b.Loop(); i++ {
		label[0], label[1] = byte(i), byte(i>>8)
		pr.Add(uint64(i), label[:])
	}
}
