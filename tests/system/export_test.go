package system

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSystemExportBootsNewChain runs a chain, stops it, exports a zero-height genesis,
// validates it and boots a new chain from it with the same validator key.
func TestSystemExportBootsNewChain(t *testing.T) {
	skipIfShort(t)
	bin := BuildBinary(t)
	c := NewChain(t, bin, "bob")
	bob := c.KeyAddress("bob")
	c.Start()
	res := c.Tx("tx", "bank", "send", "alice", bob, "5000uaegis")
	require.Zero(t, res.Code, res.RawLog)
	c.WaitForHeight(c.Height()+2, 30*time.Second)
	c.Stop()

	exported := filepath.Join(t.TempDir(), "exported.json")
	c.MustRun("export", "--for-zero-height", "--output-document", exported)

	next := NewChain(t, bin)
	for _, f := range []string{"priv_validator_key.json", "node_key.json"} {
		bz, err := os.ReadFile(filepath.Join(c.Home, "config", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(next.Home, "config", f), bz, 0o600))
	}
	bz, err := os.ReadFile(exported)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(next.Home, "config", "genesis.json"), bz, 0o600))
	next.ChainID = c.ChainID
	next.MustRun("genesis", "validate")
	next.Start()

	out := next.MustRun("q", "bank", "balance", bob, "uaegis", "--output", "json", "--node", "tcp://"+next.RPC)
	var bal struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &bal), out)
	require.Equal(t, "1000000005000", bal.Balance.Amount)
}
