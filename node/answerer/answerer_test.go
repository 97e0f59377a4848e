package answerer

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/dataset"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/post"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

var operator = sdk.AccAddress("operator-address-20b")

// fakeChain checks answers as x/por does and resolves the ones that verify: a storage
// proof passes when the labels it rechecks are the operator's, and fails otherwise; a
// compute root is taken (refused when late[id]) and the tiles to reveal drawn, then a
// reveal passes when the recomputed tiles verify against the root. lagging keeps answered
// challenges in the pending list (a query node behind the chain); listing overrides what the
// pending list shows of a challenge (a query node behind the state answers are checked on).
// Its methods hold mu, which a test holds to change it while Run runs.
type fakeChain struct {
	mu       sync.Mutex
	params   portypes.Params
	emission emissiontypes.Params
	pending  map[uint64]portypes.Challenge
	listing  map[uint64]portypes.Challenge
	answers  map[uint64]int // final answers taken
	commits  map[uint64]int // compute roots taken
	paths    map[uint64][][]byte
	order    []uint64 // the challenge of every answer sent, in order
	status   map[uint64]portypes.ChallengeStatus
	late     map[uint64]bool
	height   int64
	failNext []error
	lagging  bool
	granted  bool
}

func newFakeChain() *fakeChain {
	p := portypes.DefaultParams()
	p.Challenge = portypes.DefaultChallengeParams()
	p.Challenge.ChallengesPerDay = 10
	return &fakeChain{params: p, pending: map[uint64]portypes.Challenge{}, answers: map[uint64]int{}, granted: true,
		commits: map[uint64]int{}, paths: map[uint64][][]byte{}, late: map[uint64]bool{}, height: 100,
		status: map[uint64]portypes.ChallengeStatus{}, emission: emissiontypes.Params{StartTime: time.Unix(0, 0), DaySeconds: 100}}
}

// PendingChallenges lists the pending challenges by id, as the chain's index does.
func (f *fakeChain) PendingChallenges(context.Context) ([]portypes.Challenge, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []portypes.Challenge
	for id, c := range f.pending {
		if l, ok := f.listing[id]; ok {
			c = l
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y portypes.Challenge) int { return int(x.Id) - int(y.Id) })
	return out, nil
}

func (f *fakeChain) PorParams(context.Context) (portypes.Params, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.params, nil
}

func (f *fakeChain) EmissionParams(context.Context) (emissiontypes.Params, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.emission, nil
}

func (f *fakeChain) HasGrant(context.Context, string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.granted, nil
}

func (f *fakeChain) Challenge(_ context.Context, id uint64) (portypes.Challenge, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.status[id]; ok {
		return portypes.Challenge{Id: id, Status: s}, nil
	}
	return f.pending[id], nil
}

func (f *fakeChain) Exec(_ context.Context, msgs ...sdk.Msg) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failNext) > 0 {
		err := f.failNext[0]
		f.failNext = f.failNext[1:]
		return "", err
	}
	m := msgs[0].(*portypes.MsgAnswerChallenge)
	f.order = append(f.order, m.ChallengeId)
	c, ok := f.pending[m.ChallengeId]
	if !ok || f.answers[m.ChallengeId] > 0 {
		return "", errorsmod.Wrapf(portypes.ErrChallengeResolved, "challenge %d", m.ChallengeId)
	}
	if c.Kind != portypes.CHALLENGE_KIND_COMPUTE && (len(m.ComputeRoot) != 0 || len(m.ComputePaths) != 0) {
		return "", portypes.ErrInvalidAnswer
	}
	status := portypes.CHALLENGE_STATUS_PASSED
	switch c.Kind {
	case portypes.CHALLENGE_KIND_COMPUTE:
		if m.Proof != nil {
			return "", portypes.ErrInvalidAnswer
		}
		if c.AwaitsRoot() {
			return f.commit(c, m)
		}
		if len(m.ComputeRoot) != 0 {
			return "", errorsmod.Wrapf(portypes.ErrInvalidAnswer, "challenge %d: its root was committed at height %d", c.Id, c.CommittedHeight)
		}
		seed := compute.Seed(c.Value, operator, int32(c.Role))
		wrong, err := compute.Check(&seed, c.Tiles, c.ComputeRoot, c.RevealTiles, m.ComputePaths)
		if err != nil {
			return "", errorsmod.Wrap(portypes.ErrInvalidAnswer, err.Error())
		}
		if wrong > 0 {
			status = portypes.CHALLENGE_STATUS_FAILED
		}
		f.paths[c.Id] = m.ComputePaths
	case portypes.CHALLENGE_KIND_LIVENESS:
		if m.Proof != nil {
			return "", portypes.ErrInvalidAnswer
		}
	case portypes.CHALLENGE_KIND_STORAGE:
		if m.Proof == nil {
			return "", portypes.ErrInvalidAnswer
		}
		p, n := c.Storage.Post(), c.Dataset.Labels
		idx, err := post.DecodeIndexes(m.Proof.Indexes, n, p.K2)
		if err != nil {
			return "", errorsmod.Wrap(portypes.ErrInvalidAnswer, err.Error())
		}
		p.ScryptN = c.Dataset.LabelScryptN
		seed := post.Seed(operator, int32(c.Role), c.Dataset.Nonce)
		pos := post.RecheckPositions(c.Value, []byte("block"), m.Proof.Nonce, m.Proof.Indexes, p.K2, p.Rechecks)
		if post.Recheck(seed[:], c.Value, p, n, post.Proof{Nonce: m.Proof.Nonce, Indexes: idx}, pos) > 0 {
			status = portypes.CHALLENGE_STATUS_FAILED
		}
	}
	f.answers[m.ChallengeId]++
	f.status[m.ChallengeId] = status
	if !f.lagging {
		delete(f.pending, m.ChallengeId)
	}
	return fmt.Sprintf("tx-%d", m.ChallengeId), nil
}

// commit takes compute challenge c's root as x/por does: the reveal's deadline is now a
// height, and the tiles to reveal are drawn from the block's hash. The caller holds mu (or
// no Run runs).
func (f *fakeChain) commit(c portypes.Challenge, m *portypes.MsgAnswerChallenge) (string, error) {
	if len(m.ComputeRoot) != compute.HashSize || len(m.ComputePaths) != 0 {
		return "", errorsmod.Wrapf(portypes.ErrInvalidAnswer, "challenge %d: commit a compute_root first", c.Id)
	}
	if f.late[c.Id] {
		return "", fmt.Errorf("%w: code 24: challenge %d: its root was due 1200 ms of chain time ago: %s", chain.ErrTxFailed, c.Id, portypes.ErrChallengeExpired.Error())
	}
	f.height++
	block := sha256.Sum256(fmt.Appendf(nil, "block %d", f.height))
	c.ComputeRoot = slices.Clone(m.ComputeRoot)
	c.CommittedHeight, c.DeadlineHeight = f.height, f.height+int64(c.AnswerWindowBlocks)
	c.RevealTiles = compute.Draw(c.Value, block[:], c.ComputeRoot, c.Tiles, c.Compute.Samples)
	f.pending[c.Id] = c
	f.commits[c.Id]++
	return fmt.Sprintf("tx-commit-%d", c.Id), nil
}

type fixture struct {
	a     *Answerer
	f     *fakeChain
	store *dataset.Store
	logs  *strings.Builder
	now   *time.Time
}

func newFixture(t *testing.T) fixture {
	f := newFakeChain()
	store := dataset.NewStore(filepath.Join(t.TempDir(), dataset.DirName), operator)
	var logs strings.Builder
	now := time.Unix(0, 0).Add(5 * time.Second)
	a := &Answerer{Chain: f, Datasets: store, Operator: operator, Log: slog.New(slog.NewTextHandler(&logs, nil)),
		Now: func() time.Time { return now }}
	t.Cleanup(a.Stop) // a commitment left computing
	return fixture{a: a, f: f, store: store, logs: &logs, now: &now}
}

// The tests' datasets: the cheapest label, the default proof sizes.
const (
	testScryptN = 2
	testLabels  = 16384
)

var testKey = dataset.Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 5, ScryptN: testScryptN}

func (x fixture) build(t *testing.T, k dataset.Key, n uint64) {
	t.Helper()
	_, err := x.store.Build(context.Background(), k, n)
	require.NoError(t, err)
}

// storageChallenge challenges k's dataset of n labels with the value of id.
func storageChallenge(id uint64, k dataset.Key, n uint64) portypes.Challenge {
	sp := portypes.DefaultStorageProofParams()
	sp.LabelScryptN = testScryptN
	value := sha256.Sum256([]byte(fmt.Sprintf("challenge %d", id)))
	return portypes.Challenge{Id: id, Operator: operator.String(), Role: k.Role, Day: 3,
		Kind: portypes.CHALLENGE_KIND_STORAGE, Status: portypes.CHALLENGE_STATUS_PENDING, DeadlineHeight: 100,
		Dataset: portypes.Dataset{Nonce: k.Nonce, Labels: n, LabelScryptN: k.ScryptN, Day: 3}, Storage: sp, Value: value[:]}
}

// TestAnswersOnce: a storage challenge is answered with a proof scanned from the stored
// dataset, which passes, and a liveness challenge with none, each once — even when a
// lagging node still lists them. The log has the status and the scan's time.
func TestAnswersOnce(t *testing.T) {
	x := newFixture(t)
	x.build(t, testKey, testLabels)
	x.f.lagging = true
	x.f.pending[1] = storageChallenge(1, testKey, testLabels)
	x.f.pending[2] = portypes.Challenge{Id: 2, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING}
	for i := 0; i < 3; i++ {
		_, err := x.a.Step(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, map[uint64]int{1: 1, 2: 1}, x.f.answers)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
	require.Equal(t, 2, strings.Count(x.logs.String(), "challenge answered"), x.logs.String())
	require.Contains(t, x.logs.String(), "status=PASSED")
	require.Contains(t, x.logs.String(), "storage proof found")
	require.Regexp(t, `scan=[0-9.]+m?s`, x.logs.String())
}

// TestSmallerCommitmentAnswers: a dataset extended since (the storage grew) answers the
// challenge of the smaller commitment from its first labels.
func TestSmallerCommitmentAnswers(t *testing.T) {
	x := newFixture(t)
	x.build(t, testKey, 2*testLabels)
	x.f.pending[1] = storageChallenge(1, testKey, testLabels)
	_, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[1])
}

// TestMissingDatasetNotRegenerated: with the dataset deleted, not built that far, or of
// another nonce, the storage challenge is not answered, nothing is built, the log says it
// will be missed, and it is not retried.
func TestMissingDatasetNotRegenerated(t *testing.T) {
	for _, damage := range []string{"deleted", "incomplete", "other nonce"} {
		x := newFixture(t)
		x.build(t, testKey, testLabels)
		c := storageChallenge(1, testKey, testLabels)
		switch damage {
		case "deleted":
			require.NoError(t, os.RemoveAll(x.store.Dir))
		case "incomplete":
			c.Dataset.Labels = 2 * testLabels
		case "other nonce":
			c.Dataset.Nonce++
		}
		x.f.pending[1] = c
		for i := 0; i < 3; i++ {
			_, err := x.a.Step(context.Background())
			require.NoError(t, err)
		}
		require.Empty(t, x.f.answers, damage)
		require.Equal(t, 1, strings.Count(x.logs.String(), "the challenge will be missed"), damage)
		require.Contains(t, x.logs.String(), "does not derive a dataset to answer", damage)
		list, err := x.store.List()
		require.NoError(t, err)
		if damage == "deleted" {
			require.Empty(t, list, "the answerer built nothing")
		} else {
			require.Len(t, list, 1, "the answerer built nothing")
			require.Equal(t, uint64(testLabels), list[0].Built)
		}
	}
}

// TestDeletedLabelsNoProof: a node that deleted a quarter of its labels finds no proof for
// most challenges: it does not answer them, and the log says how close the scan came.
func TestDeletedLabelsNoProof(t *testing.T) {
	x := newFixture(t)
	x.build(t, testKey, testLabels)
	_, err := x.store.DeleteFraction(testKey, testLabels, 0.25, 1)
	require.NoError(t, err)
	for id := uint64(1); id <= 6; id++ {
		x.f.pending[id] = storageChallenge(id, testKey, testLabels)
	}
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	noProof := strings.Count(x.logs.String(), "found no proof")
	require.GreaterOrEqual(t, noProof, 4, x.logs.String())
	require.Equal(t, 6-noProof, len(x.f.answers), "only proofs found are sent")
	for id := range x.f.answers {
		require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, x.f.status[id], "a proof from the labels kept is sound")
	}
	require.Contains(t, x.logs.String(), "deleted_labels=4096")
	require.Contains(t, x.logs.String(), "k2=104")
}

// TestOverwrittenLabelsFail: labels overwritten with others (not zeroed) still make a
// proof, which the chain's recheck fails: the log says FAILED and why.
func TestOverwrittenLabelsFail(t *testing.T) {
	x := newFixture(t)
	x.build(t, testKey, testLabels)
	other := testKey
	other.Nonce++
	x.build(t, other, testLabels)
	bz, err := os.ReadFile(x.store.LabelsPath(other))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(x.store.LabelsPath(testKey), bz, 0o600))
	x.f.pending[1] = storageChallenge(1, testKey, testLabels)
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, portypes.CHALLENGE_STATUS_FAILED, x.f.status[1])
	require.Contains(t, x.logs.String(), "challenge answered and FAILED")
	require.Contains(t, x.logs.String(), "status=FAILED")
}

// TestTransientFailuresRetried: an unreachable chain or a missing grant is retried at the
// next step; a challenge the chain reports resolved (an earlier answer landed) is not.
func TestTransientFailuresRetried(t *testing.T) {
	x := newFixture(t)
	x.build(t, testKey, testLabels)
	x.f.pending[2] = storageChallenge(2, testKey, testLabels)
	x.f.failNext = []error{fmt.Errorf("%w: connection refused", chain.ErrUnreachable), fmt.Errorf("%w: authorization not found", chain.ErrNoGrant)}
	wait, err := x.a.Step(context.Background())
	require.ErrorIs(t, err, chain.ErrUnreachable)
	require.Equal(t, DefaultFast, wait)
	_, err = x.a.Step(context.Background())
	require.ErrorIs(t, err, chain.ErrNoGrant)
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, x.f.answers[2])
	require.Equal(t, 1, strings.Count(x.logs.String(), "storage proof found"), "the retries reuse the scan")
	require.Empty(t, x.a.proofs, "forgotten once answered")

	// The answer landed but its reply was lost: the chain says resolved; no retry.
	x.f.pending[3] = portypes.Challenge{Id: 3, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING}
	x.f.failNext = []error{fmt.Errorf("%w: code 26: challenge 3 is CHALLENGE_STATUS_PASSED: %s", chain.ErrTxFailed, portypes.ErrChallengeResolved.Error())}
	x.f.lagging = true
	for i := 0; i < 2; i++ {
		_, err = x.a.Step(context.Background())
		require.NoError(t, err)
	}
	require.Zero(t, x.f.answers[3])
	require.Contains(t, x.logs.String(), "not answering again")
}

// TestPollsFastAtDayStart: fast polling in the first part of a day, when challenges are
// sampled; later, at most a third of the answer window (a 50-block window: 16.7 s), waking
// at the next day's start when every challenge opens with its sampling; slow with
// challenges off.
func TestPollsFastAtDayStart(t *testing.T) {
	x := newFixture(t)
	x.f.params.Challenge.Compute = portypes.ComputeProofParams{} // off: TestPollsFasterWithComputeProofs
	x.f.emission.DaySeconds = 86400
	day := 24 * time.Hour
	start := x.f.emission.StartTime
	third := 50 * time.Second / 3
	for _, c := range []struct {
		spread uint64
		into   time.Duration
		want   time.Duration
	}{
		{0, 5 * time.Second, DefaultFast},
		{0, 2 * time.Minute, DefaultFast},
		{0, time.Hour, third},
		{0, day - 10*time.Second, 10 * time.Second},
		{7200, 2 * time.Minute, DefaultFast},
		{7200, time.Hour, third},
		{7200, day - 10*time.Second, third},
	} {
		x.f.params.Challenge.SpreadBlocks = c.spread
		*x.now = start.Add(3*day + c.into)
		x.a.fetched = time.Time{}
		wait, err := x.a.Step(context.Background())
		require.NoError(t, err)
		require.Equal(t, c.want, wait, "%s into the day, spread %d", c.into, c.spread)
	}
	x.f.params.Challenge.ChallengesPerDay = 0
	*x.now = start.Add(3*day + 5*time.Second)
	x.a.fetched = time.Time{}
	wait, err := x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, DefaultSlow, wait)
}

// TestWarnsWithoutGrant: challenges on and no grant for the answer: one error, with the
// command to run.
func TestWarnsWithoutGrant(t *testing.T) {
	x := newFixture(t)
	x.f.granted = false
	for i := 0; i < 3; i++ {
		x.a.fetched = time.Time{}
		_, err := x.a.Step(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, 1, strings.Count(x.logs.String(), "has not authorized the hot key to answer"), x.logs.String())
	require.Contains(t, x.logs.String(), "--msg-type "+chain.AnswerChallengeURL)
}
