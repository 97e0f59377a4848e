package config

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func validConfig() Config {
	c := Default()
	c.ChainID = "aegis-test-1"
	c.Operator = sdk.AccAddress("operator-address-20b").String()
	return c
}

// TestWriteLoadRoundTrip: the commented file init writes loads back to the same config.
func TestWriteLoadRoundTrip(t *testing.T) {
	home := t.TempDir()
	c := validConfig()
	c.Roles = []RoleShare{{Role: "worker", Compute: 60, Storage: 50, Bandwidth: 50}, {Role: "da", Compute: 40, Storage: 50, Bandwidth: 50}}
	c.Probe.DeclaredBandwidthMbps = 1000
	require.NoError(t, Write(home, c))
	got, err := Load(home)
	require.NoError(t, err)
	require.Equal(t, c, got)
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no chain id", func(c *Config) { c.ChainID = "" }, "chain_id is empty"},
		{"bad operator", func(c *Config) { c.Operator = "aegis1nope" }, "is not an address"},
		{"no hot key", func(c *Config) { c.HotKey = "" }, "hot_key is empty"},
		{"bad gas price", func(c *Config) { c.GasPrices = "cheap" }, "gas_prices"},
		{"no roles", func(c *Config) { c.Roles = nil }, "no [[roles]]"},
		{"role twice", func(c *Config) { c.Roles = append(c.Roles, RoleShare{Role: "WORKER"}) }, "listed twice"},
		{"shares above 100", func(c *Config) {
			c.Roles = []RoleShare{{Role: "worker", Storage: 70}, {Role: "da", Storage: 40}}
		}, "storage shares add up to 110%"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			tc.edit(&c)
			require.ErrorContains(t, c.Validate(), tc.want)
		})
	}
	_, err := Load(t.TempDir())
	require.ErrorContains(t, err, "run `aegis-node init")
}
