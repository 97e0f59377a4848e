package keeper_test

import (
	"testing"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/x/por/types"
)

// TestVestingWorkedExample is the worked example of the module README ("Vesting, forfeits
// and disqualification", spec section 8). Alice and bob report eff 300 as workers on days
// 1 to 3, with challenges on (vesting over 14 days, disqualification for 35); every
// report is checked in the first block of the next day. Alice answers every check; bob
// answers the checks of days 1 and 2 and misses that of day 3. Each day's reward is split
// 75% vesting over 14 ticks, 25% claimable at once; bob's miss forfeits his held quarter of
// day 3 and everything still vesting, which day 4's tick pays to alice.
func TestVestingWorkedExample(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(5)
		gs.Params.Challenge.DisqualifyDays = types.DefaultDisqualifyDays
	})
	h := int64(10)
	f.ctx = f.ctx.WithBlockHeight(h)
	alice, bob := f.register("alice", w), f.register("bob", w)
	for day := uint64(1); day <= 3; day++ {
		f.clock.day = day
		require.NoError(t, f.storageReport(alice, w, 150, 100, 80))
		require.NoError(t, f.storageReport(bob, w, 150, 100, 80))
		f.clock.day = day + 1
		h++
		f.beginBlock(h) // day's reports sampled; the day's tick runs in the same block
		f.tick(day, ktAmount)
		f.endBlock()
		ca, cb := f.challenges(alice, true)[0], f.challenges(bob, true)[0]
		h++
		f.beginBlock(h)
		_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: ca.Id, Proof: proof(ca, alice)})
		require.NoError(t, err)
		if day < 3 {
			_, err = f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: bob.String(), ChallengeId: cb.Id, Proof: proof(cb, bob)})
			require.NoError(t, err)
		}
		f.endBlock()
		for h < cb.DeadlineHeight {
			h++
			f.beginBlock(h)
			f.endBlock()
		}
		f.checkInvariants()
	}

	// Each day's reward of one of the two: 300 × (index[d] - index[d-1]).
	var e [4]math.LegacyDec
	prev := math.LegacyZeroDec()
	for d := uint64(1); d <= 3; d++ {
		idx := ktRoleDay(t, f, w, d).Index
		e[d], prev = idx.Sub(prev).MulInt64(300), idx
	}
	want := []string{"", "14130842.499999999999999900", "14130842.499999999999999900", "14130842.499999999999999900"}
	for d := 1; d <= 3; d++ {
		require.Equal(t, want[d], e[d].String(), "day %d's reward", d)
	}
	v := func(d int) math.LegacyDec { vest, _ := quarterAtOnce(e[d]); return vest }
	now := func(d int) math.LegacyDec { _, n := quarterAtOnce(e[d]); return n }
	vested := func(d, ticks int) math.LegacyDec {
		return v(d).MulInt64(int64(ticks)).QuoInt64(types.DefaultVestingDays)
	}

	// After day 3's tick alice can claim the three quarters at once and 2/14 and 1/14 of the
	// tranches of days 1 and 2; the rest vests until the tick of day 17.
	rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: alice.String()})
	require.NoError(t, err)
	aliceClaim := now(1).Add(now(2)).Add(now(3)).Add(vested(1, 2)).Add(vested(2, 1))
	aliceVesting := v(1).Add(v(2)).Add(v(3)).Sub(vested(1, 2)).Sub(vested(2, 1))
	require.Equal(t, aliceClaim.TruncateInt().String(), rew.Total.String())
	require.Equal(t, aliceVesting.TruncateInt().String(), rew.Vesting.String())
	require.Equal(t, uint64(17), rew.Roles[0].VestedBy)
	require.Equal(t, "12869160", rew.Total.String())
	require.Equal(t, "29523367", rew.Vesting.String())

	// Bob's miss forfeited the held quarter of day 3 and every tranche's unvested part.
	var missed types.Challenge
	for _, c := range f.challenges(bob, false) {
		if c.Status == types.CHALLENGE_STATUS_MISSED {
			missed = c
		}
	}
	require.Equal(t, uint64(3), missed.Day)
	lost := now(3).Add(aliceVesting) // bob's tranches are alice's
	require.Equal(t, lost.TruncateInt().String(), missed.Forfeited.String())
	require.Equal(t, "33056077", missed.Forfeited.String())
	bobNR := f.nodeRole(bob, w)
	require.Empty(t, bobNR.Vesting)
	require.Equal(t, 4+uint64(types.DefaultDisqualifyDays)-1, bobNR.DisqualifiedUntil)
	bobClaim := now(1).Add(now(2)).Add(vested(1, 2)).Add(vested(2, 1))
	require.Equal(t, bobClaim.Add(lost).Sub(math.LegacyNewDecFromInt(missed.Forfeited)).String(), bobNR.Accrued.String(),
		"bob keeps what had vested and the fraction below 1 uaegis of what he lost")
	paid, err := f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: bob.String()})
	require.NoError(t, err)
	require.Equal(t, bobClaim.Add(lost).TruncateInt().Sub(missed.Forfeited).String(), paid.Amount.AmountOf(denom).String())
	require.Equal(t, "9336450", paid.Amount.AmountOf(denom).String())

	// Day 4: bob may not report; alice's report of day 3 counts again (report_days 2), and
	// the tick pays her the day's share for one node plus bob's forfeit, a quarter at once.
	f.clock.day = 4
	require.ErrorIs(t, f.storageReport(bob, w, 150, 100, 80), types.ErrRoleDisqualified)
	h++
	f.beginBlock(h)
	f.tick(4, ktAmount)
	f.endBlock()
	rd4 := ktRoleDay(t, f, w, 4)
	require.Equal(t, uint64(1), rd4.Active)
	require.Equal(t, missed.Forfeited.String(), rd4.Forfeited.String())
	e4 := rd4.Index.Sub(ktRoleDay(t, f, w, 3).Index).MulInt64(300)
	require.True(t, math.LegacyNewDecFromInt(rd4.Distributed).Sub(e4).LT(math.LegacyOneDec()), "alice alone earns the day: %s of %s", e4, rd4.Distributed)
	require.Equal(t, "47186919", rd4.Distributed.String(), "14,130,842 + 33,056,077")
	f.checkInvariants()
}

// vestingGenesis is the export of a chain whose workers have vesting tranches: alice and
// bob reported on days 1 and 2 with challenges on; both ticks ran.
func vestingGenesis(t *testing.T) *types.GenesisState {
	t.Helper()
	w := types.NODE_ROLE_WORKER
	f := newChallengeFixture(t, 5)
	alice, bob := f.register("alice", w), f.register("bob", w)
	for day := uint64(1); day <= 2; day++ {
		f.clock.day = day
		require.NoError(t, f.report(alice, w, 150, 0, 80))
		require.NoError(t, f.report(bob, w, 150, 0, 80))
		f.tick(day, ktAmount)
	}
	for _, op := range []string{alice.String(), bob.String()} {
		_, err := f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: op}) // settles: tranches in the state
		require.NoError(t, err)
	}
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	return gs
}

// The tranches and vest_days survive export and import, and a genesis whose vesting a
// settle could not read (or would pay twice) is refused, naming the entry.
func TestGenesisVesting(t *testing.T) {
	gs := vestingGenesis(t)
	require.Len(t, gs.PairPending[0].Pending.Vesting, 2)
	g := newFixture(t, nil)
	require.NoError(t, g.k.InitGenesis(g.ctx, *gs))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs.NodeRoles, again.NodeRoles)
	require.Equal(t, gs.RoleDays, again.RoleDays)

	cases := []struct {
		name   string
		mutate func(*types.GenesisState)
		want   string
	}{
		{"tranche of 0 days", func(gs *types.GenesisState) { gs.PairPending[0].Pending.Vesting[0].Days = 0 }, "days 0 must be in [1, 60]"},
		{"tranche over the cap", func(gs *types.GenesisState) { gs.PairPending[0].Pending.Vesting[0].Days = 61 }, "must be in [1, 60]"},
		{"tranche of a day not settled", func(gs *types.GenesisState) {
			gs.PairPending[0].Pending.Vesting[1].Day = gs.NodeRoles[0].SettledDay + 1
		}, "must be a settled day"},
		{"tranche already vested", func(gs *types.GenesisState) { gs.PairPending[0].Pending.Vesting[0].Days = 1 }, "still vesting after it"},
		{"two tranches of one day", func(gs *types.GenesisState) {
			gs.PairPending[0].Pending.Vesting[1].Day = gs.PairPending[0].Pending.Vesting[0].Day
		}, "one tranche per day"},
		{"negative tranche", func(gs *types.GenesisState) {
			gs.PairPending[0].Pending.Vesting[0].Amount = math.LegacyNewDec(-1)
		}, "amount must be positive"},
		{"vest_days over the cap", func(gs *types.GenesisState) { gs.RoleDays[0].VestDays = 61 }, "vest_days 61 above 60"},
		{"vesting day without its day before", func(gs *types.GenesisState) {
			kept := gs.RoleDays[:0]
			for _, rd := range gs.RoleDays {
				if rd.Day != 1 {
					kept = append(kept, rd)
				}
			}
			gs.RoleDays = kept
		}, "its reward vests, so day 1's receipt must be listed too"},
		{"vesting_days 0", func(gs *types.GenesisState) { gs.Params.Challenge.VestingDays = 0 }, "vesting_days must be in [1, 60]"},
		{"disqualify_days over a year", func(gs *types.GenesisState) { gs.Params.Challenge.DisqualifyDays = 366 }, "disqualify_days must be at most 365"},
		// has_pending marks exactly the pairs pair_pending lists: either way round, a pair
		// would be read without what it has pending, or look for what is not there.
		{"pending listed, has_pending unset", func(gs *types.GenesisState) {
			for i := range gs.NodeRoles {
				gs.NodeRoles[i].HasPending = false
			}
		}, "has_pending is false but pair_pending lists the pair; set has_pending to true"},
		{"has_pending without an entry", func(gs *types.GenesisState) { gs.PairPending = gs.PairPending[1:] },
			"has_pending is true but pair_pending does not list it; set has_pending to false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := vestingGenesis(t)
			tc.mutate(gs)
			err := gs.Validate()
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// A pair's NodeRolePending is stored only while it holds something: a challenge held,
// tranches vesting. Once all is released and vested, the next write deletes it. The pair's
// has_pending follows, so a pair without one is read with no lookup of it.
func TestPendingIsDroppedWhenEmpty(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams(5)
		gs.Params.Challenge.VestingDays = 1
	})
	f.ctx = f.ctx.WithBlockHeight(10)
	alice := f.register("alice", w)
	require.NoError(t, f.report(alice, w, 150, 0, 80)) // counts at the ticks of days 1 and 2
	stored := func() bool {
		has, err := f.k.NodeRolePendings.Has(f.ctx, collections.Join(alice, int32(w)))
		require.NoError(t, err)
		nr, err := f.k.NodeRoles.Get(f.ctx, collections.Join(alice, int32(w)))
		require.NoError(t, err)
		require.Equal(t, has, nr.HasPending, "has_pending says whether an entry is stored")
		return has
	}
	require.False(t, stored(), "a fresh report has nothing pending")
	f.clock.day = 2
	f.beginBlock(20)
	f.tick(1, ktAmount)
	f.endBlock()
	c := f.challenges(alice, true)[0]
	require.True(t, stored(), "the challenge and its held reward")
	_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: alice.String(), ChallengeId: c.Id})
	require.NoError(t, err)
	require.True(t, stored(), "day 1's tranche still vests")
	for day := uint64(2); day <= 3; day++ {
		f.clock.day = day + 1
		f.tick(day, ktAmount)
	}
	_, err = f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: alice.String()})
	require.NoError(t, err)
	require.False(t, stored(), "all vested by day 3's tick: nothing pending, nothing stored")
	f.checkInvariants()
}
