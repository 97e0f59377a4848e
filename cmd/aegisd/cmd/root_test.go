package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"

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

// TestInitKeepsAppStateInPebbleDB: a new home stores the application state in PebbleDB
// (app-db-backend): the app.toml default, not a flag operators must know. Every system test's
// node runs on it.
func TestInitKeepsAppStateInPebbleDB(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, aegisd(t, home, "init", "node", "--chain-id", "aegis-test-1"))
	bz, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	require.NoError(t, err)
	require.Regexp(t, `(?m)^app-db-backend = "pebbledb"$`, string(bz))
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

// TestMalformedArgumentIsNamed: autocli parses positional arguments as flags named "0",
// "1", ...; a malformed one is named as the command's usage names it, with what it must be
// (issue #24, item 4).
func TestMalformedArgumentIsNamed(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, aegisd(t, home, "init", "node", "--chain-id", "aegis-test-1"))
	acct, err := bech32.ConvertAndEncode("aegis", make([]byte, 20))
	require.NoError(t, err)
	offline := []string{"--from", acct, "--offline", "--chain-id", "aegis-test-1", "--account-number", "0",
		"--sequence", "0", "--generate-only", "--keyring-backend", "test"}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{append([]string{"tx", "license", "mint", "aegis1bad", "3"}, offline...),
			`the owner argument "aegis1bad" is not valid: it must be an account address (aegis1...) or the name of a key in your keyring`},
		{append([]string{"tx", "license", "transfer", "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", "1"}, offline...),
			`the to argument "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu" is not valid: it must be an account address (aegis1...) ` +
				`or the name of a key in your keyring (its prefix is cosmos, not aegis)`},
		{append([]string{"tx", "license", "bind-validator", acct, "1"}, offline...),
			`the validator argument "` + acct + `" is not valid: it must be a validator operator address (aegisvaloper1...) ` +
				`or the name of a key in your keyring (its prefix is aegis, not aegisvaloper)`},
		{append([]string{"tx", "license", "mint", acct, "three"}, offline...),
			`the count argument "three" is not valid: it must be a whole number (0, 1, 2, ...)`},
		{append([]string{"tx", "license", "unbind", "1", "x"}, offline...),
			`the ids argument "x" is not valid: it must be a whole number (0, 1, 2, ...)`},
		{[]string{"q", "bank", "balances", "aegis1xyz"},
			`the address argument "aegis1xyz" is not valid: it must be an account address (aegis1...) or the name of a key in your keyring`},
	} {
		err := aegisd(t, home, tc.args...)
		require.EqualError(t, err, tc.want, "%v", tc.args)
	}
}

// TestExportOfRunningNodeSaysStopFirst: `aegisd export` while the node runs cannot open its
// database (its lock file); it says to stop the node (issue #24, item 4).
func TestExportOfRunningNodeSaysStopFirst(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, aegisd(t, home, "init", "node", "--chain-id", "aegis-test-1"))
	db, err := dbm.NewDB("application", dbm.PebbleDBBackend, filepath.Join(home, "data")) // app-db-backend of a new home
	require.NoError(t, err)
	defer db.Close()

	err = aegisd(t, home, "export")
	require.EqualError(t, err, "cannot open the node's database in "+home+"/data: stop aegisd first (the node holds its database), then run this command again")
}
