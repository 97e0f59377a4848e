package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

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
				// The node first, as status does: an unregistered operator learns what to
				// do, not what the chain's query or tx said.
				_, nodeErr := client.Node(ctx)
				var total math.Int
				if nodeErr == nil {
					rewards, err := client.Rewards(ctx)
					if err != nil {
						return err
					}
					total = rewards.Total
				}
				if err := claimable(nodeErr, total); err != nil {
					return err
				}
				hash, err := client.Exec(ctx, &portypes.MsgClaimRewards{Operator: client.Operator.String()})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "claimed %suaegis in tx %s\n", total, hash)
				return nil
			})
		},
	}
}

// claimable says, in one sentence with what to do, why there is nothing to claim: the node
// is not registered (nodeErr from chain.Client.Node), or no rewards have accrued yet.
func claimable(nodeErr error, total math.Int) error {
	switch {
	case errors.Is(nodeErr, chain.ErrNotRegistered):
		return fmt.Errorf("nothing to claim: %w; then `aegis-node run` reports every day and rewards accrue at each day's tick", nodeErr)
	case nodeErr != nil:
		return nodeErr
	case total.IsNil() || !total.IsPositive():
		return errors.New("nothing to claim yet: rewards accrue at each day's tick after the node's reports count")
	}
	return nil
}
