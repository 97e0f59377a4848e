package keeper_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/app/upgrades"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// mainnetChain is a MAINNET chain whose genesis carries n licenses owned by account 1.
func mainnetChain(t testing.TB, n uint64) *chain {
	return newChain(t, types.STAGE_MAINNET, func(gs *types.GenesisState, accs []testutil.Account) {
		gs.Minted = n
		for id := uint64(1); id <= n; id++ {
			gs.Licenses = append(gs.Licenses, types.License{Id: id, Owner: accs[1].Address.String(), Status: types.STATUS_ACTIVE,
				Backing: se})
		}
	})
}

func porReserves(c *chain) math.Int {
	sum := math.ZeroInt()
	for _, r := range portypes.AllRoles {
		rs, err := c.App.PorKeeper.RoleStates.Get(c.Context(), int32(r))
		require.NoError(c.T, err)
		sum = sum.Add(rs.Reserve)
	}
	return sum
}

// TestMainnetDoubleSignLiquidates: a double-sign-sized slash (5%) takes the backing to the
// 95% threshold and liquidates the bound licenses; their remaining backing reaches the x/por
// reserves when its unbonding completes.
func TestMainnetDoubleSignLiquidates(t *testing.T) {
	c := mainnetChain(t, 3)
	owner := c.Accounts[1]
	val := c.validator()
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{1, 2}, Validator: val.OperatorAddress}))
	c.checkBackingInvariant()

	slash(t, c, math.LegacyNewDecWithPrec(5, 2))
	c.NextBlock(time.Second) // queues the liquidated backing's unbonding
	s := c.supply()
	require.Equal(t, uint64(2), s.Liquidated)
	require.Equal(t, uint64(1), s.Active)
	for _, id := range []uint64{1, 2} {
		l, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: id})
		require.NoError(t, err)
		require.Equal(t, types.STATUS_LIQUIDATED, l.License.Status)
	}
	// A liquidated license cannot be used again.
	res := c.DeliverMsgs(time.Second, owner, &types.MsgUnbind{Signer: owner.Address.String(), Ids: []uint64{1}})
	require.Equal(t, types.ErrLicenseInactive.ABCICode(), res.Code, res.Log)

	// After the unbonding time the remaining backing (2 x 95% of 10,000 AEGIS) reaches the
	// reserves, on top of whatever the emission added meanwhile.
	_, issuedBefore, _ := c.App.EmissionKeeper.Progress(c.Context())
	reservesBefore := porReserves(c)
	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(t, err)
	c.NextBlock(params.UnbondingTime + time.Second)
	c.NextBlock(time.Second)
	_, issuedAfter, _ := c.App.EmissionKeeper.Progress(c.Context())
	grown := porReserves(c).Sub(reservesBefore)
	released := grown.Sub(issuedAfter.Sub(issuedBefore)) // no node is active: all issuance is reserve or carry
	want := math.LegacyNewDecFromInt(se.MulRaw(2)).Mul(math.LegacyNewDecWithPrec(95, 2)).TruncateInt()
	require.True(t, released.Sub(want).Abs().LTE(math.NewInt(5)), "released %s, want %s (carry rounding aside)", released, want)
	require.True(t, c.licenseDelegation(c.validator()).IsZero())
}

// TestMainnetDowntimeSlashesAccumulate: small slashes leave the licenses active until their
// product crosses the threshold.
func TestMainnetDowntimeSlashesAccumulate(t *testing.T) {
	c := mainnetChain(t, 1)
	owner := c.Accounts[1]
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{1}, Validator: c.validator().OperatorAddress}))
	downtime := math.LegacyNewDecWithPrec(1, 2) // 1% per slash
	for i := 0; i < 5; i++ {                    // 0.99^5 = 0.951 > 0.95
		slash(t, c, downtime)
		c.NextBlock(time.Second)
		require.Equal(t, uint64(0), c.supply().Liquidated, "slash %d", i+1)
	}
	l, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: 1})
	require.NoError(t, err)
	require.True(t, l.Backing.LT(se) && l.Backing.GT(se.MulRaw(95).QuoRaw(100)), "backing %s", l.Backing)
	c.checkBackingInvariant()
	slash(t, c, downtime) // 0.99^6 = 0.941 < 0.95
	c.NextBlock(time.Second)
	require.Equal(t, uint64(1), c.supply().Liquidated)
}

// TestRedemptionUpgrade: redemption fails before the v2-redemption upgrade and pays
// stake_equivalent after it.
func TestRedemptionUpgrade(t *testing.T) {
	c := mainnetChain(t, 2)
	owner := c.Accounts[1]
	res := c.DeliverMsgs(time.Second, owner, &types.MsgRedeemLicenses{Owner: owner.Address.String(), Ids: []uint64{1}})
	require.Equal(t, types.ErrRedemptionOff.ABCICode(), res.Code, res.Log)

	enableRedemption(t, c)

	before := c.App.BankKeeper.GetBalance(c.Context(), owner.Address, app.BondDenom).Amount
	tokens := func() (supply, issued math.Int, flow types.TokenFlow) {
		res, err := c.querier().Supply(c.Context(), &types.QuerySupplyRequest{})
		require.NoError(t, err)
		_, issued, err = c.App.EmissionKeeper.Progress(c.Context())
		require.NoError(t, err)
		return c.App.BankKeeper.GetSupply(c.Context(), app.BondDenom).Amount, issued, res.Tokens
	}
	s0, e0, t0 := tokens()
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgRedeemLicenses{Owner: owner.Address.String(), Ids: []uint64{1}}))
	after := c.App.BankKeeper.GetBalance(c.Context(), owner.Address, app.BondDenom).Amount
	require.Equal(t, se.String(), after.Sub(before).String())
	// The pay is minted and counted; the supply moved by the issue and the counted flow.
	s1, e1, t1 := tokens()
	require.Equal(t, se.String(), t1.Minted.Sub(t0.Minted).String())
	require.Equal(t, s1.Sub(s0).String(), e1.Sub(e0).Add(t1.Minted.Sub(t0.Minted)).Sub(t1.Burned.Sub(t0.Burned)).String())
	s := c.supply()
	require.Equal(t, uint64(1), s.Redeemed)
	require.Equal(t, uint64(2), s.Minted, "burning never frees room")
}

// TestTestnetToMainnetGenesis exports a TESTNET chain holding 48,000 licenses (some bound,
// some with operators), builds the MAINNET license state from it, validates it, boots a
// chain from it and compares the license-set commitments.
func TestTestnetToMainnetGenesis(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner, op := c.Accounts[1], c.Accounts[2]
	for i := 0; i < 240; i++ {
		c.mint(owner.Address, 200)
	}
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgAuthorizeOperator{Owner: owner.Address.String(), Ids: []uint64{7, 8, 9}, Operator: op.Address.String()}))
	c.ok(c.DeliverMsgs(time.Second, op, &types.MsgBindToValidator{Signer: op.Address.String(), Ids: []uint64{7, 8}, Validator: c.validator().OperatorAddress}))
	testnetCommitment, err := c.querier().Commitment(c.Context(), &types.QueryCommitmentRequest{})
	require.NoError(t, err)
	require.Equal(t, uint64(48_000), testnetCommitment.Count)

	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &state))
	var testnet types.GenesisState
	c.App.AppCodec().MustUnmarshalJSON(state[types.ModuleName], &testnet)

	mainnetState := keeper.MainnetGenesis(testnet, "")
	require.NoError(t, mainnetState.Validate())
	require.Equal(t, types.STAGE_MAINNET, mainnetState.Params.Stage)
	sum, n := types.CommitmentOf(mainnetState.Licenses)
	require.Equal(t, testnetCommitment.Commitment, sum)
	require.Equal(t, uint64(48_000), n)

	// Boot a MAINNET chain from it (a new chain: new validators, no bindings).
	m := newChain(t, types.STAGE_MAINNET, func(gs *types.GenesisState, _ []testutil.Account) { *gs = mainnetState })
	mainnetCommitment, err := m.querier().Commitment(m.Context(), &types.QueryCommitmentRequest{})
	require.NoError(t, err)
	require.Equal(t, testnetCommitment.Commitment, mainnetCommitment.Commitment)
	l, err := m.querier().License(m.Context(), &types.QueryLicenseRequest{Id: 7})
	require.NoError(t, err)
	require.Equal(t, types.BINDING_NONE, l.License.Binding.Kind)
	require.Equal(t, op.Address.String(), l.License.Operator)
	require.Equal(t, uint64(48_000), m.supply().Active)

	// Minting is impossible, and a MAINNET genesis with chain-minted licenses is rejected.
	res := m.DeliverMsgs(time.Second, m.Accounts[0], &types.MsgMintLicenses{Authority: mainnetState.Params.Authority, Owner: owner.Address.String(), Count: 1})
	require.NotZero(t, res.Code)
	bad := mainnetState
	bad.Licenses = append([]types.License(nil), mainnetState.Licenses...)
	bad.Licenses[0].MintedAt = 5
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
}

// TestBindToNode: a license bound to a resource node counts as its x/por stake.
func TestBindToNode(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner, node := c.Accounts[1], c.Accounts[2]
	c.mint(owner.Address, 1)
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToNode{Signer: owner.Address.String(), Ids: []uint64{1}, Node: node.Address.String()}))

	// The node registers in WORKER with no escrowed stake: the license covers min_stake.
	c.ok(c.DeliverMsgs(time.Second, node, &portypes.MsgRegisterNode{Operator: node.Address.String(), Moniker: "n",
		Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}, Stake: sdk.NewCoin(app.BondDenom, math.ZeroInt())}))
	// A second role would need another 10,000 AEGIS.
	res := c.DeliverMsgs(time.Second, node, &portypes.MsgActivateRole{Operator: node.Address.String(), Role: portypes.NODE_ROLE_DA})
	require.Equal(t, portypes.ErrInsufficientStake.ABCICode(), res.Code, res.Log)
	// The license cannot be unbound while the node needs it.
	res = c.DeliverMsgs(time.Second, owner, &types.MsgUnbind{Signer: owner.Address.String(), Ids: []uint64{1}})
	require.Equal(t, types.ErrNodeStakeNeeded.ABCICode(), res.Code, res.Log)

	// A TESTNET node slash leaves the license whole.
	gov := c.App.PorKeeper.Authority()
	_, err := c.App.PorKeeper.Slash(c.Context(), node.Address, math.LegacyNewDecWithPrec(5, 1), "test")
	require.NoError(t, err, gov)
	l, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: 1})
	require.NoError(t, err)
	require.Equal(t, se.String(), l.Backing.String())
	require.Equal(t, types.STATUS_ACTIVE, l.License.Status)
}

// enableRedemption schedules the v2-redemption upgrade for the next height and runs that
// block: the PreBlocker applies it.
func enableRedemption(t testing.TB, c *chain) {
	ctx := c.Context()
	plan := upgradetypes.Plan{Name: upgrades.V2RedemptionName, Height: ctx.BlockHeight() + 1}
	require.NoError(t, c.App.UpgradeKeeper.ScheduleUpgrade(ctx, plan))
	c.NextBlock(time.Second)
	params, err := c.App.LicenseKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.True(t, params.RedemptionEnabled)
}
