package dataset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/testutil/odds"
	"github.com/aegis-chain/aegis/x/por/post"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

var operator = sdk.AccAddress("operator-address-20b")

// testKey is a worker dataset with the cheapest label, so that a test derives thousands of
// labels in milliseconds; testParams are the default proof sizes with it.
var testKey = Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 7, ScryptN: 2}

func testParams() post.Params {
	p := post.DefaultParams()
	p.ScryptN = 2
	return p
}

// testLabels is the dataset size of the proof tests.
const testLabels = 16384

func newStore(t testing.TB) *Store {
	return NewStore(filepath.Join(t.TempDir(), DirName), operator)
}

func buildAll(t testing.TB, s *Store, k Key, n uint64) Meta {
	t.Helper()
	m, err := s.Build(context.Background(), k, n)
	require.NoError(t, err)
	return m
}

func readLabels(t testing.TB, s *Store, k Key) []byte {
	t.Helper()
	bz, err := os.ReadFile(s.LabelsPath(k))
	require.NoError(t, err)
	return bz
}

func challengeValue(c uint64) []byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("node-dataset-test"), c))
	return h[:]
}

// TestBuildDerivesTheLabels: every label on disk is post.Label of the operator's seed for
// the role and nonce, at its offset, for sizes that are and are not whole chunks; the
// metadata says so.
func TestBuildDerivesTheLabels(t *testing.T) {
	for _, n := range []uint64{1, chunkLabels, 3*chunkLabels + 5} {
		s := newStore(t)
		m := buildAll(t, s, testKey, n)
		require.Equal(t, Meta{Version: formatVersion, Operator: operator.String(), Role: "NODE_ROLE_WORKER", Nonce: 7, ScryptN: 2,
			Labels: n, Built: n, BuildSeconds: m.BuildSeconds, UpdatedAt: m.UpdatedAt}, m)
		onDisk, err := s.Meta(testKey)
		require.NoError(t, err)
		require.Equal(t, m.Built, onDisk.Built)
		bz := readLabels(t, s, testKey)
		require.Len(t, bz, int(DiskSize(n)))
		seed := post.Seed(operator, int32(portypes.NODE_ROLE_WORKER), 7)
		for i := range n {
			want := post.Label(seed[:], i, 2)
			require.Equal(t, want[:], bz[i*post.LabelSize:(i+1)*post.LabelSize], "n=%d label %d", n, i)
		}
		require.NoError(t, s.Ready(testKey, n))
		require.NoError(t, s.Verify(testKey, n, 16))
		require.Equal(t, "worker-n7-s2.labels", filepath.Base(s.LabelsPath(testKey)))
	}
}

// TestBuildResumesAfterCancel: a build cancelled midway persists a prefix of its labels;
// the next build starts there and ends with the file an uninterrupted build writes, even
// when the file holds garbage past the prefix (chunks written after the last record, a
// torn write) or lost labels the metadata counted.
func TestBuildResumesAfterCancel(t *testing.T) {
	const n = 24*chunkLabels + 17
	k := Key{Role: portypes.NODE_ROLE_DA, Nonce: 1, ScryptN: 8}
	want := readLabels(t, func() *Store { s := newStore(t); buildAll(t, s, k, n); return s }(), k)

	s := newStore(t)
	s.Workers, s.ProgressEvery = 2, time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	s.Progress = func(p Progress) {
		if p.Done >= n/4 {
			cancel()
		}
	}
	m, err := s.Build(ctx, k, n)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "resumes there")
	require.Positive(t, m.Built)
	require.Less(t, m.Built, uint64(n))
	require.Zero(t, m.Built%chunkLabels, "a prefix of whole chunks")
	onDisk, err := s.Meta(k)
	require.NoError(t, err)
	require.Equal(t, m.Built, onDisk.Built)
	require.ErrorIs(t, s.Ready(k, n), ErrIncomplete)
	require.NoError(t, s.Ready(k, m.Built), "the prefix is usable")
	require.Equal(t, want[:DiskSize(m.Built)], readLabels(t, s, k)[:DiskSize(m.Built)])

	// Garbage past the prefix, as a kill between a chunk's write and the next record leaves.
	f, err := os.OpenFile(s.LabelsPath(k), os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(bytes.Repeat([]byte{0xAB}, 3*chunkLabels*post.LabelSize+7), DiskSize(m.Built))
	require.NoError(t, err)
	require.NoError(t, f.Close())

	var first Progress
	s.Progress = func(p Progress) {
		if first.Total == 0 {
			first = p
		}
	}
	done, err := s.Build(context.Background(), k, n)
	require.NoError(t, err)
	require.Equal(t, uint64(n), done.Built)
	require.Equal(t, m.Built, first.Resumed, "resumed at the recorded prefix")
	require.Greater(t, done.BuildSeconds, m.BuildSeconds, "build time adds up over runs")
	require.Equal(t, want, readLabels(t, s, k))

	// Labels the metadata counts but the file lost (truncated): rebuilt from there.
	require.NoError(t, os.Truncate(s.LabelsPath(k), DiskSize(n/2)+5))
	_, err = s.Meta(k)
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorIs(t, s.Ready(k, n), ErrCorrupt)
	first = Progress{}
	_, err = s.Build(context.Background(), k, n)
	require.NoError(t, err)
	require.Equal(t, uint64(n/2), first.Resumed)
	require.Equal(t, want, readLabels(t, s, k))

	// A cancelled context before any work: nothing lost, nothing gained.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	require.NoError(t, os.Truncate(s.LabelsPath(k), DiskSize(n-3)))
	_, err = s.Build(ctx, k, n)
	require.ErrorIs(t, err, context.Canceled)
	m, err = s.Meta(k)
	require.NoError(t, err)
	require.Equal(t, uint64(n-3), m.Built)
}

// TestBuildExtends: a larger size extends the dataset (the labels do not depend on it), a
// smaller one is already there.
func TestBuildExtends(t *testing.T) {
	s, fresh := newStore(t), newStore(t)
	buildAll(t, s, testKey, 5000)
	var seen []Progress
	s.Progress = func(p Progress) { seen = append(seen, p) }
	m := buildAll(t, s, testKey, 12000)
	require.Equal(t, uint64(12000), m.Built)
	require.Equal(t, uint64(5000), seen[len(seen)-1].Resumed)
	require.True(t, seen[len(seen)-1].Finished())
	buildAll(t, fresh, testKey, 12000)
	require.Equal(t, readLabels(t, fresh, testKey), readLabels(t, s, testKey))

	seen = nil
	m = buildAll(t, s, testKey, 3000)
	require.Equal(t, uint64(12000), m.Built, "nothing to do: the first 3000 labels are built")
	require.Len(t, seen, 1)
	require.True(t, seen[0].Finished())
	require.NoError(t, s.Ready(testKey, 3000))
}

// TestStoreChecks: another operator's dataset is ErrMismatch, an absent one ErrMissing, a
// damaged label is caught by Verify, a second build of a dataset being built is ErrBusy;
// List shows what is there and Remove deletes it.
func TestStoreChecks(t *testing.T) {
	s := newStore(t)
	require.ErrorIs(t, s.Ready(testKey, 10), ErrMissing)
	_, err := s.Prove(context.Background(), testKey, testLabels, challengeValue(1), testParams())
	require.ErrorIs(t, err, ErrMissing)
	buildAll(t, s, testKey, 4000)

	other := NewStore(s.Dir, sdk.AccAddress("another-operator-20b"))
	require.ErrorIs(t, other.Ready(testKey, 10), ErrMismatch)
	_, err = other.Build(context.Background(), testKey, 10)
	require.ErrorIs(t, err, ErrMismatch, "never overwrites another operator's labels")

	// Renamed to another key's name: its metadata does not match.
	k2 := Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 8, ScryptN: 2}
	require.NoError(t, os.Rename(s.MetaPath(testKey), s.MetaPath(k2)))
	require.NoError(t, os.Rename(s.LabelsPath(testKey), s.LabelsPath(k2)))
	require.ErrorIs(t, s.Ready(k2, 10), ErrMismatch)
	list, err := s.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Contains(t, list[0].Problem, "worker-n7-s2")
	require.NoError(t, os.Rename(s.MetaPath(k2), s.MetaPath(testKey)))
	require.NoError(t, os.Rename(s.LabelsPath(k2), s.LabelsPath(testKey)))

	// A label overwritten in place: Verify finds it when it samples it.
	f, err := os.OpenFile(s.LabelsPath(testKey), os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt(make([]byte, post.LabelSize), 0)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.ErrorIs(t, s.Verify(testKey, 4000, 4), ErrCorrupt)
	require.NoError(t, s.Verify(testKey, 4000, 0))

	if runtime.GOOS != "windows" {
		unlock, err := lockFile(s.lockPath(testKey))
		require.NoError(t, err)
		_, err = s.Build(context.Background(), testKey, 5000)
		require.ErrorIs(t, err, ErrBusy)
		require.ErrorIs(t, s.Remove(testKey), ErrBusy)
		unlock()
	}

	list, err = s.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "worker-n7-s2", list[0].Name)
	require.Equal(t, uint64(4000), list[0].Built)
	require.Equal(t, DiskSize(4000), list[0].DiskBytes)
	require.Empty(t, list[0].Problem)
	require.NoError(t, s.Remove(testKey))
	require.ErrorIs(t, s.Ready(testKey, 10), ErrMissing)
	require.NoError(t, s.Remove(testKey), "removing nothing")

	require.Error(t, s.Ready(Key{Role: portypes.NODE_ROLE_WORKER, ScryptN: 3}, 1))
	_, err = s.Build(context.Background(), Key{Role: portypes.NODE_ROLE_WORKER, ScryptN: 3}, 1)
	require.ErrorContains(t, err, "power of two")
	_, err = s.Build(context.Background(), Key{ScryptN: 2}, 1)
	require.ErrorContains(t, err, "role")
}

// verify checks res as the chain does: the packed indexes decode to the proof's, and the
// labels at the positions drawn for draw (all K2 of them with all) pass.
func verify(t *testing.T, s *Store, k Key, n uint64, value []byte, p post.Params, res ProveResult, draw uint64, all bool) int {
	t.Helper()
	idx, err := post.DecodeIndexes(res.Indexes, n, p.K2)
	require.NoError(t, err)
	require.Equal(t, res.Proof.Indexes, idx)
	rechecks := p.Rechecks
	if all {
		rechecks = p.K2
	}
	pos := post.RecheckPositions(value, binary.BigEndian.AppendUint64(nil, draw), res.Proof.Nonce, res.Indexes, p.K2, rechecks)
	seed := s.Seed(k)
	return post.Recheck(seed[:], value, p, n, post.Proof{Nonce: res.Proof.Nonce, Indexes: idx}, pos)
}

// TestProveVerifies: an honest dataset proves challenge after challenge, every proof
// passes the chain's rechecks (all of its labels, even), and the proof is the same on one
// core as on several.
func TestProveVerifies(t *testing.T) {
	s := newStore(t)
	p := testParams()
	buildAll(t, s, testKey, testLabels)
	one := NewStore(s.Dir, operator)
	one.Workers = 1
	s.Workers = 4 // more scanners than cores: still one proof
	for c := range uint64(40) {
		res, err := s.Prove(context.Background(), testKey, testLabels, challengeValue(c), p)
		require.NoError(t, err, "challenge %d", c)
		require.Len(t, res.Proof.Indexes, int(p.K2))
		require.Len(t, res.Indexes, post.ProofBytes(p.K2, testLabels)-4)
		require.GreaterOrEqual(t, res.Best, int(p.K2))
		require.Zero(t, res.Deleted)
		require.Equal(t, uint64(testLabels), res.Labels)
		require.Zero(t, verify(t, s, testKey, testLabels, challengeValue(c), p, res, c, c%4 == 0), "challenge %d", c)
		if c%8 == 0 {
			single, err := one.Prove(context.Background(), testKey, testLabels, challengeValue(c), p)
			require.NoError(t, err)
			require.Equal(t, res.Proof, single.Proof)
		}
	}
	// Another operator's labels do not verify the proof.
	res, err := s.Prove(context.Background(), testKey, testLabels, challengeValue(99), p)
	require.NoError(t, err)
	otherSeed := post.Seed([]byte("another-operator-20b"), int32(testKey.Role), testKey.Nonce)
	pos := post.RecheckPositions(challengeValue(99), nil, res.Proof.Nonce, res.Indexes, p.K2, p.Rechecks)
	require.Greater(t, post.Recheck(otherSeed[:], challengeValue(99), p, testLabels, res.Proof, pos), 0)

	// A scan of a dataset not built that far, and a cancelled scan, are errors.
	_, err = s.Prove(context.Background(), testKey, 2*testLabels, challengeValue(1), p)
	require.ErrorIs(t, err, ErrIncomplete)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Prove(ctx, testKey, testLabels, challengeValue(1), p)
	require.ErrorIs(t, err, context.Canceled)
	bad := p
	bad.K2 = 0
	_, err = s.Prove(context.Background(), testKey, testLabels, challengeValue(1), bad)
	require.ErrorContains(t, err, "proof_k2")
}

// TestDeletedQuarterFails: a node that deleted a quarter of its labels (zeroed on disk)
// finds a proof for few challenges — about 8% by docs/verification.md's analysis — and
// says how close it came for the rest; a proof it does find is honest (it holds those
// labels) and verifies. Verify sees the deletion.
func TestDeletedQuarterFails(t *testing.T) {
	s := newStore(t)
	p := testParams()
	buildAll(t, s, testKey, testLabels)
	deleted, err := s.DeleteFraction(testKey, testLabels, 0.25, 1)
	require.NoError(t, err)
	require.Equal(t, uint64(testLabels/4), deleted)
	bz := readLabels(t, s, testKey)
	zero := 0
	for i := 0; i < len(bz); i += post.LabelSize {
		if bytes.Equal(bz[i:i+post.LabelSize], make([]byte, post.LabelSize)) {
			zero++
		}
	}
	require.Equal(t, testLabels/4, zero, "the data is gone from the file")
	require.NoError(t, s.Ready(testKey, testLabels), "the metadata still claims it all")
	require.ErrorIs(t, s.Verify(testKey, testLabels, 64), ErrCorrupt)

	const challenges = 200
	passed, bestSum := 0, 0
	for c := range uint64(challenges) {
		res, err := s.Prove(context.Background(), testKey, testLabels, challengeValue(1000+c), p)
		require.Equal(t, uint64(testLabels/4), res.Deleted)
		bestSum += res.Best
		if err == nil {
			passed++
			require.Zero(t, verify(t, s, testKey, testLabels, challengeValue(1000+c), p, res, c, true))
			continue
		}
		require.ErrorIs(t, err, ErrNoProof)
		require.Less(t, res.Best, int(p.K2))
		require.ErrorContains(t, err, "found at most "+strconv.Itoa(res.Best)+" passing labels")
		require.ErrorContains(t, err, "K2 = 104")
	}
	t.Logf("a quarter deleted: %d/%d challenges proven (analysis, padding included: %.3f), mean best %.1f of K2 %d",
		passed, challenges, odds.PartialPass(0.75, p), float64(bestSum)/challenges, p.K2)
	require.LessOrEqual(t, passed, challenges*20/100, "most challenges fail")
}

// TestEstimate: the measured costs are positive and scale with the labels and cores.
func TestEstimate(t *testing.T) {
	e := Measure(2, 2, testParams())
	require.Positive(t, e.LabelTime)
	require.Positive(t, e.ScoreTime)
	require.Equal(t, 2, e.Workers)
	require.InDelta(t, float64(2*e.Build(1000)), float64(e.Build(2000)), float64(time.Microsecond))
	require.InDelta(t, 2/e.LabelTime.Seconds(), e.BuildRate(), 1e-6)
	require.Positive(t, e.Scan(1<<20))
}

func TestProgressString(t *testing.T) {
	p := Progress{Key: testKey, Done: 250, Total: 1000, Resumed: 100, Rate: 50, ETA: 15 * time.Second, Workers: 2}
	require.Equal(t, "worker-n7-s2: 250/1000 labels (25.0%), 50 labels/s on 2 cores, ETA 15s (resumed at 100)", p.String())
	p.Done, p.Elapsed = 1000, 18*time.Second
	require.Equal(t, "worker-n7-s2: 1000/1000 labels (100.0%), 50 labels/s on 2 cores, done in 18s (resumed at 100)", p.String())
}

// TestBuildPausesForScans: a build of a Store waits between chunks while the Store scans
// for a challenge, and goes on after.
func TestBuildPausesForScans(t *testing.T) {
	s := newStore(t)
	s.ProgressEvery = time.Millisecond
	s.scanning.Add(1)
	done := make(chan error)
	go func() { _, err := s.Build(context.Background(), testKey, 4*chunkLabels); done <- err }()
	time.Sleep(100 * time.Millisecond)
	m, err := s.Meta(testKey)
	require.NoError(t, err, "the build started")
	require.Zero(t, m.Built, "and waits")
	s.scanning.Add(-1)
	require.NoError(t, <-done)
	require.NoError(t, s.Ready(testKey, 4*chunkLabels))
}

// TestBuildPauses: a build whose BuildOptions.Pause turns true midway builds nothing while
// it stays true, then goes on where its workers were and builds the very labels of a build
// never paused; the pause counts in neither BuildSeconds nor the rate.
func TestBuildPauses(t *testing.T) {
	const n = 6*chunkLabels + 123
	want := readLabels(t, func() *Store { s := newStore(t); buildAll(t, s, testKey, n); return s }(), testKey)

	s := newStore(t)
	s.Workers, s.ProgressEvery = 2, time.Millisecond
	var last atomic.Value // Progress
	s.Progress = func(p Progress) { last.Store(p) }
	var calls atomic.Int64
	var paused atomic.Bool
	pause := func() bool {
		if calls.Add(1) == 20 { // a few chunks in, mid-chunk
			paused.Store(true)
		}
		return paused.Load()
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := s.BuildWith(context.Background(), testKey, n, BuildOptions{Pause: pause})
		done <- err
	}()
	require.Eventually(t, paused.Load, 5*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond) // every worker reaches its next look
	before := calls.Load()
	p1, bz1 := last.Load().(Progress), readLabels(t, s, testKey)
	time.Sleep(300 * time.Millisecond)
	p2, bz2 := last.Load().(Progress), readLabels(t, s, testKey)
	require.Equal(t, p1.Done, p2.Done, "nothing derived while paused")
	require.Less(t, p2.Done, uint64(n))
	require.Equal(t, bz1, bz2, "nothing written while paused")
	require.Greater(t, calls.Load(), before, "the workers look again while paused")
	select {
	case err := <-done:
		t.Fatalf("the build ended while paused: %v", err)
	default:
	}

	paused.Store(false)
	require.NoError(t, <-done)
	wall := time.Since(start)
	require.Equal(t, want, readLabels(t, s, testKey), "the same labels as an unpaused build")
	m, err := s.Meta(testKey)
	require.NoError(t, err)
	require.Equal(t, uint64(n), m.Built)
	require.Less(t, m.BuildSeconds, (wall - 250*time.Millisecond).Seconds(), "the pause is not build time")
}

// TestBuildStopsWhilePaused: a build paused by BuildOptions.Pause stops promptly when its
// context ends, keeping what it built.
func TestBuildStopsWhilePaused(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.BuildWith(ctx, testKey, 4*chunkLabels, BuildOptions{Pause: func() bool { return true }})
		done <- err
	}()
	time.Sleep(150 * time.Millisecond)
	m, err := s.Meta(testKey)
	require.NoError(t, err, "the build started")
	require.Zero(t, m.Built, "and waits")
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(500 * time.Millisecond): // it would wait forever for the pause
		t.Fatal("a paused build did not stop when its context ended")
	}
	m, err = s.Meta(testKey)
	require.NoError(t, err)
	require.Zero(t, m.Built)
}
