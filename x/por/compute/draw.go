package compute

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"slices"
)

var drawDomain = []byte("aegis/por/compute/draw/v1")

// Draw picks the tiles a committed root must reveal: min(samples, tiles) distinct indexes
// in [0, tiles), ascending, from the challenge value, the committed root and a hash the
// prover did not know when it committed (the hash of the block that includes the commit).
func Draw(value, blockHash, root []byte, tiles uint64, samples uint32) []uint64 {
	if tiles <= uint64(samples) {
		out := make([]uint64, tiles)
		for i := range out {
			out[i] = uint64(i)
		}
		return out
	}
	h := sha256.New()
	h.Write(drawDomain)
	h.Write(value)
	h.Write(blockHash)
	h.Write(root)
	var buf [HashSize + 8]byte
	h.Sum(buf[:0])
	out := make([]uint64, 0, samples)
	for c := uint64(0); len(out) < int(samples); c++ {
		binary.BigEndian.PutUint64(buf[HashSize:], c)
		r := sha256.Sum256(buf[:])
		j, _ := bits.Mul64(binary.BigEndian.Uint64(r[:8]), tiles) // uniform up to tiles/2^64
		if !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	slices.Sort(out)
	return out
}
