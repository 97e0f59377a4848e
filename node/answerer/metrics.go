package answerer

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aegis-chain/aegis/node/dataset"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Metrics are the answerer's Prometheus figures. A nil *Metrics records nothing.
type Metrics struct {
	answeredTotal *prometheus.CounterVec
	failures      *prometheus.CounterVec
	pending       prometheus.Gauge
	scanSeconds   prometheus.Gauge
	scanRate      prometheus.Gauge
	commits       prometheus.Counter
	reveals       prometheus.Counter
	commitSeconds prometheus.Gauge
	commitRate    prometheus.Gauge
}

// NewMetrics registers the figures on reg (the reporter's registry, so /metrics serves
// them together).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		answeredTotal: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aegis_node_challenges_answered_total",
			Help: "Challenges this process answered and the chain accepted, by kind."}, []string{"kind"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aegis_node_challenge_failures_total",
			Help: "Failed challenge answers by cause: dataset (not on disk, or not all of it: the challenge is missed), no_proof (the scan found none: labels missing or damaged), proof_failed (answered, and the chain's recheck failed), compute_late (a compute root not computed or not landed by its commit deadline: the node computes slower than it declares), compute_mismatch (a recomputed compute commitment differs from the root committed: no reveal could pass), expired, refused, no_grant, unreachable, tx_failed, other."}, []string{"cause"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_challenges_pending", Help: "The node's challenges pending on chain at the last look."}),
		scanSeconds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_storage_scan_seconds",
			Help: "How long the last storage challenge's scan of the dataset took (it must fit the answer window)."}),
		scanRate: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_storage_scan_labels_per_second", Help: "The last scan's rate."}),
		commits: prometheus.NewCounter(prometheus.CounterOpts{Name: "aegis_node_compute_commits_total",
			Help: "Compute challenge roots this process committed and the chain accepted (a compute challenge's first answer; the reveal counts in aegis_node_challenges_answered_total{kind=\"compute\"})."}),
		reveals: prometheus.NewCounter(prometheus.CounterOpts{Name: "aegis_node_compute_reveals_total",
			Help: "Compute challenge reveals (the paths of the drawn tiles) this process sent and the chain accepted."}),
		commitSeconds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_compute_commit_seconds",
			Help: "How long the last compute commitment took to compute (it must fit the commit window, commit_seconds)."}),
		commitRate: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aegis_node_compute_tiles_per_second",
			Help: "The last compute commitment's rate: the declared compute times tiles_per_unit_second is what an answer in time needs."}),
	}
	reg.MustRegister(m.answeredTotal, m.failures, m.pending, m.scanSeconds, m.scanRate, m.commits, m.reveals, m.commitSeconds, m.commitRate)
	// Every label at 0 from start, so rates and alerts work before the first event.
	for _, c := range Causes {
		m.failures.WithLabelValues(c)
	}
	for k := range portypes.ChallengeKind_name {
		if kind := portypes.ChallengeKind(k); kind != portypes.CHALLENGE_KIND_UNSPECIFIED {
			m.answeredTotal.WithLabelValues(kindName(kind))
		}
	}
	return m
}

// Causes are the cause labels of aegis_node_challenge_failures_total.
var Causes = []string{"dataset", "no_proof", "proof_failed", "compute_late", "compute_mismatch", "expired", "refused", "no_grant", "unreachable", "tx_failed", "other"}

func (m *Metrics) answered(k portypes.ChallengeKind) {
	if m != nil {
		m.answeredTotal.WithLabelValues(kindName(k)).Inc()
	}
}

func (m *Metrics) failed(cause string) {
	if m != nil {
		m.failures.WithLabelValues(cause).Inc()
	}
}

func (m *Metrics) scanned(r dataset.ProveResult) {
	if m != nil && r.Took > 0 {
		m.scanSeconds.Set(r.Took.Seconds())
		m.scanRate.Set(r.Rate())
	}
}

// computed records a compute commitment of tiles tiles that took took.
func (m *Metrics) computed(tiles uint64, took time.Duration) {
	if m != nil && took > 0 {
		m.commitSeconds.Set(took.Seconds())
		m.commitRate.Set(float64(tiles) / took.Seconds())
	}
}

func (m *Metrics) committed() {
	if m != nil {
		m.commits.Inc()
	}
}

func (m *Metrics) revealed() {
	if m != nil {
		m.reveals.Inc()
	}
}

func (m *Metrics) setPending(n int) {
	if m != nil {
		m.pending.Set(float64(n))
	}
}
