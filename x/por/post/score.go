package post

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
)

// A label's score for nonce j is a 64-bit number from two AES-128 evaluations keyed by the
// challenge, over the label XOR its index:
//
//	x          = label XOR (uint64be(i) || 0^8)
//	prefix     = 16-bit lane j%8 of AES(K_group(j/8), x)
//	rest       = first 48 bits of AES(K_nonce(j), x)
//	score_j(i) = prefix<<48 | rest
//
// The whole label enters both, so a node must hold every bit of it; a node scanning with
// many nonces computes one AES per 8 nonces and the second only for the rare label whose
// prefix is at most the target's, which keeps a scan near disk speed.

var scoreDomain = []byte("aegis/por/post/score/v1")

// Scorer scores labels for one challenge and a set of nonces. It keeps scratch blocks, so
// one Scorer serves one goroutine.
type Scorer struct {
	target uint64
	nonces uint32
	groups []cipher.Block
	each   []cipher.Block
	// x, g and e are scratch: AES's interface would move them to the heap on every call.
	x, g, e [16]byte
}

func scoreKey(challenge []byte, kind byte, n uint32) []byte {
	buf := make([]byte, 0, len(scoreDomain)+len(challenge)+5)
	buf = append(append(buf, scoreDomain...), challenge...)
	buf = append(buf, kind)
	buf = binary.BigEndian.AppendUint32(buf, n)
	h := sha256.Sum256(buf)
	return h[:16]
}

func newBlock(key []byte) cipher.Block {
	b, err := aes.NewCipher(key)
	if err != nil { // a 16-byte key never fails
		panic(err)
	}
	return b
}

// NewScorer prepares the keys of nonces [0, nonces) for challenge over a dataset of n
// labels with K1 = k1.
func NewScorer(challenge []byte, nonces uint32, n uint64, k1 uint32) *Scorer {
	s := &Scorer{target: Target(n, k1), nonces: nonces}
	for g := uint32(0); g*8 < nonces; g++ {
		s.groups = append(s.groups, newBlock(scoreKey(challenge, 'g', g)))
	}
	for j := uint32(0); j < nonces; j++ {
		s.each = append(s.each, newBlock(scoreKey(challenge, 'n', j)))
	}
	return s
}

// input sets s.x to label XOR (uint64be(i) || 0^8).
func (s *Scorer) input(i uint64, label []byte) {
	copy(s.x[:], label)
	binary.BigEndian.PutUint64(s.x[8:], binary.BigEndian.Uint64(s.x[8:])^i)
}

// nonceScorer scores for nonce j alone (a verifier's few labels).
func nonceScorer(challenge []byte, j uint32, n uint64, k1 uint32) *Scorer {
	s := &Scorer{target: Target(n, k1), nonces: j + 1, groups: make([]cipher.Block, j/8+1), each: make([]cipher.Block, j+1)}
	s.groups[j/8] = newBlock(scoreKey(challenge, 'g', j/8))
	s.each[j] = newBlock(scoreKey(challenge, 'n', j))
	return s
}

// Score is label i's score for nonce j.
func (s *Scorer) Score(j uint32, i uint64, label []byte) uint64 {
	s.input(i, label)
	return s.score(j)
}

// score is the score for nonce j of the label in s.x.
func (s *Scorer) score(j uint32) uint64 {
	s.groups[j/8].Encrypt(s.g[:], s.x[:])
	s.each[j].Encrypt(s.e[:], s.x[:])
	prefix := uint64(binary.BigEndian.Uint16(s.g[2*(j%8):]))
	return prefix<<48 | binary.BigEndian.Uint64(s.e[:8])>>16
}

// Passes reports whether label i passes for nonce j.
func (s *Scorer) Passes(j uint32, i uint64, label []byte) bool {
	return s.Score(j, i, label) < s.target
}

// Scan calls found(j) for every nonce j for which label i passes.
func (s *Scorer) Scan(i uint64, label []byte, found func(j uint32)) {
	for _, j := range s.AppendPassing(nil, i, label) {
		found(j)
	}
}

// AppendPassing appends to dst the nonces for which label i passes (a scan's inner loop:
// no allocation when dst has room, and almost every label passes none).
func (s *Scorer) AppendPassing(dst []uint32, i uint64, label []byte) []uint32 {
	s.input(i, label)
	limit := uint16(s.target >> 48)
	for gi, blk := range s.groups {
		blk.Encrypt(s.g[:], s.x[:])
		lanes := s.g // score overwrites s.g
		for lane := uint32(0); lane < 8; lane++ {
			j := uint32(gi)*8 + lane
			if j >= s.nonces {
				break
			}
			if binary.BigEndian.Uint16(lanes[2*lane:]) > limit {
				continue
			}
			if s.score(j) < s.target {
				dst = append(dst, j)
			}
		}
	}
	return dst
}
