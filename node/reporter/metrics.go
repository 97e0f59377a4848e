package reporter

import (
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/node/chain"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Metrics are the reporter's Prometheus figures. A nil *Metrics records nothing.
type Metrics struct {
	registry     *prometheus.Registry
	lastDay      prometheus.Gauge
	reports      prometheus.Counter
	pendingGauge prometheus.Gauge
	eff          *prometheus.GaugeVec
	penalized    *prometheus.GaugeVec
	failures     *prometheus.CounterVec
	builds       prometheus.Counter
	buildSeconds prometheus.Gauge
	labels       *prometheus.GaugeVec
	challenges   *prometheus.GaugeVec
}

// NewMetrics registers the figures on a registry of their own.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry:     prometheus.NewRegistry(),
		lastDay:      prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_last_reported_day", Help: "The last chain day this node reported."}),
		reports:      prometheus.NewCounter(prometheus.CounterOpts{Name: "aegis_node_reports_total", Help: "Reports submitted by this process."}),
		pendingGauge: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_pending_rewards_uaegis", Help: "Unclaimed rewards at the last check."}),
		eff:          prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aegis_node_eff_por", Help: "Effective PoR of the latest report, per role."}, []string{"role"}),
		penalized:    prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aegis_node_penalized", Help: "1 if the latest report missed a minimum, per role."}, []string{"role"}),
		failures:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aegis_node_failures_total", Help: "Failed steps by cause."}, []string{"cause"}),
		builds:       prometheus.NewCounter(prometheus.CounterOpts{Name: "aegis_node_dataset_builds_total", Help: "Challenge datasets built by this process."}),
		buildSeconds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_dataset_build_seconds", Help: "How long the last challenge dataset build took."}),
		labels: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aegis_node_dataset_labels",
			Help: "Labels of each role's challenge dataset: built, and required by the role's storage (its storage is declared once they are equal)."}, []string{"role", "state"}),
		challenges: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aegis_node_challenges",
			Help: "The node's resolved challenges on chain (challenges_passed, challenges_missed) and its misses inside the failure window."}, []string{"status"}),
	}
	m.registry.MustRegister(m.lastDay, m.reports, m.pendingGauge, m.eff, m.penalized, m.failures, m.builds, m.buildSeconds, m.labels, m.challenges,
		// The process's own figures (heap, goroutines, GC; CPU, RSS, open files), to watch
		// the daemon's footprint next to its reports.
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every cause at 0 from start, so a rate or an alert on a cause works before its first
	// failure (a series that appears only at its first increment has no "before").
	for _, c := range Causes {
		m.failures.WithLabelValues(c)
	}
	return m
}

// Causes are the cause labels of aegis_node_failures_total, as Cause names them.
var Causes = []string{"unreachable", "no_grant", "not_registered", "tx_failed", "other"}

// Registerer is where other parts of the daemon (the challenge answerer) register their
// figures, so /metrics serves them all.
func (m *Metrics) Registerer() prometheus.Registerer { return m.registry }

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *Metrics) reported(day uint64) {
	if m == nil {
		return
	}
	m.lastDay.Set(float64(day))
	m.reports.Inc()
}

func (m *Metrics) pending(amt math.Int) {
	if m == nil || amt.IsNil() {
		return
	}
	f, _ := math.LegacyNewDecFromInt(amt).Float64() // a metric, not consensus: a float is fine
	m.pendingGauge.Set(f)
}

func (m *Metrics) observeNode(n *portypes.QueryNodeResponse) {
	if m == nil || n == nil {
		return
	}
	if n.Node.LastReportDay > 0 {
		m.lastDay.Set(float64(n.Node.LastReportDay))
	}
	m.challenges.WithLabelValues("passed").Set(float64(n.ChallengeStats.Passed))
	m.challenges.WithLabelValues("missed").Set(float64(n.ChallengeStats.Missed))
	m.challenges.WithLabelValues("recent_missed").Set(float64(len(n.ChallengeStats.RecentMisses)))
	for _, rs := range n.Roles {
		if rs.Eff.IsNil() {
			continue
		}
		f, _ := rs.Eff.Float64()
		m.eff.WithLabelValues(rs.Role.String()).Set(f)
		p := 0.0
		if rs.Penalized {
			p = 1
		}
		m.penalized.WithLabelValues(rs.Role.String()).Set(p)
	}
}

func (m *Metrics) datasetBuilt(took time.Duration) {
	if m == nil {
		return
	}
	m.builds.Inc()
	m.buildSeconds.Set(took.Seconds())
}

func (m *Metrics) datasetLabels(role portypes.NodeRole, built, required uint64) {
	if m == nil {
		return
	}
	m.labels.WithLabelValues(role.String(), "built").Set(float64(built))
	m.labels.WithLabelValues(role.String(), "required").Set(float64(required))
}

func (m *Metrics) failure(err error) {
	if m == nil {
		return
	}
	m.failures.WithLabelValues(Cause(err)).Inc()
}

// Cause names a failure for the failures metric.
func Cause(err error) string {
	switch {
	case errors.Is(err, chain.ErrUnreachable):
		return "unreachable"
	case errors.Is(err, chain.ErrNoGrant):
		return "no_grant"
	case errors.Is(err, chain.ErrNotRegistered):
		return "not_registered"
	case errors.Is(err, chain.ErrTxFailed):
		return "tx_failed"
	}
	return "other"
}
