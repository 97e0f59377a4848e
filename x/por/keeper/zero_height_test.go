package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// RebaseHeights (a zero-height export; the whole-app test is
// app.TestZeroHeightExportKeepsChallengeWindows) moves every height x/por keeps by -last
// and leaves unset ones at 0; the rebased state validates, and on the new chain every
// challenge keeps its window to the block, a backlog past its deadline is missed in the
// first block and the spread finishes when it would have.
func TestRebaseHeights(t *testing.T) {
	f, _ := spreadFixture(t, 10) // sampled at 20, opening one a block over 21..30, 5-block window
	for h := int64(21); h <= 27; h++ {
		f.beginBlock(h)
		if h == 24 { // pass the one opened at 22
			for _, c := range f.challengeDay(1).Challenges {
				if c.OpenHeight == 22 {
					op := sdk.MustAccAddressFromBech32(c.Operator)
					_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: c.Operator, ChallengeId: c.Id, Proof: proof(c, op)})
					require.NoError(t, err)
				}
			}
		}
		f.endBlock()
	}
	// Block 28's EndBlocker has not run: the challenge opened at 23 is past its deadline
	// and still pending, as a backlog of misses beyond the per-block bound would be.
	f.beginBlock(28)
	const last = 28
	before := map[uint64]types.Challenge{}
	statuses := map[types.ChallengeStatus]int{}
	for _, c := range f.challengeDay(1).Challenges {
		before[c.Id] = c
		statuses[c.Status]++
	}
	require.Equal(t, map[types.ChallengeStatus]int{
		types.CHALLENGE_STATUS_MISSED: 1, types.CHALLENGE_STATUS_PASSED: 1,
		types.CHALLENGE_STATUS_PENDING: 6, types.CHALLENGE_STATUS_SCHEDULED: 2,
	}, statuses)

	require.NoError(t, f.k.RebaseHeights(f.ctx, last))

	type queued struct {
		deadline int64
		id       uint64
	}
	wantQueue := map[queued]bool{}
	for _, c := range f.challengeDay(1).Challenges {
		b := before[c.Id]
		require.Equal(t, b.IssuedHeight-last, c.IssuedHeight)
		switch b.Status {
		case types.CHALLENGE_STATUS_SCHEDULED:
			require.Zero(t, c.OpenHeight, "unset, still")
			require.Zero(t, c.DeadlineHeight)
			require.Zero(t, c.ResolvedHeight)
		case types.CHALLENGE_STATUS_PENDING:
			require.Equal(t, b.OpenHeight-last, c.OpenHeight)
			require.Equal(t, b.DeadlineHeight-last, c.DeadlineHeight)
			require.Zero(t, c.ResolvedHeight)
			wantQueue[queued{c.DeadlineHeight, c.Id}] = true
		default:
			require.Equal(t, b.OpenHeight-last, c.OpenHeight)
			require.Equal(t, b.DeadlineHeight-last, c.DeadlineHeight)
			require.Equal(t, b.ResolvedHeight-last, c.ResolvedHeight)
			require.LessOrEqual(t, c.ResolvedHeight, int64(0), "resolved before the new chain")
		}
	}
	queue := map[queued]bool{}
	require.NoError(t, f.k.ChallengeDeadlines.Walk(f.ctx, nil, func(k collections.Pair[int64, uint64]) (bool, error) {
		queue[queued{k.K1(), k.K2()}] = true
		return false, nil
	}))
	require.Equal(t, wantQueue, queue, "the deadline queue rebased with the challenges")
	require.Equal(t, int64(20-last), f.challengeDay(1).Receipt.Height)

	// The rebased export validates and boots the new chain, at height 1.
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	g := newFixture(t, func(dst *types.GenesisState) { *dst = *gs })
	g.bank = f.bank
	g.clock.day = 2
	pendingAt := func(h int64) []types.Challenge {
		var out []types.Challenge
		for _, c := range g.challengeDay(1).Challenges {
			if c.Status == types.CHALLENGE_STATUS_PENDING && c.DeadlineHeight == h {
				out = append(out, c)
			}
		}
		return out
	}

	// Block 1 is old block 29: its end misses the backlog (deadline 28, now 0) and the
	// challenge whose deadline was 29.
	late, due := pendingAt(0), pendingAt(1)
	require.Len(t, late, 1)
	require.Len(t, due, 1)
	g.beginBlock(1)
	g.endBlock()
	for _, c := range append(late, due...) {
		got := g.challenge(c.Id)
		require.Equal(t, types.CHALLENGE_STATUS_MISSED, got.Status)
		require.Equal(t, int64(1), got.ResolvedHeight)
	}
	// Block 2 is old block 30, the spread's last: the last scheduled one opens.
	g.beginBlock(2)
	require.Equal(t, uint64(10), g.challengeDay(1).Receipt.Opened)
	_, err = g.k.OpeningDay.Get(g.ctx)
	require.Error(t, err, "the spread is over")
	g.endBlock()

	// Every other challenge keeps its window to the block: answered at its deadline, it
	// passes; the last one, left unanswered, is pending through its deadline block and
	// missed at its end.
	var leftOver types.Challenge
	for _, c := range g.challengeDay(1).Challenges {
		if c.Status == types.CHALLENGE_STATUS_PENDING && c.DeadlineHeight > leftOver.DeadlineHeight {
			leftOver = c
		}
	}
	require.Equal(t, int64(2+5), leftOver.DeadlineHeight, "opened at 2 (old 30), with its 5 blocks")
	for h := int64(3); h <= leftOver.DeadlineHeight; h++ {
		g.beginBlock(h)
		for _, c := range pendingAt(h) {
			if c.Id == leftOver.Id {
				continue
			}
			_, err := g.msg.AnswerChallenge(g.ctx, &types.MsgAnswerChallenge{Operator: c.Operator, ChallengeId: c.Id, Proof: proof(c, sdk.MustAccAddressFromBech32(c.Operator))})
			require.NoError(t, err, "challenge %d at its deadline %d", c.Id, h)
		}
		require.Equal(t, types.CHALLENGE_STATUS_PENDING, g.challenge(leftOver.Id).Status)
		g.endBlock()
	}
	missed := g.challenge(leftOver.Id)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, missed.Status)
	require.Equal(t, missed.DeadlineHeight, missed.ResolvedHeight)
	for _, c := range g.challengeDay(1).Challenges {
		require.NotEqual(t, types.CHALLENGE_STATUS_PENDING, c.Status, "challenge %d resolved", c.Id)
	}
}

func (f *fixture) challenge(id uint64) types.Challenge {
	f.t.Helper()
	res, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: id})
	require.NoError(f.t, err)
	return res.Challenge
}
