// Package post is the scan-based proof of space-time behind x/por's storage challenges:
// labels a node derives once and keeps, the scan that answers a challenge, and the few label
// recomputations that let the chain check an answer. It is pure (no state, no SDK), shared
// by the chain and aegis-node. docs/verification.md gives the reasoning and the figures.
//
// A (node, role) dataset is N labels of LabelSize bytes:
//
//	seed     = SHA256("aegis/por/post/seed/v1" || operator || int32be(role) || uint64be(nonce))
//	label(i) = scrypt(password = seed, salt = uint64be(i), N = scrypt_n, r = 1, p = 1, 16 bytes)
//
// so operator A's labels never verify for operator B, and the chain recomputes any label
// from its index: no Merkle tree is needed.
package post

import (
	"crypto/sha256"
	"encoding/binary"

	"golang.org/x/crypto/scrypt"
)

// LabelSize is the size of one label on disk.
const LabelSize = 16

var seedDomain = []byte("aegis/por/post/seed/v1")

// Seed is the seed of operator's dataset for role under the nonce its report committed.
func Seed(operator []byte, role int32, nonce uint64) [32]byte {
	buf := make([]byte, 0, len(seedDomain)+len(operator)+12)
	buf = append(append(buf, seedDomain...), operator...)
	buf = binary.BigEndian.AppendUint32(buf, uint32(role))
	buf = binary.BigEndian.AppendUint64(buf, nonce)
	return sha256.Sum256(buf)
}

// Label derives label i of the dataset with seed. scryptN must be a power of two >= 2
// (Params.Validate); the memory it takes is 128·scryptN bytes.
func Label(seed []byte, i uint64, scryptN uint32) [LabelSize]byte {
	var salt [8]byte
	binary.BigEndian.PutUint64(salt[:], i)
	k, err := scrypt.Key(seed, salt[:], int(scryptN), 1, 1, LabelSize)
	if err != nil { // only for parameters Validate refuses
		panic("post: " + err.Error())
	}
	var out [LabelSize]byte
	copy(out[:], k)
	return out
}
