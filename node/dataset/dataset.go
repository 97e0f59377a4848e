// Package dataset keeps a resource node's storage-challenge dataset on disk: the n leaves
// x/por derives from the operator's address (types.Leaf), every level of their Merkle tree
// (so a challenge's paths are read, not recomputed) and a small metadata file. The report
// commits the root; a storage challenge is answered with leaves and paths read from here.
//
// A dataset directory holds:
//
//	leaves.bin  n × 32 bytes, leaf i at offset 32·i
//	tree.bin    the tree's levels bottom-up: width = 2^TreeDepth(n) padded leaf hashes,
//	            then width/2 nodes, ... then the root (2·width − 1 hashes of 32 bytes)
//	meta.json   operator, leaves, leaf_work, root (written last: no meta, no dataset)
package dataset

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The files of a dataset directory.
const (
	LeavesFile = "leaves.bin"
	TreeFile   = "tree.bin"
	MetaFile   = "meta.json"
)

// formatVersion names the layout above; another version is rebuilt, not read.
const formatVersion = 1

var (
	// ErrMissing: the dataset, or one of its files, is not on disk.
	ErrMissing = errors.New("dataset missing")
	// ErrCorrupt: the files are there but not what the metadata says (size, root, a path).
	ErrCorrupt = errors.New("dataset corrupt")
	// ErrMismatch: a sound dataset, but for another operator, size or leaf work.
	ErrMismatch = errors.New("dataset of another size or work")
)

// Meta describes a built dataset.
type Meta struct {
	Version      int       `json:"version"`
	Operator     string    `json:"operator"`
	Leaves       uint64    `json:"leaves"`
	LeafWork     uint32    `json:"leaf_work"`
	Root         string    `json:"root"` // hex
	BuiltAt      time.Time `json:"built_at"`
	BuildSeconds float64   `json:"build_seconds"`
}

// Spec is the dataset a report commits to.
type Spec struct {
	Operator sdk.AccAddress
	Leaves   uint64
	LeafWork uint32
}

func (s Spec) String() string {
	return fmt.Sprintf("%d leaves of work %d for %s", s.Leaves, s.LeafWork, s.Operator)
}

// width is the tree's bottom level: n padded to a power of two.
func width(n uint64) uint64 { return uint64(1) << portypes.TreeDepth(n) }

// treeSize is the size of tree.bin for n leaves.
func treeSize(n uint64) int64 { return int64(2*width(n)-1) * portypes.LeafSize }

// levelOffset is where level k (0 = leaf hashes) starts in tree.bin.
func levelOffset(n uint64, k int) int64 {
	w, off := width(n), int64(0)
	for j := 0; j < k; j++ {
		off += int64(w>>j) * portypes.LeafSize
	}
	return off
}

// DiskSize is the bytes a dataset of n leaves takes on disk (without meta.json).
func DiskSize(n uint64) int64 { return int64(n)*portypes.LeafSize + treeSize(n) }

// Dataset is an opened dataset; Prove reads from its files.
type Dataset struct {
	Meta   Meta
	Dir    string
	root   []byte
	leaves *os.File
	tree   *os.File
}

// Open opens the dataset in dir and checks it is spec's: the metadata names the same
// operator, size and work, and the files have the sizes and the root it says. The errors
// wrap ErrMissing, ErrCorrupt or ErrMismatch.
func Open(dir string, spec Spec) (*Dataset, error) {
	meta, root, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	if meta.Operator != spec.Operator.String() || meta.Leaves != spec.Leaves || meta.LeafWork != spec.LeafWork {
		return nil, fmt.Errorf("%w: %s holds %d leaves of work %d for %s, not %s", ErrMismatch, dir, meta.Leaves, meta.LeafWork, meta.Operator, spec)
	}
	d := &Dataset{Meta: meta, Dir: dir, root: root}
	if d.leaves, err = openSized(filepath.Join(dir, LeavesFile), int64(meta.Leaves)*portypes.LeafSize); err != nil {
		return nil, err
	}
	if d.tree, err = openSized(filepath.Join(dir, TreeFile), treeSize(meta.Leaves)); err != nil {
		d.leaves.Close()
		return nil, err
	}
	top := make([]byte, portypes.LeafSize)
	if _, err := d.tree.ReadAt(top, treeSize(meta.Leaves)-portypes.LeafSize); err != nil || !bytes.Equal(top, root) {
		d.Close()
		return nil, fmt.Errorf("%w: the root in %s is not the one %s records", ErrCorrupt, filepath.Join(dir, TreeFile), MetaFile)
	}
	return d, nil
}

// readMeta reads and checks meta.json.
func readMeta(dir string) (Meta, []byte, error) {
	path := filepath.Join(dir, MetaFile)
	bz, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Meta{}, nil, fmt.Errorf("%w: no %s", ErrMissing, path)
	} else if err != nil {
		return Meta{}, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var m Meta
	if err := json.Unmarshal(bz, &m); err != nil {
		return Meta{}, nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	root, err := hex.DecodeString(m.Root)
	switch {
	case m.Version != formatVersion:
		return Meta{}, nil, fmt.Errorf("%w: %s is format %d, this aegis-node reads %d", ErrMismatch, path, m.Version, formatVersion)
	case err != nil || len(root) != portypes.LeafSize:
		return Meta{}, nil, fmt.Errorf("%w: %s: root %q is not 32 hex bytes", ErrCorrupt, path, m.Root)
	case m.Leaves == 0 || m.Leaves > portypes.MaxDatasetLeaves:
		return Meta{}, nil, fmt.Errorf("%w: %s: %d leaves", ErrCorrupt, path, m.Leaves)
	}
	return m, root, nil
}

// openSized opens a file that must be size bytes.
func openSized(path string, size int64) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no %s", ErrMissing, path)
	} else if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	st, err := f.Stat()
	if err != nil || st.Size() != size {
		f.Close()
		got := int64(-1)
		if err == nil {
			got = st.Size()
		}
		return nil, fmt.Errorf("%w: %s is %d bytes, want %d (truncated or overwritten)", ErrCorrupt, path, got, size)
	}
	return f, nil
}

// Root is the dataset's Merkle root.
func (d *Dataset) Root() []byte { return bytes.Clone(d.root) }

// Close closes the files.
func (d *Dataset) Close() error {
	return errors.Join(d.leaves.Close(), d.tree.Close())
}

// Prove opens the leaves at indexes, in their order: each leaf and its sibling hashes from
// the bottom up, read from disk. Every proof is checked against the root before it is
// returned, so a damaged file is reported here (ErrCorrupt), not by a refused answer.
func (d *Dataset) Prove(indexes []uint64) ([]portypes.LeafProof, error) {
	n, depth := d.Meta.Leaves, portypes.TreeDepth(d.Meta.Leaves)
	out := make([]portypes.LeafProof, 0, len(indexes))
	for _, idx := range indexes {
		if idx >= n {
			return nil, fmt.Errorf("leaf %d is outside the dataset's %d leaves", idx, n)
		}
		leaf := make([]byte, portypes.LeafSize)
		if _, err := d.leaves.ReadAt(leaf, int64(idx)*portypes.LeafSize); err != nil {
			return nil, fmt.Errorf("%w: reading leaf %d: %v", ErrCorrupt, idx, err)
		}
		path := make([][]byte, depth)
		for k, pos := 0, idx; k < depth; k, pos = k+1, pos>>1 {
			path[k] = make([]byte, portypes.LeafSize)
			if _, err := d.tree.ReadAt(path[k], levelOffset(n, k)+int64(pos^1)*portypes.LeafSize); err != nil {
				return nil, fmt.Errorf("%w: reading the path of leaf %d: %v", ErrCorrupt, idx, err)
			}
		}
		if !portypes.VerifyLeafPath(d.root, n, idx, leaf, path) {
			return nil, fmt.Errorf("%w: leaf %d and its path in %s do not lead to the root", ErrCorrupt, idx, d.Dir)
		}
		out = append(out, portypes.LeafProof{Leaf: leaf, Path: path})
	}
	return out, nil
}
