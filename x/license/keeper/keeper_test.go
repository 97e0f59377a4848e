package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/types"
)

func TestMintCap(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner := c.Accounts[1].Address
	for i := 0; i < 240; i++ { // batches of 200 fit a 10M-gas transaction (each creates a stake account)
		c.mint(owner, 200)
	}
	require.Equal(t, uint64(48_000), c.supply().Minted)
	require.Equal(t, uint64(48_000), c.supply().Active)

	res := c.DeliverMsgs(time.Second, c.dev, &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: owner.String(), Count: 1})
	require.Equal(t, types.ErrCapExceeded.ABCICode(), res.Code, res.Log)
	require.Equal(t, uint64(48_000), c.supply().Minted)
}

func TestMintRejections(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	other := c.Accounts[1]
	cases := []struct {
		name string
		msg  *types.MsgMintLicenses
		from int
		code uint32
	}{
		{"not the authority", &types.MsgMintLicenses{Authority: other.Address.String(), Owner: other.Address.String(), Count: 1}, 1, types.ErrUnauthorized.ABCICode()},
		{"zero count", &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: other.Address.String(), Count: 0}, 0, types.ErrInvalidRequest.ABCICode()},
		{"above the cap at once", &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: other.Address.String(), Count: 48_001}, 0, types.ErrCapExceeded.ABCICode()},
		{"bad owner", &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: "aegis1nope", Count: 1}, 0, sdkerrors.ErrInvalidAddress.ABCICode()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signer := c.dev
			if tc.from == 1 {
				signer = other
			}
			res := c.DeliverMsgs(time.Second, signer, tc.msg)
			require.Equal(t, tc.code, res.Code, res.Log)
			require.Zero(t, c.supply().Minted)
		})
	}
}

func TestMintOnMainnetFails(t *testing.T) {
	c := newChain(t, types.STAGE_MAINNET, func(gs *types.GenesisState, _ []testutil.Account) {
		gs.Params.Authority = authtypes.NewModuleAddress("gov").String()
	})
	params, err := c.App.LicenseKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	params.Authority = c.dev.Address.String()
	require.NoError(t, c.App.LicenseKeeper.Params.Set(c.Context(), params))
	c.NextBlock(time.Second)
	res := c.DeliverMsgs(time.Second, c.dev, &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: c.dev.Address.String(), Count: 1})
	require.Equal(t, types.ErrWrongStage.ABCICode(), res.Code, res.Log)
}

func TestTransferAndOperator(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	alice, bob, op := c.Accounts[1], c.Accounts[2], c.Accounts[3]
	c.mint(alice.Address, 3)

	// Someone else's license cannot be transferred or bound.
	res := c.DeliverMsgs(time.Second, bob, &types.MsgTransferLicenses{Owner: bob.Address.String(), Ids: []uint64{1}, To: bob.Address.String()})
	require.Equal(t, types.ErrNotOwner.ABCICode(), res.Code, res.Log)

	// The owner authorizes an operator, who binds license 1 to the validator.
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgAuthorizeOperator{Owner: alice.Address.String(), Ids: []uint64{1, 2}, Operator: op.Address.String()}))
	val := c.validator()
	c.ok(c.DeliverMsgs(time.Second, op, &types.MsgBindToValidator{Signer: op.Address.String(), Ids: []uint64{1}, Validator: val.OperatorAddress}))

	// A license backing a node cannot be transferred (the node relies on it); an unbound one
	// can, and loses its operator. (Validator-bound ones can too: TestTransferBoundLicense.)
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgBindToNode{Signer: alice.Address.String(), Ids: []uint64{3}, Node: op.Address.String()}))
	res = c.DeliverMsgs(time.Second, alice, &types.MsgTransferLicenses{Owner: alice.Address.String(), Ids: []uint64{3}, To: bob.Address.String()})
	require.Equal(t, types.ErrLicenseBound.ABCICode(), res.Code, res.Log)
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgTransferLicenses{Owner: alice.Address.String(), Ids: []uint64{2}, To: bob.Address.String()}))
	l, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: 2})
	require.NoError(t, err)
	require.Equal(t, bob.Address.String(), l.License.Owner)
	require.Empty(t, l.License.Operator)

	// Revoked: the operator can no longer act.
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgRevokeOperator{Owner: alice.Address.String(), Ids: []uint64{1}}))
	res = c.DeliverMsgs(time.Second, op, &types.MsgUnbind{Signer: op.Address.String(), Ids: []uint64{1}})
	require.Equal(t, types.ErrNotOwner.ABCICode(), res.Code, res.Log)

	// Redemption is off before the upgrade (and on TESTNET).
	res = c.DeliverMsgs(time.Second, alice, &types.MsgRedeemLicenses{Owner: alice.Address.String(), Ids: []uint64{3}})
	require.Equal(t, types.ErrRedemptionOff.ABCICode(), res.Code, res.Log)

	byOwner, err := c.querier().Licenses(c.Context(), &types.QueryLicensesRequest{Owner: alice.Address.String()})
	require.NoError(t, err)
	require.Len(t, byOwner.Licenses, 2)
	c.checkBackingInvariant()
}

// TestVotingPower: binding n licenses adds n * stake_equivalent to the validator's tokens
// and, after the block, to its voting power; unbinding takes it away and burns it when the
// unbonding completes.
func TestVotingPower(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner := c.Accounts[1]
	c.mint(owner.Address, 5)
	val := c.validator()
	before := val.Tokens
	// Supply less what x/emission issued: the emission keeps running as the clock moves.
	baseSupply := func() math.Int {
		_, issued, err := c.App.EmissionKeeper.Progress(c.Context())
		require.NoError(t, err)
		return c.App.BankKeeper.GetSupply(c.Context(), app.BondDenom).Amount.Sub(issued)
	}
	supplyBefore := baseSupply()

	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{1, 2, 3}, Validator: val.OperatorAddress}))
	after := c.validator()
	require.Equal(t, before.Add(se.MulRaw(3)).String(), after.Tokens.String())
	power, err := c.App.StakingKeeper.GetLastValidatorPower(c.Context(), mustVal(t, val.OperatorAddress))
	require.NoError(t, err)
	require.Equal(t, after.ConsensusPower(sdk.DefaultPowerReduction), power)
	c.checkBackingInvariant()

	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgUnbind{Signer: owner.Address.String(), Ids: []uint64{1, 2, 3}}))
	require.Equal(t, before.String(), c.validator().Tokens.String())
	// The unbonding completes after the staking unbonding time; then it is burned.
	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(t, err)
	c.NextBlock(params.UnbondingTime + time.Second)
	c.NextBlock(time.Second)
	require.Equal(t, supplyBefore.String(), baseSupply().String(), "license stake burned after unbonding")
	c.checkBackingInvariant()
}

func mustVal(t testing.TB, s string) sdk.ValAddress {
	v, err := sdk.ValAddressFromBech32(s)
	require.NoError(t, err)
	return v
}

// slash slashes the chain's validator by fraction at the current height.
func slash(t testing.TB, c *chain, fraction math.LegacyDec) {
	ctx := c.Context()
	val := c.validator()
	consAddr, err := val.GetConsAddr()
	require.NoError(t, err)
	power := val.ConsensusPower(sdk.DefaultPowerReduction)
	_, err = c.App.StakingKeeper.Slash(ctx, consAddr, ctx.BlockHeight(), power, fraction)
	require.NoError(t, err)
}

func TestSlashOnTestnetKeepsLicensesWhole(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner := c.Accounts[1]
	c.mint(owner.Address, 2)
	val := c.validator()
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{1, 2}, Validator: val.OperatorAddress}))

	slash(t, c, math.LegacyNewDecWithPrec(5, 2)) // double-sign sized
	c.NextBlock(time.Second)                     // the EndBlocker restores the backing
	// Each license is its own delegation: within one uaegis of share rounding each.
	require.True(t, se.MulRaw(2).Sub(c.licenseDelegation(c.validator())).LTE(math.NewInt(2)), "restored to within share rounding")
	for _, id := range []uint64{1, 2} {
		l, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: id})
		require.NoError(t, err)
		require.Equal(t, types.STATUS_ACTIVE, l.License.Status)
		require.Equal(t, se.String(), l.Backing.String())
	}
	require.Equal(t, uint64(0), c.supply().Liquidated)
	c.checkBackingInvariant()
}
