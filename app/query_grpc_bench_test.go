package app_test

import (
	"context"
	"net"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// BenchmarkGRPCQuery: a query's whole path through a gRPC server set up as the SDK's
// (its codec and OpenTelemetry stats handler, the app's registration: query gate, the
// SDK's interceptor, the query context), client side included, over an in-memory
// connection: what `make bench`'s query run pays per call besides the network. Rewards of
// a node paid for a day, and emission Status.
func BenchmarkGRPCQuery(b *testing.B) {
	c := testutil.NewTestChainWithAccounts(b, 1, func(cdc codec.JSONCodec, g app.GenesisState, _ []testutil.Account) {
		editSection(b, cdc, g, emissiontypes.ModuleName, func(gs *emissiontypes.GenesisState) { gs.Params.DaySeconds = 10 })
	})
	op := c.Accounts[0]
	res := c.DeliverMsgs(time.Second, op, &portypes.MsgRegisterNode{Operator: op.Address.String(), Moniker: "n",
		Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}, Stake: sdk.NewCoin(app.BondDenom, portypes.DefaultMinStake)})
	if res.Code != 0 {
		b.Fatal(res.Log)
	}
	res = c.DeliverMsgs(time.Second, op, &portypes.MsgSubmitReport{Operator: op.Address.String(), Totals: portypes.Resources{Compute: 400, Storage: 400, Bandwidth: 400},
		Parts: []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: portypes.Resources{Compute: 150, Storage: 100, Bandwidth: 80}}}})
	if res.Code != 0 {
		b.Fatal(res.Log)
	}
	for i := 0; i < 3; i++ {
		c.NextBlock(10 * time.Second)
	}

	gc := codec.NewProtoCodec(c.App.InterfaceRegistry()).GRPCCodec()
	srv := grpc.NewServer(grpc.ForceServerCodec(gc), grpc.StatsHandler(otelgrpc.NewServerHandler()))
	c.App.RegisterGRPCServer(srv)
	lis := bufconn.Listen(1 << 20)
	go func() { _ = srv.Serve(lis) }()
	b.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithDefaultCallOptions(grpc.ForceCodec(gc)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })

	por := portypes.NewQueryClient(conn)
	emission := emissiontypes.NewQueryClient(conn)
	ctx := context.Background()
	b.Run("rewards", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := por.Rewards(ctx, &portypes.QueryRewardsRequest{Operator: op.Address.String()})
			if err != nil || !r.Total.IsPositive() {
				b.Fatal(r, err)
			}
		}
	})
	b.Run("status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := emission.Status(ctx, &emissiontypes.QueryStatusRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
