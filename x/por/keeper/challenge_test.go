package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// testChallengeParams: every pair challenged (up to perDay), a 5-block window, a small,
// cheap dataset, and a slash after two misses.
func testChallengeParams(perDay uint32) types.ChallengeParams {
	return types.ChallengeParams{
		ChallengesPerDay: perDay, AnswerWindowBlocks: 5, LeavesPerChallenge: 4, LeafWork: 8,
		LeavesPerStorageUnit: 4, SlashFailures: 2, FailureWindowDays: 10, SlashFraction: math.LegacyNewDecWithPrec(1, 1),
	}
}

func newChallengeFixture(t *testing.T, perDay uint32) *fixture {
	f := newFixture(t, func(gs *types.GenesisState) { gs.Params.Challenge = testChallengeParams(perDay) })
	f.ctx = f.ctx.WithBlockHeight(10).WithHeaderHash([]byte("block-10-hash"))
	return f
}

// storageReport submits a worker report that declares storage s, committing the dataset
// root an honest aegis-node would.
func (f *fixture) storageReport(op sdk.AccAddress, r types.NodeRole, c, s, b uint64) error {
	res := types.Resources{Compute: c, Storage: s, Bandwidth: b}
	cp := f.params.Challenge
	_, tree := types.DatasetTree(op, s*cp.LeavesPerStorageUnit, cp.LeafWork)
	root := tree.Root()
	_, err := f.msg.SubmitReport(f.ctx, &types.MsgSubmitReport{Operator: op.String(), Totals: res,
		Parts: []types.RolePart{{Role: r, Resources: res}}, StorageRoot: root[:]})
	return err
}

// beginBlock moves to a block at height h and runs the por BeginBlocker.
func (f *fixture) beginBlock(h int64) {
	f.t.Helper()
	f.ctx = f.ctx.WithBlockHeight(h).WithHeaderHash([]byte{byte(h), byte(h >> 8), 0xae}).WithEventManager(sdk.NewEventManager())
	require.NoError(f.t, f.k.BeginBlocker(f.ctx))
}

func (f *fixture) endBlock() {
	f.t.Helper()
	require.NoError(f.t, f.k.EndBlocker(f.ctx))
	f.checkInvariants()
}

func (f *fixture) challenges(op sdk.AccAddress, pending bool) []types.Challenge {
	f.t.Helper()
	res, err := f.q.Challenges(f.ctx, &types.QueryChallengesRequest{Operator: op.String(), Pending: pending})
	require.NoError(f.t, err)
	return res.Challenges
}

// proofs is the honest answer to c.
func proofs(c types.Challenge, op sdk.AccAddress) []types.LeafProof {
	leaves, tree := types.DatasetTree(op, c.DatasetLeaves, c.LeafWork)
	out := make([]types.LeafProof, len(c.Leaves))
	for j, i := range c.Leaves {
		out[j] = types.LeafProof{Leaf: append([]byte(nil), leaves[i][:]...), Path: tree.Path(i)}
	}
	return out
}

func (f *fixture) nodeRole(op sdk.AccAddress, r types.NodeRole) types.NodeRoleState {
	f.t.Helper()
	res, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(f.t, err)
	for _, nr := range res.Roles {
		if nr.Role == r {
			return nr
		}
	}
	f.t.Fatalf("%s holds no state in %s", op, r)
	return types.NodeRoleState{}
}

func TestChallengeSamplingIsBoundedAndDeterministic(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	sample := func(hash string, perDay uint32) []types.Challenge {
		f := newChallengeFixture(t, perDay)
		for i := range 10 {
			op := f.register(string(rune('a'+i)), w)
			require.NoError(t, f.storageReport(op, w, 150, 100, 80))
		}
		// Still day 1: nothing is sampled before the day is over.
		f.beginBlock(11)
		_, err := f.q.ChallengeDay(f.ctx, &types.QueryChallengeDayRequest{Day: 1})
		require.Error(t, err)

		f.clock.day = 2
		f.ctx = f.ctx.WithBlockHeight(12).WithHeaderHash([]byte(hash))
		require.NoError(t, f.k.BeginBlocker(f.ctx))
		day, err := f.q.ChallengeDay(f.ctx, &types.QueryChallengeDayRequest{Day: 1})
		require.NoError(t, err)
		require.Equal(t, uint64(10), day.Receipt.Candidates)
		require.Equal(t, uint64(min(perDay, 10)), day.Receipt.Count)
		require.Equal(t, types.ChallengeSeed(1, []byte(hash)), day.Receipt.Seed)

		// A second block of the same day samples nothing more.
		f.beginBlock(13)
		again, err := f.q.ChallengeDay(f.ctx, &types.QueryChallengeDayRequest{Day: 1})
		require.NoError(t, err)
		require.Equal(t, day.Receipt, again.Receipt)
		seen := map[string]bool{}
		for _, c := range day.Challenges {
			require.Equal(t, types.CHALLENGE_STATUS_PENDING, c.Status)
			require.Equal(t, types.CHALLENGE_KIND_STORAGE, c.Kind)
			require.Equal(t, int64(12+5), c.DeadlineHeight)
			require.Len(t, c.Leaves, 4)
			require.False(t, seen[c.Operator], "a pair challenged twice")
			seen[c.Operator] = true
		}
		f.checkInvariants()
		return day.Challenges
	}
	a, b := sample("seed-one", 3), sample("seed-one", 3)
	require.Equal(t, a, b, "the same block hash samples the same pairs and leaves")
	require.Len(t, a, 3, "bounded by challenges_per_day")
	require.NotEqual(t, a, sample("seed-two", 3), "another block hash, another sample")
	require.Len(t, sample("seed-one", 50), 10, "every pair when the bound is above the day's reports")
}

func TestChallengeOffByDefault(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, nil)
	require.False(t, f.params.Challenge.Enabled())
	op := f.register("a", w)
	require.NoError(t, f.report(op, w, 150, 100, 80), "no dataset root needed while challenges are off")
	f.clock.day = 2
	f.beginBlock(2)
	_, err := f.q.ChallengeDay(f.ctx, &types.QueryChallengeDayRequest{Day: 1})
	require.Error(t, err)
	require.Empty(t, f.challenges(op, false))
}

func TestReportDatasetRoot(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	op := f.register("a", w)
	res := types.Resources{Compute: 150, Storage: 100, Bandwidth: 80}
	msg := func(root []byte) *types.MsgSubmitReport {
		return &types.MsgSubmitReport{Operator: op.String(), Totals: res, Parts: []types.RolePart{{Role: w, Resources: res}}, StorageRoot: root}
	}
	_, err := f.msg.SubmitReport(f.ctx, msg(nil))
	require.ErrorIs(t, err, types.ErrNoDatasetRoot)
	_, err = f.msg.SubmitReport(f.ctx, msg(make([]byte, 31)))
	require.ErrorIs(t, err, types.ErrInvalidReport)
	require.Zero(t, f.nodeRole(op, w).FromDay, "a refused report changes nothing")

	require.NoError(t, f.storageReport(op, w, 150, 100, 80))
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	require.Len(t, node.Node.StorageRoot, 32)
	require.Equal(t, uint64(100*4), node.Node.DatasetLeaves)

	// A report declaring no storage needs no root, and is challenged for liveness.
	b := f.register("b", w)
	require.NoError(t, f.report(b, w, 150, 0, 80))
	f.clock.day = 2
	f.beginBlock(20)
	require.Equal(t, types.CHALLENGE_KIND_LIVENESS, f.challenges(b, true)[0].Kind)
	require.Equal(t, types.CHALLENGE_KIND_STORAGE, f.challenges(op, true)[0].Kind)
}

func TestAnswerChallengeVerification(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	alice, bob := f.register("alice", w), f.register("bob", w)
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80))
	require.NoError(t, f.report(bob, w, 150, 0, 80))
	f.clock.day = 2
	f.beginBlock(20)
	c := f.challenges(alice, true)[0]
	live := f.challenges(bob, true)[0]
	good := proofs(c, alice)

	tamper := func(edit func([]types.LeafProof)) []types.LeafProof {
		p := make([]types.LeafProof, len(good))
		for i, g := range good {
			p[i] = types.LeafProof{Leaf: append([]byte(nil), g.Leaf...)}
			for _, h := range g.Path {
				p[i].Path = append(p[i].Path, append([]byte(nil), h...))
			}
		}
		edit(p)
		return p
	}
	cases := []struct {
		name   string
		height int64
		msg    *types.MsgAnswerChallenge
		err    error
	}{
		{"wrong leaf", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: tamper(func(p []types.LeafProof) { p[1].Leaf[0] ^= 1 })}, types.ErrInvalidAnswer},
		{"wrong path", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: tamper(func(p []types.LeafProof) { p[2].Path[0][5] ^= 1 })}, types.ErrInvalidAnswer},
		{"short path", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: tamper(func(p []types.LeafProof) { p[0].Path = p[0].Path[1:] })}, types.ErrInvalidAnswer},
		{"proofs in another order", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: tamper(func(p []types.LeafProof) { p[0], p[3] = p[3], p[0] })}, types.ErrInvalidAnswer},
		{"too few proofs", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: good[:3]}, types.ErrInvalidAnswer},
		{"no proofs for storage", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id}, types.ErrInvalidAnswer},
		{"proofs for liveness", 21, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: live.Id, Proofs: good}, types.ErrInvalidAnswer},
		{"wrong signer", 21, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: c.Id, Proofs: good}, sdkerrors.ErrUnauthorized},
		{"late", 26, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: good}, types.ErrChallengeExpired},
		{"unknown challenge", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: 999, Proofs: good}, types.ErrUnknownChallenge},
		{"no challenge id", 21, &types.MsgAnswerChallenge{Operator: alice.String(), Proofs: good}, types.ErrUnknownChallenge},
		{"bad operator", 21, &types.MsgAnswerChallenge{Operator: "aegis1bad", ChallengeId: c.Id, Proofs: good}, sdkerrors.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			ctx := f.ctx.WithBlockHeight(tc.height)
			_, err = f.msg.AnswerChallenge(ctx, tc.msg)
			require.ErrorIs(t, err, tc.err)
			after, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "a refused answer changes nothing")
		})
	}

	// The honest answers pass, at the deadline height itself; a second answer is refused.
	ctx := f.ctx.WithBlockHeight(c.DeadlineHeight)
	_, err := f.msg.AnswerChallenge(ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: good})
	require.NoError(t, err)
	_, err = f.msg.AnswerChallenge(ctx, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: live.Id})
	require.NoError(t, err)
	_, err = f.msg.AnswerChallenge(ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proofs: good})
	require.ErrorIs(t, err, types.ErrChallengeResolved)

	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: c.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, got.Challenge.Status)
	require.Empty(t, f.challenges(alice, true))
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: alice.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(1), node.Node.ChallengesPassed)
	require.Zero(t, f.nodeRole(alice, w).ChallengeId)
	f.ctx = ctx
	f.endBlock() // the queue no longer holds them: nothing is missed
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, f.challenges(bob, false)[0].Status)
}

// Two equal nodes report; both are challenged; alice answers, bob does not. While
// pending, the day-1 tick's rewards are held. Bob's miss forfeits what he earned on day 1
// to the role's next tick, and his report no longer counts on day 2: alice gets all of it.
func TestMissedChallengeForfeitsToTheRole(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	alice, bob := f.register("alice", w), f.register("bob", w)
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80))
	require.NoError(t, f.storageReport(bob, w, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20)
	ca, cb := f.challenges(alice, true)[0], f.challenges(bob, true)[0]
	f.tick(1, ktAmount) // the day-1 tick runs in the same block as the sampling
	f.endBlock()

	rd1, err := f.q.RoleDay(f.ctx, &types.QueryRoleDayRequest{Role: w, Day: 1})
	require.NoError(t, err)
	half := rd1.RoleDay.Index.MulInt64(300) // eff 300 each
	for _, op := range []sdk.AccAddress{alice, bob} {
		rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: op.String()})
		require.NoError(t, err)
		require.True(t, rew.Total.IsZero(), "day-1 rewards are held while the challenge is pending")
		require.Equal(t, half.TruncateInt().String(), rew.Roles[0].Held.String())
	}
	_, err = f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: bob.String()})
	require.ErrorIs(t, err, types.ErrNoRewards, "held rewards cannot be claimed")

	f.beginBlock(22)
	_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: ca.Id, Proofs: proofs(ca, alice)})
	require.NoError(t, err)
	f.endBlock()
	for h := int64(23); h <= cb.DeadlineHeight; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: cb.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, got.Challenge.Status)
	require.Equal(t, half.TruncateInt().String(), got.Challenge.Forfeited.String())
	require.Equal(t, got.Challenge.Forfeited.String(), ktRoleState(t, f, w).Forfeited.String())
	bobState := f.nodeRole(bob, w)
	require.Zero(t, bobState.ChallengeId)
	require.True(t, bobState.Accrued.LT(math.LegacyOneDec()), "bob keeps only the fraction below 1 uaegis: %s", bobState.Accrued)
	require.Equal(t, uint64(1), bobState.ToDay, "bob's report stops counting after the ticks already run")

	// Day 2's tick pays alice alone: the day's distribution plus bob's forfeit.
	f.clock.day = 3
	f.beginBlock(40)
	f.tick(2, ktAmount)
	f.endBlock()
	rd2, err := f.q.RoleDay(f.ctx, &types.QueryRoleDayRequest{Role: w, Day: 2})
	require.NoError(t, err)
	require.Equal(t, uint64(1), rd2.RoleDay.Active)
	require.Equal(t, got.Challenge.Forfeited.String(), rd2.RoleDay.Forfeited.String())
	require.True(t, ktRoleState(t, f, w).Forfeited.IsZero())
	require.True(t, rd2.RoleDay.Release.IsZero(), "no new slot filled")
	require.Equal(t, rd2.RoleDay.Share.Add(got.Challenge.Forfeited).String(), rd2.RoleDay.Distributed.String(),
		"the day's share for one active node, plus the forfeit")

	// Alice's day-2 report was not made, so her day-1 report counted at both ticks.
	rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: alice.String()})
	require.NoError(t, err)
	want := half.Add(rd2.RoleDay.Index.Sub(rd1.RoleDay.Index).MulInt64(300))
	require.Equal(t, want.TruncateInt().String(), rew.Total.String())
	paid, err := f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: alice.String()})
	require.NoError(t, err)
	require.Equal(t, want.TruncateInt().String(), paid.Amount.AmountOf(denom).String())
	f.checkInvariants()
}

// Two misses within the failure window slash the node's stake by slash_fraction and free
// its slots; one miss alone does not.
func TestRepeatedMissesSlash(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	bob := f.register("bob", w)
	stake := f.params.Roles[0].MinStake
	height := int64(20)
	missDay := func(day uint64) {
		require.NoError(t, f.storageReport(bob, w, 150, 100, 80))
		f.clock.day = day + 1
		f.beginBlock(height)
		f.tick(day, ktAmount)
		f.endBlock()
		for range f.params.Challenge.AnswerWindowBlocks {
			height++
			f.beginBlock(height)
			f.endBlock()
		}
		height++
	}
	missDay(1)
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: bob.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(1), node.Node.ChallengesMissed)
	require.Equal(t, []uint64{1}, node.Node.RecentMisses)
	require.Equal(t, stake.String(), node.Node.Stake.String(), "one miss does not slash")

	missDay(2)
	node, err = f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: bob.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(2), node.Node.ChallengesMissed)
	require.Empty(t, node.Node.RecentMisses, "the slash answers the misses")
	slashed := math.LegacyNewDecFromInt(stake).Mul(f.params.Challenge.SlashFraction).TruncateInt()
	require.Equal(t, stake.Sub(slashed).String(), node.Node.Stake.String())
	require.Empty(t, node.Node.Roles, "a slashed node's roles are deactivated")
	var sawSlash bool
	for _, ev := range f.ctx.EventManager().Events() {
		sawSlash = sawSlash || ev.Type == "aegis.por.v1.EventNodeSlashed"
	}
	require.True(t, sawSlash)
	f.checkInvariants()
}

// Misses further apart than the failure window never add up to a slash.
func TestRecentMissesWindow(t *testing.T) {
	require.Equal(t, []uint64{5, 9}, keeper.RecentMisses([]uint64{1, 5, 9}, 12, 10))
	require.Empty(t, keeper.RecentMisses([]uint64{1}, 11, 10))
	require.Equal(t, []uint64{2}, keeper.RecentMisses([]uint64{2}, 11, 10))
}

// A chain exported with challenges pending and resolved boots from that genesis and
// exports it again unchanged; the pending challenge can still be answered.
func TestChallengeGenesisRoundTrip(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	alice, bob := f.register("alice", w), f.register("bob", w)
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80))
	require.NoError(t, f.storageReport(bob, w, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20)
	f.tick(1, ktAmount)
	ca := f.challenges(alice, true)[0]
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: ca.Id, Proofs: proofs(ca, alice)})
	require.NoError(t, err)
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80)) // day 2's log
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.Challenges, 2)
	require.Equal(t, uint64(1), gs.ReportLog.Count)

	g := newFixture(t, func(dst *types.GenesisState) { *dst = *gs })
	g.bank = f.bank
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	cb := g.challenges(bob, true)[0]
	_, err = g.msg.AnswerChallenge(g.ctx.WithBlockHeight(21), &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: cb.Id, Proofs: proofs(cb, bob)})
	require.NoError(t, err)

	// A node-role pointing at a challenge that is not pending does not validate.
	bad := *gs
	bad.NodeRoles = append([]types.NodeRoleState(nil), gs.NodeRoles...)
	for i := range bad.NodeRoles {
		if bad.NodeRoles[i].ChallengeId == 0 {
			bad.NodeRoles[i].ChallengeId, bad.NodeRoles[i].ChallengeDay = ca.Id, 1
		}
	}
	require.ErrorContains(t, bad.Validate(), "not a pending challenge")
}

// Genesis files that would hang validation or wrap the id sequence are refused quickly.
func TestChallengeGenesisBounds(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.ChallengeDays = []types.ChallengeDay{{Day: 1, Candidates: ^uint64(0), FirstId: 1, Count: ^uint64(0)}}
	require.ErrorContains(t, gs.Validate(), "challenge_days[0]")
	gs = types.DefaultGenesis()
	gs.NextChallengeId = ^uint64(0)
	require.ErrorContains(t, gs.Validate(), "next_challenge_id")
}

// While ticks lag behind the clock (a halt being caught up), the challenged report may
// have become the previous one and not have counted yet: a miss removes it whole, and the
// newer report still counts.
func TestMissWhileTicksLag(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	alice, bob := f.register("alice", w), f.register("bob", w)
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80))
	require.NoError(t, f.storageReport(bob, w, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20) // sampled; the day-1 tick has not run
	ca := f.challenges(alice, true)[0]
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80)) // day 2: day 1's report becomes prev
	require.Equal(t, uint64(1), f.nodeRole(alice, w).Prev.FromDay)
	cb := f.challenges(bob, true)[0]
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: cb.Id, Proofs: proofs(cb, bob)})
	require.NoError(t, err)
	for h := int64(21); h <= ca.DeadlineHeight; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: ca.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, got.Challenge.Status)
	require.True(t, got.Challenge.Forfeited.IsZero(), "nothing earned yet, nothing to forfeit")
	require.Zero(t, f.nodeRole(alice, w).Prev.FromDay, "the missed report will never count")

	f.tick(1, ktAmount)
	f.checkInvariants()
	rd1, err := f.q.RoleDay(f.ctx, &types.QueryRoleDayRequest{Role: w, Day: 1})
	require.NoError(t, err)
	require.Equal(t, uint64(1), rd1.RoleDay.Active, "day 1: bob only")
	f.tick(2, ktAmount)
	f.checkInvariants()
	rd2, err := f.q.RoleDay(f.ctx, &types.QueryRoleDayRequest{Role: w, Day: 2})
	require.NoError(t, err)
	require.Equal(t, uint64(2), rd2.RoleDay.Active, "day 2: bob's day-1 report and alice's day-2 report")
	rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: alice.String()})
	require.NoError(t, err)
	require.Equal(t, rd2.RoleDay.Index.Sub(rd1.RoleDay.Index).MulInt64(300).TruncateInt().String(), rew.Total.String())
}
