package reporter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aegis-chain/aegis/node/dataset"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Datasets are the node's challenge datasets on disk (dataset.Store).
type Datasets interface {
	// Meta is k's dataset's metadata (how many labels are built), or why there is none.
	Meta(k dataset.Key) (dataset.Meta, error)
	// BuildWith builds k's first labels labels, resuming where an earlier build stopped;
	// its workers wait while o.Pause returns true.
	BuildWith(ctx context.Context, k dataset.Key, labels uint64, o dataset.BuildOptions) (dataset.Meta, error)
}

// LongBuild is the estimated build time above which the reporter warns, rather than
// informs, that a role's storage waits for its dataset.
const LongBuild = 10 * time.Minute

// ProgressLogEvery is how often a build in the background logs its progress.
const ProgressLogEvery = time.Minute

// retryBuildAfter is how long a failed build waits before the next step tries again.
const retryBuildAfter = time.Minute

// busyPoll is how often a build due while a compute challenge's commitment computes
// (Reporter.Busy) looks whether it has ended, before it starts. Once started, the build's
// workers look themselves (dataset.BuildOptions.Pause).
var busyPoll = 100 * time.Millisecond

// wantedDataset is a dataset a role's storage needs: its first labels labels.
type wantedDataset struct {
	Key    dataset.Key
	Labels uint64
}

// builds runs the builds the reports need, one at a time (each takes every core) in the
// background: a report never waits for one.
type builds struct {
	mu       sync.Mutex
	want     []wantedDataset
	running  bool
	failedAt time.Time
	done     chan struct{} // closed when the running loop ends
	logged   time.Time     // the last progress line
	planned  bool          // the first step planned the builds (before its report is due)
}

// datasetPlan is what a report declares and what is left to build.
type datasetPlan struct {
	parts    []portypes.RolePart // as measured
	declared []portypes.RolePart // as reported
	want     []wantedDataset
	sp       portypes.StorageProofParams
}

// datasetParts is, while the chain's challenges are on, what each part may declare: a
// part's storage commits its role's dataset of storage × labels_per_storage_unit labels of
// the report's dataset nonce (x/por/post), so it declares only the whole storage units
// whose labels are all built — all of its storage once its dataset is complete, part or
// none of it before. want are the datasets not complete yet, to build. With challenges off
// (or no storage declared) the parts are left as they are and nothing is built.
func (r *Reporter) datasetParts(ctx context.Context, parts []portypes.RolePart) (datasetPlan, error) {
	plan := datasetPlan{parts: parts, declared: parts}
	if !slices.ContainsFunc(parts, func(p portypes.RolePart) bool { return p.Resources.Storage > 0 }) {
		return plan, nil
	}
	params, err := r.Chain.PorParams(ctx)
	if err != nil {
		return plan, err
	}
	cp := params.Challenge
	if !cp.Enabled() {
		return plan, nil
	}
	if r.Datasets == nil {
		return plan, errors.New("the chain's challenges are on: a report declaring storage commits a dataset, and this reporter keeps none")
	}
	plan.sp = cp.Storage
	plan.declared = slices.Clone(parts)
	for i, p := range plan.declared {
		storage := p.Resources.Storage
		if storage == 0 {
			continue
		}
		labels, ok := cp.DatasetLabels(storage)
		if !ok || plan.sp.LabelsPerStorageUnit == 0 {
			return plan, fmt.Errorf("%s: storage %d makes a challenge dataset larger than the chain accepts: declare less storage", dataset.RoleName(p.Role), storage)
		}
		k := dataset.Key{Role: p.Role, Nonce: r.State.DatasetNonce, ScryptN: plan.sp.LabelScryptN}
		var built uint64
		if m, err := r.Datasets.Meta(k); err == nil {
			built = m.Built
		}
		r.Metrics.datasetLabels(p.Role, min(built, labels), labels)
		if built >= labels {
			continue
		}
		plan.declared[i].Resources.Storage = min(storage, built/plan.sp.LabelsPerStorageUnit)
		plan.want = append(plan.want, wantedDataset{Key: k, Labels: labels})
	}
	return plan, nil
}

// logDeclared says which roles declare less storage than they have, and why.
func (r *Reporter) logDeclared(plan datasetPlan) {
	for i, p := range plan.parts {
		d := plan.declared[i].Resources.Storage
		if d == p.Resources.Storage {
			continue
		}
		var w wantedDataset
		for _, x := range plan.want {
			if x.Key.Role == p.Role {
				w = x
			}
		}
		left := r.estimate(plan.sp).Build(w.Labels - d*plan.sp.LabelsPerStorageUnit)
		logf := r.Log.Info
		if left > LongBuild {
			logf = r.Log.Warn
		}
		logf("a role's storage is declared once its challenge dataset is built: this report declares only the storage units already built, while the rest builds in the background (`aegis-node dataset build` builds ahead of time, `aegis-node dataset status` shows the progress)",
			"role", dataset.RoleName(p.Role), "storage", p.Resources.Storage, "declared", d,
			"dataset", w.Key.Name(), "labels", w.Labels, "disk_bytes", dataset.DiskSize(w.Labels), "estimated_left", left.Round(time.Second).String())
	}
}

// estimate measures this machine's label cost once per scrypt_n.
func (r *Reporter) estimate(sp portypes.StorageProofParams) dataset.Estimate {
	r.builds.mu.Lock()
	defer r.builds.mu.Unlock()
	if e, ok := r.estimates[sp.LabelScryptN]; ok {
		return e
	}
	e := dataset.Measure(sp.LabelScryptN, 0, sp.Post())
	if r.estimates == nil {
		r.estimates = map[uint32]dataset.Estimate{}
	}
	r.estimates[sp.LabelScryptN] = e
	return e
}

// planBuilds makes want the datasets to build and starts building them in the background
// unless a build is under way (it takes the new list when it ends the current one) or one
// failed less than retryBuildAfter ago.
func (r *Reporter) planBuilds(ctx context.Context, want []wantedDataset) {
	b := &r.builds
	b.mu.Lock()
	defer b.mu.Unlock()
	b.want = want
	if b.running || len(want) == 0 || (!b.failedAt.IsZero() && r.Now().Sub(b.failedAt) < retryBuildAfter) {
		return
	}
	b.running, b.done = true, make(chan struct{})
	go r.buildLoop(ctx, b.done)
}

// WaitBuilds waits until no build runs in the background.
func (r *Reporter) WaitBuilds() {
	r.builds.mu.Lock()
	done := r.builds.done
	r.builds.mu.Unlock()
	if done != nil {
		<-done
	}
}

// buildLoop builds the wanted datasets one after the other, until none is left, one
// fails, or ctx ends (a build resumes from where it stopped at the next start).
func (r *Reporter) buildLoop(ctx context.Context, done chan struct{}) {
	defer close(done)
	b := &r.builds
	for {
		b.mu.Lock()
		if len(b.want) == 0 || ctx.Err() != nil {
			b.running = false
			if len(b.want) == 0 {
				b.failedAt = time.Time{}
			}
			b.mu.Unlock()
			return
		}
		w := b.want[0]
		b.want = b.want[1:]
		b.mu.Unlock()

		start := time.Now()
		r.Log.Info("building a challenge dataset in the background", "dataset", w.Key.Name(), "labels", w.Labels, "disk_bytes", dataset.DiskSize(w.Labels))
		m, paused, err := r.build(ctx, w)
		switch {
		case ctx.Err() != nil:
			r.Log.Info("challenge dataset build stopped; it resumes at the next start", "dataset", w.Key.Name(), "built", m.Built, "labels", w.Labels)
		case err != nil:
			r.Log.Error("challenge dataset build failed; retrying in a minute", "dataset", w.Key.Name(), "err", err)
			r.Metrics.failure(err)
			b.mu.Lock()
			b.failedAt, b.running, b.want = r.Now(), false, nil
			b.mu.Unlock()
			return
		default:
			took := time.Since(start)
			r.Metrics.datasetBuilt(took)
			r.Metrics.datasetLabels(w.Key.Role, m.Built, w.Labels)
			args := []any{"dataset", w.Key.Name(), "labels", w.Labels, "took", took.Round(time.Second).String()}
			if paused > 0 {
				args = append(args, "paused", paused.Round(time.Second).String())
			}
			r.Log.Info("challenge dataset built: the next report declares the role's storage", args...)
		}
	}
}

// build builds w, yielding the cores to compute challenges' commitments (Busy): it waits
// for one computing before it starts, and while one computes during the build its workers
// wait where they are (dataset.BuildOptions.Pause), losing no work, and build on once it
// has ended. paused is how long it waited.
func (r *Reporter) build(ctx context.Context, w wantedDataset) (m dataset.Meta, paused time.Duration, err error) {
	var o dataset.BuildOptions
	if r.Busy != nil {
		p := &buildPause{r: r, w: w}
		defer func() { paused = p.paused() }()
		if p.pause() {
			t := time.NewTicker(busyPoll)
			for p.pause() && ctx.Err() == nil {
				select {
				case <-ctx.Done():
				case <-t.C:
				}
			}
			t.Stop()
		}
		o.Pause = p.pause
	}
	if ctx.Err() != nil {
		m, _ = r.Datasets.Meta(w.Key)
		return m, paused, ctx.Err()
	}
	m, err = r.Datasets.BuildWith(ctx, w.Key, w.Labels, o)
	return m, paused, err
}

// buildPause is w's build's pause hook: it pauses while a compute challenge's commitment
// computes (Busy), saying once that w's build pauses and once that it resumes, and adds up
// the time paused. The build's workers call it concurrently.
type buildPause struct {
	r     *Reporter
	w     wantedDataset
	mu    sync.Mutex
	since time.Time // the pause under way's start; zero when none is
	total time.Duration
}

func (p *buildPause) pause() bool {
	busy := p.r.Busy()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case busy && p.since.IsZero():
		p.since = time.Now()
		var built uint64
		if m, err := p.r.Datasets.Meta(p.w.Key); err == nil {
			built = m.Built
		}
		p.r.Log.Info("challenge dataset build paused while a compute challenge's commitment computes: the commitment takes every core and is due within its commit window",
			"dataset", p.w.Key.Name(), "built", built, "labels", p.w.Labels)
	case !busy && !p.since.IsZero():
		d := time.Since(p.since)
		p.total, p.since = p.total+d, time.Time{}
		p.r.Log.Info("challenge dataset build resumed: the compute commitment has ended", "dataset", p.w.Key.Name(), "paused", d.Round(time.Millisecond).String())
	}
	return busy
}

// paused is how long the build has paused, the pause under way included.
func (p *buildPause) paused() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.since.IsZero() {
		return p.total + time.Since(p.since)
	}
	return p.total
}

// BuildProgress logs a background build's progress every ProgressLogEvery and keeps the
// metrics current (dataset.Store's Progress in `aegis-node run`).
func (r *Reporter) BuildProgress(p dataset.Progress) {
	r.Metrics.datasetLabels(p.Key.Role, p.Done, p.Total)
	r.builds.mu.Lock()
	due := time.Since(r.builds.logged) >= ProgressLogEvery && !p.Finished()
	if due {
		r.builds.logged = time.Now()
	}
	r.builds.mu.Unlock()
	if due {
		r.Log.Info("building a challenge dataset", "progress", p.String())
	}
}
