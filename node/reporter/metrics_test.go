package reporter_test

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/answerer"
	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/reporter"
)

// scrape is what /metrics serves.
func scrape(t *testing.T, m *reporter.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, 200, rec.Code)
	body, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(body)
}

func TestMetricsFromStart(t *testing.T) {
	m := reporter.NewMetrics()
	answerer.NewMetrics(m.Registerer())
	body := scrape(t, m)

	// The Go runtime's and the process's own figures.
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_duration_seconds",
		"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds"} {
		require.Contains(t, body, "\n"+name, "%s is served", name)
	}
	// Every failure cause at 0 before any failure.
	for _, c := range reporter.Causes {
		require.Contains(t, body, fmt.Sprintf("aegis_node_failures_total{cause=%q} 0\n", c))
	}
	for _, c := range answerer.Causes {
		require.Contains(t, body, fmt.Sprintf("aegis_node_challenge_failures_total{cause=%q} 0\n", c))
	}
	for _, k := range []string{"liveness", "storage"} {
		require.Contains(t, body, fmt.Sprintf("aegis_node_challenges_answered_total{kind=%q} 0\n", k))
	}

	// Cause names only the pre-initialised labels.
	for _, err := range []error{chain.ErrUnreachable, chain.ErrNoGrant, chain.ErrNotRegistered, chain.ErrTxFailed, errors.New("x")} {
		require.Contains(t, reporter.Causes, reporter.Cause(fmt.Errorf("wrapped: %w", err)))
	}
}
