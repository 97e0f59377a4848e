package reporter

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/dataset"
	"github.com/aegis-chain/aegis/x/por/post"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// countingStore counts the builds of a real dataset store; fail makes the next one fail.
type countingStore struct {
	*dataset.Store
	mu     sync.Mutex
	builds []uint64
	fail   error
}

func (c *countingStore) Build(ctx context.Context, k dataset.Key, labels uint64) (dataset.Meta, error) {
	c.mu.Lock()
	c.builds = append(c.builds, labels)
	fail := c.fail
	c.fail = nil
	c.mu.Unlock()
	if fail != nil {
		return dataset.Meta{}, fail
	}
	return c.Store.Build(ctx, k, labels)
}

func (c *countingStore) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.builds)
}

// labelsPerUnit is the tests' storage unit: the smallest dataset post proves (16·K2).
const labelsPerUnit = 2048

// reportDays steps r through days with the given storage and returns the reports sent,
// letting the background builds a report starts finish before the next day.
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
		r.WaitBuilds()
		*f.now = f.now.Add(2 * time.Second) // the next day
	}
	require.Len(t, f.sent, len(storage))
	return f.sent
}

func challengeParams(on bool) portypes.Params {
	p := portypes.DefaultParams()
	p.Challenge = portypes.DefaultChallengeParams()
	p.Challenge.Storage.LabelScryptN, p.Challenge.Storage.LabelsPerStorageUnit = 2, labelsPerUnit
	if on {
		p.Challenge.ChallengesPerDay = 10
	}
	return p
}

func newDatasetReporter(t *testing.T, on bool) (*Reporter, *fakeChain, *countingStore, *bytes.Buffer) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	f := &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}, params: challengeParams(on)}
	r := newTestReporter(t, f)
	var logs bytes.Buffer
	r.Log = slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	store := &countingStore{Store: dataset.NewStore(filepath.Join(t.TempDir(), dataset.DirName), r.Operator)}
	r.Datasets = store
	return r, f, store, &logs
}

// syncWriter serialises the writes of the reporter and its background builds.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func storageOf(m *portypes.MsgSubmitReport) uint64 { return m.Parts[0].Resources.Storage }

// TestChallengesOffNoDataset: with challenges off a report declares its storage as
// measured, commits no dataset and nothing is built, as before challenges existed.
func TestChallengesOffNoDataset(t *testing.T) {
	r, f, store, _ := newDatasetReporter(t, false)
	for _, m := range reportDays(t, r, f, 5, 5) {
		require.Equal(t, uint64(5), storageOf(m))
		require.Zero(t, m.DatasetNonce)
	}
	require.Zero(t, store.count())
}

// TestStorageDeclaredOnceBuilt: with challenges on, a role's storage is declared only as
// far as its dataset is built: the first report declares none and starts the build in the
// background, the next declares it all; a larger storage extends the dataset, declaring
// the units built meanwhile; the datasets are the labels the chain recomputes; a report
// declaring no storage commits nothing.
func TestStorageDeclaredOnceBuilt(t *testing.T) {
	r, f, store, logs := newDatasetReporter(t, true)
	r.State.DatasetNonce = 3
	sent := reportDays(t, r, f, 5, 5, 6, 6, 0)
	require.Equal(t, []uint64{0, 5, 5, 6, 0}, []uint64{storageOf(sent[0]), storageOf(sent[1]), storageOf(sent[2]), storageOf(sent[3]), storageOf(sent[4])})
	for i, m := range sent {
		require.Equal(t, uint64(3), m.DatasetNonce)
		require.Equal(t, []uint64{5, 5, 6, 6, 0}[i], m.Totals.Storage, "the totals are the machine's")
	}
	require.Equal(t, []uint64{5 * labelsPerUnit, 6 * labelsPerUnit}, store.builds, "built once, extended once")
	require.Contains(t, logs.String(), "declared once its challenge dataset is built")
	require.Contains(t, logs.String(), "aegis-node dataset build")
	require.Contains(t, logs.String(), "estimated_left=")
	require.Contains(t, logs.String(), "challenge dataset built")

	k := dataset.Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 3, ScryptN: 2}
	require.NoError(t, store.Ready(k, 6*labelsPerUnit))
	require.NoError(t, store.Verify(k, 6*labelsPerUnit, 8))
	seed := post.Seed(r.Operator, int32(portypes.NODE_ROLE_WORKER), 3)
	require.Equal(t, seed, store.Seed(k), "the chain's seed of the operator, role and nonce")

	// Without a dataset store the report cannot be made: it says why, rather than being
	// refused by the chain.
	r.Datasets = nil
	r.Plan = func(context.Context, []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
		return portypes.Resources{Storage: 1}, []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: portypes.Resources{Storage: 1}}}, nil
	}
	*f.now = f.start.Add(time.Duration(f.day())*f.dayLen - time.Second)
	_, err := r.Step(context.Background())
	require.ErrorContains(t, err, "keeps none")
}

// TestBuildsBeforeReportTime: a node started long before its report time builds at once,
// so its first report declares its storage; a failed build is tried again a minute later.
func TestBuildsBeforeReportTime(t *testing.T) {
	r, f, store, logs := newDatasetReporter(t, true)
	f.dayLen = 24 * time.Hour
	require.Greater(t, Offset(r.Operator, f.dayLen), 10*time.Minute, "the report is due later in the day")
	r.Plan = func(context.Context, []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
		res := portypes.Resources{Compute: 1, Storage: 2}
		return res, []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: res}}, nil
	}
	store.fail = errors.New("disk full")
	_, err := r.Step(context.Background()) // at the day's start: not due
	require.NoError(t, err)
	r.WaitBuilds()
	require.Empty(t, f.sent)
	require.Contains(t, logs.String(), "disk full")
	_, err = r.Step(context.Background())
	require.NoError(t, err)
	r.WaitBuilds()
	require.Equal(t, 1, store.count(), "not retried within a minute")

	*f.now = f.now.Add(retryBuildAfter)
	_, err = r.Step(context.Background())
	require.NoError(t, err)
	r.WaitBuilds()
	require.Equal(t, 2, store.count())
	*f.now = f.start.Add(f.dayLen - time.Second)
	_, err = r.Step(context.Background())
	require.NoError(t, err)
	require.Len(t, f.sent, 1)
	require.Equal(t, uint64(2), storageOf(f.sent[0]), "built before the report:\n%s", logs.String())
	require.Equal(t, 2, store.count())
}
