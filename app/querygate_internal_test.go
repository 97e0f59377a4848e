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

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
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
	gate := make(queryGate, 2)
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
	make(queryGate, 1).wrap(c).RegisterService(&grpc.ServiceDesc{ServiceName: "aegis.por.v1.Query", Methods: []grpc.MethodDesc{{MethodName: "Rewards", Handler: handler}}}, nil)
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
	make(queryGate, 1).wrap(c).RegisterService(&grpc.ServiceDesc{ServiceName: "aegis.por.v1.Query", Methods: []grpc.MethodDesc{{MethodName: "Rewards", Handler: other}}}, nil)
	calls = 0
	_, err = c.descs[0].Methods[0].Handler(nil, context.Background(), nil, nil)
	require.ErrorIs(t, err, sdkerrors.ErrNotFound)
	require.Equal(t, 1, calls)
}
