package simulation

import (
	"context"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// Escaping a challenge (issue 22): a node with a challenge unresolved frees its roles and
// unbonds its stake before the deadline, hoping the miss finds nothing to slash. Both are
// accepted; the unbonding entries, created after the challenge was issued, stay slashable
// for it and are not paid while it is unresolved (the por_stake invariant checks that the
// stake account holds every stake and entry, slashed or not).

// challenged keeps the nodes with a challenge unresolved.
func challenged(ctx context.Context, k keeper.Keeper) nodeFilter {
	return func(n types.Node) bool {
		return must(k.UnresolvedChallenge(ctx, sdk.MustAccAddressFromBech32(n.Operator))) != 0
	}
}

// MsgDeactivateRoleChallengedFactory frees a role of a node with a challenge unresolved,
// so that its stake can then be unbonded.
func MsgDeactivateRoleChallengedFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgDeactivateRole] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgDeactivateRole) {
		node, from := anyNode(ctx, k, testData, reporter, withRoles, challenged(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		role := node.Roles[testData.Rand().Intn(len(node.Roles))]
		return []simsx.SimAccount{from}, &types.MsgDeactivateRole{Operator: node.Operator, Role: role}
	}
}

// MsgUnbondStakeChallengedFactory unbonds, from a node with a challenge unresolved, all the
// escrow its active roles do not need (half the time; otherwise a random part of it):
// escrow and license stake together must cover the roles.
func MsgUnbondStakeChallengedFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUnbondStake] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUnbondStake) {
		params := must(k.Params.Get(ctx))
		hasStake := func(n types.Node) bool { return n.Stake.IsPositive() }
		node, from := anyNode(ctx, k, testData, reporter, hasStake, challenged(ctx, k))
		if reporter.IsSkipped() {
			return nil, nil
		}
		op := sdk.MustAccAddressFromBech32(node.Operator)
		// The escrow the roles do not need: all of it when the licenses bound to the node
		// cover the roles, else what is above their min_stake.
		spare := node.Stake.Sub(params.RequiredStake(node.Roles))
		if k.CheckStakeWithout(ctx, op, node.Stake) == nil {
			spare = node.Stake
		}
		if !spare.IsPositive() {
			reporter.Skip("the roles need all the escrow")
			return nil, nil
		}
		amount := spare
		if r := testData.Rand(); r.Intn(2) == 0 {
			amount = must(r.PositiveSDKIntn(spare))
		}
		return []simsx.SimAccount{from}, &types.MsgUnbondStake{Operator: node.Operator, Amount: sdk.NewCoin(params.StakeDenom, amount)}
	}
}
