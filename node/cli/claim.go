package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func claimCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "claim",
		Short: "Claim the node's rewards now (signed by the hot key for the operator)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, client, err := connect(cmd)
			if err != nil {
				return err
			}
			defer client.Close()
			ctx, cancel := withTimeout(cmd)
			defer cancel()
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
		},
	}
}
