package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	vestingtypes "github.com/cosmos/cosmos-sdk/x/auth/vesting/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
)

// The attacks of issue 22 on license stake, replayed through real messages.

func coins(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, n)) }

// requireStakeAccount checks that license id's account is its x/license module account.
func (c *chain) requireStakeAccount(id uint64) {
	c.T.Helper()
	acc := c.App.AccountKeeper.GetAccount(c.Context(), types.LicenseAccount(id))
	ma, ok := acc.(sdk.ModuleAccountI)
	require.True(c.T, ok, "license %d account is %T", id, acc)
	require.Equal(c.T, types.StakeAccountName(id), ma.GetName())
}

// bindUnbindSettle runs a whole binding of license id and checks it ends idle and empty.
func (c *chain) bindUnbindSettle(owner testutil.Account, id uint64) {
	c.T.Helper()
	c.bind(owner, c.validator().OperatorAddress, id)
	c.unbind(owner, id)
	c.NextBlock(c.unbondingTime() + time.Second)
	c.NextBlock(time.Second)
	l := c.license(id).License
	require.Nil(c.T, l.UnbondingUntil, "license %d settled", id)
	require.Nil(c.T, l.Settlement)
	require.True(c.T, c.balance(types.LicenseAccount(id)).IsZero())
	c.bind(owner, c.validator().OperatorAddress, id) // and it can bind again
}

// Item 1: an account planted at the address of a license about to be minted (license ids
// are predictable) — a permanent locked account holding 1 uaegis — is replaced by the
// license's module account at the mint, its uaegis paid to the owner; once minted, the
// address can no longer be made a vesting account; the license's stake comes and goes.
func TestPlantedStakeAccountIsReclaimedAtMint(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner, attacker := c.Accounts[1], c.Accounts[2]
	target := types.LicenseAccount(1)
	c.ok(c.DeliverMsgs(time.Second, attacker, &vestingtypes.MsgCreatePermanentLockedAccount{
		FromAddress: attacker.Address.String(), ToAddress: target.String(), Amount: coins(1),
	}))
	_, planted := c.App.AccountKeeper.GetAccount(c.Context(), target).(*vestingtypes.PermanentLockedAccount)
	require.True(t, planted)

	before := c.balance(owner.Address)
	res := c.DeliverMsgs(time.Second, c.dev, &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: owner.Address.String(), Count: 2})
	c.ok(res)
	reclaimed := testutil.TxEvents[*types.EventStakeAccountReclaimed](t, res)
	require.Len(t, reclaimed, 1)
	require.Equal(t, uint64(1), reclaimed[0].Id)
	require.Equal(t, "/cosmos.vesting.v1beta1.PermanentLockedAccount", reclaimed[0].Kind)
	require.Equal(t, coins(1), reclaimed[0].Swept)
	require.Equal(t, before.AddRaw(1), c.balance(owner.Address), "the planted uaegis went to the owner")
	c.requireStakeAccount(1)
	c.requireStakeAccount(2)

	// A minted license's account can no longer be created as anything else.
	res = c.DeliverMsgs(time.Second, attacker, &vestingtypes.MsgCreatePermanentLockedAccount{
		FromAddress: attacker.Address.String(), ToAddress: types.LicenseAccount(2).String(), Amount: coins(1),
	})
	require.NotZero(t, res.Code)
	require.Contains(t, res.Log, "already exists")
	c.requireStakeAccount(2)

	c.bindUnbindSettle(owner, 1)
	c.checkBackingInvariant()
	c = c.restart()
	c.requireStakeAccount(1)
}

// Item 1 at mainnet launch: a genesis whose x/auth holds a vesting account with locked
// tokens at a license's address boots with the license's module account there instead,
// the tokens paid to the owner, and the license binds, unbinds and settles.
func TestPlantedStakeAccountIsReclaimedAtGenesis(t *testing.T) {
	var owner sdk.AccAddress
	c := newChainWithApp(t, types.STAGE_MAINNET, func(gs *types.GenesisState, accs []testutil.Account) {
		gs.Minted = 1
		owner = accs[1].Address
		gs.Licenses = []types.License{{Id: 1, Owner: owner.String(), Status: types.STATUS_ACTIVE, Backing: se}}
	}, func(cdc codec.JSONCodec, g app.GenesisState) {
		target := types.LicenseAccount(1)
		var auth authtypes.GenesisState
		cdc.MustUnmarshalJSON(g[authtypes.ModuleName], &auth)
		base := authtypes.NewBaseAccountWithAddress(target)
		base.AccountNumber = uint64(len(auth.Accounts))
		planted, err := vestingtypes.NewPermanentLockedAccount(base, coins(5))
		require.NoError(t, err)
		anyAcc, err := codectypes.NewAnyWithValue(planted)
		require.NoError(t, err)
		auth.Accounts = append(auth.Accounts, anyAcc)
		g[authtypes.ModuleName] = cdc.MustMarshalJSON(&auth)
		var bank banktypes.GenesisState
		cdc.MustUnmarshalJSON(g[banktypes.ModuleName], &bank)
		bank.Balances = append(bank.Balances, banktypes.Balance{Address: target.String(), Coins: coins(5)})
		bank.Supply = bank.Supply.Add(coins(5)...)
		g[banktypes.ModuleName] = cdc.MustMarshalJSON(&bank)
	})
	c.requireStakeAccount(1)
	require.True(t, c.balance(types.LicenseAccount(1)).IsZero(), "the planted tokens were swept to the owner")
	c.bindUnbindSettle(c.Accounts[1], 1)
	c.checkBackingInvariant()
}

// Item 2: a 6% slash reaches a license's unbonding stake (9,400 of 10,000 come back, at or
// below the 95% threshold); the holder sends the missing 600 to the license's account
// before the unbonding ends. Settlement counts only what x/staking returned: the license is
// liquidated, 9,400 reach the x/por reserves and the 600 go back to the owner.
func TestTopUpDoesNotCancelASlash(t *testing.T) {
	c := mainnetChainOneEach(t)
	owner := c.Accounts[1]
	val := c.validator().OperatorAddress
	c.bind(owner, val, 1)
	bound, power := c.App.LastBlockHeight(), c.validator().ConsensusPower(sdk.DefaultPowerReduction)
	c.NextBlock(time.Second)
	c.unbind(owner, 1)
	slashAt(t, c, bound, power, math.LegacyNewDecWithPrec(6, 2))
	c.NextBlock(time.Second)

	returned := se.MulRaw(94).QuoRaw(100)
	topUp := se.Sub(returned)
	c.ok(c.DeliverMsgs(time.Second, owner, banktypes.NewMsgSend(owner.Address, types.LicenseAccount(1), sdk.NewCoins(sdk.NewCoin(app.BondDenom, topUp)))))
	before := c.balance(owner.Address)

	res := c.NextBlock(c.unbondingTime() + time.Second)
	l := c.license(1).License
	require.Equal(t, types.STATUS_LIQUIDATED, l.Status, "the top-up must not stand for the slashed stake")
	require.Nil(t, l.UnbondingUntil)
	require.True(t, l.Backing.IsZero())
	done := testutil.Events[*types.EventLicenseUnbondingCompleted](t, res)
	require.Len(t, done, 1)
	require.Equal(t, returned.String(), done[0].Amount.String(), "settled exactly what x/staking returned")
	require.Equal(t, "released", done[0].Outcome, "released to the x/por reserves")
	require.Equal(t, before.Add(topUp).String(), c.balance(owner.Address).String(), "the top-up went back to the owner")
	require.True(t, c.balance(types.LicenseAccount(1)).IsZero())
	require.Equal(t, uint64(1), c.supply().Liquidated)
	c.checkBackingInvariant()
}

// A settlement that cannot complete is retried MaxSettleAttempts times, a day apart, then
// kept as stuck: listed by the Settlements query, announced by an event, its stake still in
// the license's account. Once the cause is fixed, anyone's MsgRetrySettlement settles it;
// before that, the retry fails and changes nothing.
func TestStuckSettlementIsVisibleAndRecoverable(t *testing.T) {
	c := mainnetChainOneEach(t)
	owner, anyone := c.Accounts[1], c.Accounts[3]
	c.bind(owner, c.validator().OperatorAddress, 1)
	c.unbind(owner, 1)

	// Break it: the recorded figure is 1,000 above what x/staking will return (a state the
	// chain never makes; it stands for any cause a settlement cannot get past).
	acct, short := types.LicenseAccount(1), math.NewInt(1_000)
	k, ctx := c.App.LicenseKeeper, c.Context()
	l, err := k.Licenses.Get(ctx, 1)
	require.NoError(t, err)
	key := collections.Join(l.UnbondingUntil.UnixNano(), l.Id)
	require.NoError(t, k.Unbonding.Remove(ctx, key))
	require.NoError(t, k.Settling.Set(ctx, key))
	l.Settlement = &types.Settlement{Returned: se.Add(short)}
	require.NoError(t, k.Licenses.Set(ctx, 1, l))
	c.NextBlock(c.unbondingTime() + time.Second) // x/staking pays out 10,000; settling fails

	var stuck []*types.EventLicenseSettlementStuck
	for i := 0; i < keeper.MaxSettleAttempts; i++ {
		res := c.NextBlock(25 * time.Hour)
		stuck = append(stuck, testutil.Events[*types.EventLicenseSettlementStuck](t, res)...)
	}
	require.Len(t, stuck, 1)
	require.Equal(t, uint32(keeper.MaxSettleAttempts), stuck[0].Attempts)
	require.Contains(t, stuck[0].Reason, "less than")
	l = c.license(1).License
	require.NotNil(t, l.Settlement)
	require.True(t, l.Settlement.Stuck)
	list, err := c.querier().Settlements(c.Context(), &types.QuerySettlementsRequest{StuckOnly: true})
	require.NoError(t, err)
	require.Len(t, list.Licenses, 1)
	require.Equal(t, uint64(1), list.Licenses[0].Id)
	c.NextBlock(48 * time.Hour)
	require.True(t, c.license(1).License.Settlement.Stuck, "no longer retried by the chain")

	retry := &types.MsgRetrySettlement{Signer: anyone.Address.String(), Ids: []uint64{1}}
	res := c.DeliverMsgs(time.Second, anyone, retry)
	require.Equal(t, types.ErrSettlementFailed.ABCICode(), res.Code, res.Log)
	require.True(t, c.license(1).License.Settlement.Stuck)

	// The cause is fixed (the missing tokens arrive); anyone settles it.
	require.NoError(t, c.App.BankKeeper.SendCoins(c.Context(), c.Accounts[3].Address, acct, sdk.NewCoins(sdk.NewCoin(app.BondDenom, short))))
	c.ok(c.DeliverMsgs(time.Second, anyone, retry))
	l = c.license(1).License
	require.Nil(t, l.Settlement)
	require.Nil(t, l.UnbondingUntil)
	require.Equal(t, types.STATUS_ACTIVE, l.Status)
	list, err = c.querier().Settlements(c.Context(), &types.QuerySettlementsRequest{})
	require.NoError(t, err)
	require.Empty(t, list.Licenses)
	res = c.DeliverMsgs(time.Second, anyone, retry)
	require.Equal(t, types.ErrNotStuck.ABCICode(), res.Code, res.Log)
	c.checkBackingInvariant()
}
