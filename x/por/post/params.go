package post

import (
	"errors"
	"fmt"
	"math/bits"
)

// Bounds on the parameters: they keep one verification under the chain's gas cap and a
// proof under MaxProofBytes.
const (
	MinScryptN    = 2
	MaxScryptN    = 1 << 14
	MaxK2         = 256
	MaxNonces     = 256
	MaxRechecks   = 64
	MaxLabels     = 1 << 39 // 8 TiB of labels: a proof's indexes take at most 39 bits each
	MaxProofBytes = 512
)

// Params size a proof: the label's memory-hard cost, the expected passing labels per
// nonce (K1), the labels a proof lists (K2 > K1 makes a partial dataset fail), the nonces a
// scan may try, and the labels the chain recomputes.
type Params struct {
	ScryptN  uint32
	K1       uint32
	K2       uint32
	Nonces   uint32
	Rechecks uint32
}

// Validate checks p on its own; MinLabels gives the smallest dataset it can prove.
func (p Params) Validate() error {
	switch {
	case p.ScryptN < MinScryptN || p.ScryptN > MaxScryptN || bits.OnesCount32(p.ScryptN) != 1:
		return fmt.Errorf("label_scrypt_n must be a power of two in [%d, %d], got %d", MinScryptN, MaxScryptN, p.ScryptN)
	case p.K1 == 0:
		return errors.New("proof_k1 must be positive")
	case p.K2 < p.K1 || p.K2 > MaxK2:
		return fmt.Errorf("proof_k2 must be in [proof_k1 = %d, %d], got %d", p.K1, MaxK2, p.K2)
	case p.Nonces == 0 || p.Nonces > MaxNonces:
		return fmt.Errorf("proof_nonces must be in [1, %d], got %d", MaxNonces, p.Nonces)
	case p.Rechecks == 0 || p.Rechecks > p.K2 || p.Rechecks > MaxRechecks:
		return fmt.Errorf("proof_rechecks must be in [1, min(proof_k2, %d)], got %d", MaxRechecks, p.Rechecks)
	case ProofBytes(p.K2, MaxLabels) > MaxProofBytes:
		return fmt.Errorf("proof_k2 %d makes a proof of a %d-label dataset %d bytes, over %d", p.K2, uint64(MaxLabels), ProofBytes(p.K2, MaxLabels), MaxProofBytes)
	}
	return nil
}

// MinLabels is the smallest dataset p proves: 16·K2 labels, so that K1 of them passing per
// nonce is a rare event (the binomial counts the analysis assumes).
func (p Params) MinLabels() uint64 { return 16 * uint64(p.K2) }

// CheckLabels checks that a dataset of n labels can be proven with p.
func (p Params) CheckLabels(n uint64) error {
	if n < p.MinLabels() || n > MaxLabels {
		return fmt.Errorf("a dataset must have between %d and %d labels, got %d", p.MinLabels(), uint64(MaxLabels), n)
	}
	return nil
}

// Target is the score below which a label passes for a nonce: K1/n of 2^64, so that about
// K1 of n labels pass for each nonce.
func Target(n uint64, k1 uint32) uint64 {
	if n <= uint64(k1) {
		return ^uint64(0)
	}
	q, _ := bits.Div64(uint64(k1), 0, n) // floor(k1·2^64 / n); k1 < n so no overflow
	return q
}

// IndexBits is the width of one packed index of a dataset of n labels.
func IndexBits(n uint64) int {
	if n <= 1 {
		return 1
	}
	return bits.Len64(n - 1)
}

// ProofBytes is the size of a proof of k2 indexes of a dataset of n labels: the nonce and
// the packed indexes.
func ProofBytes(k2 uint32, n uint64) int { return 4 + (int(k2)*IndexBits(n)+7)/8 }

// DefaultParams are the recommended values (docs/verification.md derives them): scrypt at
// 32 KiB a label, 96 labels expected per nonce, 104 in a proof, 32 nonces a scan and 20
// labels recomputed by the chain. With them an honest node fails about 1 proof in 2,800, a
// node keeping 75% of its labels passes about 8%, one keeping 50% about 3 in 100,000.
func DefaultParams() Params {
	return Params{ScryptN: 256, K1: 96, K2: 104, Nonces: 32, Rechecks: 20}
}
