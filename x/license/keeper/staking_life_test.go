package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
)

// The tests in this file replay the staking lives that broke the shared-delegation design
// (issue 9, items 1-10). Each license is its own staker now; every test also checks the
// section-7 invariants and that the chain restarts from its own export.

// mainnetChainOneEach is a MAINNET chain whose genesis gives license 1 to account 1 and
// license 2 to account 2.
func mainnetChainOneEach(t testing.TB) *chain {
	return newChain(t, types.STAGE_MAINNET, func(gs *types.GenesisState, accs []testutil.Account) {
		gs.Minted = 2
		for id := uint64(1); id <= 2; id++ {
			gs.Licenses = append(gs.Licenses, types.License{Id: id, Owner: accs[id].Address.String(), Status: types.STATUS_ACTIVE, Backing: se})
		}
	})
}

func (c *chain) bind(signer testutil.Account, val string, ids ...uint64) {
	c.T.Helper()
	c.ok(c.DeliverMsgs(time.Second, signer, &types.MsgBindToValidator{Signer: signer.Address.String(), Ids: ids, Validator: val}))
}

func (c *chain) unbind(signer testutil.Account, ids ...uint64) {
	c.T.Helper()
	c.ok(c.DeliverMsgs(time.Second, signer, &types.MsgUnbind{Signer: signer.Address.String(), Ids: ids}))
}

// slashAt slashes the chain's validator by fraction for an infraction at height, when its
// power was power: unbonding entries created since then are slashed too.
func slashAt(t testing.TB, c *chain, height, power int64, fraction math.LegacyDec) {
	ctx := c.Context()
	consAddr, err := c.validator().GetConsAddr()
	require.NoError(t, err)
	_, err = c.App.StakingKeeper.Slash(ctx, consAddr, height, power, fraction)
	require.NoError(t, err)
}

// restart checks the invariants, then exports the chain, validates the export and boots a
// new chain from it.
func (c *chain) restart() *chain {
	c.T.Helper()
	c.checkBackingInvariant()
	next := &chain{TestChain: c.ExportAndImport(), dev: c.dev}
	next.NextBlock(time.Second)
	next.checkBackingInvariant()
	return next
}

// Items 1 and 2: eight licenses unbind from one validator in eight blocks (x/staking allows
// seven unbonding entries per delegator and validator; each license is its own delegator),
// and a MAINNET slash then liquidates the rest in the EndBlocker without failing the block.
func TestManyUnbindsThenLiquidation(t *testing.T) {
	c := mainnetChain(t, 12)
	owner := c.Accounts[1]
	val := c.validator().OperatorAddress
	c.bind(owner, val, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
	for id := uint64(1); id <= 8; id++ {
		c.unbind(owner, id)
	}
	for id := uint64(1); id <= 8; id++ {
		l := c.license(id)
		require.NotNil(t, l.License.UnbondingUntil, "license %d", id)
		require.Equal(t, types.BINDING_NONE, l.License.Binding.Kind)
	}
	c.checkBackingInvariant()

	slash(t, c, math.LegacyNewDecWithPrec(5, 2)) // double-sign sized: liquidates
	res := c.NextBlock(time.Second)
	liquidated := testutil.Events[*types.EventLicenseLiquidated](t, res)
	require.Len(t, liquidated, 4)
	for i, ev := range liquidated {
		require.Equal(t, uint64(9+i), ev.Id)
		require.Equal(t, types.STATUS_LIQUIDATED, c.license(ev.Id).License.Status)
		require.Equal(t, types.BINDING_NONE, c.license(ev.Id).License.Binding.Kind)
	}
	s := c.supply()
	require.Equal(t, uint64(4), s.Liquidated)
	require.Equal(t, uint64(8), s.Active)
	require.True(t, c.licenseDelegation(c.validator()).IsZero())

	// Item 3: the chain restarts from its own export right after the liquidation.
	c = c.restart()
	require.Equal(t, uint64(4), c.supply().Liquidated)
}

// Item 4: a slash that reaches one license's stake while it unbonds takes only from that
// license: the others' rewards and unbinding are untouched, and on MAINNET the slashed
// license comes back with the smaller backing.
func TestSlashWhileUnbondingTakesOnlyThatLicense(t *testing.T) {
	c := mainnetChainOneEach(t)
	a, b := c.Accounts[1], c.Accounts[2]
	val := c.validator().OperatorAddress
	c.bind(a, val, 1)
	c.bind(b, val, 2)
	bound, power := c.App.LastBlockHeight(), c.validator().ConsensusPower(sdk.DefaultPowerReduction)
	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	c.unbind(a, 1) // pays a its rewards so far

	slashAt(t, c, bound, power, math.LegacyNewDecWithPrec(4, 2)) // an old infraction: hits a's unbonding too
	c.NextBlock(time.Second)
	c.checkBackingInvariant()

	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	before := c.balance(b.Address)
	c.ok(c.DeliverMsgs(time.Second, b, &types.MsgClaimLicenseRewards{Owner: b.Address.String()}))
	require.True(t, c.balance(b.Address).GT(before), "b's rewards were paid")
	c.unbind(b, 2)

	c.NextBlock(c.unbondingTime() + time.Second)
	c.NextBlock(time.Second)
	want := se.MulRaw(96).QuoRaw(100)
	for _, id := range []uint64{1, 2} {
		l := c.license(id).License
		require.Nil(t, l.UnbondingUntil, "license %d settled", id)
		require.Equal(t, types.STATUS_ACTIVE, l.Status)
		require.True(t, l.Backing.Sub(want).Abs().LTE(math.OneInt()), "license %d backing %s, want %s", id, l.Backing, want)
		require.True(t, c.balance(types.LicenseAccount(id)).IsZero())
	}
	c.checkBackingInvariant()
}

// Items 5 and 6: a TESTNET restore re-delegates each license's shortfall from its own
// account; rewards keep reaching the owners; and licenses that unbind before their scan are
// not restored (no stake without a license behind it).
func TestTestnetRestoreKeepsRewardsAndBacksOnlyBoundLicenses(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner, other := c.Accounts[1], c.Accounts[2]
	c.mint(owner.Address, 2)
	c.mint(other.Address, 2)
	val := c.validator().OperatorAddress
	c.bind(owner, val, 1, 2)
	c.bind(other, val, 3, 4)
	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	owed, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: owner.Address.String()})
	require.NoError(t, err)
	require.True(t, owed.Amount.IsPositive())

	// The slash and, in the next block, the other holder unbinding everything it has.
	slash(t, c, math.LegacyNewDecWithPrec(5, 2))
	before := c.balance(owner.Address)
	res := c.DeliverMsgs(time.Second, other, &types.MsgUnbind{Signer: other.Address.String(), Ids: []uint64{3, 4}})
	require.Zero(t, res.Code, res.Log)
	// Restoring withdrew the owner's rewards to the owner (x/distribution pays on every
	// delegation change); nothing stays in a license account.
	require.True(t, c.balance(owner.Address).Sub(before).GTE(owed.Amount), "owner got %s, was owed %s", c.balance(owner.Address).Sub(before), owed.Amount)
	for id := uint64(1); id <= 4; id++ {
		require.True(t, c.balance(types.LicenseAccount(id)).IsZero(), "license %d account", id)
	}
	require.Equal(t, se.String(), c.license(1).Backing.String())
	c.checkBackingInvariant()

	// Only licenses 1 and 2 are delegated; 3 and 4 were not restored.
	require.True(t, se.MulRaw(2).Sub(c.licenseDelegation(c.validator())).LTE(math.NewInt(2)))
	c = c.restart()

	// After the unbonding, the unbound licenses' stake is burned: total supply holds only the
	// two bound licenses' backing beyond the base.
	c.NextBlock(c.unbondingTime() + time.Second)
	c.NextBlock(time.Second)
	for _, id := range []uint64{3, 4} {
		require.Nil(t, c.license(id).License.UnbondingUntil)
	}
	c.checkBackingInvariant()
}

// Item 7: on MAINNET unbinding and binding again never restores what a slash took, so
// repeated downtime slashes do reach the liquidation threshold.
func TestMainnetRebindKeepsSlashedBacking(t *testing.T) {
	c := mainnetChain(t, 1)
	owner := c.Accounts[1]
	val := c.validator().OperatorAddress
	c.bind(owner, val, 1)
	slash(t, c, math.LegacyNewDecWithPrec(4, 2))
	c.NextBlock(time.Second)
	c.unbind(owner, 1)
	c.NextBlock(c.unbondingTime() + time.Second)
	c.NextBlock(time.Second)
	l := c.license(1)
	require.True(t, l.Backing.LTE(se.MulRaw(96).QuoRaw(100)), "backing %s after a 4%% slash", l.Backing)
	c.bind(owner, val, 1)
	require.True(t, c.license(1).Backing.LTE(se.MulRaw(96).QuoRaw(100)))

	slash(t, c, math.LegacyNewDecWithPrec(4, 2)) // 0.96 * 0.96 = 0.9216 <= 0.95
	c.NextBlock(time.Second)
	require.Equal(t, types.STATUS_LIQUIDATED, c.license(1).License.Status)
	c.checkBackingInvariant()
}

// Item 8: liquidating some licenses of a validator does not take the rewards of the ones
// that survive: what they earned before the slash is still paid to their owners.
func TestLiquidationLeavesOthersRewards(t *testing.T) {
	c := mainnetChainOneEach(t)
	a, b := c.Accounts[1], c.Accounts[2]
	val := c.validator().OperatorAddress
	c.bind(a, val, 1)
	slash(t, c, math.LegacyNewDecWithPrec(4, 2)) // a's license at 96%
	c.NextBlock(time.Second)
	c.bind(b, val, 2) // b's at 100%
	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	owedB, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: b.Address.String()})
	require.NoError(t, err)
	owedA, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: a.Address.String()})
	require.NoError(t, err)
	require.True(t, owedB.Amount.IsPositive() && owedA.Amount.IsPositive())

	beforeA, beforeB := c.balance(a.Address), c.balance(b.Address)
	slash(t, c, math.LegacyNewDecWithPrec(2, 2)) // a: 0.9408 -> liquidated; b: 0.98
	c.NextBlock(time.Second)
	require.Equal(t, types.STATUS_LIQUIDATED, c.license(1).License.Status)
	require.Equal(t, types.STATUS_ACTIVE, c.license(2).License.Status)
	require.True(t, c.balance(a.Address).Sub(beforeA).GTE(owedA.Amount), "a was paid its rewards at liquidation")
	nowB, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: b.Address.String()})
	require.NoError(t, err)
	require.True(t, c.balance(b.Address).Sub(beforeB).Add(nowB.Amount).GTE(owedB.Amount), "b keeps what it earned")
	c.checkBackingInvariant()
}

// Item 9: a zero-height export withdraws every delegation's rewards; license rewards land
// with the owners, never in a license account.
func TestZeroHeightExportPaysOwners(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner := c.Accounts[1]
	c.mint(owner.Address, 2)
	c.bind(owner, c.validator().OperatorAddress, 1, 2)
	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	owed, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: owner.Address.String()})
	require.NoError(t, err)
	require.True(t, owed.Amount.IsPositive())
	before := c.balance(owner.Address)

	next := &chain{TestChain: c.ExportZeroHeightAndImport(), dev: c.dev} // validates the export
	genesis := next.Genesis
	var bank banktypes.GenesisState
	c.App.AppCodec().MustUnmarshalJSON(genesis[banktypes.ModuleName], &bank)
	balances := map[string]math.Int{}
	for _, bal := range bank.Balances {
		balances[bal.Address] = bal.Coins.AmountOf(app.BondDenom)
	}
	got := balances[owner.Address.String()]
	require.True(t, got.Sub(before).GTE(owed.Amount), "owner has %s in the export, had %s and was owed %s", got, before, owed.Amount)
	for id := uint64(1); id <= 2; id++ {
		amt, ok := balances[types.LicenseAccount(id).String()]
		require.True(t, !ok || amt.IsZero(), "license %d account holds %s", id, amt)
	}
	// The chain runs on from it with the licenses still bound and earning.
	next.NextBlock(time.Second)
	next.checkBackingInvariant()
	require.Equal(t, types.BINDING_VALIDATOR, next.license(1).License.Binding.Kind)
}

// Item 10: governance cannot open redemption; only the upgrade can.
func TestGovernanceCannotEnableRedemption(t *testing.T) {
	c := mainnetChain(t, 1)
	params, err := c.App.LicenseKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	params.RedemptionEnabled = true
	_, err = keeper.NewMsgServerImpl(c.App.LicenseKeeper).UpdateParams(c.Context(), &types.MsgUpdateParams{
		Authority: c.App.LicenseKeeper.GovAuthority(), Params: params,
	})
	require.ErrorIs(t, err, types.ErrInvalidParams)
	got, err := c.App.LicenseKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.False(t, got.RedemptionEnabled)
}

// Governance cannot raise the liquidation threshold on MAINNET: nothing re-checks licenses
// when it moves, so a license slashed to between the old and the new threshold would stay
// active (the backing invariant broken) and the export would not validate ("mark it
// LIQUIDATED"). Lowering it, and any change on TESTNET, is allowed.
func TestGovernanceCannotRaiseLiquidationThreshold(t *testing.T) {
	update := func(c *chain, threshold math.LegacyDec) error {
		params, err := c.App.LicenseKeeper.Params.Get(c.Context())
		require.NoError(t, err)
		params.LiquidationThreshold = threshold
		_, err = keeper.NewMsgServerImpl(c.App.LicenseKeeper).UpdateParams(c.Context(), &types.MsgUpdateParams{
			Authority: c.App.LicenseKeeper.GovAuthority(), Params: params,
		})
		c.NextBlock(time.Second)
		return err
	}
	c := mainnetChain(t, 2)
	owner := c.Accounts[1]
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{1}, Validator: c.validator().OperatorAddress}))
	slash(t, c, math.LegacyNewDecWithPrec(3, 2)) // license 1 keeps 97%, above the 95% threshold
	c.NextBlock(time.Second)

	for _, raised := range []string{"0.98", "1"} {
		require.ErrorIs(t, update(c, math.LegacyMustNewDecFromStr(raised)), types.ErrInvalidParams, raised)
	}
	got, err := c.App.LicenseKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.Equal(t, "0.950000000000000000", got.LiquidationThreshold.String())
	c.checkBackingInvariant()

	require.NoError(t, update(c, math.LegacyMustNewDecFromStr("0.9")))
	c.checkBackingInvariant()
	gs, err := c.App.LicenseKeeper.ExportGenesis(c.Context())
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Equal(t, uint64(0), c.supply().Liquidated)

	testnet := newChain(t, types.STAGE_TESTNET, nil)
	require.NoError(t, update(testnet, math.LegacyMustNewDecFromStr("0.99")))
}

// A validator-bound license can change hands: the rewards it earned before go to the
// previous owner, those after to the new one, and it stays bound.
func TestTransferBoundLicense(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	alice, bob := c.Accounts[1], c.Accounts[2]
	c.mint(alice.Address, 1)
	c.bind(alice, c.validator().OperatorAddress, 1)
	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	owed, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: alice.Address.String()})
	require.NoError(t, err)
	before := c.balance(alice.Address)
	c.ok(c.DeliverMsgs(time.Second, alice, &types.MsgTransferLicenses{Owner: alice.Address.String(), Ids: []uint64{1}, To: bob.Address.String()}))
	require.True(t, c.balance(alice.Address).Sub(before).GTE(owed.Amount), "alice paid what the license earned while hers")
	l := c.license(1).License
	require.Equal(t, bob.Address.String(), l.Owner)
	require.Equal(t, types.BINDING_VALIDATOR, l.Binding.Kind)

	c.payFees(1_000_000_000)
	c.NextBlock(time.Second)
	forBob, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: bob.Address.String()})
	require.NoError(t, err)
	require.True(t, forBob.Amount.IsPositive())
	forAlice, err := c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: alice.Address.String()})
	require.NoError(t, err)
	require.True(t, forAlice.Amount.IsZero())
	c.checkBackingInvariant()
}

// A license whose stake is unbonding cannot be bound again until it returns; it can be
// redeemed (after the upgrade), paying when the unbonding completes.
func TestUnbondingLicenseRules(t *testing.T) {
	c := mainnetChain(t, 1)
	owner := c.Accounts[1]
	val := c.validator().OperatorAddress
	c.bind(owner, val, 1)
	c.unbind(owner, 1)
	res := c.DeliverMsgs(time.Second, owner, &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: []uint64{1}, Validator: val})
	require.Equal(t, types.ErrLicenseUnbonding.ABCICode(), res.Code, res.Log)

	enableRedemption(t, c)
	before := c.balance(owner.Address)
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgRedeemLicenses{Owner: owner.Address.String(), Ids: []uint64{1}}))
	require.Equal(t, before.String(), c.balance(owner.Address).String(), "paid when the stake returns")
	c.NextBlock(c.unbondingTime() + time.Second)
	c.NextBlock(time.Second)
	require.Equal(t, se.String(), c.balance(owner.Address).Sub(before).String())
	require.Equal(t, types.STATUS_REDEEMED, c.license(1).License.Status)
	c.checkBackingInvariant()
}

// A restore that cannot be done (the validator was slashed to zero tokens, so it takes no
// delegation) is set aside with an event; the block does not fail, and the chain goes on.
func TestImpossibleRestoreIsSetAside(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner := c.Accounts[1]
	c.mint(owner.Address, 1)
	c.bind(owner, c.validator().OperatorAddress, 1)
	slash(t, c, math.LegacyOneDec())
	res := c.NextBlock(time.Second)
	aside := testutil.Events[*types.EventLicenseSetAside](t, res)
	require.Len(t, aside, 1)
	require.Equal(t, uint64(1), aside[0].Id)
	require.Equal(t, "slash", aside[0].Step)
	require.NotEmpty(t, aside[0].Reason)
	c.NextBlock(time.Second)
	c.checkBackingInvariant()
}

// Queries answer with gRPC status codes a client can act on: NotFound for a license that
// does not exist (REST 404), InvalidArgument for a malformed address (REST 400).
func TestQueryStatusCodes(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	_, err := c.querier().License(c.Context(), &types.QueryLicenseRequest{Id: 999})
	require.Equal(t, codes.NotFound, status.Code(err), "%v", err)
	_, err = c.querier().Rewards(c.Context(), &types.QueryRewardsRequest{Owner: "aegis1nope"})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	_, err = c.querier().Licenses(c.Context(), &types.QueryLicensesRequest{Owner: "x"})
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
}

// Found by the simulation (seed 30, 500 blocks): a license's delegation can be worth more
// than its backing by more than one uaegis. x/staking truncates the tokens it pays another
// delegator's undelegation and leaves the fraction in the validator's pool, so the shares
// left — the license's among them — gain dust with each one. The invariant allows that dust
// (roundingDust), and the license's stake still settles whole when it unbinds.
func TestDelegationDustAboveBacking(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	owner, other := c.Accounts[1], c.Accounts[2]
	c.mint(owner.Address, 1)
	val := c.validator().OperatorAddress
	c.bind(owner, val, 1)
	slash(t, c, math.LegacyNewDecWithPrec(3, 2)) // tokens per share below 1: payouts truncate
	c.NextBlock(time.Second)                     // TESTNET: the license is restored to its backing
	c.ok(c.DeliverMsgs(time.Second, other, stakingtypes.NewMsgDelegate(other.Address.String(), val, sdk.NewInt64Coin(app.BondDenom, 1_000_000_000))))
	for i := range 6 { // x/staking keeps at most 7 unbonding entries per delegator and validator
		c.ok(c.DeliverMsgs(time.Second, other, stakingtypes.NewMsgUndelegate(other.Address.String(), val, sdk.NewInt64Coin(app.BondDenom, int64(3_000_001+i)))))
	}
	value := c.licenseDelegation(c.validator())
	require.True(t, value.GT(se.Add(math.OneInt())), "the license's delegation is worth %s, its backing %s", value, se)
	require.True(t, value.LTE(se.Add(math.NewInt(6))), "at most a uaegis of dust per undelegation: %s", value)
	c.checkBackingInvariant()
	c.unbind(owner, 1)
	c.NextBlock(c.unbondingTime() + time.Second)
	c.NextBlock(time.Second)
	require.Equal(t, se.String(), c.license(1).Backing.String())
	require.Nil(t, c.license(1).License.UnbondingUntil, "the unbonding settled")
	c.checkBackingInvariant()
}
