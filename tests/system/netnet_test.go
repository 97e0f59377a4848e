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
// fork, every day issued once, the same answers from every node, and the same export
// from two of them (stopped, exported at one height, started again). Under -short (CI)
// only shorter latency and the 2|2 split run.
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
		requireSameExport(n, "node0", "node2")
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
		requireSameExport(n, "node1", "node3") // one from each side of the split
	})
	if testing.Short() {
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
		requireSameExport(n, "node0", "node3") // the isolated one and one of the three
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
		requireSameExport(n, "node0", "node2") // the flapping one and another
	})
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

// requireSameExport stops two nodes, exports each at the same height, and starts them
// again: the documents must be identical, byte for byte.
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
		require.NoError(n.t, os.Remove(out))
		docs = append(docs, bz)
	}
	require.True(n.t, bytes.Equal(docs[0], docs[1]), "exports of %s and %s at height %d differ", a, b, h)
	n.Start(a)
	n.Start(b)
	n.RequireAgree(all...)
}

// TestNetnetChallengeWindow: with challenges on, a resource node whose link is down
// through its challenge window misses exactly the challenges opened then (one per role it
// reported in); its earlier challenges stay passed, and the other node, on a link of its
// own, answers every challenge before, during and after.
func TestNetnetChallengeWindow(t *testing.T) {
	const window = 8 // answer window, blocks
	n := StartNetNSWith(t, 10, func(c *Chain) { enableChallenges(c, window) })
	full := n.Chain("full")
	res1, res2 := n.Key("res1"), n.Key("res2")
	storagePassed := func(op string) bool {
		for _, c := range challengesOf(full, op) {
			if c.Kind == "CHALLENGE_KIND_STORAGE" && c.Status == "CHALLENGE_STATUS_PASSED" {
				return true
			}
		}
		return false
	}
	// Both nodes answer storage proofs through the switch before anything fails.
	require.Eventually(t, func() bool { return storagePassed(res1) && storagePassed(res2) }, 5*time.Minute, 2*time.Second,
		"no storage proof answered: res1 %+v, res2 %+v", challengesOf(full, res1), challengesOf(full, res2))

	// res1 has reported today, so the next tick samples it; its link goes down a second
	// before that tick and stays down past the challenges' spread and answer window.
	reportedToday := func() bool {
		var node struct {
			Node struct {
				LastReportDay string `json:"last_report_day"`
			} `json:"node"`
		}
		full.QueryJSON(&node, "por", "node", res1)
		return uint64(atoi(node.Node.LastReportDay)) == n.Emission("full").CurrentDay
	}
	require.Eventually(t, reportedToday, 30*time.Second, 500*time.Millisecond)
	if wait := n.UntilNextTick("full") - time.Second; wait > 0 {
		time.Sleep(wait)
	}
	before := map[string]string{}
	for _, c := range challengesOf(full, res1) {
		before[c.ID] = c.Status
	}
	res2Before := len(challengesOf(full, res2))
	host := strconv.Itoa(n.Host("res1"))
	n.Netlab("down", host)
	time.Sleep(time.Duration(2+window+6) * 1200 * time.Millisecond)
	n.Netlab("up", host)

	// Every challenge res1 was given during the outage is missed once its deadline passes;
	// the ones before keep their outcome.
	require.Eventually(t, func() bool {
		for _, c := range challengesOf(full, res1) {
			if _, old := before[c.ID]; !old && c.Status == "CHALLENGE_STATUS_PENDING" {
				return false
			}
		}
		return true
	}, time.Minute, time.Second)
	missed := 0
	for _, c := range challengesOf(full, res1) {
		if status, old := before[c.ID]; old {
			if status != "CHALLENGE_STATUS_PENDING" {
				require.Equal(t, status, c.Status, "res1's challenge %s changed after it resolved", c.ID)
			}
			continue
		}
		require.Equal(t, "CHALLENGE_STATUS_MISSED", c.Status, "res1's challenge %s of its outage: %+v", c.ID, c)
		missed++
	}
	require.Positive(t, missed, "res1 was given no challenge during its outage: %+v", challengesOf(full, res1))
	t.Logf("res1 missed the %d challenge(s) of its outage", missed)

	// res2 answered all of its challenges, and keeps answering after the outage.
	require.Eventually(t, func() bool { return len(challengesOf(full, res2)) > res2Before+1 }, 2*time.Minute, 2*time.Second)
	for _, c := range challengesOf(full, res2) {
		require.Contains(t, []string{"CHALLENGE_STATUS_PASSED", "CHALLENGE_STATUS_PENDING", "CHALLENGE_STATUS_SCHEDULED"}, c.Status, "res2: %+v", c)
	}
	n.RequireDaysOnce("full")
	requireSameAnswers(n, all...)
	requireSameExport(n, "node0", "node1") // res1's validator and res2's
}
