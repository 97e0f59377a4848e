package dataset

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestStoreEnsure: Ensure builds once and then reuses the dataset; a new size makes the
// old dataset the previous one, still open for its challenge; a deleted dataset is not
// rebuilt by OpenFor, only by the next Ensure.
func TestStoreEnsure(t *testing.T) {
	ctx := context.Background()
	s := NewStore(filepath.Join(t.TempDir(), DirName), operator)
	root16, built, err := s.Ensure(ctx, 16, 4)
	require.NoError(t, err)
	require.True(t, built)
	_, tree := portypes.DatasetTree(operator, 16, 4)
	want := tree.Root()
	require.Equal(t, want[:], root16)

	again, built, err := s.Ensure(ctx, 16, 4)
	require.NoError(t, err)
	require.False(t, built, "a matching dataset is reused")
	require.Equal(t, root16, again)

	root20, built, err := s.Ensure(ctx, 20, 4)
	require.NoError(t, err)
	require.True(t, built)
	require.NotEqual(t, root16, root20)
	for _, c := range []struct {
		root []byte
		n    uint64
	}{{root16, 16}, {root20, 20}} {
		d, err := s.OpenFor(c.root, c.n, 4)
		require.NoError(t, err, "n=%d", c.n)
		proofs, err := d.Prove([]uint64{c.n - 1})
		require.NoError(t, err)
		require.True(t, portypes.VerifyLeafPath(c.root, c.n, c.n-1, proofs[0].Leaf, proofs[0].Path))
		require.NoError(t, d.Close())
	}
	_, err = s.OpenFor(root16, 16, 5)
	require.ErrorIs(t, err, ErrMismatch, "another leaf work")

	// A build cut short is cleaned up by the next one.
	require.NoError(t, os.MkdirAll(filepath.Join(s.Dir, buildPrefix+"1"), 0o700))
	require.NoError(t, os.RemoveAll(s.Dir))
	_, err = s.OpenFor(root20, 20, 4)
	require.ErrorIs(t, err, ErrMissing)
	_, err = os.Stat(s.Dir)
	require.ErrorIs(t, err, os.ErrNotExist, "OpenFor builds nothing")
	require.NoError(t, os.MkdirAll(filepath.Join(s.Dir, buildPrefix+"1"), 0o700))
	rebuilt, built, err := s.Ensure(ctx, 20, 4)
	require.NoError(t, err)
	require.True(t, built)
	require.Equal(t, root20, rebuilt, "the dataset is a function of operator, size and work")
	entries, err := os.ReadDir(s.Dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only current/: %v", entries)
}
