package system

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/reporter"
)

// TestSystemAegisNode is a resource operator's journey with aegis-node on a chain with
// 4-second days: init, the operator's grants, register, `run` reporting every day through
// the hot key, status matching the chain, a restart with no double report and no missed
// day, a chain stopped for a while and caught up, and the status page's figures.
func TestSystemAegisNode(t *testing.T) {
	skipIfShort(t)
	nodeBin := BuildNodeBinary(t)
	c := NewChain(t, BuildBinary(t), "node1")
	c.SetDaySeconds(4)
	c.Start()
	node := c.KeyAddress("node1")

	// init: config and hot key; it prints the operator's one command, which makes the hot
	// key the node's reporter key and funds it.
	rn := initResourceNode(t, c, nodeBin, "node1", "--bandwidth-mbps", "1000", "--roles", "worker,da")
	home, hot, cfg := rn.Home, rn.Hot, rn.Config
	require.Contains(t, rn.InitOut, "aegisd tx por set-reporter "+hot+" --fund 10000000uaegis --from "+node)
	require.NotContains(t, rn.InitOut, "tx authz grant")
	require.Contains(t, rn.InitOut, "minimums (as compute/storage/bandwidth), from the chain at "+c.GRPC, "init checks the machine against the chain's minimums")

	// register, signed by the operator key (here in the chain's keyring), after a summary.
	out, err := rn.run(c, "register", "--roles", "worker,da", "--stake", "1AEGIS")
	require.Error(t, err)
	require.Contains(t, out, "stake too low: the roles need 20000000000uaegis")
	out, err = rn.run(c, "register", "--roles", "worker,da", "--stake", "30000AEGIS")
	require.NoError(t, err, out)
	for _, want := range []string{"SLOTS FREE", "worker", "100000 of 100000", "10000000000 uaegis", "registered " + node} {
		require.Contains(t, out, want)
	}

	// Without the grants, reports fail with a message that says what to run.
	d := startNode(t, nodeBin, home)
	require.Eventually(t, func() bool { return strings.Contains(d.log.String(), "aegis-node init") }, 20*time.Second, 200*time.Millisecond, d.log.String())
	d.stop(t)

	// The operator's grants, run as printed.
	rn.grant(t, c)

	// run: every day is reported once, through the hot key.
	seen := map[uint64]bool{}
	watch := func(dur time.Duration) {
		for end := time.Now().Add(dur); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
			seen[lastReportDay(c, node)] = true
		}
	}
	d = startNode(t, nodeBin, home)
	watch(14 * time.Second)
	for _, want := range []string{`"msg":"serving metrics","addr":"` + cfg.Listen.Metrics + `"`, `"msg":"serving status page","addr":"` + cfg.Listen.Status + `"`} {
		require.Contains(t, d.log.String(), want, "run logs where it listens, at start")
	}
	first := lastReportDay(c, node)
	require.GreaterOrEqual(t, len(seen), 3, "reports on several days: %v\n%s", seen, d.log.String())

	// status agrees with the chain.
	var st struct {
		Pending string `json:"pending_uaegis"`
		Roles   []struct {
			Role string `json:"role"`
		} `json:"roles"`
	}
	var rewards struct {
		Total string `json:"total"`
	}
	require.Eventually(t, func() bool {
		if rn.status(&st) != nil {
			return false
		}
		c.QueryJSON(&rewards, "por", "rewards", node)
		return st.Pending == rewards.Total && st.Pending != "0"
	}, 20*time.Second, 300*time.Millisecond, "status pending %s, chain %s", st.Pending, rewards.Total)
	require.Len(t, st.Roles, 2)

	// Restart: no day twice (the chain would refuse it; the daemon must not even try), no
	// day missed. The state file loses its history of reports (as an older daemon's, or one
	// restored from a backup, would have it): the days paid before this start are then in
	// the chain's record only, where the status page's charts must still find them.
	d.stop(t)
	require.Contains(t, d.log.String(), "aegis-node stopped")
	state, err := reporter.LoadState(home)
	require.NoError(t, err)
	reportedBefore := map[uint64]bool{}
	for _, h := range state.History {
		reportedBefore[h.Day] = true
	}
	require.GreaterOrEqual(t, len(reportedBefore), 2, "the daemon recorded its reports: %+v", state.History)
	state.History = nil
	require.NoError(t, state.Save())
	d = startNode(t, nodeBin, home)
	watch(10 * time.Second)
	require.NotContains(t, d.log.String(), "already reported")
	last := lastReportDay(c, node)
	seen[last] = true // reported after the watch's last look
	for day := first; day <= last; day++ {
		require.True(t, seen[day], "day %d not reported (seen %v)\n%s", day, seen, d.log.String())
	}
	require.Eventually(t, func() bool { // the state file is saved once the tx is included
		state, err := reporter.LoadState(home)
		return err == nil && state.LastReportedDay >= last
	}, 10*time.Second, 200*time.Millisecond)

	// The chain stops for a while: the daemon retries, then reports again once it is back.
	c.Stop()
	require.Eventually(t, func() bool { return strings.Contains(d.log.String(), "retrying") }, 15*time.Second, 200*time.Millisecond, d.log.String())
	c.Start()
	before := lastReportDay(c, node)
	require.Eventually(t, func() bool { return lastReportDay(c, node) > before }, 30*time.Second, 500*time.Millisecond, d.log.String())

	// The status page and metrics show the chain's figures.
	checkStatusPage(t, c, cfg.Listen.Status, node, home, reportedBefore)
	resp, err := http.Get("http://" + cfg.Listen.Status + "/")
	require.NoError(t, err)
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(html), "<svg")
	require.NotContains(t, string(html), "http://", "no external asset")
	resp, err = http.Get("http://" + cfg.Listen.Metrics + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(metrics), "aegis_node_last_reported_day")
	require.Contains(t, string(metrics), `aegis_node_failures_total{cause="unreachable"}`)

	// roles enable: a third role, paid by the extra stake.
	out, err = rn.run(c, "roles", "enable", "sequencer")
	require.NoError(t, err, out)
	var info struct {
		Node struct {
			Roles []string `json:"roles"`
		} `json:"node"`
	}
	c.QueryJSON(&info, "por", "node", node)
	require.Contains(t, info.Node.Roles, "NODE_ROLE_SEQUENCER")

	// claim through the hot key pays the operator.
	out, err = rn.run(c, "claim")
	require.NoError(t, err, out)
	require.Contains(t, out, "claimed")
}
