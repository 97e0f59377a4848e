package status

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	sdkmath "cosmossdk.io/math"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/reporter"
)

// ChartDays is how many days the status page charts.
const ChartDays = 30

// historyTimeout bounds the search of the chain's tx index for the node's reports.
const historyTimeout = 8 * time.Second

// Page serves the status page at / and the same figures as JSON at /status.json. It uses
// no external asset (inline CSS and SVG), so it works on a machine with no internet.
type Page struct {
	Client      *chain.Client
	Home        string
	MonthlyCost float64
}

// PageData is what the page shows.
type PageData struct {
	Status *Status  `json:"status"`
	Charts []Series `json:"charts"`
	// ChartSource says where the charts' figures come from, and why the node's earlier
	// days may be missing when the chain node's RPC keeps no tx index.
	ChartSource string `json:"chart_source"`
	Updated     string `json:"updated"`
}

func (p *Page) data(ctx context.Context) (*PageData, error) {
	st, err := Collect(ctx, p.Client, p.MonthlyCost)
	if err != nil {
		return nil, err
	}
	state, err := reporter.LoadState(p.Home)
	if err != nil {
		return nil, err
	}
	params, err := p.Client.PorParams(ctx)
	if err != nil {
		return nil, err
	}
	last := uint64(0)
	if st.CurrentDay > 0 {
		last = st.CurrentDay - 1 // the last day that has ticked
	}
	// The reports that count in the chart's days: the chain's record of them, merged with
	// this daemon's own (which alone lacks the days before the daemon or its state began).
	_, from := Window(uint64(params.ReportDays), last, ChartDays)
	hctx, cancel := context.WithTimeout(ctx, historyTimeout) // a slow tx index costs the early days, not the page
	fromChain, herr := p.Client.ReportHistory(hctx, from)
	cancel()
	source := "the chain's per-day receipts and the node's accepted reports (from the chain node's tx index)"
	if herr != nil {
		source = "the chain's per-day receipts and the reports this daemon recorded: the node's earlier reports could not be read from the chain (" + herr.Error() + "; the chain node needs tx_index = \"kv\")"
	}
	charts, err := History(ctx, p.Client, MergeHistory(state.History, fromChain), uint64(params.ReportDays), last, ChartDays)
	if err != nil {
		return nil, err
	}
	if ep, err := p.Client.EmissionParams(ctx); err == nil && ep.DaySeconds > 0 {
		for _, c := range charts {
			for i := range c.Points {
				c.Points[i].Date = ep.DayEnd(c.Points[i].Day - 1).UTC().Format(time.RFC3339) // the day's start
			}
		}
	}
	return &PageData{Status: st, Charts: charts, ChartSource: source, Updated: time.Now().UTC().Format(time.RFC3339)}, nil
}

// ServeHTTP renders the page or the JSON.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	d, err := p.data(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if r.URL.Path == "/status.json" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(d)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// chart is what one SVG chart plots: a value per point, the value axis's labels, and what a
// point shows on hover and carries in data-value.
type chart struct {
	value     func(Point) float64
	axis      func(float64) string
	hover     func(Point) string
	dataValue func(Point) string
	color     string
	unit      string // the value axis's unit, over it
}

// svgChart draws the points as a line over a time axis (chain day and date) and a value
// axis from 0 to a round maximum, every point with its figures on hover.
func svgChart(pts []Point, c chart) template.HTML {
	const w, h = 640.0, 214.0
	const left, right, top, bottom = 64.0, 12.0, 24.0, 40.0 // the value axis's unit over it
	pw, ph := w-left-right, h-top-bottom
	hi := 0.0
	for _, p := range pts {
		hi = max(hi, c.value(p))
	}
	hi = niceCeil(hi)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" font-size="11" font-family="system-ui,sans-serif">`, w, h, w, h)
	fmt.Fprintf(&b, `<text x="%.0f" y="12" text-anchor="end" fill="#555" class="y-unit">%s</text>`, left-6, template.HTMLEscapeString(c.unit))
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="#fafafa" stroke="#ddd"/>`, left, top, pw, ph)
	// Value axis: 0, half and the maximum, with grid lines.
	for _, f := range []float64{0, 0.5, 1} {
		y := top + ph*(1-f)
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#e4e4e4"/>`, left, left+pw, y, y)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" fill="#555" class="y-tick">%s</text>`, left-6, y+4, template.HTMLEscapeString(c.axis(hi*f)))
	}
	x := func(i int) float64 { return left + 8 + (pw-16)*float64(i)/float64(max(len(pts)-1, 1)) }
	// Time axis: up to six days, each with its chain day and date.
	layout := dateLayout(pts)
	step := max((len(pts)+5)/6, 1)
	for i := 0; i < len(pts); i += step {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.0f" y2="%.0f" stroke="#999"/>`, x(i), x(i), top+ph, top+ph+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle" fill="#555" class="x-tick">day %d</text>`, x(i), top+ph+16, pts[i].Day)
		if d := formatDate(pts[i].Date, layout); d != "" {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle" fill="#888">%s</text>`, x(i), top+ph+29, d)
		}
	}
	var line []string
	for i, p := range pts {
		v := c.value(p)
		y := top + ph*(1-v/max(hi, 1e-18))
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y))
		when := fmt.Sprintf("day %d", p.Day)
		if d := formatDate(p.Date, layout); d != "" {
			when += " · " + d
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s" data-day="%d" data-date="%s" data-value="%s"><title>%s: %s</title></circle>`,
			x(i), y, c.color, p.Day, template.HTMLEscapeString(p.Date), template.HTMLEscapeString(c.dataValue(p)),
			template.HTMLEscapeString(when), template.HTMLEscapeString(c.hover(p)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/></svg>`, c.color, strings.Join(line, " "))
	return template.HTML(b.String())
}

// niceCeil rounds v up to 1, 2 or 5 × a power of ten (1 for 0), so the axis reads well.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// dateLayout shows dates for days of a day or more, and times for the short days of a
// devnet or test chain.
func dateLayout(pts []Point) string {
	if len(pts) >= 2 {
		a, errA := time.Parse(time.RFC3339, pts[0].Date)
		b, errB := time.Parse(time.RFC3339, pts[1].Date)
		if errA == nil && errB == nil && b.Sub(a) < 24*time.Hour {
			return "15:04:05"
		}
	}
	return "2006-01-02"
}

func formatDate(rfc3339, layout string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return ""
	}
	return t.UTC().Format(layout)
}

// toAEGIS is an amount of uaegis in AEGIS: thousands grouped, at most six decimals, no
// trailing zeros ("1,234.5"); the input unchanged if it is not an integer.
func toAEGIS(uaegis string) string {
	amt, ok := sdkmath.NewIntFromString(uaegis)
	if !ok {
		return uaegis
	}
	neg := amt.IsNegative()
	amt = amt.Abs()
	whole := amt.QuoRaw(1_000_000).String()
	frac := strings.TrimRight(fmt.Sprintf("%06d", amt.ModRaw(1_000_000).Int64()), "0")
	var g strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			g.WriteByte(',')
		}
		g.WriteRune(r)
	}
	out := g.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// shortNum is a figure for an axis or a table: at most three decimals, no trailing zeros,
// large values with k/M/B ("12.5k").
func shortNum(v float64) string {
	for _, u := range []struct {
		div float64
		sfx string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.div {
			return strconv.FormatFloat(math.Round(v/u.div*100)/100, 'f', -1, 64) + u.sfx
		}
	}
	if v != 0 && math.Abs(v) < 0.001 {
		return strconv.FormatFloat(v, 'g', 2, 64)
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// effNum is an eff PoR (an 18-decimal string on chain) as a short number.
func effNum(s string) string {
	f, err := strconv.ParseFloat(s, 64) // display only
	if err != nil {
		return s
	}
	return shortNum(f)
}

func uaegisFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64) // drawing only
	return f / 1e6
}

var rewardChart = chart{
	value:     func(p Point) float64 { return uaegisFloat(p.Reward) },
	axis:      shortNum,
	hover:     func(p Point) string { return toAEGIS(p.Reward) + " AEGIS (" + p.Reward + " uaegis)" },
	dataValue: func(p Point) string { return p.Reward },
	color:     "#2a7",
	unit:      "AEGIS",
}

var effChart = chart{
	value:     func(p Point) float64 { f, _ := strconv.ParseFloat(p.Eff, 64); return f },
	axis:      shortNum,
	hover:     func(p Point) string { return "eff PoR " + effNum(p.Eff) },
	dataValue: func(p Point) string { return p.Eff },
	color:     "#27a",
	unit:      "eff PoR",
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"rewardChart": func(pts []Point) template.HTML { return svgChart(pts, rewardChart) },
	"effChart":    func(pts []Point) template.HTML { return svgChart(pts, effChart) },
	"aegis":       toAEGIS,
	"eff":         effNum,
	"join":        strings.Join,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aegis-node status</title>
<meta http-equiv="refresh" content="30">
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.bad{color:#b00}.ok{color:#070}h2{margin-top:28px}.num{text-align:right;font-variant-numeric:tabular-nums}
</style></head><body>
<h1>aegis-node</h1>
<p>Node <code>{{.Status.Operator}}</code> · chain day {{.Status.CurrentDay}} · last report day {{.Status.LastReportDay}} ·
claimable <b id="pending" title="{{.Status.Pending}} uaegis">{{aegis .Status.Pending}}</b> AEGIS ·
vesting <b id="vesting" title="{{.Status.Vesting}} uaegis">{{aegis .Status.Vesting}}</b> AEGIS ·
est. <span title="{{.Status.EstMonthly}} uaegis">{{aegis .Status.EstMonthly}}</span> AEGIS a month
{{if .Status.BreakEven}} · break-even {{.Status.BreakEven}} per AEGIS{{end}}</p>
<table id="roles"><tr><th>role</th><th>slot</th><th>eff PoR</th><th>penalized</th><th>missed minimum</th><th class="num">claimable (AEGIS)</th><th class="num">vesting (AEGIS)</th><th>disqualified through</th><th class="num">est. daily</th><th class="num">est. monthly</th></tr>
{{range .Status.Roles}}<tr id="role-{{.Role}}"><td>{{.Role}}</td><td>{{.SlotHeld}}</td><td title="{{.Eff}}">{{eff .Eff}}</td>
<td class="{{if .Penalized}}bad{{else}}ok{{end}}">{{.Penalized}}</td><td>{{join .MissedMinimum "; "}}</td>
<td class="num" id="pending-{{.Role}}" title="{{.Pending}} uaegis">{{aegis .Pending}}</td>
<td class="num" id="vesting-{{.Role}}" title="{{.Vesting}} uaegis{{if .VestedBy}}, all vested after day {{.VestedBy}}{{end}}">{{aegis .Vesting}}</td>
<td id="disqualified-{{.Role}}" class="{{if .DisqualifiedUntil}}bad{{end}}">{{if .DisqualifiedUntil}}day {{.DisqualifiedUntil}}{{else}}-{{end}}</td><td class="num" title="{{.EstDaily}} uaegis">{{aegis .EstDaily}}</td><td class="num" title="{{.EstMonthly}} uaegis">{{aegis .EstMonthly}}</td></tr>{{end}}
</table>
{{with .Status.Challenges}}<h2>Challenges</h2>
{{if or .Enabled .Passed .Missed .Pending}}<p id="challenges">passed <b id="challenges-passed">{{.Passed}}</b> ·
missed <b id="challenges-missed" class="{{if .Missed}}bad{{else}}ok{{end}}">{{.Missed}}</b>
{{if .SlashAfter}} · {{len .RecentMissDays}} of the {{.SlashAfter}} misses within {{.WindowDays}} days that slash the stake{{end}}</p>
{{if .Pending}}<table id="pending-challenges"><tr><th>id</th><th>kind</th><th>role</th><th>report day</th><th>deadline height</th><th>blocks left</th></tr>
{{range .Pending}}<tr><td>{{.ID}}</td><td>{{.Kind}}{{with .Phase}} ({{.}}){{end}}</td><td>{{.Role}}</td><td>{{.Day}}</td>{{if eq .Phase "commit"}}<td>root due</td><td title="{{.Tiles}} tiles">{{.CommitSeconds}} s of chain time after height {{.OpenHeight}}</td>{{else}}<td>{{.DeadlineHeight}}</td><td>{{.BlocksLeft}}</td>{{end}}</tr>{{end}}
</table>{{else}}<p>No challenge pending.</p>{{end}}
{{else}}<p>Challenges are off on this chain.</p>{{end}}{{end}}
{{range .Charts}}<h2>{{.Role}}</h2>
<div class="chart" data-role="{{.Role}}"><p>Daily reward (AEGIS; hover a day for uaegis), last {{len .Points}} chain days</p>{{rewardChart .Points}}
<p>Eff PoR counting at each day's tick</p>{{effChart .Points}}</div>{{end}}
<p style="color:#777" id="source">Updated {{.Updated}} · charts from {{.ChartSource}} · JSON at <a href="/status.json">/status.json</a></p>
</body></html>`))
