package cli_test

import (
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/client/claimtx"
	"github.com/aegis-chain/aegis/testutil/clitest"
	"github.com/aegis-chain/aegis/x/license/client/cli"
	"github.com/aegis-chain/aegis/x/license/types"
)

// claimNode is a node on which the owner's licenses would pay rewards uaegis and a claim
// simulates to gasUsed gas; it fails the test if the Rewards query asks for anyone else.
func claimNode(t *testing.T, rewards int64, gasUsed uint64) (*clitest.Node, client.Context, sdk.AccAddress) {
	var owner sdk.AccAddress
	node := clitest.NewNode(t, map[string]clitest.Handler{
		clitest.SimulateMethod: clitest.Simulating(gasUsed),
		"/aegis.license.v1.Query/Params": func([]byte) (gogoproto.Message, error) {
			return &types.QueryParamsResponse{Params: types.DefaultParams("")}, nil
		},
		"/aegis.license.v1.Query/Rewards": func(bz []byte) (gogoproto.Message, error) {
			var req types.QueryRewardsRequest
			require.NoError(t, gogoproto.Unmarshal(bz, &req))
			require.Equal(t, owner.String(), req.Owner)
			return &types.QueryRewardsResponse{Amount: math.NewInt(rewards)}, nil
		},
	})
	clientCtx, addr := clitest.Context(t, node, "alice")
	owner = addr
	return node, clientCtx, addr
}

// broadcastClaim decodes the only tx node received: a claim by owner; it returns its fee and gas.
func broadcastClaim(t *testing.T, clientCtx client.Context, node *clitest.Node, owner sdk.AccAddress) (sdk.Coins, uint64) {
	t.Helper()
	require.Len(t, node.Broadcast, 1)
	tx, err := clientCtx.TxConfig.TxDecoder()(node.Broadcast[0])
	require.NoError(t, err)
	msgs := tx.GetMsgs()
	require.Len(t, msgs, 1)
	require.Equal(t, &types.MsgClaimLicenseRewards{Owner: owner.String()}, msgs[0])
	feeTx := tx.(sdk.FeeTx)
	return feeTx.GetFee(), feeTx.GetGas()
}

// TestClaimRewardsWarnsWhenTheFeeExceedsThePayout: `tx license claim-rewards` compares the
// fee it will pay with what `q license rewards` says the claim pays, and warns when the
// fee is larger: without --yes it asks (and sends only on yes), with --yes it sends.
func TestClaimRewardsWarnsWhenTheFeeExceedsThePayout(t *testing.T) {
	const warning = "WARNING: this claim costs more than it pays. Its fee is 5000uaegis; it would pay 1200uaegis now (aegisd q license rewards "

	t.Run("answered no: nothing sent", func(t *testing.T) {
		node, ctx, owner := claimNode(t, 1200, 80_000)
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "n\n", "--from", "alice", "--fees", "5000uaegis")
		require.NoError(t, res.Err, res)
		require.Contains(t, res.Stderr, warning+owner.String()+"): you would lose 3800uaegis.", res)
		require.Contains(t, res.Stderr, claimtx.ConfirmPrompt)
		require.Contains(t, res.Stderr, "canceled transaction")
		require.Contains(t, res.Stdout, `"@type":"/aegis.license.v1.MsgClaimLicenseRewards"`, "the tx is shown before the question")
		require.Empty(t, node.Broadcast)
	})

	t.Run("no answer: nothing sent", func(t *testing.T) {
		node, ctx, _ := claimNode(t, 1200, 80_000)
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", "alice", "--fees", "5000uaegis")
		require.ErrorContains(t, res.Err, "nothing was sent; --yes sends it without asking")
		require.Empty(t, node.Broadcast)
	})

	t.Run("answered yes: sent, asked once", func(t *testing.T) {
		node, ctx, owner := claimNode(t, 1200, 80_000)
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "y\n", "--from", "alice", "--fees", "5000uaegis")
		require.NoError(t, res.Err, res)
		require.Contains(t, res.Stderr, warning)
		require.NotContains(t, res.Stderr, "confirm transaction before signing", "the SDK's question is not asked again")
		fee, _ := broadcastClaim(t, ctx, node, owner)
		require.Equal(t, "5000uaegis", fee.String())
	})

	t.Run("--yes: warned on stderr, sent", func(t *testing.T) {
		node, ctx, owner := claimNode(t, 1200, 80_000)
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", "alice", "--fees", "5000uaegis", "--yes")
		require.NoError(t, res.Err, res)
		require.Contains(t, res.Stderr, warning)
		require.Contains(t, res.Stderr, "--yes: sending it anyway.")
		require.NotContains(t, res.Stderr, claimtx.ConfirmPrompt)
		require.NotContains(t, res.Stdout, "WARNING", "the warning is on stderr only")
		fee, _ := broadcastClaim(t, ctx, node, owner)
		require.Equal(t, "5000uaegis", fee.String())
	})

	t.Run("--gas auto: the fee of the simulated gas", func(t *testing.T) {
		// 100,000 gas simulated × 1.5 = 150,000 gas at 0.025uaegis = 3750uaegis > 3000uaegis.
		node, ctx, owner := claimNode(t, 3000, 100_000)
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", "alice", "--gas", "auto", "--gas-adjustment", "1.5", "--gas-prices", "0.025uaegis", "-y")
		require.NoError(t, res.Err, res)
		require.Contains(t, res.Stderr, "gas estimate: 150000")
		require.Contains(t, res.Stderr, "Its fee is 3750uaegis; it would pay 3000uaegis now")
		require.Contains(t, res.Stderr, "you would lose 750uaegis")
		fee, gas := broadcastClaim(t, ctx, node, owner)
		require.Equal(t, "3750uaegis", fee.String())
		require.Equal(t, uint64(150_000), gas)
	})

	t.Run("gas × --gas-prices", func(t *testing.T) {
		// --gas 300000 at 0.025uaegis = 7500uaegis > 7000uaegis.
		node, ctx, _ := claimNode(t, 7000, 100_000)
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", "alice", "--gas", "300000", "--gas-prices", "0.025uaegis", "-y")
		require.NoError(t, res.Err, res)
		require.Contains(t, res.Stderr, "Its fee is 7500uaegis; it would pay 7000uaegis now")
		require.Len(t, node.Broadcast, 1)
	})

	t.Run("the payout covers the fee: no warning", func(t *testing.T) {
		for _, rewards := range []int64{5000, 5001} {
			node, ctx, owner := claimNode(t, rewards, 80_000)
			res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", "alice", "--fees", "5000uaegis", "-y")
			require.NoError(t, res.Err, res)
			require.NotContains(t, res.Stderr, "WARNING")
			fee, _ := broadcastClaim(t, ctx, node, owner)
			require.Equal(t, "5000uaegis", fee.String())
		}
	})

	t.Run("refused by the simulation: nothing sent, no fee", func(t *testing.T) {
		node := clitest.NewNode(t, map[string]clitest.Handler{
			clitest.SimulateMethod: func([]byte) (gogoproto.Message, error) {
				return nil, types.ErrNoRewards.Wrap("nothing to claim")
			},
		})
		ctx, _ := clitest.Context(t, node, "alice")
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", "alice", "--fees", "5000uaegis", "-y")
		require.ErrorContains(t, res.Err, "the chain would refuse this transaction (nothing was sent)")
		require.ErrorContains(t, res.Err, "nothing to claim")
		require.Empty(t, node.Broadcast)
	})

	t.Run("--generate-only: no chain asked", func(t *testing.T) {
		node := clitest.NewNode(t, nil)
		ctx, owner := clitest.Context(t, node, "alice")
		res := clitest.Run(ctx, cli.NewClaimRewardsCmd(), "", "--from", owner.String(), "--fees", "5000uaegis", "--generate-only")
		require.NoError(t, res.Err, res)
		require.Contains(t, res.Stdout, `"owner":"`+owner.String()+`"`)
		require.Empty(t, node.Broadcast)
	})
}
