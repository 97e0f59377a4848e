package types

import (
	"math/rand"
	"testing"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"
)

// A tranche settled at any sequence of days vests exactly its amount, never more, and
// Unvested plus what moved to Accrued is its amount at every step.
func TestTrancheVestsExactly(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for range 200 {
		amt := math.LegacyNewDecWithPrec(r.Int63(), int64(r.Intn(19)))
		tr := Tranche{Day: uint64(1 + r.Intn(10)), Days: uint32(1 + r.Intn(MaxVestingDays)), Amount: amt}
		nr := Pair{NodeRoleState: NodeRoleState{Accrued: math.LegacyZeroDec(), SettledDay: tr.Day}, NodeRolePending: NodeRolePending{Vesting: []Tranche{tr}}}
		for nr.Vesting != nil {
			from := nr.SettledDay
			nr.SettledDay += uint64(1 + r.Intn(5))
			nr.vest(from, nr.SettledDay)
			require.True(t, nr.Accrued.Add(nr.Unvested()).Equal(amt), "%s + %s != %s", nr.Accrued, nr.Unvested(), amt)
		}
		require.True(t, nr.Accrued.Equal(amt))
		require.GreaterOrEqual(t, nr.SettledDay, tr.VestedBy())
	}
}

// With nothing vesting (challenges off), a segment earns one product over its whole range
// (spec section 4), however many days it spans: the per-day reads change nothing.
func TestEarnWithoutVestingIsOneProduct(t *testing.T) {
	idx := []math.LegacyDec{math.LegacyZeroDec()}
	for d := 1; d <= 100; d++ {
		idx = append(idx, idx[d-1].Add(math.LegacyNewDecWithPrec(int64(1_000_000+d*7919), 3).QuoInt64(7)))
	}
	at := func(_ NodeRole, day uint64) (DayPoint, error) { return DayPoint{Index: idx[day]}, nil }
	seg := Segment{Eff: math.LegacyMustNewDecFromStr("216.5"), FromDay: 3, ToDay: 90}
	claim, tranches, err := seg.Earn(NODE_ROLE_WORKER, 0, 100, at)
	require.NoError(t, err)
	require.Empty(t, tranches)
	require.Equal(t, seg.Eff.Mul(idx[90].Sub(idx[2])).String(), claim.String())

	// The same days with vesting on: the days still vesting are split 75/25, the rest,
	// vested, are one product.
	vestAt := func(_ NodeRole, day uint64) (DayPoint, error) { return DayPoint{Index: idx[day], VestDays: 14}, nil }
	claim, tranches, err = seg.Earn(NODE_ROLE_WORKER, 0, 100, vestAt)
	require.NoError(t, err)
	require.Len(t, tranches, 4, "days 87..90 still vest after day 100's tick")
	total := claim
	for _, tr := range tranches {
		total = total.Add(tr.Amount)
	}
	want := seg.Eff.Mul(idx[86].Sub(idx[2]))
	for d := 87; d <= 90; d++ {
		want = want.Add(seg.Eff.Mul(idx[d].Sub(idx[d-1])))
	}
	require.Equal(t, want.String(), total.String())
}
