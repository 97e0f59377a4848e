package reporter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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

func (c *countingStore) BuildWith(ctx context.Context, k dataset.Key, labels uint64, o dataset.BuildOptions) (dataset.Meta, error) {
	c.mu.Lock()
	c.builds = append(c.builds, labels)
	fail := c.fail
	c.fail = nil
	c.mu.Unlock()
	if fail != nil {
		return dataset.Meta{}, fail
	}
	return c.Store.BuildWith(ctx, k, labels, o)
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

// slowBuilder is a dataset store whose builds take step a label, stop when their context
// ends (keeping the labels built, as dataset.Store does) and resume after them, and wait
// between labels while their Pause returns true (as dataset.Store's workers do).
type slowBuilder struct {
	step   time.Duration
	mu     sync.Mutex
	built  uint64
	calls  int
	pauses int // Pause calls
}

func (s *slowBuilder) Meta(dataset.Key) (dataset.Meta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return dataset.Meta{Built: s.built}, nil
}

func (s *slowBuilder) BuildWith(ctx context.Context, k dataset.Key, labels uint64, o dataset.BuildOptions) (dataset.Meta, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	paused := func() bool {
		if o.Pause == nil {
			return false
		}
		s.mu.Lock()
		s.pauses++
		s.mu.Unlock()
		return o.Pause()
	}
	for {
		m, _ := s.Meta(k)
		if m.Built >= labels {
			return m, nil
		}
		for paused() && ctx.Err() == nil {
			time.Sleep(s.step)
		}
		select {
		case <-ctx.Done():
			return m, fmt.Errorf("building %s: stopped at %d of %d labels: %w", k, m.Built, labels, ctx.Err())
		case <-time.After(s.step):
		}
		s.mu.Lock()
		s.built++
		s.mu.Unlock()
	}
}

func (s *slowBuilder) state() (built uint64, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.built, s.calls
}

func (s *slowBuilder) pauseCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pauses
}

// text is what logs holds so far (written by the background build under w's lock).
func (s *syncWriter) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

func newBusyReporter(t *testing.T) (*Reporter, *slowBuilder, *atomic.Bool, *syncWriter) {
	r, _, _, _ := newDatasetReporter(t, true)
	logs := &syncWriter{w: &bytes.Buffer{}}
	r.Log = slog.New(slog.NewTextHandler(logs, nil))
	store := &slowBuilder{step: 5 * time.Millisecond}
	r.Datasets = store
	var busy atomic.Bool
	r.Busy = busy.Load
	old := busyPoll
	busyPoll = 5 * time.Millisecond
	t.Cleanup(func() { busyPoll = old })
	return r, store, &busy, logs
}

var busyKey = dataset.Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 1, ScryptN: 2}

// TestBuildPausesWhileComputeBusy: a build under way pauses inside its Build (its Pause
// hook) while a compute challenge's commitment computes — no label is built meanwhile,
// and the Build is neither stopped nor started again — and goes on where it was once the
// commitment has ended, saying so once each way.
func TestBuildPausesWhileComputeBusy(t *testing.T) {
	r, store, busy, logs := newBusyReporter(t)
	r.planBuilds(context.Background(), []wantedDataset{{Key: busyKey, Labels: 200}}) // 1 s
	require.Eventually(t, func() bool { b, _ := store.state(); return b >= 20 }, 5*time.Second, time.Millisecond)

	busy.Store(true)
	require.Eventually(t, func() bool { return strings.Contains(logs.text(), "challenge dataset build paused") }, 5*time.Second, time.Millisecond)
	time.Sleep(2 * store.step) // the label under way ends
	b1, calls := store.state()
	require.Equal(t, 1, calls)
	looks := store.pauseCalls()
	time.Sleep(200 * time.Millisecond)
	b2, calls := store.state()
	require.Equal(t, b1, b2, "no label built while the commitment computes")
	require.Equal(t, 1, calls, "the build waits in its Build, not stopped")
	require.Greater(t, store.pauseCalls(), looks, "and looks whether it may go on")
	require.Less(t, b2, uint64(200))
	require.NotContains(t, logs.text(), "resumed")

	busy.Store(false)
	r.WaitBuilds()
	built, calls := store.state()
	require.Equal(t, uint64(200), built)
	require.Equal(t, 1, calls, "resumed within the same Build")
	out := logs.text()
	require.Equal(t, 1, strings.Count(out, "challenge dataset build paused"), out)
	require.Equal(t, 1, strings.Count(out, "challenge dataset build resumed"), out)
	require.Contains(t, out, "challenge dataset built")
	require.NotContains(t, out, "failed")
	require.Regexp(t, `built=[1-9][0-9]* labels=200`, out, "the pause says how far the build got")
	require.Regexp(t, `challenge dataset built: .* paused=`, out, "the built line says how long it paused")
}

// TestBuildWaitsWhileComputeBusy: a build due while a commitment computes waits for it to
// end before starting; one whose context ends while it waits stops without building.
func TestBuildWaitsWhileComputeBusy(t *testing.T) {
	r, store, busy, logs := newBusyReporter(t)
	busy.Store(true)
	r.planBuilds(context.Background(), []wantedDataset{{Key: busyKey, Labels: 20}})
	time.Sleep(100 * time.Millisecond)
	built, calls := store.state()
	require.Zero(t, calls, "not started while the commitment computes")
	require.Zero(t, built)
	require.Contains(t, logs.text(), "challenge dataset build paused")
	busy.Store(false)
	r.WaitBuilds()
	built, calls = store.state()
	require.Equal(t, uint64(20), built)
	require.Equal(t, 1, calls)
	require.Equal(t, 1, strings.Count(logs.text(), "challenge dataset build resumed"))

	r, store, busy, logs = newBusyReporter(t)
	busy.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	r.planBuilds(ctx, []wantedDataset{{Key: busyKey, Labels: 20}})
	time.Sleep(50 * time.Millisecond)
	cancel()
	r.WaitBuilds()
	_, calls = store.state()
	require.Zero(t, calls)
	require.Contains(t, logs.text(), "challenge dataset build stopped; it resumes at the next start")
}
