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
// cannot turn them off with a 0-block window or 0 leaves; and a scheduled challenge opens
// with the window, leaf count and spread it was sampled with, whatever the params are when
// it opens.
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
	f.beginBlock(20) // samples day 1: six challenges scheduled over 10 blocks
	f.endBlock()

	off := params
	off.Challenge = types.ChallengeParams{SlashFraction: math.LegacyZeroDec()}
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: off})
	require.ErrorIs(t, err, types.ErrInvalidParams, "zeroed challenge params are refused even with challenges off")

	off.Challenge = params.Challenge
	off.Challenge.ChallengesPerDay, off.Challenge.AnswerWindowBlocks, off.Challenge.SpreadBlocks = 0, 1, 0
	off.Challenge.Storage.K1, off.Challenge.Storage.K2, off.Challenge.Storage.Rechecks = 1, 1, 1
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: off})
	require.NoError(t, err)

	f.beginBlock(21) // a tenth of the spread: not all of them at once
	f.endBlock()
	opened := 0
	for h := int64(21); h <= 30; h++ {
		if h > 21 {
			f.beginBlock(h)
			f.endBlock()
		}
		n := 0
		for _, op := range ops {
			for _, c := range f.challenges(op, false) {
				if c.Status == types.CHALLENGE_STATUS_SCHEDULED {
					continue
				}
				n++
				require.Equal(t, c.OpenHeight+int64(sampled.AnswerWindowBlocks), c.DeadlineHeight, "challenge %d keeps its window", c.Id)
				require.Equal(t, sampled.Storage, c.Storage, "challenge %d keeps its proof sizes", c.Id)
			}
		}
		if h == 21 {
			require.Less(t, n, len(ops), "the spread is kept: not every challenge opens in the next block")
		}
		opened = n
	}
	require.Equal(t, len(ops), opened, "all open by the end of the spread they were sampled with")
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
