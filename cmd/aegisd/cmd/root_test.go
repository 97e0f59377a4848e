package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/cmd/aegisd/cmd"
)

// aegisd runs the aegisd command tree in-process with args.
func aegisd(t *testing.T, home string, args ...string) error {
	t.Helper()
	root, err := cmd.NewRootCmd()
	require.NoError(t, err)
	root.SetArgs(append(args, "--home", home))
	root.SetOut(os.Stderr)
	return svrcmd.Execute(root, "AEGISD", home)
}

// TestInitWritesNonZeroMinGasPrice: a node that never edits app.toml does not run an
// open, free mempool (issue #10, item 6).
func TestInitWritesNonZeroMinGasPrice(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, aegisd(t, home, "init", "node", "--chain-id", "aegis-test-1"))
	bz, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^minimum-gas-prices = "([^"]*)"`).FindSubmatch(bz)
	require.NotNil(t, m, "app.toml has minimum-gas-prices")
	prices, err := sdk.ParseDecCoins(string(m[1]))
	require.NoError(t, err)
	require.Equal(t, "0.025000000000000000uaegis", prices.String())
	require.True(t, prices.IsAllPositive())
}

// TestGenesisValidateRunsCrossModuleChecks: `aegisd genesis validate` refuses what
// InitChainer would refuse: here x/emission's last day ahead of x/por's last tick, which
// every module's own ValidateGenesis accepts (issue #10, item 3).
func TestGenesisValidateRunsCrossModuleChecks(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, aegisd(t, home, "init", "node", "--chain-id", "aegis-test-1"))
	require.NoError(t, aegisd(t, home, "genesis", "validate"), "a fresh genesis is valid")

	path := filepath.Join(home, "config", "genesis.json")
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(bz, &doc))
	var state map[string]map[string]any
	require.NoError(t, json.Unmarshal(doc["app_state"], &state))
	state["emission"]["last_day_issued"] = "1"
	state["emission"]["total_issued"] = "3532710693073"
	doc["app_state"], err = json.Marshal(state)
	require.NoError(t, err)
	bz, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, bz, 0o600))

	err = aegisd(t, home, "genesis", "validate")
	require.ErrorContains(t, err, "x/emission last_day_issued is 1 but x/por last_tick_day is 0")
}
