package keeper_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/testutil/posttest"
	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

// testChallengeParams: every pair challenged (up to perDay), a 5-block window, small
// datasets of the cheapest labels (128 a storage unit), a slash after two liveness misses,
// the default vesting, and neither slash nor disqualification for a storage proof
// (TestFailedStorageProof turns those on).
func testChallengeParams(perDay uint32) types.ChallengeParams {
	return types.ChallengeParams{
		ChallengesPerDay: perDay, AnswerWindowBlocks: 5, SlashFailures: 2, FailureWindowDays: 10,
		SlashFraction: math.LegacyNewDecWithPrec(1, 1), StorageSlashFraction: math.LegacyZeroDec(),
		Storage: posttest.Params(), VestingDays: types.DefaultVestingDays,
	}
}

func newChallengeFixture(t *testing.T, perDay uint32) *fixture {
	f := newFixture(t, func(gs *types.GenesisState) { gs.Params.Challenge = testChallengeParams(perDay) })
	f.ctx = f.ctx.WithBlockHeight(10).WithHeaderHash([]byte("block-10-hash"))
	return f
}

// storageReport submits a single-role report that declares storage s, committing its
// dataset of nonce 0.
func (f *fixture) storageReport(op sdk.AccAddress, r types.NodeRole, c, s, b uint64) error {
	return f.report(op, r, c, s, b)
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

// proof is the honest answer to c: a scan of op's dataset (derived once, in posttest's cache).
func proof(c types.Challenge, op sdk.AccAddress) *types.StorageProof {
	p, ok := posttest.Scan(c, posttest.Labels(op, c.Role, c.Dataset))
	if !ok {
		panic("no nonce reaches k2 in an honest dataset: choose other test params")
	}
	return p
}

// nodeRole is op's state in r with what it has pending.
func (f *fixture) nodeRole(op sdk.AccAddress, r types.NodeRole) types.Pair {
	f.t.Helper()
	p, err := f.k.PairState(f.ctx, op, r)
	require.NoError(f.t, err, "%s holds no state in %s", op, r)
	return p
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
			require.Len(t, c.Value, 32)
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

func TestReportCommitsDatasets(t *testing.T) {
	w, da := types.NODE_ROLE_WORKER, types.NODE_ROLE_DA
	f := newChallengeFixture(t, 5)
	op := f.register("a", w, da)
	totals := types.Resources{Compute: 300, Storage: 100, Bandwidth: 160}
	_, err := f.msg.SubmitReport(f.ctx, &types.MsgSubmitReport{Operator: op.String(), Totals: totals, DatasetNonce: 7, Parts: []types.RolePart{
		{Role: w, Resources: types.Resources{Compute: 150, Storage: 30, Bandwidth: 80}},
		{Role: da, Resources: types.Resources{Compute: 150, Storage: 70, Bandwidth: 80}},
	}})
	require.NoError(t, err)
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	require.Equal(t, []types.RoleDataset{
		{Role: w, Dataset: types.Dataset{Nonce: 7, Labels: 30 * 128, LabelScryptN: 2, Day: 1}},
		{Role: da, Dataset: types.Dataset{Nonce: 7, Labels: 70 * 128, LabelScryptN: 2, Day: 1}},
	}, node.Datasets, "each role part commits its own dataset, sized to its own storage")

	// A report declaring no storage commits no dataset, and is challenged for liveness.
	b := f.register("b", w)
	require.NoError(t, f.report(b, w, 150, 0, 80))
	node, err = f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: b.String()})
	require.NoError(t, err)
	require.Empty(t, node.Datasets)
	f.clock.day = 2
	f.beginBlock(20)
	require.Equal(t, types.CHALLENGE_KIND_LIVENESS, f.challenges(b, true)[0].Kind)
	for _, c := range f.challenges(op, true) {
		require.Equal(t, types.CHALLENGE_KIND_STORAGE, c.Kind)
		require.Equal(t, uint64(7), c.Dataset.Nonce)
		require.Equal(t, f.params.Challenge.Storage, c.Storage)
		require.Len(t, c.Value, 32)
	}
}

func TestAnswerChallengeVerification(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	alice, bob, carol := f.register("alice", w), f.register("bob", w), f.register("carol", w)
	require.NoError(t, f.storageReport(alice, w, 150, 100, 80))
	require.NoError(t, f.report(bob, w, 150, 0, 80))
	require.NoError(t, f.storageReport(carol, w, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20)
	c := f.challenges(alice, true)[0]
	live := f.challenges(bob, true)[0]
	cc := f.challenges(carol, true)[0]
	good := proof(c, alice)
	n := c.Dataset.Labels

	edit := func(change func(p *types.StorageProof)) *types.StorageProof {
		p := &types.StorageProof{Nonce: good.Nonce, Indexes: append([]byte(nil), good.Indexes...)}
		change(p)
		return p
	}
	indexes := func(idx ...uint64) *types.StorageProof {
		return &types.StorageProof{Nonce: good.Nonce, Indexes: post.EncodeIndexes(idx, n)}
	}
	// Honest proofs that answer something else: carol's dataset (same role, same size),
	// alice's dataset under another nonce, and alice's dataset for carol's challenge.
	otherOperator, _ := posttest.Scan(c, posttest.Labels(carol, w, c.Dataset))
	otherNonce := c
	otherNonce.Dataset.Nonce++
	wrongNonce, _ := posttest.Scan(c, posttest.Labels(alice, w, otherNonce.Dataset))
	otherChallenge := c
	otherChallenge.Value = cc.Value
	wrongChallenge, _ := posttest.Scan(otherChallenge, posttest.Labels(alice, w, c.Dataset))
	require.NotNil(t, otherOperator)
	require.NotNil(t, wrongNonce)
	require.NotNil(t, wrongChallenge)
	answer := func(p *types.StorageProof) *types.MsgAnswerChallenge {
		return &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id, Proof: p}
	}
	cases := []struct {
		name   string
		height int64
		msg    *types.MsgAnswerChallenge
		err    error
	}{
		{"labels of another operator", 21, answer(otherOperator), types.ErrInvalidAnswer},
		{"the dataset of another nonce", 21, answer(wrongNonce), types.ErrInvalidAnswer},
		{"a proof for another challenge", 21, answer(wrongChallenge), types.ErrInvalidAnswer},
		{"wrong index: one past the dataset", 21, answer(indexes(1, 2, 3, 4, 5, 6, 7, n)), types.ErrInvalidAnswer},
		{"wrong index: not increasing", 21, answer(indexes(1, 2, 3, 4, 5, 6, 8, 7)), types.ErrInvalidAnswer},
		{"wrong index: indexes that do not pass", 21, answer(indexes(1, 2, 3, 4, 5, 6, 7, 8)), types.ErrInvalidAnswer},
		{"too few indexes", 21, answer(edit(func(p *types.StorageProof) { p.Indexes = p.Indexes[:len(p.Indexes)-2] })), types.ErrInvalidAnswer},
		{"too many nonces", 21, answer(edit(func(p *types.StorageProof) { p.Nonce = f.params.Challenge.Storage.Nonces })), types.ErrInvalidAnswer},
		{"a proof over 512 bytes", 21, answer(&types.StorageProof{Indexes: make([]byte, 513)}), types.ErrInvalidAnswer},
		{"no proof for storage", 21, answer(nil), types.ErrInvalidAnswer},
		{"a proof for liveness", 21, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: live.Id, Proof: good}, types.ErrInvalidAnswer},
		{"wrong signer", 21, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: c.Id, Proof: good}, sdkerrors.ErrUnauthorized},
		{"late", 26, answer(good), types.ErrChallengeExpired},
		{"unknown challenge", 21, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: 999, Proof: good}, types.ErrUnknownChallenge},
		{"no challenge id", 21, &types.MsgAnswerChallenge{Operator: alice.String(), Proof: good}, types.ErrUnknownChallenge},
		{"bad operator", 21, &types.MsgAnswerChallenge{Operator: "aegis1bad", ChallengeId: c.Id, Proof: good}, sdkerrors.ErrInvalidAddress},
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
	res, err := f.msg.AnswerChallenge(ctx, answer(good))
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, res.Status)
	_, err = f.msg.AnswerChallenge(ctx, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: live.Id})
	require.NoError(t, err)
	_, err = f.msg.AnswerChallenge(ctx, answer(good))
	require.ErrorIs(t, err, types.ErrChallengeResolved)

	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: c.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, got.Challenge.Status)
	require.Empty(t, f.challenges(alice, true))
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: alice.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(1), node.ChallengeStats.Passed)
	require.Zero(t, f.nodeRole(alice, w).ChallengeId)
	f.ctx = ctx
	f.endBlock() // the queue no longer holds them: nothing is missed
	require.Equal(t, types.CHALLENGE_STATUS_PASSED, f.challenges(bob, false)[0].Status)
}

// storageSlashFixture: a worker named name reported storage on day 1, with a 5% storage
// slash; the first block of day 2 (height 20) has drawn its storage challenge.
func storageSlashFixture(t *testing.T, name string) (*fixture, sdk.AccAddress) {
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(5)
		gs.Params.Challenge.StorageSlashFraction = math.LegacyNewDecWithPrec(5, 2)
		gs.Params.Challenge.DisqualifyDays = types.DefaultDisqualifyDays
	})
	f.ctx = f.ctx.WithBlockHeight(10)
	op := f.register(name, types.NODE_ROLE_WORKER)
	// A tenth over the minimum: what a 5% slash leaves still covers the slot.
	_, err := f.msg.AddStake(f.ctx, &types.MsgAddStake{Operator: op.String(), Amount: sdk.NewCoin(denom, slashFixtureExtra(f))})
	require.NoError(t, err)
	require.NoError(t, f.storageReport(op, types.NODE_ROLE_WORKER, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20)
	return f, op
}

func slashFixtureExtra(f *fixture) math.Int { return f.params.Roles[0].MinStake.QuoRaw(10) }

// A proof padded with indexes the node does not hold fails once the chain's rechecks,
// drawn from the hash of the block that includes it, hit one: the report's held reward is
// forfeited and storage_slash_fraction of the stake slashed. The same proof in a block
// whose draw misses the padding would pass; a failure is final, so a cheater cannot
// resubmit until it does.
func TestFailedStorageProof(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f, mallory := storageSlashFixture(t, "mallory")
	f.tick(1, ktAmount)
	f.endBlock()
	c := f.challenges(mallory, true)[0]
	rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: mallory.String()})
	require.NoError(t, err)
	held := rew.Roles[0].Held
	require.True(t, held.IsPositive(), "the day-1 reward is held while the challenge is pending")

	// Half the proof's indexes are replaced by indexes whose labels do not pass.
	honest := proof(c, mallory)
	n := c.Dataset.Labels
	idx, err := post.DecodeIndexes(honest.Indexes, n, c.Storage.K2)
	require.NoError(t, err)
	labels := posttest.Labels(mallory, w, c.Dataset)
	scorer := post.NewScorer(c.Value, c.Storage.Nonces, n, c.Storage.K1)
	padded := map[uint64]bool{}
	for _, i := range idx[:len(idx)/2] {
		padded[i] = true
	}
	for i := uint64(0); len(padded) < len(idx); i++ {
		if !scorer.Passes(honest.Nonce, i, labels[i][:]) {
			padded[i] = true
		}
	}
	fake := make([]uint64, 0, len(idx))
	for i := range padded {
		fake = append(fake, i)
	}
	slices.Sort(fake)
	cheat := &types.StorageProof{Nonce: honest.Nonce, Indexes: post.EncodeIndexes(fake, n)}

	// Find a block whose draw rechecks a padded index and a real one.
	var ctx sdk.Context
	for h := byte(0); ; h++ {
		hash := []byte{h, 0xbe}
		pos := post.RecheckPositions(c.Value, hash, cheat.Nonce, cheat.Indexes, c.Storage.K2, c.Storage.Rechecks)
		seed := post.Seed(mallory, int32(w), 0)
		p := c.Storage.Post()
		p.ScryptN = c.Dataset.LabelScryptN
		bad := post.Recheck(seed[:], c.Value, p, n, post.Proof{Nonce: cheat.Nonce, Indexes: fake}, pos)
		if bad > 0 && bad < len(pos) {
			ctx = f.ctx.WithBlockHeight(21).WithHeaderHash(hash).WithEventManager(sdk.NewEventManager())
			break
		}
	}
	stake := f.params.Roles[0].MinStake.Add(slashFixtureExtra(f))
	day1 := f.nodeRole(mallory, w).Eff.Mul(ktRoleDay(t, f, w, 1).Index) // mallory alone in the role
	res, err := f.msg.AnswerChallenge(ctx, &types.MsgAnswerChallenge{Operator: mallory.String(), ChallengeId: c.Id, Proof: cheat})
	require.NoError(t, err, "a failed proof is a resolution, not a refusal")
	require.Equal(t, types.CHALLENGE_STATUS_FAILED, res.Status)
	f.ctx = ctx
	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: c.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_FAILED, got.Challenge.Status)
	require.Equal(t, day1.TruncateInt().String(), got.Challenge.Forfeited.String(), "the held quarter and the vesting three quarters of day 1 are forfeited")
	require.Equal(t, got.Challenge.Forfeited.String(), ktRoleState(t, f, w).Forfeited.String())
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: mallory.String()})
	require.NoError(t, err)
	slashed := math.LegacyNewDecFromInt(stake).Mul(f.params.Challenge.StorageSlashFraction).TruncateInt()
	require.Equal(t, stake.Sub(slashed).String(), node.Node.Stake.String())
	require.Equal(t, uint64(1), node.ChallengeStats.Missed)
	require.Equal(t, []types.NodeRole{w}, node.Node.Roles, "a disqualified pair keeps its slot")
	nr := f.nodeRole(mallory, w)
	require.Empty(t, nr.Vesting)
	require.True(t, nr.Accrued.LT(math.LegacyOneDec()), "only the fraction below 1 uaegis stays: %s", nr.Accrued)
	until := 2 + uint64(types.DefaultDisqualifyDays) - 1
	require.Equal(t, until, nr.DisqualifiedUntil)
	require.Equal(t, uint64(1), nr.ToDay, "its report stops counting after the ticks already run")
	var failed, slashedEv, disq bool
	for _, ev := range f.ctx.EventManager().Events() {
		failed = failed || ev.Type == "aegis.por.v1.EventChallengeFailed"
		slashedEv = slashedEv || ev.Type == "aegis.por.v1.EventNodeSlashed"
		disq = disq || ev.Type == "aegis.por.v1.EventRoleDisqualified"
	}
	require.True(t, failed && slashedEv && disq)
	_, err = f.msg.AnswerChallenge(ctx, &types.MsgAnswerChallenge{Operator: mallory.String(), ChallengeId: c.Id, Proof: honest})
	require.ErrorIs(t, err, types.ErrChallengeResolved, "a failure is final")
	f.endBlock()

	// Disqualified: no report in the role through day 31, and one is accepted on day 32.
	for _, day := range []uint64{2, until} {
		f.clock.day = day
		err := f.storageReport(mallory, w, 150, 100, 80)
		require.ErrorIs(t, err, types.ErrRoleDisqualified, "day %d", day)
		require.Equal(t, nr, f.nodeRole(mallory, w), "a refused report changes nothing")
	}
	f.clock.day = until + 1
	require.NoError(t, f.storageReport(mallory, w, 150, 100, 80))
	f.checkInvariants()
}

// A storage proof not sent in time is slashed storage_slash_fraction at once, without
// waiting for slash_failures misses.
func TestMissedStorageProofSlashes(t *testing.T) {
	f, bob := storageSlashFixture(t, "bob")
	c := f.challenges(bob, true)[0]
	for h := int64(21); h <= c.DeadlineHeight; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: c.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, got.Challenge.Status)
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: bob.String()})
	require.NoError(t, err)
	stake := f.params.Roles[0].MinStake.Add(slashFixtureExtra(f))
	slashed := math.LegacyNewDecFromInt(stake).Mul(f.params.Challenge.StorageSlashFraction).TruncateInt()
	require.Equal(t, stake.Sub(slashed).String(), node.Node.Stake.String())
	require.Empty(t, node.ChallengeStats.RecentMisses, "a storage miss is slashed at once, not counted towards liveness slashes")
	require.Equal(t, 2+uint64(types.DefaultDisqualifyDays)-1, f.nodeRole(bob, types.NODE_ROLE_WORKER).DisqualifiedUntil, "and disqualifies the pair")
	require.Len(t, node.Node.Roles, 1, "which keeps its slot")
	f.checkInvariants()
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
	vest1, now1 := quarterAtOnce(half)
	for _, op := range []sdk.AccAddress{alice, bob} {
		rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: op.String()})
		require.NoError(t, err)
		require.True(t, rew.Total.IsZero(), "day-1 rewards are held or vesting while the challenge is pending")
		require.Equal(t, now1.TruncateInt().String(), rew.Roles[0].Held.String(), "the quarter claimable at once is held")
		require.Equal(t, vest1.TruncateInt().String(), rew.Roles[0].Vesting.String(), "three quarters vest")
		require.Equal(t, uint64(1+types.DefaultVestingDays), rew.Roles[0].VestedBy)
	}
	_, err = f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: bob.String()})
	require.ErrorIs(t, err, types.ErrNoRewards, "held rewards cannot be claimed")

	f.beginBlock(22)
	_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: ca.Id, Proof: proof(ca, alice)})
	require.NoError(t, err)
	f.endBlock()
	for h := int64(23); h <= cb.DeadlineHeight; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	got, err := f.q.Challenge(f.ctx, &types.QueryChallengeRequest{Id: cb.Id})
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, got.Challenge.Status)
	require.Equal(t, half.TruncateInt().String(), got.Challenge.Forfeited.String(), "a missed storage proof forfeits the held quarter and all that vests")
	require.Equal(t, got.Challenge.Forfeited.String(), ktRoleState(t, f, w).Forfeited.String())
	bobState := f.nodeRole(bob, w)
	require.Zero(t, bobState.ChallengeId)
	require.Empty(t, bobState.Vesting)
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

	// Alice's day-2 report was not made, so her day-1 report counted at both ticks: a
	// quarter of each day's reward is claimable, and 1/14 of day 1's vesting part vested.
	rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: alice.String()})
	require.NoError(t, err)
	vest2, now2 := quarterAtOnce(rd2.RoleDay.Index.Sub(rd1.RoleDay.Index).MulInt64(300))
	vested := vest1.QuoInt64(types.DefaultVestingDays)
	want := now1.Add(vested).Add(now2)
	require.Equal(t, want.TruncateInt().String(), rew.Total.String())
	require.Equal(t, vest1.Sub(vested).Add(vest2).TruncateInt().String(), rew.Vesting.String())
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
		require.NoError(t, f.report(bob, w, 150, 0, 80)) // liveness: storage misses slash at once
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
	require.Equal(t, uint64(1), node.ChallengeStats.Missed)
	require.Equal(t, []uint64{1}, node.ChallengeStats.RecentMisses)
	require.Equal(t, stake.String(), node.Node.Stake.String(), "one miss does not slash")

	missDay(2)
	node, err = f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: bob.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(2), node.ChallengeStats.Missed)
	require.Empty(t, node.ChallengeStats.RecentMisses, "the slash answers the misses")
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
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: ca.Id, Proof: proof(ca, alice)})
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
	_, err = g.msg.AnswerChallenge(g.ctx.WithBlockHeight(21), &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: cb.Id, Proof: proof(cb, bob)})
	require.NoError(t, err)

	// A node-role pointing at a challenge that is not pending does not validate.
	bad := *gs
	bad.PairPending = append([]types.PairPending(nil), gs.PairPending...)
	listed := map[string]bool{}
	for i := range bad.PairPending {
		listed[bad.PairPending[i].Operator+bad.PairPending[i].Role.String()] = true
		if p := &bad.PairPending[i].Pending; p.ChallengeId == 0 {
			p.ChallengeId, p.ChallengeDay = ca.Id, 1
		}
	}
	bad.NodeRoles = append([]types.NodeRoleState(nil), gs.NodeRoles...)
	for i, nr := range gs.NodeRoles {
		if !listed[nr.Operator+nr.Role.String()] {
			bad.PairPending = append(bad.PairPending, types.PairPending{Operator: nr.Operator, Role: nr.Role,
				Pending: types.NodeRolePending{ChallengeId: ca.Id, ChallengeDay: 1}})
			bad.NodeRoles[i].HasPending = true
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
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: cb.Id, Proof: proof(cb, bob)})
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
	vest2, now2 := quarterAtOnce(rd2.RoleDay.Index.Sub(rd1.RoleDay.Index).MulInt64(300))
	require.Equal(t, now2.TruncateInt().String(), rew.Total.String(), "a quarter of day 2's reward at once")
	require.Equal(t, vest2.TruncateInt().String(), rew.Vesting.String())
}

// A storage challenge's window leaves the scan of the whole dataset at most half of it: a
// large dataset gets twice its scan blocks, a small one answer_window_blocks.
func TestStorageWindowFitsTheScan(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(5)
		gs.Params.Challenge.Storage.LabelsPerStorageUnit = 1 << 20 // 16 MiB of labels a unit
	})
	f.ctx = f.ctx.WithBlockHeight(10)
	big, small := f.register("big", w), f.register("small", w)
	require.NoError(t, f.storageReport(big, w, 150, 100, 80)) // 1,600 MiB: 1,600 blocks of 1 MiB
	require.NoError(t, f.report(small, w, 150, 0, 80))
	f.clock.day = 2
	f.beginBlock(20)
	cb := f.challenges(big, true)[0]
	require.Equal(t, types.CHALLENGE_KIND_STORAGE, cb.Kind)
	require.Equal(t, uint64(3200), cb.AnswerWindowBlocks)
	require.Equal(t, int64(20+3200), cb.DeadlineHeight)
	require.Equal(t, int64(20+5), f.challenges(small, true)[0].DeadlineHeight)
	require.Equal(t, uint64(1), types.StorageProofParams{ScanBytesPerBlock: 1 << 20}.ScanBlocks(1))
	require.Equal(t, uint64(2), types.StorageProofParams{ScanBytesPerBlock: 1 << 20}.ScanBlocks(1<<16+1))
}

// quarterAtOnce splits a day's reward e as spec section 8 does while challenges are on:
// 75% vests, the rest is claimable at once.
func quarterAtOnce(e math.LegacyDec) (vesting, now math.LegacyDec) {
	v := e.MulInt64(3).QuoInt64(4)
	return v, e.Sub(v)
}
