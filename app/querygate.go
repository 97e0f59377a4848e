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
//
// The calls are admitted in two lanes, each a FIFO queue of its own (see classOf for which
// call goes where):
//
//   - store: the calls the app answers from its own state (every module's Query service,
//     Simulate, ABCIQuery, the node service). They are CPU-bound, so this lane is what
//     keeps the cores for consensus.
//   - comet: the calls that ask CometBFT (its block store, tx index, node status) through
//     the client's RPC. They spend most of their time waiting on CometBFT, not on a core:
//     in the store lane a handful of them would hold every place and queue the store
//     queries (aegis-node's polls for open challenges among them) behind a slow block or
//     tx search. Their own lane still bounds them, so a flood of them queues too.
type queryGate struct {
	store, comet lane
}

// lane is one FIFO queue of the gate: a call holds a place while it runs. A buffered
// channel's blocked senders are woken in the order they came, so waiting calls run in
// that order.
type lane chan struct{}

// newQueryGate admits two calls per core in each lane: in the store lane enough to keep
// every core busy while a call waits on the disk; in the comet lane as many, since those
// calls also decode what CometBFT returns (GetBlockWithTxs every tx of the block).
func newQueryGate() queryGate { return newQueryGateOf(2 * runtime.GOMAXPROCS(0)) }

// newQueryGateOf is a gate admitting n calls at a time in each lane.
func newQueryGateOf(n int) queryGate { return queryGate{store: make(lane, n), comet: make(lane, n)} }

// callClass is which lane a gRPC method runs in.
type callClass int

const (
	storeCall   callClass = iota // the store lane: answered from the app's state
	cometCall                    // the comet lane: waits on CometBFT's RPC
	ungatedCall                  // no lane: waits on something the queries must not hold up
)

// methodClasses classifies single methods (full names, "/service/method"); it is read
// before serviceClasses.
var methodClasses = map[string]callClass{
	// BroadcastTx waits for CheckTx through the mempool: it must not hold a place the
	// queries are queued for, nor wait behind them.
	"/cosmos.tx.v1beta1.Service/BroadcastTx": ungatedCall,
	// The tx service's reads of past blocks and txs go to CometBFT's block store and tx
	// index (x/auth/tx: QueryTx, QueryTxsByEvents, cmtservice.GetProtoBlock). Its other
	// methods (Simulate, TxEncode/TxDecode and their Amino forms) run in the app.
	"/cosmos.tx.v1beta1.Service/GetTx":           cometCall,
	"/cosmos.tx.v1beta1.Service/GetTxsEvent":     cometCall,
	"/cosmos.tx.v1beta1.Service/GetBlockWithTxs": cometCall,
	// ABCIQuery is the one cmtservice method the app answers itself: the SDK serves it
	// with the app's own ABCI Query (app.RegisterTendermintService), not CometBFT's RPC.
	"/cosmos.base.tendermint.v1beta1.Service/ABCIQuery": storeCall,
}

// serviceClasses classifies whole services. Every other method of cmtservice (GetNodeInfo,
// GetSyncing, GetLatestBlock, GetBlockByHeight, GetLatestValidatorSet,
// GetValidatorSetByHeight, GetLatestBlockResults, GetBlockResults) asks CometBFT's RPC
// (client/grpc/cmtservice: node.Status, node.Block, node.Validators, node.BlockResults),
// and so will a method a later SDK adds to it.
var serviceClasses = map[string]callClass{
	"cosmos.base.tendermint.v1beta1.Service": cometCall,
}

// classOf returns the class of a method (full name "/service/method"): its own entry in
// methodClasses, else its service's in serviceClasses, else storeCall. The store lane is
// the default because every other service on the app's gRPC query router (the modules'
// Query services, auth/bank/staking..., reflection, autocli, the node service's Config
// and Status) answers from the app's state, and the store lane is the one that keeps a
// flood of CPU-bound calls off the cores consensus needs.
func classOf(service, method string) callClass {
	if c, ok := methodClasses["/"+service+"/"+method]; ok {
		return c
	}
	if c, ok := serviceClasses[service]; ok {
		return c
	}
	return storeCall
}

// laneOf returns the lane a method runs in, nil for an ungated one.
func (g queryGate) laneOf(service, method string) lane {
	switch classOf(service, method) {
	case cometCall:
		return g.comet
	case ungatedCall:
		return nil
	default:
		return g.store
	}
}

// commitRaceRetries: how many times a call refused with ErrInvalidHeight runs again. The
// SDK's CreateQueryContext reads the check state and then the finalize state; a Commit
// between the two reads (which sets the one and clears the other) leaves neither at the
// latest height, and a query asking for the latest state is refused with "context did not
// contain latest block height". A query is read-only, so it is simply asked again; a
// height that is really wrong is refused again. This holds in both lanes: the SDK creates
// the query context for the comet lane's calls too.
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
		lane := s.gate.laneOf(sd.ServiceName, m.MethodName)
		if lane == nil {
			continue
		}
		handler := m.Handler
		desc.Methods[i].Handler = func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			select {
			case lane <- struct{}{}:
			case <-ctx.Done():
				return nil, status.FromContextError(ctx.Err()).Err()
			}
			defer func() { <-lane }()
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
// service, and the tx, CometBFT and node services the SDK routes the same way) behind the
// query gate's lanes; the SDK's gRPC server calls it at start.
func (app *App) RegisterGRPCServerWithSkipCheckHeader(server gogogrpc.Server, skipCheckHeader bool) {
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(newQueryGate().wrap(server), skipCheckHeader)
}

// RegisterGRPCServer is RegisterGRPCServerWithSkipCheckHeader checking the header.
func (app *App) RegisterGRPCServer(server gogogrpc.Server) {
	app.RegisterGRPCServerWithSkipCheckHeader(server, false)
}
