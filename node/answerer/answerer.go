// Package answerer is aegis-node's answer to the chain's challenges: it watches for the
// node's pending challenges and answers each once, through the hot key — a liveness
// challenge with no proof, a storage challenge with a proof found by one scan of the
// role's dataset the reporter built (x/por/post), a compute challenge in two answers (the
// Merkle root of its tiles, then the paths of the tiles the chain draws; x/por/compute).
// It never rebuilds a dataset to answer: deriving one inside the answer window is what the
// challenge is designed to rule out, so a dataset that is not on disk means a missed
// challenge, said loudly in the log.
package answerer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/dataset"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/por/compute"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Chain is what the answerer needs from the chain (chain.Client; a fake in tests).
type Chain interface {
	PendingChallenges(ctx context.Context) ([]portypes.Challenge, error)
	PorParams(ctx context.Context) (portypes.Params, error)
	EmissionParams(ctx context.Context) (emissiontypes.Params, error)
	HasGrant(ctx context.Context, msgTypeURL string) (bool, error)
	Exec(ctx context.Context, msgs ...sdk.Msg) (string, error)
	// Challenge is one challenge as the chain has it now (the status an answer gave it).
	Challenge(ctx context.Context, id uint64) (portypes.Challenge, error)
}

var _ Chain = (*chain.Client)(nil)

// Defaults of the poll intervals.
const (
	// DefaultFast is the poll interval around a day's start, when challenges are sampled
	// (and, with spread_blocks 0, all open); answer windows are a few dozen blocks.
	DefaultFast = time.Second
	// DefaultSlow caps the poll interval for the rest of the day: challenges open through
	// the spread, and a chain halted over the day's start samples late. It is shortened
	// to a third of the answer window (at a second a block) when that is shorter.
	DefaultSlow = 30 * time.Second
	// hotWindow is how long after a day starts (by the local clock) the answerer polls
	// fast: longer than the clock skew the reporter tolerates before warning.
	hotWindow = 3 * time.Minute
	// maxRetryWait caps the wait between retries of a failed step, well inside the default
	// answer window (50 blocks).
	maxRetryWait = 8 * time.Second
	// forgetAfter is how long an answered challenge is remembered after it left the
	// pending list (a lagging query node may still list it).
	forgetAfter = time.Hour
)

// Answerer answers the node's challenges.
type Answerer struct {
	Chain    Chain
	Datasets *dataset.Store
	Operator sdk.AccAddress
	Log      *slog.Logger
	Metrics  *Metrics
	// Now is the clock (time.Now outside tests).
	Now func() time.Time
	// Fast and Slow are the poll intervals (DefaultFast, DefaultSlow when zero).
	Fast, Slow time.Duration
	// Kernel multiplies compute challenges' tiles (compute.Reference{} when nil). It must
	// be the kernel the probe measured, for the node declares 90% of the rate it measured,
	// and safe for concurrent use.
	Kernel compute.Kernel
	// Workers is how many goroutines compute a commitment (runtime.GOMAXPROCS(0) when 0,
	// as the probe measures).
	Workers int

	// The fields below are the poll loop's (Step's, Run's): only the goroutine calling Step
	// touches them. A commitment computes in a goroutine of its own (computeJob), which
	// writes nothing but its job's results and busy.
	done      map[uint64]time.Time   // challenges answered or given up, and when
	proofs    map[uint64]*proved     // storage proofs found, kept until their answer lands
	commits   map[uint64]*commitment // compute commitments, kept from the commit to the reveal
	job       *computeJob            // the commitment computing in the background (or done, not collected yet)
	wake      chan struct{}          // a computed commitment wakes Run's wait
	busy      atomic.Bool            // a commitment computes: ComputeBusy
	porParams portypes.Params
	emission  emissiontypes.Params
	fetched   time.Time
	granted   bool
	warned    bool
}

// Run polls and answers until ctx is cancelled. Failures are logged, counted and retried
// from the fast interval, backing off to maxRetryWait at most: a challenge's window is
// short, and a chain that is down should not fill the log every second.
//
// Run returns once the commitment computing in the background, if any, has stopped.
func (a *Answerer) Run(ctx context.Context) error {
	defer a.Stop()
	retry := a.fast()
	for {
		wait, err := a.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			a.Log.Error("challenge step failed; retrying", "err", err, "retry_in", retry)
			a.Metrics.failed(cause(err))
			wait, retry = retry, min(retry*2, max(maxRetryWait, a.fast()))
		} else {
			retry = a.fast()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		case <-a.wake: // a commitment is computed: send its root now (nil until one starts)
		}
	}
}

func (a *Answerer) fast() time.Duration {
	if a.Fast > 0 {
		return a.Fast
	}
	return DefaultFast
}

func (a *Answerer) slow() time.Duration {
	if a.Slow > 0 {
		return a.Slow
	}
	return DefaultSlow
}

// Step answers the pending challenges not answered yet and returns how long to wait
// before looking again. An error means some answer must be retried.
func (a *Answerer) Step(ctx context.Context) (time.Duration, error) {
	if err := a.refresh(ctx); err != nil {
		return 0, err
	}
	pending, err := a.Chain.PendingChallenges(ctx)
	if err != nil {
		return 0, err
	}
	a.Metrics.setPending(len(pending))
	if a.done == nil {
		a.done = map[uint64]time.Time{}
	}
	a.collect(ctx)
	var errs []error
	for _, c := range answerOrder(pending) {
		if _, ok := a.done[c.Id]; ok {
			continue
		}
		if err := a.answer(ctx, c); err != nil {
			errs = append(errs, err)
		}
	}
	a.forget(pending)
	if len(errs) > 0 {
		return a.fast(), errors.Join(errs...)
	}
	return a.next(), nil
}

// refresh re-reads the chain's parameters every slow interval and, while challenges are
// on, checks the operator's grant for the answer until it is there.
func (a *Answerer) refresh(ctx context.Context) error {
	now := a.Now()
	if !a.fetched.IsZero() && now.Sub(a.fetched) < a.slow() {
		return nil
	}
	p, err := a.Chain.PorParams(ctx)
	if err != nil {
		return err
	}
	e, err := a.Chain.EmissionParams(ctx)
	if err != nil {
		return err
	}
	a.porParams, a.emission, a.fetched = p, e, now
	if !p.Challenge.Enabled() || a.granted {
		return nil
	}
	ok, err := a.Chain.HasGrant(ctx, chain.AnswerChallengeURL)
	if err != nil {
		return nil // the answer itself will say what is wrong
	}
	a.granted = ok
	if !ok && !a.warned {
		a.warned = true
		a.Metrics.failed("no_grant")
		a.Log.Error("the chain's challenges are on and the operator has not authorized the hot key to answer them: every challenge will be missed, forfeiting its report's reward, and repeated misses slash the stake; run the grant with the operator key (one of the commands `aegis-node init` prints)",
			"grant", grantCommand(a.Chain, chain.AnswerChallengeURL))
	}
	if ok && a.warned {
		a.Log.Info("the hot key may now answer challenges")
	}
	return nil
}

// grantCommand is the fix for a missing grant, when the chain client can print it.
func grantCommand(c Chain, url string) string {
	if g, ok := c.(interface{ GrantCommand(string) string }); ok {
		return g.GrantCommand(url)
	}
	return "aegisd tx authz grant <hot key> generic --msg-type " + url
}

// answerOrder is the order Step answers the pending challenges in. A compute challenge's
// commitment takes most of its commit window (an honest node declares 90% of its measured
// rate: about 0.9 × work_seconds), so it computes in the background, one at a time
// (startCompute), and never holds up the poll loop. Liveness and storage challenges, whose
// answers are quick and due in blocks, come first; then compute reveals, cheap with the
// commitment kept and due in blocks (and first in line for the background computation
// when a restarted process must compute their commitment again); then the roots, the
// earliest commit deadline first: the first one in this order waiting for its commitment
// takes the background computation when it is free, and the others wait their turn.
func answerOrder(pending []portypes.Challenge) []portypes.Challenge {
	rank := func(c portypes.Challenge) int {
		switch {
		case c.Kind != portypes.CHALLENGE_KIND_COMPUTE:
			return 0
		case !c.AwaitsRoot():
			return 1
		}
		return 2
	}
	// due orders challenges of one rank: a root by its commit deadline (chain clock), the
	// others by their deadline height.
	due := func(c portypes.Challenge) int64 {
		if c.AwaitsRoot() {
			return c.CommitDeadlineMs
		}
		return c.DeadlineHeight
	}
	out := slices.Clone(pending)
	slices.SortStableFunc(out, func(x, y portypes.Challenge) int {
		return cmp.Or(cmp.Compare(rank(x), rank(y)), cmp.Compare(due(x), due(y)), cmp.Compare(x.Id, y.Id))
	})
	return out
}

// next is the wait before the next poll: fast in the first minutes of a chain day (by
// the local clock), when the day's challenges are issued, and while a compute challenge
// waits for its commitment or its reveal; otherwise slow, waking at the next day's start.
func (a *Answerer) next() time.Duration {
	if a.job != nil || a.awaitsReveal() {
		// A commitment computes (its root is sent at the first Step after it ends; Run is
		// also woken then), and others may wait their turn; or a root committed, whose
		// tiles to reveal were drawn in the block that included it: the reveal is due in
		// blocks.
		return a.fast()
	}
	day := time.Duration(a.emission.DaySeconds) * time.Second
	now := a.Now()
	if !a.porParams.Challenge.Enabled() || day <= 0 {
		return a.slow()
	}
	if now.Before(a.emission.StartTime) {
		return min(a.slow(), max(a.emission.StartTime.Sub(now), a.fast()))
	}
	into := now.Sub(a.emission.StartTime) % day
	if into < min(day/2, hotWindow) {
		return a.fast()
	}
	// Challenges open through the spread at blocks no one knows in advance: poll often
	// enough to see one with most of its window left (blocks take at least a second).
	cp := a.porParams.Challenge
	slow := min(a.slow(), max(a.fast(), time.Duration(cp.AnswerWindowBlocks)*time.Second/3))
	if cc := cp.Compute; cc.Enabled() && cc.CommitSeconds > cc.WorkSeconds {
		// A compute root is due commit_seconds of chain time after the challenge opens, and
		// an honest node computes for about 0.9 × work_seconds of it: the slack, at least
		// commit_seconds - work_seconds, must cover seeing the challenge, so poll at a
		// quarter of it.
		slow = min(slow, max(a.fast(), time.Duration(cc.CommitSeconds-cc.WorkSeconds)*time.Second/4))
	}
	if cp.SpreadBlocks > 0 {
		return slow
	}
	return max(min(slow, day-into), a.fast())
}

// forget drops answered challenges that left the pending list long ago, what was kept to
// answer challenges that left it, and stops computing the commitment of one that left it.
func (a *Answerer) forget(pending []portypes.Challenge) {
	listed := make(map[uint64]bool, len(pending))
	for _, c := range pending {
		listed[c.Id] = true
	}
	for id, at := range a.done {
		if !listed[id] && a.Now().Sub(at) > forgetAfter {
			delete(a.done, id)
		}
	}
	for id := range a.proofs { // resolved without this process's answer
		if !listed[id] {
			delete(a.proofs, id)
		}
	}
	for id := range a.commits { // resolved, or missed, without this process's reveal
		if !listed[id] {
			delete(a.commits, id)
		}
	}
	if j := a.job; j != nil && !j.dropped && !listed[j.c.Id] { // resolved or missed meanwhile
		j.drop("its challenge is no longer pending on chain (resolved or missed meanwhile)")
	}
}

// proved is a storage proof found for a challenge, with its scan.
type proved struct {
	proof *portypes.StorageProof
	scan  dataset.ProveResult
}

// answer answers c once (a compute challenge once per phase). It returns an error only for
// a failure worth retrying (the chain unreachable, no grant yet, a sequence race); an
// outcome that retrying cannot change is logged and c is not tried again.
func (a *Answerer) answer(ctx context.Context, c portypes.Challenge) error {
	args := []any{"challenge", c.Id, "kind", kindName(c.Kind), "role", c.Role.String(), "day", c.Day}
	if c.AwaitsRoot() {
		// Its deadline is on the chain clock: DeadlineHeight is 0 until the root lands.
		args = append(args, "commit_seconds", c.Compute.CommitSeconds)
	} else {
		args = append(args, "deadline_height", c.DeadlineHeight)
	}
	log := a.Log.With(args...)
	if c.Kind == portypes.CHALLENGE_KIND_COMPUTE {
		return a.answerCompute(ctx, c, log)
	}
	msg := &portypes.MsgAnswerChallenge{Operator: a.Operator.String(), ChallengeId: c.Id}
	var scan []any
	if c.Kind == portypes.CHALLENGE_KIND_STORAGE {
		p, err := a.proveOnce(ctx, c, log)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			a.giveUp(c.Id)
			return nil
		}
		msg.Proof = p.proof
		scan = []any{"labels", p.scan.Labels, "scan", p.scan.Took.Round(time.Millisecond).String()}
	}
	hash, err := a.Chain.Exec(ctx, msg)
	if err != nil {
		return a.failure(c, err, log)
	}
	a.giveUp(c.Id)
	a.Metrics.answered(c.Kind)
	a.resolved(ctx, c, hash, scan, log)
	return nil
}

// giveUp marks c answered or given up, and drops what was kept to answer it.
func (a *Answerer) giveUp(id uint64) {
	a.done[id] = a.Now()
	delete(a.proofs, id)
	delete(a.commits, id)
}

// failure handles an answer the chain did not take: an outcome that retrying cannot change
// is logged, c is given up and failure returns nil; anything else is returned, to retry.
func (a *Answerer) failure(c portypes.Challenge, err error, log *slog.Logger) error {
	switch {
	case refused(err, portypes.ErrChallengeResolved):
		// Answered by an earlier attempt whose reply was lost, or resolved meanwhile.
		a.giveUp(c.Id)
		log.Warn("challenge already resolved on chain; not answering again", "err", err)
		return nil
	case refused(err, portypes.ErrChallengeExpired):
		a.giveUp(c.Id)
		a.Metrics.failed("expired")
		log.Error("the answer came after the challenge's deadline: the challenge is missed; check the node's link to the chain (and, for a storage challenge, how long the scan took; for a compute reveal, how long recomputing its tiles took)", "err", err)
		return nil
	case refused(err, portypes.ErrInvalidAnswer), refused(err, portypes.ErrUnknownChallenge):
		a.giveUp(c.Id)
		a.Metrics.failed("refused")
		log.Error("the chain refused the answer: the challenge will be missed", "err", err)
		return nil
	}
	if errors.Is(err, chain.ErrNoGrant) {
		a.granted = false
	}
	due := fmt.Sprintf("deadline height %d", c.DeadlineHeight)
	if c.AwaitsRoot() {
		due = fmt.Sprintf("root due %d s of chain time after it opened", c.Compute.CommitSeconds)
	}
	return fmt.Errorf("answering challenge %d (%s): %w", c.Id, due, err)
}

// resolved logs how the chain resolved an answer that landed: a storage proof or a compute
// reveal passes, or fails when what the chain recomputed is not what the node had (the
// dataset's labels, the committed tiles). extra are the answer's own figures.
func (a *Answerer) resolved(ctx context.Context, c portypes.Challenge, hash string, extra []any, log *slog.Logger) {
	args := append([]any{"tx", hash}, extra...)
	status := portypes.CHALLENGE_STATUS_PASSED
	if c.Kind.ProvesResources() {
		got, err := a.Chain.Challenge(ctx, c.Id)
		if err != nil {
			log.Info("challenge answered; its status could not be read", append(args, "err", err)...)
			return
		}
		status = got.Status
	}
	args = append(args, "status", statusName(status))
	if status == portypes.CHALLENGE_STATUS_FAILED {
		a.Metrics.failed("proof_failed")
		if c.Kind == portypes.CHALLENGE_KIND_COMPUTE {
			log.Error("challenge answered and FAILED: tiles the chain recomputed are not the ones this node committed (its kernel multiplied wrong: check the machine's memory and, for a kernel other than "+compute.Reference{}.Name()+", its build); its report's reward is forfeited and part of the stake slashed", args...)
			return
		}
		log.Error("challenge answered and FAILED: labels the chain recomputed are not the ones in the dataset (it was overwritten or damaged after it was built); its report's reward is forfeited and part of the stake slashed. Check the disk; remove the dataset and let it be rebuilt", args...)
		return
	}
	log.Info("challenge answered", args...)
}

// proveOnce is the proof of storage challenge c, scanned once: a proof whose answer must
// be retried is not scanned again. An error (logged) means the challenge will be missed.
func (a *Answerer) proveOnce(ctx context.Context, c portypes.Challenge, log *slog.Logger) (*proved, error) {
	if p, ok := a.proofs[c.Id]; ok {
		return p, nil
	}
	res, err := a.prove(ctx, c)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	a.Metrics.scanned(res)
	switch {
	case errors.Is(err, dataset.ErrNoProof):
		a.Metrics.failed("no_proof")
		log.Error("storage challenge cannot be answered: the scan of the dataset found no proof, so the challenge will be missed (its report's reward is forfeited; repeated misses slash the stake). A full dataset fails about one challenge in thousands; more often, labels are missing or damaged: run `aegis-node dataset status --check 64`.",
			"err", err, "best", res.Best, "k2", c.Storage.K2, "deleted_labels", res.Deleted, "scan", res.Took.Round(time.Millisecond).String())
		return nil, err
	case err != nil:
		a.Metrics.failed("dataset")
		log.Error("storage challenge cannot be answered: the dataset it names is not on this machine (or not all of it), so the challenge will be missed (its report's reward is forfeited; repeated misses slash the stake). aegis-node does not derive a dataset to answer — that is what the answer window is too short for, by design; the reporter builds it again, declaring the role's storage once it is built. Keep the data directory on a disk that survives restarts.",
			"err", err)
		return nil, err
	}
	log.Info("storage proof found", "labels", res.Labels, "scan", res.Took.Round(time.Millisecond).String(),
		"labels_per_second", int64(res.Rate()), "cores", res.Workers, "nonce", res.Proof.Nonce)
	p := &proved{proof: &portypes.StorageProof{Nonce: res.Proof.Nonce, Indexes: res.Indexes}, scan: res}
	if a.proofs == nil {
		a.proofs = map[uint64]*proved{}
	}
	a.proofs[c.Id] = p
	return p, nil
}

// prove scans the dataset c names, read-only, for c's challenge value.
func (a *Answerer) prove(ctx context.Context, c portypes.Challenge) (dataset.ProveResult, error) {
	if a.Datasets == nil {
		return dataset.ProveResult{}, errors.New("this aegis-node keeps no dataset")
	}
	k := dataset.Key{Role: c.Role, Nonce: c.Dataset.Nonce, ScryptN: c.Dataset.LabelScryptN}
	return a.Datasets.Prove(ctx, k, c.Dataset.Labels, c.Value, c.Storage.Post())
}

// refused reports whether the chain refused a tx with the registered error want (the
// error crosses gRPC as text).
func refused(err, want error) bool {
	return err != nil && strings.Contains(err.Error(), want.Error())
}

func statusName(s portypes.ChallengeStatus) string {
	return strings.TrimPrefix(s.String(), "CHALLENGE_STATUS_")
}

func kindName(k portypes.ChallengeKind) string {
	return strings.ToLower(strings.TrimPrefix(k.String(), "CHALLENGE_KIND_"))
}

// cause names a failure for the failures metric.
func cause(err error) string {
	switch {
	case errors.Is(err, chain.ErrUnreachable):
		return "unreachable"
	case errors.Is(err, chain.ErrNoGrant):
		return "no_grant"
	case errors.Is(err, chain.ErrTxFailed):
		return "tx_failed"
	}
	return "other"
}
