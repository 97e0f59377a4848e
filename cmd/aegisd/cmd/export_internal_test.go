package cmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// The export reads what the SDK's AppGenesisFromFile reads, except the app state it
// replaces: for an AppGenesis file, for a CometBFT genesis (the SDK's fallback) and for a
// file that is neither.
func TestGenesisHeaderIsTheSDKsWithoutAppState(t *testing.T) {
	dir := t.TempDir()
	for name, doc := range map[string]string{
		"app genesis": `{"app_name":"aegisd","app_version":"v1","genesis_time":"2026-01-02T03:04:05Z","chain_id":"aegis-1",` +
			`"initial_height":7,"app_hash":null,"app_state":{"bank":{"balances":[{"address":"x","coins":[]}]},"s":"<&>"},` +
			`"consensus":{"params":{"block":{"max_bytes":"22020096","max_gas":"-1"},"evidence":{"max_age_num_blocks":"100000","max_age_duration":"172800000000000","max_bytes":"1048576"},"validator":{"pub_key_types":["ed25519"]},"version":{"app":"0"}}}}`,
		"cometbft genesis": `{"genesis_time":"2026-01-02T03:04:05Z","chain_id":"aegis-1","initial_height":"7","app_hash":"",` +
			`"app_state":{"bank":{}},"consensus_params":{"block":{"max_bytes":"22020096","max_gas":"-1"},"evidence":{"max_age_num_blocks":"100000","max_age_duration":"172800000000000","max_bytes":"1048576"},"validator":{"pub_key_types":["ed25519"]},"version":{"app":"0"}}}`,
	} {
		file := filepath.Join(dir, "genesis.json")
		require.NoError(t, os.WriteFile(file, []byte(doc), 0o600))
		want, err := genutiltypes.AppGenesisFromFile(file)
		require.NoError(t, err, name)
		require.NotEmpty(t, want.AppState, name)
		got, err := genesisHeaderFromFile(file)
		require.NoError(t, err, name)
		if name == "app genesis" {
			require.Empty(t, got.AppState, name)
		}
		want.AppState, got.AppState = nil, nil
		require.Equal(t, want, got, name)
	}

	file := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"chain_id":`), 0o600))
	_, want := genutiltypes.AppGenesisFromFile(file)
	_, got := genesisHeaderFromFile(file)
	require.Error(t, got)
	require.Equal(t, want.Error(), got.Error())
	_, err := genesisHeaderFromFile(filepath.Join(dir, "missing.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
