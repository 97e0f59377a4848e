package chain

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// AnswerChallengeURL is the message the hot key answers challenges with; the operator
// grants it like the report and the claim.
var AnswerChallengeURL = sdk.MsgTypeURL(&portypes.MsgAnswerChallenge{})

// PendingChallenges are the operator's challenges still waiting for an answer.
func (c *Client) PendingChallenges(ctx context.Context) ([]portypes.Challenge, error) {
	res, err := portypes.NewQueryClient(c.conn).Challenges(ctx, &portypes.QueryChallengesRequest{Operator: c.Operator.String(), Pending: true})
	if err != nil {
		return nil, Unreachable(err)
	}
	return res.Challenges, nil
}

// Challenge is challenge id as the chain has it now.
func (c *Client) Challenge(ctx context.Context, id uint64) (portypes.Challenge, error) {
	res, err := portypes.NewQueryClient(c.conn).Challenge(ctx, &portypes.QueryChallengeRequest{Id: id})
	if err != nil {
		return portypes.Challenge{}, Unreachable(err)
	}
	return res.Challenge, nil
}

// LatestHeight is the height of the chain's latest block.
func (c *Client) LatestHeight(ctx context.Context) (int64, error) {
	res, err := cmtservice.NewServiceClient(c.conn).GetLatestBlock(ctx, &cmtservice.GetLatestBlockRequest{})
	if err != nil {
		return 0, Unreachable(err)
	}
	if res.SdkBlock == nil {
		return 0, errors.New("the node returned no block")
	}
	return res.SdkBlock.Header.Height, nil
}

// HasGrant reports whether the hot key may send msgTypeURL for the operator: as the node's
// reporter (reports, answers, claims), or through the operator's authz grant.
func (c *Client) HasGrant(ctx context.Context, msgTypeURL string) (bool, error) {
	if native, err := c.Native(ctx); err == nil && native {
		return true, nil
	}
	_, err := authz.NewQueryClient(c.conn).Grants(ctx, &authz.QueryGrantsRequest{
		Granter: c.Operator.String(), Grantee: c.HotAddr.String(), MsgTypeUrl: msgTypeURL,
	})
	if err != nil && (status.Code(err) == codes.NotFound || strings.Contains(err.Error(), "authorization not found")) {
		return false, nil
	}
	return err == nil, Unreachable(err)
}

// GrantCommand is the command the operator runs to let the hot key send msgTypeURL.
func (c *Client) GrantCommand(msgTypeURL string) string {
	return "aegisd tx authz grant " + c.HotAddr.String() + " generic --msg-type " + msgTypeURL + " --from " + c.Operator.String()
}
