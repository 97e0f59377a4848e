package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/x/license/types"
)

// A zero-height export rebases minted_at with the chain's heights, as x/por's (the new
// chain's height 1 is the old last+1): a license minted 3 blocks before the export reads
// as minted at -3, not at a height the new chain has yet to reach; a license carried into
// a genesis keeps minted_at 0, which MAINNET requires.
func TestZeroHeightExportRebasesMintHeights(t *testing.T) {
	c := newChain(t, types.STAGE_TESTNET, nil)
	c.mint(c.Accounts[1].Address, 1)
	mintedAt := c.App.LastBlockHeight()
	require.Equal(t, mintedAt, c.license(1).License.MintedAt)
	for range 3 {
		c.NextBlock(time.Second)
	}
	last := c.App.LastBlockHeight()
	next := &chain{TestChain: c.ExportZeroHeightAndImport(), dev: c.dev} // validates the export
	next.NextBlock(time.Second)
	require.Equal(t, mintedAt-last, next.license(1).License.MintedAt)
	require.Equal(t, int64(-3), next.license(1).License.MintedAt)

	m := mainnetChain(t, 2)
	m.NextBlock(time.Second)
	restarted := m.ExportZeroHeightAndImport() // a MAINNET license with minted_at != 0 is refused
	restarted.NextBlock(time.Second)
	for id := uint64(1); id <= 2; id++ {
		l, err := restarted.App.LicenseKeeper.Licenses.Get(restarted.Context(), id)
		require.NoError(t, err)
		require.Zero(t, l.MintedAt)
	}
}
