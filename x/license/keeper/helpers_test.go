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
	var dev testutil.Account
	c := testutil.NewTestChainWithAccounts(t, 4, func(cdc codec.JSONCodec, g app.GenesisState, accs []testutil.Account) {
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

// licenseDelegation is the tokens the license account has delegated to val.
func (c *chain) licenseDelegation(val stakingtypes.Validator) math.Int {
	c.T.Helper()
	valAddr, err := sdk.ValAddressFromBech32(val.OperatorAddress)
	require.NoError(c.T, err)
	del, err := c.App.StakingKeeper.GetDelegation(c.Context(), authtypes.NewModuleAddress(types.ModuleName), valAddr)
	if err != nil {
		return math.ZeroInt()
	}
	v, err := c.App.StakingKeeper.GetValidator(c.Context(), valAddr)
	require.NoError(c.T, err)
	return v.TokensFromShares(del.Shares).TruncateInt()
}

// checkBackingInvariant: tokens delegated by the license account equal the backing of the
// licenses bound to validators (spec section 7), up to share-rounding of one uaegis.
func (c *chain) checkBackingInvariant() {
	c.T.Helper()
	ctx := c.Context()
	vals, err := c.App.StakingKeeper.GetAllValidators(ctx)
	require.NoError(c.T, err)
	for _, v := range vals {
		sum := math.ZeroInt()
		res, err := c.querier().Licenses(ctx, &types.QueryLicensesRequest{Validator: v.OperatorAddress})
		require.NoError(c.T, err)
		for _, l := range res.Licenses {
			q, err := c.querier().License(ctx, &types.QueryLicenseRequest{Id: l.Id})
			require.NoError(c.T, err)
			sum = sum.Add(q.Backing)
		}
		got := c.licenseDelegation(v)
		require.True(c.T, got.Sub(sum).Abs().LTE(math.OneInt()), "validator %s: delegated %s, bound backing %s", v.OperatorAddress, got, sum)
	}
}
