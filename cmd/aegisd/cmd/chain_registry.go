package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/version"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
)

const (
	flagRegistryRPC     = "rpc-endpoint"
	flagRegistryREST    = "rest-endpoint"
	flagRegistryGRPC    = "grpc-endpoint"
	flagRegistryNetwork = "network-type"
	flagRegistryName    = "chain-name"
	flagRegistryOut     = "output-dir"
)

// chainRegistryCmd writes the chain-registry files (github.com/cosmos/chain-registry) of
// the chain whose genesis is in --home: what wallets, explorers and relayers read to
// connect to it.
func chainRegistryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chain-registry",
		Short: "Write chain.json and assetlist.json for the chain in --home's genesis",
		Long: `Writes the chain-registry files of the chain whose genesis is in --home: chain.json
(chain id, bech32 prefix, slip44 118, the fee and staking denom with the minimum gas price
nodes accept, the endpoints given) and assetlist.json (the staking denom's units, from the
genesis's bank metadata), as https://github.com/cosmos/chain-registry expects them.`,
		Example: `aegisd genesis chain-registry --home .localnet/node0/aegisd --network-type devnet \
  --rpc-endpoint http://127.0.0.1:26657 --rest-endpoint http://127.0.0.1:1317 --grpc-endpoint 127.0.0.1:9090 --output-dir .localnet/chain-registry`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cdc := client.GetClientContextFromCmd(cmd).Codec
			genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
			gen, err := genutiltypes.AppGenesisFromFile(genFile)
			if err != nil {
				return fmt.Errorf("reading %s: %w", genFile, err)
			}
			var state map[string]json.RawMessage
			if err := json.Unmarshal(gen.AppState, &state); err != nil {
				return fmt.Errorf("decoding the app state of %s: %w", genFile, err)
			}
			var staking stakingtypes.GenesisState
			if err := cdc.UnmarshalJSON(state[stakingtypes.ModuleName], &staking); err != nil {
				return fmt.Errorf("decoding the staking state: %w", err)
			}
			var bank banktypes.GenesisState
			if err := cdc.UnmarshalJSON(state[banktypes.ModuleName], &bank); err != nil {
				return fmt.Errorf("decoding the bank state: %w", err)
			}
			in := registryInput{ChainID: gen.ChainID, BondDenom: staking.Params.BondDenom}
			for _, m := range bank.DenomMetadata {
				if m.Base == in.BondDenom {
					in.Metadata = m
				}
			}
			f := cmd.Flags()
			in.Name, _ = f.GetString(flagRegistryName)
			in.Network, _ = f.GetString(flagRegistryNetwork)
			in.RPC, _ = f.GetStringSlice(flagRegistryRPC)
			in.REST, _ = f.GetStringSlice(flagRegistryREST)
			in.GRPC, _ = f.GetStringSlice(flagRegistryGRPC)
			chain, assets, err := registryFiles(in)
			if err != nil {
				return err
			}
			out, _ := f.GetString(flagRegistryOut)
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			for name, v := range map[string]any{"chain.json": chain, "assetlist.json": assets} {
				bz, err := json.MarshalIndent(v, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(out, name), append(bz, '\n'), 0o644); err != nil {
					return err
				}
			}
			cmd.Printf("wrote %s and %s\n", filepath.Join(out, "chain.json"), filepath.Join(out, "assetlist.json"))
			return nil
		},
	}
	f := cmd.Flags()
	f.String(flagRegistryName, app.AppName, "the registry's chain_name (lower-case letters and digits)")
	f.String(flagRegistryNetwork, "devnet", "mainnet, testnet or devnet")
	f.StringSlice(flagRegistryRPC, []string{"http://127.0.0.1:26657"}, "CometBFT RPC endpoints")
	f.StringSlice(flagRegistryREST, []string{"http://127.0.0.1:1317"}, "REST (API) endpoints")
	f.StringSlice(flagRegistryGRPC, []string{"127.0.0.1:9090"}, "gRPC endpoints")
	f.String(flagRegistryOut, "chain-registry", "directory to write chain.json and assetlist.json to")
	return cmd
}

// registryInput is what the registry files are made of: the genesis's facts and the flags.
type registryInput struct {
	ChainID, BondDenom, Name, Network string
	Metadata                          banktypes.Metadata
	RPC, REST, GRPC                   []string
}

// registryFiles builds chain.json and assetlist.json. The fee token's gas prices start at
// the minimum nodes accept by default (app.DefaultMinGasPrices).
func registryFiles(in registryInput) (chain, assets map[string]any, err error) {
	switch in.Network {
	case "mainnet", "testnet", "devnet":
	default:
		return nil, nil, fmt.Errorf("--%s %q: mainnet, testnet or devnet", flagRegistryNetwork, in.Network)
	}
	if in.Name == "" || strings.Trim(in.Name, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		return nil, nil, fmt.Errorf("--%s %q: lower-case letters and digits only", flagRegistryName, in.Name)
	}
	if in.Metadata.Base == "" {
		return nil, nil, fmt.Errorf("the genesis has no bank metadata for the staking denom %q", in.BondDenom)
	}
	minGas, err := sdk.ParseDecCoin(app.DefaultMinGasPrices)
	if err != nil {
		return nil, nil, err
	}
	if minGas.Denom != in.BondDenom {
		return nil, nil, fmt.Errorf("the default minimum gas price is in %s, the staking denom is %s", minGas.Denom, in.BondDenom)
	}
	price := minGas.Amount.MustFloat64() // JSON numbers, as the registry has them
	endpoints := func(addrs []string) []map[string]any {
		out := make([]map[string]any, 0, len(addrs))
		for _, a := range addrs {
			out = append(out, map[string]any{"address": a, "provider": in.ChainID})
		}
		return out
	}
	chain = map[string]any{
		"$schema":       "../chain.schema.json",
		"chain_name":    in.Name,
		"chain_type":    "cosmos",
		"chain_id":      in.ChainID,
		"pretty_name":   "Aegis",
		"status":        "live",
		"network_type":  in.Network,
		"bech32_prefix": sdk.GetConfig().GetBech32AccountAddrPrefix(),
		"daemon_name":   version.AppName,
		"node_home":     "$HOME/.aegis",
		"key_algos":     []string{"secp256k1"},
		"slip44":        app.CoinType,
		"fees": map[string]any{"fee_tokens": []map[string]any{{
			"denom": in.BondDenom, "fixed_min_gas_price": price,
			"low_gas_price": price, "average_gas_price": price * 1.2, "high_gas_price": price * 1.6,
		}}},
		"staking":  map[string]any{"staking_tokens": []map[string]any{{"denom": in.BondDenom}}},
		"codebase": codebase(),
		"apis":     map[string]any{"rpc": endpoints(in.RPC), "rest": endpoints(in.REST), "grpc": endpoints(in.GRPC)},
	}
	var units []map[string]any
	for _, u := range in.Metadata.DenomUnits {
		units = append(units, map[string]any{"denom": u.Denom, "exponent": u.Exponent})
	}
	asset := map[string]any{
		"description": in.Metadata.Description,
		"denom_units": units,
		"type_asset":  "sdk.coin",
		"base":        in.Metadata.Base,
		"name":        in.Metadata.Name,
		"display":     in.Metadata.Display,
		"symbol":      in.Metadata.Symbol,
	}
	assets = map[string]any{"$schema": "../assetlist.schema.json", "chain_name": in.Name, "assets": []map[string]any{asset}}
	return chain, assets, nil
}

// codebase is the registry's codebase block: this binary's version, and the SDK and
// CometBFT versions it was built with.
func codebase() map[string]any {
	cb := map[string]any{"language": map[string]any{"type": "go"}}
	if v := version.Version; v != "" {
		cb["recommended_version"] = v
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		cb["language"] = map[string]any{"type": "go", "version": strings.TrimPrefix(info.GoVersion, "go")}
		for _, m := range info.Deps {
			switch m.Path {
			case "github.com/cosmos/cosmos-sdk":
				cb["sdk"] = map[string]any{"type": "cosmos", "version": m.Version}
			case "github.com/cometbft/cometbft":
				cb["consensus"] = map[string]any{"type": "cometbft", "version": m.Version}
			}
		}
	}
	return cb
}
