//go:build localnet

package system

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestNetnet: the localnet with every process on a host of its own (make netnet), through
// the faults of a real network: latency and loss on every link, a partition that leaves no
// side 2/3 of the power, a validator cut off, a link that comes and goes. After each: no
// fork, every day issued once, the same answers from every node. Under -short (CI) only
// shorter latency and the 2|2 split run.
func TestNetnet(t *testing.T) {
	n := StartNetNS(t, 10)
	n.RequireAgree(all...)

	t.Run("latency 150±50 ms and 2% loss on every link", func(t *testing.T) {
		n := n.With(t)
		d := 5 * time.Minute
		if testing.Short() {
			d = 45 * time.Second
		}
		n.Netlab("set", "-delay", "150ms", "-jitter", "50ms", "-loss", "2")
		h0, day0 := n.MaxHeight(all...), n.Emission("full").CurrentDay
		time.Sleep(d)
		h1, day1 := n.MaxHeight(all...), n.Emission("full").CurrentDay
		rate := float64(h1-h0) / d.Minutes()
		t.Logf("%d blocks in %s under 150±50 ms and 2%% loss: %.1f a minute; days %d → %d", h1-h0, d, rate, day0, day1)
		require.GreaterOrEqual(t, day1, day0+2, "the run crosses two day ticks")
		require.Greater(t, rate, 12.0, "blocks keep coming (one every 5 s at least)")
		n.RequireDaysOnce("full")
		n.RequireAgree(all...)
		n.Netlab("heal")
		requireSameAnswers(n, all...)
	})

	t.Run("partition 2|2 across a day tick", func(t *testing.T) {
		n := n.With(t)
		hold := 60 * time.Second
		if testing.Short() {
			hold = 25 * time.Second // still two day ticks of 10 s
		}
		// node0, node1 with the full node and the resource nodes | node2, node3: neither side
		// has 2/3 of the power. (The full node must be on one side: it would relay votes.)
		n.Netlab("partition", "1,2,5,6,7", "3,4")
		time.Sleep(3 * time.Second) // a block in flight when the split began
		h := n.MaxHeight(all...)
		day := n.Emission("full").CurrentDay
		for end := time.Now().Add(hold); time.Now().Before(end); time.Sleep(time.Second) {
			require.Equal(t, h, n.MaxHeight(all...), "a block was committed while no side had 2/3")
		}
		n.Netlab("heal")
		healed := time.Now()
		require.Eventually(t, func() bool { return n.MaxHeight(all...) > h }, 30*time.Second, 250*time.Millisecond,
			"the chain did not resume within 30 s of healing")
		t.Logf("resumed %s after healing; split at height %d for %s", time.Since(healed).Round(100*time.Millisecond), h, hold)
		n.RequireAgree(all...)
		n.RequireDaysOnce("full")
		require.Greater(t, n.Emission("full").CurrentDay, day, "the split crossed a day tick")
		requireSameAnswers(n, all...)
	})
	if testing.Short() {
		requireSameExport(n, "node0", "node2")
		return
	}

	t.Run("partition 3|1: a validator cut off", func(t *testing.T) {
		n := n.With(t)
		n.Netlab("partition", "1,2,3,5,6,7", "4")
		time.Sleep(3 * time.Second)
		h3, h := n.Height("node3"), n.MaxHeight("node0", "node1", "node2")
		time.Sleep(60 * time.Second)
		require.Equal(t, h3, n.Height("node3"), "the isolated validator committed alone")
		require.Greater(t, n.MaxHeight("node0", "node1", "node2"), h+20, "the three went on")
		n.Netlab("heal")
		n.RequireAgree(all...) // node3 caught up
		// 60 blocks missed of a 40-block window, at most 20 allowed: x/slashing jails it.
		until := jailedUntil(t, n, "node3")
		require.True(t, until.After(time.Unix(0, 0)), "node3 was not jailed for its downtime")
		require.Eventually(t, func() bool { return latestBlockTime(n, "node3").After(until) },
			time.Until(until)+120*time.Second, time.Second, "no block after %s", until)
		res := n.NodeTx("node3", "tx", "slashing", "unjail")
		require.Zero(t, res.Code, res.RawLog)
		n.RequireSigns("node0", "node3", 30*time.Second)
		requireSameAnswers(n, all...)
	})

	t.Run("one link flapping 5 s down, 5 s up for 2 minutes", func(t *testing.T) {
		n := n.With(t)
		// node0's link: res1 reports to node0, and must retry through the gaps.
		day0 := n.Emission("full").CurrentDay
		for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); {
			n.Netlab("down", "1")
			time.Sleep(5 * time.Second)
			n.Netlab("up", "1")
			time.Sleep(5 * time.Second)
		}
		n.RequireAgree(all...)
		n.RequireDaysOnce("full")
		// res1 went on reporting, once a day (the chain refuses a second report in a day).
		var node struct {
			Node struct {
				LastReportDay string `json:"last_report_day"`
			} `json:"node"`
		}
		n.Chain("full").QueryJSON(&node, "por", "node", n.Key("res1"))
		require.GreaterOrEqual(t, atoi(node.Node.LastReportDay), int64(day0)+1, "res1 reported through the flapping: %+v", node)
		requireSameAnswers(n, all...)
	})

	requireSameExport(n, "node0", "node2")
}

// requireSameAnswers: at a height all of them hold, every named node answers the same
// emission status, worker role and license supply.
func requireSameAnswers(n *Net, names ...string) {
	n.t.Helper()
	h := n.RequireAgree(names...)
	at := strconv.FormatInt(h, 10)
	for _, q := range [][]string{{"emission", "status"}, {"por", "role", "worker"}, {"license", "supply"}} {
		var want string
		for i, name := range names {
			got := n.Chain(name).MustRun(append(append([]string{"q"}, q...), "--height", at, "--output", "json", "--node", "tcp://"+n.RPC(name))...)
			if i == 0 {
				want = got
				continue
			}
			require.JSONEq(n.t, want, got, "q %v at height %s on %s and %s", q, at, names[0], name)
		}
	}
}

// requireSameExport stops two nodes and exports each at the same height: the documents
// must be identical, byte for byte.
func requireSameExport(n *Net, a, b string) {
	n.t.Helper()
	n.RequireAgree(all...)
	ha := n.Height(a) // each holds at least the height it showed before it stopped
	n.Stop(a)
	hb := n.Height(b)
	n.Stop(b)
	h := min(ha, hb)
	var docs [][]byte
	for _, name := range []string{a, b} {
		out := filepath.Join(n.Home, name+"-export.json")
		n.Chain(name).MustRun("export", "--height", strconv.FormatInt(h, 10), "--output-document", out)
		bz, err := os.ReadFile(out)
		require.NoError(n.t, err)
		docs = append(docs, bz)
	}
	require.True(n.t, bytes.Equal(docs[0], docs[1]), "exports of %s and %s at height %d differ", a, b, h)
}
