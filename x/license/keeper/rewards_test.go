package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/x/license/types"
)

// TestLicenseRewards: fees paid to the validator reach its delegators; the license
// account's share is paid to license holders pro rata, through the per-validator index.
func TestLicenseRewards(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	alice, bob := c.Accounts[1], c.Accounts[2]
	c.mint(alice.Address, 1)
	c.mint(bob.Address, 3)
	val := c.validator()
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgBindToValidator{Signer: alice.Address.String(), Ids: []uint64{1}, Validator: val.OperatorAddress}))
	c.ok(c.DeliverMsgs(time.Second, bob, &types.MsgBindToValidator{Signer: bob.Address.String(), Ids: []uint64{2, 3, 4}, Validator: val.OperatorAddress}))

	// Nothing earned yet.
	res := c.DeliverMsgs(time.Second, alice, &types.MsgClaimLicenseRewards{Owner: alice.Address.String()})
	require.Equal(t, types.ErrNoRewards.ABCICode(), res.Code, res.Log)

	// Fees for the next block: distribution allocates them to the validator's delegators.
	fees := sdk.NewCoins(sdk.NewCoin(app.BondDenom, math.NewInt(1_000_000_000)))
	require.NoError(t, c.App.BankKeeper.SendCoinsFromAccountToModule(c.Context(), c.Accounts[3].Address, authtypes.FeeCollectorName, fees))
	c.NextBlock(time.Second)
	c.NextBlock(time.Second)

	q := c.querier()
	ra, err := q.Rewards(c.Context(), &types.QueryRewardsRequest{Owner: alice.Address.String()})
	require.NoError(t, err)
	rb, err := q.Rewards(c.Context(), &types.QueryRewardsRequest{Owner: bob.Address.String()})
	require.NoError(t, err)
	require.True(t, ra.Amount.IsPositive(), "alice's license earned nothing")
	// Pro rata: bob's three licenses earn three times alice's one (within rounding).
	require.True(t, rb.Amount.Sub(ra.Amount.MulRaw(3)).Abs().LTE(math.NewInt(3)), "alice %s, bob %s", ra.Amount, rb.Amount)

	before := c.App.BankKeeper.GetBalance(c.Context(), alice.Address, app.BondDenom).Amount
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgClaimLicenseRewards{Owner: alice.Address.String()}))
	got := c.App.BankKeeper.GetBalance(c.Context(), alice.Address, app.BondDenom).Amount.Sub(before)
	require.True(t, got.GTE(ra.Amount), "claimed %s, queried %s", got, ra.Amount)
	c.checkBackingInvariant()
}
