// Package compute is the proof behind x/por's compute challenges: verifiable int8 matrix
// work sized to a pair's declared compute. It is pure (no state, no SDK), shared by the
// chain and aegis-node. docs/verification.md gives the reasoning and the figures.
//
// A challenge with value v asks operator's role for W tiles. Tile j is the int8 product
//
//	seed   = SHA256("aegis/por/compute/seed/v1" || v || operator || int32be(role))
//	A_j,B_j = AES-256-CTR(key = SHA256("aegis/por/compute/tile/v1" || seed || uint64be(j)), iv = 0)
//	          over 2·Dim² bytes: A_j the first Dim² (row-major int8), B_j the rest
//	T_j    = A_j · B_j, accumulated in int32 (exact: |T_j[i][k]| < 2^21)
//	leaf_j = SHA256(0x00 || uint64be(j) || T_j as int32be, row-major)
//
// The node commits the Merkle root of the W leaves (padded with zero hashes to a power of
// two, inner nodes SHA256(0x01 || left || right)); the chain then draws Samples tile
// indexes from a later block's hash, the node reveals their Merkle paths, and the chain
// recomputes those tiles and checks the paths. A node that computed a fraction f of the
// tiles passes with probability below f^Samples.
package compute

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
)

// Dim is a tile's side: a tile is Dim×Dim int8 times Dim×Dim int8.
const Dim = 64

// MACsPerTile is the multiply-accumulates of one tile (2^18).
const MACsPerTile = Dim * Dim * Dim

// Matrix is a Dim×Dim int8 matrix, row-major.
type Matrix [Dim * Dim]int8

// Product is a Dim×Dim int32 matrix, row-major.
type Product [Dim * Dim]int32

var (
	seedDomain = []byte("aegis/por/compute/seed/v1")
	tileDomain = []byte("aegis/por/compute/tile/v1")
)

// Seed is the seed of the tiles a challenge with value asks of operator's role.
func Seed(value, operator []byte, role int32) [32]byte {
	buf := make([]byte, 0, len(seedDomain)+len(value)+len(operator)+4)
	buf = append(append(append(buf, seedDomain...), value...), operator...)
	buf = binary.BigEndian.AppendUint32(buf, uint32(role))
	return sha256.Sum256(buf)
}

// Expand fills a and b, tile j's operands under seed.
func Expand(seed *[32]byte, j uint64, a, b *Matrix) {
	var in [len("aegis/por/compute/tile/v1") + 32 + 8]byte
	n := copy(in[:], tileDomain)
	n += copy(in[n:], seed[:])
	binary.BigEndian.PutUint64(in[n:], j)
	key := sha256.Sum256(in[:])
	block, err := aes.NewCipher(key[:])
	if err != nil { // a 32-byte key is always valid
		panic("compute: " + err.Error())
	}
	var iv [aes.BlockSize]byte
	var buf [2 * Dim * Dim]byte
	cipher.NewCTR(block, iv[:]).XORKeyStream(buf[:], buf[:])
	for i := range a {
		a[i] = int8(buf[i])
		b[i] = int8(buf[Dim*Dim+i])
	}
}

// Leaf is the Merkle leaf of tile j with product t.
func Leaf(j uint64, t *Product) [32]byte {
	var buf [1 + 8 + 4*Dim*Dim]byte
	binary.BigEndian.PutUint64(buf[1:], j)
	for i, v := range t {
		binary.BigEndian.PutUint32(buf[9+4*i:], uint32(v))
	}
	return sha256.Sum256(buf[:])
}

// TileLeaf computes tile j under seed with kernel k and returns its leaf; a, b and t are
// scratch space.
func TileLeaf(k Kernel, seed *[32]byte, j uint64, a, b *Matrix, t *Product) [32]byte {
	Expand(seed, j, a, b)
	k.Mul(a, b, t)
	return Leaf(j, t)
}
