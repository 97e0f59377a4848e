package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resultsDir lays the sample results of testdata out as bench.sh writes them.
func resultsDir(t *testing.T, withFullScale bool) string {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(from, to string) {
		bz, err := os.ReadFile(filepath.Join("testdata", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), bz, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("load.json", "load.json")
	copyFile("query.json", "query.json")
	copyFile("gobench.txt", "gobench.txt")
	if withFullScale {
		copyFile("fullscale.json", "fullscale/fullscale.json")
	}
	return dir
}

func render(t *testing.T, dir string) string {
	t.Helper()
	d, err := loadPerfData(dir)
	if err != nil {
		t.Fatal(err)
	}
	d.Date, d.Commit, d.Machine = "2026-01-02 03:04 UTC", "abc123", machine{CPU: "Test CPU", Cores: 2, MemoryGiB: 24, Go: "go1.26.5", OS: "linux/amd64"}
	var buf bytes.Buffer
	if err := renderPerf(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRenderEveryFigure(t *testing.T) {
	out := render(t, resultsDir(t, true))
	for _, want := range []string{
		"at commit `abc123` on Test CPU,\n2 cores, 24 GiB RAM, go1.26.5",
		// Every scenario's rate and per-tx block time, from the sample load.json.
		"| bank | **543.2** |", "| report | **65.5** |", "| exec | **65.7** |", "0.73 ms",
		// Ratios against the targets: 65.5 / 543.2 = 0.12.
		"| report tx/s ÷ bank tx/s | 0.121 (65.5 ÷ 543.2 tx/s) | ≥ 0.8 | **missed** |",
		"| MsgExec report tx/s ÷ bank tx/s | 0.121 (65.7 ÷ 543.2 tx/s) | ≥ 0.7 | **missed** |",
		// 207,000 / 65.54 tx/s = 3158 s.
		"| report | 65.5 | 52m 38s | 3.7% |",
		// Queries: the 64-client p99 against 15 ms; the baseline is listed, not checked.
		"| p99 latency of aegis.por.v1.Query/Rewards (64 clients) | 99.21 ms | < 15 ms | **missed** |",
		"| `aegis.por.v1.Query/Rewards` | 1 | 5,000 |",
		// Go benchmarks, parsed and formatted.
		"| x/por/keeper | `BenchmarkDayTick/nodes=207000-2` | 5060 | 229.6 µs | 123.8 KiB | 2,255 |",
		"480 blocks/slash",
		// Full scale.
		"| nodes / node-role slots | 207,000 / 207,000 |",
		"| block with a day tick | 48.2 ms |",
		"| catch-up block (32 days, at most 32 a block) | 910.0 ms |",
		"sample data for the renderer's test",
		// What limited each run, from the sender's waits; queueing from Little's law.
		"* report: the node pool limited the rate",
		"64 clients calling back to back at 2744 req/s wait 23.3 ms on average (clients ÷ throughput, Little's law); one client alone sees p50 0.90 ms",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	if strings.Contains(out, "<no value>") {
		t.Error("a template field is missing: <no value> in the output")
	}
}

func TestRenderWithoutFullScaleOrResults(t *testing.T) {
	out := render(t, resultsDir(t, false))
	if !strings.Contains(out, "| nodes / node-role slots | not measured yet |") {
		t.Error("missing full-scale results must say not measured yet")
	}
	dir := resultsDir(t, false)
	if err := os.WriteFile(filepath.Join(dir, "fullscale-skipped.txt"), []byte("not measured yet (tools/fullscale is not in this tree)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := render(t, dir); !strings.Contains(out, "| not measured yet (tools/fullscale is not in this tree) |") {
		t.Error("the reason full scale was skipped must show")
	}
	// Nothing measured at all still renders, saying so.
	empty := render(t, t.TempDir())
	for _, want := range []string{"| report tx/s ÷ bank tx/s | – | ≥ 0.8 | not measured |", "## Query latency\n\nNot measured in this run."} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty results: page lacks %q", want)
		}
	}
}

func TestParseGoBench(t *testing.T) {
	in := `goos: linux
pkg: github.com/aegis-chain/aegis/x/por/keeper
BenchmarkDayTick/nodes=1000-2   	    6357	    228420 ns/op	  110218 B/op	    2184 allocs/op
--- BENCH: BenchmarkDayTick/nodes=1000-2
    bench_test.go:223: setup of 1000 nodes
pkg: github.com/aegis-chain/aegis/x/license/keeper
BenchmarkSlash/STAGE_TESTNET-2         	       1	40375864699 ns/op	       480.0 blocks/slash	7876641384 B/op	141379579 allocs/op
PASS
`
	got := parseGoBench(strings.NewReader(in))
	if len(got) != 2 {
		t.Fatalf("got %d benchmarks, want 2: %+v", len(got), got)
	}
	if got[0].ShortPkg() != "x/por/keeper" || got[0].Iterations != 6357 || got[0].Time() != "228.4 µs" || got[0].Allocs() != "2,184" {
		t.Errorf("first: %+v %s %s", got[0], got[0].Time(), got[0].Allocs())
	}
	if got[1].ShortPkg() != "x/license/keeper" || got[1].Time() != "40.38 s" || got[1].Extra() != "480 blocks/slash" || got[1].Bytes() != "7.34 GiB" {
		t.Errorf("second: %+v %s %q %s", got[1], got[1].Time(), got[1].Extra(), got[1].Bytes())
	}
}

func TestFormatting(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 207000: "207,000", 1234567.6: "1,234,568", -1500: "-1,500"} {
		if got := fmtInt(v); got != want {
			t.Errorf("fmtInt(%v) = %q, want %q", v, got, want)
		}
	}
	for s, want := range map[float64]string{5: "5s", 3160.3: "52m 40s", 90061: "25h 01m 01s"} {
		if got := fmtDuration(s); got != want {
			t.Errorf("fmtDuration(%v) = %q, want %q", s, got, want)
		}
	}
}

// TestRatiosUseTheBankRunsAround: each scenario is divided by the mean of the bank runs just
// before and after it (the chain slows as its state grows), a run at either end by its one
// neighbour, and repeated runs of a scenario by the mean of their ratios.
func TestRatiosUseTheBankRunsAround(t *testing.T) {
	run := func(name string, n int, rate float64) scenarioResult {
		return scenarioResult{Name: name, Run: n, TxPerSec: rate}
	}
	d := perfData{Load: &loadResults{Scenarios: []scenarioResult{
		run("bank", 1, 700), run("report", 1, 630), run("bank", 2, 600),
		run("exec", 1, 300), run("reporter", 1, 500), run("bank", 3, 400),
		run("reporter", 2, 450),
	}}}
	for _, tc := range []struct {
		scenario    string
		ratio, rate float64
	}{
		{"report", 630.0 / 650, 630},                   // (700 + 600) / 2
		{"exec", 300.0 / 500, 300},                     // (600 + 400) / 2
		{"reporter", (500.0/500 + 450.0/400) / 2, 475}, // run 2 has a bank run before it only
	} {
		r, rate, _, ok := d.bankRatio(tc.scenario)
		if !ok || math.Abs(r-tc.ratio) > 1e-12 || rate != tc.rate {
			t.Errorf("%s: ratio %v rate %v (ok %v), want %v, %v", tc.scenario, r, rate, ok, tc.ratio, tc.rate)
		}
	}
	if _, _, _, ok := (perfData{Load: &loadResults{Scenarios: []scenarioResult{run("report", 1, 5)}}}).bankRatio("report"); ok {
		t.Error("no bank run: no ratio")
	}
	if got := run("bank", 3, 1).Label(); got != "bank (3)" {
		t.Errorf("label %q", got)
	}
	if got := run("bank", 1, 1).Label(); got != "bank" {
		t.Errorf("label %q", got)
	}
}

// TestChallengeCheck: the heaviest challenge block is the per-block cap of misses plus a
// block's draws at 207,000 nodes, against the 50 ms budget.
func TestChallengeCheck(t *testing.T) {
	bench := `pkg: github.com/aegis-chain/aegis/x/por/keeper
BenchmarkChallengeDay207k/nodes=20700/misses-2   48  24129277 ns/op  100.0 misses/op
BenchmarkChallengeDay207k/nodes=207000/draw-2    5559  218616 ns/op  4.000 challenges/op
BenchmarkChallengeDay207k/nodes=207000/misses-2  57  21644097 ns/op  100.0 misses/op
`
	var d perfData
	d.GoBench = parseGoBench(strings.NewReader(bench))
	d.challengeCheck()
	c := d.Checks[len(d.Checks)-1]
	if c.Value != "21.86 ms (21.64 + 0.22)" || c.Met == nil || !*c.Met {
		t.Fatalf("check %+v", c)
	}
	d = perfData{}
	d.challengeCheck()
	if c := d.Checks[0]; c.Value != "–" || c.Met != nil {
		t.Fatalf("without the benchmarks: %+v", c)
	}
}
