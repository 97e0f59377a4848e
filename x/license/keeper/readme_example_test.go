package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/types"
)

// TestREADMEWorkedExample runs the x/license README's worked example (MAINNET,
// stake_equivalent 10,000 AEGIS, threshold 0.95) step by step.
func TestREADMEWorkedExample(t *testing.T) {
	aegis := func(n int64) math.Int { return math.NewInt(n).MulRaw(1_000_000) }
	c := newChain(t, types.STAGE_MAINNET, func(gs *types.GenesisState, accs []testutil.Account) {
		gs.Minted = 7
		for id := uint64(1); id <= 7; id++ {
			gs.Licenses = append(gs.Licenses, types.License{Id: id, Owner: accs[0].Address.String(), Status: types.STATUS_ACTIVE, Backing: se})
		}
		gs.Licenses[6].Owner = accs[1].Address.String() // license 7 is Alice's
	})
	alice, bob, wOp := c.Accounts[1], c.Accounts[2], c.Accounts[3]
	v := c.validator()
	wAddr := sdk.ValAddress(wOp.Address)
	consKey := ed25519.GenPrivKeyFromSecret([]byte("readme-W"))
	create, err := stakingtypes.NewMsgCreateValidator(wAddr.String(), consKey.PubKey(), sdk.NewCoin(app.BondDenom, aegis(1_000)),
		stakingtypes.NewDescription("W", "", "", "", ""), stakingtypes.NewCommissionRates(math.LegacyNewDecWithPrec(1, 1), math.LegacyOneDec(), math.LegacyNewDecWithPrec(1, 2)), math.OneInt())
	require.NoError(t, err)
	c.ok(c.DeliverMsgs(time.Second, wOp, create))
	slashVal := func(addr sdk.ValAddress, fraction math.LegacyDec) {
		ctx := c.Context()
		val, err := c.App.StakingKeeper.GetValidator(ctx, addr)
		require.NoError(t, err)
		cons, err := val.GetConsAddr()
		require.NoError(t, err)
		_, err = c.App.StakingKeeper.Slash(ctx, cons, ctx.BlockHeight(), val.ConsensusPower(sdk.DefaultPowerReduction), fraction)
		require.NoError(t, err)
		c.NextBlock(time.Second)
	}
	near := func(want, got math.Int, what string) {
		require.True(t, want.Sub(got).Abs().LTE(math.OneInt()), "%s: %s, want %s", what, got, want)
	}

	// 1. Alice binds license 7 to V: 10,000 AEGIS delegated from LicenseAccount(7).
	c.bind(alice, v.OperatorAddress, 7)
	near(aegis(10_000), c.license(7).Backing, "step 1 delegation")
	// 2. V is slashed 4%: 9,600 > 9,500, nothing to do.
	slashVal(sdk.ValAddress(mustValBytes(t, v.OperatorAddress)), math.LegacyNewDecWithPrec(4, 2))
	near(aegis(9_600), c.license(7).Backing, "step 2 delegation")
	require.Equal(t, types.STATUS_ACTIVE, c.license(7).License.Status)
	// 3. Alice unbinds; Bob sends 400 AEGIS to the license's account; 9,600 come back and
	// are burned; the backing is 9,600 and the 400 are paid to Alice.
	c.unbind(alice, 7)
	c.ok(c.DeliverMsgs(time.Second, bob, banktypes.NewMsgSend(bob.Address, types.LicenseAccount(7), sdk.NewCoins(sdk.NewCoin(app.BondDenom, aegis(400))))))
	before := c.balance(alice.Address)
	c.NextBlock(c.unbondingTime() + time.Second)
	l := c.license(7).License
	require.Nil(t, l.UnbondingUntil)
	near(aegis(9_600), l.Backing, "step 3 backing")
	require.Equal(t, before.Add(aegis(400)).String(), c.balance(alice.Address).String(), "the 400 went to Alice")
	// 4. Alice binds license 7 to W: 9,600 delegated. W is slashed 1%: 9,504 > 9,500;
	// another 1%: 9,408.96 <= 9,500: liquidated.
	c.bind(alice, wAddr.String(), 7)
	near(aegis(9_600), c.license(7).Backing, "step 4 delegation")
	slashVal(wAddr, math.LegacyNewDecWithPrec(1, 2))
	near(math.NewInt(9_504_000_000), c.license(7).Backing, "after the first 1%")
	require.Equal(t, types.STATUS_ACTIVE, c.license(7).License.Status)
	slashVal(wAddr, math.LegacyNewDecWithPrec(1, 2))
	require.Equal(t, types.STATUS_LIQUIDATED, c.license(7).License.Status)
	c.checkBackingInvariant()
}

func mustValBytes(t *testing.T, s string) []byte {
	addr, err := sdk.ValAddressFromBech32(s)
	require.NoError(t, err)
	return addr
}
