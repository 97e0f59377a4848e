package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil/posttest"
	"github.com/aegis-chain/aegis/x/license/types"
	porkeeper "github.com/aegis-chain/aegis/x/por/keeper"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// A license-backed node that keeps missing its liveness challenges, on the whole app's
// block flow (sampling in BeginBlock, the day's tick and the deadlines in EndBlock): its
// misses forfeit its reports, the second one slashes it and frees its slot, no block
// fails, and on TESTNET the license behind it survives whole.
func TestMissedChallengesSlashLicenseBackedNode(t *testing.T) {
	cp := portypes.ChallengeParams{
		ChallengesPerDay: 10, AnswerWindowBlocks: 3, Storage: posttest.Params(), StorageSlashFraction: math.LegacyZeroDec(),
		SlashFailures: 2, FailureWindowDays: 5, SlashFraction: math.LegacyNewDecWithPrec(5, 1),
		VestingDays: portypes.DefaultVestingDays, DisqualifyDays: portypes.DefaultDisqualifyDays,
	}
	c := newChainWithApp(t, types.STAGE_TESTNET, nil, func(cdc codec.JSONCodec, g app.GenesisState) {
		var gs portypes.GenesisState
		cdc.MustUnmarshalJSON(g[portypes.ModuleName], &gs)
		gs.Params.Challenge = cp
		g[portypes.ModuleName] = cdc.MustMarshalJSON(&gs)
	})
	// Every state change here goes through blocks, each checked with the supply identity.
	checker := c.CheckEveryBlock()
	owner, node := c.Accounts[1], c.Accounts[2]
	c.mint(owner.Address, 1)
	c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToNode{Signer: owner.Address.String(), Ids: []uint64{1}, Node: node.Address.String()}))
	c.ok(c.DeliverMsgs(time.Second, node, &portypes.MsgRegisterNode{Operator: node.Address.String(), Moniker: "n",
		Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}, Stake: sdk.NewCoin(app.BondDenom, math.ZeroInt())}))

	res := portypes.Resources{Compute: 150, Storage: 0, Bandwidth: 80} // liveness: its misses count towards the slash
	report := &portypes.MsgSubmitReport{Operator: node.Address.String(), Totals: res,
		Parts: []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: res}}}
	step := func(dt time.Duration) {
		c.NextBlock(dt)
	}
	por := c.App.PorKeeper
	for day := 1; day <= 2; day++ {
		c.ok(c.DeliverMsgs(time.Second, node, report))
		step(24 * time.Hour) // the next day's first block samples the report
		pending, err := pendingChallenges(c, node.Address)
		require.NoError(t, err)
		require.Len(t, pending, 1, "day %d", day)
		require.Equal(t, portypes.CHALLENGE_KIND_LIVENESS, pending[0].Kind)
		for range cp.AnswerWindowBlocks + 1 {
			step(time.Second)
		}
		got, err := por.Challenges.Get(c.Context(), pending[0].Id)
		require.NoError(t, err)
		require.Equal(t, portypes.CHALLENGE_STATUS_MISSED, got.Status, "day %d", day)
	}
	n, err := por.Nodes.Get(c.Context(), node.Address)
	require.NoError(t, err)
	st, err := por.ChallengeStats.Get(c.Context(), node.Address)
	require.NoError(t, err)
	require.Equal(t, uint64(2), st.Missed)
	require.Empty(t, n.Roles, "the second miss slashed the node and freed its slot")

	l := c.license(1)
	require.Equal(t, se.String(), l.Backing.String(), "TESTNET: the license keeps its whole backing")
	require.Equal(t, types.STATUS_ACTIVE, l.License.Status)
	c.checkBackingInvariant()
	step(time.Second)
	require.Equal(t, checker.Blocks()-1, checker.SupplyChecks(), "the supply identity was checked at every block after the first")
}

func pendingChallenges(c *chain, op sdk.AccAddress) ([]portypes.Challenge, error) {
	res, err := porkeeper.NewQuerier(c.App.PorKeeper).Challenges(c.Context(), &portypes.QueryChallengesRequest{Operator: op.String(), Pending: true})
	if err != nil {
		return nil, err
	}
	return res.Challenges, nil
}
