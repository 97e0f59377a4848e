// Package datasettest builds dataset roots and Merkle proofs for benchmarks and tests of
// the storage challenges, at any dataset size.
package datasettest

import "github.com/aegis-chain/aegis/x/por/types"

// SparseProofs builds the root of a dataset of n leaves in which only the given indexes
// hold real leaves (the rest are the padding leaf hash) and the Merkle path of each of
// them: O(len(indexes) * depth) hashes whatever n is, so a 2^40-leaf dataset is as cheap
// to set up as a small one. The chain checks only the opened leaves and their paths
// against the root, so this is exactly what it verifies for a full dataset of that depth.
// (A real dataset cannot be built this way: the challenged indexes are unknown when the
// root is committed.)
func SparseProofs(operator []byte, n uint64, work uint32, indexes []uint64) ([]byte, []types.LeafProof) {
	depth := types.TreeDepth(n)
	empty := make([][types.LeafSize]byte, depth+1) // the hash of an all-padding subtree per level
	empty[0] = types.PadLeafHash
	for l := 1; l <= depth; l++ {
		empty[l] = types.NodeHash(empty[l-1], empty[l-1])
	}
	type pos struct {
		level int
		index uint64
	}
	known := map[pos][types.LeafSize]byte{}
	leaves := map[uint64][types.LeafSize]byte{}
	for _, i := range indexes {
		leaf := types.Leaf(operator, i, work)
		leaves[i] = leaf
		known[pos{0, i}] = types.LeafHash(leaf[:])
	}
	var node func(level int, index uint64) [types.LeafSize]byte
	node = func(level int, index uint64) [types.LeafSize]byte {
		if h, ok := known[pos{level, index}]; ok {
			return h
		}
		if level == 0 {
			return empty[0]
		}
		// A subtree holding no opened leaf is all padding.
		lo, hi := index<<level, (index+1)<<level
		has := false
		for i := range leaves {
			if lo <= i && i < hi {
				has = true
				break
			}
		}
		if !has {
			return empty[level]
		}
		h := types.NodeHash(node(level-1, 2*index), node(level-1, 2*index+1))
		known[pos{level, index}] = h
		return h
	}
	root := node(depth, 0)
	proofs := make([]types.LeafProof, len(indexes))
	for j, i := range indexes {
		leaf := leaves[i]
		p := types.LeafProof{Leaf: leaf[:]}
		for l, idx := 0, i; l < depth; l, idx = l+1, idx>>1 {
			sib := node(l, idx^1)
			p.Path = append(p.Path, sib[:])
		}
		proofs[j] = p
	}
	return root[:], proofs
}
