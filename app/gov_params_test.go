package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// propose has the voter (who then holds most of the bonded stake) submit msgs in a proposal
// with the minimum deposit and vote option on it; it returns the proposal's id and the gov
// params.
func propose(t *testing.T, c *testutil.TestChain, option govv1.VoteOption, msgs ...sdk.Msg) (uint64, govv1.Params) {
	t.Helper()
	voter := c.Accounts[0]
	vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
	require.NoError(t, err)
	res := c.DeliverMsgs(time.Second, voter, stakingtypes.NewMsgDelegate(voter.Address.String(), vals[0].OperatorAddress,
		sdk.NewInt64Coin(app.BondDenom, 300_000_000_000)))
	require.Zero(t, res.Code, res.Log)
	params, err := c.App.GovKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	submit, err := govv1.NewMsgSubmitProposal(msgs, params.MinDeposit, voter.Address.String(), "ipfs://proposal", "params", "params", false)
	require.NoError(t, err)
	res = c.DeliverMsgs(time.Second, voter, submit)
	require.Zero(t, res.Code, res.Log)
	id, err := c.App.GovKeeper.ProposalID.Peek(c.Context())
	require.NoError(t, err)
	id--
	res = c.DeliverMsgs(time.Second, voter, govv1.NewMsgVote(voter.Address, id, option, ""))
	require.Zero(t, res.Code, res.Log)
	return id, params
}

// passProposal submits msgs in a governance proposal, makes it pass and returns its final
// status.
func passProposal(t *testing.T, c *testutil.TestChain, msgs ...sdk.Msg) govv1.ProposalStatus {
	t.Helper()
	id, params := propose(t, c, govv1.OptionYes, msgs...)
	c.NextBlock(*params.VotingPeriod + time.Second)
	c.NextBlock(time.Second)
	p, err := c.App.GovKeeper.Proposals.Get(c.Context(), id)
	require.NoError(t, err)
	return p.Status
}

// Issue 22 item 4, through a real governance proposal: turning challenges off with zeroed
// challenge params (a 0-block window, 0 leaves) is refused when the proposal executes, and
// the params stay as they were; turning them off with valid params passes.
func TestProposalCannotZeroChallengeParams(t *testing.T) {
	c := testutil.NewTestChain(t, 2, nil)
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	before, err := c.App.PorKeeper.Params.Get(c.Context())
	require.NoError(t, err)

	zeroed := before
	zeroed.Challenge = portypes.ChallengeParams{SlashFraction: math.LegacyZeroDec()}
	require.Equal(t, govv1.StatusFailed, passProposal(t, c, &portypes.MsgUpdateParams{Authority: gov, Params: zeroed}))
	after, err := c.App.PorKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.Equal(t, before.Challenge, after.Challenge, "refused: the params are unchanged")

	valid := before
	valid.Challenge.SpreadBlocks = 100
	require.Equal(t, govv1.StatusPassed, passProposal(t, c, &portypes.MsgUpdateParams{Authority: gov, Params: valid}))
	after, err = c.App.PorKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.Equal(t, uint64(100), after.Challenge.SpreadBlocks)
}
