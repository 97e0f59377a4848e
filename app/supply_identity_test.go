package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
)

// TestSupplyIdentityEveryBlock: a vetoed proposal's deposit is burned by x/gov in the block
// that also issues two days; the block checker, run on every block's state before commit,
// proves ΔS = ΔE + license mints − burns from the block's record at each block.
func TestSupplyIdentityEveryBlock(t *testing.T) {
	c := testutil.NewTestChain(t, 2, nil)
	checker := c.CheckEveryBlock()
	id, params := propose(t, c, govv1.OptionNoWithVeto) // a text proposal, vetoed

	supply := func() math.Int { return c.App.BankKeeper.GetSupply(c.Context(), app.BondDenom).Amount }
	issued := func() math.Int {
		_, e, err := c.App.EmissionKeeper.Progress(c.Context())
		require.NoError(t, err)
		return e
	}
	s0, e0 := supply(), issued()
	c.NextBlock(*params.VotingPeriod + time.Second) // the voting period ends and days are issued
	p, err := c.App.GovKeeper.Proposals.Get(c.Context(), id)
	require.NoError(t, err)
	require.Equal(t, govv1.StatusRejected, p.Status)
	deposit := sdk.NewCoins(params.MinDeposit...).AmountOf(app.BondDenom)
	require.True(t, issued().GT(e0), "the block issued days")
	require.Equal(t, s0.Add(issued().Sub(e0)).Sub(deposit).String(), supply().String(), "the veto burned the deposit")
	c.NextBlock(time.Second)
	require.Equal(t, checker.Blocks()-1, checker.SupplyChecks(), "every block after the first was checked")
	require.GreaterOrEqual(t, checker.SupplyChecks(), int64(4))
}

// TestSupplyIdentityCatchesUnrecordedMint: coins minted past the record (straight through
// the bank keeper, which no module is given) break the identity at that block.
func TestSupplyIdentityCatchesUnrecordedMint(t *testing.T) {
	c := testutil.NewTestChain(t, 1, nil)
	checker := app.NewBlockChecker(c.App)
	var got error
	target := c.App.LastBlockHeight() + 2
	c.OnEveryBlock(func(ctx sdk.Context) error {
		if ctx.BlockHeight() == target {
			require.NoError(t, c.App.BankKeeper.MintCoins(ctx, emissiontypes.ModuleName, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
		}
		if err := checker.Check(ctx); err != nil && got == nil {
			got = err
		}
		return nil
	})
	for range 3 {
		c.NextBlock(time.Second)
	}
	require.ErrorContains(t, got, "changed by 1")
	require.ErrorContains(t, got, "at height")
}
