// Package claimtx sends claims (`aegisd tx license claim-rewards`, `aegisd tx por claim`)
// after checking them against the chain: a claim the chain would refuse is refused before it
// is signed, and one whose fee exceeds what it pays is sent only after a warning.
package claimtx

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Payout queries what the claim would pay now (as the chain's rewards query shows it).
type Payout func(ctx context.Context, clientCtx client.Context) (sdk.Coin, error)

// ConfirmPrompt is the question asked, without --yes, before a claim that costs more than
// it pays is signed.
const ConfirmPrompt = "The fee exceeds what the claim pays. Sign and broadcast it anyway? [y/N]: "

// Broadcast signs and broadcasts msg, a claim, as tx.GenerateOrBroadcastTxCLI would, after
// two checks against the chain:
//
//   - the tx is simulated first (once: with --gas auto the simulation also sets the gas),
//     so a claim the chain would refuse — nothing to claim, say — is refused here without
//     a fee (CheckTx only runs the ante handler, so it would otherwise be included, pay its
//     fee and fail in the block);
//   - the fee the tx will pay (--fees, or the gas limit × --gas-prices, rounded up as the
//     SDK does) is compared with what the claim would pay now (payout, as `query` shows it).
//     If the fee, in the payout's denom, is larger, a warning saying both amounts is printed
//     to stderr; without --yes the tx is shown and the user is asked to confirm (the only
//     question: the SDK's usual one is not asked again), with --yes the warning is printed
//     and the tx sent — --yes asks for no questions, and a script sending it has chosen its
//     fee.
//
// --generate-only, --offline, --aux and --dry-run have no signed tx to check (or no chain to
// ask) and run as usual.
func Broadcast(cmd *cobra.Command, clientCtx client.Context, msg sdk.Msg, query string, payout Payout) error {
	if m, ok := msg.(sdk.HasValidateBasic); ok {
		if err := m.ValidateBasic(); err != nil {
			return err
		}
	}
	if clientCtx.GenerateOnly || clientCtx.Offline || clientCtx.IsAux || clientCtx.Simulate {
		return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
	}
	stderr := cmd.ErrOrStderr()
	txf, err := tx.NewFactoryCLI(clientCtx, cmd.Flags())
	if err != nil {
		return err
	}
	if txf, err = txf.Prepare(clientCtx); err != nil {
		return err
	}
	_, gas, err := tx.CalculateGas(clientCtx, txf, msg)
	if err != nil {
		return fmt.Errorf("the chain would refuse this transaction (nothing was sent): %w", err)
	}
	if txf.SimulateAndExecute() {
		txf = txf.WithGas(gas).WithSimulateAndExecute(false)
		_, _ = fmt.Fprintf(stderr, "%s\n", tx.GasEstimateResponse{GasEstimate: gas})
	}
	unsigned, err := txf.BuildUnsignedTx(msg)
	if err != nil {
		return err
	}
	fee := unsigned.GetTx().GetFee()
	pays, err := payout(clientCtx.GetCmdContextWithFallback(), clientCtx)
	if err != nil {
		return fmt.Errorf("querying what the claim would pay (%s; nothing was sent): %w", query, err)
	}
	cost := fee.AmountOf(pays.Denom)
	if !cost.GT(pays.Amount) {
		return tx.BroadcastTx(clientCtx, txf, msg)
	}

	warn := func() {
		_, _ = fmt.Fprintf(stderr, "WARNING: this claim costs more than it pays. Its fee is %s%s; it would pay %s now (%s): you would lose %s%s.\n"+
			"Claim later, when more has accrued, or pay a lower fee (--fees, or --gas-prices no lower than the node's minimum).\n",
			cost, pays.Denom, pays, query, cost.Sub(pays.Amount), pays.Denom)
	}
	if clientCtx.SkipConfirm {
		warn()
		_, _ = fmt.Fprintln(stderr, "--yes: sending it anyway.")
		return tx.BroadcastTx(clientCtx, txf, msg)
	}
	// Show the tx, as the SDK does before its confirmation, then the warning, and ask once.
	txJSON, err := clientCtx.TxConfig.TxJSONEncoder()(unsigned.GetTx())
	if err != nil {
		return fmt.Errorf("failed to encode transaction: %w", err)
	}
	if err := clientCtx.PrintRaw(json.RawMessage(txJSON)); err != nil {
		return err
	}
	warn()
	ok, err := confirm(clientCtx.Input, stderr)
	if err != nil {
		return fmt.Errorf("reading the confirmation (nothing was sent; --yes sends it without asking): %w", err)
	}
	if !ok {
		_, _ = fmt.Fprintln(stderr, "canceled transaction")
		return nil
	}
	clientCtx.SkipConfirm = true // just confirmed
	return tx.BroadcastTx(clientCtx, txf, msg)
}

// confirm asks ConfirmPrompt on w and reads the answer, a line, from in (stdin if nil):
// yes for an answer starting with y, no for any other; an error if there is none.
func confirm(in io.Reader, w io.Writer) (bool, error) {
	if in == nil {
		in = os.Stdin
	}
	_, _ = fmt.Fprint(w, ConfirmPrompt)
	line, err := bufio.NewReader(in).ReadString('\n')
	if errors.Is(err, io.EOF) && line != "" {
		err = nil
	}
	if err != nil {
		return false, err
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return strings.HasPrefix(answer, "y"), nil
}
