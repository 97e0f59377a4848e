//go:build localnet && soak

package system

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/tools/proc"
	"github.com/aegis-chain/aegis/tools/soak"
)

// TestSoak (make soak) runs the localnet — four validators, a full node, resource nodes run
// by aegis-node — under steady mixed load for SOAK_DURATION (60m) of 20-second days: the
// resource nodes report every day, their operators claim, license holders bind and unbind,
// and clients query the full node and a validator. Every SOAK_SAMPLE (10 s) it records each
// aegisd's resident memory, Go heap and goroutines (from its Prometheus endpoint). At the
// end: after the warm-up (SOAK_WARMUP, 10m) no node's memory grew by 10% or more and its
// goroutines stayed flat, no block took a second or more (block intervals: the net commits
// a block a second after the previous one, so an interval of 2 s means a block took 1 s),
// every day was issued exactly once, and all nodes agree. The samples, a plot, a summary and
// each node's heap profile after the warm-up and at the end go to SOAK_OUT (build/soak).
func TestSoak(t *testing.T) {
	dur := envDuration(t, "SOAK_DURATION", 60*time.Minute)
	warm := envDuration(t, "SOAK_WARMUP", 10*time.Minute)
	every := envDuration(t, "SOAK_SAMPLE", 10*time.Second)
	out := os.Getenv("SOAK_OUT")
	if out == "" {
		out = filepath.Join(sourceRoot(t), "build", "soak")
	}
	require.NoError(t, os.MkdirAll(out, 0o755))

	// IAVL keeps the nodes each commit writes and each read loads in a node cache of up to
	// iavl-cache-size per store (781,250 by default), and drops none until it is full, so
	// every store's cache grows at that store's write rate until it reaches the size. With
	// 10,000 (a soak of 30 minutes, heap profiles after the warm-up against the end) the Go
	// heap grew 11.6 MB: 4.6 MB in that cache, 1.5 MB in the SDK's inter-block cache, 1.5 MB
	// in x/staking's historical info (which grows for its first 10,000 blocks), the rest
	// spread thin. A cap of 1,000 nodes per store (~8 MB in all) keeps the node cache's share of
	// any growth small, so the soak measures everything else.
	cache := os.Getenv("SOAK_IAVL_CACHE_SIZE")
	if cache == "" {
		cache = "1000"
	}
	t.Setenv("LOCALNET_IAVL_CACHE_SIZE", cache)
	n := StartNet(t, 20)
	commit := ""
	if head, err := exec.Command("git", "-C", n.Root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(head)) // the commit the net's binaries were built from
	}
	start := time.Now()
	startHeight := n.Height("node0")
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var wg sync.WaitGroup
	var samples []soakSample
	var load soakLoad
	wg.Add(4)
	go func() { defer wg.Done(); samples = sampleNodes(ctx, n, all, every, start) }()
	go func() { // heap profiles after the warm-up and at the end: go tool pprof -base
		defer wg.Done()
		select {
		case <-ctx.Done():
			return
		case <-time.After(warm):
		}
		heapProfiles(n, out, "warm")
		<-ctx.Done()
		heapProfiles(n, out, "end")
	}()
	go func() { defer wg.Done(); queryLoad(ctx, n, &load) }()
	go func() { defer wg.Done(); txLoad(ctx, n, &load) }()
	wg.Wait()
	elapsed := time.Since(start)

	n.RequireAgree(all...)
	n.RequireDaysOnce("node0")
	n.RequireNoConsensusFailure()
	endHeight := n.Height("node0")
	intervals := blockIntervals(t, n, "full", startHeight+1, endHeight)
	st := n.Emission("node0")

	sum := summarize(samples, warm, intervals)
	for i, node := range sum.Nodes {
		if m, err := promMetrics(fmt.Sprintf("127.0.0.1:%d", 28660+n.offset(node.Name))); err == nil && m[blockTime+"_count"] > 0 {
			sum.Nodes[i].BlocksRun = int64(m[blockTime+"_count"])
			sum.Nodes[i].BlockTimeMeanMs = m[blockTime+"_sum"] / m[blockTime+"_count"]
			sum.Nodes[i].BlocksOver91ms = int64(m[blockTime+"_bucket|+Inf"] - m[blockTime+"_bucket|91"])
		}
	}
	sum.Duration, sum.Blocks, sum.DaysIssued = elapsed.Round(time.Second).String(), endHeight-startHeight, st.DaysIssued
	sum.Load = load.snapshot()
	sum.IAVLCacheSize = cache
	sum.Date = start.UTC().Format("2006-01-02 15:04 MST")
	sum.Commit = commit
	bz, err := json.MarshalIndent(sum, "", " ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, "summary.json"), bz, 0o644))
	bz, err = json.Marshal(samples)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, "samples.json"), bz, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "soak.svg"), []byte(soakPlot(samples, intervals, start)), 0o644))
	t.Logf("soak: %s, %d blocks, %d days issued; load %+v", sum.Duration, sum.Blocks, sum.DaysIssued, sum.Load)
	for _, node := range sum.Nodes {
		t.Logf("%-5s RSS %6.1f → %6.1f MiB (%+.1f%%; anonymous %+.1f%%), heap %6.1f → %6.1f MiB, goroutines %d → %d (max %d); FinalizeBlock mean %.1f ms, %d of %d blocks over 91 ms",
			node.Name, node.RSSAfterWarmup, node.RSSEnd, node.RSSGrowthPct, node.RSSAnonGrowthPct, node.HeapAfterWarmup, node.HeapEnd,
			node.GoroutinesAfterWarmup, node.GoroutinesEnd, node.GoroutinesMax, node.BlockTimeMeanMs, node.BlocksOver91ms, node.BlocksRun)
	}
	t.Logf("block intervals: median %.2f s, p99 %.2f s, max %.2f s (%d over 2 s)", sum.IntervalMedian, sum.IntervalP99, sum.IntervalMax, sum.IntervalsOver2s)

	require.Positive(t, sum.Load.Queries)
	require.Positive(t, sum.Load.TxOK)
	require.Zero(t, sum.Load.TxFailed, "every load tx must be accepted and succeed")
	require.GreaterOrEqual(t, st.DaysIssued, uint64(dur/(20*time.Second))-1, "a day every 20 s")
	for _, node := range sum.Nodes {
		require.Less(t, node.RSSGrowthPct, 10.0, "%s: resident memory grew by 10%% or more after the warm-up", node.Name)
		require.LessOrEqual(t, node.GoroutinesEnd, node.GoroutinesAfterWarmup+node.GoroutinesAfterWarmup/10+10,
			"%s: goroutines grew after the warm-up", node.Name)
	}
	require.Zero(t, sum.IntervalsOver2s, "a block took a second or more to run")
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	require.NoError(t, err, name)
	return d
}

// soakSample is one node's figures at one time.
type soakSample struct {
	At         float64 `json:"at_s"` // since the load started
	Node       string  `json:"node"`
	RSS        float64 `json:"rss_mib"`
	RSSAnon    float64 `json:"rss_anon_mib"` // RSS less the file pages (mostly aegisd's code, shared by the nodes)
	Heap       float64 `json:"heap_mib"`     // Go heap in use
	Goroutines int     `json:"goroutines"`
	Height     int64   `json:"height"`
}

// sampleNodes reads every node's metrics every period until ctx ends.
func sampleNodes(ctx context.Context, n *Net, names []string, period time.Duration, start time.Time) []soakSample {
	var out []soakSample
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		for _, name := range names {
			m, err := promMetrics(fmt.Sprintf("127.0.0.1:%d", 28660+n.offset(name)))
			if err != nil {
				continue // a node busy or restarting: the next sample will tell
			}
			out = append(out, soakSample{
				At: time.Since(start).Seconds(), Node: name, RSS: m["process_resident_memory_bytes"] / (1 << 20), RSSAnon: rssAnon(n.Pid(name)),
				Heap: m["go_memstats_heap_inuse_bytes"] / (1 << 20), Goroutines: int(m["go_goroutines"]), Height: n.Height(name),
			})
		}
		select {
		case <-ctx.Done():
			return out
		case <-tick.C:
		}
	}
}

// rssAnon is a process's anonymous resident memory in MiB (/proc/<pid>/status RssAnon): its
// RSS without the file pages it maps, which grow as more of the binary's code runs.
func rssAnon(pid int) float64 {
	b, err := proc.StatusBytes(pid, "RssAnon")
	if err != nil {
		return 0
	}
	return float64(b) / (1 << 20)
}

// blockTime is CometBFT's histogram of each block's FinalizeBlock time, in ms (buckets 1,
// 11, ..., 91 and +Inf).
const blockTime = "cometbft_state_block_processing_time"

// heapProfiles saves each node's heap profile (pprof on 6060+offset) as
// heap-<node>-<label>.pb.gz: what grew is go tool pprof -base heap-<node>-warm.pb.gz
// heap-<node>-end.pb.gz.
func heapProfiles(n *Net, dir, label string) {
	c := http.Client{Timeout: 30 * time.Second}
	for _, name := range all {
		resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap", 6060+n.offset(name)))
		if err != nil {
			n.t.Logf("heap profile of %s: %v", name, err)
			continue
		}
		bz, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("heap-%s-%s.pb.gz", name, label)), bz, 0o644)
		}
		if err != nil {
			n.t.Logf("heap profile of %s: %v", name, err)
		}
	}
}

// promMetrics reads the unlabelled samples of a Prometheus text endpoint, and blockTime's
// sum, count and buckets (as blockTime+"_bucket|<le>").
func promMetrics(addr string) (map[string]float64, error) {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, blockTime) {
			name, rest, _ := strings.Cut(line, "{")
			labels, v, _ := strings.Cut(rest, "} ")
			if _, le, ok := strings.Cut(labels, `le="`); ok {
				name += "|" + strings.TrimSuffix(le, `"`)
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				m[name] = f
			}
			continue
		}
		if strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		if name, v, ok := strings.Cut(line, " "); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				m[name] = f
			}
		}
	}
	return m, sc.Err()
}

// soakLoad counts what the load did.
type soakLoad struct{ queries, queryErrors, txOK, txFailed atomic.Int64 }

func (l *soakLoad) snapshot() soak.LoadCounts {
	return soak.LoadCounts{Queries: l.queries.Load(), QueryErrors: l.queryErrors.Load(), TxOK: l.txOK.Load(), TxFailed: l.txFailed.Load()}
}

// queryLoad asks the full node and node1 what wallets and explorers ask, about 20 times a
// second.
func queryLoad(ctx context.Context, n *Net, l *soakLoad) {
	ops := []string{n.Key("res1"), n.Key("res2")}
	paths := []string{
		"/aegis/emission/v1/status", "/aegis/por/v1/rewards/" + ops[0], "/aegis/por/v1/nodes/" + ops[1],
		"/aegis/license/v1/licenses?owner=" + n.Key("owner1"), "/aegis/por/v1/estimate/worker?compute=100&bandwidth=50",
		"/cosmos/bank/v1beta1/balances/" + ops[0],
	}
	for i := 0; ctx.Err() == nil; i++ {
		node := []string{"full", "node1"}[i%2]
		var v any
		if err := n.restJSON(node, paths[i%len(paths)], &v); err != nil {
			l.queryErrors.Add(1)
		} else {
			l.queries.Add(1)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// txLoad sends a tx about every 2 s, in turn: a claim by each resource node's operator
// (when it has a whole uaegis pending), and a license of owner1's (1-4, round robin) bound
// to a validator, or unbound if it is bound, or left alone while its stake unbonds (21 days,
// 7 minutes here: it can be bound again only then).
func txLoad(ctx context.Context, n *Net, l *soakLoad) {
	var vals struct {
		Validators []struct {
			OperatorAddress string `json:"operator_address"`
		} `json:"validators"`
	}
	n.Chain("node0").QueryJSON(&vals, "staking", "validators")
	send := func(args ...string) {
		c := n.Chain("node0")
		out, errOut, err := c.Run(append(args, "-y", "--output", "json", "--keyring-backend", "test", "--node", "tcp://"+c.RPC,
			"--keyring-dir", n.KeyringDir(), "--chain-id", n.ChainID, "--gas", "auto", "--gas-adjustment", "1.5",
			"--gas-prices", "0.025uaegis")...)
		var res TxResult
		if err != nil || json.Unmarshal([]byte(out), &res) != nil || res.Code != 0 || !waitTx(ctx, c, res.TxHash) {
			if ctx.Err() == nil {
				l.txFailed.Add(1)
				n.t.Logf("load tx %v failed: %v %s %s", args, err, out, errOut)
			}
			return
		}
		l.txOK.Add(1)
	}
	claimable := func(op string) bool {
		var r struct {
			Total string `json:"total"`
		}
		return n.restJSON("node0", "/aegis/por/v1/rewards/"+n.Key(op), &r) == nil && r.Total != "" && r.Total != "0"
	}
	for i := 0; ctx.Err() == nil; i++ {
		switch step := i % 4; step {
		case 0, 2:
			if op := []string{"res1", "res2"}[step/2]; claimable(op) {
				send("tx", "por", "claim", "--from", op)
			}
		case 1, 3:
			id := strconv.Itoa(1 + (i/2)%4)
			var lic struct {
				License struct {
					Binding struct {
						Kind string `json:"kind"`
					} `json:"binding"`
					UnbondingUntil *time.Time `json:"unbonding_until"`
				} `json:"license"`
			}
			switch {
			case n.restJSON("node0", "/aegis/license/v1/licenses/"+id, &lic) != nil || lic.License.UnbondingUntil != nil:
			case lic.License.Binding.Kind == "BINDING_VALIDATOR":
				send("tx", "license", "unbind", id, "--from", "owner1")
			case len(vals.Validators) > 0:
				send("tx", "license", "bind-validator", vals.Validators[(i/2)%len(vals.Validators)].OperatorAddress, id, "--from", "owner1")
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

// waitTx waits until a tx is in a block and succeeded.
func waitTx(ctx context.Context, c *Chain, hash string) bool {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if q, _, err := c.Run("q", "tx", hash, "--output", "json", "--node", "tcp://"+c.RPC); err == nil {
			var res TxResult
			return json.Unmarshal([]byte(q), &res) == nil && res.Code == 0
		}
		if ctx.Err() != nil {
			return false
		}
		time.Sleep(300 * time.Millisecond)
	}
	return false
}

// blockInterval is the time from a block to the next, by their headers.
type blockInterval struct {
	Height  int64
	Time    time.Time
	Seconds float64
}

// blockIntervals reads the headers of blocks from..to through a node's RPC.
func blockIntervals(t *testing.T, n *Net, name string, from, to int64) []blockInterval {
	var out []blockInterval
	var prev time.Time
	for lo := from; lo <= to; lo += 20 {
		hi := min(lo+19, to)
		var res struct {
			Result struct {
				BlockMetas []struct {
					Header struct {
						Height string    `json:"height"`
						Time   time.Time `json:"time"`
					} `json:"header"`
				} `json:"block_metas"`
			} `json:"result"`
		}
		require.NoError(t, n.rpcJSON(name, fmt.Sprintf("/blockchain?minHeight=%d&maxHeight=%d", lo, hi), &res))
		metas := res.Result.BlockMetas
		require.Len(t, metas, int(hi-lo+1), "blocks %d-%d", lo, hi)
		slices.Reverse(metas) // newest first
		for _, m := range metas {
			h, err := strconv.ParseInt(m.Header.Height, 10, 64)
			require.NoError(t, err)
			if !prev.IsZero() {
				out = append(out, blockInterval{Height: h, Time: m.Header.Time, Seconds: m.Header.Time.Sub(prev).Seconds()})
			}
			prev = m.Header.Time
		}
	}
	return out
}

func summarize(samples []soakSample, warm time.Duration, intervals []blockInterval) soak.Summary {
	var s soak.Summary
	last := 0.0
	for _, x := range samples {
		last = max(last, x.At)
	}
	for _, name := range all {
		var r soak.NodeResult
		r.Name = name
		var early, late []soakSample
		for _, x := range samples {
			if x.Node != name {
				continue
			}
			if x.At >= warm.Seconds() {
				r.RSSMax, r.GoroutinesMax = max(r.RSSMax, x.RSS), max(r.GoroutinesMax, x.Goroutines)
			}
			switch {
			case x.At >= warm.Seconds() && x.At < warm.Seconds()+60:
				early = append(early, x)
			case x.At >= last-60:
				late = append(late, x)
			}
		}
		if len(early) == 0 || len(late) == 0 {
			continue
		}
		r.RSSAfterWarmup, r.RSSAnonAfterWarmup, r.HeapAfterWarmup, r.GoroutinesAfterWarmup = means(early)
		r.RSSEnd, r.RSSAnonEnd, r.HeapEnd, r.GoroutinesEnd = means(late)
		r.RSSGrowthPct = 100 * (r.RSSEnd - r.RSSAfterWarmup) / r.RSSAfterWarmup
		if r.RSSAnonAfterWarmup > 0 {
			r.RSSAnonGrowthPct = 100 * (r.RSSAnonEnd - r.RSSAnonAfterWarmup) / r.RSSAnonAfterWarmup
		}
		s.Nodes = append(s.Nodes, r)
	}
	secs := make([]float64, 0, len(intervals))
	for _, iv := range intervals {
		secs = append(secs, iv.Seconds)
		if iv.Seconds >= 2 {
			s.IntervalsOver2s++
		}
	}
	slices.Sort(secs)
	if len(secs) > 0 {
		s.IntervalMedian, s.IntervalP99, s.IntervalMax = secs[len(secs)/2], secs[len(secs)*99/100], secs[len(secs)-1]
	}
	return s
}

func means(xs []soakSample) (rss, anon, heap float64, goroutines int) {
	g := 0
	for _, x := range xs {
		rss, anon, heap, g = rss+x.RSS, anon+x.RSSAnon, heap+x.Heap, g+x.Goroutines
	}
	n := float64(len(xs))
	return rss / n, anon / n, heap / n, int(float64(g)/n + 0.5)
}

// soakPlot draws each node's resident memory (top) and the block intervals (bottom) over
// the run as an SVG.
func soakPlot(samples []soakSample, intervals []blockInterval, start time.Time) string {
	const w, h, pad = 900.0, 260.0, 50.0
	last, maxRSS, maxIv := 1.0, 1.0, 2.5
	for _, x := range samples {
		last, maxRSS = max(last, x.At), max(maxRSS, x.RSS)
	}
	for _, iv := range intervals {
		maxIv = max(maxIv, iv.Seconds)
	}
	maxRSS *= 1.1
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", w, 2*h+pad)
	panel := func(y0 float64, title, unit string, top float64) {
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="13">%s</text>`+"\n", pad, y0+15, title)
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`+"\n", pad, y0+25, w-2*pad, h-60)
		for i := 0; i <= 4; i++ {
			y := y0 + 25 + (h-60)*(1-float64(i)/4)
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="end">%.1f%s</text>`+"\n", pad-4, y+4, top*float64(i)/4, unit)
		}
		for m := 0.0; m <= last/60; m += 10 {
			x := pad + (w-2*pad)*m*60/last
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="middle">%.0f min</text>`+"\n", x, y0+h-20, m)
		}
	}
	xy := func(y0, at, v, top float64) string {
		return fmt.Sprintf("%.1f,%.1f", pad+(w-2*pad)*at/last, y0+25+(h-60)*(1-v/top))
	}
	panel(0, "aegisd resident memory per node", " MiB", maxRSS)
	colors := []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"}
	for i, name := range all {
		var pts []string
		for _, x := range samples {
			if x.Node == name {
				pts = append(pts, xy(0, x.At, x.RSS, maxRSS))
			}
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" points="%s"/>`+"\n", colors[i%len(colors)], strings.Join(pts, " "))
		fmt.Fprintf(&b, `<text x="%.0f" y="%d" fill="%s">%s</text>`+"\n", w-pad-200+float64(i)*40, 15, colors[i%len(colors)], name)
	}
	panel(h, "block interval (a block is committed 1 s after the previous one)", " s", maxIv)
	var pts []string
	for _, iv := range intervals {
		pts = append(pts, xy(h, iv.Time.Sub(start).Seconds(), iv.Seconds, maxIv))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#555" stroke-width="0.6" points="%s"/>`+"\n", strings.Join(pts, " "))
	b.WriteString("</svg>\n")
	return b.String()
}
