package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/dataset"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func challenge(on bool, work uint32, perUnit uint64) *portypes.ChallengeParams {
	cp := portypes.DefaultChallengeParams()
	cp.LeafWork, cp.LeavesPerStorageUnit = work, perUnit
	if on {
		cp.ChallengesPerDay = 10
	}
	return &cp
}

// measured is a storage func that counts its calls.
func measured(units uint64, calls *int) func() (uint64, error) {
	return func() (uint64, error) { *calls++; return units, nil }
}

func TestResolveTarget(t *testing.T) {
	var calls int
	// Challenges on, no flags: the chain's params and the measured storage.
	tg, err := resolveTarget(challenge(true, 8, 16), nil, datasetFlags{}, measured(3, &calls))
	require.NoError(t, err)
	require.Equal(t, datasetTarget{Storage: 3, LeavesPerUnit: 16, LeafWork: 8, Leaves: 48, ChainOn: true, ChainUses: true}, tg)
	require.Equal(t, 1, calls)

	// Flags override the chain's, with a note that the reporter will not use it.
	tg, err = resolveTarget(challenge(true, 8, 16), nil, datasetFlags{LeafWork: 4}, measured(3, &calls))
	require.NoError(t, err)
	require.Equal(t, uint32(4), tg.LeafWork)
	require.Equal(t, uint64(16), tg.LeavesPerUnit)
	require.False(t, tg.ChainUses)
	require.Len(t, tg.Notes, 1)

	// --storage skips the measurement.
	calls = 0
	tg, err = resolveTarget(challenge(true, 8, 16), nil, datasetFlags{Storage: 5}, measured(3, &calls))
	require.NoError(t, err)
	require.Equal(t, uint64(80), tg.Leaves)
	require.Zero(t, calls)

	// Challenges off: the chain's (unused) values are not taken; the flags are required.
	_, err = resolveTarget(challenge(false, 8, 16), nil, datasetFlags{}, measured(3, &calls))
	require.ErrorContains(t, err, "challenges are off")
	require.ErrorContains(t, err, "--leaf-work")
	_, err = resolveTarget(challenge(false, 8, 16), nil, datasetFlags{LeafWork: 8}, measured(3, &calls))
	require.ErrorContains(t, err, "--leaves-per-unit")
	tg, err = resolveTarget(challenge(false, 8, 16), nil, datasetFlags{LeafWork: 2, LeavesPerUnit: 4}, measured(3, &calls))
	require.NoError(t, err)
	require.Equal(t, datasetTarget{Storage: 3, LeavesPerUnit: 4, LeafWork: 2, Leaves: 12}, tg)

	// The chain unreadable: the flags are required, and the error says why.
	_, err = resolveTarget(nil, errors.New("connection refused"), datasetFlags{}, measured(3, &calls))
	require.ErrorContains(t, err, "connection refused")
	_, err = resolveTarget(nil, errors.New("connection refused"), datasetFlags{LeafWork: 2, LeavesPerUnit: 4}, measured(3, &calls))
	require.NoError(t, err)

	// Nothing to build, or too much.
	_, err = resolveTarget(challenge(true, 8, 16), nil, datasetFlags{}, measured(0, &calls))
	require.ErrorContains(t, err, "no storage")
	_, err = resolveTarget(challenge(true, 8, 16), nil, datasetFlags{}, func() (uint64, error) { return 0, errors.New("probe failed") })
	require.ErrorContains(t, err, "probe failed")
	_, err = resolveTarget(challenge(true, 8, 1<<30), nil, datasetFlags{Storage: 1 << 20}, measured(0, &calls))
	require.ErrorContains(t, err, "more than the chain accepts")
	_, err = resolveTarget(nil, nil, datasetFlags{LeafWork: portypes.MaxLeafWork + 1, LeavesPerUnit: 4}, measured(3, &calls))
	require.ErrorContains(t, err, "--leaf-work must be")
}

// TestBuildDatasetOnceThenReuse: the build puts the dataset where the reporter looks
// (Store.Current of the same leaves and work), and a second run finds it built.
func TestBuildDatasetOnceThenReuse(t *testing.T) {
	store := dataset.NewStore(filepath.Join(t.TempDir(), "dataset"), sdk.AccAddress("operator-address-20b"))
	tg, err := resolveTarget(challenge(true, 4, 16), nil, datasetFlags{Storage: 3}, nil)
	require.NoError(t, err)

	var log bytes.Buffer
	res, err := buildDataset(context.Background(), store, tg, &log, time.Millisecond)
	require.NoError(t, err)
	require.True(t, res.Built)
	root, err := store.Current(tg.Leaves, tg.LeafWork) // the reporter's lookup
	require.NoError(t, err)
	require.Equal(t, res.Root, strings.ToUpper(res.Root))
	require.Contains(t, log.String(), "building 48 leaves of work 4")

	again, err := buildDataset(context.Background(), store, tg, &log, time.Millisecond)
	require.NoError(t, err)
	require.False(t, again.Built)
	require.Equal(t, res.Root, again.Root)
	require.Equal(t, res.Root, strings.ToUpper(bytesHex(root)))

	st := datasetStatus(store, challenge(true, 4, 16), nil, datasetFlags{Storage: 3}, nil)
	require.True(t, st.Matches, st.Verdict)
	require.Equal(t, uint64(48), st.Built.Leaves)
	require.Equal(t, dataset.DiskSize(48), st.Built.Disk-metaSize(t, st.Built.Dir))

	// The chain now asks for another leaf_work: status says so.
	st = datasetStatus(store, challenge(true, 5, 16), nil, datasetFlags{Storage: 3}, nil)
	require.False(t, st.Matches)
	require.Contains(t, st.Verdict, "aegis-node dataset build")
}

// TestBuildDatasetCut: a build stopped part-way leaves the dataset that was there and no
// half-built directory.
func TestBuildDatasetCut(t *testing.T) {
	store := dataset.NewStore(filepath.Join(t.TempDir(), "dataset"), sdk.AccAddress("operator-address-20b"))
	first := datasetTarget{Storage: 1, LeavesPerUnit: 16, LeafWork: 4, Leaves: 16}
	res, err := buildDataset(context.Background(), store, first, &bytes.Buffer{}, 0)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = buildDataset(ctx, store, datasetTarget{Storage: 2, LeavesPerUnit: 16, LeafWork: 4, Leaves: 32}, &bytes.Buffer{}, 0)
	require.ErrorIs(t, err, context.Canceled)
	again, err := buildDataset(context.Background(), store, first, &bytes.Buffer{}, 0)
	require.NoError(t, err)
	require.False(t, again.Built)
	require.Equal(t, res.Root, again.Root)
	entries, err := os.ReadDir(store.Dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), "build-")
	}
}

func TestProgressLine(t *testing.T) {
	require.Equal(t, "leaves 250/1000 (25.0%), 25 leaves/s, ETA 30s", progressLine(250, 1000, 10*time.Second))
	require.Contains(t, progressLine(0, 1000, time.Second), "ETA unknown")
	require.Contains(t, progressLine(1000, 1000, time.Second), "hashing the tree")
}

func bytesHex(b []byte) string { return hex.EncodeToString(b) }

func metaSize(t *testing.T, dir string) int64 {
	st, err := os.Stat(filepath.Join(dir, dataset.MetaFile))
	require.NoError(t, err)
	return st.Size()
}
