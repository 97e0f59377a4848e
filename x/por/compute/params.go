package compute

import (
	"fmt"
	"math/bits"
)

// TilesPerUnitSecond defines the compute unit: one unit is 1,000 tiles a second, that is
// 1,000 · 2^18 = 262,144,000 int8 multiply-accumulates a second (0.52 int8 TOPS counting
// a MAC as two operations), measured with the tile's expansion and hashing included.
// aegis-node's probe converts what its kernel sustains into units with it, and the chain's
// default compute proof params ask the same rate.
const TilesPerUnitSecond = 1_000

// Bounds of the proof's sizes.
const (
	// maxDepth bounds a tree (and so a path: 40 · 32 bytes).
	maxDepth = 40
	// MaxTiles is the most tiles a challenge asks for, whatever the compute declared.
	MaxTiles = uint64(1) << maxDepth
	// MaxSamples bounds the tiles the chain recomputes per proof.
	MaxSamples = 32
)

// Tiles is the work a challenge asks of a pair declaring compute units: what they compute
// in workSeconds at tilesPerUnitSecond each, at most MaxTiles (at least 1 for any compute).
func Tiles(compute, tilesPerUnitSecond uint64, workSeconds uint32) uint64 {
	hi, rate := bits.Mul64(compute, tilesPerUnitSecond)
	if hi != 0 {
		return MaxTiles
	}
	hi, n := bits.Mul64(rate, uint64(workSeconds))
	if hi != 0 || n > MaxTiles {
		return MaxTiles
	}
	return n
}

// CheckSamples checks the number of tiles a proof reveals.
func CheckSamples(samples uint32) error {
	if samples == 0 || samples > MaxSamples {
		return fmt.Errorf("samples must be in [1, %d], got %d", MaxSamples, samples)
	}
	return nil
}
