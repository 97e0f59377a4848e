package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

func bankEvent(typ, whoKey, who, amount string) abci.Event {
	return abci.Event{Type: typ, Attributes: []abci.EventAttribute{{Key: whoKey, Value: who}, {Key: "amount", Value: amount}}}
}

// TestSupplyIdentity: the supply moves by the emission issue, x/license's counted mints and
// burns and the other modules' burns; a mint or burn nobody counted is caught.
func TestSupplyIdentity(t *testing.T) {
	const lic, staking = "aegis1license", "aegis1bonded"
	events := []abci.Event{
		bankEvent("coinbase", "minter", "aegis1emission", "1000uaegis"), // the day's issue
		bankEvent("coinbase", "minter", lic, "300uaegis,5other"),        // a license's backing
		bankEvent("burn", "burner", lic, "100uaegis"),                   // a redemption's stake
		bankEvent("burn", "burner", staking, "40uaegis"),                // a slash
		{Type: "transfer", Attributes: []abci.EventAttribute{{Key: "amount", Value: "7uaegis"}}},
	}
	flow := newSupplyFlow()
	require.NoError(t, flow.add(events, "uaegis", lic))
	require.Equal(t, "1300", flow.minted.String())
	require.Equal(t, "100", flow.licenseBurned.String())
	require.Equal(t, "40", flow.otherBurned.String())

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
	bad := newSupplyFlow()
	require.Error(t, bad.add([]abci.Event{bankEvent("burn", "burner", lic, "x")}, "uaegis", lic), "an amount that does not parse")
}
