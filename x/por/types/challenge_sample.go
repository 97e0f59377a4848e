package types

import (
	"crypto/sha256"
	"encoding/binary"
)

// The day's seed and everything drawn from it are hashes: deterministic on every
// validator, and unknown to a reporter when it commits its report (docs/verification.md
// on how far a block proposer can bias them).

var (
	seedDomain  = []byte("aegis/por/challenge-seed/v1")
	drawDomain  = []byte("aegis/por/challenge-draw/v1")
	valueDomain = []byte("aegis/por/challenge-value/v1")
)

// ChallengeSeed is the seed of a day's sampling, from the hash of the block that samples
// it.
func ChallengeSeed(day uint64, blockHash []byte) []byte {
	h := sha256.New()
	h.Write(seedDomain)
	h.Write(binary.BigEndian.AppendUint64(nil, day))
	h.Write(blockHash)
	return h.Sum(nil)
}

// draw is the j-th pseudo-random number of a stream named by domain, seed and key.
func draw(domain, seed []byte, key, j uint64) uint64 {
	buf := make([]byte, 0, len(domain)+len(seed)+16)
	buf = append(append(buf, domain...), seed...)
	buf = binary.BigEndian.AppendUint64(buf, key)
	buf = binary.BigEndian.AppendUint64(buf, j)
	h := sha256.Sum256(buf)
	return binary.BigEndian.Uint64(h[:8])
}

var openDomain = []byte("aegis/por/challenge-open/v1")

// Draw is the j-th pseudo-random number of the opening draws of block seed for the day
// whose first challenge id is key.
func Draw(seed []byte, key, j uint64) uint64 { return draw(openDomain, seed, key, j) }

// SampleIndexes picks k distinct indexes of [0, n) (all of them, shuffled, when k >= n) by
// a partial Fisher-Yates shuffle: O(k) time and memory whatever n is. The modulo bias is
// below n/2^64.
func SampleIndexes(seed []byte, n, k uint64) []uint64 {
	k = min(k, n)
	swapped := make(map[uint64]uint64, 2*k) // the shuffled prefix; only looked up, never ranged
	at := func(i uint64) uint64 {
		if v, ok := swapped[i]; ok {
			return v
		}
		return i
	}
	out := make([]uint64, 0, k)
	for j := uint64(0); j < k; j++ {
		r := j + draw(drawDomain, seed, 0, j)%(n-j)
		vj, vr := at(j), at(r)
		swapped[j], swapped[r] = vr, vj
		out = append(out, vr)
	}
	return out
}

// ChallengeValue is a storage challenge's value, from the seed of the block that opens it:
// unknown to the node until then, so its whole dataset must already be on disk.
func ChallengeValue(seed []byte, id uint64) []byte {
	h := sha256.New()
	h.Write(valueDomain)
	h.Write(seed)
	h.Write(binary.BigEndian.AppendUint64(nil, id))
	return h.Sum(nil)
}
