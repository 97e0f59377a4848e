package app

import (
	"context"
	"errors"
	"runtime"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
)

// queryGate admits the node's gRPC calls (and the REST ones, which the API server sends
// through gRPC) a few at a time, first come first served. Go runs every handler of a busy
// server at once, switching between them, and the newest runnable goroutine tends to run
// first: on a small machine under load a few calls wait far longer than the rest (p99 at
// 64 clients was 4-5x the median). Waiting in a FIFO queue instead keeps the tail near
// the median, and leaves cores to block production however many clients there are.
type queryGate chan struct{}

// newQueryGate admits two calls per core: enough to keep every core busy while a call
// waits on the disk.
func newQueryGate() queryGate { return make(queryGate, 2*runtime.GOMAXPROCS(0)) }

// ungated are the calls that wait on something other than the CPU (BroadcastTx waits for
// CheckTx through the mempool): they must not hold a place the queries are queued for.
var ungated = map[string]bool{
	"/cosmos.tx.v1beta1.Service/BroadcastTx": true,
}

// commitRaceRetries: how many times a call refused with ErrInvalidHeight runs again. The
// SDK's CreateQueryContext reads the check state and then the finalize state; a Commit
// between the two reads (which sets the one and clears the other) leaves neither at the
// latest height, and a query asking for the latest state is refused with "context did not
// contain latest block height". A query is read-only, so it is simply asked again; a
// height that is really wrong is refused again.
const commitRaceRetries = 2

// wrap returns server with the gate in front of every unary method registered on it.
func (g queryGate) wrap(server gogogrpc.Server) gogogrpc.Server { return gatedServer{server, g} }

type gatedServer struct {
	gogogrpc.Server
	gate queryGate
}

func (s gatedServer) RegisterService(sd *grpc.ServiceDesc, impl any) {
	desc := *sd
	desc.Methods = make([]grpc.MethodDesc, len(sd.Methods))
	for i, m := range sd.Methods {
		desc.Methods[i] = m
		if ungated["/"+sd.ServiceName+"/"+m.MethodName] {
			continue
		}
		handler := m.Handler
		desc.Methods[i].Handler = func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			select {
			case s.gate <- struct{}{}:
			case <-ctx.Done():
				return nil, status.FromContextError(ctx.Err()).Err()
			}
			defer func() { <-s.gate }()
			out, err := handler(srv, ctx, dec, icpt)
			for retry := 0; retry < commitRaceRetries && errors.Is(err, sdkerrors.ErrInvalidHeight) && ctx.Err() == nil; retry++ {
				out, err = handler(srv, ctx, dec, icpt)
			}
			return out, err
		}
	}
	s.Server.RegisterService(&desc, impl)
}

// RegisterGRPCServerWithSkipCheckHeader registers the app's gRPC services (every query
// service, and the tx and node services the SDK routes the same way) behind the query gate;
// the SDK's gRPC server calls it at start.
func (app *App) RegisterGRPCServerWithSkipCheckHeader(server gogogrpc.Server, skipCheckHeader bool) {
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(newQueryGate().wrap(server), skipCheckHeader)
}

// RegisterGRPCServer is RegisterGRPCServerWithSkipCheckHeader checking the header.
func (app *App) RegisterGRPCServer(server gogogrpc.Server) {
	app.RegisterGRPCServerWithSkipCheckHeader(server, false)
}
