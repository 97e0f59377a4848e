package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/testutil/posttest"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Challenge parameters of the zero-height tests: one-minute days of one-second blocks, so
// a day's challenges open over 20 blocks and each is answered within 10.
const (
	zhDaySeconds = 60
	zhWindow     = 10
	zhSpread     = 20
)

func zeroHeightPorChain(t *testing.T, nodes int) *testutil.TestChain {
	return testutil.NewTestChain(t, nodes, func(cdc codec.JSONCodec, g app.GenesisState) {
		var em emissiontypes.GenesisState
		cdc.MustUnmarshalJSON(g[emissiontypes.ModuleName], &em)
		em.Params.DaySeconds = zhDaySeconds
		g[emissiontypes.ModuleName] = cdc.MustMarshalJSON(&em)
		var por portypes.GenesisState
		cdc.MustUnmarshalJSON(g[portypes.ModuleName], &por)
		cp := &por.Params.Challenge
		cp.ChallengesPerDay, cp.AnswerWindowBlocks, cp.SpreadBlocks = 10, zhWindow, zhSpread
		// A miss forfeits only: the test follows windows, not slashes or disqualifications.
		cp.Storage, cp.StorageSlashFraction, cp.DisqualifyDays = posttest.Params(), math.LegacyZeroDec(), 0
		cp.Compute = portypes.ComputeProofParams{} // height windows; compute windows run on the chain clock
		g[portypes.ModuleName] = cdc.MustMarshalJSON(&por)
	})
}

var zhResources = portypes.Resources{Compute: 150, Storage: 100, Bandwidth: 80}

// zhReport submits n's full Worker report, committing its dataset; it must be accepted.
func zhReport(t *testing.T, c *testutil.TestChain, n testutil.Account) {
	t.Helper()
	res := c.DeliverMsgs(time.Second, n, &portypes.MsgSubmitReport{
		Operator: n.Address.String(), Totals: zhResources,
		Parts: []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: zhResources}},
	})
	require.Zero(t, res.Code, "report of %s refused at height %d: %s", n.Address, c.App.LastBlockHeight(), res.Log)
}

// zhAnswer sends the honest answer to challenge id in the next block.
func zhAnswer(t *testing.T, c *testutil.TestChain, n testutil.Account, id uint64) uint32 {
	t.Helper()
	ch, err := c.App.PorKeeper.Challenges.Get(c.Context(), id)
	require.NoError(t, err)
	return c.DeliverMsgs(time.Second, n, &portypes.MsgAnswerChallenge{Operator: n.Address.String(), ChallengeId: id, Proof: posttest.Prove(ch)}).Code
}

func zhChallenge(t *testing.T, c *testutil.TestChain, id uint64) portypes.Challenge {
	t.Helper()
	ch, err := c.App.PorKeeper.Challenges.Get(c.Context(), id)
	require.NoError(t, err)
	return ch
}

func zhReceipt(t *testing.T, c *testutil.TestChain, day uint64) portypes.ChallengeDay {
	t.Helper()
	r, err := c.App.PorKeeper.ChallengeDays.Get(c.Context(), day)
	require.NoError(t, err)
	return r
}

// zhHeights is a challenge's status and heights.
type zhHeights struct {
	Status                           portypes.ChallengeStatus
	Issued, Open, Deadline, Resolved int64
}

func zhHeightsOf(ch portypes.Challenge) zhHeights {
	return zhHeights{ch.Status, ch.IssuedHeight, ch.OpenHeight, ch.DeadlineHeight, ch.ResolvedHeight}
}

// zhRebased is what a challenge's heights read on a chain restarted from a zero-height
// export of the chain at height last: the heights it has set, less last.
func zhRebased(ch portypes.Challenge, last int64) zhHeights {
	h := zhHeightsOf(ch)
	h.Issued -= last
	h.Open -= last
	h.Deadline -= last
	if ch.Status == portypes.CHALLENGE_STATUS_PASSED || ch.Status == portypes.CHALLENGE_STATUS_MISSED || ch.Status == portypes.CHALLENGE_STATUS_FAILED {
		h.Resolved -= last
	}
	return h
}

// TestZeroHeightExportKeepsChallengeWindows (issue 22 item 3): a chain restarted from a
// zero-height export starts again at height 1, so every height x/por keeps must be rebased
// with it. Exported in the middle of a day's sampling spread, with challenges pending a
// few blocks from their deadline and others not drawn yet, the restarted chain does
// block for block what the original chain would have done: the pending challenge is
// answered at its last allowed block, an unanswered one is missed at exactly its
// deadline, the rest are drawn over the rest of the spread, and every pair is sampled
// again the next day. Before the heights were rebased, the deadlines came back
// as far ahead as the old chain's height (held rewards locked, the pairs never sampled
// again) and the spread made no progress until the old height came back round.
func TestZeroHeightExportKeepsChallengeWindows(t *testing.T) {
	c := zeroHeightPorChain(t, 4)
	nodes := c.Accounts
	byOperator := map[string]testutil.Account{}
	for _, n := range nodes {
		byOperator[n.Address.String()] = n
		res := c.DeliverMsgs(time.Second, n, &portypes.MsgRegisterNode{
			Operator: n.Address.String(), Moniker: "n", Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER},
			Stake: sdk.NewCoin(app.BondDenom, portypes.DefaultMinStake),
		})
		require.Zero(t, res.Code, res.Log)
	}
	for _, n := range nodes {
		zhReport(t, c, n)
	}
	dayStart := func(day int) time.Time {
		return testutil.GenesisTime.Add(time.Duration(day-1) * zhDaySeconds * time.Second)
	}

	// The first block of day 2 starts the sampling of day 1's four reports, drawn over the
	// spread.
	c.NextBlock(dayStart(2).Sub(c.Time))
	sampled := c.App.LastBlockHeight()
	r := zhReceipt(t, c, 1)
	require.Equal(t, uint64(4), r.Target)
	require.Equal(t, sampled, r.Height)
	require.Equal(t, uint64(4/zhSpread), r.Count)

	// Half the spread on: two drawn (pending), two not yet.
	for c.App.LastBlockHeight() < sampled+zhSpread/2-1 {
		c.NextBlock(time.Second)
	}
	last := c.App.LastBlockHeight()
	r = zhReceipt(t, c, 1)
	require.Equal(t, uint64(2), r.Count)
	before := map[uint64]portypes.Challenge{}
	var first portypes.Challenge // the pending challenge closest to its deadline
	for id := r.FirstId; id < r.FirstId+r.Count; id++ {
		ch := zhChallenge(t, c, id)
		before[id] = ch
		if ch.Status == portypes.CHALLENGE_STATUS_PENDING && (first.Id == 0 || ch.DeadlineHeight < first.DeadlineHeight) {
			first = ch
		}
	}
	left := first.DeadlineHeight - last
	require.Positive(t, left)
	require.Less(t, left, int64(zhWindow), "a challenge with a few blocks left")

	exported, err := c.App.ExportAppStateAndValidators(true, nil, nil)
	require.NoError(t, err)
	var genesis app.GenesisState
	require.NoError(t, json.Unmarshal(exported.AppState, &genesis))
	require.NoError(t, c.App.BasicModuleManager.ValidateGenesis(c.App.AppCodec(), c.App.TxConfig(), genesis), "the rebased genesis validates")
	var porGenesis portypes.GenesisState
	c.App.AppCodec().MustUnmarshalJSON(genesis[portypes.ModuleName], &porGenesis)
	for _, ch := range porGenesis.Challenges {
		require.Equal(t, zhRebased(before[ch.Id], last), zhHeightsOf(ch), "challenge %d exported with its heights rebased", ch.Id)
	}
	require.Len(t, porGenesis.ChallengeDays, 1)
	require.Equal(t, sampled-last, porGenesis.ChallengeDays[0].Height, "the day receipt's height rebased: the spread keeps its progress")

	next, err := c.Import(exported.AppState, exported.Height)
	require.NoError(t, err)

	// Both chains go on block for block: the original c (the export changed nothing it
	// committed) and the restarted next. next's height h is c's height last+h.
	step := func() {
		next.NextBlock(time.Second)
		c.NextBlock(time.Second)
		require.Equal(t, c.App.LastBlockHeight(), last+next.App.LastBlockHeight())
		got, want := zhReceipt(t, next, 1), zhReceipt(t, c, 1)
		want.Height -= last
		require.Equal(t, want, got, "day 1's receipt at height %d", next.App.LastBlockHeight())
		for id := range before {
			require.Equal(t, zhRebased(zhChallenge(t, c, id), last), zhHeightsOf(zhChallenge(t, next, id)), "challenge %d at height %d", id, next.App.LastBlockHeight())
		}
	}

	// The closest challenge keeps exactly its `left` blocks: its answer lands in the last.
	for next.App.LastBlockHeight() < left-1 {
		step()
		require.Equal(t, portypes.CHALLENGE_STATUS_PENDING, zhChallenge(t, next, first.Id).Status)
	}
	owner := byOperator[first.Operator]
	require.Zero(t, zhAnswer(t, next, owner, first.Id), "an answer at the last allowed height, %d", left)
	require.Zero(t, zhAnswer(t, c, owner, first.Id))
	require.Equal(t, left, next.App.LastBlockHeight())
	passed := zhChallenge(t, next, first.Id)
	require.Equal(t, portypes.CHALLENGE_STATUS_PASSED, passed.Status)
	require.Equal(t, left, passed.ResolvedHeight)
	nr, err := next.App.PorKeeper.PairState(next.Context(), owner.Address, portypes.NODE_ROLE_WORKER)
	require.NoError(t, err)
	require.True(t, nr.Held.IsZero(), "the held reward is released")
	require.Zero(t, nr.ChallengeId)

	// The others are never answered: each is missed at the end of its deadline block, not
	// before. The rest are drawn over the rest of the spread.
	spreadEnd := sampled + zhSpread - 1 - last
	for next.App.LastBlockHeight() < spreadEnd+zhWindow {
		step()
		h := next.App.LastBlockHeight()
		rn := zhReceipt(t, next, 1)
		for id := rn.FirstId; id < rn.FirstId+rn.Count; id++ {
			ch := zhChallenge(t, next, id)
			if _, ok := before[id]; !ok {
				before[id] = ch
			}
			require.LessOrEqual(t, ch.OpenHeight, spreadEnd, "challenge %d drawn within the spread", id)
			if id == first.Id {
				continue
			}
			switch {
			case ch.Status == portypes.CHALLENGE_STATUS_PENDING:
				require.Less(t, h, ch.DeadlineHeight, "challenge %d still pending after its deadline", id)
			case ch.Status == portypes.CHALLENGE_STATUS_MISSED:
				require.Equal(t, ch.DeadlineHeight, ch.ResolvedHeight, "challenge %d missed at its deadline", id)
			}
		}
		if h >= spreadEnd {
			require.Equal(t, uint64(4), rn.Count, "every challenge drawn by the end of the spread, height %d", spreadEnd)
		}
	}
	for id, was := range before {
		ch := zhChallenge(t, next, id)
		if id == first.Id {
			continue
		}
		require.Equal(t, portypes.CHALLENGE_STATUS_MISSED, ch.Status, "challenge %d (%s at the export) missed", id, was.Status)
		require.Positive(t, ch.ResolvedHeight)
	}

	// Every pair reports again on day 2 and, its challenge resolved, is sampled on day 3.
	for _, n := range nodes {
		zhReport(t, next, n)
	}
	next.NextBlock(dayStart(3).Sub(next.Time))
	day2 := zhReceipt(t, next, 2)
	require.Equal(t, uint64(4), day2.Candidates)
	require.Equal(t, next.App.LastBlockHeight(), day2.Height)
	for range zhSpread {
		next.NextBlock(time.Second)
	}
	require.Equal(t, uint64(4), zhReceipt(t, next, 2).Count, "every pair is challenged again")
	require.NoError(t, next.App.CheckInvariants(next.Context()))
}
