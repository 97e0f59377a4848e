package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/por/types"
)

// ktExported is the genesis of ktBase's chain (two ticks, reports, an inactive role, an
// unbonding entry), a fresh copy per call.
func ktExported(t *testing.T) *types.GenesisState {
	t.Helper()
	f := ktBase(t, nil)
	bob := f.operator("bob")
	_, err := f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: bob.String(), Amount: ktUaegis(1)})
	require.Error(t, err, "bob's stake is exactly what its roles need")
	_, err = f.msg.AddStake(f.ctx, &types.MsgAddStake{Operator: bob.String(), Amount: ktUaegis(5000)})
	require.NoError(t, err)
	_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: bob.String(), Amount: ktUaegis(3000)})
	require.NoError(t, err)
	_, err = f.msg.DeactivateRole(f.ctx, &types.MsgDeactivateRole{Operator: f.operator("idle").String(), Role: types.NODE_ROLE_DELEGATE})
	require.NoError(t, err)
	require.NoError(t, f.report(f.operator("alice"), types.NODE_ROLE_WORKER, 130, 80, 60))
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	return gs
}

// TestGenesisValidateRefusesWhatWouldHalt: each genesis below passed ValidateGenesis
// before issue #10 and broke the chain once booted (item 4). Each now fails with a
// message that names the entry and the fix.
func TestGenesisValidateRefusesWhatWouldHalt(t *testing.T) {
	w, da := types.NODE_ROLE_WORKER, types.NODE_ROLE_DA
	nodeIdx := func(gs *types.GenesisState, moniker string) int {
		for i, n := range gs.Nodes {
			if n.Moniker == moniker {
				return i
			}
		}
		t.Fatalf("no node %s", moniker)
		return -1
	}
	cases := []struct {
		name   string
		mutate func(*types.GenesisState)
		want   []string
	}{
		{"unbonding operator not an address (halted when it matured)", func(gs *types.GenesisState) {
			gs.Unbonding[0].Operator = "aegis1notanaddress"
		}, []string{"unbonding[0]", "is not an account address", "fix the address"}},
		{"node lists a role twice (slot counts broken)", func(gs *types.GenesisState) {
			i := nodeIdx(gs, "bob")
			gs.Nodes[i].Roles = []types.NodeRole{w, w, da}
			gs.Roles[0].SlotsHeld++
		}, []string{"nodes[", "WORKER,WORKER,DA", "list each role once"}},
		{"node holds a slot with no node-role state (never reports, slash fails)", func(gs *types.GenesisState) {
			i := nodeIdx(gs, "alice")
			gs.Nodes[i].Roles = []types.NodeRole{w, da}
			gs.Roles[2].SlotsHeld++
		}, []string{"holds a DA slot but has no node_roles entry", "add an active one or drop the role"}},
		{"operator does not parse (InitGenesis failed)", func(gs *types.GenesisState) {
			i := nodeIdx(gs, "alice")
			gs.Nodes[i].Operator = "alice"
		}, []string{"nodes[", `operator "alice" is not an account address`}},
		{"withdraw address does not parse (claims failed)", func(gs *types.GenesisState) {
			gs.Nodes[nodeIdx(gs, "alice")].WithdrawAddress = "nowhere"
		}, []string{`withdraw_address "nowhere"`, "set it to the operator"}},
		{"a delta no report accounts for (count -1 wraps to 2^64-1)", func(gs *types.GenesisState) {
			gs.Deltas = append(gs.Deltas, types.GenesisRoleDelta{Role: da, Day: gs.LastTickDay + 5, Delta: types.RoleDelta{Eff: math.LegacyNewDec(-300), Count: -1}})
		}, []string{"deltas (DA, day 7)", "no report starts or ends there; remove it"}},
		{"phantom eff in the running sum", func(gs *types.GenesisState) {
			gs.Roles[0].EffSum = gs.Roles[0].EffSum.Add(math.LegacyNewDec(300))
			gs.Roles[0].Count++
		}, []string{"roles[0] WORKER: eff_sum", "fix eff_sum, count or that delta"}},
		{"slots_held disagrees with the nodes", func(gs *types.GenesisState) { gs.Roles[2].SlotsHeld = 0 }, []string{"set slots_held to 1"}},
		{"a delta for a day already ticked", func(gs *types.GenesisState) {
			gs.Deltas = append(gs.Deltas, types.GenesisRoleDelta{Role: w, Day: 1, Delta: types.RoleDelta{Eff: math.LegacyOneDec(), Count: 1}})
		}, []string{"day 1 is already ticked", "remove it"}},
		{"inactive role still counting", func(gs *types.GenesisState) {
			for i, nr := range gs.NodeRoles {
				if !nr.Active {
					gs.NodeRoles[i].Eff, gs.NodeRoles[i].FromDay, gs.NodeRoles[i].ToDay = math.LegacyNewDec(300), gs.LastTickDay+1, gs.LastTickDay+2
					return
				}
			}
			t.Fatal("no inactive node role")
		}, []string{"inactive, but its report counts until day 4"}},
		{"index history missing the last tick", func(gs *types.GenesisState) {
			gs.RoleDays = gs.RoleDays[:len(gs.RoleDays)-1]
		}, []string{"must equal the role_days receipt of the last tick"}},
		{"duplicate unbonding id", func(gs *types.GenesisState) {
			gs.SetAside = append(gs.SetAside, gs.Unbonding[0])
		}, []string{"set_aside[0]", "used twice"}},
		{"settled after the last tick", func(gs *types.GenesisState) { gs.NodeRoles[0].SettledDay = 9 }, []string{"settled_day 9 is after the last tick 2"}},

		// Found by FuzzPorGenesisValidate (issue #12): each passed and then overflowed, paid
		// early, or panicked in Validate itself.
		{"carry near 2^256 (the liabilities sum and the first tick overflowed)", func(gs *types.GenesisState) {
			gs.Carry = maxInt
		}, []string{"carry must be set, not negative and below 2^128"}},
		{"a reserve near 2^256", func(gs *types.GenesisState) { gs.Roles[1].Reserve = maxInt }, []string{"roles[1] DELEGATE", "reserve below 2^128"}},
		{"a stake near 2^256", func(gs *types.GenesisState) { gs.Nodes[nodeIdx(gs, "bob")].Stake = maxInt }, []string{"stake must be set, not negative and below 2^128"}},
		{"an unbonding amount near 2^256", func(gs *types.GenesisState) { gs.Unbonding[0].Amount = maxInt }, []string{"unbonding[0]", "below 2^128"}},
		{"a delta near LegacyDec's limit (Validate panicked adding it)", func(gs *types.GenesisState) {
			gs.Deltas = append(gs.Deltas, types.GenesisRoleDelta{Role: w, Day: gs.LastTickDay + 1, Delta: types.RoleDelta{Eff: math.LegacyNewDecFromInt(maxInt)}})
		}, []string{"eff must be set and within ±2^160"}},
		{"an index near LegacyDec's limit (settlement overflowed)", func(gs *types.GenesisState) {
			gs.Roles[0].Index = math.LegacyNewDecFromInt(maxInt)
		}, []string{"roles[0] WORKER", "index at most 2^160"}},
		{"an eff above any por_cap", func(gs *types.GenesisState) {
			gs.PendingFor(0).Prev = types.Segment{Eff: math.LegacyNewDec(types.MaxPorCap).Add(math.LegacySmallestDec())}
		}, []string{"eff and prev.eff must be in [0, 1000000000]"}},
		{"unbonding due after 2262 (its queue key wrapped: paid at once)", func(gs *types.GenesisState) {
			gs.Unbonding[0].CompletionTime = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
		}, []string{"unbonding[0] id", "completion_time 2300-01-01", "the queue's nanosecond clock"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := ktExported(t)
			tc.mutate(gs)
			err := gs.Validate()
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.ErrorContains(t, err, "invalid por genesis", "names the module")
		})
	}
}

// TestGenesisReportDayNeverBeforeLastTick: a genesis whose clock is behind its last tick
// (an export booted with an old genesis time) dates a report from the next tick, so it
// still counts.
func TestGenesisReportDayNeverBeforeLastTick(t *testing.T) {
	f := ktBase(t, nil) // ticks ran to day 2
	f.clock.day = 1
	alice := f.operator("alice")
	res, err := f.msg.SubmitReport(f.ctx, ktReportMsg(alice, ktRes(150, 100, 80), ktPart(types.NODE_ROLE_WORKER, 150, 100, 80)))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Day)
	f.clock.day = 3
	f.tick(3, ktAmount)
	f.checkInvariants()
	rd := ktRoleDay(t, f, types.NODE_ROLE_WORKER, 3)
	require.Equal(t, uint64(1), rd.Active, "alice's report counts at tick 3")
	require.Equal(t, "300.000000000000000000", rd.TotalEff.String())
}

// Found by FuzzPorGenesisValidate: before the first tick a role's index must be zero. A
// genesis with reports, no tick and an index of 0.999 validated, and the first tick then
// paid every report that head start out of nothing (liabilities above the por balance).
func TestGenesisIndexBeforeFirstTickIsZero(t *testing.T) {
	gs := ktSpreadExported(t)
	require.Zero(t, gs.LastTickDay)
	gs.Roles[0].Index = math.LegacyMustNewDecFromStr("0.999999999999999999")
	require.ErrorContains(t, gs.Validate(), "before any tick; it must be 0")
}

// Found by FuzzPorGenesisValidate: a next_unbonding_id at the top of the range validated;
// the sequence then wrapped and handed out an id a queued entry held, overwriting it (its
// tokens stranded in por_stake).
func TestGenesisUnbondingIDFarFromWrapping(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.NextUnbondingId = ^uint64(0)
	require.ErrorContains(t, gs.Validate(), "next_unbonding_id")
	gs.NextUnbondingId = 1 << 62
	require.NoError(t, gs.Validate())
}
