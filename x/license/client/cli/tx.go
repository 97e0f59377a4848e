// Package cli holds the x/license transaction autocli cannot build as holders need: a
// rewards claim checked against the chain before it is signed. autocli builds the rest of
// `tx license`.
package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/client/claimtx"
	"github.com/aegis-chain/aegis/x/license/types"
)

// GetTxCmd is `aegisd tx license`: claim-rewards here, the other messages from autocli.
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "License transactions: mint, transfer, bind, unbind, claim rewards, redeem",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewClaimRewardsCmd())
	return cmd
}

// NewClaimRewardsCmd claims the staking rewards of every license of the signer.
func NewClaimRewardsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "claim-rewards",
		Short: "Claim the staking rewards of all your validator-bound licenses",
		Long: `Claim the staking rewards of every license you own (--from) that is bound to a
validator. Each license delegates from its own account (license/stake/<id>), so x/distribution
owes the rewards to those accounts, not to you: 'aegisd q distribution rewards <you>' does not
show them; 'aegisd q license rewards <you>' shows their sum, which this claim pays you.
(Unbinding or transferring a license also pays you what it earned so far.)

The claim is simulated before it is signed, so one with nothing to pay is refused here
without a fee. Then its fee (--fees, or the gas × --gas-prices) is compared with what it
would pay now: if the fee is larger, a warning says both amounts and, without --yes, the tx
is shown and you are asked to confirm; with --yes the warning is printed to stderr and the
claim is sent anyway.`,
		Example: `aegisd q license rewards $(aegisd keys show alice -a)
aegisd tx license claim-rewards --from alice --gas auto --gas-prices 0.025uaegis`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			owner := clientCtx.GetFromAddress().String()
			return claimtx.Broadcast(cmd, clientCtx, &types.MsgClaimLicenseRewards{Owner: owner},
				"aegisd q license rewards "+owner, RewardsPayout(owner))
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// RewardsPayout is what a claim by owner would pay now, in the bond denom: the Rewards query.
func RewardsPayout(owner string) claimtx.Payout {
	return func(ctx context.Context, clientCtx client.Context) (sdk.Coin, error) {
		q := types.NewQueryClient(clientCtx)
		params, err := q.Params(ctx, &types.QueryParamsRequest{})
		if err != nil {
			return sdk.Coin{}, err
		}
		res, err := q.Rewards(ctx, &types.QueryRewardsRequest{Owner: owner})
		if err != nil {
			return sdk.Coin{}, err
		}
		return sdk.NewCoin(params.Params.BondDenom, res.Amount), nil
	}
}
