package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/probe"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// register and roles are signed by the OPERATOR key: run them where that key lives (they
// read the chain through this node's config).

func operatorFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("from", "", "the operator key (name or address) in the operator's keyring (required)")
	f.String("keyring-dir", "", "the operator's keyring directory (default: the node's home)")
	f.String("keyring-backend", "", "the operator's keyring backend (default: config.toml's)")
	f.BoolP("yes", "y", false, "skip the confirmation")
	_ = cmd.MarkFlagRequired("from")
}

// operatorSigner opens the operator's keyring and finds the --from key.
func operatorSigner(cmd *cobra.Command, backend string) (chain.Signer, error) {
	dir, _ := cmd.Flags().GetString("keyring-dir")
	if dir == "" {
		dir = homeOf(cmd)
	}
	if b, _ := cmd.Flags().GetString("keyring-backend"); b != "" {
		backend = b
	}
	kr, err := openKeyring(dir, backend, cmd.InOrStdin())
	if err != nil {
		return chain.Signer{}, err
	}
	from, _ := cmd.Flags().GetString("from")
	rec, err := kr.Key(from)
	if err != nil {
		addr, aerr := sdk.AccAddressFromBech32(from)
		if aerr != nil {
			return chain.Signer{}, fmt.Errorf("no key %q in the keyring at %s (%s): pass --keyring-dir and --keyring-backend of the operator's keyring", from, dir, backend)
		}
		if rec, err = kr.KeyByAddress(addr); err != nil {
			return chain.Signer{}, fmt.Errorf("no key for %s in the keyring at %s: pass the operator's keyring", from, dir)
		}
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return chain.Signer{}, err
	}
	return chain.Signer{Keyring: kr, Key: rec.Name, Addr: addr}, nil
}

// confirm asks y/N unless --yes.
func confirm(cmd *cobra.Command, w io.Writer) bool {
	if yes, _ := cmd.Flags().GetBool("yes"); yes {
		return true
	}
	fmt.Fprint(w, "Send it? [y/N] ")
	line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes")
}

// parseRoles reads "worker,sequencer".
func parseRoles(list []string) ([]portypes.NodeRole, error) {
	var out []portypes.NodeRole
	for _, s := range list {
		r, err := portypes.ParseRole(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("give at least one role: worker, delegate, da, sequencer or operator")
	}
	return out, portypes.ValidateRoles(out)
}

// parseStake reads "10000AEGIS" or "10000000000uaegis".
func parseStake(s string) (sdk.Coin, error) {
	c, err := sdk.ParseCoinNormalized(strings.Replace(s, "AEGIS", "aegis", 1))
	if err != nil {
		return sdk.Coin{}, fmt.Errorf("stake %q: write it like 10000AEGIS or 10000000000uaegis", s)
	}
	if c.Denom == "aegis" {
		c = sdk.NewCoin("uaegis", c.Amount.MulRaw(1_000_000))
	}
	return c, nil
}

// summary prints, per role, the slots free, the stake it needs and the estimated daily
// reward for this machine's share, and returns the stake the roles need in all.
func summary(cmd *cobra.Command, c *chain.Client, roles []portypes.NodeRole, units *probe.Units) (math.Int, error) {
	ctx, cancel := withTimeout(cmd)
	defer cancel()
	w := cmd.OutOrStdout()
	need := math.ZeroInt()
	fmt.Fprintf(w, "%-10s %-16s %-18s %s\n", "ROLE", "SLOTS FREE", "STAKE NEEDED", "EST. DAILY REWARD")
	for _, r := range roles {
		info, err := c.Role(ctx, r)
		if err != nil {
			return need, err
		}
		free := info.Params.SlotCap - min(info.State.SlotsHeld, info.Params.SlotCap)
		need = need.Add(info.Params.MinStake)
		est := "-"
		if units != nil {
			n := uint64(len(roles))
			e, err := c.Estimate(ctx, r, portypes.Resources{Compute: units.Compute / n, Storage: units.Storage / n, Bandwidth: units.Bandwidth / n})
			if err != nil {
				return need, err
			}
			est = e.DailyReward.String() + " uaegis"
			if e.Penalized {
				est += " (penalized: below a minimum)"
			}
		}
		fmt.Fprintf(w, "%-10s %-16s %-18s %s\n", strings.ToLower(r.Short()), fmt.Sprintf("%d of %d", free, info.Params.SlotCap), info.Params.MinStake.String()+" uaegis", est)
		if free == 0 {
			return need, fmt.Errorf("role %s is full (%d slots): choose another role or wait for a slot", strings.ToLower(r.Short()), info.Params.SlotCap)
		}
	}
	return need, nil
}

func registerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register the node in roles with stake, after a summary (signed by the operator key)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, client, err := connect(cmd)
			if err != nil {
				return err
			}
			defer client.Close()
			list, _ := cmd.Flags().GetStringSlice("roles")
			roles, err := parseRoles(list)
			if err != nil {
				return err
			}
			stakeStr, _ := cmd.Flags().GetString("stake")
			stake, err := parseStake(stakeStr)
			if err != nil {
				return err
			}
			signer, err := operatorSigner(cmd, cfg.KeyringBackend)
			if err != nil {
				return err
			}
			var units *probe.Units
			if u, err := newPlanner(cfg, homeOf(cmd)).measure(cmd.Context(), homeOf(cmd)); err == nil {
				units = &u
			}
			need, err := summary(cmd, client, roles, units)
			if err != nil {
				return err
			}
			licensed, err := client.LicenseStake(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stake: %s given + %suaegis of licenses bound to the node; the roles need %suaegis\n", stake, licensed, need)
			if stake.Amount.Add(licensed).LT(need) {
				return fmt.Errorf("stake too low: the roles need %suaegis; raise --stake or bind licenses to the node (aegisd tx license bind-node)", need)
			}
			if !confirm(cmd, cmd.OutOrStdout()) {
				return fmt.Errorf("not sent")
			}
			moniker, _ := cmd.Flags().GetString("moniker")
			hash, err := client.SendAs(cmd.Context(), signer, &portypes.MsgRegisterNode{Operator: signer.Addr.String(), Moniker: moniker, Roles: roles, Stake: stake})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "registered %s in %s (tx %s)\n", signer.Addr, portypes.RolesString(roles), hash)
			return nil
		},
	}
	operatorFlags(cmd)
	cmd.Flags().StringSlice("roles", nil, "roles to hold, e.g. worker,sequencer (required)")
	cmd.Flags().String("stake", "", "stake to escrow, e.g. 10000AEGIS (required)")
	cmd.Flags().String("moniker", "aegis-node", "the node's public name")
	_ = cmd.MarkFlagRequired("roles")
	_ = cmd.MarkFlagRequired("stake")
	return cmd
}

func rolesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "roles", Short: "Enable or disable one of the node's roles (signed by the operator key)"}
	for _, enable := range []bool{true, false} {
		use, short := "enable [role]", "Take a slot in a role (needs a free slot and the role's stake)"
		if !enable {
			use, short = "disable [role]", "Give up the node's slot in a role (its earned rewards stay claimable)"
		}
		sub := &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, client, err := connect(cmd)
				if err != nil {
					return err
				}
				defer client.Close()
				roles, err := parseRoles(args)
				if err != nil {
					return err
				}
				signer, err := operatorSigner(cmd, cfg.KeyringBackend)
				if err != nil {
					return err
				}
				var msg sdk.Msg = &portypes.MsgDeactivateRole{Operator: signer.Addr.String(), Role: roles[0]}
				if enable {
					if _, err := summary(cmd, client, roles, nil); err != nil {
						return err
					}
					msg = &portypes.MsgActivateRole{Operator: signer.Addr.String(), Role: roles[0]}
				}
				if !confirm(cmd, cmd.OutOrStdout()) {
					return fmt.Errorf("not sent")
				}
				hash, err := client.SendAs(cmd.Context(), signer, msg)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "done (tx %s)\n", hash)
				return nil
			},
		}
		operatorFlags(sub)
		cmd.AddCommand(sub)
	}
	return cmd
}
