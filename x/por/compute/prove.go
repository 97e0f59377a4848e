package compute

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// keepBits bounds what a Commitment keeps between the commit and the reveal: the roots of
// at most 2^keepBits subtrees (2 MiB). A reveal recomputes the subtree of each drawn tile,
// 2^(depth - keepBits) tiles, instead of keeping every leaf.
const keepBits = 16

// Commitment is a prover's side of a compute challenge: the root it commits and what it
// keeps to reveal paths later.
type Commitment struct {
	Seed  [32]byte
	Tiles uint64
	Root  [HashSize]byte
	// level is the height of the kept subtrees; upper[0] are their roots, upper[l] the
	// nodes l levels above (each level padded with zeros on the right).
	level int
	upper [][][HashSize]byte
}

// Commit computes all tiles tiles under seed with kernel k on workers goroutines and
// returns the commitment; it stops early when ctx ends.
func Commit(ctx context.Context, k Kernel, workers int, seed [32]byte, tiles uint64) (*Commitment, error) {
	if tiles == 0 || tiles > MaxTiles {
		return nil, fmt.Errorf("compute: a challenge asks 1 to %d tiles, got %d", MaxTiles, tiles)
	}
	depth := Depth(tiles)
	c := &Commitment{Seed: seed, Tiles: tiles, level: max(0, depth-keepBits)}
	subtrees := (tiles + 1<<c.level - 1) >> c.level
	roots := make([][HashSize]byte, subtrees)
	var next atomic.Uint64
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			var a, b Matrix
			var t Product
			leaves := make([][HashSize]byte, 1<<c.level)
			for ctx.Err() == nil {
				s := next.Add(1) - 1
				if s >= subtrees {
					return
				}
				roots[s] = c.subtree(k, s, leaves, &a, &b, &t)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.keep(roots)
	return c, nil
}

// keep records the kept subtrees' roots and the levels above them, up to the root.
func (c *Commitment) keep(roots [][HashSize]byte) {
	c.upper = [][][HashSize]byte{roots}
	for l := c.level; l < Depth(c.Tiles); l++ {
		c.upper = append(c.upper, levelUp(c.upper[len(c.upper)-1], l))
	}
	c.Root = c.upper[len(c.upper)-1][0]
}

// levelUp is the level above nodes at height h (padded with zeros[h] on the right).
func levelUp(nodes [][HashSize]byte, h int) [][HashSize]byte {
	up := make([][HashSize]byte, (len(nodes)+1)/2)
	for i := range up {
		r := &zeros[h]
		if 2*i+1 < len(nodes) {
			r = &nodes[2*i+1]
		}
		up[i] = node(&nodes[2*i], r)
	}
	return up
}

// subtree computes the leaves of kept subtree s into leaves (scratch of 2^level) and
// returns its root.
func (c *Commitment) subtree(k Kernel, s uint64, leaves [][HashSize]byte, a, b *Matrix, t *Product) [HashSize]byte {
	first := s << c.level
	n := min(uint64(len(leaves)), c.Tiles-first)
	for i := range n {
		leaves[i] = TileLeaf(k, &c.Seed, first+i, a, b, t)
	}
	return fold(leaves[:n], 0, c.level)
}

// Paths returns the path of each of indexes (in [0, Tiles)), recomputing the kept subtree
// of each with kernel k.
func (c *Commitment) Paths(k Kernel, indexes []uint64) ([][]byte, error) {
	var a, b Matrix
	var t Product
	leaves := make([][HashSize]byte, 1<<c.level)
	out := make([][]byte, len(indexes))
	for i, j := range indexes {
		if j >= c.Tiles {
			return nil, fmt.Errorf("compute: tile %d of %d", j, c.Tiles)
		}
		s := j >> c.level
		first := s << c.level
		n := min(uint64(len(leaves)), c.Tiles-first)
		for x := range n * uint64(min(c.level, 1)) { // a kept leaf (level 0) needs no recomputing
			leaves[x] = TileLeaf(k, &c.Seed, first+x, &a, &b, &t)
		}
		path := make([]byte, 0, PathBytes(c.Tiles))
		// Inside the subtree: level by level from the leaves.
		level := leaves[:n]
		pos := j - first
		for h := 0; h < c.level; h++ {
			sib := zeros[h]
			if x := pos ^ 1; x < uint64(len(level)) {
				sib = level[x]
			}
			path = append(path, sib[:]...)
			level, pos = levelUp(level, h), pos/2
		}
		// Above it: from the kept levels.
		pos = s
		for l := 0; l < len(c.upper)-1; l++ {
			sib := zeros[c.level+l]
			if x := pos ^ 1; x < uint64(len(c.upper[l])) {
				sib = c.upper[l][x]
			}
			path = append(path, sib[:]...)
			pos /= 2
		}
		out[i] = path
	}
	return out, nil
}
