package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/types"
)

// A node's reporter key signs its reports, answers and claims itself (naming its own
// address as operator); a claim it signs pays the node's withdraw address; rotating or
// revoking the key ends its power at once.
func TestReporterKeyActsForItsNode(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, nil)
	op, hot, payee := f.operator("op"), f.operator("hot"), f.operator("payee")
	_, err := f.msg.RegisterNode(f.ctx, &types.MsgRegisterNode{Operator: op.String(), Moniker: "n", Roles: []types.NodeRole{w},
		Stake: ktUaegisInt(f.params.Roles[0].MinStake), Reporter: hot.String()})
	require.NoError(t, err)
	node, err := f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	require.Equal(t, hot.String(), node.Node.Reporter)
	_, err = f.msg.SetWithdrawAddress(f.ctx, &types.MsgSetWithdrawAddress{Operator: op.String(), WithdrawAddress: payee.String()})
	require.NoError(t, err)

	require.NoError(t, f.report(hot, w, 150, 100, 80), "the reporter reports for the node")
	node, err = f.q.Node(f.ctx, &types.QueryNodeRequest{Operator: op.String()})
	require.NoError(t, err)
	require.Equal(t, uint64(1), node.Node.LastReportDay)
	f.clock.day = 2
	f.tick(1, ktAmount)
	hotBefore, payeeBefore := f.bank.get(hot.String()), f.bank.get(payee.String())
	res, err := f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: hot.String()})
	require.NoError(t, err)
	require.True(t, res.Amount.IsAllPositive())
	require.Equal(t, hotBefore.String(), f.bank.get(hot.String()).String(), "the reporter is never paid")
	require.Equal(t, payeeBefore.Add(res.Amount.AmountOf(denom)).String(), f.bank.get(payee.String()).String())

	// Rotate: the old key no longer acts for the node.
	hot2 := f.operator("hot2")
	_, err = f.msg.SetReporter(f.ctx, &types.MsgSetReporter{Operator: op.String(), Reporter: hot2.String()})
	require.NoError(t, err)
	require.ErrorIs(t, f.report(hot, w, 150, 100, 80), types.ErrUnknownNode)
	// Revoke.
	_, err = f.msg.SetReporter(f.ctx, &types.MsgSetReporter{Operator: op.String(), Reporter: ""})
	require.NoError(t, err)
	require.ErrorIs(t, f.report(hot2, w, 150, 100, 80), types.ErrUnknownNode)
	f.checkInvariants()

	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
}

// Every bad reporter is refused with a registered error and changes nothing.
func TestReporterRejections(t *testing.T) {
	w := types.NODE_ROLE_WORKER
	f := newFixture(t, nil)
	a, b := f.register("a", w), f.register("b", w)
	hot := f.operator("hot")
	_, err := f.msg.SetReporter(f.ctx, &types.MsgSetReporter{Operator: b.String(), Reporter: hot.String()})
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		msg  *types.MsgSetReporter
		want error
	}{
		{"not an address", &types.MsgSetReporter{Operator: a.String(), Reporter: "aegis1nope"}, sdkerrors.ErrInvalidAddress},
		{"the operator itself", &types.MsgSetReporter{Operator: a.String(), Reporter: a.String()}, types.ErrInvalidReporter},
		{"another node's operator", &types.MsgSetReporter{Operator: a.String(), Reporter: b.String()}, types.ErrInvalidReporter},
		{"another node's reporter", &types.MsgSetReporter{Operator: a.String(), Reporter: hot.String()}, types.ErrInvalidReporter},
		{"a module account", &types.MsgSetReporter{Operator: a.String(), Reporter: modAddr(types.ModuleName)}, types.ErrInvalidReporter},
		{"no such node", &types.MsgSetReporter{Operator: f.operator("nobody").String(), Reporter: f.operator("x").String()}, types.ErrUnknownNode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			_, err = f.msg.SetReporter(f.ctx, tc.msg)
			require.ErrorIs(t, err, tc.want)
			after, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "a rejected message changes nothing")
		})
	}
	// A reporter key cannot register as a node (it would name two nodes).
	_, err = f.msg.RegisterNode(f.ctx, &types.MsgRegisterNode{Operator: hot.String(), Moniker: "m", Roles: []types.NodeRole{w},
		Stake: ktUaegisInt(f.params.Roles[0].MinStake)})
	require.ErrorIs(t, err, types.ErrNodeExists)

	// Genesis refuses a reporter shared by two nodes, and rebuilds the index on import.
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	bad := *gs
	bad.Nodes = append([]types.Node(nil), gs.Nodes...)
	for i := range bad.Nodes {
		bad.Nodes[i].Reporter = hot.String()
	}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
	g := newFixture(t, func(s *types.GenesisState) { *s = *gs })
	of, err := g.k.Reporters.Get(g.ctx, hot)
	require.NoError(t, err)
	require.Equal(t, b, sdk.AccAddress(of))
}
