package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// spreadFixture: ten workers report on day 1 and are all sampled in the first block of
// day 2 (height 20), their challenges to open over the next `spread` blocks.
func spreadFixture(t *testing.T, spread uint64) (*fixture, []sdk.AccAddress) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(10)
		gs.Params.Challenge.SpreadBlocks = spread
	})
	var ops []sdk.AccAddress
	for i := range 10 {
		op := f.register(string(rune('a'+i)), types.NODE_ROLE_WORKER)
		require.NoError(t, f.storageReport(op, types.NODE_ROLE_WORKER, 150, 100, 80))
		ops = append(ops, op)
	}
	f.clock.day = 2
	f.beginBlock(20)
	return f, ops
}

func (f *fixture) challengeDay(day uint64) types.QueryChallengeDayResponse {
	f.t.Helper()
	res, err := f.q.ChallengeDay(f.ctx, &types.QueryChallengeDayRequest{Day: day})
	require.NoError(f.t, err)
	return *res
}

// With spread_blocks, a day's challenges are scheduled when sampled and open a share per
// block, at blocks drawn from the block hashes: closed until then (an answer is refused),
// each with its own window and leaves from its opening block.
func TestChallengesOpenOverTheSpread(t *testing.T) {
	f, ops := spreadFixture(t, 10)
	day := f.challengeDay(1)
	require.Equal(t, uint64(10), day.Receipt.Count)
	require.Zero(t, day.Receipt.Opened)
	for _, c := range day.Challenges {
		require.Equal(t, types.CHALLENGE_STATUS_SCHEDULED, c.Status)
		require.Empty(t, c.Value, "its value is drawn when it opens")
		require.NotZero(t, f.nodeRole(sdk.MustAccAddressFromBech32(c.Operator), types.NODE_ROLE_WORKER).ChallengeId, "held from the sampling on")
	}
	for _, op := range ops {
		require.Empty(t, f.challenges(op, true), "nothing to answer yet")
	}
	c0 := day.Challenges[0]
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: c0.Operator, ChallengeId: c0.Id})
	require.ErrorIs(t, err, types.ErrChallengeNotOpen)

	openedAt := map[uint64]int64{}
	for h := int64(21); h <= 30; h++ {
		f.beginBlock(h)
		day = f.challengeDay(1)
		require.Equal(t, uint64(h-20), day.Receipt.Opened, "a tenth of them per block of a 10-block spread")
		for _, c := range day.Challenges {
			if c.Status == types.CHALLENGE_STATUS_SCHEDULED {
				continue
			}
			if _, seen := openedAt[c.Id]; !seen {
				openedAt[c.Id] = c.OpenHeight
				require.Equal(t, h, c.OpenHeight)
				require.Equal(t, h+5, c.DeadlineHeight)
				require.Len(t, c.Value, 32)
			}
		}
		f.endBlock()
	}
	require.Len(t, openedAt, 10)
	_, err = f.k.OpeningDay.Get(f.ctx)
	require.Error(t, err, "every challenge opened: no day left opening")

	// The open ones are answered as usual.
	for _, op := range ops {
		for _, c := range f.challenges(op, true) {
			_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, Proof: proof(c, op)})
			require.NoError(t, err)
		}
	}

	// Another block hash sequence opens them in another order.
	g, _ := spreadFixture(t, 10)
	order := func(f *fixture, salt byte) []uint64 {
		var out []uint64
		for h := int64(21); h <= 30; h++ {
			f.ctx = f.ctx.WithBlockHeight(h).WithHeaderHash([]byte{salt, byte(h)}).WithEventManager(sdk.NewEventManager())
			require.NoError(t, f.k.BeginBlocker(f.ctx))
			for _, c := range f.challengeDay(1).Challenges {
				if c.OpenHeight == h {
					out = append(out, c.Id)
				}
			}
		}
		return out
	}
	a := order(g, 1)
	h, _ := spreadFixture(t, 10)
	require.Equal(t, a, order(h, 1), "the same block hashes open the same challenges")
	k, _ := spreadFixture(t, 10)
	require.NotEqual(t, a, order(k, 2))
}

// A day's challenges all open before the next day's are sampled, and an export in the
// middle of the spread resumes it after import.
func TestSpreadFinishesAndSurvivesExport(t *testing.T) {
	f, ops := spreadFixture(t, 1000)
	f.beginBlock(120) // 10% of the spread
	require.Equal(t, uint64(1), f.challengeDay(1).Receipt.Opened)

	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Equal(t, uint64(1), gs.OpeningDay)
	g := newFixture(t, func(dst *types.GenesisState) { *dst = *gs })
	g.bank = f.bank
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)

	// Day 2's reports; day 3's first block samples them after opening the rest of day 1.
	g.clock.day = 2
	for _, op := range ops[:3] {
		require.NoError(t, g.storageReport(op, types.NODE_ROLE_WORKER, 150, 100, 80))
	}
	g.clock.day = 3
	g.beginBlock(130)
	require.Equal(t, uint64(10), g.challengeDay(1).Receipt.Opened, "day 1's rest opened before day 2 was sampled")
	for _, c := range g.challengeDay(1).Challenges {
		require.NotEqual(t, types.CHALLENGE_STATUS_SCHEDULED, c.Status)
		require.LessOrEqual(t, c.OpenHeight, int64(130))
	}
	// Pairs with a challenge still open are not sampled again.
	require.Zero(t, g.challengeDay(2).Receipt.Count)
	opening, err := g.k.OpeningDay.Get(g.ctx)
	require.Error(t, err, "nothing scheduled for day 2: %d", opening)
}

// Resolved challenges and day receipts older than receipt_days are pruned, oldest first,
// a bounded number per block; open ones and the opening day's are kept; an export in the
// middle validates and resumes.
func TestReceiptsArePruned(t *testing.T) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(10)
		gs.Params.Challenge.ReceiptDays = 10
		gs.Params.Challenge.SlashFailures = 0 // misses only: the nodes keep reporting
	})
	w := types.NODE_ROLE_WORKER
	var ops []sdk.AccAddress
	for i := range 3 {
		ops = append(ops, f.register(string(rune('a'+i)), w))
	}
	h := int64(20)
	for day := uint64(1); day <= 3; day++ { // three days of challenges, all missed
		f.clock.day = day
		for _, op := range ops {
			require.NoError(t, f.storageReport(op, w, 150, 100, 80))
		}
		f.clock.day = day + 1
		for range 7 {
			f.beginBlock(h)
			f.endBlock()
			h++
		}
	}
	all, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, all.Challenges, 9)
	require.Len(t, all.ChallengeDays, 3)

	// Day 12: day 1's receipts (< 12 - 10 = 2) go; days 2 and 3 stay.
	f.clock.day = 12
	f.beginBlock(h)
	f.endBlock()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.Challenges, 6)
	require.Len(t, gs.ChallengeDays, 2)
	require.Equal(t, uint64(2), gs.ChallengeDays[0].Day)
	for _, c := range gs.Challenges {
		require.GreaterOrEqual(t, c.Day, uint64(2))
	}
	require.Len(t, f.challenges(ops[0], false), 2, "the per-node index is pruned with them")

	// An export resumes the pruning where it was.
	g := newFixture(t, func(dst *types.GenesisState) { *dst = *gs })
	g.bank = f.bank
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	g.clock.day = 20
	g.ctx = g.ctx.WithBlockHeight(h + 1)
	require.NoError(t, g.k.EndBlocker(g.ctx))
	done, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.NoError(t, done.Validate())
	require.Empty(t, done.Challenges)
	require.Empty(t, done.ChallengeDays)
}

// A challenge still open when the pruning passes its day is kept, and goes when it
// resolves (found by the simulation: such challenges stayed forever).
func TestOpenChallengePassedByPruningGoesWhenResolved(t *testing.T) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(10)
		gs.Params.Challenge.ReceiptDays = 1
		gs.Params.Challenge.FailureWindowDays = 1
		gs.Params.Challenge.AnswerWindowBlocks = 50
	})
	w := types.NODE_ROLE_WORKER
	a, b := f.register("a", w), f.register("b", w)
	require.NoError(t, f.storageReport(a, w, 150, 100, 80))
	require.NoError(t, f.storageReport(b, w, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20)
	f.endBlock()
	ca, cb := f.challenges(a, true)[0], f.challenges(b, true)[0]
	f.clock.day = 3 // day 1 is now outside the one-day window: the pruning passes it
	f.beginBlock(21)
	f.endBlock()
	cursor, err := f.k.PruneCursor.Get(f.ctx)
	require.NoError(t, err)
	require.Greater(t, cursor, cb.Id)
	require.Len(t, f.challenges(a, false), 1, "still open: kept")

	_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: a.String(), ChallengeId: ca.Id, Proof: proof(ca, a)})
	require.NoError(t, err)
	require.Empty(t, f.challenges(a, false), "resolved after the pruning passed it: gone")
	for h := int64(22); h <= cb.DeadlineHeight; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	require.Empty(t, f.challenges(b, false))
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: b.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(1), node.Node.ChallengesMissed, "the miss still counts")
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Empty(t, gs.Challenges)
}
