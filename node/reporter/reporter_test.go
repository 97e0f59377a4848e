package reporter

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// fakeChain is a chain whose day advances with the fake clock and which refuses a second
// report on the same day, as x/por does.
type fakeChain struct {
	start   time.Time
	now     *time.Time
	dayLen  time.Duration
	last    uint64
	reports map[uint64]int
	down    bool
	params  portypes.Params
	sent    []*portypes.MsgSubmitReport
}

func (f *fakeChain) day() uint64 { return uint64(f.now.Sub(f.start)/f.dayLen) + 1 }

func (f *fakeChain) EmissionParams(context.Context) (emissiontypes.Params, error) {
	if f.down {
		return emissiontypes.Params{}, errors.New("unavailable")
	}
	return emissiontypes.Params{StartTime: f.start, DaySeconds: uint64(f.dayLen / time.Second)}, nil
}

func (f *fakeChain) EmissionStatus(context.Context) (*emissiontypes.QueryStatusResponse, error) {
	return &emissiontypes.QueryStatusResponse{CurrentDay: f.day()}, nil
}

func (f *fakeChain) Node(context.Context) (*portypes.QueryNodeResponse, error) {
	return &portypes.QueryNodeResponse{Node: portypes.Node{LastReportDay: f.last, Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}}}, nil
}

func (f *fakeChain) Rewards(context.Context) (*portypes.QueryRewardsResponse, error) {
	return &portypes.QueryRewardsResponse{Total: math.NewInt(10)}, nil
}

func (f *fakeChain) PorParams(context.Context) (portypes.Params, error) { return f.params, nil }

func (f *fakeChain) Exec(_ context.Context, msgs ...sdk.Msg) (string, error) {
	if m, ok := msgs[0].(*portypes.MsgSubmitReport); ok {
		d := f.day()
		if f.last == d {
			return "", portypes.ErrDuplicateReport
		}
		f.last = d
		f.reports[d]++
		f.sent = append(f.sent, m)
	}
	return "hash", nil
}

func newTestReporter(t *testing.T, f *fakeChain) *Reporter {
	state, err := LoadState(t.TempDir())
	require.NoError(t, err)
	return &Reporter{
		Chain: f, State: state, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Operator: sdk.AccAddress("operator-address-20b"),
		Now: func() time.Time { return *f.now }, AutoClaimAbove: math.ZeroInt(),
		Plan: func(context.Context, []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
			return portypes.Resources{Compute: 1}, []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: portypes.Resources{Compute: 1}}}, nil
		},
	}
}

// TestReportsEveryDayOnce steps a reporter through ten days with a clock that jumps in
// small steps: it reports each day exactly once, after its offset; a new reporter on the
// same home (a restart) reports nothing twice.
func TestReportsEveryDayOnce(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	f := &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}}
	r := newTestReporter(t, f)
	offset := Offset(r.Operator, f.dayLen)
	require.Less(t, offset, 80*time.Second)
	for now.Before(start.Add(10 * f.dayLen)) {
		_, err := r.Step(context.Background())
		require.NoError(t, err)
		if now.Sub(start)%f.dayLen < offset {
			require.Less(t, f.last, f.day(), "not before the node's offset")
		}
		if now.Sub(start) == 5*f.dayLen+offset+3*time.Second { // restart mid-run
			r2 := newTestReporter(t, f)
			r2.State = r.State
			r = r2
		}
		now = now.Add(time.Second)
	}
	for d := uint64(1); d <= 10; d++ {
		require.Equal(t, 1, f.reports[d], "day %d", d)
	}
	require.Equal(t, uint64(10), r.State.LastReportedDay)
}

// TestChainDownIsRetried: a failing chain makes Step fail (Run retries with backoff); once
// it is back, the day is reported.
func TestChainDownIsRetried(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start.Add(99 * time.Second)
	f := &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}, down: true}
	r := newTestReporter(t, f)
	_, err := r.Step(context.Background())
	require.Error(t, err)
	require.Equal(t, "other", Cause(err))
	f.down = false
	_, err = r.Step(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, f.reports[1])
}

// TestOffsetsSpread: 10,000 operators' offsets fall over the first 80% of the day, spread
// evenly (no tenth of the window holds more than twice its share).
func TestOffsetsSpread(t *testing.T) {
	day := 24 * time.Hour
	buckets := make([]int, 10)
	for i := 0; i < 10_000; i++ {
		addr := sdk.AccAddress([]byte{byte(i), byte(i >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18})
		o := Offset(addr, day)
		require.Less(t, o, day*8/10)
		buckets[int(o*10/(day*8/10))]++
	}
	for i, n := range buckets {
		require.Less(t, n, 2000, "bucket %d", i)
	}
}

// skewedChain's latest block is five minutes ahead of the local clock.
type skewedChain struct{ *fakeChain }

func (s skewedChain) LatestBlockTime(context.Context) (time.Time, error) {
	return s.now.Add(5 * time.Minute), nil
}

// TestClockFarOffWarns: a local clock behind the chain is reported once a day, with the fix.
func TestClockFarOffWarns(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	f := &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}}
	r := newTestReporter(t, f)
	r.Chain = skewedChain{f}
	var logs strings.Builder
	r.Log = slog.New(slog.NewTextHandler(&logs, nil))
	for i := 0; i < 3; i++ {
		_, err := r.Step(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, 1, strings.Count(logs.String(), "sync the clock (NTP)"), logs.String())
}

// claimingChain records claims; its rewards are 10 uaegis.
type claimingChain struct {
	*fakeChain
	claims int
}

func (c *claimingChain) Exec(ctx context.Context, msgs ...sdk.Msg) (string, error) {
	if _, ok := msgs[0].(*portypes.MsgClaimRewards); ok {
		c.claims++
		return "claim", nil
	}
	return c.fakeChain.Exec(ctx, msgs...)
}

// TestAutoClaim: after a report, rewards above the threshold are claimed, and not below it.
func TestAutoClaim(t *testing.T) {
	for _, tc := range []struct {
		threshold int64
		claims    int
	}{{0, 0}, {5, 1}, {10, 0}} {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		now := start.Add(99 * time.Second)
		cc := &claimingChain{fakeChain: &fakeChain{start: start, now: &now, dayLen: 100 * time.Second, reports: map[uint64]int{}}}
		r := newTestReporter(t, cc.fakeChain)
		r.Chain, r.AutoClaimAbove = cc, math.NewInt(tc.threshold)
		_, err := r.Step(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, cc.reports[1])
		require.Equal(t, tc.claims, cc.claims, "threshold %d", tc.threshold)
	}
}
