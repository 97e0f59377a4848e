package cli

import (
	"bytes"
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestRePlanWaitsForCommitment: a plan that probes again (its measurement is stale) waits
// while a compute commitment computes; a plan from a fresh measurement, or with nothing
// computing, does not wait; a wait ends with ctx.
func TestRePlanWaitsForCommitment(t *testing.T) {
	old := probeWaitPoll
	probeWaitPoll = time.Millisecond
	t.Cleanup(func() { probeWaitPoll = old })
	var busy atomic.Bool
	var planned atomic.Int32
	var busyAtPlan atomic.Bool
	plan := func(context.Context, []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
		planned.Add(1)
		busyAtPlan.Store(busy.Load())
		return portypes.Resources{Compute: 1}, nil, nil
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	stale := true
	p := yieldingPlan(plan, func() bool { return stale }, busy.Load, log)

	busy.Store(true)
	go func() { time.Sleep(100 * time.Millisecond); busy.Store(false) }()
	start := time.Now()
	res, _, err := p(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Compute)
	require.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond, "waited for the commitment")
	require.False(t, busyAtPlan.Load(), "probed once it ended")
	require.Contains(t, logs.String(), "the probe waits for the compute challenge's commitment to end")
	require.Contains(t, logs.String(), "commitment_ended=true")

	busy.Store(true)
	stale = false
	_, _, err = p(context.Background(), nil)
	require.NoError(t, err)
	require.True(t, busyAtPlan.Load(), "a fresh measurement is no probe: no wait")
	require.Equal(t, int32(2), planned.Load())

	stale = true
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, _, err = p(ctx, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, int32(2), planned.Load(), "not probed")
}
