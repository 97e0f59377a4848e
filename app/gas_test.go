package app_test

import (
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// gasAutoResult is a tx sent as `--gas auto` sends it: the gas the simulation reported and
// the block's result of the tx signed with exactly that gas limit.
type gasAutoResult struct {
	simulated, wanted, used uint64
	code                    uint32
	log                     string
}

// gasAuto sends msgs from `from` as `aegisd tx ... --gas auto --gas-prices <prices>` does
// with the default gas adjustment 1.0, through the SDK client's own code: BuildSimTx (the
// key's public key, an empty signature, no gas limit and so a zero fee), the app's Simulate
// (what the node's gRPC tx service calls), then the tx signed with the simulated gas as its
// limit and fee = limit × price, delivered in the next block. feeGranter, when set, pays.
func gasAuto(t *testing.T, c *testutil.TestChain, from testutil.Account, feeGranter sdk.AccAddress, prices string, msgs ...sdk.Msg) gasAutoResult {
	t.Helper()
	kr := keyring.NewInMemory(c.App.AppCodec())
	require.NoError(t, kr.ImportPrivKeyHex("from", hex.EncodeToString(from.PrivKey.Bytes()), "secp256k1"))
	acc := c.App.AccountKeeper.GetAccount(c.Context(), from.Address)
	require.NotNil(t, acc, "account %s does not exist", from.Address)
	txf := clienttx.Factory{}.WithTxConfig(c.App.TxConfig()).WithKeybase(kr).WithFromName("from").
		WithChainID(testutil.ChainID).WithAccountNumber(acc.GetAccountNumber()).WithSequence(acc.GetSequence()).
		WithGasAdjustment(1.0).WithSimulateAndExecute(true).WithGasPrices(prices).WithFeeGranter(feeGranter)
	simBytes, err := txf.BuildSimTx(msgs...)
	require.NoError(t, err)
	gasInfo, _, err := c.App.Simulate(simBytes)
	require.NoError(t, err, "simulation")

	txf = txf.WithGas(gasInfo.GasUsed)
	b, err := txf.BuildUnsignedTx(msgs...)
	require.NoError(t, err)
	require.NoError(t, clienttx.Sign(context.Background(), txf, "from", b, true))
	bz, err := c.App.TxConfig().TxEncoder()(b.GetTx())
	require.NoError(t, err)
	res := c.NextBlock(time.Second, bz)
	require.Len(t, res.TxResults, 1)
	r := res.TxResults[0]
	return gasAutoResult{simulated: gasInfo.GasUsed, wanted: uint64(r.GasWanted), used: uint64(r.GasUsed), code: r.Code, log: r.Log}
}

// A tx sent with --gas auto and the default gas adjustment (1.0) gets in the block at most
// the gas its simulation reported, for every kind of tx the README, docs/operators.md and
// `aegis-node init` tell users to send: the simulation of a tx that carries no fee yet
// (its gas limit is what is being estimated) counts the fee payment the signed tx makes.
// Before, every one of these ran out of gas in the block, about 16,100 gas short.
func TestGasAutoCoversDelivery(t *testing.T) {
	c := testutil.NewTestChainWithAccounts(t, 3, func(cdc codec.JSONCodec, g app.GenesisState, accs []testutil.Account) {
		editSection(t, cdc, g, emissiontypes.ModuleName, func(gs *emissiontypes.GenesisState) { gs.Params.DaySeconds = 10 })
		editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) { gs.Params.Authority = accs[0].Address.String() })
	})
	alice, op := c.Accounts[0], c.Accounts[1]
	newKey := func() testutil.Account {
		k := secp256k1.GenPrivKey()
		return testutil.Account{PrivKey: k, Address: sdk.AccAddress(k.PubKey().Address())}
	}
	bob, hot := newKey(), newKey()
	const prices = "0.025" + app.BondDenom

	send := func(name string, from testutil.Account, granter sdk.AccAddress, msgs ...sdk.Msg) {
		t.Helper()
		r := gasAuto(t, c, from, granter, prices, msgs...)
		t.Logf("%-30s simulated %7d  used in the block %7d  (%+d)", name, r.simulated, r.used, int64(r.used)-int64(r.simulated))
		require.Zero(t, r.code, "%s: %s", name, r.log)
		require.Equal(t, r.simulated, r.wanted, name)
		require.LessOrEqual(t, r.used, r.wanted, "%s: the block used more gas than the simulation reported", name)
	}
	uaegis := func(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, n)) }
	report := &portypes.MsgSubmitReport{Operator: op.Address.String(), Totals: portypes.Resources{Compute: 400, Storage: 400, Bandwidth: 400},
		Parts: []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: portypes.Resources{Compute: 150, Storage: 100, Bandwidth: 80}}}}
	grant := func(msg sdk.Msg) sdk.Msg {
		m, err := authz.NewMsgGrant(op.Address, hot.Address, authz.NewGenericAuthorization(sdk.MsgTypeURL(msg)), nil)
		require.NoError(t, err)
		return m
	}

	send("bank send to a new account", alice, nil, banktypes.NewMsgSend(alice.Address, bob.Address, uaegis(1_000_000)))
	send("bank send", alice, nil, banktypes.NewMsgSend(alice.Address, bob.Address, uaegis(1_000_000)))
	send("bank send, the key's first tx", bob, nil, banktypes.NewMsgSend(bob.Address, alice.Address, uaegis(1)))
	send("license mint", alice, nil, &licensetypes.MsgMintLicenses{Authority: alice.Address.String(), Owner: alice.Address.String(), Count: 5})
	send("por register", op, nil, &portypes.MsgRegisterNode{Operator: op.Address.String(), Moniker: "n",
		Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}, Stake: sdk.NewCoin(app.BondDenom, portypes.DefaultMinStake)})
	send("por report", op, nil, report)
	for i := 0; i < 3; i++ { // the report's day ends and pays
		c.NextBlock(10 * time.Second)
	}
	send("por claim", op, nil, &portypes.MsgClaimRewards{Operator: op.Address.String()})

	// aegis-node init's commands: authz grants and a fee allowance for the hot key, then
	// the hot key's MsgExec paid by the allowance, as aegis-node sends it.
	send("authz grant", op, nil, grant(&portypes.MsgClaimRewards{}))
	allowance, err := feegrant.NewAllowedMsgAllowance(&feegrant.BasicAllowance{}, []string{sdk.MsgTypeURL(&authz.MsgExec{})})
	require.NoError(t, err)
	fg, err := feegrant.NewMsgGrantAllowance(allowance, op.Address, hot.Address)
	require.NoError(t, err)
	send("feegrant grant", op, nil, fg)
	send("por report, a later day", op, nil, report)
	for i := 0; i < 3; i++ {
		c.NextBlock(10 * time.Second)
	}
	exec := authz.NewMsgExec(hot.Address, []sdk.Msg{&portypes.MsgClaimRewards{Operator: op.Address.String()}})
	send("authz exec, fee granted", hot, op.Address, &exec)

	// A key holding nothing can only send a free tx: its simulation must not fail for a
	// fee it will not pay (the stand-in fee is skipped), and the tx still gets in.
	own, err := authz.NewMsgGrant(hot.Address, alice.Address, authz.NewGenericAuthorization(sdk.MsgTypeURL(report)), nil)
	require.NoError(t, err)
	r := gasAuto(t, c, hot, nil, "0"+app.BondDenom, own)
	require.Zero(t, r.code, r.log)
	require.LessOrEqual(t, r.used, r.wanted)
}
