package system

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSystemTestnetToMainnet follows the README procedure with the real binary: a TESTNET
// mints licenses and binds some, is exported; a new MAINNET genesis imports the licenses,
// validates, boots, and reports the same license commitment.
func TestSystemTestnetToMainnet(t *testing.T) {
	skipIfShort(t)
	bin := BuildBinary(t)
	testnet := NewChain(t, bin, "holder")
	dev := testnet.KeyAddress("alice")
	holder := testnet.KeyAddress("holder")
	testnet.EditGenesis(func(s map[string]json.RawMessage) {
		var gs map[string]any
		require.NoError(t, json.Unmarshal(s["license"], &gs))
		gs["params"].(map[string]any)["authority"] = dev // a DEV key mints on the testnet
		s["license"], _ = json.Marshal(gs)
	})
	testnet.Start()
	res := testnet.Tx("tx", "license", "mint", holder, "3", "--from", "alice")
	require.Zero(t, res.Code, res.RawLog)
	res = testnet.Tx("tx", "license", "authorize-operator", dev, "2", "--from", "holder")
	require.Zero(t, res.Code, res.RawLog)
	var vals struct {
		Validators []struct {
			OperatorAddress string `json:"operator_address"`
		} `json:"validators"`
	}
	testnet.QueryJSON(&vals, "staking", "validators")
	res = testnet.Tx("tx", "license", "bind-validator", vals.Validators[0].OperatorAddress, "2", "--from", "alice")
	require.Zero(t, res.Code, res.RawLog)

	type commitment struct {
		Commitment string `json:"commitment"`
		Count      string `json:"count"`
	}
	var before commitment
	testnet.QueryJSON(&before, "license", "commitment")
	require.Equal(t, "3", before.Count)
	testnet.Stop()
	export := filepath.Join(t.TempDir(), "testnet-export.json")
	testnet.MustRun("export", "--output-document", export)
	// The testnet's own export, with a license bound to its validator, passes every
	// check (each module's and the cross-module ones): the chain could restart from it.
	testnet.MustRun("genesis", "validate", export)

	mainnet := NewChain(t, bin)
	out := mainnet.MustRun("genesis", "import-licenses", export)
	require.Contains(t, out, "imported 3 licenses")
	require.Contains(t, out, "commitment "+before.Commitment)
	mainnet.MustRun("genesis", "validate")
	mainnet.Start()

	var after commitment
	mainnet.QueryJSON(&after, "license", "commitment")
	require.Equal(t, before, after)
	var params struct {
		Params struct {
			Stage string `json:"stage"`
		} `json:"params"`
	}
	mainnet.QueryJSON(&params, "license", "params")
	require.Equal(t, "STAGE_MAINNET", params.Params.Stage)

	// Minting is impossible on the mainnet, whoever signs.
	_, errOut, err := mainnet.Run("tx", "license", "mint", holder, "1", "--from", "alice", "--keyring-backend", "test",
		"-y", "--gas", "auto", "--node", "tcp://"+mainnet.RPC)
	require.Error(t, err)
	require.True(t, strings.Contains(errOut, "only the license authority") || strings.Contains(errOut, "TESTNET"), errOut)
}
