package answerer

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/dataset"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

var operator = sdk.AccAddress("operator-address-20b")

// fakeChain checks answers as x/por does and resolves the ones that verify. lagging keeps
// answered challenges in the pending list (a query node behind the chain).
type fakeChain struct {
	params   portypes.Params
	emission emissiontypes.Params
	pending  map[uint64]portypes.Challenge
	answers  map[uint64]int
	failNext []error
	lagging  bool
	granted  bool
}

func newFakeChain() *fakeChain {
	p := portypes.DefaultParams()
	p.Challenge = portypes.DefaultChallengeParams()
	p.Challenge.ChallengesPerDay = 10
	return &fakeChain{params: p, pending: map[uint64]portypes.Challenge{}, answers: map[uint64]int{}, granted: true,
		emission: emissiontypes.Params{StartTime: time.Unix(0, 0), DaySeconds: 100}}
}

func (f *fakeChain) PendingChallenges(context.Context) ([]portypes.Challenge, error) {
	var out []portypes.Challenge
	for _, c := range f.pending {
		out = append(out, c)
	}
	return out, nil
}

func (f *fakeChain) PorParams(context.Context) (portypes.Params, error) { return f.params, nil }

func (f *fakeChain) EmissionParams(context.Context) (emissiontypes.Params, error) {
	return f.emission, nil
}

func (f *fakeChain) HasGrant(context.Context, string) (bool, error) { return f.granted, nil }

func (f *fakeChain) Exec(_ context.Context, msgs ...sdk.Msg) (string, error) {
	if len(f.failNext) > 0 {
		err := f.failNext[0]
		f.failNext = f.failNext[1:]
		return "", err
	}
	m := msgs[0].(*portypes.MsgAnswerChallenge)
	c, ok := f.pending[m.ChallengeId]
	if !ok || f.answers[m.ChallengeId] > 0 {
		return "", errorsmod.Wrapf(portypes.ErrChallengeResolved, "challenge %d", m.ChallengeId)
	}
	if c.Kind == portypes.CHALLENGE_KIND_LIVENESS && len(m.Proofs) != 0 {
		return "", portypes.ErrInvalidAnswer
	}
	if c.Kind == portypes.CHALLENGE_KIND_STORAGE {
		if len(m.Proofs) != len(c.Leaves) {
			return "", portypes.ErrInvalidAnswer
		}
		for j, idx := range c.Leaves {
			want := portypes.Leaf(operator, idx, c.LeafWork)
			if !bytes.Equal(m.Proofs[j].Leaf, want[:]) || !portypes.VerifyLeafPath(c.StorageRoot, c.DatasetLeaves, idx, want[:], m.Proofs[j].Path) {
				return "", portypes.ErrInvalidAnswer
			}
		}
	}
	f.answers[m.ChallengeId]++
	if !f.lagging {
		delete(f.pending, m.ChallengeId)
	}
	return fmt.Sprintf("tx-%d", m.ChallengeId), nil
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
	return fixture{a: a, f: f, store: store, logs: &logs, now: &now}
}

// storageChallenge challenges the dataset of n leaves of work (root given).
func storageChallenge(id uint64, root []byte, n uint64, work uint32) portypes.Challenge {
	return portypes.Challenge{Id: id, Operator: operator.String(), Role: portypes.NODE_ROLE_WORKER, Day: 3,
		Kind: portypes.CHALLENGE_KIND_STORAGE, Status: portypes.CHALLENGE_STATUS_PENDING, DeadlineHeight: 100,
		StorageRoot: root, DatasetLeaves: n, LeafWork: work, Leaves: []uint64{0, n - 1, 7, 7}}
}

// TestAnswersOnce: a storage challenge is answered with proofs from the stored dataset and
// a liveness challenge with none, each once — even when a lagging node still lists them.
func TestAnswersOnce(t *testing.T) {
	x := newFixture(t)
	root, _, err := x.store.Ensure(context.Background(), 40, 4)
	require.NoError(t, err)
	x.f.lagging = true
	x.f.pending[1] = storageChallenge(1, root, 40, 4)
	x.f.pending[2] = portypes.Challenge{Id: 2, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING}
	for i := 0; i < 3; i++ {
		_, err := x.a.Step(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, map[uint64]int{1: 1, 2: 1}, x.f.answers)
	require.Equal(t, 2, strings.Count(x.logs.String(), "challenge answered"), x.logs.String())
}

// TestMissingDatasetNotRegenerated: with the dataset deleted, the storage challenge is not
// answered, nothing is rebuilt, the log says it will be missed, and it is not retried.
func TestMissingDatasetNotRegenerated(t *testing.T) {
	for _, damage := range []string{"deleted", "other size"} {
		x := newFixture(t)
		root, _, err := x.store.Ensure(context.Background(), 40, 4)
		require.NoError(t, err)
		switch damage {
		case "deleted":
			require.NoError(t, os.RemoveAll(x.store.Dir))
		case "other size": // the reporter rebuilt twice since: neither current nor previous
			_, _, err = x.store.Ensure(context.Background(), 41, 4)
			require.NoError(t, err)
			_, _, err = x.store.Ensure(context.Background(), 42, 4)
			require.NoError(t, err)
		}
		x.f.pending[1] = storageChallenge(1, root, 40, 4)
		for i := 0; i < 3; i++ {
			_, err := x.a.Step(context.Background())
			require.NoError(t, err)
		}
		require.Empty(t, x.f.answers, damage)
		require.Equal(t, 1, strings.Count(x.logs.String(), "the challenge will be missed"), damage)
		require.Contains(t, x.logs.String(), "rebuilt before the next report")
		if damage == "deleted" {
			_, err := x.store.Current(40, 4)
			require.ErrorIs(t, err, dataset.ErrMissing, "the answerer built nothing")
		}
	}
}

// TestPreviousDatasetAnswers: a report made with a new dataset (new storage figure) before
// the last one's challenge came does not lose that challenge: the previous dataset is kept.
func TestPreviousDatasetAnswers(t *testing.T) {
	x := newFixture(t)
	root, _, err := x.store.Ensure(context.Background(), 40, 4)
	require.NoError(t, err)
	_, _, err = x.store.Ensure(context.Background(), 48, 4)
	require.NoError(t, err)
	x.f.pending[1] = storageChallenge(1, root, 40, 4)
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, x.f.answers[1])
}

// TestTransientFailuresRetried: an unreachable chain or a missing grant is retried at the
// next step; a challenge the chain reports resolved (an earlier answer landed) is not.
func TestTransientFailuresRetried(t *testing.T) {
	x := newFixture(t)
	x.f.pending[2] = portypes.Challenge{Id: 2, Kind: portypes.CHALLENGE_KIND_LIVENESS, Status: portypes.CHALLENGE_STATUS_PENDING}
	x.f.failNext = []error{fmt.Errorf("%w: connection refused", chain.ErrUnreachable), fmt.Errorf("%w: authorization not found", chain.ErrNoGrant)}
	wait, err := x.a.Step(context.Background())
	require.ErrorIs(t, err, chain.ErrUnreachable)
	require.Equal(t, DefaultFast, wait)
	_, err = x.a.Step(context.Background())
	require.ErrorIs(t, err, chain.ErrNoGrant)
	_, err = x.a.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, x.f.answers[2])

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
