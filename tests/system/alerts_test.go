package system

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAlertRules: deploy/prometheus/alerts.yml is valid Prometheus rules (promtool check
// rules), and each alert fires on the series it is for, and only after its `for`
// (promtool test rules alerts_test.yml). The localnet test checks that the aegis_* series
// the rules read are on a node's endpoint.
func TestAlertRules(t *testing.T) {
	skipIfShort(t)
	promtool := ensurePromtool(t)
	dir := filepath.Join(sourceRoot(t), "deploy", "prometheus")
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "promtool %v:\n%s", args, out)
	}
}

// ensurePromtool returns promtool: the machine's, or the one in Debian's prometheus
// package, unpacked (not installed: installing would start a Prometheus server on 9090)
// into the user cache once.
func ensurePromtool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	cache, err := os.UserCacheDir()
	require.NoError(t, err)
	dir := filepath.Join(cache, "aegis-tests", "prometheus")
	p := filepath.Join(dir, "usr", "bin", "promtool")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	require.Zero(t, os.Geteuid(), "promtool is not installed and this is not root: apt-get install prometheus")
	dl := t.TempDir()
	aptGet(t, "", "update", "-qq")
	aptGet(t, dl, "download", "prometheus")
	debs, err := filepath.Glob(filepath.Join(dl, "prometheus_*.deb"))
	require.NoError(t, err)
	require.Len(t, debs, 1)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	out, err := exec.Command("dpkg", "-x", debs[0], dir).CombinedOutput()
	require.NoError(t, err, "dpkg -x: %s", out)
	return p
}
