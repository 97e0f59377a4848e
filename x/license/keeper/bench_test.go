package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
)

// BenchmarkSlashValidatorWith48000Licenses slashes (5%, double-sign sized) a validator that
// all 48,000 licenses are bound to, then runs blocks until every license has been handled:
// restored on TESTNET, liquidated on MAINNET — the most writes a slash can cause. It reports
// how many blocks that takes, the most licenses one block handled, and the average and
// slowest block (FinalizeBlock + Commit on the in-memory test chain).
// Run with `make bench` (or -bench SlashValidatorWith48000 -benchtime 1x).
func BenchmarkSlashValidatorWith48000Licenses(b *testing.B) {
	for _, stage := range []types.Stage{types.STAGE_TESTNET, types.STAGE_MAINNET} {
		b.Run(stage.String(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c := chainWithBoundLicenses(b, stage, benchLicenses)
				b.StartTimer()
				start := time.Now()
				blocks, slowest, most := slashAndDrain(b, c)
				b.ReportMetric(float64(blocks), "blocks/slash")
				b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(blocks), "ms/block-avg")
				b.ReportMetric(float64(slowest.Microseconds())/1000, "ms/slowest-block")
				b.ReportMetric(float64(most), "licenses/block-max")
			}
		})
	}
}

// chainWithBoundLicenses is a chain whose n licenses are all bound to its validator. The
// binds go through the Msg server in the block context, without transactions, for speed.
func chainWithBoundLicenses(b *testing.B, stage types.Stage, n int) *chain {
	c := newChain(b, stage, func(gs *types.GenesisState, accs []testutil.Account) {
		if stage != types.STAGE_MAINNET {
			return
		}
		gs.Minted = uint64(n)
		for id := uint64(1); id <= gs.Minted; id++ {
			gs.Licenses = append(gs.Licenses, types.License{Id: id, Owner: accs[1].Address.String(), Status: types.STATUS_ACTIVE, Backing: se})
		}
	})
	owner := c.Accounts[1]
	srv := keeper.NewMsgServerImpl(c.App.LicenseKeeper)
	if stage == types.STAGE_TESTNET {
		_, err := srv.MintLicenses(c.Context(), &types.MsgMintLicenses{Authority: c.dev.Address.String(), Owner: owner.Address.String(), Count: uint64(n)})
		require.NoError(b, err)
	}
	val := c.validator().OperatorAddress
	for first := 1; first <= n; first += 1000 {
		ids := make([]uint64, 0, 1000)
		for id := first; id < first+1000 && id <= n; id++ {
			ids = append(ids, uint64(id))
		}
		_, err := srv.BindToValidator(c.Context(), &types.MsgBindToValidator{Signer: owner.Address.String(), Ids: ids, Validator: val})
		require.NoError(b, err)
	}
	c.NextBlock(time.Second)
	return c
}

// slashAndDrain slashes the validator 5% and runs blocks until its slash scan is done.
func slashAndDrain(b *testing.B, c *chain) (blocks int, slowest time.Duration, most int) {
	slash(b, c, math.LegacyNewDecWithPrec(5, 2))
	val := c.validator().OperatorAddress
	for {
		scanning, err := c.App.LicenseKeeper.SlashScans.Has(c.Context(), val)
		require.NoError(b, err)
		if !scanning {
			return blocks, slowest, most
		}
		start := time.Now()
		res := c.NextBlock(time.Second)
		if d := time.Since(start); d > slowest {
			slowest = d
		}
		n := len(testutil.Events[*types.EventBackingRestored](b, res)) + len(testutil.Events[*types.EventLicenseLiquidated](b, res))
		most = max(most, n)
		blocks++
	}
}

// benchLicenses is how many licenses the slash benchmark binds: the cap.
var benchLicenses = types.MaxLicenses
