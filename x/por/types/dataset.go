package types

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// A node's dataset is n leaves of 32 bytes derived from its operator address, committed by
// a binary Merkle tree (docs/verification.md):
//
//	leaf(i)   = SHA256^work("aegis/por/leaf/v1" || operator || uint64be(i))
//	leafHash  = SHA256(0x00 || leaf)
//	node      = SHA256(0x01 || left || right)
//
// The tree is padded to a power of two with PadLeafHash. Deriving a leaf costs `work`
// hashes, so regenerating a dataset costs n*work hashes while verifying an answer costs
// leaves*work: the chain checks what it asks for, the node pays to fake all of it.

// LeafSize is the size of a dataset leaf and of every hash.
const LeafSize = sha256.Size

var leafDomain = []byte("aegis/por/leaf/v1")

// PadLeafHash fills the tree's positions past the last leaf.
var PadLeafHash = LeafHash(make([]byte, LeafSize))

// Leaf derives leaf i of operator's dataset.
func Leaf(operator []byte, i uint64, work uint32) [LeafSize]byte {
	buf := make([]byte, 0, len(leafDomain)+len(operator)+8)
	buf = append(append(buf, leafDomain...), operator...)
	buf = binary.BigEndian.AppendUint64(buf, i)
	h := sha256.Sum256(buf)
	for w := uint32(1); w < work; w++ {
		h = sha256.Sum256(h[:])
	}
	return h
}

// LeafHash is a leaf's hash at the bottom of the tree.
func LeafHash(leaf []byte) [LeafSize]byte {
	var buf [1 + LeafSize]byte
	copy(buf[1:], leaf)
	return sha256.Sum256(buf[:1+len(leaf)])
}

// NodeHash is an inner node's hash.
func NodeHash(left, right [LeafSize]byte) [LeafSize]byte {
	var buf [1 + 2*LeafSize]byte
	buf[0] = 1
	copy(buf[1:], left[:])
	copy(buf[1+LeafSize:], right[:])
	return sha256.Sum256(buf[:])
}

// TreeDepth is the length of a Merkle path in a dataset of n leaves.
func TreeDepth(n uint64) int {
	if n <= 1 {
		return 0
	}
	return bits.Len64(n - 1)
}

// VerifyLeafPath checks that leaf sits at index of a dataset of n leaves with the given
// root, through path (sibling hashes from the bottom up).
func VerifyLeafPath(root []byte, n, index uint64, leaf []byte, path [][]byte) bool {
	if index >= n || len(leaf) != LeafSize || len(path) != TreeDepth(n) {
		return false
	}
	h := LeafHash(leaf)
	for _, sib := range path {
		if len(sib) != LeafSize {
			return false
		}
		var s [LeafSize]byte
		copy(s[:], sib)
		if index&1 == 0 {
			h = NodeHash(h, s)
		} else {
			h = NodeHash(s, h)
		}
		index >>= 1
	}
	return bytes.Equal(h[:], root)
}

// MerkleTree holds every level of a dataset's tree, leaf hashes first (level 0) and the
// root last. It is for the node that keeps the dataset and for tests; the chain only
// verifies paths.
type MerkleTree struct {
	Levels [][][LeafSize]byte
}

// BuildMerkleTree builds the tree over leaf hashes (padded to a power of two).
func BuildMerkleTree(leafHashes [][LeafSize]byte) MerkleTree {
	n := uint64(len(leafHashes))
	width := uint64(1) << TreeDepth(n)
	level := make([][LeafSize]byte, width)
	copy(level, leafHashes)
	for i := n; i < width; i++ {
		level[i] = PadLeafHash
	}
	t := MerkleTree{Levels: [][][LeafSize]byte{level}}
	for len(level) > 1 {
		next := make([][LeafSize]byte, len(level)/2)
		for i := range next {
			next[i] = NodeHash(level[2*i], level[2*i+1])
		}
		t.Levels = append(t.Levels, next)
		level = next
	}
	return t
}

// Root is the tree's root.
func (t MerkleTree) Root() [LeafSize]byte { return t.Levels[len(t.Levels)-1][0] }

// Path is the sibling hashes of index from the bottom up.
func (t MerkleTree) Path(index uint64) [][]byte {
	path := make([][]byte, 0, len(t.Levels)-1)
	for _, level := range t.Levels[:len(t.Levels)-1] {
		sib := level[index^1]
		path = append(path, sib[:])
		index >>= 1
	}
	return path
}

// DatasetTree derives operator's whole dataset of n leaves and builds its tree (tests
// and small datasets; aegis-node streams large ones to disk).
func DatasetTree(operator []byte, n uint64, work uint32) ([][LeafSize]byte, MerkleTree) {
	leaves := make([][LeafSize]byte, n)
	hashes := make([][LeafSize]byte, n)
	for i := range leaves {
		leaves[i] = Leaf(operator, uint64(i), work)
		hashes[i] = LeafHash(leaves[i][:])
	}
	return leaves, BuildMerkleTree(hashes)
}
