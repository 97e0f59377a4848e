package keeper

import (
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// reportAcceptedEvent is sdk.TypedEventToEvent(&ev), built directly: every report emits
// one, and the SDK's reflective JSON round trip was a quarter of a report's cost. The
// attributes are byte for byte the typed event's (TestReportAcceptedEventIsTyped), so
// clients parse it with ParseTypedEvent and index it as before. Operators are bech32 and
// effs decimals: neither needs JSON escaping.
func reportAcceptedEvent(ev types.EventReportAccepted) sdk.Event {
	var roles strings.Builder
	roles.WriteByte('[')
	for i, r := range ev.Roles {
		if i > 0 {
			roles.WriteByte(',')
		}
		roles.WriteString(`{"role":"`)
		roles.WriteString(r.Role.String())
		roles.WriteString(`","eff":"`)
		roles.WriteString(r.Eff.String())
		roles.WriteString(`","penalized":`)
		roles.WriteString(strconv.FormatBool(r.Penalized))
		roles.WriteByte('}')
	}
	roles.WriteByte(']')
	return sdk.Event{
		Type: "aegis.por.v1.EventReportAccepted",
		Attributes: []abci.EventAttribute{
			{Key: "day", Value: `"` + strconv.FormatUint(ev.Day, 10) + `"`},
			{Key: "operator", Value: strconv.Quote(ev.Operator)},
			{Key: "roles", Value: roles.String()},
		},
	}
}
