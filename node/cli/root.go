// Package cli is aegis-node's command line: init, probe, run, status and claim.
package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/config"
)

const (
	flagHome   = "home"
	flagOutput = "output"
)

// NewRootCmd is `aegis-node`.
func NewRootCmd() *cobra.Command {
	home, _ := os.UserHomeDir()
	root := &cobra.Command{
		Use:   "aegis-node",
		Short: "Aegis resource node: measure the machine, report every chain day with a hot key, claim",
		Long: `aegis-node runs next to a resource node's hardware. It measures the machine, submits one
report per chain day with a hot key the operator names the node's reporter key (so the
operator's stake key never touches the machine), claims rewards, and shows how the node is
doing.

Start with 'aegis-node init' (it also shows which roles' minimums this machine meets), run
the command it prints with the operator key, then 'aegis-node run'. While the chain's
challenges are on, run also keeps the node's datasets in <home>/data/post (one per role
with storage, whose storage is declared once it is built) and answers the node's liveness
and storage challenges; 'aegis-node dataset build' builds them ahead of time (hours at the
recommended sizes) and 'aegis-node dataset estimate' says how long on this machine.`,
		SilenceUsage: true,
	}
	root.PersistentFlags().String(flagHome, filepath.Join(home, ".aegis-node"), "the node's home: config.toml, keyring, state")
	root.AddCommand(initCmd(), probeCmd(), runCmd(), statusCmd(), claimCmd(), registerCmd(), rolesCmd(), datasetCmd())
	return root
}

func homeOf(cmd *cobra.Command) string {
	h, _ := cmd.Flags().GetString(flagHome)
	return h
}

// openKeyring opens the node's keyring in its home.
func openKeyring(home, backend string, in io.Reader) (keyring.Keyring, error) {
	enc, err := chain.NewEncoding()
	if err != nil {
		return nil, err
	}
	return keyring.New(sdk.KeyringServiceName(), backend, home, in, enc.Codec)
}

// connect loads the config and dials the chain with the hot key.
func connect(cmd *cobra.Command) (config.Config, *chain.Client, error) {
	home := homeOf(cmd)
	cfg, err := config.Load(home)
	if err != nil {
		return cfg, nil, err
	}
	if cfg.Operator == "" {
		return cfg, nil, fmt.Errorf("%s has no operator: set operator to the node's operator address", filepath.Join(home, config.FileName))
	}
	enc, err := chain.NewEncoding()
	if err != nil {
		return cfg, nil, err
	}
	kr, err := keyring.New(sdk.KeyringServiceName(), cfg.KeyringBackend, home, cmd.InOrStdin(), enc.Codec)
	if err != nil {
		return cfg, nil, err
	}
	c, err := chain.Dial(enc, kr, chain.Options{RPC: cfg.RPC, GRPC: cfg.GRPC, ChainID: cfg.ChainID, HotKey: cfg.HotKey,
		Operator: cfg.Operator, GasPrices: cfg.GasPrices, GasAdjustment: cfg.GasAdjustment})
	return cfg, c, err
}

// printOut writes v as indented JSON with -o json, else calls text.
func printOut(cmd *cobra.Command, v any, text func(io.Writer)) error {
	if o, _ := cmd.Flags().GetString(flagOutput); o == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(cmd.OutOrStdout())
	return nil
}

func withTimeout(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(cmd.Context(), defaultTimeout)
}

// withClient connects, runs f with a bounded context, and closes the connection.
func withClient(cmd *cobra.Command, f func(context.Context, config.Config, *chain.Client) error) error {
	cfg, client, err := connect(cmd)
	if err != nil {
		return err
	}
	defer client.Close()
	ctx, cancel := withTimeout(cmd)
	defer cancel()
	return f(ctx, cfg, client)
}
