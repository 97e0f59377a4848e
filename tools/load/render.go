package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/aegis-chain/aegis/tools/soak"
)

//go:embed performance.md.tmpl
var perfTemplate string

// Targets of issue 15.
const (
	targetReportRatio = 0.8 // report tx/s ÷ bank tx/s
	targetExecRatio   = 0.7 // MsgExec tx/s ÷ bank tx/s
	// targetReporterRatio: a report signed by the node's reporter key ÷ bank tx/s.
	targetReporterRatio = 0.85
	targetQueryP99Ms    = 15.0 // per query method, right after the tx scenarios (issue 25)
	targetTickMs        = 50.0 // a day-tick block over a block without one, at full scale
	// InitGenesis and export of the full-scale state: time and peak memory (issue 25).
	targetInitGenesisSec, targetInitGenesisGiB = 40.0, 3.0
	targetExportSec, targetExportGiB           = 20.0, 2.5
	fullNetworkNodes                           = 207_000
	daySeconds                                 = 86_400
)

// fullScale is tools/fullscale's fullscale.json.
type fullScale struct {
	Nodes                   int64    `json:"nodes"`
	NodeRoleSlots           int64    `json:"node_role_slots"`
	Licenses                int64    `json:"licenses"`
	Validators              int64    `json:"validators"`
	GenesisBytes            int64    `json:"genesis_bytes"`
	GenerateSeconds         float64  `json:"generate_seconds"`
	InitGenesisSeconds      float64  `json:"init_genesis_seconds"`
	InitGenesisPeakRSSBytes int64    `json:"init_genesis_peak_rss_bytes"`
	ExportSeconds           float64  `json:"export_seconds"`
	ExportBytes             int64    `json:"export_bytes"`
	ExportPeakRSSBytes      int64    `json:"export_peak_rss_bytes"`
	StateSyncSeconds        float64  `json:"state_sync_seconds"`
	StateSyncPeakRSSBytes   int64    `json:"state_sync_peak_rss_bytes"`
	SnapshotBytes           int64    `json:"snapshot_bytes"`
	SnapshotHeight          int64    `json:"snapshot_height"`
	BlockNoTickMs           float64  `json:"block_no_tick_ms"`
	BlockTickMs             float64  `json:"block_tick_ms"`
	BlockCatchupMs          float64  `json:"block_catchup_ms"`
	CatchupDays             int64    `json:"catchup_days"`
	MaxDaysPerBlock         int64    `json:"max_days_per_block"`
	GoVersion               string   `json:"go_version"`
	CPU                     string   `json:"cpu"`
	Notes                   []string `json:"notes"`
}

// goBench is one line of `go test -bench` output.
type goBench struct {
	Pkg, Name  string
	Iterations int64
	Metrics    []benchMetric
}

type benchMetric struct {
	Value float64
	Unit  string
}

// parseGoBench reads the benchmark lines of `go test -bench` output, with their package.
func parseGoBench(r io.Reader) []goBench {
	var out []goBench
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		b := goBench{Pkg: pkg, Name: f[0], Iterations: n}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				b.Metrics = nil
				break
			}
			b.Metrics = append(b.Metrics, benchMetric{v, f[i+1]})
		}
		if b.Metrics != nil {
			out = append(out, b)
		}
	}
	return out
}

func (b goBench) metric(unit string) (float64, bool) {
	for _, m := range b.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

// ShortPkg is the package path inside the module.
func (b goBench) ShortPkg() string {
	return strings.TrimPrefix(b.Pkg, "github.com/aegis-chain/aegis/")
}

// Time is ns/op in a readable unit.
func (b goBench) Time() string {
	v, ok := b.metric("ns/op")
	if !ok {
		return "–"
	}
	return fmtNs(v)
}

func (b goBench) Bytes() string {
	v, ok := b.metric("B/op")
	if !ok {
		return "–"
	}
	return fmtBytes(v)
}

func (b goBench) Allocs() string {
	v, ok := b.metric("allocs/op")
	if !ok {
		return "–"
	}
	return fmtInt(v)
}

// Extra is every metric besides time, bytes and allocations (b.ReportMetric's).
func (b goBench) Extra() string {
	var parts []string
	for _, m := range b.Metrics {
		switch m.Unit {
		case "ns/op", "B/op", "allocs/op":
			continue
		}
		parts = append(parts, strconv.FormatFloat(m.Value, 'g', 6, 64)+" "+m.Unit)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ")
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// fmtInt writes v rounded, with thousands separators.
func fmtInt(v float64) string {
	s := strconv.FormatInt(int64(v+0.5*sign(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

func fmtDuration(sec float64) string {
	d := time.Duration(sec * float64(time.Second)).Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %02dm %02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// check is one target: the figure, the target and whether it is met.
type check struct {
	Name, Value, Target string
	Met                 *bool // nil: not measured
}

func (c check) Verdict() string {
	switch {
	case c.Met == nil:
		return "not measured"
	case *c.Met:
		return "**met**"
	}
	return "**missed**"
}

// perfData is everything the template shows.
type perfData struct {
	Date, Commit, Reproduce string
	Machine                 machine
	Load                    *loadResults
	Query                   *queryResults
	GoBench                 []goBench
	GoBenchRaw              string
	FullScale               *fullScale
	FullScaleNote           string
	Soak                    *soak.Summary // docs/soak/summary.json: the last make soak
	MachineLoad             string        // build/bench/machine-load.txt: the load at each stage
	Checks                  []check
	Derived                 []derivedRow
	Notes                   []string
}

type derivedRow struct{ Scenario, Rate, Duration, DayShare string }

func (d perfData) Scenario(name string) *scenarioResult {
	if d.Load == nil {
		return nil
	}
	for i := range d.Load.Scenarios {
		if d.Load.Scenarios[i].Name == name {
			return &d.Load.Scenarios[i]
		}
	}
	return nil
}

func ptr(b bool) *bool { return &b }

// bankAround is the bank rate scenario i is compared with: the mean of the nearest bank run
// before it and the nearest after it, or the one of them that ran. The chain slows as its
// state and databases grow during the run, so bank runs on both sides put the same drift on
// both sides of the ratio.
func (d perfData) bankAround(i int) (float64, bool) {
	list := d.Load.Scenarios
	var rates []float64
	for j := i - 1; j >= 0; j-- {
		if list[j].Name == "bank" {
			rates = append(rates, list[j].TxPerSec)
			break
		}
	}
	for j := i + 1; j < len(list); j++ {
		if list[j].Name == "bank" {
			rates = append(rates, list[j].TxPerSec)
			break
		}
	}
	if len(rates) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, r := range rates {
		sum += r
	}
	return sum / float64(len(rates)), sum > 0
}

// bankRatio is scenario's rate ÷ the bank rate around it (bankAround), over its runs: the
// mean of each run's ratio, with the mean rates it came from.
func (d perfData) bankRatio(scenario string) (ratio, rate, bank float64, ok bool) {
	if d.Load == nil {
		return 0, 0, 0, false
	}
	n := 0
	for i, s := range d.Load.Scenarios {
		if s.Name != scenario {
			continue
		}
		b, found := d.bankAround(i)
		if !found {
			continue
		}
		ratio, rate, bank, n = ratio+s.TxPerSec/b, rate+s.TxPerSec, bank+b, n+1
	}
	if n == 0 {
		return 0, 0, 0, false
	}
	return ratio / float64(n), rate / float64(n), bank / float64(n), true
}

// derive computes the ratios, the 207,000-report durations and the target checks.
func (d *perfData) derive() {
	rep, exe := d.Scenario("report"), d.Scenario("exec")
	ratio := func(name, scenario string, target float64) {
		c := check{Name: name, Target: fmt.Sprintf("≥ %g", target), Value: "–"}
		if r, num, bank, ok := d.bankRatio(scenario); ok {
			c.Value = fmt.Sprintf("%.3f (%.1f ÷ %.1f tx/s)", r, num, bank)
			c.Met = ptr(r >= target)
		}
		d.Checks = append(d.Checks, c)
	}
	ratio("report tx/s ÷ bank tx/s", "report", targetReportRatio)
	ratio("MsgExec report tx/s ÷ bank tx/s", "exec", targetExecRatio)
	ratio("reporter-key report tx/s ÷ bank tx/s", "reporter", targetReporterRatio)
	if d.Query != nil {
		for _, q := range d.Query.Runs {
			if q.Clients != d.Query.Clients {
				continue // the one-client baseline has no target
			}
			d.Checks = append(d.Checks, check{Name: "p99 latency of " + q.Method + fmt.Sprintf(" (%d clients)", d.Query.Clients),
				Value: fmt.Sprintf("%.2f ms", q.P99ms), Target: fmt.Sprintf("< %.0f ms", targetQueryP99Ms),
				Met: ptr(q.Errors == 0 && q.Requests > 0 && q.P99ms < targetQueryP99Ms)})
		}
	} else {
		d.Checks = append(d.Checks, check{Name: "query p99 latency", Value: "–", Target: fmt.Sprintf("< %.0f ms", targetQueryP99Ms)})
	}
	d.fullScaleChecks()
	d.challengeCheck()
	d.observe()
	for _, s := range []*scenarioResult{rep, exe, d.Scenario("reporter")} {
		if s == nil || s.TxPerSec <= 0 {
			continue
		}
		sec := fullNetworkNodes / s.TxPerSec
		d.Derived = append(d.Derived, derivedRow{Scenario: s.Name, Rate: fmt.Sprintf("%.1f", s.TxPerSec),
			Duration: fmtDuration(sec), DayShare: fmt.Sprintf("%.1f%%", 100*sec/daySeconds)})
	}
}

// fullScaleChecks are the targets of the full-scale run (not measured when it did not run).
func (d *perfData) fullScaleChecks() {
	f := d.FullScale
	add := func(name, target string, value func() (string, bool)) {
		c := check{Name: name, Target: target, Value: "–"}
		if f != nil {
			v, met := value()
			c.Value, c.Met = v, ptr(met)
		}
		d.Checks = append(d.Checks, c)
	}
	gib := func(b int64) float64 { return float64(b) / (1 << 30) }
	add("day-tick block − block without a tick (full scale)", fmt.Sprintf("< %.0f ms", targetTickMs), func() (string, bool) {
		delta := f.BlockTickMs - f.BlockNoTickMs
		return fmt.Sprintf("%.2f ms (%.2f − %.2f)", delta, f.BlockTickMs, f.BlockNoTickMs), delta < targetTickMs
	})
	add(fmt.Sprintf("catch-up block after a %d-day halt", f.catchupDays()), "≤ max_days_per_block × tick block", func() (string, bool) {
		bound := float64(f.MaxDaysPerBlock) * f.BlockTickMs
		return fmt.Sprintf("%.2f ms (bound %.1f ms)", f.BlockCatchupMs, bound), f.BlockCatchupMs <= bound
	})
	for _, x := range []struct {
		name          string
		measured      func() (sec float64, peak int64)
		maxSec, maxGB float64
	}{
		{"InitGenesis (aegisd start until the app has committed the first block)",
			func() (float64, int64) { return f.InitGenesisSeconds, f.InitGenesisPeakRSSBytes }, targetInitGenesisSec, targetInitGenesisGiB},
		{"aegisd export", func() (float64, int64) { return f.ExportSeconds, f.ExportPeakRSSBytes }, targetExportSec, targetExportGiB},
	} {
		add(x.name+" time and peak memory", fmt.Sprintf("< %.0f s, < %.1f GiB", x.maxSec, x.maxGB), func() (string, bool) {
			sec, peak := x.measured()
			return fmt.Sprintf("%.1f s, %.2f GiB", sec, gib(peak)), sec < x.maxSec && gib(peak) < x.maxGB
		})
	}
}

// challengeCheck: the challenge work of the heaviest block at 207,000 nodes — the most
// deadlines one block resolves (every one a miss: forfeits, receipts, running sums; x/por
// caps them per block) plus a block's draws — from BenchmarkChallengeDay207k.
func (d *perfData) challengeCheck() {
	find := func(sub string) (float64, bool) {
		for _, b := range d.GoBench {
			if strings.HasPrefix(b.Name, "BenchmarkChallengeDay207k/nodes=207000/"+sub) {
				return b.metric("ns/op")
			}
		}
		return 0, false
	}
	c := check{Name: "heaviest challenge block at 207,000 nodes (the per-block cap of misses + a block's draws)",
		Target: fmt.Sprintf("≤ %.0f ms over a plain block", targetTickMs), Value: "–"}
	misses, ok1 := find("misses")
	draw, ok2 := find("draw")
	if ok1 && ok2 {
		ms := (misses + draw) / 1e6
		c.Value, c.Met = fmt.Sprintf("%.2f ms (%.2f + %.2f)", ms, misses/1e6, draw/1e6), ptr(ms <= targetTickMs)
	}
	d.Checks = append(d.Checks, c)
}

func (f *fullScale) catchupDays() int64 {
	if f == nil {
		return 3
	}
	return f.CatchupDays
}

// observe notes, from the figures alone, what limited each run.
func (d *perfData) observe() {
	if d.Load != nil {
		for _, s := range d.Load.Scenarios {
			switch {
			case s.Sender.IdleFrac > 0.1:
				d.Notes = append(d.Notes, fmt.Sprintf("%s: the node pool limited the rate — %.0f%% of sender time no node was allowed to send (each reports once a day): the chain could take more; rerun with more nodes (BENCH_NODES) or shorter days.", s.Name, 100*s.Sender.IdleFrac))
			case s.Sender.ThrottledFrac > 0.2:
				d.Notes = append(d.Notes, fmt.Sprintf("%s: the mempool stayed at the cap %.0f%% of the time: blocks, not admission, set the pace.", s.Name, 100*s.Sender.ThrottledFrac))
			default:
				d.Notes = append(d.Notes, fmt.Sprintf("%s: the senders seldom waited on the mempool cap or the node pool (%.0f%% / %.0f%% of their time): the node's admission of txs (BroadcastTx → CheckTx, which shares the node's two cores and its ABCI connection lock with block execution) set the pace, as it would on a validator receiving the whole load.", s.Name, 100*s.Sender.ThrottledFrac, 100*s.Sender.IdleFrac))
			}
			if n := s.TxsIncluded - s.TxsOK; n > 0 {
				d.Notes = append(d.Notes, fmt.Sprintf("%s: %d included txs failed (%s); the rate counts only successful ones.", s.Name, n, failedSummary(s.Failed)))
			}
		}
	}
	if d.Query != nil {
		base := map[string]queryResult{}
		for _, q := range d.Query.Runs {
			if q.Clients == 1 {
				base[q.Method] = q
			}
		}
		for _, q := range d.Query.Runs {
			if q.Clients != d.Query.Clients || q.PerSec <= 0 {
				continue
			}
			note := fmt.Sprintf("`%s`: %d clients calling back to back at %.0f req/s wait %.1f ms on average (clients ÷ throughput, Little's law)", q.Method, q.Clients, q.PerSec, 1000*float64(q.Clients)/q.PerSec)
			if b, ok := base[q.Method]; ok {
				note += fmt.Sprintf("; one client alone sees p50 %.2f ms at %.0f req/s, so the rest is queueing for the cores", b.P50ms, b.PerSec)
			}
			d.Notes = append(d.Notes, note+".")
		}
	}
}

func failedSummary(m map[string]int) string {
	var p []string
	for k, v := range m {
		p = append(p, fmt.Sprintf("%d × %s", v, k))
	}
	return strings.Join(p, "; ")
}

func readJSON(path string, v any) (bool, error) {
	bz, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(bz, v); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, nil
}

// loadPerfData reads the results in dir: load.json, query.json, gobench.txt and
// fullscale/fullscale.json (or fullscale-skipped.txt, why it was not run); any may be
// missing.
func loadPerfData(dir string) (perfData, error) {
	var d perfData
	var l loadResults
	if ok, err := readJSON(filepath.Join(dir, "load.json"), &l); err != nil {
		return d, err
	} else if ok {
		d.Load = &l
	}
	var q queryResults
	if ok, err := readJSON(filepath.Join(dir, "query.json"), &q); err != nil {
		return d, err
	} else if ok {
		d.Query = &q
	}
	if bz, err := os.ReadFile(filepath.Join(dir, "gobench.txt")); err == nil {
		d.GoBenchRaw = string(bz)
		d.GoBench = parseGoBench(bytes.NewReader(bz))
	}
	if bz, err := os.ReadFile(filepath.Join(dir, "machine-load.txt")); err == nil {
		d.MachineLoad = strings.TrimSpace(string(bz))
	}
	var fsr fullScale
	if ok, err := readJSON(filepath.Join(dir, "fullscale", "fullscale.json"), &fsr); err != nil {
		return d, err
	} else if ok {
		d.FullScale = &fsr
	} else if bz, err := os.ReadFile(filepath.Join(dir, "fullscale-skipped.txt")); err == nil {
		d.FullScaleNote = strings.TrimSpace(string(bz))
	} else {
		d.FullScaleNote = "not measured yet"
	}
	d.derive()
	return d, nil
}

func renderPerf(w io.Writer, d perfData) error {
	t, err := template.New("perf").Funcs(template.FuncMap{
		"f1":  func(v float64) string { return fmt.Sprintf("%.1f", v) },
		"f2":  func(v float64) string { return fmt.Sprintf("%.2f", v) },
		"int": func(v any) string { return fmtInt(toFloat(v)) },
		"pct": func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
		"ms": func(v float64) string {
			if v < 0 {
				return "not measured"
			}
			return fmt.Sprintf("%.2f ms", v)
		},
		"bytes": func(v int64) string { return fmtBytes(float64(v)) },
		"secs":  func(v float64) string { return fmt.Sprintf("%.1f s", v) },
		"failed": func(m map[string]int) string {
			if len(m) == 0 {
				return "none"
			}
			var p []string
			for k, v := range m {
				p = append(p, fmt.Sprintf("%d × %s", v, k))
			}
			return strings.Join(p, "; ")
		},
		"rejected": func(m map[string]int64) string {
			if len(m) == 0 {
				return "none"
			}
			var p []string
			for k, v := range m {
				p = append(p, fmt.Sprintf("%d × %s", v, k))
			}
			return strings.Join(p, "; ")
		},
	}).Parse(perfTemplate)
	if err != nil {
		return err
	}
	return t.Execute(w, d)
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func cmdRender(args []string) error {
	fs := flag.NewFlagSet("render", flag.ExitOnError)
	dir := fs.String("dir", "build/bench", "results directory")
	soakFile := fs.String("soak", "docs/soak/summary.json", "the last make soak's summary (optional)")
	out := fs.String("o", "docs/performance.md", "output")
	commit := fs.String("commit", "", "commit measured")
	date := fs.String("date", time.Now().UTC().Format("2006-01-02 15:04 MST"), "date of the run")
	_ = fs.Parse(args)
	d, err := loadPerfData(*dir)
	if err != nil {
		return err
	}
	d.Date, d.Commit, d.Machine = *date, *commit, thisMachine()
	var sk soak.Summary
	if ok, err := readJSON(*soakFile, &sk); err != nil {
		return err
	} else if ok {
		d.Soak = &sk
	}
	var buf bytes.Buffer
	if err := renderPerf(&buf, d); err != nil {
		return err
	}
	return os.WriteFile(*out, buf.Bytes(), 0o644)
}
