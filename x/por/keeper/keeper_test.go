package keeper_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"

	"github.com/aegis-chain/aegis/x/por/types"
)

// ktAmount is a day's issue used by these tests (day 1 of the schedule).
var ktAmount = math.NewInt(3_532_710_693_073)

var ktCdc = moduletestutil.MakeTestEncodingConfig().Codec

func ktUaegis(n int64) sdk.Coin       { return sdk.NewInt64Coin(denom, n) }
func ktUaegisInt(n math.Int) sdk.Coin { return sdk.NewCoin(denom, n) }
func ktRes(c, s, b uint64) types.Resources {
	return types.Resources{Compute: c, Storage: s, Bandwidth: b}
}

func ktPart(r types.NodeRole, c, s, b uint64) types.RolePart {
	return types.RolePart{Role: r, Resources: ktRes(c, s, b)}
}

func ktReportMsg(op sdk.AccAddress, totals types.Resources, parts ...types.RolePart) *types.MsgSubmitReport {
	return &types.MsgSubmitReport{Operator: op.String(), Totals: totals, Parts: parts}
}

// ktBase is the state the rejection cases start from: alice (WORKER), bob (WORKER+DA) and
// idle (DELEGATE, never reports) registered on day 1; reports on days 1 and 2; ticks 1
// and 2 run; the clock is on day 3. Every name a case uses is funded here, before the
// snapshot.
func ktBase(t *testing.T, mutate func(*types.GenesisState)) *fixture {
	t.Helper()
	w, del, da := types.NODE_ROLE_WORKER, types.NODE_ROLE_DELEGATE, types.NODE_ROLE_DA
	f := newFixture(t, mutate)
	for _, name := range []string{"ghost", "carol", "dave", "erin"} {
		f.operator(name)
	}
	alice := f.register("alice", w)
	bob := f.register("bob", w, da)
	f.register("idle", del)
	require.NoError(t, f.report(alice, w, 150, 100, 80))
	_, err := f.msg.SubmitReport(f.ctx, ktReportMsg(bob, ktRes(300, 400, 200), ktPart(w, 130, 80, 60), ktPart(da, 40, 120, 40)))
	require.NoError(t, err)
	f.clock.day = 2
	f.tick(1, ktAmount)
	require.NoError(t, f.report(alice, w, 150, 100, 80))
	f.clock.day = 3
	f.tick(2, ktAmount)
	f.checkInvariants()
	return f
}

type ktSnapshot struct {
	genesis string
	bank    map[string]string
}

// ktSnap is the whole module state (as exported genesis JSON) and every bank balance.
func ktSnap(t *testing.T, f *fixture) ktSnapshot {
	t.Helper()
	return ktSnapshot{genesis: ktExportJSON(t, f), bank: ktBank(f)}
}

// ktExportJSON is the exported genesis as indented JSON, one field a line, so that a
// mismatch shows as a short line diff.
func ktExportJSON(t *testing.T, f *fixture) string {
	t.Helper()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	bz, err := ktCdc.MarshalJSON(gs)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, bz, "", " "))
	return out.String()
}

// ktRequireSameState fails with the differing lines of two ktExportJSON outputs.
func ktRequireSameState(t *testing.T, want, got string, msg string) {
	t.Helper()
	if want == got {
		return
	}
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	var diff []string
	for i := 0; i < max(len(a), len(b)) && len(diff) < 40; i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			// Context: the nearest enclosing record's first field.
			ctx := ""
			for j := i; j >= 0 && j < len(a); j-- {
				if strings.Contains(a[j], `"operator"`) || strings.Contains(a[j], `"role"`) {
					ctx = strings.TrimSpace(a[j])
					break
				}
			}
			diff = append(diff, fmt.Sprintf("line %d (%s):\n  - %s\n  + %s", i+1, ctx, strings.TrimSpace(x), strings.TrimSpace(y)))
		}
	}
	t.Fatalf("%s:\n%s", msg, strings.Join(diff, "\n"))
}

func ktBank(f *fixture) map[string]string {
	out := map[string]string{}
	for addr, v := range f.bank.bal {
		if !v.IsZero() {
			out[addr] = v.String()
		}
	}
	return out
}

func ktRoleState(t *testing.T, f *fixture, r types.NodeRole) types.RoleState {
	t.Helper()
	res, err := f.q.Role(f.ctx, &types.QueryRoleRequest{Role: r})
	require.NoError(t, err)
	return res.State
}

func ktRoleDay(t *testing.T, f *fixture, r types.NodeRole, day uint64) types.RoleDay {
	t.Helper()
	res, err := f.q.RoleDay(f.ctx, &types.QueryRoleDayRequest{Role: r, Day: day})
	require.NoError(t, err, "%s day %d", r.Short(), day)
	return res.RoleDay
}

func ktCarry(t *testing.T, f *fixture) math.Int {
	t.Helper()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	return gs.Carry
}

// ktPending is the rewards query of op: per role and total.
func ktPending(t *testing.T, f *fixture, op sdk.AccAddress) (map[types.NodeRole]math.Int, math.Int) {
	t.Helper()
	res, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: op.String()})
	require.NoError(t, err)
	out := map[types.NodeRole]math.Int{}
	for _, rr := range res.Roles {
		out[rr.Role] = rr.Amount
	}
	return out, res.Total
}

func ktRequireEff(t *testing.T, f *fixture, op sdk.AccAddress, r types.NodeRole, eff string) {
	t.Helper()
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	for _, nr := range node.Roles {
		if nr.Role == r {
			require.True(t, nr.Eff.Equal(math.LegacyMustNewDecFromStr(eff)), "%s eff %s, want %s", r.Short(), nr.Eff, eff)
			return
		}
	}
	t.Fatalf("%s has no %s state", op, r.Short())
}

var ktDecScale = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// ktRat is a LegacyDec as an exact rational.
func ktRat(d math.LegacyDec) *big.Rat { return new(big.Rat).SetFrac(d.BigInt(), ktDecScale) }

// ktShare is the exact reward of eff at a tick from its public receipt:
// distributed * eff / total_eff (zero when nothing was distributed).
func ktShare(rd types.RoleDay, eff math.LegacyDec) *big.Rat {
	if !rd.TotalEff.IsPositive() || !eff.IsPositive() {
		return new(big.Rat)
	}
	r := new(big.Rat).SetInt(rd.Distributed.BigInt())
	r.Mul(r, ktRat(eff))
	return r.Quo(r, ktRat(rd.TotalEff))
}

// ktRequireNear asserts floor(exact) - 1 <= got <= floor(exact).
func ktRequireNear(t *testing.T, got math.Int, exact *big.Rat, msgAndArgs ...any) {
	t.Helper()
	floor := new(big.Int).Quo(exact.Num(), exact.Denom())
	d := new(big.Int).Sub(floor, got.BigInt())
	require.True(t, d.Sign() >= 0 && d.Cmp(big.NewInt(1)) <= 0,
		"%s: got %s, want floor(%s) = %s (at most 1 below, never above)", fmt.Sprint(msgAndArgs...), got, exact.FloatString(6), floor)
}

// TestReportCounting checks the day rule with report_days = 2 through the RoleDay receipts.
func TestReportCounting(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	// tickAt runs the tick of day once the clock has moved past it.
	tickAt := func(f *fixture, day uint64) types.RoleDay {
		f.clock.day = day + 1
		f.tick(day, ktAmount)
		f.checkInvariants()
		return ktRoleDay(t, f, w, day)
	}

	t.Run("a report counts at its day and the next only", func(t *testing.T) {
		f := newFixture(t, nil)
		require.Equal(t, uint32(2), f.params.ReportDays)
		alice := f.register("alice", w)
		rd := tickAt(f, 1)
		require.Equal(t, uint64(0), rd.Active)
		f.clock.day = 2
		require.NoError(t, f.report(alice, w, 150, 100, 80))
		for _, c := range []struct {
			day    uint64
			active uint64
			eff    string
		}{{2, 1, "300"}, {3, 1, "300"}, {4, 0, "0"}} {
			rd := tickAt(f, c.day)
			require.Equal(t, c.active, rd.Active, "day %d", c.day)
			require.True(t, rd.TotalEff.Equal(math.LegacyMustNewDecFromStr(c.eff)), "day %d total eff %s", c.day, rd.TotalEff)
		}
		require.True(t, ktRoleDay(t, f, w, 4).Distributed.IsZero())
	})

	t.Run("a newer report replaces the older from its day", func(t *testing.T) {
		f := newFixture(t, nil)
		alice := f.register("alice", w)
		bob := f.register("bob", w)
		require.NoError(t, f.report(alice, w, 150, 100, 80)) // 300
		require.NoError(t, f.report(bob, w, 140, 90, 70))    // 300
		rd := tickAt(f, 1)
		require.Equal(t, "600.000000000000000000", rd.TotalEff.String())
		require.NoError(t, f.report(alice, w, 130, 80, 60)) // day 2: 216
		for _, c := range []struct {
			day    uint64
			active uint64
			eff    string
		}{{2, 2, "516"}, {3, 1, "216"}, {4, 0, "0"}} {
			rd := tickAt(f, c.day)
			require.Equal(t, c.active, rd.Active, "day %d", c.day)
			require.True(t, rd.TotalEff.Equal(math.LegacyMustNewDecFromStr(c.eff)), "day %d total eff %s", c.day, rd.TotalEff)
		}
		// alice: 300 at tick 1, 216 at ticks 2 and 3.
		exact := ktShare(ktRoleDay(t, f, w, 1), math.LegacyNewDec(300))
		exact.Add(exact, ktShare(ktRoleDay(t, f, w, 2), math.LegacyNewDec(216)))
		exact.Add(exact, ktShare(ktRoleDay(t, f, w, 3), math.LegacyNewDec(216)))
		_, got := ktPending(t, f, alice)
		ktRequireNear(t, got, exact, "alice")
	})

	t.Run("deactivation stops counting, frees the slot, keeps rewards", func(t *testing.T) {
		f := newFixture(t, nil)
		alice := f.register("alice", w)
		bob := f.register("bob", w)
		require.NoError(t, f.report(alice, w, 150, 100, 80))
		require.NoError(t, f.report(bob, w, 150, 100, 80))
		tickAt(f, 1)
		_, earned := ktPending(t, f, alice)
		require.True(t, earned.IsPositive())
		require.Equal(t, uint64(2), ktRoleState(t, f, w).SlotsHeld)

		_, err := f.msg.DeactivateRole(f.ctx, &types.MsgDeactivateRole{Operator: alice.String(), Role: w})
		require.NoError(t, err)
		require.Equal(t, uint64(1), ktRoleState(t, f, w).SlotsHeld)
		f.checkInvariants()
		rd := tickAt(f, 2)
		require.Equal(t, uint64(1), rd.Active, "alice's day-1 report no longer counts")
		require.Equal(t, "300.000000000000000000", rd.TotalEff.String())
		_, got := ktPending(t, f, alice)
		require.Equal(t, earned.String(), got.String())

		_, err = f.msg.ActivateRole(f.ctx, &types.MsgActivateRole{Operator: alice.String(), Role: w})
		require.NoError(t, err)
		require.Equal(t, uint64(2), ktRoleState(t, f, w).SlotsHeld)
		_, got = ktPending(t, f, alice)
		require.Equal(t, earned.String(), got.String(), "reactivation keeps accrued rewards")
		rd = tickAt(f, 3)
		require.Equal(t, uint64(0), rd.Active, "no report counts at 3")
		require.NoError(t, f.report(alice, w, 150, 100, 80))
		rd = tickAt(f, 4)
		require.Equal(t, uint64(1), rd.Active)

		exact := ktShare(ktRoleDay(t, f, w, 1), math.LegacyNewDec(300))
		exact.Add(exact, ktShare(rd, math.LegacyNewDec(300)))
		_, got = ktPending(t, f, alice)
		ktRequireNear(t, got, exact, "alice")
		before := f.bank.get(alice.String())
		_, err = f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: alice.String()})
		require.NoError(t, err)
		require.Equal(t, before.Add(got).String(), f.bank.get(alice.String()).String())
		f.checkInvariants()
	})

	t.Run("an eff 0 report is not active", func(t *testing.T) {
		f := newFixture(t, nil)
		alice := f.register("alice", w)
		bob := f.register("bob", w)
		require.NoError(t, f.report(alice, w, 0, 0, 0))
		node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: alice.String()})
		require.NoError(t, err)
		require.Len(t, node.Roles, 1)
		require.True(t, node.Roles[0].Penalized)
		require.True(t, node.Roles[0].Eff.IsZero())
		reserve := ktRoleState(t, f, w).Reserve
		rd := tickAt(f, 1)
		require.Equal(t, uint64(0), rd.Active)
		require.True(t, rd.TotalEff.IsZero())
		require.True(t, rd.Distributed.IsZero())
		require.Equal(t, reserve.Add(rd.Pool).String(), rd.Reserve.String(), "the whole pool stays in the reserve")

		// A positive report replaced by an all-zero one stops counting from its day.
		require.NoError(t, f.report(bob, w, 150, 100, 80))
		rd = tickAt(f, 2)
		require.Equal(t, uint64(1), rd.Active)
		require.NoError(t, f.report(bob, w, 0, 0, 0))
		rd = tickAt(f, 3)
		require.Equal(t, uint64(0), rd.Active)
		require.True(t, rd.TotalEff.IsZero())
		_, got := ktPending(t, f, alice)
		require.True(t, got.IsZero())
	})
}

// TestUnbondingTiming: an entry completes unbonding_days * day length after it was
// created and the EndBlocker releases exactly it then, not a nanosecond earlier.
func TestUnbondingTiming(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, nil)
	alice := f.operator("alice")
	minStake := types.DefaultMinStake
	_, err := f.msg.RegisterNode(f.ctx, &types.MsgRegisterNode{Operator: alice.String(), Moniker: "alice", Roles: []types.NodeRole{w}, Stake: ktUaegisInt(minStake.AddRaw(5000))})
	require.NoError(t, err)
	t0 := f.ctx.BlockTime()
	stakeAcc := modAddr(types.StakeAccount)
	require.Equal(t, minStake.AddRaw(5000).String(), f.bank.get(stakeAcc).String())

	res, err := f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: alice.String(), Amount: ktUaegis(3000)})
	require.NoError(t, err)
	require.Equal(t, t0.Add(700*time.Second), res.Entry.CompletionTime, "7 days of 100 s")
	require.Equal(t, "3000", res.Entry.Amount.String())
	require.Equal(t, minStake.AddRaw(5000).String(), f.bank.get(stakeAcc).String(), "unbonding stays in escrow")
	f.checkInvariants()

	ctx50 := f.ctx.WithBlockTime(t0.Add(50 * time.Second))
	res2, err := f.msg.UnbondStake(ctx50, &types.MsgUnbondStake{Operator: alice.String(), Amount: ktUaegis(2000)})
	require.NoError(t, err)
	require.Equal(t, t0.Add(750*time.Second), res2.Entry.CompletionTime)
	require.NotEqual(t, res.Entry.Id, res2.Entry.Id)

	// Nothing more can be unbonded: the worker role needs min_stake, and more than the
	// escrow is never possible.
	_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: alice.String(), Amount: ktUaegis(1)})
	require.ErrorIs(t, err, types.ErrInsufficientStake)
	_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: alice.String(), Amount: ktUaegisInt(minStake.AddRaw(1))})
	require.ErrorIs(t, err, types.ErrInsufficientStake)
	f.checkInvariants()

	endBlock := func(at time.Time) {
		t.Helper()
		require.NoError(t, f.k.EndBlocker(f.ctx.WithBlockTime(at)))
		f.checkInvariants()
	}
	entries := func() int {
		gs, err := f.k.ExportGenesis(f.ctx)
		require.NoError(t, err)
		return len(gs.Unbonding)
	}
	bal := f.bank.get(alice.String())

	endBlock(t0.Add(700*time.Second - time.Nanosecond))
	require.Equal(t, bal.String(), f.bank.get(alice.String()).String(), "nothing before completion")
	require.Equal(t, 2, entries())

	endBlock(t0.Add(700 * time.Second))
	require.Equal(t, bal.AddRaw(3000).String(), f.bank.get(alice.String()).String(), "first entry at its completion time")
	require.Equal(t, minStake.AddRaw(2000).String(), f.bank.get(stakeAcc).String())
	require.Equal(t, 1, entries())

	endBlock(t0.Add(749 * time.Second))
	require.Equal(t, bal.AddRaw(3000).String(), f.bank.get(alice.String()).String())
	require.Equal(t, 1, entries())

	endBlock(t0.Add(800 * time.Second))
	require.Equal(t, bal.AddRaw(5000).String(), f.bank.get(alice.String()).String(), "second entry after its completion time")
	require.Equal(t, minStake.String(), f.bank.get(stakeAcc).String())
	require.Equal(t, 0, entries())

	endBlock(t0.Add(10_000 * time.Second))
	require.Equal(t, bal.AddRaw(5000).String(), f.bank.get(alice.String()).String(), "released once")

	// Without an active role all the stake can leave.
	_, err = f.msg.DeactivateRole(f.ctx, &types.MsgDeactivateRole{Operator: alice.String(), Role: w})
	require.NoError(t, err)
	_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: alice.String(), Amount: ktUaegisInt(minStake.AddRaw(1))})
	require.ErrorIs(t, err, types.ErrInsufficientStake)
	_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: alice.String(), Amount: ktUaegisInt(minStake)})
	require.NoError(t, err)
	f.checkInvariants()
	endBlock(t0.Add(700 * time.Second))
	require.True(t, f.bank.get(stakeAcc).IsZero())
	require.Equal(t, bal.Add(minStake).AddRaw(5000).String(), f.bank.get(alice.String()).String())
}

// TestGenesisRoundTripMidDay exports a state in the middle of a day (reports not yet
// ticked, an unbonding entry, accrued rewards, an inactive role), imports it into a new
// store and checks that both chains then evolve identically.
func TestGenesisRoundTripMidDay(t *testing.T) {
	w, del, da := types.NODE_ROLE_WORKER, types.NODE_ROLE_DELEGATE, types.NODE_ROLE_DA
	f := ktBase(t, nil)
	alice, bob, idle := f.operator("alice"), f.operator("bob"), f.operator("idle")
	_, err := f.msg.AddStake(f.ctx, &types.MsgAddStake{Operator: bob.String(), Amount: ktUaegis(5000)})
	require.NoError(t, err)
	_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: bob.String(), Amount: ktUaegis(3000)})
	require.NoError(t, err)
	_, err = f.msg.DeactivateRole(f.ctx, &types.MsgDeactivateRole{Operator: idle.String(), Role: del})
	require.NoError(t, err)
	// Day 3, before its tick: new reports are scheduled but not counted yet.
	require.NoError(t, f.report(alice, w, 130, 80, 60))
	_, err = f.msg.SubmitReport(f.ctx, ktReportMsg(bob, ktRes(400, 400, 400), ktPart(w, 150, 100, 80), ktPart(da, 50, 130, 50)))
	require.NoError(t, err)
	f.checkInvariants()

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.NotEmpty(t, exported.Deltas)
	require.NotEmpty(t, exported.Unbonding)
	require.NotEmpty(t, exported.RoleDays)
	require.Equal(t, uint64(2), exported.LastTickDay)

	bz, err := exported.Marshal()
	require.NoError(t, err)
	f2 := newFixture(t, func(gs *types.GenesisState) {
		var cp types.GenesisState
		require.NoError(t, cp.Unmarshal(bz))
		*gs = cp
	})
	for addr, v := range f.bank.bal {
		f2.bank.bal[addr] = v
	}
	f2.clock.day = f.clock.day
	ktRequireSameState(t, ktExportJSON(t, f), ktExportJSON(t, f2), "export(import(export)) == export")
	f2.checkInvariants()

	for _, g := range []*fixture{f, f2} {
		g.clock.day = 4
		g.tick(3, ktAmount)
		g.checkInvariants()
	}
	for _, r := range types.AllRoles {
		a, b := ktRoleDay(t, f, r, 3), ktRoleDay(t, f2, r, 3)
		ja, err := ktCdc.MarshalJSON(&a)
		require.NoError(t, err)
		jb, err := ktCdc.MarshalJSON(&b)
		require.NoError(t, err)
		require.Equal(t, string(ja), string(jb), "%s day 3", r.Short())
	}
	require.Equal(t, uint64(2), ktRoleDay(t, f, w, 3).Active)
	for _, op := range []sdk.AccAddress{alice, bob, idle} {
		pa, ta := ktPending(t, f, op)
		pb, tb := ktPending(t, f2, op)
		require.Equal(t, ta.String(), tb.String(), "%s", op)
		require.Equal(t, len(pa), len(pb))
		for r, amt := range pa {
			require.Equal(t, amt.String(), pb[r].String(), "%s %s", op, r.Short())
		}
	}
	// The unbonding entry matures identically.
	for _, g := range []*fixture{f, f2} {
		require.NoError(t, g.k.EndBlocker(g.ctx.WithBlockTime(g.ctx.BlockTime().Add(700*time.Second))))
		g.checkInvariants()
	}
	ktRequireSameState(t, ktExportJSON(t, f), ktExportJSON(t, f2), "both chains after tick 3 and the unbonding release")
	require.Equal(t, ktBank(f), ktBank(f2))
}

// TestCatchUpAfterHalt: ticks lag behind the clock (last tick day 3, clock day 6). A
// report from day 3 (counting 3..4) is replaced on day 6; tick 4 still counts it (as
// Prev), tick 5 counts nothing of the node, tick 6 counts the new report.
func TestCatchUpAfterHalt(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, nil)
	alice := f.register("alice", w)
	bob := f.register("bob", w)
	aliceEff := map[uint64]math.LegacyDec{}
	bobEff := map[uint64]math.LegacyDec{}
	for day := uint64(1); day <= 3; day++ {
		f.clock.day = day
		require.NoError(t, f.report(alice, w, 150, 100, 80)) // 300
		require.NoError(t, f.report(bob, w, 140, 90, 70))    // 300
		aliceEff[day], bobEff[day] = math.LegacyNewDec(300), math.LegacyNewDec(300)
		f.clock.day = day + 1
		f.tick(day, ktAmount)
		f.checkInvariants()
	}
	// bob's day-3 report also counts at tick 4; alice's is replaced from day 6.
	aliceEff[4], bobEff[4] = math.LegacyNewDec(300), math.LegacyNewDec(300)

	f.clock.day = 6                                     // the chain was halted over days 4 and 5
	require.NoError(t, f.report(alice, w, 130, 80, 60)) // 216, counts 6..7
	aliceEff[6] = math.LegacyNewDec(216)
	f.checkInvariants()

	f.tick(4, ktAmount)
	f.checkInvariants()
	f.tick(5, ktAmount)
	f.checkInvariants()
	f.clock.day = 7
	f.tick(6, ktAmount)
	f.checkInvariants()

	rd4, rd5, rd6 := ktRoleDay(t, f, w, 4), ktRoleDay(t, f, w, 5), ktRoleDay(t, f, w, 6)
	require.Equal(t, uint64(2), rd4.Active)
	require.Equal(t, "600.000000000000000000", rd4.TotalEff.String(), "tick 4 counts alice's old report")
	require.Equal(t, uint64(0), rd5.Active)
	require.True(t, rd5.TotalEff.IsZero())
	require.Equal(t, uint64(1), rd6.Active)
	require.Equal(t, "216.000000000000000000", rd6.TotalEff.String())

	for name, c := range map[string]struct {
		op   sdk.AccAddress
		effs map[uint64]math.LegacyDec
	}{"alice": {alice, aliceEff}, "bob": {bob, bobEff}} {
		exact := new(big.Rat)
		for day, eff := range c.effs {
			exact.Add(exact, ktShare(ktRoleDay(t, f, w, day), eff))
		}
		_, got := ktPending(t, f, c.op)
		ktRequireNear(t, got, exact, name)
	}
}

// TestCatchUpZeroEffReportKeepsPrev: during a catch-up lag a node sends an all-zero
// report and then a positive one. Its report from before the halt must still be paid for
// the missed tick it counts at.
//
// KNOWN BUG (report.go submitReport): the zero-eff report becomes "old" on the next
// report and, having to_day > last tick, overwrites Prev although it never counts; the
// real Prev (still counted in the role's eff sum at tick 4) is lost, so the node is
// never paid for tick 4 and the tokens sit unaccounted in the por account.
func TestCatchUpZeroEffReportKeepsPrev(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, nil)
	alice := f.register("alice", w)
	for day := uint64(1); day <= 3; day++ {
		f.clock.day = day
		require.NoError(t, f.report(alice, w, 150, 100, 80))
		f.clock.day = day + 1
		f.tick(day, ktAmount)
	}
	// Ticks stay at day 3 while the clock runs on (catch-up limited per block).
	f.clock.day = 5
	require.NoError(t, f.report(alice, w, 0, 0, 0)) // replaces the day-3 report from tick 5
	f.clock.day = 6
	require.NoError(t, f.report(alice, w, 150, 100, 80)) // counts 6..7
	for day := uint64(4); day <= 6; day++ {
		f.tick(day, ktAmount)
	}
	f.clock.day = 7

	require.Equal(t, uint64(1), ktRoleDay(t, f, w, 4).Active, "tick 4 counts the day-3 report")
	require.Equal(t, uint64(0), ktRoleDay(t, f, w, 5).Active)
	require.Equal(t, uint64(1), ktRoleDay(t, f, w, 6).Active)
	exact := new(big.Rat)
	for _, day := range []uint64{1, 2, 3, 4, 6} {
		exact.Add(exact, ktShare(ktRoleDay(t, f, w, day), math.LegacyNewDec(300)))
	}
	_, got := ktPending(t, f, alice)
	ktRequireNear(t, got, exact, "alice")
	f.checkInvariants()
}

// ktSeg is the test's own model of a report: eff counts at the ticks from..to.
type ktSeg struct {
	eff      math.LegacyDec
	from, to uint64
}

// TestLazySettlementMatchesReceipts: several nodes report varying resources (some
// penalized, some capped, some zero, partial multi-role reports) across 10 days, with a
// deactivation, a reactivation and claims in between. The RoleDay receipts must match
// the test's own model of who counts, and every node's pending plus claimed reward must
// equal floor(sum over ticks of distributed * eff / total_eff) or be 1 below it.
func TestLazySettlementMatchesReceipts(t *testing.T) {
	w, da := types.NODE_ROLE_WORKER, types.NODE_ROLE_DA
	f := newFixture(t, func(gs *types.GenesisState) {
		// Small caps: the active count moves the high-water mark and releases the reserve.
		gs.Params.Roles[w-1].SlotCap = 6
		gs.Params.Roles[da-1].SlotCap = 4
	})
	type nodeRole struct {
		name string
		role types.NodeRole
	}
	names := []string{"n0", "n1", "n2", "n3", "m4", "d5", "d6"}
	rolesOf := map[string][]types.NodeRole{
		"n0": {w}, "n1": {w}, "n2": {w}, "n3": {w}, "m4": {w, da}, "d5": {da}, "d6": {da},
	}
	ops := map[string]sdk.AccAddress{}
	for _, n := range names {
		ops[n] = f.register(n, rolesOf[n]...)
	}
	segs := map[nodeRole][]ktSeg{}
	claimed := map[nodeRole]math.Int{}
	exact := map[nodeRole]*big.Rat{}
	for _, n := range names {
		for _, r := range rolesOf[n] {
			exact[nodeRole{n, r}] = new(big.Rat)
			claimed[nodeRole{n, r}] = math.ZeroInt()
		}
	}
	reportDays := uint64(f.params.ReportDays)
	rng := rand.New(rand.NewSource(20260101))
	resources := func() types.Resources {
		if rng.Intn(12) == 0 {
			return ktRes(0, 0, 0)
		}
		return ktRes(uint64(20+rng.Intn(180)), uint64(40+rng.Intn(160)), uint64(20+rng.Intn(160)))
	}
	claim := func(n string) {
		pending, _ := ktPending(t, f, ops[n])
		_, err := f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: ops[n].String()})
		require.NoError(t, err)
		for r, amt := range pending {
			claimed[nodeRole{n, r}] = claimed[nodeRole{n, r}].Add(amt)
		}
	}
	lastTick := uint64(0)

	for day := uint64(1); day <= 10; day++ {
		f.clock.day = day
		for _, n := range names {
			switch {
			case n == "n2" && day == 4:
				_, err := f.msg.DeactivateRole(f.ctx, &types.MsgDeactivateRole{Operator: ops[n].String(), Role: w})
				require.NoError(t, err)
				key := nodeRole{n, w}
				for i := range segs[key] {
					segs[key][i].to = min(segs[key][i].to, lastTick)
				}
				continue
			case n == "n2" && day == 7:
				_, err := f.msg.ActivateRole(f.ctx, &types.MsgActivateRole{Operator: ops[n].String(), Role: w})
				require.NoError(t, err)
				continue
			case n == "n2" && day > 4 && day < 7:
				continue
			case n == "n1" && day == 6, n == "m4" && day == 9:
				claim(n)
			}
			if rng.Intn(10) >= 7 {
				continue // no report today
			}
			// m4 sometimes reports only one of its roles: the other keeps its report.
			roles := rolesOf[n]
			if len(roles) > 1 && rng.Intn(3) == 0 {
				i := rng.Intn(len(roles))
				roles = roles[i : i+1]
			}
			var parts []types.RolePart
			var totals types.Resources
			for _, r := range roles {
				res := resources()
				parts = append(parts, types.RolePart{Role: r, Resources: res})
				totals = totals.Add(res)
			}
			totals = totals.Add(ktRes(uint64(rng.Intn(50)), uint64(rng.Intn(50)), uint64(rng.Intn(50))))
			_, err := f.msg.SubmitReport(f.ctx, ktReportMsg(ops[n], totals, parts...))
			require.NoError(t, err, "%s day %d", n, day)
			for _, p := range parts {
				key := nodeRole{n, p.Role}
				for i := range segs[key] {
					segs[key][i].to = min(segs[key][i].to, day-1)
				}
				eff := f.params.Roles[p.Role-1].ComputePoR(p.Resources).Eff
				segs[key] = append(segs[key], ktSeg{eff: eff, from: day, to: day + reportDays - 1})
			}
		}
		f.checkInvariants()

		f.clock.day = day + 1
		amount := ktAmount.AddRaw(int64(day) * 7919)
		f.tick(day, amount)
		lastTick = day
		f.checkInvariants()

		for _, r := range types.AllRoles {
			rd := ktRoleDay(t, f, r, day)
			var active uint64
			total := math.LegacyZeroDec()
			effs := map[nodeRole]math.LegacyDec{}
			for key, ss := range segs {
				if key.role != r {
					continue
				}
				for _, s := range ss {
					if s.eff.IsPositive() && s.from <= day && day <= s.to {
						active++
						total = total.Add(s.eff)
						effs[key] = s.eff
					}
				}
			}
			require.Equal(t, active, rd.Active, "%s day %d active", r.Short(), day)
			require.True(t, total.Equal(rd.TotalEff), "%s day %d total eff %s, model %s", r.Short(), day, rd.TotalEff, total)
			if active == 0 {
				require.True(t, rd.Distributed.IsZero())
			}
			for key, eff := range effs {
				exact[key].Add(exact[key], ktShare(rd, eff))
			}
		}
	}

	var paid int
	for _, n := range names {
		pending, _ := ktPending(t, f, ops[n])
		for _, r := range rolesOf[n] {
			key := nodeRole{n, r}
			got := pending[r].Add(claimed[key])
			ktRequireNear(t, got, exact[key], n+"/"+r.Short())
			if got.IsPositive() {
				paid++
			}
		}
	}
	require.Greater(t, paid, 5, "most node-roles earned something")
	require.True(t, ktRoleDay(t, f, w, 10).HighWater > 0)
}
