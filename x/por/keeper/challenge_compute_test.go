package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/types"
)

// testComputeParams: 2 seconds of declared compute at 1 tile a unit-second (a 150-unit
// worker computes 300 tiles), committed within 3 seconds of chain time (a block counting 1
// second at most), 3 tiles revealed.
func testComputeParams() types.ComputeProofParams {
	return types.ComputeProofParams{TilesPerUnitSecond: 1, WorkSeconds: 2, CommitSeconds: 3, Samples: 3, MaxBlockSeconds: 1}
}

// computeFixture: a worker named name reported compute 150 and no storage on day 1 (so
// its challenge checks compute), with a 5% compute slash; the first block of day 2
// (height 20) has drawn its compute challenge.
func computeFixture(t *testing.T, name string) (*fixture, sdk.AccAddress, types.Challenge) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(5)
		gs.Params.Challenge.Compute = testComputeParams()
		gs.Params.Challenge.ComputeSlashFraction = math.LegacyNewDecWithPrec(5, 2)
		gs.Params.Challenge.DisqualifyDays = types.DefaultDisqualifyDays
	})
	f.ctx = f.ctx.WithBlockHeight(10)
	op := f.register(name, types.NODE_ROLE_WORKER)
	_, err := f.msg.AddStake(f.ctx, &types.MsgAddStake{Operator: op.String(), Amount: sdk.NewCoin(denom, slashFixtureExtra(f))})
	require.NoError(t, err)
	require.NoError(t, f.report(op, types.NODE_ROLE_WORKER, 150, 0, 80))
	f.clock.day = 2
	f.blockAt(20, time.Second)
	cs := f.challenges(op, true)
	require.Len(t, cs, 1)
	return f, op, cs[0]
}

// blockAt runs the BeginBlocker of height h, dt after the previous block's time.
func (f *fixture) blockAt(h int64, dt time.Duration) {
	f.t.Helper()
	f.ctx = f.ctx.WithBlockTime(f.ctx.BlockTime().Add(dt))
	f.beginBlock(h)
}

// honestCommit is what aegis-node computes for c: every tile, and the commitment's root.
func honestCommit(t *testing.T, c types.Challenge, op sdk.AccAddress) *compute.Commitment {
	t.Helper()
	cm, err := compute.Commit(context.Background(), compute.Reference{}, 2, compute.Seed(c.Value, op, int32(c.Role)), c.Tiles)
	require.NoError(t, err)
	return cm
}

// TestComputeChallengeRoundTrip: a worker that declared compute is asked for the tiles of
// its compute; it commits the root in time, the chain draws the tiles to reveal from the
// committing block, and the revealed paths of honestly computed tiles pass. Each wrong
// answer on the way is refused and changes nothing.
func TestComputeChallengeRoundTrip(t *testing.T) {
	f, op, c := computeFixture(t, "alice")
	require.Equal(t, types.CHALLENGE_KIND_COMPUTE, c.Kind)
	require.Equal(t, uint64(300), c.Tiles, "150 units × 1 tile a unit-second × 2 seconds")
	require.Zero(t, c.DeadlineHeight, "the root is due on the chain clock, not at a height")
	require.Equal(t, int64(3000), c.CommitDeadlineMs-mustClock(t, f).ElapsedMs, "due commit_seconds after the opening")
	other := f.register("bob", types.NODE_ROLE_WORKER)
	cm := honestCommit(t, c, op)
	f.blockAt(21, time.Second)

	refuse := func(msg *types.MsgAnswerChallenge, want error) {
		t.Helper()
		before := f.challenge(c.Id)
		_, err := f.msg.AnswerChallenge(f.ctx, msg)
		require.ErrorIs(t, err, want)
		require.Equal(t, before, f.challenge(c.Id), "a refused answer changes nothing")
	}
	answer := func(mut func(*types.MsgAnswerChallenge)) *types.MsgAnswerChallenge {
		m := &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: cm.Root[:]}
		mut(m)
		return m
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgAnswerChallenge
		want error
	}{
		"a storage proof":   {answer(func(m *types.MsgAnswerChallenge) { m.Proof = &types.StorageProof{} }), types.ErrInvalidAnswer},
		"paths before root": {answer(func(m *types.MsgAnswerChallenge) { m.ComputeRoot, m.ComputePaths = nil, [][]byte{{1}} }), types.ErrInvalidAnswer},
		"no root":           {answer(func(m *types.MsgAnswerChallenge) { m.ComputeRoot = nil }), types.ErrInvalidAnswer},
		"a 31-byte root":    {answer(func(m *types.MsgAnswerChallenge) { m.ComputeRoot = cm.Root[:31] }), types.ErrInvalidAnswer},
		"33 paths":          {answer(func(m *types.MsgAnswerChallenge) { m.ComputePaths = make([][]byte, 33) }), types.ErrInvalidAnswer},
		"another node":      {answer(func(m *types.MsgAnswerChallenge) { m.Operator = other.String() }), sdkerrors.ErrUnauthorized},
		"an unknown id":     {answer(func(m *types.MsgAnswerChallenge) { m.ChallengeId = 99 }), types.ErrUnknownChallenge},
	} {
		t.Run(name, func(t *testing.T) { refuse(tc.msg, tc.want) })
	}

	res, err := f.msg.AnswerChallenge(f.ctx, answer(func(*types.MsgAnswerChallenge) {}))
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_PENDING, res.Status)
	require.Equal(t, compute.Draw(c.Value, f.ctx.HeaderHash(), cm.Root[:], c.Tiles, 3), res.RevealTiles, "drawn from the committing block's hash")
	c = f.challenge(c.Id)
	require.Equal(t, cm.Root[:], c.ComputeRoot)
	require.Equal(t, int64(21), c.CommittedHeight)
	require.Equal(t, int64(21+5), c.DeadlineHeight, "the reveal is due answer_window_blocks after the commit")
	require.Equal(t, res.RevealTiles, c.RevealTiles)
	f.endBlock()

	paths, err := cm.Paths(compute.Reference{}, c.RevealTiles)
	require.NoError(t, err)
	f.blockAt(22, time.Second)
	reveal := func(mut func(*types.MsgAnswerChallenge)) *types.MsgAnswerChallenge {
		m := &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputePaths: paths}
		mut(m)
		return m
	}
	for name, tc := range map[string]struct {
		msg  *types.MsgAnswerChallenge
		want error
	}{
		"the root again":      {reveal(func(m *types.MsgAnswerChallenge) { m.ComputeRoot = cm.Root[:] }), types.ErrInvalidAnswer},
		"a path short":        {reveal(func(m *types.MsgAnswerChallenge) { m.ComputePaths = paths[:2] }), types.ErrInvalidAnswer},
		"a truncated path":    {reveal(func(m *types.MsgAnswerChallenge) { m.ComputePaths = [][]byte{paths[0], paths[1], paths[2][:32]} }), types.ErrInvalidAnswer},
		"a path over 40 hops": {reveal(func(m *types.MsgAnswerChallenge) { m.ComputePaths = [][]byte{paths[0], paths[1], make([]byte, 41*32)} }), types.ErrInvalidAnswer},
	} {
		t.Run(name, func(t *testing.T) { refuse(tc.msg, tc.want) })
	}
	held := f.nodeRole(op, types.NODE_ROLE_WORKER).Held
	res, err = f.msg.AnswerChallenge(f.ctx, reveal(func(*types.MsgAnswerChallenge) {}))
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, res.Status)
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, f.challenge(c.Id).Status)
	nr := f.nodeRole(op, types.NODE_ROLE_WORKER)
	require.True(t, nr.Held.IsZero() && nr.ChallengeId == 0)
	require.True(t, nr.Accrued.GTE(held), "what was held is claimable again")
	f.endBlock()
	has, err := f.k.ChallengeDeadlines.Has(f.ctx, collections.Join(c.DeadlineHeight, c.Id))
	require.NoError(t, err)
	require.False(t, has, "a passed challenge leaves the deadline queue")
}

// A root that comes after commit_seconds of chain time is refused, and the challenge is
// missed at the end of that block: the pair forfeits everything unvested, is disqualified
// and slashed compute_slash_fraction, as for a storage proof (spec section 8).
func TestLateComputeRootMisses(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f, op, c := computeFixture(t, "carol")
	cm := honestCommit(t, c, op)
	f.tick(1, ktAmount)
	f.endBlock()
	for h := int64(21); h <= 23; h++ { // 1, 2, then 3 s of the 3 (a 5-s block counts 1)
		f.blockAt(h, time.Duration(1+4*(h/23))*time.Second)
		f.endBlock()
		require.Equal(t, types.CHALLENGE_STATUS_PENDING, f.challenge(c.Id).Status, "%d s of 3: still open", h-20)
	}
	f.blockAt(24, time.Second)
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: cm.Root[:]})
	require.ErrorIs(t, err, types.ErrChallengeExpired)
	stake := f.params.Roles[0].MinStake.Add(slashFixtureExtra(f))
	f.endBlock()
	got := f.challenge(c.Id)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, got.Status)
	require.True(t, got.Forfeited.IsPositive())
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	slashed := math.LegacyNewDecFromInt(stake).Mul(f.params.Challenge.ComputeSlashFraction).TruncateInt()
	require.Equal(t, stake.Sub(slashed).String(), node.Node.Stake.String())
	require.Empty(t, node.ChallengeStats.RecentMisses, "slashed at once, not counted towards liveness slashes")
	nr := f.nodeRole(op, w)
	require.Equal(t, 2+uint64(types.DefaultDisqualifyDays)-1, nr.DisqualifiedUntil)
	require.Empty(t, nr.Vesting, "everything unvested is forfeited")
	has, err := f.k.ComputeDeadlines.Has(f.ctx, collections.Join(c.CommitDeadlineMs, c.Id))
	require.NoError(t, err)
	require.False(t, has, "a missed root leaves the clock's queue")
}

// A reveal whose tiles are not the committed ones fails the challenge, finally: the root
// and the drawn tiles are fixed, so answering again cannot change the outcome.
func TestWrongComputeRevealFails(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f, op, c := computeFixture(t, "mallory")
	f.tick(1, ktAmount)
	f.endBlock()
	cm := honestCommit(t, c, op)
	// Mallory computes the tiles of another challenge value and commits their root.
	fake := c
	fake.Value = append([]byte{^c.Value[0]}, c.Value[1:]...)
	wrong := honestCommit(t, fake, op)
	f.blockAt(21, time.Second)
	res, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: wrong.Root[:]})
	require.NoError(t, err, "the chain cannot tell a root from its bytes")
	paths, err := wrong.Paths(compute.Reference{}, res.RevealTiles)
	require.NoError(t, err)
	f.endBlock()
	f.blockAt(22, time.Second)
	stake := f.params.Roles[0].MinStake.Add(slashFixtureExtra(f))
	res, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputePaths: paths})
	require.NoError(t, err, "a failed reveal is a resolution, not a refusal")
	require.Equal(t, types.CHALLENGE_STATUS_FAILED, res.Status)
	require.Equal(t, types.CHALLENGE_STATUS_FAILED, f.challenge(c.Id).Status)
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	slashed := math.LegacyNewDecFromInt(stake).Mul(f.params.Challenge.ComputeSlashFraction).TruncateInt()
	require.Equal(t, stake.Sub(slashed).String(), node.Node.Stake.String())
	require.Equal(t, 2+uint64(types.DefaultDisqualifyDays)-1, f.nodeRole(op, w).DisqualifiedUntil)
	var failed bool
	for _, ev := range f.ctx.EventManager().Events() {
		failed = failed || ev.Type == "aegis.por.v1.EventChallengeFailed"
	}
	require.True(t, failed)
	honest, err := cm.Paths(compute.Reference{}, res.RevealTiles)
	require.NoError(t, err)
	_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputePaths: honest})
	require.ErrorIs(t, err, types.ErrChallengeResolved, "a failure is final")
	f.endBlock()
}

// A reveal not sent by its deadline height misses, with the same penalty.
func TestMissedComputeRevealMisses(t *testing.T) {
	f, op, c := computeFixture(t, "dave")
	cm := honestCommit(t, c, op)
	f.blockAt(21, time.Second)
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: cm.Root[:]})
	require.NoError(t, err)
	f.endBlock()
	c = f.challenge(c.Id)
	for h := int64(22); h <= c.DeadlineHeight; h++ {
		f.blockAt(h, time.Second)
		f.endBlock()
	}
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, f.challenge(c.Id).Status)
	f.blockAt(c.DeadlineHeight+1, time.Second)
	paths, err := cm.Paths(compute.Reference{}, c.RevealTiles)
	require.NoError(t, err)
	_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputePaths: paths})
	require.ErrorIs(t, err, types.ErrChallengeResolved)
}

// The chain clock counts each block interval up to max_block_seconds: a halt of ten
// minutes during a commit window costs the window 20 seconds (the cap here), not ten
// minutes, so a node whose root waits in the mempool through the halt is still in time.
func TestClockCapsAHalt(t *testing.T) {
	f, op, c := computeFixtureWindow(t, "frank", 40, 60, 20)
	start := mustClock(t, f).ElapsedMs
	f.blockAt(21, 1200*time.Millisecond)
	require.Equal(t, start+1200, mustClock(t, f).ElapsedMs)
	f.blockAt(22, 10*time.Minute)
	require.Equal(t, start+1200+20_000, mustClock(t, f).ElapsedMs, "a halt counts max_block_seconds")
	f.blockAt(23, -time.Second) // a clock that went back counts nothing
	require.Equal(t, start+21_200, mustClock(t, f).ElapsedMs)

	// The root sent before a halt is taken after it: 5 s + a halt counted as 20 s are inside
	// the 60-s window.
	g, op2, c2 := computeFixtureWindow(t, "gail", 40, 60, 20)
	cm := honestCommit(t, c2, op2)
	g.blockAt(21, 5*time.Second)
	g.endBlock()
	g.blockAt(22, 10*time.Minute)
	_, err := g.msg.AnswerChallenge(g.ctx, &types.MsgAnswerChallenge{Operator: op2.String(), ChallengeId: c2.Id, ComputeRoot: cm.Root[:]})
	require.NoError(t, err)
	g.endBlock()
	_, _ = op, c
}

func computeFixtureWindow(t *testing.T, name string, work, commit, maxBlock uint32) (*fixture, sdk.AccAddress, types.Challenge) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(5)
		gs.Params.Challenge.Compute = testComputeParams()
		gs.Params.Challenge.Compute.WorkSeconds, gs.Params.Challenge.Compute.CommitSeconds = work, commit
		gs.Params.Challenge.Compute.MaxBlockSeconds = maxBlock
		gs.Params.Challenge.ComputeSlashFraction = math.LegacyZeroDec()
	})
	f.ctx = f.ctx.WithBlockHeight(10)
	op := f.register(name, types.NODE_ROLE_WORKER)
	require.NoError(t, f.report(op, types.NODE_ROLE_WORKER, 3, 0, 80))
	f.clock.day = 2
	f.blockAt(20, time.Second)
	cs := f.challenges(op, true)
	require.Len(t, cs, 1)
	require.Equal(t, types.CHALLENGE_KIND_COMPUTE, cs[0].Kind)
	return f, op, cs[0]
}

func mustClock(t *testing.T, f *fixture) types.ChainClock {
	t.Helper()
	c, err := f.k.Clock.Get(f.ctx)
	require.NoError(t, err)
	return c
}

// A pair with both a dataset and compute gets either proof, by the challenge value; one
// whose role does not pay for compute, or that declared none, never gets a compute proof.
func TestComputeOrStorage(t *testing.T) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(40)
		gs.Params.Challenge.Compute = testComputeParams()
		gs.Params.Challenge.ComputeSlashFraction = math.LegacyZeroDec()
	})
	f.ctx = f.ctx.WithBlockHeight(10)
	var ops []sdk.AccAddress
	for i := range 30 {
		op := f.register(string(rune('a'+i%26))+string(rune('a'+i/26)), types.NODE_ROLE_WORKER)
		require.NoError(t, f.storageReport(op, types.NODE_ROLE_WORKER, 150, 100, 80))
		ops = append(ops, op)
	}
	none := f.register("nocompute", types.NODE_ROLE_WORKER)
	require.NoError(t, f.storageReport(none, types.NODE_ROLE_WORKER, 0, 100, 80))
	f.clock.day = 2
	f.blockAt(20, time.Second)
	kinds := map[types.ChallengeKind]int{}
	for _, op := range ops {
		for _, c := range f.challenges(op, true) {
			kinds[c.Kind]++
		}
	}
	require.Equal(t, 30, kinds[types.CHALLENGE_KIND_COMPUTE]+kinds[types.CHALLENGE_KIND_STORAGE])
	require.Positive(t, kinds[types.CHALLENGE_KIND_COMPUTE])
	require.Positive(t, kinds[types.CHALLENGE_KIND_STORAGE])
	for _, c := range f.challenges(none, true) {
		require.Equal(t, types.CHALLENGE_KIND_STORAGE, c.Kind, "no compute declared: no compute proof")
	}
}

// computeGenesisFixture: gina's compute challenge has its root committed and awaits its
// reveal (c), hal's (g) awaits its root.
func computeGenesisFixture(t *testing.T) (f *fixture, g sdk.AccAddress, c types.Challenge) {
	t.Helper()
	f, op, c := computeFixture(t, "gina")
	g = f.register("hal", types.NODE_ROLE_WORKER)
	cm := honestCommit(t, c, op)
	f.blockAt(21, time.Second)
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: cm.Root[:]})
	require.NoError(t, err)
	require.NoError(t, f.report(g, types.NODE_ROLE_WORKER, 150, 0, 80))
	f.clock.day = 3
	f.blockAt(30, time.Second)
	return f, g, c
}

// TestComputeChallengeGenesis: a chain with a compute challenge waiting for its root and
// one waiting for its reveal exports, validates and imports to the same store, queues
// included; mangled compute fields are refused.
func TestComputeChallengeGenesis(t *testing.T) {
	f, g, c := computeGenesisFixture(t)
	require.Len(t, f.challenges(g, true), 1)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.NotZero(t, gs.Clock.ElapsedMs)

	h := newFixture(t, nil)
	require.NoError(t, h.k.InitGenesis(h.ctx, *gs))
	again, err := h.k.ExportGenesis(h.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	for _, k := range []*fixture{f, h} {
		var queued []uint64
		require.NoError(t, k.k.ComputeDeadlines.Walk(k.ctx, nil, func(key collections.Pair[int64, uint64]) (bool, error) {
			queued = append(queued, key.K2())
			return false, nil
		}))
		require.Equal(t, []uint64{f.challenges(g, true)[0].Id}, queued, "only the root still due is on the clock's queue")
	}

	for name, mut := range map[string]func(*types.Challenge){
		"no value":                   func(c *types.Challenge) { c.Value = nil },
		"no tiles":                   func(c *types.Challenge) { c.Tiles = 0 },
		"tiles over 2^40":            func(c *types.Challenge) { c.Tiles = compute.MaxTiles + 1 },
		"compute proofs off":         func(c *types.Challenge) { c.Compute = types.ComputeProofParams{} },
		"commit window over 2× work": func(c *types.Challenge) { c.Compute.CommitSeconds = 2*c.Compute.WorkSeconds + 1 },
		"a short root":               func(c *types.Challenge) { c.ComputeRoot = c.ComputeRoot[:5] },
		"a root, no tiles drawn":     func(c *types.Challenge) { c.RevealTiles = nil },
		"tiles drawn past the work":  func(c *types.Challenge) { c.RevealTiles[2] = c.Tiles },
		"tiles out of order":         func(c *types.Challenge) { c.RevealTiles[0], c.RevealTiles[1] = c.RevealTiles[1], c.RevealTiles[0] },
		"reveal due before commit":   func(c *types.Challenge) { c.DeadlineHeight = c.CommittedHeight - 1 },
		"awaiting root, yet a deadline height": func(c *types.Challenge) {
			c.ComputeRoot, c.RevealTiles, c.CommittedHeight, c.DeadlineHeight = nil, nil, 0, 0
			c.DeadlineHeight = 50
		},
		"root due a day ahead": func(c *types.Challenge) {
			c.ComputeRoot, c.RevealTiles, c.CommittedHeight, c.DeadlineHeight = nil, nil, 0, 0
			c.CommitDeadlineMs += 86_400_000
		},
	} {
		t.Run(name, func(t *testing.T) {
			bad, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			for i := range bad.Challenges {
				if bad.Challenges[i].Id == c.Id {
					mut(&bad.Challenges[i])
				}
			}
			require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
		})
	}
}

// A compute challenge from a genesis that left its window out takes the params' window
// for its reveal, rather than one that closes in the committing block.
func TestComputeRevealWindowFromParams(t *testing.T) {
	f, op, c := computeFixture(t, "ivan")
	c.AnswerWindowBlocks = 0
	require.NoError(t, f.k.Challenges.Set(f.ctx, c.Id, c))
	cm := honestCommit(t, c, op)
	f.blockAt(21, time.Second)
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: cm.Root[:]})
	require.NoError(t, err)
	require.Equal(t, int64(21)+int64(f.params.Challenge.AnswerWindowBlocks), f.challenge(c.Id).DeadlineHeight)
}

// A genesis clock is bounded (adding a window must not overflow), and one whose block time
// lies in the future costs the clock one interval, not the time until then: the next
// block's interval counts from the block before it.
func TestGenesisClock(t *testing.T) {
	gs := types.DefaultGenesis()
	for _, c := range []types.ChainClock{{ElapsedMs: -1}, {BlockTimeMs: -1}, {ElapsedMs: 1<<62 + 1}, {BlockTimeMs: 1<<62 + 1}} {
		gs.Clock = c
		require.ErrorIs(t, gs.Validate(), types.ErrInvalidGenesis, "%+v", c)
	}
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Clock = types.ChainClock{BlockTimeMs: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), ElapsedMs: 5}
	})
	f.blockAt(2, time.Second)
	require.Equal(t, int64(5), mustClock(t, f).ElapsedMs, "a clock that went back counts nothing")
	f.blockAt(3, 2*time.Second)
	require.Equal(t, int64(2005), mustClock(t, f).ElapsedMs, "and runs again from the next block")
}

// A root committed in the last block before a zero-height export is committed at height 0
// of the new chain; a second export rebases it again, so the reveal's window stays whole
// (before, a committed height of 0 was left alone and the next export did not validate).
func TestComputeHeightsRebaseTwice(t *testing.T) {
	f, op, c := computeFixture(t, "jack")
	cm := honestCommit(t, c, op)
	f.blockAt(21, time.Second)
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, ComputeRoot: cm.Root[:]})
	require.NoError(t, err)
	window := f.challenge(c.Id).DeadlineHeight - 21
	for _, last := range []int64{21, 3} {
		require.NoError(t, f.k.RebaseHeights(f.ctx, last))
		got := f.challenge(c.Id)
		require.Equal(t, window, got.DeadlineHeight-got.CommittedHeight, "after rebasing by %d", last)
		gs, err := f.k.ExportGenesis(f.ctx)
		require.NoError(t, err)
		require.NoError(t, gs.Validate(), "after rebasing by %d", last)
	}
	require.Equal(t, int64(-3), f.challenge(c.Id).CommittedHeight)
}

// Compute proof params: the clock's cap is bounded even with compute proofs off, and must
// fit the window's slack when on; with them on the slash fraction must be said.
func TestComputeParamsValidation(t *testing.T) {
	on := types.DefaultChallengeParams()
	require.NoError(t, on.Validate())
	for name, mut := range map[string]func(*types.ChallengeParams){
		"cap over the slack":         func(cp *types.ChallengeParams) { cp.Compute.MaxBlockSeconds = 31 },
		"no cap":                     func(cp *types.ChallengeParams) { cp.Compute.MaxBlockSeconds = 0 },
		"cap over an hour, off":      func(cp *types.ChallengeParams) { cp.Compute = types.ComputeProofParams{MaxBlockSeconds: 3601} },
		"commit over twice the work": func(cp *types.ChallengeParams) { cp.Compute.CommitSeconds = 241 },
		"commit within the work":     func(cp *types.ChallengeParams) { cp.Compute.CommitSeconds = 120 },
		"no samples":                 func(cp *types.ChallengeParams) { cp.Compute.Samples = 0 },
		"33 samples":                 func(cp *types.ChallengeParams) { cp.Compute.Samples = 33 },
		"slash unset while on":       func(cp *types.ChallengeParams) { cp.ComputeSlashFraction = math.LegacyDec{} },
		"slash over 1":               func(cp *types.ChallengeParams) { cp.ComputeSlashFraction = math.LegacyNewDec(2) },
	} {
		cp := types.DefaultChallengeParams()
		mut(&cp)
		require.ErrorIs(t, cp.Validate(), types.ErrInvalidParams, name)
	}
	off := types.DefaultChallengeParams()
	off.Compute, off.ComputeSlashFraction = types.ComputeProofParams{}, math.LegacyDec{}
	require.NoError(t, off.Validate(), "params from before compute proofs: off, no slash")
}
