// Package clitest runs CLI commands against a fake node: the gRPC queries a command makes
// (through ABCI queries) are answered by handlers, and broadcast txs are recorded.
package clitest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpcclientmock "github.com/cometbft/cometbft/rpc/client/mock"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdktx "github.com/cosmos/cosmos-sdk/types/tx"

	"github.com/aegis-chain/aegis/testutil"
)

// Handler answers one gRPC method: it decodes req itself and returns the response, or an
// error the node reports as a failed query.
type Handler func(req []byte) (gogoproto.Message, error)

// Node is a fake CometBFT RPC client.
type Node struct {
	rpcclientmock.Client
	t        testing.TB
	handlers map[string]Handler
	// Broadcast are the txs broadcast, in order.
	Broadcast [][]byte
}

var _ client.CometRPC = (*Node)(nil)

// NewNode is a node answering the given methods ("/aegis.license.v1.Query/Rewards", ...);
// any other query fails the test.
func NewNode(t testing.TB, handlers map[string]Handler) *Node {
	return &Node{t: t, handlers: handlers}
}

// Simulating answers tx simulations with gasUsed.
func Simulating(gasUsed uint64) Handler {
	return func([]byte) (gogoproto.Message, error) {
		return &sdktx.SimulateResponse{GasInfo: &sdk.GasInfo{GasUsed: gasUsed}, Result: &sdk.Result{}}, nil
	}
}

// SimulateMethod is the method the CLI simulates txs with.
const SimulateMethod = "/cosmos.tx.v1beta1.Service/Simulate"

func (n *Node) ABCIQueryWithOptions(_ context.Context, path string, data cmtbytes.HexBytes, _ rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error) {
	h, ok := n.handlers[path]
	if !ok {
		n.t.Errorf("unexpected query %s", path)
		return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Code: 1, Log: "unknown query " + path}}, nil
	}
	res, err := h(data)
	if err != nil {
		return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Code: 1, Log: err.Error()}}, nil
	}
	bz, err := gogoproto.Marshal(res)
	require.NoError(n.t, err)
	return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Value: bz, Height: 1}}, nil
}

func (n *Node) BroadcastTxSync(_ context.Context, tx cmttypes.Tx) (*coretypes.ResultBroadcastTx, error) {
	n.Broadcast = append(n.Broadcast, tx)
	return &coretypes.ResultBroadcastTx{Code: 0, Hash: tx.Hash()}, nil
}

// ChainID is the chain id of the contexts Context makes.
const ChainID = "aegis-test-1"

// Context is a client context on node with the app's codecs and an in-memory keyring
// holding key (returned with its address); the account exists with number 1, sequence 0.
func Context(t testing.TB, node *Node, key string) (client.Context, sdk.AccAddress) {
	t.Helper()
	a := testutil.NewApp(t)
	kr := keyring.NewInMemory(a.AppCodec())
	rec, _, err := kr.NewMnemonic(key, keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	require.NoError(t, err)
	addr, err := rec.GetAddress()
	require.NoError(t, err)
	ctx := client.Context{}.
		WithCodec(a.AppCodec()).
		WithInterfaceRegistry(a.InterfaceRegistry()).
		WithTxConfig(a.TxConfig()).
		WithLegacyAmino(a.LegacyAmino()).
		WithAccountRetriever(client.MockAccountRetriever{ReturnAccNum: 1, ReturnAccSeq: 0}).
		WithKeyring(kr).
		WithClient(node).
		WithChainID(ChainID).
		WithBroadcastMode("sync")
	return ctx, addr
}

// Result is what a command run printed and returned.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// Run runs cmd with args on clientCtx, stdin as its input.
func Run(clientCtx client.Context, cmd *cobra.Command, stdin string, args ...string) Result {
	var stdout, stderr bytes.Buffer
	clientCtx = clientCtx.WithOutput(&stdout).WithInput(strings.NewReader(stdin))
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetArgs(args)
	ctx := context.WithValue(context.Background(), client.ClientContextKey, &clientCtx)
	err := cmd.ExecuteContext(ctx)
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
}

// String is the run's output, for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("err: %v\nstdout: %s\nstderr: %s", r.Err, r.Stdout, r.Stderr)
}
