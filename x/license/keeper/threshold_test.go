package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
)

// Spec section 6 (amended): liquidation_threshold lies strictly between 0 and 1, and
// MainnetGenesis is valid for every allowed value — a testnet export whose licenses were
// slashed, liquidated or redeemed still becomes a valid mainnet genesis.
func TestLiquidationThresholdStrictlyBetweenZeroAndOne(t *testing.T) {
	owner := sdk.AccAddress([]byte("threshold-owner-----")).String()
	for _, c := range []struct {
		threshold math.LegacyDec
		ok        bool
	}{
		{math.LegacyZeroDec(), false},
		{math.LegacyNewDec(-1), false},
		{math.LegacyOneDec(), false},
		{math.LegacyOneDec().Add(math.LegacySmallestDec()), false},
		{math.LegacySmallestDec(), true},
		{math.LegacyNewDecWithPrec(5, 1), true},
		{math.LegacyNewDecWithPrec(95, 2), true},
		{math.LegacyOneDec().Sub(math.LegacySmallestDec()), true},
	} {
		testnet := types.GenesisState{Params: types.DefaultParams(owner), Minted: 4}
		testnet.Params.LiquidationThreshold = c.threshold
		slashed := se.MulRaw(99).QuoRaw(100)
		testnet.Licenses = []types.License{
			{Id: 1, Owner: owner, Status: types.STATUS_ACTIVE, Backing: se, MintedAt: 3},
			{Id: 2, Owner: owner, Status: types.STATUS_ACTIVE, Backing: slashed, MintedAt: 3},
			{Id: 3, Owner: owner, Status: types.STATUS_LIQUIDATED, Backing: math.ZeroInt(), MintedAt: 3},
			{Id: 4, Owner: owner, Status: types.STATUS_REDEEMED, Backing: math.ZeroInt(), MintedAt: 3},
		}
		err := testnet.Params.Validate()
		if !c.ok {
			require.ErrorIs(t, err, types.ErrInvalidParams, "threshold %s", c.threshold)
			continue
		}
		require.NoError(t, err, "threshold %s", c.threshold)
		mainnet := keeper.MainnetGenesis(testnet, "")
		require.NoError(t, mainnet.Validate(), "threshold %s", c.threshold)
		require.Len(t, mainnet.Licenses, 2)
	}
}
