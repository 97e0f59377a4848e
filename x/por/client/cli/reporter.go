package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// FlagFund is the amount set-reporter sends the reporter key for its fees.
const FlagFund = "fund"

// NewSetReporterCmd names the node's reporter key and, with --fund, sends it what it needs
// for fees in the same transaction: one command gives a node its hot key.
func NewSetReporterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-reporter [reporter]",
		Short: "Name (or with \"\" revoke) the node's reporter key, which signs reports, answers and claims itself",
		Long: `Name the node's reporter key: an address that may sign MsgSubmitReport,
MsgAnswerChallenge and MsgClaimRewards for this node directly (no authz grant, no
feegrant), paying their fees from its own balance. A claim it signs pays the node's
withdraw address. --fund sends the reporter that much in the same transaction.
Running it again rotates the key; "" revokes it.`,
		Example: `aegisd tx por set-reporter aegis1hot... --fund 10000000uaegis --from node1 --gas auto -y
aegisd tx por set-reporter "" --from node1 -y`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			op := clientCtx.GetFromAddress()
			msgs := []sdk.Msg{&types.MsgSetReporter{Operator: op.String(), Reporter: args[0]}}
			fund, err := cmd.Flags().GetString(FlagFund)
			if err != nil {
				return err
			}
			if fund != "" {
				if args[0] == "" {
					return fmt.Errorf("--fund needs a reporter to fund")
				}
				coins, err := sdk.ParseCoinsNormalized(fund)
				if err != nil {
					return fmt.Errorf("--fund %q: %w (e.g. 10000000uaegis)", fund, err)
				}
				to, err := sdk.AccAddressFromBech32(args[0])
				if err != nil {
					return fmt.Errorf("reporter %q: %w", args[0], err)
				}
				msgs = append(msgs, banktypes.NewMsgSend(op, to, coins))
			}
			return simulateThenBroadcast(cmd, clientCtx, msgs...)
		},
	}
	cmd.Flags().String(FlagFund, "", "coins to send the reporter for its fees in the same transaction (e.g. 10000000uaegis)")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
