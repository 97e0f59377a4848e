package simulation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// The factories build messages the keeper accepts, mirroring its checks, so a refusal the
// simulation did not expect fails it; the *Invalid* factories build messages the keeper
// must refuse with one given error (and change nothing, which the invariants then check).

// MsgRegisterNodeFactory registers a sim account in one to three roles with free slots,
// staking what the roles need and sometimes more.
func MsgRegisterNodeFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRegisterNode] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterNode) {
		r := testData.Rand()
		params := must(k.Params.Get(ctx))
		notNode := simsx.SimAccountFilterFn(func(a simsx.SimAccount) bool { return !must(k.Nodes.Has(ctx, a.Address)) })
		from := testData.AnyAccount(reporter, notNode, simsx.WithDenomBalance(params.StakeDenom))
		if reporter.IsSkipped() {
			return nil, nil
		}
		var roles []types.NodeRole
		need := math.ZeroInt()
		for _, role := range types.AllRoles {
			if r.Intn(3) == 0 && freeSlots(ctx, k, params, role) > 0 {
				roles = append(roles, role)
				need = need.Add(params.Roles[role-1].MinStake)
			}
		}
		if len(roles) == 0 {
			reporter.Skip("no role with a free slot chosen")
			return nil, nil
		}
		balance := from.LiquidBalance().Coins.AmountOf(params.StakeDenom)
		if balance.LT(need) {
			reporter.Skipf("balance %s below the %s the roles need", balance, need)
			return nil, nil
		}
		stake := sdk.NewCoin(params.StakeDenom, need.Add(r.Amount(balance.Sub(need)).QuoRaw(4)))
		if !from.LiquidBalance().BlockAmount(stake) {
			reporter.Skip("stake not spendable")
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgRegisterNode{
			Operator: from.AddressBech32, Moniker: r.StringN(1 + r.Intn(30)), Roles: roles, Stake: stake,
		}
	}
}

// MsgRegisterNodeInFullRoleFactory registers in a role whose slots are all held: refused
// with ErrRoleFull.
func MsgRegisterNodeInFullRoleFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgRegisterNode] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRegisterNode, simsx.SimDeliveryResultHandler) {
		params := must(k.Params.Get(ctx))
		var full []types.NodeRole
		for _, role := range types.AllRoles {
			if freeSlots(ctx, k, params, role) == 0 {
				full = append(full, role)
			}
		}
		if len(full) == 0 {
			reporter.Skip("no role is full")
			return nil, nil, nil
		}
		role := full[testData.Rand().Intn(len(full))]
		need := sdk.NewCoin(params.StakeDenom, params.Roles[role-1].MinStake)
		notNode := simsx.SimAccountFilterFn(func(a simsx.SimAccount) bool { return !must(k.Nodes.Has(ctx, a.Address)) })
		from := testData.AnyAccount(reporter, notNode, simsx.WithLiquidBalanceGTE(need))
		if reporter.IsSkipped() || !from.LiquidBalance().BlockAmount(need) {
			reporter.Skip("no account can stake for the role")
			return nil, nil, nil
		}
		msg := &types.MsgRegisterNode{Operator: from.AddressBech32, Moniker: "full", Roles: []types.NodeRole{role}, Stake: need}
		return []simsx.SimAccount{from}, msg, expectError(types.ErrRoleFull)
	})
}

// MsgActivateRoleFactory activates a role with a free slot for a node whose escrow covers it.
func MsgActivateRoleFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgActivateRole] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgActivateRole) {
		params := must(k.Params.Get(ctx))
		node, from := anyNode(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		var candidates []types.NodeRole
		for _, role := range types.AllRoles {
			if !slices.Contains(node.Roles, role) && freeSlots(ctx, k, params, role) > 0 &&
				node.Stake.GTE(params.RequiredStake(append(slices.Clone(node.Roles), role))) {
				candidates = append(candidates, role)
			}
		}
		if len(candidates) == 0 {
			reporter.Skip("no role the node can activate")
			return nil, nil
		}
		role := candidates[testData.Rand().Intn(len(candidates))]
		return []simsx.SimAccount{from}, &types.MsgActivateRole{Operator: node.Operator, Role: role}
	}
}

// MsgDeactivateRoleFactory frees one of a node's slots.
func MsgDeactivateRoleFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgDeactivateRole] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgDeactivateRole) {
		node, from := anyNode(ctx, k, testData, reporter, withRoles)
		if reporter.IsSkipped() {
			return nil, nil
		}
		role := node.Roles[testData.Rand().Intn(len(node.Roles))]
		return []simsx.SimAccount{from}, &types.MsgDeactivateRole{Operator: node.Operator, Role: role}
	}
}

// MsgAddStakeFactory escrows part of a node operator's balance.
func MsgAddStakeFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAddStake] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAddStake) {
		params := must(k.Params.Get(ctx))
		node, from := anyNode(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		amount := from.LiquidBalance().RandSubsetCoin(reporter, params.StakeDenom)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgAddStake{Operator: node.Operator, Amount: amount}
	}
}

// MsgUnbondStakeFactory unbonds part of the escrow the node's active roles do not need.
func MsgUnbondStakeFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUnbondStake] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUnbondStake) {
		params := must(k.Params.Get(ctx))
		node, from := anyNode(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		spare := node.Stake.Sub(params.RequiredStake(node.Roles))
		if !spare.IsPositive() {
			reporter.Skip("no stake beyond what the roles need")
			return nil, nil
		}
		amount := must(testData.Rand().PositiveSDKIntn(spare))
		return []simsx.SimAccount{from}, &types.MsgUnbondStake{Operator: node.Operator, Amount: sdk.NewCoin(params.StakeDenom, amount)}
	}
}

// MsgSetWithdrawAddressFactory points a node's claims at another sim account.
func MsgSetWithdrawAddressFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgSetWithdrawAddress] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSetWithdrawAddress) {
		node, from := anyNode(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		to := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgSetWithdrawAddress{Operator: node.Operator, WithdrawAddress: to.AddressBech32}
	}
}

// MsgSubmitReportFactory reports for some of a node's roles, once a day, with parts that fit
// in the totals: some penalized, some above the PoR cap. While challenges are on, a report
// declaring storage commits its datasets under a nonce, as aegis-node does, and one in six
// declares none (so that some challenges check liveness only).
func MsgSubmitReportFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgSubmitReport] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSubmitReport) {
		node, from, parts, totals := reportable(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		params := must(k.Params.Get(ctx))
		if params.Challenge.Enabled() && testData.Rand().Intn(6) == 0 {
			// No storage: no dataset, and a liveness challenge if sampled.
			for i := range parts {
				parts[i].Resources.Storage = 0
			}
			totals.Storage = 0
		}
		return []simsx.SimAccount{from}, &types.MsgSubmitReport{Operator: node.Operator, Totals: totals, Parts: parts, DatasetNonce: uint64(testData.Rand().Intn(2))}
	}
}

// MsgSubmitReportInvalidFactory sends a report the keeper must refuse: parts adding up to
// more than the totals, a part for a role the node does not hold, or a second report on
// the same day.
func MsgSubmitReportInvalidFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgSubmitReport] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSubmitReport, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		node, from := anyNode(ctx, k, testData, reporter, withRoles)
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		params := must(k.Params.Get(ctx))
		role := node.Roles[r.Intn(len(node.Roles))]
		res := capStorage(params, RandomResources(r.Rand, params.Roles[role-1], params.MaxResourceValue))
		msg := &types.MsgSubmitReport{Operator: node.Operator, Totals: res, Parts: []types.RolePart{{Role: role, Resources: res}}}
		switch {
		case r.Intn(2) == 0 && len(node.Roles) < len(types.AllRoles):
			for _, other := range types.AllRoles {
				if !slices.Contains(node.Roles, other) {
					msg.Parts = append(msg.Parts, types.RolePart{Role: other, Resources: types.Resources{}})
					sortParts(msg.Parts)
					return []simsx.SimAccount{from}, msg, expectError(types.ErrRoleInactive)
				}
			}
		case res.Max() > 0:
			switch {
			case res.Compute > 0:
				msg.Totals.Compute--
			case res.Storage > 0:
				msg.Totals.Storage--
			default:
				msg.Totals.Bandwidth--
			}
			return []simsx.SimAccount{from}, msg, expectError(types.ErrPartsExceedTotals)
		}
		reporter.Skip("no invalid report to build")
		return nil, nil, nil
	})
}

// MsgClaimRewardsFactory claims a node's rewards; a node with less than 1 uaegis pending is
// refused with ErrNoRewards.
func MsgClaimRewardsFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgClaimRewards] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgClaimRewards, simsx.SimDeliveryResultHandler) {
		node, from := anyNode(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		_, total, err := k.PendingRewards(ctx, from.Address)
		if err != nil {
			reporter.Skip(err.Error())
			return nil, nil, nil
		}
		var handler simsx.SimDeliveryResultHandler
		if !total.IsPositive() {
			handler = expectError(types.ErrNoRewards)
		}
		return []simsx.SimAccount{from}, &types.MsgClaimRewards{Operator: node.Operator}, handler
	})
}

// MsgSlashNodeFactory is a governance proposal to slash a node by up to half its stake.
func MsgSlashNodeFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgSlashNode] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgSlashNode) {
		node, _ := anyNode(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		fraction := math.LegacyNewDecWithPrec(int64(1+testData.Rand().Intn(50)), 2)
		return nil, &types.MsgSlashNode{Authority: k.Authority(), Operator: node.Operator, Fraction: fraction, Reason: "simulation"}
	}
}

// MsgUpdateParamsFactory is a governance proposal changing periods, penalties and caps
// within what the params allow (a cap never below the slots held or the high-water mark),
// and sometimes turning challenges on (with new values) or off.
func MsgUpdateParamsFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		r := testData.Rand()
		params := must(k.Params.Get(ctx))
		params.ReportDays = uint32(1 + r.Intn(3))
		params.UnbondingDays = uint32(1 + r.Intn(7))
		role := types.AllRoles[r.Intn(len(types.AllRoles))]
		rp := &params.Roles[role-1]
		rs := must(k.RoleStates.Get(ctx, int32(role)))
		rp.SlotCap = max(rs.SlotsHeld, rs.HighWater, 1) + uint64(r.Intn(50))
		rp.Penalty = math.LegacyNewDecWithPrec(int64(1+r.Intn(100)), 2)
		switch r.Intn(8) {
		case 0: // challenges on, or with new values while pending ones keep theirs
			params.Challenge = RandomChallengeParams(r.Rand)
		case 1: // challenges off: nothing is sampled any more, pending ones still resolve
			params.Challenge.ChallengesPerDay = 0
		}
		return nil, &types.MsgUpdateParams{Authority: k.Authority(), Params: params}
	}
}

// reportable picks a node that can report today and builds its report: parts for a random
// non-empty subset of its roles, totals covering them.
func reportable(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) (types.Node, simsx.SimAccount, []types.RolePart, types.Resources) {
	r := testData.Rand()
	last, err := k.LastTickDay.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		panic(err)
	}
	day := must(k.ReportDay(ctx))
	notToday := func(n types.Node) bool { return n.LastReportDay != day }
	node, from := anyNode(ctx, k, testData, reporter, withRoles, notToday)
	if reporter.IsSkipped() {
		return node, from, nil, types.Resources{}
	}
	params := must(k.Params.Get(ctx))
	var parts []types.RolePart
	var totals types.Resources
	op := sdk.MustAccAddressFromBech32(node.Operator)
	for _, role := range node.Roles {
		if len(parts) > 0 && r.Intn(3) == 0 {
			continue
		}
		nr := must(k.PairState(ctx, op, role))
		// While ticks catch up after a halt, a role whose report and previous report both
		// still count is refused (ErrCatchingUp): leave it out today.
		if day-1 > last && nr.FromDay != 0 && nr.Eff.IsPositive() && nr.ToDay > last && nr.Prev.FromDay != 0 && nr.Prev.ToDay > last {
			continue
		}
		// A role disqualified by a failed or missed storage proof is refused
		// (ErrRoleDisqualified) until its disqualification ends.
		if nr.Disqualified(day) {
			continue
		}
		res := capStorage(params, RandomResources(r.Rand, params.Roles[role-1], params.MaxResourceValue))
		parts = append(parts, types.RolePart{Role: role, Resources: res})
		totals = types.Resources{
			Compute:   min(params.MaxResourceValue, totals.Compute+res.Compute),
			Storage:   min(params.MaxResourceValue, totals.Storage+res.Storage),
			Bandwidth: min(params.MaxResourceValue, totals.Bandwidth+res.Bandwidth),
		}
	}
	sum := types.Resources{}
	for _, p := range parts {
		sum = sum.Add(p.Resources)
	}
	if len(parts) == 0 || !sum.Within(totals) {
		reporter.Skip("no role can report today within the largest totals")
		return node, from, nil, types.Resources{}
	}
	return node, from, parts, totals
}

// nodeFilter selects nodes for a factory.
type nodeFilter func(types.Node) bool

func withRoles(n types.Node) bool { return len(n.Roles) > 0 }

// anyNode is a random node whose operator is a sim account (so it can sign).
func anyNode(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, filters ...nodeFilter) (types.Node, simsx.SimAccount) {
	var nodes []types.Node
	must0(k.Nodes.Walk(ctx, nil, func(_ sdk.AccAddress, n types.Node) (bool, error) {
		for _, f := range filters {
			if !f(n) {
				return false, nil
			}
		}
		if testData.HasAccount(n.Operator) {
			nodes = append(nodes, n)
		}
		return false, nil
	}))
	if len(nodes) == 0 {
		reporter.Skip("no such node")
		return types.Node{}, simsx.SimAccount{}
	}
	n := nodes[testData.Rand().Intn(len(nodes))]
	return n, testData.GetAccount(reporter, n.Operator)
}

func freeSlots(ctx context.Context, k keeper.Keeper, params types.Params, role types.NodeRole) uint64 {
	rs := must(k.RoleStates.Get(ctx, int32(role)))
	return params.Roles[role-1].SlotCap - min(rs.SlotsHeld, params.Roles[role-1].SlotCap)
}

func sortParts(parts []types.RolePart) {
	slices.SortFunc(parts, func(a, b types.RolePart) int { return int(a.Role) - int(b.Role) })
}

// expectError accepts exactly a refusal with want.
func expectError(want error) simsx.SimDeliveryResultHandler {
	return func(err error) error {
		if err == nil {
			return fmt.Errorf("expected %v, but the message was accepted", want)
		}
		if !errors.Is(err, want) {
			return fmt.Errorf("expected %v, got %w", want, err)
		}
		return nil
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func must0(err error) {
	if err != nil {
		panic(err)
	}
}
