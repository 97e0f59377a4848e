package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/status"
)

func statusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Per role: slot, last report, eff PoR, penalty, pending and estimated rewards, break-even price",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cost, _ := cmd.Flags().GetFloat64("monthly-cost")
			return withClient(cmd, func(ctx context.Context, _ config.Config, client *chain.Client) error {
				st, err := status.Collect(ctx, client, cost)
				if err != nil {
					return err
				}
				return printOut(cmd, st, func(w io.Writer) { st.Print(w) })
			})
		},
	}
	cmd.Flags().StringP(flagOutput, "o", "text", "text or json")
	cmd.Flags().Float64("monthly-cost", 0, "what running the node costs a month (any currency): prints the break-even AEGIS price")
	return cmd
}
