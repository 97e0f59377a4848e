package system

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

func TestSystemBankSend(t *testing.T) {
	skipIfShort(t)
	c := NewChain(t, BuildBinary(t), "bob")
	bob := c.KeyAddress("bob")
	c.Start()

	res := c.Tx("tx", "bank", "send", "alice", bob, "12345uaegis")
	require.Zero(t, res.Code, res.RawLog)

	// Over gRPC.
	conn, err := grpc.NewClient(c.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bal, err := banktypes.NewQueryClient(conn).Balance(ctx, &banktypes.QueryBalanceRequest{Address: bob, Denom: "uaegis"})
	require.NoError(t, err)
	require.Equal(t, "1000000012345", bal.Balance.Amount.String())

	// Over REST.
	var rest struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	c.GetJSON("/cosmos/bank/v1beta1/balances/"+bob+"/by_denom?denom=uaegis", &rest)
	require.Equal(t, "1000000012345", rest.Balance.Amount)

	// And through the CLI, as JSON.
	out := c.MustRun("q", "bank", "balance", bob, "uaegis", "--output", "json", "--node", "tcp://"+c.RPC)
	var cli struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &cli), out)
	require.Equal(t, "1000000012345", cli.Balance.Amount)
}

// TestSystemBadInput checks that user mistakes give a clear error and a non-zero exit,
// never a panic or a stack trace.
func TestSystemBadInput(t *testing.T) {
	skipIfShort(t)
	c := NewChain(t, BuildBinary(t), "bob")
	c.Start()
	bob := c.KeyAddress("bob")
	node := "tcp://" + c.RPC

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"malformed address in query", []string{"q", "bank", "balances", "notanaddress", "--node", node}, `the address argument "notanaddress" is not valid: it must be an account address (aegis1...)`},
		{"malformed recipient", []string{"tx", "bank", "send", "alice", "aegis1xyz", "10uaegis", "-y", "--keyring-backend", "test", "--node", node}, `the to_address argument "aegis1xyz" is not valid: it must be an account address (aegis1...)`},
		{"insufficient funds", []string{"tx", "bank", "send", "alice", bob, "99999999999999999999uaegis", "--gas", "auto", "-y", "--keyring-backend", "test", "--node", node}, "insufficient funds"},
		{"unknown key", []string{"tx", "bank", "send", "nobody", bob, "1uaegis", "-y", "--keyring-backend", "test", "--node", node}, "key not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := c.Run(tc.args...)
			require.Error(t, err, "expected failure; stdout: %s", out)
			all := out + errOut
			require.Contains(t, all, tc.want)
			require.NotContains(t, all, "panic")
			require.NotContains(t, all, "goroutine ")
			require.True(t, strings.HasPrefix(strings.TrimSpace(errOut), "Error:"), "stderr: %s", errOut)
		})
	}
}
