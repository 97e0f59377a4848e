package simulation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	vestingtypes "github.com/cosmos/cosmos-sdk/x/auth/vesting/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/testutil/posttest"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/license/simulation"
	"github.com/aegis-chain/aegis/x/license/types"
	porkeeper "github.com/aegis-chain/aegis/x/por/keeper"
	porsim "github.com/aegis-chain/aegis/x/por/simulation"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestStakeAccountAttackFactories (issue 22 items 1 and 2): vesting accounts planted at
// the next license ids are accepted and those at minted licenses refused, as the factories
// predict; a mint over a planted account replaces it by the license's module account; a
// top-up during an unbonding is paid to the owner at settlement; every invariant holds.
func TestStakeAccountAttackFactories(t *testing.T) {
	c := newFactoryChain(t, types.STAGE_TESTNET)
	k, ak := c.App.LicenseKeeper, c.App.AccountKeeper
	plants := []simsx.SimMsgFactoryX{
		simulation.MsgPlantPermanentLockedAccountFactory(k, ak), simulation.MsgPlantVestingAccountFactory(k, ak),
		simulation.MsgPlantPeriodicVestingAccountFactory(k, ak),
	}
	planted, refused := 0, 0
	for seed := int64(1); seed <= 60; seed++ {
		msg := c.run(plants[seed%3], seed)
		if msg == nil {
			continue
		}
		var to string
		switch m := msg.(type) {
		case *vestingtypes.MsgCreatePermanentLockedAccount:
			to = m.ToAddress
		case *vestingtypes.MsgCreateVestingAccount:
			to = m.ToAddress
		case *vestingtypes.MsgCreatePeriodicVestingAccount:
			to = m.ToAddress
		}
		if _, ok := ak.GetAccount(c.Context(), sdk.MustAccAddressFromBech32(to)).(sdk.ModuleAccountI); ok {
			refused++
		} else {
			planted++
		}
	}
	require.Positive(t, planted, "no account planted at a future license")
	require.Positive(t, refused, "no plant at a minted license refused")

	// Mints over the planted accounts: each becomes its license's module account.
	for seed := int64(1); seed <= 10; seed++ {
		msg := c.run(simulation.MsgMintOverPlantedFactory(k, ak), seed)
		if msg == nil {
			break
		}
		minted, err := k.Minted.Get(c.Context())
		require.NoError(t, err)
		acc, ok := ak.GetAccount(c.Context(), types.LicenseAccount(minted)).(sdk.ModuleAccountI)
		require.True(t, ok, "license %d's account is not a module account", minted)
		require.Equal(t, types.StakeAccountName(minted), acc.GetName())
	}
	require.NoError(t, c.App.CheckInvariants(c.Context()))

	// Top-up during an unbonding: license 2 bound to the validator and unbound.
	owner := c.Accounts[1]
	vals, err := c.App.StakingKeeper.GetBondedValidatorsByPower(c.Context())
	require.NoError(t, err)
	for _, msg := range []sdk.Msg{
		&types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{2}, Validator: vals[0].OperatorAddress},
		&types.MsgUnbind{Signer: owner.Address.String(), Ids: []uint64{2}},
	} {
		res := c.DeliverMsgs(time.Second, owner, msg)
		require.Zero(t, res.Code, res.Log)
	}
	require.NotNil(t, c.license(2).UnbondingUntil)
	send, ok := c.run(simulation.MsgTopUpUnbondingFactory(k), 1).(*banktypes.MsgSend)
	require.True(t, ok, "the top-up factory skipped")
	require.Equal(t, types.LicenseAccount(2).String(), send.ToAddress)
	require.NoError(t, c.App.CheckInvariants(c.Context()))

	// The unbonding completes: the settlement burns the stake and pays the top-up on.
	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(t, err)
	c.NextBlock(params.UnbondingTime + time.Second)
	c.NextBlock(time.Second)
	require.Nil(t, c.license(2).UnbondingUntil, "the unbonding did not settle")
	require.True(t, c.App.BankKeeper.GetAllBalances(c.Context(), types.LicenseAccount(2)).IsZero(), "the top-up stayed in the account")
	require.NoError(t, c.App.CheckInvariants(c.Context()))
}

// TestChallengeAttackFactories (issue 22 item 6): with a challenge pending on the nodes,
// unbinding the license bound to one is refused with ErrChallengePending (by the attack's
// factory and by MsgUnbindFactory, which must predict it), and the nodes can free their
// roles and unbond their escrow; every invariant holds.
func TestChallengeAttackFactories(t *testing.T) {
	c := newFactoryChainWith(t, types.STAGE_TESTNET, func(cdc codec.JSONCodec, g app.GenesisState) {
		var em emissiontypes.GenesisState
		cdc.MustUnmarshalJSON(g[emissiontypes.ModuleName], &em)
		em.Params.DaySeconds = 60
		g[emissiontypes.ModuleName] = cdc.MustMarshalJSON(&em)
		var por portypes.GenesisState
		cdc.MustUnmarshalJSON(g[portypes.ModuleName], &por)
		cp := &por.Params.Challenge
		cp.ChallengesPerDay, cp.AnswerWindowBlocks, cp.SpreadBlocks = 10, 30, 0
		cp.Storage = posttest.Params()
		g[portypes.ModuleName] = cdc.MustMarshalJSON(&por)
	})
	k, pk := c.App.LicenseKeeper, c.App.PorKeeper
	nodes := []testutil.Account{c.Accounts[2], c.Accounts[3]}
	resources := portypes.Resources{Compute: 150, Storage: 100, Bandwidth: 80}
	for _, n := range nodes {
		res := c.DeliverMsgs(time.Second, n, &portypes.MsgSubmitReport{
			Operator: n.Address.String(), Totals: resources,
			Parts: []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: resources}},
		})
		require.Zero(t, res.Code, res.Log)
	}
	c.NextBlock(testutil.GenesisTime.Add(60 * time.Second).Sub(c.Time)) // day 2 samples day 1
	for _, n := range nodes {
		id, err := pk.UnresolvedChallenge(c.Context(), n.Address)
		require.NoError(t, err)
		require.NotZero(t, id, "node %s has no challenge", n.Address)
	}

	por := porkeeper.NewQuerier(pk)
	for _, f := range []simsx.SimMsgFactoryX{simulation.MsgUnbindChallengedFactory(k, por), simulation.MsgUnbindFactory(k)} {
		msg, ok := c.run(f, 1).(*types.MsgUnbind)
		require.True(t, ok, "the factory skipped")
		require.Equal(t, []uint64{1}, msg.Ids)
		require.Equal(t, types.BINDING_NODE, c.license(1).Binding.Kind, "license 1 was unbound with a challenge pending")
	}

	// Both nodes free their roles, then node 2 unbonds all its escrow.
	for seed := int64(1); seed <= 10; seed++ {
		if c.run(porsim.MsgDeactivateRoleChallengedFactory(pk), seed) == nil {
			break
		}
	}
	for _, n := range nodes {
		node, err := pk.Nodes.Get(c.Context(), n.Address)
		require.NoError(t, err)
		require.Empty(t, node.Roles)
	}
	msg, ok := c.run(porsim.MsgUnbondStakeChallengedFactory(pk), 2).(*portypes.MsgUnbondStake)
	require.True(t, ok, "the unbond factory skipped")
	require.Equal(t, nodes[0].Address.String(), msg.Operator)
	require.NoError(t, c.App.CheckInvariants(c.Context()))

	// The challenges are missed; their stake, unbonding included, answers for them.
	for i := 0; i < 40; i++ {
		c.NextBlock(time.Second)
		require.NoError(t, c.App.CheckInvariants(c.Context()), "block %d", c.App.LastBlockHeight())
	}
}
