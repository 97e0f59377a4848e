package post

import (
	"crypto/sha256"
	"encoding/binary"
)

var recheckDomain = []byte("aegis/por/post/recheck/v1")

// RecheckPositions picks which of a proof's k2 indexes the chain recomputes: rechecks
// distinct positions drawn from the challenge, the proof and draw, a hash the prover did not
// know when it sent the proof (the hash of the block that includes it).
func RecheckPositions(challenge, draw []byte, nonce uint32, packed []byte, k2, rechecks uint32) []int {
	h := sha256.New()
	h.Write(recheckDomain)
	h.Write(challenge)
	h.Write(draw)
	h.Write(binary.BigEndian.AppendUint32(nil, nonce))
	h.Write(packed)
	seed := h.Sum(nil)
	rechecks = min(rechecks, k2)
	pos := make([]int, k2)
	for i := range pos {
		pos[i] = i
	}
	var buf [40]byte
	copy(buf[:32], seed)
	for j := uint32(0); j < rechecks; j++ {
		binary.BigEndian.PutUint64(buf[32:], uint64(j))
		r := sha256.Sum256(buf[:])
		k := j + uint32(binary.BigEndian.Uint64(r[:8])%uint64(k2-j))
		pos[j], pos[k] = pos[k], pos[j]
	}
	return pos[:rechecks]
}

// Recheck recomputes the labels at positions of a proof of the dataset with seed and
// counts those that do not pass for the proof's nonce.
func Recheck(seed, challenge []byte, p Params, n uint64, proof Proof, positions []int) (failed int) {
	s := nonceScorer(challenge, proof.Nonce, n, p.K1)
	for _, at := range positions {
		i := proof.Indexes[at]
		label := Label(seed, i, p.ScryptN)
		if !s.Passes(proof.Nonce, i, label[:]) {
			failed++
		}
	}
	return failed
}
