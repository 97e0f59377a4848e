package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// TestChainRegistryFiles: `aegisd genesis chain-registry` writes, from a fresh genesis,
// chain.json and assetlist.json that the chain registry's own schemas accept (kept in
// testdata/chain-registry), with the genesis's chain id and denoms, slip44 118 and the
// 0.025 uaegis minimum gas price nodes accept.
func TestChainRegistryFiles(t *testing.T) {
	home, out := t.TempDir(), t.TempDir()
	require.NoError(t, aegisd(t, home, "init", "node", "--chain-id", "aegis-devnet-7"))
	require.NoError(t, aegisd(t, home, "genesis", "chain-registry", "--output-dir", out,
		"--rpc-endpoint", "http://10.0.0.1:26657", "--rpc-endpoint", "http://10.0.0.2:26657", "--rest-endpoint", "http://10.0.0.1:1317", "--grpc-endpoint", "10.0.0.1:9090"))

	c := jsonschema.NewCompiler()
	for _, f := range []string{"chain", "assetlist"} {
		doc := readJSON(t, filepath.Join(out, f+".json"))
		schema, err := c.Compile(filepath.Join("testdata", "chain-registry", f+".schema.json"))
		require.NoError(t, err)
		require.NoError(t, schema.Validate(doc), "%s.json against the registry's schema", f)
	}

	var chain struct {
		ChainName string `json:"chain_name"`
		ChainID   string `json:"chain_id"`
		Bech32    string `json:"bech32_prefix"`
		Slip44    int    `json:"slip44"`
		Network   string `json:"network_type"`
		Fees      struct {
			FeeTokens []struct {
				Denom  string  `json:"denom"`
				MinGas float64 `json:"fixed_min_gas_price"`
				Low    float64 `json:"low_gas_price"`
			} `json:"fee_tokens"`
		} `json:"fees"`
		Staking struct {
			Tokens []struct {
				Denom string `json:"denom"`
			} `json:"staking_tokens"`
		} `json:"staking"`
		APIs map[string][]struct {
			Address string `json:"address"`
		} `json:"apis"`
	}
	bz, err := os.ReadFile(filepath.Join(out, "chain.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &chain))
	require.Equal(t, "aegis", chain.ChainName)
	require.Equal(t, "aegis-devnet-7", chain.ChainID)
	require.Equal(t, "aegis", chain.Bech32)
	require.Equal(t, 118, chain.Slip44)
	require.Equal(t, "devnet", chain.Network)
	require.Len(t, chain.Fees.FeeTokens, 1)
	require.Equal(t, "uaegis", chain.Fees.FeeTokens[0].Denom)
	require.Equal(t, 0.025, chain.Fees.FeeTokens[0].MinGas)
	require.Equal(t, 0.025, chain.Fees.FeeTokens[0].Low)
	require.Equal(t, "uaegis", chain.Staking.Tokens[0].Denom)
	require.Len(t, chain.APIs["rpc"], 2)
	require.Equal(t, "10.0.0.1:9090", chain.APIs["grpc"][0].Address)
	// codebase's SDK and CometBFT versions come from the binary's build info, which a test
	// binary lacks: the localnet test reads them from the real aegisd's files.

	var assets struct {
		Assets []struct {
			Base, Display, Symbol string
			Units                 []struct {
				Denom    string `json:"denom"`
				Exponent int    `json:"exponent"`
			} `json:"denom_units"`
		} `json:"assets"`
	}
	bz, err = os.ReadFile(filepath.Join(out, "assetlist.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &assets))
	require.Len(t, assets.Assets, 1)
	a := assets.Assets[0]
	require.Equal(t, "uaegis", a.Base)
	require.Equal(t, "AEGIS", a.Symbol)
	require.Contains(t, a.Units, struct {
		Denom    string `json:"denom"`
		Exponent int    `json:"exponent"`
	}{a.Display, 6}, "the display unit is 10^6 uaegis")

	// Bad flags change nothing and say what is wrong.
	require.ErrorContains(t, aegisd(t, home, "genesis", "chain-registry", "--output-dir", out, "--network-type", "localnet"), "mainnet, testnet or devnet")
	require.ErrorContains(t, aegisd(t, home, "genesis", "chain-registry", "--output-dir", out, "--chain-name", "Aegis"), "lower-case")
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	return v
}
