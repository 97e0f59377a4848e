package answerer

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"runtime"
	"time"

	"github.com/aegis-chain/aegis/x/por/compute"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// A compute challenge is answered twice, both with MsgAnswerChallenge (the hot key's grant
// for it covers both). First the commit: the node computes all the challenge's tiles and
// sends their Merkle root before the commit deadline, commit_seconds of chain time after
// the challenge opened; the chain keeps the challenge pending and draws the tiles to
// reveal from the hash of the block that includes the root. Then the reveal: the paths of
// those tiles, by the new deadline height. The commitment is kept in memory between the
// two; a process restarted between them computes it again.
//
// A commitment takes most of the commit window to compute (about 108 s of every core with
// the defaults), so it computes in a goroutine (computeJob) while the poll loop goes on
// answering liveness and storage challenges and reveals, whose windows are a few dozen
// blocks. One computes at a time — it takes every core, and two at once would make both
// late — and the Step after it ends collects it (collect) and sends the root. While one
// computes, ComputeBusy is true, and the node's other heavy work (the reporter's dataset
// builds) yields the cores to it.

// commitment is a compute challenge's commitment, kept from its commit to its reveal.
type commitment struct {
	cm   *compute.Commitment
	took time.Duration
	// sent: the root landed on chain; the reveal comes next.
	sent bool
}

func (a *Answerer) kernel() compute.Kernel {
	if a.Kernel != nil {
		return a.Kernel
	}
	return compute.Reference{}
}

func (a *Answerer) workers() int {
	if a.Workers > 0 {
		return a.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// awaitsReveal reports whether a root this process committed waits for its reveal.
func (a *Answerer) awaitsReveal() bool {
	for _, k := range a.commits {
		if k.sent {
			return true
		}
	}
	return false
}

// answerCompute answers compute challenge c's current phase: its root while the chain
// awaits one, else the paths of its reveal tiles. Like answer, it returns an error only
// for a failure worth retrying.
func (a *Answerer) answerCompute(ctx context.Context, c portypes.Challenge, log *slog.Logger) error {
	if c.AwaitsRoot() {
		return a.commit(ctx, c, log)
	}
	return a.reveal(ctx, c, log)
}

// commit sends c's root once its commitment is computed (once: a retried answer reuses
// it), starting the computation in the background if it is not under way. c is not marked
// done: the chain lists it again, with its root and the tiles to reveal.
func (a *Answerer) commit(ctx context.Context, c portypes.Challenge, log *slog.Logger) error {
	k := a.commits[c.Id]
	if k != nil && k.sent {
		return nil // a lagging node still lists c without the root that landed
	}
	if k == nil {
		a.startCompute(ctx, c, "commit", log)
		return nil // the Step after the computation ends sends the root
	}
	hash, err := a.Chain.Exec(ctx, &portypes.MsgAnswerChallenge{Operator: a.Operator.String(), ChallengeId: c.Id, ComputeRoot: k.cm.Root[:]})
	switch {
	case err == nil:
	case refused(err, portypes.ErrChallengeExpired):
		a.late(c, k, err, log)
		return nil
	case refused(err, portypes.ErrChallengeResolved), refused(err, portypes.ErrInvalidAnswer):
		// The root may have landed by an earlier attempt whose reply was lost (and the
		// node listing c lags behind it), or c was missed while its tiles were computed.
		got, gerr := a.Chain.Challenge(ctx, c.Id)
		switch {
		case gerr == nil && got.Status == portypes.CHALLENGE_STATUS_PENDING && bytes.Equal(got.ComputeRoot, k.cm.Root[:]):
			k.sent = true
			log.Info("compute root already committed by an earlier attempt; revealing next", "root", hex.EncodeToString(k.cm.Root[:]))
			return nil
		case gerr == nil && got.Status == portypes.CHALLENGE_STATUS_MISSED:
			a.late(c, k, err, log)
			return nil
		}
		return a.failure(c, err, log)
	default:
		return a.failure(c, err, log)
	}
	k.sent = true
	a.Metrics.committed()
	log.Info("compute root committed; the chain draws the tiles to reveal from its block", "tx", hash, "root", hex.EncodeToString(k.cm.Root[:]))
	return nil
}

// late logs a root refused (or c missed) for coming after its commit deadline, and gives
// c up. A commitment that took longer than work_seconds computed slower than the compute
// the node declares; a quicker one was sent late.
func (a *Answerer) late(c portypes.Challenge, k *commitment, err error, log *slog.Logger) {
	a.giveUp(c.Id)
	a.Metrics.failed("compute_late")
	// log has the window (commit_seconds).
	args := []any{"tiles", c.Tiles, "took", k.took.Round(time.Millisecond).String(), "work_seconds", c.Compute.WorkSeconds, "err", err}
	if k.took > time.Duration(c.Compute.WorkSeconds)*time.Second {
		log.Error("the compute root came after its commit deadline: this node computed the challenge's tiles too slowly for the compute it declares (they took longer than work_seconds), and the challenge is missed (its report's reward is forfeited, the pair disqualified and part of the stake slashed). Probe again on an idle machine (`aegis-node probe`) and keep other work off the cores the node declares", args...)
		return
	}
	log.Error("the compute root came after its commit deadline, and the challenge is missed (its report's reward is forfeited, the pair disqualified and part of the stake slashed). Its tiles took less than work_seconds, so the node did not compute too slowly for the compute it declares: the root was sent late. The challenge was seen late, its tx waited for inclusion, or another challenge's tiles were computed first; check the node's link to the chain", args...)
}

// reveal sends the paths of c's reveal tiles from its commitment: the kept one, or one
// computed again (by a process restarted since the commit) when its root is the one
// committed. A reveal that could not pass is never sent.
func (a *Answerer) reveal(ctx context.Context, c portypes.Challenge, log *slog.Logger) error {
	if len(c.RevealTiles) == 0 {
		return nil // the chain draws them with the commit; wait for a listing that has them
	}
	k := a.commits[c.Id]
	if k == nil {
		// Computing the commitment again takes as long as the commit did: in the background
		// too, rather than holding up the loop (and the challenges it answers) for it. It
		// comes before the roots waiting for the background computation (answerOrder): the
		// reveal is due in blocks.
		a.startCompute(ctx, c, "reveal", log)
		return nil
	}
	if !bytes.Equal(k.cm.Root[:], c.ComputeRoot) {
		a.giveUp(c.Id)
		a.Metrics.failed("compute_mismatch")
		log.Error("the commitment computed again is not the one committed on chain, so no reveal could pass: none is sent and the challenge will be missed (its report's reward is forfeited, the pair disqualified and part of the stake slashed). The kernel's products changed since the commit (check the machine's memory), or another process committed with other tiles",
			"committed_root", hex.EncodeToString(c.ComputeRoot), "computed_root", hex.EncodeToString(k.cm.Root[:]))
		return nil
	}
	start := time.Now()
	paths, err := k.cm.Paths(a.kernel(), c.RevealTiles)
	if err != nil {
		a.giveUp(c.Id)
		a.Metrics.failed("other")
		log.Error("the compute challenge's reveal cannot be made: the challenge will be missed", "reveal_tiles", c.RevealTiles, "err", err)
		return nil
	}
	hash, err := a.Chain.Exec(ctx, &portypes.MsgAnswerChallenge{Operator: a.Operator.String(), ChallengeId: c.Id, ComputePaths: paths})
	if err != nil {
		return a.failure(c, err, log)
	}
	a.giveUp(c.Id)
	a.Metrics.revealed()
	a.Metrics.answered(c.Kind)
	a.resolved(ctx, c, hash, []any{"tiles", c.Tiles, "revealed", len(c.RevealTiles),
		"compute", k.took.Round(time.Millisecond).String(), "paths", time.Since(start).Round(time.Millisecond).String()}, log)
	return nil
}

// computeJob is a commitment computing in the background for one challenge. The goroutine
// writes cm, took and err, then closes done; the poll loop reads them only after that.
type computeJob struct {
	c      portypes.Challenge
	phase  string // "commit", or "reveal" after a restart
	log    *slog.Logger
	window time.Duration
	parent context.Context // the context of the Step that started it (Run's)
	cancel context.CancelFunc
	done   chan struct{}
	// dropped: cancelled because its challenge left the pending list (the poll loop's).
	dropped bool

	cm   *compute.Commitment
	took time.Duration
	err  error
}

// ComputeBusy reports whether a compute challenge's commitment is computing: it takes every
// core the probe measured and must end within the commit window, so the node's other heavy
// work (the reporter's dataset builds, a probe) should wait while it is true. Safe for
// concurrent use.
func (a *Answerer) ComputeBusy() bool { return a.busy.Load() }

// startCompute starts computing c's commitment for phase in the background, unless one is
// computing already: then c waits its turn, and a later Step starts it (Step goes through
// the challenges in answerOrder, so the earliest due starts first). The computation gives
// up after commit_seconds: the challenge opened before the work started and the chain clock
// runs no faster than the wall clock, so a later root is late (unless the chain's blocks
// came more than max_block_seconds apart meanwhile), and a node that far behind should not
// hold up its other compute challenges. It runs under ctx (Run's): it stops when ctx ends,
// and Stop waits for it.
func (a *Answerer) startCompute(ctx context.Context, c portypes.Challenge, phase string, log *slog.Logger) {
	if a.job != nil {
		return // one at a time: its end wakes the loop, which starts the next
	}
	kernel, workers := a.kernel(), a.workers()
	window := time.Duration(c.Compute.CommitSeconds) * time.Second
	jctx, cancel := context.WithCancel(ctx)
	if window > 0 {
		var stop context.CancelFunc
		jctx, stop = context.WithTimeout(jctx, window)
		cancelParent := cancel
		cancel = func() { stop(); cancelParent() }
	}
	what := "computing the compute challenge's tiles to commit their root"
	if phase == "reveal" {
		what = "computing the compute challenge's tiles again to reveal them: this process did not keep the commitment (it restarted since the commit)"
	}
	log.Info(what+" (in the background; other challenges are answered meanwhile)", "phase", phase, "tiles", c.Tiles, "kernel", kernel.Name(), "workers", workers)
	j := &computeJob{c: c, phase: phase, log: log, window: window, parent: ctx, cancel: cancel, done: make(chan struct{})}
	if a.wake == nil {
		a.wake = make(chan struct{}, 1)
	}
	wake := a.wake
	seed := compute.Seed(c.Value, a.Operator, int32(c.Role))
	a.job = j
	a.busy.Store(true)
	go func() {
		start := time.Now()
		j.cm, j.err = compute.Commit(jctx, kernel, workers, seed, c.Tiles)
		j.took = time.Since(start)
		a.busy.Store(false)
		close(j.done)
		select { // wake Run: the root is due
		case wake <- struct{}{}:
		default:
		}
	}()
}

// drop stops computing j's commitment, for which nothing will be sent. It stays a.job
// until its goroutine ends (collect), so that the next one does not start alongside it.
func (j *computeJob) drop(why string) {
	j.dropped = true
	j.cancel()
	select {
	case <-j.done:
		return // it ended before: nothing was stopped
	default:
	}
	j.log.Info("stopped computing the compute challenge's tiles: "+why, "phase", j.phase, "tiles", j.c.Tiles)
}

// collect takes the background computation's outcome once it has ended: a commitment is
// kept for its challenge's answer (which the rest of the Step sends); one that could not be
// computed within its challenge's commit window, or at all, gives the challenge up, logged.
// A computation dropped or interrupted (Stop, ctx) leaves nothing.
func (a *Answerer) collect(ctx context.Context) {
	j := a.job
	if j == nil {
		return
	}
	select {
	case <-j.done:
	default:
		return // computing still
	}
	a.job = nil
	j.cancel()
	c, log, took := j.c, j.log, j.took
	switch {
	case j.dropped, j.parent.Err() != nil, ctx.Err() != nil:
		return
	case errors.Is(j.err, context.DeadlineExceeded):
		a.giveUp(c.Id)
		a.Metrics.failed("compute_late")
		log.Error("stopped computing the compute challenge's tiles after its whole commit window: this node computes too slowly for the compute it declares, and the challenge is missed (its report's reward is forfeited, the pair disqualified and part of the stake slashed). Probe again on an idle machine (`aegis-node probe`) and keep other work off the cores the node declares",
			"phase", j.phase, "tiles", c.Tiles, "took", took.Round(time.Millisecond).String(), "window", j.window.String(), "work_seconds", c.Compute.WorkSeconds)
		return
	case j.err != nil:
		a.giveUp(c.Id)
		a.Metrics.failed("other")
		log.Error("the compute challenge's tiles cannot be computed: the challenge will be missed", "phase", j.phase, "err", j.err)
		return
	}
	cm := j.cm
	a.Metrics.computed(c.Tiles, took)
	log.Info("compute commitment computed", "phase", j.phase, "tiles", c.Tiles, "took", took.Round(time.Millisecond).String(),
		"tiles_per_second", int64(float64(c.Tiles)/max(took.Seconds(), 1e-9)), "root", hex.EncodeToString(cm.Root[:]))
	k := &commitment{cm: cm, took: took}
	if a.commits == nil {
		a.commits = map[uint64]*commitment{}
	}
	a.commits[c.Id] = k
	if j.phase == "reveal" {
		k.sent = true // committed by an earlier process
	}
}

// Stop stops the commitment computing in the background, if any, and waits for its
// goroutine to end; what it computed is dropped. Run calls it before returning; a caller of
// Step calls it when done stepping (never while a Step runs).
func (a *Answerer) Stop() {
	if j := a.job; j != nil {
		j.cancel()
		<-j.done
		a.job = nil
	}
}
