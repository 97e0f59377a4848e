package app

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"github.com/prometheus/client_golang/prometheus"

	emissionkeeper "github.com/aegis-chain/aegis/x/emission/keeper"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// chainCollector is the Aegis figures operators alert on, read from the latest committed
// state each time Prometheus scrapes (CometBFT's metrics endpoint and the SDK's API
// /metrics both serve Prometheus's default registry). Reading at scrape keeps the work
// off the blocks: nothing here runs in Begin/EndBlock.
type chainCollector struct {
	app *App

	currentDay, daysIssued, daysBehind         *prometheus.Desc
	slotsHeld, slotCap, counting               *prometheus.Desc
	challengesPending, setAsidePayouts         *prometheus.Desc
	licenses, settlementsStuck, scrapeFailures *prometheus.Desc
}

// countCap bounds the entries a scrape counts in one list; a list this long reads as
// countCap (an operator needs to know it is large, not its exact size).
const countCap = 200_000

func newChainCollector(app *App) *chainCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("aegis_"+name, help, labels, nil)
	}
	return &chainCollector{
		app:               app,
		currentDay:        d("emission_current_day", "The day the latest block's time falls in (1-based)."),
		daysIssued:        d("emission_days_issued", "Days issued so far: every ended day once."),
		daysBehind:        d("emission_days_behind", "Ended days not yet issued (0 when the chain keeps up; a day ends, then the next block issues it)."),
		slotsHeld:         d("por_slots_held", "Nodes holding a slot in the role.", "role"),
		slotCap:           d("por_slot_cap", "The role's slot cap.", "role"),
		counting:          d("por_counting_nodes", "Nodes counted in the role's split at the last tick.", "role"),
		challengesPending: d("por_challenges_pending", "Challenges open: opened and not yet answered or past their deadline (at most 200000 counted)."),
		setAsidePayouts:   d("por_set_aside_payouts", "Unbonding payouts the chain set aside after repeated failures (tx por retry-payout pays them)."),
		licenses:          d("licenses", "Licenses by status.", "status"),
		settlementsStuck:  d("license_settlements_stuck", "License settlements set aside: no longer retried by the chain (tx license retry-settlement)."),
		scrapeFailures:    d("metrics_read_errors", "1 when the latest scrape could not read the state (the figures above are then missing)."),
	}
}

func (c *chainCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.currentDay, c.daysIssued, c.daysBehind, c.slotsHeld, c.slotCap, c.counting,
		c.challengesPending, c.setAsidePayouts, c.licenses, c.settlementsStuck, c.scrapeFailures} {
		ch <- d
	}
}

func (c *chainCollector) Collect(ch chan<- prometheus.Metric) {
	failed := 0.0
	if err := c.collect(ch); err != nil {
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(c.scrapeFailures, prometheus.GaugeValue, failed)
}

func (c *chainCollector) collect(ch chan<- prometheus.Metric) error {
	if c.app.LastBlockHeight() == 0 {
		return nil // before the first block there is no state to read
	}
	sdkCtx, err := c.app.CreateQueryContext(0, false)
	if err != nil {
		return err
	}
	ctx := context.Context(sdkCtx)
	// Prometheus takes float64 values. This runs on a scrape, outside consensus: nothing
	// here is written to state or events, so the conversion cannot split the nodes.
	gauge := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
	}

	st, err := emissionkeeper.NewQuerier(c.app.EmissionKeeper).Status(ctx, &emissiontypes.QueryStatusRequest{})
	if err != nil {
		return err
	}
	gauge(c.currentDay, st.CurrentDay)
	gauge(c.daysIssued, st.DaysIssued)
	var behind uint64
	if st.CurrentDay > st.DaysIssued+1 {
		behind = st.CurrentDay - 1 - st.DaysIssued
	}
	gauge(c.daysBehind, behind)

	por := c.app.PorKeeper
	params, err := por.Params.Get(ctx)
	if err != nil {
		return err
	}
	for _, r := range portypes.AllRoles {
		rs, err := por.RoleStates.Get(ctx, int32(r))
		if err != nil {
			return err
		}
		name := r.Short()
		gauge(c.slotsHeld, rs.SlotsHeld, name)
		gauge(c.slotCap, params.Roles[r-1].SlotCap, name)
		gauge(c.counting, rs.Count, name)
	}
	pending, err := countUpTo(por.ChallengeDeadlines.Iterate(ctx, nil))
	if err != nil {
		return err
	}
	roots, err := countUpTo(por.ComputeDeadlines.Iterate(ctx, nil)) // compute roots still due
	if err != nil {
		return err
	}
	gauge(c.challengesPending, min(pending+roots, countCap))
	setAside, err := countUpTo(por.SetAside.Iterate(ctx, nil))
	if err != nil {
		return err
	}
	gauge(c.setAsidePayouts, setAside)

	lic := c.app.LicenseKeeper
	supply, err := lic.Supply.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	gauge(c.licenses, supply.Active, "active")
	gauge(c.licenses, supply.Liquidated, "liquidated")
	gauge(c.licenses, supply.Redeemed, "redeemed")
	stuck, err := countUpTo(lic.Stuck.Iterate(ctx, nil))
	if err != nil {
		return err
	}
	gauge(c.settlementsStuck, stuck)
	return nil
}

// cursor is a collections iterator (of a map or a key set), as countUpTo reads it.
type cursor interface {
	Valid() bool
	Next()
	Close() error
}

// countUpTo counts the entries an iterator opened over a whole collection walks, at most
// countCap of them.
func countUpTo(it cursor, err error) (uint64, error) {
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var n uint64
	for ; it.Valid() && n < countCap; it.Next() {
		n++
	}
	return n, nil
}

// RegisterMetrics adds the Aegis figures to reg: for a node, Prometheus's default registry,
// which CometBFT's metrics endpoint ([instrumentation] prometheus) and the SDK's API
// /metrics ([telemetry]) serve. Call it once, for the app a node runs.
func (app *App) RegisterMetrics(reg prometheus.Registerer) error {
	err := reg.Register(newChainCollector(app))
	if are := (prometheus.AlreadyRegisteredError{}); errors.As(err, &are) {
		return nil
	}
	return err
}
