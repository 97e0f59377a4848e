package compute

import (
	"fmt"
)

// Check recomputes the revealed tiles of a commitment to tiles tiles under seed and checks
// each one's path to root: paths[i] is the path of indexes[i]. It returns how many do not
// verify. Malformed input (counts or lengths that no honest reveal has) is an error, and
// nothing is recomputed for it.
func Check(seed *[32]byte, tiles uint64, root []byte, indexes []uint64, paths [][]byte) (wrong int, err error) {
	if len(root) != HashSize {
		return 0, fmt.Errorf("a root has %d bytes, got %d", HashSize, len(root))
	}
	if len(paths) != len(indexes) {
		return 0, fmt.Errorf("reveal %d paths, one for each drawn tile, got %d", len(indexes), len(paths))
	}
	for i, p := range paths {
		if err := checkPathLength(p, tiles); err != nil {
			return 0, fmt.Errorf("path %d (tile %d): %w", i, indexes[i], err)
		}
	}
	var a, b Matrix
	var t Product
	for i, j := range indexes {
		if j >= tiles || !VerifyPath(root, j, TileLeaf(Reference{}, seed, j, &a, &b, &t), paths[i]) {
			wrong++
		}
	}
	return wrong, nil
}
