package compute

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/bits"
)

// HashSize is the size of a leaf, an inner node and each step of a path.
const HashSize = sha256.Size

// node is an inner node: SHA256(0x01 || left || right). Leaves start with 0x00, so a
// leaf can never be passed off as an inner node.
func node(l, r *[HashSize]byte) [HashSize]byte {
	var buf [1 + 2*HashSize]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[1+HashSize:], r[:])
	return sha256.Sum256(buf[:])
}

// zeros[h] is the root of a subtree of height h whose leaves are all padding (zero).
var zeros = func() (z [maxDepth + 1][HashSize]byte) {
	for h := 1; h <= maxDepth; h++ {
		z[h] = node(&z[h-1], &z[h-1])
	}
	return z
}()

// Depth is the height of the tree over n leaves: ceil(log2 n), 0 for one leaf.
func Depth(n uint64) int {
	if n <= 1 {
		return 0
	}
	return bits.Len64(n - 1)
}

// PathBytes is the size of one tile's path in a tree over n leaves.
func PathBytes(n uint64) int { return Depth(n) * HashSize }

// fold is the root of the subtree of height levels above nodes (at height h, padded
// with zeros[h] past len).
func fold(nodes [][HashSize]byte, h, levels int) [HashSize]byte {
	if len(nodes) == 0 {
		return zeros[h+levels]
	}
	for l := range levels {
		nodes = levelUp(nodes, h+l)
	}
	return nodes[0]
}

// VerifyPath checks that leaf is leaf j of the tree with root, by its path: the siblings
// from the leaf's level up, HashSize bytes each.
func VerifyPath(root []byte, j uint64, leaf [HashSize]byte, path []byte) bool {
	if len(path)%HashSize != 0 || len(path)/HashSize > maxDepth || len(root) != HashSize {
		return false
	}
	cur := leaf
	for l := 0; l*HashSize < len(path); l++ {
		sib := (*[HashSize]byte)(path[l*HashSize:])
		if j>>l&1 == 0 {
			cur = node(&cur, sib)
		} else {
			cur = node(sib, &cur)
		}
	}
	return string(cur[:]) == string(root)
}

var errPathLength = errors.New("path length")

// checkPathLength checks that path has the length of a path in a tree over n leaves.
func checkPathLength(path []byte, n uint64) error {
	if len(path) != PathBytes(n) {
		return fmt.Errorf("%w: a path in a tree of %d tiles has %d bytes, got %d", errPathLength, n, PathBytes(n), len(path))
	}
	return nil
}
