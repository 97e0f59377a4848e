package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

// appTxErrors knows the registered errors of the Aegis modules and the SDK's.
func appTxErrors(t *testing.T) *txErrors {
	t.Helper()
	return newTxErrors([]string{"bank", "emission", "license", "por", "staking"})
}

// simulationChain is the error a CLI gets when a simulation fails in a message, built by
// the same code the node and the client run: the keeper's error wrapped by baseapp's
// message router; the tx service's gRPC status (%v of the error, with the gas used); the
// node's query handler, which turns a status of code Unknown into ErrUnknownRequest and that
// into an ABCI log (with stacks when the node runs with trace); and the client, which turns
// the log back into a gRPC status.
func simulationChain(t *testing.T, msgErr error, nodeTrace bool) error {
	t.Helper()
	failed := errorsmod.Wrapf(msgErr, "failed to execute message; message index: %d", 0)
	svc := authtx.NewTxServer(client.Context{}, func([]byte) (sdk.GasInfo, *sdk.Result, error) {
		return sdk.GasInfo{GasUsed: 49211}, nil, failed
	}, nil)
	_, statusErr := svc.Simulate(context.Background(), &txtypes.SimulateRequest{TxBytes: []byte{1}})
	require.Error(t, statusErr)
	require.Contains(t, statusErr.Error(), ".go:", "the tx service's status has the stack fragment")
	res := sdkerrors.QueryResult(errorsmod.Wrap(sdkerrors.ErrUnknownRequest, statusErr.Error()), nodeTrace)
	require.Equal(t, sdkerrors.ErrUnknownRequest.ABCICode(), res.Code)
	return status.Error(codes.Unknown, res.Log)
}

func TestReadableSimulationFailure(t *testing.T) {
	te := appTxErrors(t)
	unknownLicense := errorsmod.Wrapf(licensetypes.ErrUnknownLicense, "license %d does not exist", 999)
	const want = `the transaction would fail, so nothing was sent: unknown license: license 999 does not exist; ` +
		`check the license ids with "aegisd q license licenses --owner <address>"`

	err := simulationChain(t, unknownLicense, false)
	require.Regexp(t, `^rpc error: code = Unknown desc = rpc error: code = Unknown desc = failed to execute message; `+
		`message index: 0: license 999 does not exist: unknown license \[\S+/errors_test\.go:\d+\] `+
		`with gas used: '49211': unknown request$`, err.Error(), "the issue's error, as the CLI printed it")
	got := te.readable(err, "", "")
	require.Equal(t, want, got.Error())
	require.ErrorIs(t, got, err, "the readable error keeps the original")

	// A node running with --trace logs the whole stack; the sentence is the same.
	traced := simulationChain(t, unknownLicense, true)
	require.Contains(t, traced.Error(), "\n\t")
	require.Equal(t, want, te.readable(traced, "", "").Error())

	// `tx por claim` and `tx por report` simulate first and say so before the status.
	wrapped := fmt.Errorf("the chain would refuse this transaction (nothing was sent): %w", err)
	require.Equal(t, want, te.readable(wrapped, "", "").Error())

	// The ante handler's insufficient funds wraps the bank keeper's: the description once.
	funds := errorsmod.Wrapf(sdkerrors.ErrInsufficientFunds, "%s",
		errorsmod.Wrapf(sdkerrors.ErrInsufficientFunds, "spendable balance %s is smaller than %s", "5uaegis", "9uaegis").Error())
	require.Equal(t, `the transaction would fail, so nothing was sent: insufficient funds: spendable balance 5uaegis is `+
		`smaller than 9uaegis; check the balance with "aegisd q bank balances <address>", then send less or fund the account first`,
		te.readable(simulationChain(t, funds, false), "", "").Error())

	// A module error without a hint points at the module's queries.
	stage := errorsmod.Wrap(licensetypes.ErrRedemptionOff, "redemption opens on MAINNET")
	require.Equal(t, `the transaction would fail, so nothing was sent: redemption is not enabled: redemption opens on MAINNET; `+
		`check the state it refers to ("aegisd q license --help") and the command's arguments, then try again`,
		te.readable(simulationChain(t, stage, false), "", "").Error())

	// An error that is not registered anywhere keeps its text, without the noise.
	plain := simulationChain(t, errors.New("boom"), false)
	require.Equal(t, "the transaction would fail, so nothing was sent: boom; check the command's arguments and flags (--help) and try again",
		te.readable(plain, "", "").Error())
}

func TestReadableCheckTxFailure(t *testing.T) {
	te := appTxErrors(t)
	// What CheckTx returns for a fee the account cannot pay.
	funds := errorsmod.Wrapf(sdkerrors.ErrInsufficientFunds, "%s",
		errorsmod.Wrapf(sdkerrors.ErrInsufficientFunds, "spendable balance %s is smaller than %s", "5uaegis", "9uaegis").Error())
	res := sdkerrors.ResponseCheckTxWithEvents(funds, 0, 0, nil, false)
	txRes := &sdk.TxResponse{TxHash: "33FC", Codespace: res.Codespace, Code: res.Code, RawLog: res.Log}
	const want = `the node refused the transaction, so it was not included: insufficient funds: spendable balance 5uaegis ` +
		`is smaller than 9uaegis; check the balance with "aegisd q bank balances <address>", then send less or fund the account first`

	printer := client.Context{}.WithCodec(codec.NewProtoCodec(codectypes.NewInterfaceRegistry()))
	for _, format := range []string{"text", "json"} {
		var out bytes.Buffer
		watch := &txResponseWatch{out: &out}
		require.NoError(t, printer.WithOutput(watch).WithOutputFormat(format).PrintProto(txRes))
		require.True(t, watch.failed, format)
		require.Equal(t, want, te.checkTxError(watch.response.Codespace, watch.response.Code, watch.response.RawLog))
		if format == "text" {
			require.Empty(t, out.String(), "the sentence replaces the response")
		} else {
			require.Contains(t, out.String(), `"txhash":"33FC"`, "scripts still get the JSON")
		}
	}

	// An accepted tx and anything else printed pass through untouched.
	var out bytes.Buffer
	watch := &txResponseWatch{out: &out}
	require.NoError(t, printer.WithOutput(watch).WithOutputFormat("text").PrintProto(&sdk.TxResponse{TxHash: "AB"}))
	require.NoError(t, printer.WithOutput(watch).WithOutputFormat("text").PrintString("gas estimate: 5\n"))
	require.False(t, watch.failed)
	require.Contains(t, out.String(), "txhash: AB")
	require.Contains(t, out.String(), "gas estimate: 5")

	// A code of an unknown codespace still gives the log and a way on.
	require.Equal(t, "the node refused the transaction, so it was not included: something odd; check the command's arguments and flags (--help) and try again",
		te.checkTxError("undefined", 1, "something odd"))
}

func TestReadableOtherErrors(t *testing.T) {
	te := appTxErrors(t)
	// A query's error: one gRPC prefix less, nothing else changed.
	q := status.Error(codes.NotFound, "rpc error: code = NotFound desc = license 999 does not exist: unknown license")
	require.Equal(t, "license 999 does not exist: unknown license", te.readable(q, "", "").Error())

	// The node is not running: the RPC client's error, as `aegisd q` and `aegisd tx` print it.
	refused := fmt.Errorf("post failed: %w", &url.Error{Op: "Post", URL: "http://127.0.0.1:26657",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}})
	require.Equal(t, "cannot reach a node at tcp://127.0.0.1:26657: start it, or point --node (or node in client.toml) "+
		"at a running node's RPC address", te.readable(refused, "", "tcp://127.0.0.1:26657").Error())

	plain := errors.New("key not found")
	require.Same(t, plain, te.readable(plain, "", ""), "an error with nothing to strip is left as it is")
	require.NoError(t, te.readable(nil, "", ""))
}
