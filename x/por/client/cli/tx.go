// Package cli holds the x/por transactions autocli cannot build as users expect: a report
// whose --parts JSON takes roles as users spell them, and a claim and a report that are
// checked against the chain before they are signed (the claim's fee also against what it
// pays). autocli builds the rest of `tx por`.
package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/client/claimtx"
	"github.com/aegis-chain/aegis/x/por/types"
)

const (
	FlagTotals       = "totals"
	FlagParts        = "parts"
	FlagDatasetNonce = "dataset-nonce"
)

// GetTxCmd is `aegisd tx por`: report and claim here, the other messages from autocli.
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Proof-of-Resources transactions: register, report, claim, stake",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewReportCmd(), NewClaimCmd(), NewSetReporterCmd())
	return cmd
}

// NewReportCmd submits today's resource report.
func NewReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report --totals JSON --parts JSON [--parts JSON]...",
		Short: "Submit today's resource report",
		Long: `Submit the container's resources for today. --totals is what the container has;
one --parts per active role says how much of it serves that role, and the parts may not
sum above the totals. Values are whole units of compute, storage and bandwidth (see the
role minimums in 'aegisd q por params'); roles are worker, delegate, da, sequencer or
operator. A node reports once per chain day, and a report counts for report_days days.

The report is simulated before it is signed, so one the chain would refuse (a role the
node has not activated, a second report today, ...) is refused here without a fee.`,
		Example: `aegisd tx por report --from node1 \
  --totals '{"compute":300,"storage":250,"bandwidth":200}' \
  --parts '{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}' \
  --parts '{"role":"da","resources":{"compute":60,"storage":150,"bandwidth":60}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			totals, _ := cmd.Flags().GetString(FlagTotals)
			parts, _ := cmd.Flags().GetStringArray(FlagParts)
			msg, err := ParseReport(clientCtx.Codec, clientCtx.GetFromAddress().String(), totals, parts)
			if err != nil {
				return err
			}
			msg.DatasetNonce, _ = cmd.Flags().GetUint64(FlagDatasetNonce)
			return simulateThenBroadcast(cmd, clientCtx, msg)
		},
	}
	cmd.Flags().String(FlagTotals, "", `the container's resources, as JSON: '{"compute":300,"storage":250,"bandwidth":200}'`)
	cmd.Flags().StringArray(FlagParts, nil, `one role's part of the totals, as JSON; repeat the flag for each role: '{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}'`)
	cmd.Flags().Uint64(FlagDatasetNonce, 0, "names the datasets the report commits to, one per role with storage, while challenges are on (aegis-node builds and proves them: see docs/verification.md)")
	_ = cmd.MarkFlagRequired(FlagTotals)
	_ = cmd.MarkFlagRequired(FlagParts)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// NewClaimCmd claims every role's rewards.
func NewClaimCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "claim",
		Short: "Claim every role's rewards to the withdraw address",
		Long: `Claim the whole uaegis of every role's pending rewards (see 'aegisd q por rewards');
fractions stay for the next claim. Rewards accrue at each day's tick, so a new node has
nothing to claim until its first day ends. The claim is simulated before it is signed, so
one with nothing to pay is refused here without a fee. Then its fee (--fees, or the gas ×
--gas-prices) is compared with what it would pay now: if the fee is larger, a warning says
both amounts and, without --yes, the tx is shown and you are asked to confirm; with --yes
the warning is printed to stderr and the claim is sent anyway.`,
		Example: `aegisd tx por claim --from node1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			op := clientCtx.GetFromAddress().String()
			return claimtx.Broadcast(cmd, clientCtx, &types.MsgClaimRewards{Operator: op}, "aegisd q por rewards "+op, RewardsPayout(op))
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// RewardsPayout is what a claim by operator would pay now, in the stake denom: the total
// of the Rewards query.
func RewardsPayout(operator string) claimtx.Payout {
	return func(ctx context.Context, clientCtx client.Context) (sdk.Coin, error) {
		q := types.NewQueryClient(clientCtx)
		params, err := q.Params(ctx, &types.QueryParamsRequest{})
		if err != nil {
			return sdk.Coin{}, err
		}
		res, err := q.Rewards(ctx, &types.QueryRewardsRequest{Operator: operator})
		if err != nil {
			return sdk.Coin{}, err
		}
		return sdk.NewCoin(params.Params.StakeDenom, res.Total), nil
	}
}

// ParseReport builds a MsgSubmitReport from the JSON of --totals and each --parts and
// checks its shape. Roles may be spelled as users type them (worker) or by enum name;
// unknown JSON fields are refused, so a typo is not silently a zero.
func ParseReport(cdc codec.JSONCodec, operator, totalsJSON string, partsJSON []string) (*types.MsgSubmitReport, error) {
	msg := &types.MsgSubmitReport{Operator: operator}
	if strings.TrimSpace(totalsJSON) == "" {
		return nil, fmt.Errorf("--%s is required", FlagTotals)
	}
	if err := cdc.UnmarshalJSON([]byte(totalsJSON), &msg.Totals); err != nil {
		return nil, fmt.Errorf("--%s %s: %w (want {\"compute\":N,\"storage\":N,\"bandwidth\":N})", FlagTotals, totalsJSON, err)
	}
	if len(partsJSON) == 0 {
		return nil, fmt.Errorf("at least one --%s is required", FlagParts)
	}
	for _, s := range partsJSON {
		var p types.RolePart
		if err := cdc.UnmarshalJSON([]byte(s), &p); err != nil {
			return nil, fmt.Errorf("--%s %s: %w (want {\"role\":\"worker\",\"resources\":{\"compute\":N,\"storage\":N,\"bandwidth\":N}})", FlagParts, s, err)
		}
		if !p.Role.Valid() {
			return nil, fmt.Errorf("--%s %s: role must be one of worker, delegate, da, sequencer, operator", FlagParts, s)
		}
		msg.Parts = append(msg.Parts, p)
	}
	// The params' bounds are the chain's to check; the shape (distinct roles, parts within
	// the totals) is checked here, under a bound that only keeps the sums from overflowing.
	shape := types.Params{MaxResourceValue: 1 << 60}
	if err := types.ValidateReport(shape, msg.Totals, msg.Parts); err != nil {
		return nil, err
	}
	return msg, nil
}

// simulateThenBroadcast runs the tx once against the chain before signing it. CheckTx
// only runs the ante handler, so a message the module refuses would otherwise enter the
// mempool (code 0), pay its fee and fail in the block. With --gas auto the SDK simulates
// anyway; --generate-only and --offline have no chain to ask.
func simulateThenBroadcast(cmd *cobra.Command, clientCtx client.Context, msgs ...sdk.Msg) error {
	if !clientCtx.GenerateOnly && !clientCtx.Offline {
		txf, err := tx.NewFactoryCLI(clientCtx, cmd.Flags())
		if err != nil {
			return err
		}
		if !txf.SimulateAndExecute() {
			if txf, err = txf.Prepare(clientCtx); err != nil {
				return err
			}
			if _, _, err := tx.CalculateGas(clientCtx, txf, msgs...); err != nil {
				return fmt.Errorf("the chain would refuse this transaction (nothing was sent): %w", err)
			}
		}
	}
	return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msgs...)
}
