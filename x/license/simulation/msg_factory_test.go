package simulation_test

import (
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/simulation"
	"github.com/aegis-chain/aegis/x/license/types"
	porkeeper "github.com/aegis-chain/aegis/x/por/keeper"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// factoryChain is a chain whose license authority is its first account.
type factoryChain struct {
	*testutil.TestChain
	t *testing.T
}

// newFactoryChain: licenses 1 to 3 belong to account 1; license 1 is bound to account 3,
// which registers a WORKER node with no escrowed stake (the license is its whole stake),
// and account 2 registers a node escrowing its own.
// On MAINNET redemption is enabled.
func newFactoryChain(t *testing.T, stage types.Stage) *factoryChain {
	return newFactoryChainWith(t, stage, nil)
}

// newFactoryChainWith is newFactoryChain with the genesis changed by mutate too.
func newFactoryChainWith(t *testing.T, stage types.Stage, mutate func(codec.JSONCodec, app.GenesisState)) *factoryChain {
	c := testutil.NewSeededTestChain(t, 4, 7, func(cdc codec.JSONCodec, g app.GenesisState, accs []testutil.Account) {
		if mutate != nil {
			mutate(cdc, g)
		}
		var gs types.GenesisState
		cdc.MustUnmarshalJSON(g[types.ModuleName], &gs)
		gs.Params.Authority = accs[0].Address.String()
		gs.Params.Stage, gs.Params.RedemptionEnabled = stage, stage == types.STAGE_MAINNET
		gs.Minted = 3
		for id := uint64(1); id <= 3; id++ {
			l := types.License{Id: id, Owner: accs[1].Address.String(), Status: types.STATUS_ACTIVE, Backing: gs.Params.StakeEquivalent}
			if id == 1 {
				l.Binding = types.Binding{Kind: types.BINDING_NODE, Target: accs[3].Address.String()}
			}
			gs.Licenses = append(gs.Licenses, l)
		}
		g[types.ModuleName] = cdc.MustMarshalJSON(&gs)
	})
	f := &factoryChain{TestChain: c, t: t}
	for i, stake := range []math.Int{2: portypes.DefaultMinStake, 3: math.ZeroInt()} {
		if stake.IsNil() {
			continue
		}
		op := c.Accounts[i]
		res := c.DeliverMsgs(time.Second, op, &portypes.MsgRegisterNode{Operator: op.Address.String(), Moniker: "n",
			Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}, Stake: sdk.NewCoin(app.BondDenom, stake)})
		require.Zero(t, res.Code, res.Log)
	}
	return f
}

// build has f build a message from the chain's state with randomness seed; it returns the
// proposed signers and the message (nil when f skipped).
func (c *factoryChain) build(f simsx.SimMsgFactoryX, seed int64) ([]simsx.SimAccount, sdk.Msg) {
	ctx := c.Context()
	accs := make([]simtypes.Account, len(c.Accounts))
	for i, a := range c.Accounts {
		accs[i] = simtypes.Account{PrivKey: a.PrivKey, PubKey: a.PrivKey.PubKey(), Address: a.Address, AddressBech32: a.Address.String()}
	}
	testData := simsx.NewChainDataSource(ctx, rand.New(rand.NewSource(seed)), c.App.AccountKeeper, c.App.BankKeeper,
		c.App.AccountKeeper.AddressCodec(), accs...)
	reporter := simsx.NewBasicSimulationReporter().WithScope(f.MsgType())
	signers, msg := f.Create()(ctx, testData, reporter)
	if reporter.IsSkipped() {
		require.Nil(c.t, msg)
		return nil, nil
	}
	require.NotNil(c.t, msg)
	return signers, msg
}

// run builds a message with f, delivers it signed by its one signer and checks the outcome
// is the one f predicted. It returns the message (nil when f skipped).
func (c *factoryChain) run(f simsx.SimMsgFactoryX, seed int64) sdk.Msg {
	signers, msg := c.build(f, seed)
	if msg == nil {
		return nil
	}
	require.Len(c.t, signers, 1)
	var from testutil.Account
	for _, a := range c.Accounts {
		if a.Address.Equals(signers[0].Address) {
			from = a
		}
	}
	res := c.DeliverMsgs(time.Second, from, msg)
	var err error
	if res.Code != 0 {
		err = errorsmod.ABCIError(res.Codespace, res.Code, res.Log)
	}
	require.NoError(c.t, f.DeliveryResultHandler()(err), "%T %v", msg, msg)
	return msg
}

func (c *factoryChain) license(id uint64) types.License {
	l, err := c.App.LicenseKeeper.Licenses.Get(c.Context(), id)
	require.NoError(c.t, err)
	return l
}

// TestBindToNodeFactory: with x/por nodes registered, the factory binds idle licenses to
// one of them, and the unbind factory predicts which unbinds the node refuses.
func TestBindToNodeFactory(t *testing.T) {
	c := newFactoryChain(t, types.STAGE_TESTNET)
	k := c.App.LicenseKeeper
	por := porkeeper.NewQuerier(c.App.PorKeeper)
	nodes := map[string]bool{c.Accounts[2].Address.String(): true, c.Accounts[3].Address.String(): true}

	msg, ok := c.run(simulation.MsgBindToNodeFactory(k, por), 1).(*types.MsgBindToNode)
	require.True(t, ok, "the factory skipped")
	require.True(t, nodes[msg.Node], "bound to %s, not a node", msg.Node)
	require.NotContains(t, msg.Ids, uint64(1), "license 1 is already bound")
	for _, id := range msg.Ids {
		require.Equal(t, types.Binding{Kind: types.BINDING_NODE, Target: msg.Node}, c.license(id).Binding)
	}

	// Unbinding: license 1 alone carries node 3's WORKER role, so an unbind that takes
	// its stake from node 3 is refused; the others go through. Both must be predicted.
	refused, done := 0, 0
	for seed := int64(1); seed <= 30 && c.license(1).Binding.Kind == types.BINDING_NODE; seed++ {
		m := c.run(simulation.MsgUnbindFactory(k), seed)
		if m == nil {
			break
		}
		if c.license(m.(*types.MsgUnbind).Ids[0]).Binding.Kind == types.BINDING_NONE {
			done++
		} else {
			refused++
		}
	}
	require.Positive(t, refused, "no refused unbind")
	require.Positive(t, done, "no unbind went through")
}

// TestFactoriesPredictDelivery runs every factory many times on one chain of each stage,
// delivering each message: each must be accepted, or refused with the error its factory
// expected, and every message of the stage must have been delivered.
func TestFactoriesPredictDelivery(t *testing.T) {
	for _, stage := range []types.Stage{types.STAGE_TESTNET, types.STAGE_MAINNET} {
		t.Run(stage.String(), func(t *testing.T) {
			c := newFactoryChain(t, stage)
			k := c.App.LicenseKeeper
			por := porkeeper.NewQuerier(c.App.PorKeeper)
			factories := []simsx.SimMsgFactoryX{
				simulation.MsgMintLicensesFactory(k), simulation.MsgMintLicensesRejectedFactory(k),
				simulation.MsgTransferLicensesFactory(k), simulation.MsgAuthorizeOperatorFactory(k),
				simulation.MsgRevokeOperatorFactory(k), simulation.MsgBindToValidatorFactory(k, c.App.StakingKeeper),
				simulation.MsgBindToNodeFactory(k, por), simulation.MsgUnbindFactory(k),
				simulation.MsgRedeemLicensesFactory(k), simulation.MsgClaimLicenseRewardsFactory(k),
			}
			delivered := map[string]int{}
			r := rand.New(rand.NewSource(3))
			for i := 0; i < 300; i++ {
				f := factories[r.Intn(len(factories))]
				if msg := c.run(f, r.Int63()); msg != nil {
					delivered[sdk.MsgTypeURL(msg)]++
				}
			}
			t.Logf("delivered: %v", delivered)
			want := []sdk.Msg{&types.MsgTransferLicenses{}, &types.MsgAuthorizeOperator{}, &types.MsgRevokeOperator{},
				&types.MsgBindToValidator{}, &types.MsgBindToNode{}, &types.MsgUnbind{}, &types.MsgClaimLicenseRewards{}}
			if stage == types.STAGE_TESTNET {
				want = append(want, &types.MsgMintLicenses{})
			} else {
				want = append(want, &types.MsgRedeemLicenses{})
			}
			for _, msg := range want {
				require.Positive(t, delivered[sdk.MsgTypeURL(msg)], "%T never delivered", msg)
			}

			// Governance's params updates (proposals execute through the Msg service).
			for i := int64(0); i < 20; i++ {
				_, m := c.build(simulation.MsgUpdateParamsFactory(k), i)
				msg := m.(*types.MsgUpdateParams)
				_, err := keeper.NewMsgServerImpl(k).UpdateParams(c.Context(), msg)
				require.NoError(t, err, "%v", msg.Params)
			}
		})
	}
}
