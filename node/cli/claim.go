package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/config"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func claimCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "claim",
		Short: "Claim the node's rewards now (signed by the hot key for the operator)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withClient(cmd, func(ctx context.Context, _ config.Config, client *chain.Client) error {
				rewards, err := client.Rewards(ctx)
				if err != nil {
					return err
				}
				if !rewards.Total.IsPositive() {
					return fmt.Errorf("nothing to claim yet: rewards accrue at each day's tick after the node's reports count")
				}
				hash, err := client.Exec(ctx, &portypes.MsgClaimRewards{Operator: client.Operator.String()})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "claimed %suaegis in tx %s\n", rewards.Total, hash)
				return nil
			})
		},
	}
}
