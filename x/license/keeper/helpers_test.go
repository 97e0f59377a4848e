package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
)

var se = types.DefaultStakeEquivalent

// chain is a test chain whose license authority is its first account (a DEV key).
type chain struct {
	*testutil.TestChain
	dev testutil.Account
}

func newChain(t testing.TB, stage types.Stage, mutate func(*types.GenesisState, []testutil.Account)) *chain {
	t.Helper()
	return newChainWithApp(t, stage, mutate, nil)
}

// newChainWithApp is newChain with appMutate adjusting the other modules' genesis.
func newChainWithApp(t testing.TB, stage types.Stage, mutate func(*types.GenesisState, []testutil.Account), appMutate func(codec.JSONCodec, app.GenesisState)) *chain {
	t.Helper()
	return newSeededChain(t, stage, 0, mutate, appMutate)
}

// newSeededChain is newChainWithApp with keys derived from seed (see testutil.NewSeededTestChain).
func newSeededChain(t testing.TB, stage types.Stage, seed int64, mutate func(*types.GenesisState, []testutil.Account), appMutate func(codec.JSONCodec, app.GenesisState)) *chain {
	t.Helper()
	var dev testutil.Account
	c := testutil.NewSeededTestChain(t, 4, seed, func(cdc codec.JSONCodec, g app.GenesisState, accs []testutil.Account) {
		if appMutate != nil {
			appMutate(cdc, g)
		}
		var gs types.GenesisState
		cdc.MustUnmarshalJSON(g[types.ModuleName], &gs)
		gs.Params.Stage = stage
		if mutate != nil {
			mutate(&gs, accs)
		}
		g[types.ModuleName] = cdc.MustMarshalJSON(&gs)
	})
	dev = c.Accounts[0]
	if stage == types.STAGE_TESTNET {
		// Hand the license authority to the DEV key by governance-equivalent param update.
		params, err := c.App.LicenseKeeper.Params.Get(c.Context())
		require.NoError(t, err)
		params.Authority = dev.Address.String()
		require.NoError(t, c.App.LicenseKeeper.Params.Set(c.Context(), params))
		c.NextBlock(time.Second)
	}
	return &chain{TestChain: c, dev: dev}
}

func (c *chain) ok(res *abci.ExecTxResult) {
	c.T.Helper()
	require.Zero(c.T, res.Code, res.Log)
}

func (c *chain) mint(owner sdk.AccAddress, n uint64) {
	c.T.Helper()
	res := c.DeliverMsgs(time.Second, c.dev, &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: owner.String(), Count: n})
	c.ok(res)
}

func (c *chain) validator() stakingtypes.Validator {
	c.T.Helper()
	vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
	require.NoError(c.T, err)
	require.Len(c.T, vals, 1)
	return vals[0]
}

func (c *chain) querier() keeper.Querier { return keeper.NewQuerier(c.App.LicenseKeeper) }

func (c *chain) supply() types.Supply {
	c.T.Helper()
	res, err := c.querier().Supply(c.Context(), &types.QuerySupplyRequest{})
	require.NoError(c.T, err)
	return res.Supply
}

// licenseDelegation is the tokens the licenses bound to val have delegated to it, each
// from its own account.
func (c *chain) licenseDelegation(val stakingtypes.Validator) math.Int {
	c.T.Helper()
	ctx := c.Context()
	valAddr, err := sdk.ValAddressFromBech32(val.OperatorAddress)
	require.NoError(c.T, err)
	v, err := c.App.StakingKeeper.GetValidator(ctx, valAddr)
	require.NoError(c.T, err)
	sum := math.ZeroInt()
	err = c.App.LicenseKeeper.Licenses.Walk(ctx, nil, func(id uint64, _ types.License) (bool, error) {
		del, err := c.App.StakingKeeper.GetDelegation(ctx, types.LicenseAccount(id), valAddr)
		if err == nil {
			sum = sum.Add(v.TokensFromShares(del.Shares).TruncateInt())
		}
		return false, nil
	})
	require.NoError(c.T, err)
	return sum
}

// checkBackingInvariant checks every invariant of spec section 7 — the license ones (see
// Keeper.CheckInvariants) and those of x/emission and x/por — on the last committed block.
func (c *chain) checkBackingInvariant() {
	c.T.Helper()
	require.NoError(c.T, c.App.CheckInvariants(c.Context()))
}

// license returns a license as the License query shows it.
func (c *chain) license(id uint64) *types.QueryLicenseResponse {
	c.T.Helper()
	res, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: id})
	require.NoError(c.T, err)
	return res
}

// balance is addr's bond-denom balance.
func (c *chain) balance(addr sdk.AccAddress) math.Int {
	return c.App.BankKeeper.GetBalance(c.Context(), addr, app.BondDenom).Amount
}

// unbondingTime is the chain's staking unbonding time.
func (c *chain) unbondingTime() time.Duration {
	c.T.Helper()
	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(c.T, err)
	return params.UnbondingTime
}

// payFees puts fees in the fee collector, which distribution hands to the validators'
// delegators at the next block.
func (c *chain) payFees(amount int64) {
	c.T.Helper()
	fees := sdk.NewCoins(sdk.NewCoin(app.BondDenom, math.NewInt(amount)))
	require.NoError(c.T, c.App.BankKeeper.SendCoinsFromAccountToModule(c.Context(), c.Accounts[3].Address, authtypes.FeeCollectorName, fees))
}
