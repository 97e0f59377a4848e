package dataset

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// batch is how many leaves are derived between writes (and checks of ctx): 512 KiB of
// leaves, so memory stays flat whatever the dataset's size.
const batch = 1 << 14

// Build derives spec's dataset into dir (created; it must not hold another dataset) and
// returns its metadata. The leaves are derived on every core; the tree is built level by
// level from the file, so memory does not grow with the dataset. The root is the one
// types.BuildMerkleTree computes over the same leaves. meta.json is written last, after
// the data is synced: a build cut short leaves no dataset that Open accepts.
func Build(ctx context.Context, dir string, spec Spec) (Meta, error) {
	return BuildProgress(ctx, dir, spec, nil)
}

// BuildProgress is Build calling progress (when not nil) with the count of leaves derived
// so far after each batch of leaves; the tree's levels are hashed after the last call.
func BuildProgress(ctx context.Context, dir string, spec Spec, progress func(done uint64)) (Meta, error) {
	start := time.Now()
	n := spec.Leaves
	if n == 0 || n > portypes.MaxDatasetLeaves {
		return Meta{}, fmt.Errorf("a dataset has 1 to %d leaves, not %d", uint64(portypes.MaxDatasetLeaves), n)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Meta{}, err
	}
	leaves, err := os.Create(filepath.Join(dir, LeavesFile))
	if err != nil {
		return Meta{}, err
	}
	defer leaves.Close()
	tree, err := os.Create(filepath.Join(dir, TreeFile))
	if err != nil {
		return Meta{}, err
	}
	defer tree.Close()

	if err := writeLeaves(ctx, leaves, tree, spec, progress); err != nil {
		return Meta{}, err
	}
	root, err := writeLevels(ctx, tree, n)
	if err != nil {
		return Meta{}, err
	}
	if err := leaves.Sync(); err != nil {
		return Meta{}, err
	}
	if err := tree.Sync(); err != nil {
		return Meta{}, err
	}
	m := Meta{Version: formatVersion, Operator: spec.Operator.String(), Leaves: n, LeafWork: spec.LeafWork,
		Root: hex.EncodeToString(root), BuiltAt: time.Now().UTC(), BuildSeconds: time.Since(start).Seconds()}
	return m, writeMeta(dir, m)
}

// writeLeaves derives the leaves in batches, writing each to leaves.bin and its hash to
// level 0 of tree.bin, then pads level 0 to the tree's width.
func writeLeaves(ctx context.Context, leaves, tree io.Writer, spec Spec, progress func(uint64)) error {
	lw, tw := bufio.NewWriterSize(leaves, 1<<20), bufio.NewWriterSize(tree, 1<<20)
	workers := runtime.GOMAXPROCS(0)
	buf := make([][portypes.LeafSize]byte, batch)
	hashes := make([][portypes.LeafSize]byte, batch)
	for from := uint64(0); from < spec.Leaves; from += batch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("building the dataset: %w", err)
		}
		count := min(batch, spec.Leaves-from)
		var wg sync.WaitGroup
		per := (count + uint64(workers) - 1) / uint64(workers)
		for lo := uint64(0); lo < count; lo += per {
			hi := min(lo+per, count)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := lo; j < hi; j++ {
					buf[j] = portypes.Leaf(spec.Operator, from+j, spec.LeafWork)
					hashes[j] = portypes.LeafHash(buf[j][:])
				}
			}()
		}
		wg.Wait()
		for j := uint64(0); j < count; j++ {
			if _, err := lw.Write(buf[j][:]); err != nil {
				return err
			}
			if _, err := tw.Write(hashes[j][:]); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(from + count)
		}
	}
	for i := spec.Leaves; i < width(spec.Leaves); i++ {
		if _, err := tw.Write(portypes.PadLeafHash[:]); err != nil {
			return err
		}
	}
	if err := lw.Flush(); err != nil {
		return err
	}
	return tw.Flush()
}

// writeLevels appends each level of the tree, hashing pairs of the level below read back
// from the file, and returns the root.
func writeLevels(ctx context.Context, tree *os.File, n uint64) ([]byte, error) {
	depth := portypes.TreeDepth(n)
	var left, right, h [portypes.LeafSize]byte
	for k := 1; k <= depth; k++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("building the dataset: %w", err)
		}
		below := width(n) >> (k - 1)
		r := bufio.NewReaderSize(io.NewSectionReader(tree, levelOffset(n, k-1), int64(below)*portypes.LeafSize), 1<<20)
		w := bufio.NewWriterSize(io.NewOffsetWriter(tree, levelOffset(n, k)), 1<<20)
		for i := uint64(0); i < below; i += 2 {
			if _, err := io.ReadFull(r, left[:]); err != nil {
				return nil, err
			}
			if _, err := io.ReadFull(r, right[:]); err != nil {
				return nil, err
			}
			h = portypes.NodeHash(left, right)
			if _, err := w.Write(h[:]); err != nil {
				return nil, err
			}
		}
		if err := w.Flush(); err != nil {
			return nil, err
		}
	}
	root := make([]byte, portypes.LeafSize)
	_, err := tree.ReadAt(root, treeSize(n)-portypes.LeafSize)
	return root, err
}

// writeMeta writes meta.json atomically and syncs it.
func writeMeta(dir string, m Meta) error {
	bz, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, MetaFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(bz); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, MetaFile))
}
