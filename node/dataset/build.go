package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aegis-chain/aegis/x/por/post"
)

// chunkLabels is a build's unit of work: 4,096 labels (64 KiB), about a third of a second
// of one core at the default scrypt_n. Chunks are handed out in index order, so the built
// prefix grows steadily whatever order the cores finish them in.
const chunkLabels = 4096

// scanPause is how often a build paused for a scan looks whether it may go on.
const scanPause = 20 * time.Millisecond

// cancelCheck is how many labels a worker derives between looks at the context.
const cancelCheck = 64

// pauseCheck is how many labels a worker derives between calls of BuildOptions.Pause
// (about 20 ms of one core at the default scrypt_n); it looks before each chunk too.
const pauseCheck = 256

// pausePoll is how often a build paused by BuildOptions.Pause looks whether it may go on.
const pausePoll = 100 * time.Millisecond

// BuildOptions tune one build (Store.BuildWith).
type BuildOptions struct {
	// Pause, when set, is called by the workers before each chunk and every pauseCheck
	// labels: while it returns true they wait (looking again every 100 ms, and stopping
	// when the context ends), then go on where they were — nothing is lost. It yields the
	// cores to work with a deadline (aegis-node's compute commitments). The workers call
	// it concurrently. The time paused counts neither in BuildSeconds nor in the rate.
	Pause func() bool
}

// Progress is a build's state, as Store.Progress receives it.
type Progress struct {
	Key   Key
	Done  uint64 // labels derived, those of earlier runs included
	Total uint64
	// Resumed is how many labels earlier runs had built: this run started there.
	Resumed uint64
	Elapsed time.Duration // this run's, its pauses (BuildOptions.Pause) included
	Rate    float64       // labels per second, this run, its pauses left out
	ETA     time.Duration // 0 when done or not known yet
	Workers int
}

// Finished reports whether every label is built.
func (p Progress) Finished() bool { return p.Done >= p.Total }

func (p Progress) String() string {
	pct := 100.0
	if p.Total > 0 {
		pct = 100 * float64(p.Done) / float64(p.Total)
	}
	s := fmt.Sprintf("%s: %d/%d labels (%.1f%%)", p.Key.Name(), p.Done, p.Total, pct)
	if p.Rate > 0 {
		s += fmt.Sprintf(", %.0f labels/s on %d cores", p.Rate, p.Workers)
	}
	switch {
	case p.Finished():
		s += fmt.Sprintf(", done in %s", p.Elapsed.Round(time.Second))
	case p.ETA > 0:
		s += fmt.Sprintf(", ETA %s", p.ETA.Round(time.Second))
	default:
		s += ", ETA unknown"
	}
	if p.Resumed > 0 {
		s += fmt.Sprintf(" (resumed at %d)", p.Resumed)
	}
	return s
}

// Build derives k's first n labels on every core (Workers) and returns the dataset's
// metadata. It resumes after the labels an earlier build persisted as built; a dataset
// already holding n labels is returned as is, and one holding fewer is extended.
//
// Workers take chunks of labels in index order and write each at its offset. Every
// ProgressEvery the file is synced and only then the metadata records the prefix of
// chunks that are all written: a build killed at any point resumes from a prefix that is
// on disk, and rewrites whatever lies past it. Cancelling ctx stops the workers at their
// next few labels; Build persists the prefix done and returns an error wrapping
// ctx.Err(). Another build of k holding its lock is ErrBusy. While the same Store scans
// for a challenge (Prove), the workers pause between chunks.
func (s *Store) Build(ctx context.Context, k Key, n uint64) (Meta, error) {
	return s.BuildWith(ctx, k, n, BuildOptions{})
}

// BuildWith is Build with options: o.Pause pauses the workers while it returns true.
func (s *Store) BuildWith(ctx context.Context, k Key, n uint64, o BuildOptions) (Meta, error) {
	if err := k.Validate(); err != nil {
		return Meta{}, fmt.Errorf("dataset %s: %w", k, err)
	}
	if n == 0 || n > post.MaxLabels {
		return Meta{}, fmt.Errorf("a dataset has 1 to %d labels, not %d", uint64(post.MaxLabels), n)
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return Meta{}, err
	}
	unlock, err := lockFile(s.lockPath(k))
	if err != nil {
		return Meta{}, err
	}
	defer unlock()

	m, err := readMeta(s.MetaPath(k))
	switch {
	case err == nil:
		if err := m.check(s.Operator, k, s.MetaPath(k)); err != nil {
			return Meta{}, err
		}
	case errors.Is(err, ErrMissing), errors.Is(err, ErrCorrupt): // start over
		m = Meta{Version: formatVersion, Operator: s.Operator.String(), Role: k.Role.String(), Nonce: k.Nonce, ScryptN: k.ScryptN}
	default:
		return Meta{}, err
	}
	f, err := os.OpenFile(s.LabelsPath(k), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return Meta{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Meta{}, err
	}
	m.Built = min(m.Built, uint64(st.Size())/post.LabelSize) // labels lost since: rebuilt
	if m.Built >= n {
		s.report(Progress{Key: k, Done: n, Total: n, Resumed: n, Workers: s.workers()})
		return m, nil
	}
	m.Labels = n
	if uint64(st.Size()) > n*post.LabelSize { // past n: what a build cut short left, rewritten by none
		if err := f.Truncate(int64(n) * post.LabelSize); err != nil {
			return Meta{}, err
		}
	}
	b := &build{s: s, k: k, m: m, f: f, n: n, seed: s.Seed(k), start: time.Now(), base: m.BuildSeconds, pause: o.Pause}
	return b.run(ctx)
}

// report calls the Progress callback, if any.
func (s *Store) report(p Progress) {
	if s.Progress != nil {
		s.Progress(p)
	}
}

// build is one run of Build.
type build struct {
	s     *Store
	k     Key
	m     Meta // as persisted
	f     *os.File
	n     uint64
	seed  [32]byte
	start time.Time
	base  float64 // BuildSeconds of the earlier runs
	pause func() bool

	pmu     sync.Mutex
	waiting int           // workers waiting in wait
	since   time.Time     // since when one has been waiting
	paused  time.Duration // time with one waiting before since
}

// wait returns once b.pause says the build may go on, or ctx has ended.
func (b *build) wait(ctx context.Context) {
	if b.pause == nil || !b.pause() {
		return
	}
	b.pmu.Lock()
	if b.waiting++; b.waiting == 1 {
		b.since = time.Now()
	}
	b.pmu.Unlock()
	t := time.NewTicker(pausePoll)
	for ctx.Err() == nil && b.pause() {
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
	t.Stop()
	b.pmu.Lock()
	if b.waiting--; b.waiting == 0 {
		b.paused += time.Since(b.since)
	}
	b.pmu.Unlock()
}

// pausedFor is how long this run has been paused (with a worker waiting in wait).
func (b *build) pausedFor() time.Duration {
	b.pmu.Lock()
	defer b.pmu.Unlock()
	if b.waiting > 0 {
		return b.paused + time.Since(b.since)
	}
	return b.paused
}

// working is how long this run has worked, its pauses left out.
func (b *build) working() time.Duration { return time.Since(b.start) - b.pausedFor() }

type chunkDone struct {
	c   uint64
	err error
}

func (b *build) run(parent context.Context) (Meta, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	from := b.m.Built
	if err := b.persist(from); err != nil { // the metadata says a build is under way, and its size
		return b.m, err
	}
	chunks := (b.n - from + chunkLabels - 1) / chunkLabels
	workers := int(min(uint64(b.s.workers()), chunks))
	done := make(chan chunkDone, workers)
	var next atomic.Uint64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, chunkLabels*post.LabelSize)
			for {
				for b.s.scanning.Load() > 0 && ctx.Err() == nil { // a challenge's scan goes first
					time.Sleep(scanPause)
				}
				b.wait(ctx) // a caller's pause (BuildOptions.Pause) too
				c := next.Add(1) - 1
				if c >= chunks {
					return
				}
				lo := from + c*chunkLabels
				hi := min(lo+chunkLabels, b.n)
				for i := lo; i < hi; i++ {
					if (i-lo)%pauseCheck == 0 && i > lo {
						b.wait(ctx)
					}
					if (i-lo)%cancelCheck == 0 && ctx.Err() != nil {
						return
					}
					l := post.Label(b.seed[:], i, b.k.ScryptN)
					copy(buf[(i-lo)*post.LabelSize:], l[:])
				}
				_, err := b.f.WriteAt(buf[:(hi-lo)*post.LabelSize], int64(lo)*post.LabelSize)
				done <- chunkDone{c: c, err: err}
				if err != nil {
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// The coordinator: tracks the prefix of chunks all written, persists it and reports.
	finished := map[uint64]bool{}
	var prefix uint64 // chunks [0, prefix) are written
	derived := from   // labels derived, in any chunk
	prefixLabels := func() uint64 { return min(from+prefix*chunkLabels, b.n) }
	var firstErr error
	tick := time.NewTicker(b.s.progressEvery())
	defer tick.Stop()
loop:
	for {
		select {
		case d, ok := <-done:
			if !ok {
				break loop
			}
			if d.err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("writing the labels of %s: %w", b.k, d.err)
				}
				cancel()
				continue
			}
			lo := from + d.c*chunkLabels
			derived += min(lo+chunkLabels, b.n) - lo
			finished[d.c] = true
			for finished[prefix] {
				delete(finished, prefix)
				prefix++
			}
		case <-tick.C:
			if err := b.persist(prefixLabels()); err != nil && firstErr == nil {
				firstErr = err
				cancel()
			}
			b.s.report(b.progress(from, derived))
		}
	}
	err := b.persist(prefixLabels())
	switch {
	case firstErr != nil:
		return b.m, firstErr
	case err != nil:
		return b.m, err
	case parent.Err() != nil:
		return b.m, fmt.Errorf("building %s: stopped at %d of %d labels (the next build resumes there): %w", b.k, b.m.Built, b.n, parent.Err())
	case b.m.Built < b.n: // cannot happen: every chunk was written
		return b.m, fmt.Errorf("building %s: %d of %d labels built", b.k, b.m.Built, b.n)
	}
	b.s.report(b.progress(from, b.n))
	return b.m, nil
}

// persist syncs the labels and then records that the first built of them are on disk.
func (b *build) persist(built uint64) error {
	if built == b.m.Built && b.m.UpdatedAt.After(b.start) {
		return nil
	}
	if err := b.f.Sync(); err != nil {
		return fmt.Errorf("syncing the labels of %s: %w", b.k, err)
	}
	m := b.m
	m.Built, m.BuildSeconds, m.UpdatedAt = built, b.base+b.working().Seconds(), time.Now().UTC()
	if err := writeMeta(b.s.MetaPath(b.k), m); err != nil {
		return fmt.Errorf("recording the progress of %s: %w", b.k, err)
	}
	b.m = m
	return nil
}

func (b *build) progress(from, derived uint64) Progress {
	el, work := time.Since(b.start), b.working()
	p := Progress{Key: b.k, Done: derived, Total: b.n, Resumed: from, Elapsed: el, Workers: int(min(uint64(b.s.workers()), (b.n-from+chunkLabels-1)/chunkLabels))}
	if work > 0 && derived > from {
		p.Rate = float64(derived-from) / work.Seconds()
		p.ETA = time.Duration(float64(b.n-derived) / p.Rate * float64(time.Second))
	}
	return p
}
