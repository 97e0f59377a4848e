package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"

	"github.com/aegis-chain/aegis/node/config"
)

const defaultTimeout = 30 * time.Second

func initCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write config.toml, create the hot key, print the command to run with the operator key, and check the machine against the roles' minimums",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := homeOf(cmd)
			c := config.Default()
			f := cmd.Flags()
			c.ChainID, _ = f.GetString("chain-id")
			c.RPC, _ = f.GetString("node")
			c.GRPC, _ = f.GetString("grpc")
			c.Operator, _ = f.GetString("operator")
			c.KeyringBackend, _ = f.GetString("keyring-backend")
			c.GasPrices, _ = f.GetString("gas-prices")
			c.Probe.DeclaredBandwidthMbps, _ = f.GetUint64("bandwidth-mbps")
			c.Listen.Status, _ = f.GetString("status-listen")
			c.Listen.Metrics, _ = f.GetString("metrics-listen")
			roles, _ := f.GetStringSlice("roles")
			c.Roles = equalShares(roles)
			if err := c.Validate(); err != nil {
				return err
			}
			kr, err := openKeyring(home, c.KeyringBackend, cmd.InOrStdin())
			if err != nil {
				return err
			}
			rec, err := kr.Key(c.HotKey)
			if err != nil {
				if rec, _, err = kr.NewMnemonic(c.HotKey, keyring.English, "m/44'/118'/0'/0/0", keyring.DefaultBIP39Passphrase, hd.Secp256k1); err != nil {
					return fmt.Errorf("creating the hot key: %w", err)
				}
			}
			hot, err := rec.GetAddress()
			if err != nil {
				return err
			}
			if err := config.Write(home, c); err != nil {
				return err
			}
			if useAuthz, _ := cmd.Flags().GetBool("authz"); useAuthz {
				printAuthzGrants(cmd.OutOrStdout(), home, c, hot.String())
			} else {
				printGrants(cmd.OutOrStdout(), home, c, hot.String())
			}
			if check, _ := cmd.Flags().GetBool("check-roles"); check {
				// Before any stake is at risk: which roles this machine can fill.
				_, units, err := measureMachine(cmd.Context(), c, home)
				if err != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "\nroles not checked: %v\n(then `aegis-node probe` shows which roles' minimums this machine meets)\n", err)
					return nil
				}
				params, source := chainRoleParams(cmd.Context(), c.GRPC)
				checkRoles(units, params, c.Roles, source).print(cmd.OutOrStdout())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.String("chain-id", "", "the chain's id (required)")
	f.String("node", "http://localhost:26657", "a chain node's CometBFT RPC URL")
	f.String("grpc", "localhost:9090", "a chain node's gRPC address")
	f.String("operator", "", "the node's operator address (the key that registers it and holds its stake)")
	f.String("keyring-backend", "test", "keyring backend of the hot key (os, file, test)")
	f.String("gas-prices", "0.025uaegis", "gas price the chain's nodes accept")
	f.Uint64("bandwidth-mbps", 0, "declared bandwidth in Mbit/s when it cannot be measured")
	def := config.Default()
	f.String("status-listen", def.Listen.Status, "address `run` serves the status page on (empty: off)")
	f.String("metrics-listen", def.Listen.Metrics, "address `run` serves Prometheus metrics on, at /metrics (empty: off)")
	f.StringSlice("roles", []string{"worker"}, "roles the node reports for; the resources are split equally")
	f.Bool("check-roles", true, "measure this machine (a few seconds) and show which roles' minimums it meets")
	f.Bool("authz", false, "print x/authz grants and a fee allowance for the hot key instead of making it the node's reporter key")
	_ = cmd.MarkFlagRequired("chain-id")
	return cmd
}

// equalShares splits every resource equally across roles (the remainder unused).
func equalShares(roles []string) []config.RoleShare {
	out := make([]config.RoleShare, 0, len(roles))
	for _, r := range roles {
		pct := uint64(100 / max(len(roles), 1))
		out = append(out, config.RoleShare{Role: strings.ToLower(strings.TrimSpace(r)), Compute: pct, Storage: pct, Bandwidth: pct})
	}
	return out
}

// printGrants prints the one command the operator runs once, on the machine that holds the
// operator key: it makes the hot key the node's x/por reporter key — which reports,
// answers challenges and claims itself — and funds it for its fees. (Operators who prefer
// x/authz grant the three messages and a fee allowance instead: docs/operators.md.)
func printGrants(w io.Writer, home string, c config.Config, hot string) {
	op := c.Operator
	if op == "" {
		op = "<operator-address>"
	}
	common := fmt.Sprintf("--from %s --chain-id %s --node %s --gas auto --gas-prices %s -y", op, c.ChainID, rpcURL(c.RPC), c.GasPrices)
	fmt.Fprintf(w, `aegis-node initialised in %s
  hot key  %s = %s (keyring-backend %s)

Run this once with the OPERATOR key (on the machine that holds it), once the node is
registered: it makes the hot key the node's reporter key — it reports, answers the chain's
challenges and claims (to the node's withdraw address) itself — and sends it 10 AEGIS for
its fees (aegis-node status shows its balance and warns when it runs low):

  aegisd tx por set-reporter %s --fund 10000000uaegis %s

Then start the daemon:  aegis-node run --home %s
`, home, c.HotKey, hot, c.KeyringBackend, hot, common, home)
}

// printAuthzGrants prints, for operators who prefer x/authz, the grants that let the hot
// key report, answer challenges and claim for the node through MsgExec, and the fee
// allowance that pays for it. Without the answer grant every challenge is missed.
func printAuthzGrants(w io.Writer, home string, c config.Config, hot string) {
	op := c.Operator
	if op == "" {
		op = "<operator-address>"
	}
	common := fmt.Sprintf("--from %s --chain-id %s --node %s --gas auto --gas-prices %s -y", op, c.ChainID, rpcURL(c.RPC), c.GasPrices)
	fmt.Fprintf(w, `aegis-node initialised in %s
  hot key  %s = %s (keyring-backend %s)

Run these once with the OPERATOR key (on the machine that holds it), one at a time, so the
hot key can report, answer the chain's challenges and claim for the node through x/authz
and needs no funds of its own:

  aegisd tx authz grant %s generic --msg-type /aegis.por.v1.MsgSubmitReport %s
  aegisd tx authz grant %s generic --msg-type /aegis.por.v1.MsgAnswerChallenge %s
  aegisd tx authz grant %s generic --msg-type /aegis.por.v1.MsgClaimRewards %s
  aegisd tx feegrant grant %s %s --allowed-messages /cosmos.authz.v1beta1.MsgExec %s

Then start the daemon:  aegis-node run --home %s
`, home, c.HotKey, hot, c.KeyringBackend, hot, common, hot, common, hot, common, op, hot, common, home)
}

// rpcURL is the --node form aegisd expects (tcp:// or http://).
func rpcURL(s string) string {
	if strings.Contains(s, "://") {
		return s
	}
	return "tcp://" + s
}
