package dataset

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

var operator = sdk.AccAddress("operator-address-20b")

func build(t *testing.T, n uint64, work uint32) (string, Meta) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ds")
	m, err := Build(context.Background(), dir, Spec{Operator: operator, Leaves: n, LeafWork: work})
	require.NoError(t, err)
	return dir, m
}

// TestRootMatchesChain: the streamed build's root and every path equal those of
// types.BuildMerkleTree over the same leaves, whether n is a power of two or not, and
// every proof verifies as the chain verifies it.
func TestRootMatchesChain(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 7, 16, 17, 100, batch + 5} {
		work := uint32(3)
		dir, m := build(t, n, work)
		leaves, tree := portypes.DatasetTree(operator, n, work)
		root := tree.Root()
		d, err := Open(dir, Spec{Operator: operator, Leaves: n, LeafWork: work})
		require.NoError(t, err, "n=%d", n)
		require.Equal(t, root[:], d.Root(), "n=%d", n)
		require.Equal(t, int64(n)*portypes.LeafSize+treeSize(n), DiskSize(n))
		require.Equal(t, n, m.Leaves)

		idx := []uint64{0, n - 1, n / 2, n / 3, 0} // repeats allowed, as the chain draws them
		proofs, err := d.Prove(idx)
		require.NoError(t, err)
		require.Len(t, proofs, len(idx))
		for j, i := range idx {
			require.Equal(t, leaves[i][:], proofs[j].Leaf, "n=%d leaf %d", n, i)
			require.Equal(t, tree.Path(i), proofs[j].Path, "n=%d leaf %d", n, i)
			require.True(t, portypes.VerifyLeafPath(root[:], n, i, proofs[j].Leaf, proofs[j].Path), "n=%d leaf %d", n, i)
		}
		_, err = d.Prove([]uint64{n})
		require.Error(t, err)
		require.NoError(t, d.Close())
	}
}

// TestOpenChecks: a dataset of another operator, size or work is ErrMismatch; a deleted
// file is ErrMissing; a truncated or overwritten one is ErrCorrupt. None panics.
func TestOpenChecks(t *testing.T) {
	spec := Spec{Operator: operator, Leaves: 40, LeafWork: 2}
	fresh := func() string {
		dir, _ := build(t, spec.Leaves, spec.LeafWork)
		return dir
	}
	dir := fresh()
	for _, other := range []Spec{
		{Operator: sdk.AccAddress("another-operator-20b"), Leaves: 40, LeafWork: 2},
		{Operator: operator, Leaves: 41, LeafWork: 2},
		{Operator: operator, Leaves: 40, LeafWork: 3},
	} {
		_, err := Open(dir, other)
		require.ErrorIs(t, err, ErrMismatch, other.String())
	}

	for _, file := range []string{LeavesFile, TreeFile, MetaFile} {
		dir := fresh()
		require.NoError(t, os.Remove(filepath.Join(dir, file)))
		_, err := Open(dir, spec)
		require.ErrorIs(t, err, ErrMissing, file)
	}
	_, err := Open(filepath.Join(t.TempDir(), "none"), spec)
	require.ErrorIs(t, err, ErrMissing)

	for _, file := range []string{LeavesFile, TreeFile} {
		dir := fresh()
		require.NoError(t, os.Truncate(filepath.Join(dir, file), 100))
		_, err := Open(dir, spec)
		require.ErrorIs(t, err, ErrCorrupt, file)
	}
	dir = fresh()
	require.NoError(t, os.WriteFile(filepath.Join(dir, MetaFile), []byte("{not json"), 0o600))
	_, err = Open(dir, spec)
	require.ErrorIs(t, err, ErrCorrupt)

	// A leaf overwritten in place (same size): Open accepts the files, Prove catches it.
	dir = fresh()
	f, err := os.OpenFile(filepath.Join(dir, LeavesFile), os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(make([]byte, portypes.LeafSize), 5*portypes.LeafSize)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	d, err := Open(dir, spec)
	require.NoError(t, err)
	_, err = d.Prove([]uint64{4})
	require.NoError(t, err)
	_, err = d.Prove([]uint64{5})
	require.ErrorIs(t, err, ErrCorrupt)
	require.NoError(t, d.Close())

	if runtime.GOOS == "windows" {
		return
	}
	// A file removed while the dataset is open: the open files still answer (POSIX keeps
	// them); the next Open reports it missing.
	dir = fresh()
	d, err = Open(dir, spec)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dir))
	_, err = d.Prove([]uint64{1})
	require.NoError(t, err)
	require.NoError(t, d.Close())
	_, err = Open(dir, spec)
	require.ErrorIs(t, err, ErrMissing)
}

// TestBuildCancelled: a build stopped half way leaves nothing Open accepts.
func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "ds")
	_, err := Build(ctx, dir, Spec{Operator: operator, Leaves: 10, LeafWork: 1})
	require.ErrorIs(t, err, context.Canceled)
	_, err = Open(dir, Spec{Operator: operator, Leaves: 10, LeafWork: 1})
	require.ErrorIs(t, err, ErrMissing)
}

// TestBuildProgress: the progress callback counts up to every leaf; the estimate is positive.
func TestBuildProgress(t *testing.T) {
	var seen []uint64
	n := uint64(batch + 5)
	_, err := BuildProgress(context.Background(), filepath.Join(t.TempDir(), "ds"), Spec{Operator: operator, Leaves: n, LeafWork: 1},
		func(done uint64) { seen = append(seen, done) })
	require.NoError(t, err)
	require.Equal(t, []uint64{batch, n}, seen)
	require.Positive(t, EstimateBuild(Spec{Operator: operator, Leaves: 1 << 20, LeafWork: 16}))
}
