package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

func abciEvent(ev sdk.Event) abci.Event { return abci.Event(ev) }

// TestUnbondingPayoutFailureIsSetAside: a matured unbonding entry that cannot be paid (a
// refused transfer, an operator address that no longer parses) never fails the
// EndBlocker: it leaves the queue, is kept as still owed with an event naming it and the
// cause, and the other entries are paid (issue #10, the "set aside" rule of section 7). It
// is retried a day later, MaxPayoutAttempts times in all, then set aside: kept, still owed,
// and paid only by MsgRetryPayout (issue 22).
func TestUnbondingPayoutFailureIsSetAside(t *testing.T) {
	f := newFixture(t, nil)
	w := types.NODE_ROLE_WORKER
	extra := math.NewInt(9000)
	alice, bob := f.operator("alice"), f.operator("bob")
	for _, op := range []sdk.AccAddress{alice, bob} {
		_, err := f.msg.RegisterNode(f.ctx, &types.MsgRegisterNode{Operator: op.String(), Moniker: "m", Roles: []types.NodeRole{w}, Stake: ktUaegisInt(types.DefaultMinStake.Add(extra))})
		require.NoError(t, err)
		_, err = f.msg.UnbondStake(f.ctx, &types.MsgUnbondStake{Operator: op.String(), Amount: ktUaegis(3000)})
		require.NoError(t, err)
	}
	// An entry whose operator stopped parsing (e.g. after a prefix change).
	id, err := f.k.NextUnbondingID.Next(f.ctx)
	require.NoError(t, err)
	garbled := types.UnbondingEntry{Operator: "cosmos1garbled", Amount: math.NewInt(3000), Id: id, CompletionTime: f.ctx.BlockTime().Add(time.Second)}
	require.NoError(t, f.k.Unbonding.Set(f.ctx, keeper.UnbondingKey(garbled), garbled))
	// Keep the escrow matching: move bob's node stake into the garbled entry's 3000.
	node, err := f.k.Nodes.Get(f.ctx, bob)
	require.NoError(t, err)
	node.Stake = node.Stake.SubRaw(3000)
	require.NoError(t, f.k.Nodes.Set(f.ctx, bob, node))
	f.bank.refuse[alice.String()] = true
	f.checkInvariants()

	ctx := f.ctx.WithBlockTime(f.ctx.BlockTime().Add(10_000 * time.Second)).WithEventManager(sdk.NewEventManager())
	bobBefore := f.bank.get(bob.String())
	require.NoError(t, f.k.EndBlocker(ctx), "a failed payout must not fail the block")
	require.Equal(t, bobBefore.AddRaw(3000).String(), f.bank.get(bob.String()).String(), "bob's entry is paid")

	setAsideEvents := func(ctx sdk.Context) []*types.EventUnbondingSetAside {
		var out []*types.EventUnbondingSetAside
		for _, ev := range ctx.EventManager().Events() {
			msg, err := sdk.ParseTypedEvent(abciEvent(ev))
			require.NoError(t, err)
			if e, ok := msg.(*types.EventUnbondingSetAside); ok {
				out = append(out, e)
			}
		}
		return out
	}
	setAside := setAsideEvents(ctx)
	require.Len(t, setAside, 2)
	for _, ev := range setAside {
		require.Equal(t, uint32(1), ev.Attempts)
		require.NotNil(t, ev.RetryAt, "retried a day later")
	}
	gs, err := f.k.ExportGenesis(ctx)
	require.NoError(t, err)
	require.Len(t, gs.Unbonding, 2, "still queued for the next try")
	require.Empty(t, gs.SetAside)
	for i := 2; i <= keeper.MaxPayoutAttempts; i++ {
		ctx = ctx.WithBlockTime(ctx.BlockTime().Add(25 * time.Hour)).WithEventManager(sdk.NewEventManager())
		require.NoError(t, f.k.EndBlocker(ctx))
		setAside = setAsideEvents(ctx)
		require.Len(t, setAside, 2)
		for _, ev := range setAside {
			require.Equal(t, uint32(i), ev.Attempts)
			require.Equal(t, i == keeper.MaxPayoutAttempts, ev.RetryAt == nil, "attempt %d", i)
		}
	}
	f.ctx = ctx
	byOp := map[string]*types.EventUnbondingSetAside{setAside[0].Operator: setAside[0], setAside[1].Operator: setAside[1]}
	require.Contains(t, byOp[alice.String()].Reason, "refuses transfers")
	require.Contains(t, byOp["cosmos1garbled"].Reason, "decoding bech32")
	require.Equal(t, id, byOp["cosmos1garbled"].Id)

	gs, err = f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Empty(t, gs.Unbonding, "the queue is empty")
	require.Len(t, gs.SetAside, 2, "still owed, exported")
	require.NoError(t, gs.Validate())
	f.checkInvariants() // por_stake still holds the set-aside tokens

	// A later block does not retry or fail.
	require.NoError(t, f.k.EndBlocker(ctx.WithBlockTime(ctx.BlockTime().Add(time.Hour))))

	// Listed by the query; anyone's MsgRetryPayout pays an entry once its cause is gone,
	// and fails, changing nothing, while it is not.
	list, err := keeper.NewQuerier(f.k).SetAsidePayouts(f.ctx, &types.QuerySetAsidePayoutsRequest{Operator: alice.String()})
	require.NoError(t, err)
	require.Len(t, list.Entries, 1)
	aliceID := list.Entries[0].Id
	anyone := f.operator("anyone").String()
	_, err = f.msg.RetryPayout(f.ctx, &types.MsgRetryPayout{Signer: anyone, Ids: []uint64{aliceID}})
	require.ErrorIs(t, err, types.ErrPayoutFailed)
	delete(f.bank.refuse, alice.String())
	aliceBefore := f.bank.get(alice.String())
	_, err = f.msg.RetryPayout(f.ctx, &types.MsgRetryPayout{Signer: anyone, Ids: []uint64{aliceID}})
	require.NoError(t, err)
	require.Equal(t, aliceBefore.AddRaw(3000).String(), f.bank.get(alice.String()).String())
	_, err = f.msg.RetryPayout(f.ctx, &types.MsgRetryPayout{Signer: anyone, Ids: []uint64{aliceID}})
	require.ErrorIs(t, err, types.ErrUnknownPayout)
	f.checkInvariants()
}
