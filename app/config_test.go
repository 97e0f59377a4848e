package app_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
)

// The process has one SDK config scope, so an address parse does not rebuild the scope
// key from the host name and executable path (two syscalls) every time.
func TestConfigScope(t *testing.T) {
	require.Equal(t, app.AppName, os.Getenv(sdk.EnvConfigScope))
	require.Equal(t, app.Bech32Prefix, sdk.GetConfig().GetBech32AccountAddrPrefix())
	addr := sdk.AccAddress([]byte("twenty-bytes-address"))
	got, err := sdk.AccAddressFromBech32(addr.String())
	require.NoError(t, err)
	require.Equal(t, addr, got)
}

// BenchmarkAccAddressFromBech32 is the cost of one address parse, which every tx and
// genesis entry pays several times.
func BenchmarkAccAddressFromBech32(b *testing.B) {
	s := sdk.AccAddress([]byte("twenty-bytes-address")).String()
	for b.Loop() {
		if _, err := sdk.AccAddressFromBech32(s); err != nil {
			b.Fatal(err)
		}
	}
}
