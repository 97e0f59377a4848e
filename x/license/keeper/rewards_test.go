package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
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

// TestLicenseRewardsSumEveryLicense: `q license rewards <owner>` is the sum over every
// license the owner holds — well past a page of 100 — of what x/distribution owes each
// license's own account; licenses of other owners, unbound licenses and a license unbound
// since (paid at its unbind) add nothing. The owner itself is owed nothing by
// x/distribution (`q distribution rewards <owner>` is empty): the delegator is each
// license's account. The claim pays exactly the sum.
func TestLicenseRewardsSumEveryLicense(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	alice, bob := c.Accounts[1], c.Accounts[2]
	const bound, idle = 130, 5 // alice: 1..130 bound, 131..135 never bound
	c.mint(alice.Address, bound+idle)
	c.mint(bob.Address, 2) // 136, 137
	val := c.validator()
	valAddr, err := sdk.ValAddressFromBech32(val.OperatorAddress)
	require.NoError(t, err)
	for first := uint64(1); first <= bound; first += 50 {
		var ids []uint64
		for id := first; id < first+50 && id <= bound; id++ {
			ids = append(ids, id)
		}
		c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgBindToValidator{Signer: alice.Address.String(), Ids: ids, Validator: val.OperatorAddress}))
	}
	c.ok(c.DeliverMsgs(time.Second, bob, &types.MsgBindToValidator{Signer: bob.Address.String(), Ids: []uint64{136, 137}, Validator: val.OperatorAddress}))

	c.payFees(10_000_000_000)
	c.NextBlock(time.Second)
	c.NextBlock(time.Second)
	// License 130 is unbound: x/distribution pays alice what it earned, and it earns no more.
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgUnbind{Signer: alice.Address.String(), Ids: []uint64{bound}}))
	c.payFees(10_000_000_000)
	c.NextBlock(time.Second)
	c.NextBlock(time.Second)

	// What x/distribution owes each of alice's licenses, as `q distribution rewards
	// <license account> <valoper>` shows it; a withdrawal pays each one truncated.
	ctx := c.Context()
	distr := distrkeeper.NewQuerier(c.App.DistrKeeper)
	owed := func(id uint64) math.Int {
		res, err := distr.DelegationRewards(ctx, &distrtypes.QueryDelegationRewardsRequest{
			DelegatorAddress: types.LicenseAccount(id).String(), ValidatorAddress: valAddr.String(),
		})
		if err != nil {
			return math.ZeroInt() // no delegation
		}
		return res.Rewards.AmountOf(app.BondDenom).TruncateInt()
	}
	want, firstPage := math.ZeroInt(), math.ZeroInt()
	for id := uint64(1); id <= bound+idle; id++ {
		got := owed(id)
		if id < bound {
			require.True(t, got.IsPositive(), "license %d earned nothing", id)
		} else {
			require.True(t, got.IsZero(), "license %d is not bound and is owed %s", id, got)
		}
		want = want.Add(got)
		if id <= 100 {
			firstPage = firstPage.Add(got)
		}
	}
	res, err := c.querier().Rewards(ctx, &types.QueryRewardsRequest{Owner: alice.Address.String()})
	require.NoError(t, err)
	require.Equal(t, want.String(), res.Amount.String(), "the sum over all %d of alice's licenses", bound+idle)
	require.True(t, res.Amount.GT(firstPage), "more than the first 100 licenses count")

	// The owner delegates nothing itself: x/distribution's own query for it is empty.
	total, err := distr.DelegationTotalRewards(ctx, &distrtypes.QueryDelegationTotalRewardsRequest{DelegatorAddress: alice.Address.String()})
	require.NoError(t, err)
	require.Empty(t, total.Rewards)
	require.True(t, total.Total.IsZero())

	// The claim pays exactly that (no fees were paid since, so nothing more accrued).
	before := c.balance(alice.Address)
	tx := c.DeliverMsgs(time.Second, alice, &types.MsgClaimLicenseRewards{Owner: alice.Address.String()})
	c.ok(tx)
	require.Equal(t, res.Amount.String(), c.balance(alice.Address).Sub(before).String())
	claimed := testutil.TxEvents[*types.EventLicenseRewardsClaimed](t, tx)
	require.Len(t, claimed, 1)
	require.Equal(t, res.Amount.String(), claimed[0].Amount.String())
	after, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: alice.Address.String()})
	require.NoError(t, err)
	require.True(t, after.Amount.IsZero(), "after the claim: %s", after.Amount)
	c.checkBackingInvariant()
}
