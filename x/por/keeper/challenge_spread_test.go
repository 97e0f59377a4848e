package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// spreadFixture: ten workers report on day 1; the first block of day 2 (height 20) starts
// the sampling, whose draws run over the next `spread` blocks.
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

// With spread_blocks, each block draws its share of the day's challenges from its own hash
// and opens them at once: a pair not yet drawn has no challenge, scheduled or otherwise,
// so it cannot tell at the day's first block that it will be checked.
func TestChallengesAreDrawnOverTheSpread(t *testing.T) {
	f, ops := spreadFixture(t, 10)
	day := f.challengeDay(1)
	require.Equal(t, uint64(10), day.Receipt.Target)
	require.Equal(t, uint64(1), day.Receipt.Count, "the first block draws a tenth of a 10-block spread")
	undrawn := 0
	for _, op := range ops {
		if f.nodeRole(op, types.NODE_ROLE_WORKER).ChallengeId == 0 {
			undrawn++
			require.Empty(t, f.challenges(op, false), "a pair not drawn yet has no challenge to see")
		}
	}
	require.Equal(t, 9, undrawn)

	drawnAt := map[uint64]int64{}
	for h := int64(20); h <= 29; h++ {
		if h > 20 {
			f.beginBlock(h)
		}
		day = f.challengeDay(1)
		require.Equal(t, uint64(h-19), day.Receipt.Count, "a tenth of them per block of a 10-block spread")
		for _, c := range day.Challenges {
			if _, seen := drawnAt[c.Id]; !seen {
				require.Equal(t, types.CHALLENGE_STATUS_PENDING, c.Status, "a challenge opens in the block that draws it")
				drawnAt[c.Id] = c.OpenHeight
				require.Equal(t, h, c.OpenHeight)
				require.Equal(t, h, c.IssuedHeight)
				require.Equal(t, h+5, c.DeadlineHeight)
				require.Len(t, c.Value, 32)
			}
		}
		f.endBlock()
	}
	require.Len(t, drawnAt, 10)
	_, err := f.k.SamplingDay.Get(f.ctx)
	require.Error(t, err, "every challenge drawn: the sampling is over")

	// The open ones are answered as usual.
	for _, op := range ops {
		for _, c := range f.challenges(op, true) {
			_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, Proof: proof(c, op)})
			require.NoError(t, err)
		}
	}

	// Another block hash sequence draws them in another order.
	order := func(salt byte) []string {
		g, _ := spreadFixture(t, 10)
		var out []string
		for h := int64(21); h <= 29; h++ {
			g.ctx = g.ctx.WithBlockHeight(h).WithHeaderHash([]byte{salt, byte(h)}).WithEventManager(sdk.NewEventManager())
			require.NoError(t, g.k.BeginBlocker(g.ctx))
			for _, c := range g.challengeDay(1).Challenges {
				if c.OpenHeight == h {
					out = append(out, c.Operator)
				}
			}
		}
		return out
	}
	a := order(1)
	require.Equal(t, a, order(1), "the same block hashes draw the same pairs")
	require.NotEqual(t, a, order(2))
}

// A day being sampled when the next day's sampling starts ends there (its draws not made
// are dropped: one day is sampled at a time), and an export in the middle of the spread
// resumes it after import.
func TestSpreadSurvivesExportAndEndsWithTheNextDay(t *testing.T) {
	f, ops := spreadFixture(t, 1000)
	f.beginBlock(119) // 100 blocks of the spread: a tenth of it
	require.Equal(t, uint64(1), f.challengeDay(1).Receipt.Count)

	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Equal(t, uint64(1), gs.SamplingDay)
	g := newFixture(t, func(dst *types.GenesisState) { *dst = *gs })
	g.bank = f.bank
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	g.clock.day = 2
	g.beginBlock(219)
	require.Equal(t, uint64(2), g.challengeDay(1).Receipt.Count, "the import draws on")

	// Day 2's reports go to the other buffer while day 1 is sampled; day 3's first block
	// ends day 1's sampling and starts day 2's.
	for _, op := range ops[:3] {
		require.NoError(t, g.storageReport(op, types.NODE_ROLE_WORKER, 150, 100, 80))
	}
	l, err := g.k.ReportLog.Get(g.ctx)
	require.NoError(t, err)
	require.NotEqual(t, g.challengeDay(1).Receipt.Buffer, l.Buffer)
	g.clock.day = 3
	g.beginBlock(220)
	require.Equal(t, uint64(2), g.challengeDay(1).Receipt.Count, "day 1's undrawn share is dropped")
	d2 := g.challengeDay(2).Receipt
	require.Equal(t, uint64(3), d2.Candidates)
	sampling, err := g.k.SamplingDay.Get(g.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(2), sampling)
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
	require.Equal(t, uint64(1), node.ChallengeStats.Missed, "the miss still counts")
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Empty(t, gs.Challenges)
}

// A pair that reports again before it is drawn does not dodge its check: the draw checks
// its standing report (the new one, with its dataset).
func TestReportingAgainDoesNotDodgeTheDraw(t *testing.T) {
	f, ops := spreadFixture(t, 10)
	for _, op := range ops { // day 2's reports replace day 1's before most are drawn
		if f.nodeRole(op, types.NODE_ROLE_WORKER).ChallengeId == 0 {
			require.NoError(t, f.storageReport(op, types.NODE_ROLE_WORKER, 150, 100, 80))
		}
	}
	for h := int64(21); h <= 29; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	day := f.challengeDay(1)
	require.Equal(t, uint64(10), day.Receipt.Count, "every pair checked")
	replaced := 0
	for _, c := range day.Challenges {
		if c.Day == 2 {
			replaced++
			require.Equal(t, types.CHALLENGE_KIND_STORAGE, c.Kind)
			require.Equal(t, uint64(2), c.Dataset.Day, "the new report's dataset")
		}
	}
	require.Equal(t, 9, replaced, "the nine drawn after their new report are checked on it")
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
}
