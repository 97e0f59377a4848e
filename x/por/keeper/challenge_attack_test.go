package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// The attacks of issue 22 on challenges (items 4 to 6), replayed through the msg server.

// Item 4: challenge params are validated whether or not challenges are on, so a proposal
// cannot turn them off with a 0-block window or proof sizes that prove nothing; a day's
// draws keep the spread they began with, and an open challenge keeps the window and proof
// sizes it was drawn with, whatever the params become. Turning challenges off stops the
// draws; the open challenges still resolve.
func TestChallengesKeepTheParamsTheyWereSampledWith(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 10)
	params := f.params
	params.Challenge.SpreadBlocks = 10
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: params})
	require.NoError(t, err)
	sampled := params.Challenge
	var ops []sdk.AccAddress
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		op := f.register(name, w)
		require.NoError(t, f.storageReport(op, w, 150, 100, 80))
		ops = append(ops, op)
	}
	f.clock.day = 2
	for h := int64(20); h <= 24; h++ { // half the spread: 3 of the 6 drawn
		f.beginBlock(h)
		f.endBlock()
	}
	require.Equal(t, uint64(3), f.challengeDay(1).Receipt.Count)
	early := map[uint64]bool{}
	for _, c := range f.challengeDay(1).Challenges {
		early[c.Id] = true
	}

	off := params
	off.Challenge = types.ChallengeParams{SlashFraction: math.LegacyZeroDec()}
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: off})
	require.ErrorIs(t, err, types.ErrInvalidParams, "zeroed challenge params are refused even with challenges off")

	changed := params
	changed.Challenge.AnswerWindowBlocks, changed.Challenge.SpreadBlocks = 1, 0
	changed.Challenge.Storage.K1, changed.Challenge.Storage.K2, changed.Challenge.Storage.Rechecks = 1, 1, 1
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: changed})
	require.NoError(t, err)

	f.beginBlock(25)
	f.endBlock()
	require.Equal(t, uint64(3), f.challengeDay(1).Receipt.Count, "the day keeps its 10-block spread: no rush of draws")
	for h := int64(26); h <= 29; h++ {
		f.beginBlock(h)
		f.endBlock()
	}
	day := f.challengeDay(1)
	require.Equal(t, uint64(6), day.Receipt.Count, "all drawn by the end of the spread the day began with")
	for _, c := range day.Challenges {
		cp := changed.Challenge
		if early[c.Id] {
			cp = sampled
		}
		window := max(cp.AnswerWindowBlocks, 2*cp.Storage.ScanBlocks(c.Dataset.Labels))
		require.Equal(t, c.OpenHeight+int64(window), c.DeadlineHeight, "challenge %d keeps the window it was drawn with", c.Id)
		require.Equal(t, cp.Storage, c.Storage, "challenge %d keeps the proof sizes it was drawn with", c.Id)
	}

	// Turned off in the middle of another day's spread: no more draws.
	f.clock.day = 3
	for _, op := range ops {
		require.NoError(t, f.storageReport(op, w, 150, 100, 80))
	}
	params.Challenge.SpreadBlocks = 10
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: params})
	require.NoError(t, err)
	f.clock.day = 4
	f.beginBlock(40)
	f.beginBlock(45)
	before := f.challengeDay(3).Receipt.Count
	require.Positive(t, before)
	params.Challenge.ChallengesPerDay = 0
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: params})
	require.NoError(t, err)
	f.beginBlock(46)
	f.beginBlock(50)
	require.Equal(t, before, f.challengeDay(3).Receipt.Count, "challenges off: no more draws")
	_, err = f.k.SamplingDay.Get(f.ctx)
	require.Error(t, err)
}

// Item 5: challenges turned off and on again the same day: the reports made after they are
// on again are sampled the next day.
func TestReenablingChallengesTheSameDaySamplesLaterReports(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 10)
	a, b := f.register("a", w), f.register("b", w)
	require.NoError(t, f.storageReport(a, w, 150, 100, 80))
	on := f.params
	off := on
	off.Challenge.ChallengesPerDay = 0
	for _, p := range []types.Params{off, on} {
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: p})
		require.NoError(t, err)
	}
	require.NoError(t, f.storageReport(b, w, 150, 100, 80))
	f.clock.day = 2
	f.beginBlock(20)
	f.endBlock()
	require.Len(t, f.challenges(b, false), 1, "b reported after challenges were on again: sampled")
	require.Empty(t, f.challenges(a, false), "a's report was logged before they were turned off: dropped")
}

// Item 6: a node facing a miss that will slash it deactivates its role and unbonds all its
// stake before the deadline. As in x/staking, the stake that was bonded when the challenge
// was issued stays slashable for it: the miss slashes the unbonding entry, and the entry
// is not paid out (unbonding_days is 0 here) before the challenge resolves.
func TestUnbondingDoesNotEscapeAMissSlash(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	params := f.params
	params.UnbondingDays = 0
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: params})
	require.NoError(t, err)
	f.params = params
	bob := f.register("bob", w)
	stake := f.params.Roles[0].MinStake
	height := int64(20)
	day := uint64(1)
	openDay := func() {
		require.NoError(t, f.report(bob, w, 150, 0, 80)) // liveness misses count towards the slash
		f.clock.day = day + 1
		f.beginBlock(height)
		f.tick(day, ktAmount)
		f.endBlock()
	}
	closeWindow := func() {
		for range f.params.Challenge.AnswerWindowBlocks {
			height++
			f.beginBlock(height)
			f.endBlock()
		}
		height++
		day++
	}
	openDay()
	closeWindow() // the first miss

	openDay() // the second challenge opens: a miss will slash
	pending := f.challenges(bob, true)
	require.Len(t, pending, 1)
	_, err = f.msg.DeactivateRole(f.ctx, &types.MsgDeactivateRole{Operator: bob.String(), Role: w})
	require.NoError(t, err)
	res, err := f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: bob.String(), Amount: sdk.NewCoin(denom, stake)})
	require.NoError(t, err)
	require.Equal(t, f.ctx.BlockHeight(), res.Entry.CreationHeight)
	before := f.bank.get(bob.String())
	height++
	f.beginBlock(height)
	f.endBlock()
	require.Equal(t, before.String(), f.bank.get(bob.String()).String(), "not paid while the challenge is pending")

	closeWindow() // the second miss slashes, the unbonding entry included
	c, err := f.k.Challenges.Get(f.ctx, pending[0].Id)
	require.NoError(t, err)
	require.Equal(t, types.CHALLENGE_STATUS_MISSED, c.Status)
	slashed := math.LegacyNewDecFromInt(stake).Mul(f.params.Challenge.SlashFraction).TruncateInt()
	list, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, list.Unbonding, 1)
	require.Equal(t, stake.Sub(slashed).String(), list.Unbonding[0].Amount.String(), "the unbonding stake was slashed")
	f.checkInvariants()

	// Resolved, it is paid a day later, less the slash.
	f.ctx = f.ctx.WithBlockTime(list.Unbonding[0].CompletionTime)
	height++
	f.beginBlock(height)
	f.endBlock()
	require.Equal(t, before.Add(stake.Sub(slashed)).String(), f.bank.get(bob.String()).String())
	f.checkInvariants()
}
