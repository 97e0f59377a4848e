package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/testutil"
	emissionkeeper "github.com/aegis-chain/aegis/x/emission/keeper"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// Queries answer with gRPC status codes a client can act on (REST maps them to 404 and
// 400): NotFound for a node or a day receipt that does not exist, InvalidArgument for a
// malformed address, role or day.
func TestQueryStatusCodes(t *testing.T) {
	c := testutil.NewTestChain(t, 1, nil)
	ctx := c.Context()
	q := keeper.NewQuerier(c.App.PorKeeper)
	stranger := sdk.AccAddress([]byte("not-a-registered-one")).String()
	cases := []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"unknown node", func() error { _, err := q.Node(ctx, &types.QueryNodeRequest{Operator: stranger}); return err }, codes.NotFound},
		{"malformed operator", func() error { _, err := q.Node(ctx, &types.QueryNodeRequest{Operator: "aegis1nope"}); return err }, codes.InvalidArgument},
		{"rewards of a malformed operator", func() error {
			_, err := q.Rewards(ctx, &types.QueryRewardsRequest{Operator: "x"})
			return err
		}, codes.InvalidArgument},
		{"no receipt for a day", func() error {
			_, err := q.RoleDay(ctx, &types.QueryRoleDayRequest{Role: types.NODE_ROLE_WORKER, Day: 999})
			return err
		}, codes.NotFound},
		{"unknown role", func() error { _, err := q.Role(ctx, &types.QueryRoleRequest{Role: 42}); return err }, codes.InvalidArgument},
		{"emission day 0", func() error {
			_, err := emissionkeeper.NewQuerier(c.App.EmissionKeeper).Day(ctx, &emissiontypes.QueryDayRequest{Day: 0})
			return err
		}, codes.InvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Equal(t, tc.want, status.Code(err), "%v", err)
		})
	}
}
