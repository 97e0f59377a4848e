package keeper

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// The report event built directly is the SDK's typed event, attribute for attribute, and
// parses back to what was emitted.
func TestReportAcceptedEventIsTyped(t *testing.T) {
	for _, ev := range []types.EventReportAccepted{
		{Operator: "aegis1qqqrkqg6ejfeuzwdzr04arx7a5r7efns6u3lau", Day: 1},
		{Operator: "aegis1qqqrkqg6ejfeuzwdzr04arx7a5r7efns6u3lau", Day: ^uint64(0), Roles: []types.RoleEff{
			{Role: types.NODE_ROLE_WORKER, Eff: math.LegacyMustNewDecFromStr("300"), Penalized: false},
			{Role: types.NODE_ROLE_DA, Eff: math.LegacyMustNewDecFromStr("0.000000000000000001"), Penalized: true},
			{Role: types.NODE_ROLE_OPERATOR, Eff: math.LegacyZeroDec()},
			{Role: types.NODE_ROLE_SEQUENCER, Eff: math.LegacyMustNewDecFromStr("999999999.123456789012345678")},
			{Role: types.NODE_ROLE_DELEGATE, Eff: math.LegacyMustNewDecFromStr("216")},
		}},
	} {
		want, err := sdk.TypedEventToEvent(&ev)
		require.NoError(t, err)
		got := reportAcceptedEvent(ev)
		require.Equal(t, want, got)
		back, err := sdk.ParseTypedEvent(abci.Event(got))
		require.NoError(t, err)
		parsed := back.(*types.EventReportAccepted)
		if len(parsed.Roles) == 0 {
			parsed.Roles = nil // JSON's [] for no roles
		}
		require.Equal(t, &ev, parsed)
	}
}
