package reporter

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/dataset"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Chain is what the reporter needs from the chain (chain.Client; a fake in tests).
type Chain interface {
	EmissionParams(ctx context.Context) (emissiontypes.Params, error)
	EmissionStatus(ctx context.Context) (*emissiontypes.QueryStatusResponse, error)
	Node(ctx context.Context) (*portypes.QueryNodeResponse, error)
	Rewards(ctx context.Context) (*portypes.QueryRewardsResponse, error)
	PorParams(ctx context.Context) (portypes.Params, error)
	Exec(ctx context.Context, msgs ...sdk.Msg) (string, error)
}

// Plan measures the machine (or reuses a fresh measurement) and splits it across roles.
type Plan func(ctx context.Context, roles []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error)

// Reporter submits the node's daily report.
type Reporter struct {
	Chain          Chain
	Plan           Plan
	State          *State
	Log            *slog.Logger
	Operator       sdk.AccAddress
	AutoClaimAbove math.Int
	Metrics        *Metrics
	// Datasets back the storage of reports while the chain's challenges are on: each role
	// declaring storage commits its dataset (State.DatasetNonce names them).
	Datasets Datasets
	// Busy, when set, reports whether a compute challenge's commitment is computing
	// (answerer.Answerer.ComputeBusy): the dataset builds pause while it is true, for the
	// commitment takes every core and is due within its commit window, and a build is due
	// at no particular time.
	Busy func() bool
	// Now is the clock (time.Now outside tests).
	Now func() time.Time
	// MaxBackoff caps the wait between retries.
	MaxBackoff time.Duration

	jitter          time.Duration
	clockCheckedDay uint64
	builds          builds
	estimates       map[uint32]dataset.Estimate
}

// Offset is where in each day the node reports: derived from its address so 207,000 nodes
// spread over the first 80% of the day, rather than all reporting in its first block.
func Offset(operator sdk.AccAddress, day time.Duration) time.Duration {
	h := fnv.New64a()
	h.Write(operator)
	window := day * 8 / 10
	if window <= 0 {
		return 0
	}
	return time.Duration(h.Sum64() % uint64(window))
}

// Run reports every day until ctx is cancelled. Failures are logged, counted and retried
// with exponential backoff; they never stop the loop.
func (r *Reporter) Run(ctx context.Context) error {
	backoff := time.Second
	for {
		wait, err := r.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			r.Log.Error("report step failed; retrying", "err", err, "retry_in", backoff)
			r.Metrics.failure(err)
			wait, backoff = backoff, min(backoff*2, r.maxBackoff())
		} else {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

func (r *Reporter) maxBackoff() time.Duration {
	if r.MaxBackoff > 0 {
		return r.MaxBackoff
	}
	return time.Minute
}

// Step does what is due now and returns how long to wait before the next step: it reports
// the current day once it is past the node's offset and the node has not reported it yet.
func (r *Reporter) Step(ctx context.Context) (time.Duration, error) {
	params, err := r.Chain.EmissionParams(ctx)
	if err != nil {
		return 0, err
	}
	st, err := r.Chain.EmissionStatus(ctx)
	if err != nil {
		return 0, err
	}
	day, dayLen := st.CurrentDay, time.Duration(params.DaySeconds)*time.Second
	if day == 0 { // before the chain's first day
		return max(time.Until(params.StartTime), time.Second), nil
	}
	node, err := r.Chain.Node(ctx)
	if err != nil {
		return 0, err
	}
	r.Metrics.observeNode(node)
	r.checkClock(ctx, day)
	if rewards, err := r.Chain.Rewards(ctx); err == nil {
		r.Metrics.pending(rewards.Total)
	}
	if r.jitter == 0 {
		r.jitter = time.Duration(rand.Int64N(int64(max(dayLen/50, time.Millisecond)))) // off-chain: randomness is fine here
	}
	dayStart := params.DayEnd(day - 1)
	due := dayStart.Add(Offset(r.Operator, dayLen) + r.jitter)
	reported := max(node.Node.LastReportDay, r.State.LastReportedDay)
	nextDay := params.DayEnd(day).Add(Offset(r.Operator, dayLen) + r.jitter)
	if reported >= day || r.Now().Before(due) {
		r.planAhead(ctx, node.Node.Roles)
	}
	if reported >= day {
		return r.untilOrPoll(nextDay, dayLen), nil
	}
	if now := r.Now(); now.Before(due) {
		return r.untilOrPoll(due, dayLen), nil
	}
	if len(node.Node.Roles) == 0 {
		return 0, errors.New("the node holds no role: activate one with `aegisd tx por activate-role` (signed by the operator)")
	}
	roles := reportable(node, day)
	for _, pp := range node.Pending {
		if pp.Pending.DisqualifiedUntil >= day {
			r.Log.Warn("role disqualified by a failed or missed storage proof: left out of reports", "role", pp.Role.Short(), "until_day", pp.Pending.DisqualifiedUntil, "day", day)
		}
	}
	if len(roles) == 0 {
		return r.untilOrPoll(nextDay, dayLen), nil
	}
	totals, parts, err := r.Plan(ctx, roles)
	if err != nil {
		return 0, fmt.Errorf("measuring the machine: %w", err)
	}
	plan, err := r.datasetParts(ctx, parts)
	if err != nil {
		return 0, err
	}
	r.logDeclared(plan)
	r.planBuilds(ctx, plan.want)
	hash, err := r.Chain.Exec(ctx, &portypes.MsgSubmitReport{Operator: r.Operator.String(), Totals: totals, Parts: plan.declared, DatasetNonce: r.State.DatasetNonce})
	if err != nil {
		if isDuplicate(err) { // reported already (by an earlier run whose reply was lost)
			r.State.LastReportedDay = day
			return 0, r.State.Save()
		}
		return 0, fmt.Errorf("submitting the day %d report: %w", day, err)
	}
	r.State.LastReportedDay, r.State.LastTxHash = day, hash
	r.State.Reports++
	r.State.record(r.reportedEffs(ctx, day))
	if err := r.State.Save(); err != nil {
		return 0, err
	}
	r.Log.Info("reported", "day", day, "tx", hash, "totals", totals.String())
	r.Metrics.reported(day)
	if err := r.autoClaim(ctx); err != nil {
		r.Log.Error("auto-claim failed", "err", err)
		r.Metrics.failure(err)
	}
	return r.untilOrPoll(nextDay, dayLen), nil
}

// planAhead starts, between reports, the builds the next report needs: at the first step
// (a node started hours before its report time starts building at once) and after a
// failed build, once retryBuildAfter has passed.
func (r *Reporter) planAhead(ctx context.Context, roles []portypes.NodeRole) {
	b := &r.builds
	b.mu.Lock()
	due := !b.planned || (!b.running && !b.failedAt.IsZero() && r.Now().Sub(b.failedAt) >= retryBuildAfter)
	b.planned = true
	b.mu.Unlock()
	if !due || len(roles) == 0 || r.Datasets == nil {
		return
	}
	if params, err := r.Chain.PorParams(ctx); err != nil || !params.Challenge.Enabled() {
		return // nothing to build (and no measurement to make before the report's)
	}
	_, parts, err := r.Plan(ctx, roles)
	if err != nil {
		return // the report says it
	}
	if plan, err := r.datasetParts(ctx, parts); err == nil {
		r.planBuilds(ctx, plan.want)
	}
}

// ClockSkewLimit is how far the local clock may run from the chain's latest block before
// the reporter warns: it places the node's report in the day by the local clock.
const ClockSkewLimit = 2 * time.Minute

// checkClock warns, once a day, when the local clock is off the chain's latest block time.
func (r *Reporter) checkClock(ctx context.Context, day uint64) {
	bt, ok := r.Chain.(interface {
		LatestBlockTime(context.Context) (time.Time, error)
	})
	if !ok || r.clockCheckedDay == day {
		return
	}
	chainTime, err := bt.LatestBlockTime(ctx)
	if err != nil {
		return
	}
	r.clockCheckedDay = day
	switch skew := r.Now().Sub(chainTime); {
	case skew < -ClockSkewLimit:
		r.Log.Warn("the local clock is behind the chain's latest block: reports will come late in the day; sync the clock (NTP)", "behind_by", (-skew).String())
	case skew > 30*ClockSkewLimit:
		r.Log.Warn("the local clock is far ahead of the chain's latest block: either the chain is halted or this clock is wrong; check NTP", "ahead_by", skew.String())
	}
}

// untilOrPoll waits until t, but looks again at least every tenth of a day (the chain's
// clock, its block time, may run behind the local one).
func (r *Reporter) untilOrPoll(t time.Time, day time.Duration) time.Duration {
	return min(max(t.Sub(r.Now()), 200*time.Millisecond), max(day/10, time.Second))
}

// autoClaim claims the node's rewards once they exceed the threshold.
func (r *Reporter) autoClaim(ctx context.Context) error {
	if r.AutoClaimAbove.IsNil() || !r.AutoClaimAbove.IsPositive() {
		return nil
	}
	res, err := r.Chain.Rewards(ctx)
	if err != nil {
		return err
	}
	r.Metrics.pending(res.Total)
	if res.Total.LTE(r.AutoClaimAbove) {
		return nil
	}
	hash, err := r.Chain.Exec(ctx, &portypes.MsgClaimRewards{Operator: r.Operator.String()})
	if err == nil {
		r.Log.Info("claimed rewards", "amount", res.Total.String(), "tx", hash)
	}
	return err
}

func isDuplicate(err error) bool {
	return err != nil && (errors.Is(err, portypes.ErrDuplicateReport) || strings.Contains(err.Error(), "already reported"))
}

var _ Chain = (*chain.Client)(nil)

// reportable are the node's roles it may report on day: those not disqualified.
func reportable(node *portypes.QueryNodeResponse, day uint64) []portypes.NodeRole {
	barred := map[portypes.NodeRole]bool{}
	for _, pp := range node.Pending {
		barred[pp.Role] = pp.Pending.DisqualifiedUntil >= day
	}
	var out []portypes.NodeRole
	for _, r := range node.Node.Roles {
		if !barred[r] {
			out = append(out, r)
		}
	}
	return out
}

// reportedEffs is the chain's eff of the node's report of day, for the charts. A query
// served by a node that has not committed the report's block yet does not show it: look
// again for a few seconds.
func (r *Reporter) reportedEffs(ctx context.Context, day uint64) []DayEff {
	for attempt := 0; attempt < 10; attempt++ {
		if after, err := r.Chain.Node(ctx); err == nil {
			var effs []DayEff
			for _, rs := range after.Roles {
				if rs.FromDay == day {
					effs = append(effs, DayEff{Day: day, Role: rs.Role.String(), Eff: rs.Eff.String()})
				}
			}
			if len(effs) > 0 || after.Node.LastReportDay >= day {
				return effs // the report's block is committed
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(300 * time.Millisecond):
		}
	}
	return nil
}
