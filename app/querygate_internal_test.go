package app

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// capture is a gRPC server that keeps what is registered on it.
type capture struct{ descs []*grpc.ServiceDesc }

func (c *capture) RegisterService(sd *grpc.ServiceDesc, _ any) { c.descs = append(c.descs, sd) }

// TestQueryGate: at most the gate's size of calls run at once, the others wait their turn
// (or give up with their context), and BroadcastTx is never held back by queries.
func TestQueryGate(t *testing.T) {
	var running, most atomic.Int32
	release := make(chan struct{})
	slow := func(any, context.Context, func(any) error, grpc.UnaryServerInterceptor) (any, error) {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		running.Add(-1)
		return "ok", nil
	}
	c := &capture{}
	gate := newQueryGateOf(2)
	gate.wrap(c).RegisterService(&grpc.ServiceDesc{ServiceName: "aegis.por.v1.Query", Methods: []grpc.MethodDesc{{MethodName: "Rewards", Handler: slow}}}, nil)
	gate.wrap(c).RegisterService(&grpc.ServiceDesc{ServiceName: "cosmos.tx.v1beta1.Service", Methods: []grpc.MethodDesc{{MethodName: "BroadcastTx", Handler: slow}}}, nil)
	query, broadcast := c.descs[0].Methods[0].Handler, c.descs[1].Methods[0].Handler

	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := query(nil, context.Background(), nil, nil)
			require.NoError(t, err)
			require.Equal(t, "ok", out)
		}()
	}
	require.Eventually(t, func() bool { return running.Load() == 2 }, time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	require.Equal(t, int32(2), running.Load(), "two admitted, four waiting")

	// A waiting call whose client gives up returns its context's error.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := query(nil, ctx, nil, nil)
	require.Equal(t, codes.DeadlineExceeded, status.Code(err))

	// BroadcastTx runs although the gate is full.
	wg.Add(1)
	go func() { defer wg.Done(); _, _ = broadcast(nil, context.Background(), nil, nil) }()
	require.Eventually(t, func() bool { return running.Load() == 3 }, time.Second, time.Millisecond)

	close(release)
	wg.Wait()
	require.Equal(t, int32(3), most.Load(), "two queries at most, and the broadcast")
}

// TestQueryGateAsksAgainAfterTheCommitRace: a call the SDK refused with ErrInvalidHeight (its
// check and finalize states read across a Commit) runs again; one refused every time
// returns the error after commitRaceRetries more tries; other errors are returned at once.
func TestQueryGateAsksAgainAfterTheCommitRace(t *testing.T) {
	var calls int
	failures := 0
	handler := func(any, context.Context, func(any) error, grpc.UnaryServerInterceptor) (any, error) {
		calls++
		if calls <= failures {
			return nil, errorsmod.Wrap(sdkerrors.ErrInvalidHeight, "context did not contain latest block height")
		}
		return "ok", nil
	}
	c := &capture{}
	newQueryGateOf(1).wrap(c).RegisterService(&grpc.ServiceDesc{ServiceName: "aegis.por.v1.Query", Methods: []grpc.MethodDesc{{MethodName: "Rewards", Handler: handler}}}, nil)
	call := c.descs[0].Methods[0].Handler

	calls, failures = 0, 1
	out, err := call(nil, context.Background(), nil, nil)
	require.NoError(t, err)
	require.Equal(t, "ok", out)
	require.Equal(t, 2, calls)

	calls, failures = 0, 100
	_, err = call(nil, context.Background(), nil, nil)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidHeight)
	require.Equal(t, 1+commitRaceRetries, calls)

	other := func(any, context.Context, func(any) error, grpc.UnaryServerInterceptor) (any, error) {
		calls++
		return nil, sdkerrors.ErrNotFound
	}
	c = &capture{}
	newQueryGateOf(1).wrap(c).RegisterService(&grpc.ServiceDesc{ServiceName: "aegis.por.v1.Query", Methods: []grpc.MethodDesc{{MethodName: "Rewards", Handler: other}}}, nil)
	calls = 0
	_, err = c.descs[0].Methods[0].Handler(nil, context.Background(), nil, nil)
	require.ErrorIs(t, err, sdkerrors.ErrNotFound)
	require.Equal(t, 1, calls)
}

// TestQueryGateCometCallsDoNotStarveStoreQueries: calls that wait on CometBFT (its block
// store, tx index, node status) fill their own lane and queue behind each other, but a store
// query (aegis-node's poll for open challenges) still runs while they are all held; and
// store queries filling their lane do not hold up the CometBFT calls either.
func TestQueryGateCometCallsDoNotStarveStoreQueries(t *testing.T) {
	var held, most atomic.Int32
	release := make(chan struct{})
	slow := func(any, context.Context, func(any) error, grpc.UnaryServerInterceptor) (any, error) {
		n := held.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		held.Add(-1)
		return "block", nil
	}
	fast := func(any, context.Context, func(any) error, grpc.UnaryServerInterceptor) (any, error) {
		return "challenges", nil
	}
	c := &capture{}
	gate := newQueryGateOf(2)
	size := int32(cap(gate.comet))
	srv := gate.wrap(c)
	srv.RegisterService(&grpc.ServiceDesc{ServiceName: "cosmos.base.tendermint.v1beta1.Service", Methods: []grpc.MethodDesc{{MethodName: "GetLatestBlock", Handler: slow}}}, nil)
	srv.RegisterService(&grpc.ServiceDesc{ServiceName: "cosmos.tx.v1beta1.Service", Methods: []grpc.MethodDesc{{MethodName: "GetTxsEvent", Handler: slow}}}, nil)
	srv.RegisterService(&grpc.ServiceDesc{ServiceName: "aegis.por.v1.Query", Methods: []grpc.MethodDesc{{MethodName: "Challenges", Handler: fast}}}, nil)
	latestBlock, txsEvent, challenges := c.descs[0].Methods[0].Handler, c.descs[1].Methods[0].Handler, c.descs[2].Methods[0].Handler

	// More slow calls than their lane holds: the lane fills and the rest queue.
	var wg sync.WaitGroup
	for i := range 2*size + 1 {
		call := latestBlock
		if i%2 == 1 {
			call = txsEvent
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := call(nil, context.Background(), nil, nil)
			require.NoError(t, err)
			require.Equal(t, "block", out)
		}()
	}
	require.Eventually(t, func() bool { return held.Load() == size }, 5*time.Second, time.Millisecond)

	// The store query completes while every slow call is still held. The deadline only
	// keeps a failing run from hanging; a passing run does not wait for it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := challenges(nil, ctx, nil, nil)
	require.NoError(t, err, "aegis.por.v1.Query/Challenges queued behind calls waiting on CometBFT")
	require.Equal(t, "challenges", out)
	require.Equal(t, size, held.Load(), "the slow calls were still held")

	close(release)
	wg.Wait()
	require.Equal(t, size, most.Load(), "the slow calls never ran more than their lane at once")

	// The other way round: with the store lane full, a CometBFT call still runs.
	for range cap(gate.store) {
		gate.store <- struct{}{}
	}
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err = latestBlock(nil, ctx, nil, nil)
	require.NoError(t, err, "GetLatestBlock queued behind store queries")
	require.Equal(t, "block", out)
}

// TestQueryGateLanes: the classification against the SDK's own service descriptors. Every
// cmtservice method but ABCIQuery, and the tx service's GetTx, GetTxsEvent and
// GetBlockWithTxs, wait on CometBFT; BroadcastTx is ungated; the rest of the tx service, the
// node service and the module queries are store queries. Every method and service named in
// the lists exists, so a misspelt name cannot silently fall back to the default.
func TestQueryGateLanes(t *testing.T) {
	known := map[string]bool{}
	for _, sd := range []grpc.ServiceDesc{cmtservice.Service_serviceDesc, txtypes.Service_serviceDesc, nodeservice.Service_serviceDesc, portypes.Query_serviceDesc, banktypes.Query_serviceDesc} {
		known[sd.ServiceName] = true
		for _, m := range sd.Methods {
			known["/"+sd.ServiceName+"/"+m.MethodName] = true
		}
	}
	for name := range methodClasses {
		require.True(t, known[name], "methodClasses names %s, which no service has", name)
	}
	for name := range serviceClasses {
		require.True(t, known[name], "serviceClasses names %s, which is no service", name)
	}

	for _, m := range cmtservice.Service_serviceDesc.Methods {
		want := cometCall
		if m.MethodName == "ABCIQuery" {
			want = storeCall
		}
		require.Equal(t, want, classOf(cmtservice.Service_serviceDesc.ServiceName, m.MethodName), m.MethodName)
	}
	tx := map[string]callClass{"GetTx": cometCall, "GetTxsEvent": cometCall, "GetBlockWithTxs": cometCall, "BroadcastTx": ungatedCall}
	for _, m := range txtypes.Service_serviceDesc.Methods {
		require.Equal(t, tx[m.MethodName], classOf(txtypes.Service_serviceDesc.ServiceName, m.MethodName), m.MethodName)
	}
	for _, sd := range []grpc.ServiceDesc{nodeservice.Service_serviceDesc, portypes.Query_serviceDesc, banktypes.Query_serviceDesc} {
		for _, m := range sd.Methods {
			require.Equal(t, storeCall, classOf(sd.ServiceName, m.MethodName), sd.ServiceName+"/"+m.MethodName)
		}
	}
	require.Equal(t, storeCall, classOf("aegis.future.v1.Query", "Anything"), "an unknown method is a store query")

	gate := newQueryGateOf(1)
	require.Equal(t, gate.store, gate.laneOf("aegis.por.v1.Query", "Challenges"))
	require.Equal(t, gate.comet, gate.laneOf("cosmos.base.tendermint.v1beta1.Service", "GetLatestBlock"))
	require.Nil(t, gate.laneOf("cosmos.tx.v1beta1.Service", "BroadcastTx"))
}
