package status

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/reporter"
)

// ChartDays is how many days the status page charts.
const ChartDays = 30

// Page serves the status page at / and the same figures as JSON at /status.json. It uses
// no external asset (inline CSS and SVG), so it works on a machine with no internet.
type Page struct {
	Client      *chain.Client
	Home        string
	MonthlyCost float64
}

// PageData is what the page shows.
type PageData struct {
	Status  *Status  `json:"status"`
	Charts  []Series `json:"charts"`
	Updated string   `json:"updated"`
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
	charts, err := History(ctx, p.Client, state.History, uint64(params.ReportDays), last, ChartDays)
	if err != nil {
		return nil, err
	}
	return &PageData{Status: st, Charts: charts, Updated: time.Now().UTC().Format(time.RFC3339)}, nil
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

// svgChart draws values as a polyline in a w×h box, scaled to their maximum.
func svgChart(pts []Point, pick func(Point) string, color string) template.HTML {
	const w, h = 600.0, 120.0
	vals := make([]float64, len(pts))
	top := 0.0
	for i, p := range pts {
		vals[i], _ = strconv.ParseFloat(pick(p), 64) // drawing only
		top = max(top, vals[i])
	}
	if top == 0 {
		top = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img"><rect width="100%%" height="100%%" fill="#fafafa" stroke="#ddd"/>`, w, h+20, w, h+20)
	var line []string
	for i, v := range vals {
		x := 10 + (w-20)*float64(i)/float64(max(len(vals)-1, 1))
		y := 10 + (h-10)*(1-v/top)
		line = append(line, fmt.Sprintf("%.1f,%.1f", x, y))
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2" fill="%s" data-day="%d" data-value="%s"><title>day %d: %s</title></circle>`,
			x, y, color, pts[i].Day, template.HTMLEscapeString(pick(pts[i])), pts[i].Day, template.HTMLEscapeString(pick(pts[i])))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.Join(line, " "))
	fmt.Fprintf(&b, `<text x="12" y="%.0f" font-size="11" fill="#555">max %s</text></svg>`, h+16, strconv.FormatFloat(top, 'f', -1, 64))
	return template.HTML(b.String())
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"rewardChart": func(pts []Point) template.HTML {
		return svgChart(pts, func(p Point) string { return p.Reward }, "#2a7")
	},
	"effChart": func(pts []Point) template.HTML { return svgChart(pts, func(p Point) string { return p.Eff }, "#27a") },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aegis-node status</title>
<meta http-equiv="refresh" content="30">
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
.bad{color:#b00}.ok{color:#070}h2{margin-top:28px}
</style></head><body>
<h1>aegis-node</h1>
<p>Node <code>{{.Status.Operator}}</code> · chain day {{.Status.CurrentDay}} · last report day {{.Status.LastReportDay}} ·
pending <b id="pending">{{.Status.Pending}}</b> uaegis · est. {{.Status.EstMonthly}} uaegis a month
{{if .Status.BreakEven}} · break-even {{.Status.BreakEven}} per AEGIS{{end}}</p>
<table id="roles"><tr><th>role</th><th>slot</th><th>eff PoR</th><th>penalized</th><th>missed minimum</th><th>pending (uaegis)</th><th>est. daily</th><th>est. monthly</th></tr>
{{range .Status.Roles}}<tr><td>{{.Role}}</td><td>{{.SlotHeld}}</td><td>{{.Eff}}</td>
<td class="{{if .Penalized}}bad{{else}}ok{{end}}">{{.Penalized}}</td><td>{{range .MissedMinimum}}{{.}}; {{end}}</td>
<td>{{.Pending}}</td><td>{{.EstDaily}}</td><td>{{.EstMonthly}}</td></tr>{{end}}
</table>
{{with .Status.Challenges}}<h2>Challenges</h2>
{{if or .Enabled .Passed .Missed .Pending}}<p id="challenges">passed <b id="challenges-passed">{{.Passed}}</b> ·
missed <b id="challenges-missed" class="{{if .Missed}}bad{{else}}ok{{end}}">{{.Missed}}</b>
{{if .SlashAfter}} · {{len .RecentMissDays}} of the {{.SlashAfter}} misses within {{.WindowDays}} days that slash the stake{{end}}</p>
{{if .Pending}}<table id="pending-challenges"><tr><th>id</th><th>kind</th><th>role</th><th>report day</th><th>deadline height</th><th>blocks left</th></tr>
{{range .Pending}}<tr><td>{{.ID}}</td><td>{{.Kind}}</td><td>{{.Role}}</td><td>{{.Day}}</td><td>{{.DeadlineHeight}}</td><td>{{.BlocksLeft}}</td></tr>{{end}}
</table>{{else}}<p>No challenge pending.</p>{{end}}
{{else}}<p>Challenges are off on this chain.</p>{{end}}{{end}}
{{range .Charts}}<h2>{{.Role}}</h2>
<div class="chart" data-role="{{.Role}}"><p>Daily reward (uaegis), last {{len .Points}} days</p>{{rewardChart .Points}}
<p>Eff PoR</p>{{effChart .Points}}</div>{{end}}
<p style="color:#777">Updated {{.Updated}} · figures from the chain's per-day receipts · JSON at <a href="/status.json">/status.json</a></p>
</body></html>`))
