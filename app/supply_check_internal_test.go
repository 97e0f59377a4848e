package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

// TestSupplyIdentity: the supply moves by the emission issue, x/license's counted mints and
// burns and the other modules' burns; a mint or burn nobody counted is caught.
func TestSupplyIdentity(t *testing.T) {
	flow := newSupplyFlow()
	flow.add(recordMint, "emission", math.NewInt(1000)) // the day's issue
	flow.add(recordMint, "license", math.NewInt(300))   // a license's backing
	flow.add(recordBurn, "license", math.NewInt(100))   // a redemption's stake
	flow.add(recordBurn, "bonded_tokens_pool", math.NewInt(25))
	flow.add(recordBurn, "gov", math.NewInt(15)) // a vetoed proposal's deposit
	require.Equal(t, "1000", flow.issued.String())
	require.Equal(t, "300", flow.licenseMinted.String())
	require.Equal(t, "100", flow.licenseBurned.String())
	require.Equal(t, "40", flow.otherBurned.String())
	require.True(t, flow.otherMinted.IsZero())

	mark := func(supply, issued, lm, lb int64) supplyMark {
		return supplyMark{supply: math.NewInt(supply), issued: math.NewInt(issued),
			license: licensetypes.TokenFlow{Minted: math.NewInt(lm), Burned: math.NewInt(lb)}}
	}
	from := mark(10_000, 5_000, 700, 50)
	require.NoError(t, checkSupplyIdentity(from, mark(11_160, 6_000, 1_000, 150), flow))
	for name, to := range map[string]supplyMark{
		"supply moved by something else":     mark(11_161, 6_000, 1_000, 150),
		"a mint x/license did not count":     mark(11_160, 6_000, 900, 150),
		"a burn x/license did not count":     mark(11_160, 6_000, 1_000, 50),
		"an issue x/emission did not record": mark(11_160, 5_000, 1_000, 150),
	} {
		require.Error(t, checkSupplyIdentity(from, to, flow), name)
	}
	stray := flow
	stray.add(recordMint, "distribution", math.NewInt(1))
	require.ErrorContains(t, checkSupplyIdentity(from, mark(11_161, 6_000, 1_000, 150), stray), "other than",
		"a mint by another module, even one the supply shows")
}
