package answerer

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/x/por/compute"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// value is a counter's or a gauge's value.
func value(t *testing.T, m prometheus.Metric) float64 {
	t.Helper()
	var out dto.Metric
	require.NoError(t, m.Write(&out))
	if out.Counter != nil {
		return out.Counter.GetValue()
	}
	return out.Gauge.GetValue()
}

// testTiles keeps the tests' commitments to a few milliseconds.
const testTiles = 40

// computeChallenge asks the operator's worker pair for tiles tiles with the value of id,
// 3 of them revealed; its root is due 150 s of chain time after it opened.
func computeChallenge(id, tiles uint64) portypes.Challenge {
	cp := portypes.DefaultComputeProofParams()
	cp.Samples = 3
	value := sha256.Sum256(fmt.Appendf(nil, "challenge %d", id))
	return portypes.Challenge{Id: id, Operator: operator.String(), Role: portypes.NODE_ROLE_WORKER, Day: 3,
		Kind: portypes.CHALLENGE_KIND_COMPUTE, Status: portypes.CHALLENGE_STATUS_PENDING, OpenHeight: 90, AnswerWindowBlocks: 50,
		Compute: cp, Tiles: tiles, CommitDeadlineMs: 150_000 + int64(id), Value: value[:]}
}

// computeFixture is a fixture with metrics, 60 s into a 100-s chain day: past the day's
// start, so the answerer polls slow unless a compute challenge waits.
func computeFixture(t *testing.T) fixture {
	x := newFixture(t)
	x.a.Metrics = NewMetrics(prometheus.NewRegistry())
	*x.now = x.f.emission.StartTime.Add(60 * time.Second)
	return x
}

// settle waits for the commitment a computes in the background, if any, to end.
func settle(t *testing.T, a *Answerer) {
	t.Helper()
	if j := a.job; j != nil {
		select {
		case <-j.done:
		case <-time.After(time.Minute):
			t.Fatal("the commitment computing in the background did not end")
		}
	}
}

// stepComputed is a Step that starts computing a commitment in the background, then, once
// it is computed, the Step that collects it (and sends its root or its reveal): what one
// Step did when commitments were computed in line. The first Step's outcome is returned
// when it started none.
func stepComputed(t *testing.T, a *Answerer) (time.Duration, error) {
	t.Helper()
	wait, err := a.Step(context.Background())
	if a.job == nil {
		return wait, err
	}
	require.NoError(t, err)
	settle(t, a)
	return a.Step(context.Background())
}

// slowStep is the poll interval computeFixture gives with nothing waiting: a quarter of
// the default commit window's slack (150 s - 120 s).
const slowStep = 7500 * time.Millisecond

// TestComputeCommitThenReveal: a compute challenge's commitment is computed in the
// background, polling fast meanwhile; the next Step commits its root, with the tiles and
// the time in the log, and the challenge stays; polling is fast until the reveal, whose
// paths verify against the root and pass. Both phases are counted.
func TestComputeCommitThenReveal(t *testing.T) {
	x := computeFixture(t)
	c := computeChallenge(1, testTiles)
	x.f.pending[1] = c
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait, "fast while the commitment computes")
	require.Empty(t, x.f.order, "nothing sent before it is computed")
	settle(t, x.a)
	require.False(t, x.a.ComputeBusy())
	wait, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait, "fast until the reveal is sent")
	require.Equal(t, 1, x.f.commits[1])
	require.Zero(t, x.f.answers[1], "not answered yet")
	committed := x.f.pending[1]
	want, err := compute.Commit(context.Background(), compute.Reference{}, 1, compute.Seed(c.Value, operator, int32(c.Role)), testTiles)
	require.NoError(t, err)
	require.Equal(t, want.Root[:], committed.ComputeRoot, "the root of the challenge's tiles")
	require.Len(t, committed.RevealTiles, 3)
	logs := x.logs.String()
	require.Contains(t, logs, "computing the compute challenge's tiles")
	require.Contains(t, logs, "compute commitment computed")
	require.Regexp(t, `tiles=40 took=[0-9.]+[mµn]?s tiles_per_second=[0-9]+`, logs)
	require.Contains(t, logs, "compute root committed")
	require.NotContains(t, logs, "challenge answered")
	require.Equal(t, 1.0, value(t, x.a.Metrics.commits))
	require.Positive(t, value(t, x.a.Metrics.commitRate))

	wait, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, x.f.answers[1])
	require.Equal(t, 1, x.f.commits[1], "the root is sent once")
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
	seed := compute.Seed(c.Value, operator, int32(c.Role))
	wrong, err := compute.Check(&seed, testTiles, committed.ComputeRoot, committed.RevealTiles, x.f.paths[1])
	require.NoError(t, err)
	require.Zero(t, wrong, "the revealed paths verify against the root")
	require.Equal(t, 1, strings.Count(x.logs.String(), "compute commitment computed"), "the reveal uses the kept commitment")
	require.Contains(t, x.logs.String(), "challenge answered")
	require.Contains(t, x.logs.String(), "status=PASSED")
	require.Empty(t, x.a.commits, "dropped once revealed")
	require.Equal(t, slowStep, wait)
	require.Equal(t, 1.0, value(t, x.a.Metrics.reveals))
	require.Equal(t, 1.0, value(t, x.a.Metrics.answeredTotal.WithLabelValues("compute")))

	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 1}, x.f.order, "nothing more is sent")
}

// TestComputeLaggingListing: a node that still lists the challenge without the root that
// landed gets no second root; the reveal follows once the root is listed.
func TestComputeLaggingListing(t *testing.T) {
	x := computeFixture(t)
	x.f.pending[1] = computeChallenge(1, testTiles)
	_, err := stepComputed(t, x.a)
	require.NoError(t, err)
	committed := x.f.pending[1]
	x.f.pending[1] = computeChallenge(1, testTiles) // the lagging node's listing
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait)
	require.Equal(t, []uint64{1}, x.f.order, "no second root")
	x.f.pending[1] = committed
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
}

// TestComputeRootReplyLost: a root that landed although its answer reported a failure is
// not taken for a refusal when sent again: the answerer reads the challenge back, finds its
// root committed, and reveals.
func TestComputeRootReplyLost(t *testing.T) {
	x := computeFixture(t)
	c := computeChallenge(1, testTiles)
	x.f.pending[1] = c
	x.f.failNext = []error{fmt.Errorf("%w: tx not included within 30s", chain.ErrUnreachable)}
	_, err := stepComputed(t, x.a)
	require.ErrorIs(t, err, chain.ErrUnreachable)
	require.NotNil(t, x.a.commits[1], "kept for the retry")
	// The tx landed after all; the node listing challenges lags behind.
	_, err = x.f.commit(c, &portypes.MsgAnswerChallenge{ComputeRoot: x.a.commits[1].cm.Root[:]})
	require.NoError(t, err)
	x.f.listing = map[uint64]portypes.Challenge{1: c}
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait)
	require.Contains(t, x.logs.String(), "compute root already committed by an earlier attempt")
	require.Equal(t, 1, strings.Count(x.logs.String(), "compute commitment computed"), "the retry reuses the commitment")
	x.f.listing = nil
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
}

// TestComputeRevealAfterRestart: a process restarted between the commit and the reveal
// computes the commitment again and reveals when its root is the committed one; when it is
// not, it sends nothing that could not pass, says so, and does not try again.
func TestComputeRevealAfterRestart(t *testing.T) {
	for _, tampered := range []bool{false, true} {
		x := computeFixture(t)
		x.f.pending[1] = computeChallenge(1, testTiles)
		_, err := stepComputed(t, x.a)
		require.NoError(t, err)
		require.Equal(t, 1, x.f.commits[1])
		if tampered {
			c := x.f.pending[1]
			c.ComputeRoot = append([]byte{c.ComputeRoot[0] ^ 1}, c.ComputeRoot[1:]...)
			x.f.pending[1] = c
		}

		var logs strings.Builder
		restarted := &Answerer{Chain: x.f, Datasets: x.store, Operator: operator, Log: slog.New(slog.NewTextHandler(&logs, nil)),
			Now: x.a.Now, Metrics: NewMetrics(prometheus.NewRegistry())}
		t.Cleanup(restarted.Stop)
		wait, err := restarted.Step(context.Background())
		require.NoError(t, err)
		require.Equal(t, DefaultFast, wait, "fast while the commitment is computed again")
		require.Equal(t, []uint64{1}, x.f.order, "nothing sent before it is computed again")
		settle(t, restarted)
		wait, err = restarted.Step(context.Background())
		require.NoError(t, err)
		require.Contains(t, logs.String(), "did not keep the commitment")
		if !tampered {
			require.Equal(t, 1, x.f.answers[1])
			require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
			require.Contains(t, logs.String(), "status=PASSED")
			require.Equal(t, slowStep, wait)
			continue
		}
		require.Equal(t, []uint64{1}, x.f.order, "no reveal sent")
		require.Contains(t, logs.String(), "no reveal could pass")
		require.Equal(t, 1.0, value(t, restarted.Metrics.failures.WithLabelValues("compute_mismatch")))
		_, err = restarted.Step(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, strings.Count(logs.String(), "did not keep the commitment"), "not computed again")
		require.Equal(t, []uint64{1}, x.f.order)
	}
}

// TestComputeRootLate: a root refused as late — or a challenge missed while its tiles
// were computed — is logged, counted, and not retried. The log blames the compute when
// the tiles took longer than work_seconds, else the root's late sending.
func TestComputeRootLate(t *testing.T) {
	for _, how := range []string{"expired", "missed meanwhile", "expired after a slow commitment"} {
		x := computeFixture(t)
		c := computeChallenge(1, testTiles)
		switch how {
		case "expired":
			x.f.late[1] = true
		case "missed meanwhile":
			x.f.status[1] = portypes.CHALLENGE_STATUS_MISSED
			x.f.failNext = []error{fmt.Errorf("%w: code 26: challenge 1 is CHALLENGE_STATUS_MISSED: %s", chain.ErrTxFailed, portypes.ErrChallengeResolved.Error())}
			x.f.lagging = true
		case "expired after a slow commitment":
			x.f.late[1] = true
			x.a.Kernel, x.a.Workers = slowKernel{delay: 30 * time.Millisecond}, 1 // 1.2 s for 40 tiles
			c.Compute.WorkSeconds, c.Compute.CommitSeconds = 1, 2
		}
		x.f.pending[1] = c
		for range 3 {
			_, err := stepComputed(t, x.a)
			require.NoError(t, err, how)
		}
		logs := x.logs.String()
		require.Equal(t, 1, strings.Count(logs, "the compute root came after its commit deadline"), "%s: %s", how, logs)
		if how == "expired after a slow commitment" {
			require.Contains(t, logs, "computed the challenge's tiles too slowly for the compute it declares", how)
			require.Regexp(t, `commit_seconds=2 tiles=40 took=1\.[0-9]+s work_seconds=1`, logs, how)
		} else {
			require.Contains(t, logs, "did not compute too slowly for the compute it declares: the root was sent late", how)
			require.Regexp(t, `commit_seconds=150 tiles=40 took=[0-9.]+[mµn]?s work_seconds=120`, logs, how)
		}
		require.Contains(t, logs, "the challenge is missed", how)
		require.Equal(t, 1, strings.Count(logs, "compute commitment computed"), "%s: not computed again", how)
		require.Zero(t, x.f.commits[1], how)
		require.Zero(t, x.f.answers[1], how)
		if how != "missed meanwhile" {
			require.Equal(t, []uint64{1}, x.f.order, "%s: not retried", how)
		}
		require.Equal(t, 1.0, value(t, x.a.Metrics.failures.WithLabelValues("compute_late")), how)
		require.Empty(t, x.a.commits, how)
	}
}

// slowKernel takes delay a tile.
type slowKernel struct {
	compute.Reference
	delay time.Duration
}

func (k slowKernel) Mul(a, b *compute.Matrix, t *compute.Product) {
	time.Sleep(k.delay)
	k.Reference.Mul(a, b, t)
}

// TestComputeGivesUpAfterWindow: a commitment still computing after the whole commit
// window stops there, is logged as too slow, and nothing is sent.
func TestComputeGivesUpAfterWindow(t *testing.T) {
	x := computeFixture(t)
	x.a.Kernel, x.a.Workers = slowKernel{delay: 50 * time.Millisecond}, 1 // 2 s for 40 tiles
	c := computeChallenge(1, testTiles)
	c.Compute.CommitSeconds = 1
	x.f.pending[1] = c
	start := time.Now()
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait)
	require.Less(t, time.Since(start), 500*time.Millisecond, "computed in the background")
	require.True(t, x.a.ComputeBusy())
	settle(t, x.a)
	require.Less(t, time.Since(start), 1900*time.Millisecond, "stopped at the window")
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Contains(t, x.logs.String(), "stopped computing the compute challenge's tiles after its whole commit window")
	require.Empty(t, x.f.order)
	require.Equal(t, 1.0, value(t, x.a.Metrics.failures.WithLabelValues("compute_late")))
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(x.logs.String(), "computing the compute challenge's tiles to commit"), "not tried again")
}

// TestComputeAnsweredLast: liveness and storage challenges are answered first, whatever
// the listing's order; one commitment computes at a time, the earliest due first, and a
// reveal comes before the next root.
func TestComputeAnsweredLast(t *testing.T) {
	x := computeFixture(t)
	x.build(t, testKey, testLabels)
	x.f.pending[1] = computeChallenge(1, testTiles)
	x.f.pending[2] = computeChallenge(2, testTiles)
	x.f.pending[3] = storageChallenge(3, testKey, testLabels)
	x.f.pending[4] = portypes.Challenge{Id: 4, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING, DeadlineHeight: 120}
	_, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, []uint64{3, 4}, x.f.order, "storage and liveness answered while the commitment computes")
	require.Equal(t, uint64(1), x.a.job.c.Id, "the earliest due computes first")
	require.Equal(t, 1, strings.Count(x.logs.String(), "computing the compute challenge's tiles to commit"), "one at a time")
	settle(t, x.a)
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, []uint64{3, 4, 1}, x.f.order, "storage and liveness first, then one commitment, the earliest due")
	require.Equal(t, DefaultFast, wait, "the second commitment computes meanwhile")
	require.Equal(t, uint64(2), x.a.job.c.Id, "the second starts once the first is computed")
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[3])
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[4])

	_, err = stepComputed(t, x.a)
	require.NoError(t, err)
	require.Equal(t, []uint64{3, 4, 1, 1, 2}, x.f.order, "the reveal of 1, then the root of 2")
	_, err = stepComputed(t, x.a)
	require.NoError(t, err)
	require.Equal(t, []uint64{3, 4, 1, 1, 2, 2}, x.f.order)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[2])
}

// TestPollsFasterWithComputeProofs: with compute proofs on, the slow interval is at most a
// quarter of the commit window's slack (commit_seconds - work_seconds), never below the
// fast one; the answer window's third still caps it.
func TestPollsFasterWithComputeProofs(t *testing.T) {
	x := newFixture(t)
	x.f.emission.DaySeconds = 86400
	day := 24 * time.Hour
	start := x.f.emission.StartTime
	third := 50 * time.Second / 3
	for _, c := range []struct {
		work, commit uint32
		spread       uint64
		into         time.Duration
		want         time.Duration
	}{
		{120, 150, 7200, time.Hour, 7500 * time.Millisecond},
		{120, 150, 0, time.Hour, 7500 * time.Millisecond},
		{120, 150, 0, day - 5*time.Second, 5 * time.Second},
		{120, 150, 7200, 2 * time.Minute, DefaultFast},
		{120, 240, 7200, time.Hour, third},
		{120, 122, 7200, time.Hour, DefaultFast},
		{0, 0, 7200, time.Hour, third}, // off
	} {
		x.f.params.Challenge.Compute = portypes.DefaultComputeProofParams()
		x.f.params.Challenge.Compute.WorkSeconds, x.f.params.Challenge.Compute.CommitSeconds = c.work, c.commit
		if c.work == 0 {
			x.f.params.Challenge.Compute = portypes.ComputeProofParams{}
		}
		x.f.params.Challenge.SpreadBlocks = c.spread
		*x.now = start.Add(3*day + c.into)
		x.a.fetched = time.Time{}
		wait, err := x.a.Step(context.Background())
		require.NoError(t, err)
		require.Equal(t, c.want, wait, "work %d s, commit %d s, spread %d, %s into the day", c.work, c.commit, c.spread, c.into)
	}
}

// busyKernel takes delay a tile and counts the tiles being multiplied.
type busyKernel struct {
	compute.Reference
	delay    time.Duration
	inflight *atomic.Int32
}

func (k busyKernel) Mul(a, b *compute.Matrix, t *compute.Product) {
	k.inflight.Add(1)
	defer k.inflight.Add(-1)
	time.Sleep(k.delay)
	k.Reference.Mul(a, b, t)
}

// TestAnswersWhileComputing: a storage and a liveness challenge that open while a
// commitment computes (a slow kernel: 2 s) are answered by the next poll, which does not
// wait for it; the Step after the computation ends commits the root, and the reveal follows.
func TestAnswersWhileComputing(t *testing.T) {
	x := computeFixture(t)
	x.build(t, testKey, testLabels)
	x.a.Kernel, x.a.Workers = slowKernel{delay: 50 * time.Millisecond}, 1 // 2 s for 40 tiles
	x.f.pending[1] = computeChallenge(1, testTiles)
	require.False(t, x.a.ComputeBusy())
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait, "fast while the commitment computes")
	require.True(t, x.a.ComputeBusy())

	x.f.pending[2] = storageChallenge(2, testKey, testLabels)
	x.f.pending[3] = portypes.Challenge{Id: 3, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING, DeadlineHeight: 120}
	start := time.Now()
	wait, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Less(t, time.Since(start), time.Second, "the poll did not wait for the commitment")
	require.Equal(t, DefaultFast, wait)
	require.Equal(t, []uint64{2, 3}, x.f.order, "answered while the commitment computes")
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[2])
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[3])
	require.True(t, x.a.ComputeBusy(), "still computing")
	require.Zero(t, x.f.commits[1])
	require.Equal(t, 1, strings.Count(x.logs.String(), "computing the compute challenge's tiles to commit"), "not started twice")

	settle(t, x.a)
	require.False(t, x.a.ComputeBusy())
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, []uint64{2, 3, 1}, x.f.order, "the root once computed")
	require.Equal(t, 1, x.f.commits[1])
	require.Contains(t, x.logs.String(), "compute root committed")
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
	require.Nil(t, x.a.job)
}

// TestComputeDroppedWhenChallengeGone: a commitment whose challenge leaves the pending list
// while it computes is stopped at once, nothing is sent or kept for it, and the next
// challenge's commitment computes after it.
func TestComputeDroppedWhenChallengeGone(t *testing.T) {
	x := computeFixture(t)
	var inflight atomic.Int32
	x.a.Kernel, x.a.Workers = busyKernel{delay: 100 * time.Millisecond, inflight: &inflight}, 1 // 4 s for 40 tiles
	x.f.pending[1] = computeChallenge(1, testTiles)
	_, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.True(t, x.a.ComputeBusy())

	delete(x.f.pending, 1) // resolved, or missed, meanwhile
	x.f.pending[2] = computeChallenge(2, testTiles)
	start := time.Now()
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultFast, wait)
	require.Contains(t, x.logs.String(), "stopped computing the compute challenge's tiles: its challenge is no longer pending")
	settle(t, x.a)
	require.Less(t, time.Since(start), time.Second, "stopped at once, not computed to its end")
	require.False(t, x.a.ComputeBusy())
	require.Zero(t, inflight.Load())

	x.a.Kernel = compute.Reference{} // the next one's
	_, err = stepComputed(t, x.a)
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, x.f.order, "nothing sent for 1; 2 computed after it")
	require.Equal(t, 1, strings.Count(x.logs.String(), "compute commitment computed"), x.logs.String())
	require.NotContains(t, x.a.commits, uint64(1))
	require.Zero(t, value(t, x.a.Metrics.failures.WithLabelValues("compute_late")))
	require.Zero(t, value(t, x.a.Metrics.failures.WithLabelValues("other")))
}

// TestRunAnswersWhileComputing: Run answers a liveness challenge that opens while a
// commitment computes within a poll, commits the root once the computation ends, reveals,
// and stops when ctx ends.
func TestRunAnswersWhileComputing(t *testing.T) {
	x := computeFixture(t)
	x.a.Fast = 50 * time.Millisecond
	x.a.Kernel, x.a.Workers = slowKernel{delay: 40 * time.Millisecond}, 1 // 1.6 s for 40 tiles
	x.f.pending[1] = computeChallenge(1, testTiles)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { _ = x.a.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()

	locked := func(f func()) { x.f.mu.Lock(); defer x.f.mu.Unlock(); f() }
	require.Eventually(t, x.a.ComputeBusy, 5*time.Second, 5*time.Millisecond, "the commitment starts")
	opened := time.Now()
	locked(func() {
		x.f.pending[2] = portypes.Challenge{Id: 2, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING, DeadlineHeight: 120}
	})
	var answered bool
	require.Eventually(t, func() bool { locked(func() { answered = x.f.answers[2] == 1 }); return answered }, 5*time.Second, 5*time.Millisecond)
	require.Less(t, time.Since(opened), 500*time.Millisecond, "answered within a poll or so")
	require.True(t, x.a.ComputeBusy(), "while the commitment computes")

	var committed int
	require.Eventually(t, func() bool { locked(func() { committed = x.f.commits[1] }); return committed == 1 }, 10*time.Second, 5*time.Millisecond)
	var status portypes.ChallengeStatus
	require.Eventually(t, func() bool {
		locked(func() { status = x.f.status[1] })
		return status == portypes.CHALLENGE_STATUS_PASSED
	}, 5*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	require.Equal(t, []uint64{2, 1, 1}, x.f.order)
}

// TestRunWakesWhenComputed: the end of a computation wakes Run, which sends the root at
// once rather than after the poll interval.
func TestRunWakesWhenComputed(t *testing.T) {
	x := computeFixture(t)
	x.a.Fast = time.Minute
	x.a.Kernel, x.a.Workers = slowKernel{delay: 10 * time.Millisecond}, 1 // 0.4 s for 40 tiles
	x.f.pending[1] = computeChallenge(1, testTiles)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { _ = x.a.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	var committed int
	require.Eventually(t, func() bool {
		x.f.mu.Lock()
		defer x.f.mu.Unlock()
		committed = x.f.commits[1]
		return committed == 1
	}, 10*time.Second, 5*time.Millisecond, "the root is sent when its commitment is computed")
}

// TestRunStopsMidCommitment: Run stopped while a commitment computes returns promptly, and
// only once the computation has stopped: no tile is computed after it returned, and
// nothing was sent.
func TestRunStopsMidCommitment(t *testing.T) {
	x := computeFixture(t)
	var inflight atomic.Int32
	x.a.Kernel, x.a.Workers = busyKernel{delay: 100 * time.Millisecond, inflight: &inflight}, 2 // 2 s for 40 tiles
	x.f.pending[1] = computeChallenge(1, testTiles)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	var runErr error
	go func() { runErr = x.a.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	require.Eventually(t, func() bool { return inflight.Load() > 0 }, 5*time.Second, time.Millisecond, "the commitment computes")

	start := time.Now()
	cancel()
	select {
	case <-stopped:
		require.NoError(t, runErr)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	require.Less(t, time.Since(start), time.Second, "stopped mid-commitment, not at its end")
	require.Zero(t, inflight.Load(), "the computation stopped before Run returned")
	require.False(t, x.a.ComputeBusy())
	require.Nil(t, x.a.job)
	time.Sleep(150 * time.Millisecond)
	require.Zero(t, inflight.Load(), "and computes nothing after")
	require.Empty(t, x.f.order, "nothing sent")
	require.NotContains(t, x.logs.String(), "compute commitment computed")
	require.NotContains(t, x.logs.String(), "commit window")
}
