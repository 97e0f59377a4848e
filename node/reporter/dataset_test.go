package reporter

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/dataset"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// countingStore counts the builds of a real dataset store.
type countingStore struct {
	*dataset.Store
	builds int
}

func (c *countingStore) Build(ctx context.Context, leaves uint64, work uint32) ([]byte, error) {
	c.builds++
	return c.Store.Build(ctx, leaves, work)
}

// reportDays steps r through days with the given storage and returns the reports sent.
func reportDays(t *testing.T, r *Reporter, f *fakeChain, storage ...uint64) []*portypes.MsgSubmitReport {
	t.Helper()
	f.sent = nil
	for _, st := range storage {
		r.Plan = func(context.Context, []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
			res := portypes.Resources{Compute: 1, Storage: st}
			return res, []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: res}}, nil
		}
		*f.now = f.start.Add(time.Duration(f.day())*f.dayLen - time.Second) // late in the day: past the offset
		_, err := r.Step(context.Background())
		require.NoError(t, err)
		*f.now = f.now.Add(2 * time.Second) // the next day
	}
	require.Len(t, f.sent, len(storage))
	return f.sent
}

func challengeParams(on bool) portypes.Params {
	p := portypes.DefaultParams()
	p.Challenge = portypes.DefaultChallengeParams()
	p.Challenge.LeafWork, p.Challenge.LeavesPerStorageUnit = 8, 16
	if on {
		p.Challenge.ChallengesPerDay = 10
	}
	return p
}

// TestChallengesOffNoDataset: with challenges off a report declaring storage carries no
// root and no dataset is built, exactly as before challenges existed.
func TestChallengesOffNoDataset(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	f := &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}, params: challengeParams(false)}
	r := newTestReporter(t, f)
	store := &countingStore{Store: dataset.NewStore(filepath.Join(t.TempDir(), dataset.DirName), r.Operator)}
	r.Dataset = store
	for _, m := range reportDays(t, r, f, 5, 5) {
		require.Nil(t, m.StorageRoot)
	}
	require.Zero(t, store.builds)
}

// TestReportCommitsDataset: with challenges on, the first report builds the dataset of
// storage × leaves_per_storage_unit leaves and commits the root the chain would compute;
// the next reports reuse it, a new storage figure rebuilds it, and a report declaring no
// storage commits nothing.
func TestReportCommitsDataset(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	f := &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}, params: challengeParams(true)}
	r := newTestReporter(t, f)
	var logs bytes.Buffer
	r.Log = slog.New(slog.NewTextHandler(&logs, nil))
	store := &countingStore{Store: dataset.NewStore(filepath.Join(t.TempDir(), dataset.DirName), r.Operator)}
	r.Dataset = store

	sent := reportDays(t, r, f, 5, 5, 6, 0)
	require.Contains(t, logs.String(), "aegis-node dataset build", "the build's log points to building ahead")
	require.Contains(t, logs.String(), "estimated=")
	_, tree5 := portypes.DatasetTree(r.Operator, 5*16, 8)
	_, tree6 := portypes.DatasetTree(r.Operator, 6*16, 8)
	root5, root6 := tree5.Root(), tree6.Root()
	require.Equal(t, root5[:], sent[0].StorageRoot)
	require.Equal(t, root5[:], sent[1].StorageRoot)
	require.Equal(t, root6[:], sent[2].StorageRoot)
	require.Nil(t, sent[3].StorageRoot)
	require.Equal(t, 2, store.builds, "built for 5 units, reused, rebuilt for 6")

	// Without a dataset store the report cannot be made: it says why, rather than being
	// refused by the chain.
	r.Dataset = nil
	r.Plan = func(context.Context, []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
		return portypes.Resources{Storage: 1}, []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: portypes.Resources{Storage: 1}}}, nil
	}
	*f.now = f.start.Add(time.Duration(f.day())*f.dayLen - time.Second)
	_, err := r.Step(context.Background())
	require.ErrorContains(t, err, "keeps no dataset")
}
