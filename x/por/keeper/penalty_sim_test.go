package keeper_test

import (
	"errors"
	"fmt"
	"testing"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// TestPenaltySizing90Days is spec section 8's penalty-sizing check, on the keeper with the
// defaults (vesting over 14 days, disqualification for 35): 60 honest workers and 10 that
// store nothing report every day for 90 days; 10 of the day's reports are checked each
// day (q = 1/7 a pair while everyone reports). An honest pair answers every check; one
// that stores nothing cannot, so each check catches it (d = 1): it forfeits what still
// vests and sits out 35 days, then reports again. Over the 90 days a pair that stores
// nothing must earn at most 10% of what an honest pair earns (earned: paid, claimable and
// still vesting at the end). docs/verification.md gives the arithmetic and this figure.
func TestPenaltySizing90Days(t *testing.T) {
	const honestN, cheatN, days = 60, 10, 90
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, func(gs *types.GenesisState) {
		gs.Params.Challenge = testChallengeParams((honestN + cheatN) / 7)
		gs.Params.Challenge.DisqualifyDays = types.DefaultDisqualifyDays
	})
	h := int64(10)
	f.ctx = f.ctx.WithBlockHeight(h)
	var honest, cheats []sdk.AccAddress
	for i := range honestN {
		honest = append(honest, f.register(fmt.Sprintf("honest-%d", i), w))
	}
	for i := range cheatN {
		cheats = append(cheats, f.register(fmt.Sprintf("cheat-%d", i), w))
	}
	cheater := map[string]bool{}
	for _, op := range cheats {
		cheater[op.String()] = true
	}
	caught := 0
	for day := uint64(1); day <= days; day++ {
		f.clock.day = day
		for _, op := range append(append([]sdk.AccAddress(nil), honest...), cheats...) {
			err := f.storageReport(op, w, 150, 100, 80)
			if cheater[op.String()] && errors.Is(err, types.ErrRoleDisqualified) {
				continue // sits out its disqualification
			}
			require.NoError(t, err, "day %d %s", day, op)
		}
		f.clock.day = day + 1
		h++
		f.beginBlock(h) // the day's reports sampled; its tick in the same block
		f.tick(day, ktAmount)
		f.endBlock()
		h++
		f.beginBlock(h)
		deadline := h
		for _, op := range append(append([]sdk.AccAddress(nil), honest...), cheats...) {
			for _, c := range f.challenges(op, true) {
				deadline = max(deadline, c.DeadlineHeight)
				if cheater[op.String()] {
					caught++
					continue
				}
				_, err := f.msg.AnswerChallenge(f.ctx, &types.MsgAnswerChallenge{Operator: op.String(), ChallengeId: c.Id, Proof: proof(c, op)})
				require.NoError(t, err)
			}
		}
		f.endBlock()
		for h < deadline {
			h++
			f.beginBlock(h)
			f.endBlock()
		}
	}
	f.checkInvariants()

	// What each kind earned: paid by claims (made once, at the end), plus still vesting.
	earned := func(ops []sdk.AccAddress) math.Int {
		sum := math.ZeroInt()
		for _, op := range ops {
			rew, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: op.String()})
			require.NoError(t, err)
			sum = sum.Add(rew.Total).Add(rew.Vesting)
		}
		return sum.QuoRaw(int64(len(ops)))
	}
	h0, c0 := earned(honest), earned(cheats)
	ratio := math.LegacyNewDecFromInt(c0).Quo(math.LegacyNewDecFromInt(h0))
	t.Logf("over %d days: an honest worker earned %s uaegis, one storing nothing %s (%s), caught %d times in all", days, h0, c0, ratio, caught)
	require.True(t, ratio.LTE(math.LegacyNewDecWithPrec(10, 2)), "a pair storing nothing earns %s of an honest pair's reward", ratio)
	require.Positive(t, caught)
}
