package cli_test

import (
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/client/claimtx"
	"github.com/aegis-chain/aegis/testutil/clitest"
	"github.com/aegis-chain/aegis/x/por/client/cli"
	"github.com/aegis-chain/aegis/x/por/types"
)

func TestParseReport(t *testing.T) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	const totals = `{"compute":300,"storage":250,"bandwidth":200}`
	worker := `{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}`

	msg, err := cli.ParseReport(cdc, "aegis1op", totals, []string{worker, `{"role":"NODE_ROLE_DA","resources":{"compute":"60","storage":150}}`})
	require.NoError(t, err)
	require.Equal(t, &types.MsgSubmitReport{
		Operator: "aegis1op",
		Totals:   types.Resources{Compute: 300, Storage: 250, Bandwidth: 200},
		Parts: []types.RolePart{
			{Role: types.NODE_ROLE_WORKER, Resources: types.Resources{Compute: 150, Storage: 100, Bandwidth: 80}},
			{Role: types.NODE_ROLE_DA, Resources: types.Resources{Compute: 60, Storage: 150}},
		},
	}, msg)

	for _, tc := range []struct {
		name, totals string
		parts        []string
		err          string
	}{
		{"no totals", "", []string{worker}, "--totals is required"},
		{"no parts", totals, nil, "at least one --parts"},
		{"misspelt field", `{"compte":300}`, []string{worker}, `unknown field "compte"`},
		{"unknown role", totals, []string{`{"role":"gpu"}`}, `unknown value "gpu"`},
		{"role left out", totals, []string{`{"resources":{"compute":1}}`}, "role must be one of worker"},
		{"same role twice", totals, []string{worker, worker}, "two parts for WORKER"},
		{"parts above totals", `{"compute":1,"storage":250,"bandwidth":200}`, []string{worker}, "parts sum to compute 150"},
		{"not JSON", totals, []string{"worker=150"}, "--parts worker=150"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli.ParseReport(cdc, "aegis1op", tc.totals, tc.parts)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestClaimWarnsWhenTheFeeExceedsThePayout: `tx por claim` compares its fee with the total
// of `q por rewards`, as `tx license claim-rewards` does (x/license/client/cli tests every
// case of the check they share).
func TestClaimWarnsWhenTheFeeExceedsThePayout(t *testing.T) {
	newNode := func(total int64) (*clitest.Node, *sdk.AccAddress) {
		var op sdk.AccAddress
		return clitest.NewNode(t, map[string]clitest.Handler{
			clitest.SimulateMethod: clitest.Simulating(90_000),
			"/aegis.por.v1.Query/Params": func([]byte) (gogoproto.Message, error) {
				return &types.QueryParamsResponse{Params: types.DefaultParams()}, nil
			},
			"/aegis.por.v1.Query/Rewards": func(bz []byte) (gogoproto.Message, error) {
				var req types.QueryRewardsRequest
				require.NoError(t, gogoproto.Unmarshal(bz, &req))
				require.Equal(t, op.String(), req.Operator)
				return &types.QueryRewardsResponse{Total: math.NewInt(total)}, nil
			},
		}), &op
	}

	node, op := newNode(4000)
	ctx, addr := clitest.Context(t, node, "node1")
	*op = addr
	res := clitest.Run(ctx, cli.NewClaimCmd(), "n\n", "--from", "node1", "--fees", "5000uaegis")
	require.NoError(t, res.Err, res)
	require.Contains(t, res.Stderr, "Its fee is 5000uaegis; it would pay 4000uaegis now (aegisd q por rewards "+addr.String()+"): you would lose 1000uaegis.", res)
	require.Contains(t, res.Stderr, claimtx.ConfirmPrompt)
	require.Empty(t, node.Broadcast)

	res = clitest.Run(ctx, cli.NewClaimCmd(), "", "--from", "node1", "--fees", "5000uaegis", "-y")
	require.NoError(t, res.Err, res)
	require.Contains(t, res.Stderr, "--yes: sending it anyway.")
	require.Len(t, node.Broadcast, 1)

	node, op = newNode(5000)
	ctx, addr = clitest.Context(t, node, "node1")
	*op = addr
	res = clitest.Run(ctx, cli.NewClaimCmd(), "", "--from", "node1", "--fees", "5000uaegis", "-y")
	require.NoError(t, res.Err, res)
	require.NotContains(t, res.Stderr, "WARNING")
	require.Len(t, node.Broadcast, 1)
	tx, err := ctx.TxConfig.TxDecoder()(node.Broadcast[0])
	require.NoError(t, err)
	require.Equal(t, []sdk.Msg{&types.MsgClaimRewards{Operator: addr.String()}}, tx.GetMsgs())
}
