package status

import (
	"strconv"
	"strings"
	"testing"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/reporter"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestEffAt: a report made on day d counts at the ticks of d .. d+reportDays-1, and the
// newest report that counts wins.
func TestEffAt(t *testing.T) {
	hs := []reporter.DayEff{{Day: 3, Eff: "300"}, {Day: 4, Eff: "216"}, {Day: 8, Eff: "150"}}
	cases := map[uint64]string{2: "0.000000000000000000", 3: "300.000000000000000000", 4: "216.000000000000000000",
		5: "216.000000000000000000", 6: "0.000000000000000000", 8: "150.000000000000000000", 9: "150.000000000000000000"}
	for day, want := range cases {
		require.Equal(t, want, effAt(hs, day, 2).String(), "day %d", day)
	}
}

// TestSVGChart: every point is drawn with its day, date and value (uaegis in data-value, AEGIS
// and uaegis on hover), over a time axis of chain days and dates and a value axis in AEGIS,
// with no external reference.
func TestSVGChart(t *testing.T) {
	pts := []Point{{Day: 1, Date: "2026-12-01T00:00:00Z", Reward: "0"}, {Day: 2, Date: "2026-12-02T00:00:00Z", Reward: "1500000"},
		{Day: 3, Date: "2026-12-03T00:00:00Z", Reward: "123456789"}}
	svg := string(svgChart(pts, rewardChart))
	for _, p := range pts {
		require.Contains(t, svg, `data-day="`+itoa(p.Day)+`" data-date="`+p.Date+`" data-value="`+p.Reward+`"`)
	}
	require.Contains(t, svg, "<title>day 2 · 2026-12-02: 1.5 AEGIS (1500000 uaegis)</title>")
	require.Contains(t, svg, "<title>day 3 · 2026-12-03: 123.456789 AEGIS (123456789 uaegis)</title>")
	require.Contains(t, svg, `class="x-tick">day 1</text>`)
	require.Contains(t, svg, ">2026-12-01</text>")
	require.Contains(t, svg, `class="y-tick">200</text>`, "the value axis rounds 123.46 AEGIS up to 200")
	require.Contains(t, svg, `class="y-tick">100</text>`)
	require.Contains(t, svg, `class="y-tick">0</text>`)
	require.Contains(t, svg, `class="y-unit">AEGIS</text>`, "the value axis says its unit")
	require.Contains(t, svg, "<polyline")
	require.NotContains(t, svg, "http")
	require.True(t, strings.HasPrefix(svg, "<svg"))

	// Short (devnet) days show times; eff is a short number, not 18 decimals.
	short := []Point{{Day: 7, Date: "2026-12-05T10:00:00Z", Eff: "216.000000000000000000"}, {Day: 8, Date: "2026-12-05T10:00:20Z", Eff: "1.234567890000000000"}}
	svg = string(svgChart(short, effChart))
	require.Contains(t, svg, "<title>day 8 · 10:00:20: eff PoR 1.235</title>")
	require.Contains(t, svg, `class="y-tick">500</text>`)
	require.Contains(t, svg, `class="y-unit">eff PoR</text>`)
	require.NotContains(t, svg, ">216.000000000000000000<")
}

func TestFigures(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "1": "0.000001", "1500000": "1.5", "123456789012345678": "123,456,789,012.345678",
		"1000000000": "1,000", "-2500000": "-2.5", "x": "x"} {
		require.Equal(t, want, toAEGIS(in), in)
	}
	for in, want := range map[float64]string{0: "0", 0.5: "0.5", 12.3456: "12.346", 1500: "1.5k", 2_500_000: "2.5M", 0.0001234: "0.00012"} {
		require.Equal(t, want, shortNum(in), "%v", in)
	}
	require.Equal(t, "216", effNum("216.000000000000000000"))
	require.Equal(t, 5.0, niceCeil(4.2))
	require.Equal(t, 1.0, niceCeil(0))
	require.Equal(t, 200.0, niceCeil(123.4))
}

// TestPageRenders: the page shows AEGIS amounts (uaegis on hover), short eff figures and role
// names as users type them.
func TestPageRenders(t *testing.T) {
	d := &PageData{Status: &Status{Operator: "aegis1op", Pending: "123456789012345678", EstMonthly: "30000000",
		Roles: []RoleStatus{{Role: "worker", Eff: "216.000000000000000000", Pending: "2500000", EstDaily: "1000000", EstMonthly: "30000000",
			MissedMinimum: []string{"compute 10 < 140", "storage 21 < 90"}}}},
		Charts:      []Series{{Role: "worker", Points: []Point{{Day: 1, Eff: "216.000000000000000000", Reward: "2500000"}}}},
		ChartSource: "the chain's per-day receipts"}
	var b strings.Builder
	require.NoError(t, pageTmpl.Execute(&b, d))
	html := b.String()
	for _, want := range []string{`title="123456789012345678 uaegis">123,456,789,012.345678</b> AEGIS`, `<td title="216.000000000000000000">216</td>`,
		`title="2500000 uaegis">2.5</td>`, `<td>compute 10 &lt; 140; storage 21 &lt; 90</td>`, `id="pending-worker" title="2500000 uaegis">2.5</td>`, `charts from the chain&#39;s per-day receipts`, `<h2>worker</h2>`, `data-role="worker"`, `data-value="2500000"`} {
		require.Contains(t, html, want)
	}
	require.NotContains(t, html, ">216.000000000000000000<")
	require.NotContains(t, html, "NODE_ROLE_")
}

func itoa(d uint64) string { return strconv.FormatUint(d, 10) }

// TestWindow: the chart's first day, and the first day whose report can count in it.
func TestWindow(t *testing.T) {
	for _, tc := range []struct{ reportDays, last, n, first, from uint64 }{
		{2, 0, 30, 1, 1},
		{2, 10, 30, 1, 1},
		{2, 30, 30, 1, 1},
		{2, 31, 30, 2, 1},
		{2, 100, 30, 71, 70},
		{7, 100, 30, 71, 65},
		{1, 100, 30, 71, 71},
		{0, 100, 30, 71, 71},
		{7, 33, 30, 4, 1},
	} {
		first, from := Window(tc.reportDays, tc.last, tc.n)
		require.Equal(t, [2]uint64{tc.first, tc.from}, [2]uint64{first, from}, "%+v", tc)
	}
}

// TestMergeHistory: the chain's reports and the daemon's own, one per day and role, the
// chain's eff where both have one.
func TestMergeHistory(t *testing.T) {
	const w, da = "NODE_ROLE_WORKER", "NODE_ROLE_DA"
	ce := func(day uint64, role portypes.NodeRole, eff string) chain.ReportEff {
		return chain.ReportEff{Day: day, Role: role, Eff: math.LegacyMustNewDecFromStr(eff)}
	}
	for _, tc := range []struct {
		name      string
		local     []reporter.DayEff
		fromChain []chain.ReportEff
		want      []reporter.DayEff
	}{
		{name: "nothing"},
		{
			name:  "no tx index: the daemon's own record",
			local: []reporter.DayEff{{Day: 5, Role: w, Eff: "2.000000000000000000"}, {Day: 4, Role: w, Eff: "1.000000000000000000"}},
			want:  []reporter.DayEff{{Day: 4, Role: w, Eff: "1.000000000000000000"}, {Day: 5, Role: w, Eff: "2.000000000000000000"}},
		},
		{
			name:      "fresh state file: the chain's record",
			fromChain: []chain.ReportEff{ce(3, portypes.NODE_ROLE_WORKER, "1.5"), ce(3, portypes.NODE_ROLE_DA, "2.5")},
			want:      []reporter.DayEff{{Day: 3, Role: da, Eff: "2.500000000000000000"}, {Day: 3, Role: w, Eff: "1.500000000000000000"}},
		},
		{
			name: "days before the daemon from the chain, the rest from both",
			local: []reporter.DayEff{{Day: 6, Role: w, Eff: "6.000000000000000000"}, {Day: 7, Role: w, Eff: "7.000000000000000000"},
				{Day: 8, Role: w, Eff: "8.000000000000000000"}}, // day 8: the chain's index lags (or the page read before it)
			fromChain: []chain.ReportEff{ce(7, portypes.NODE_ROLE_WORKER, "7"), ce(6, portypes.NODE_ROLE_WORKER, "6"),
				ce(5, portypes.NODE_ROLE_WORKER, "5"), ce(4, portypes.NODE_ROLE_WORKER, "4")},
			want: []reporter.DayEff{{Day: 4, Role: w, Eff: "4.000000000000000000"}, {Day: 5, Role: w, Eff: "5.000000000000000000"},
				{Day: 6, Role: w, Eff: "6.000000000000000000"}, {Day: 7, Role: w, Eff: "7.000000000000000000"}, {Day: 8, Role: w, Eff: "8.000000000000000000"}},
		},
		{
			name:      "both have a day: the chain's eff",
			local:     []reporter.DayEff{{Day: 9, Role: w, Eff: "99.000000000000000000"}},
			fromChain: []chain.ReportEff{ce(9, portypes.NODE_ROLE_WORKER, "9")},
			want:      []reporter.DayEff{{Day: 9, Role: w, Eff: "9.000000000000000000"}},
		},
		{
			name:      "a role only one side knows",
			local:     []reporter.DayEff{{Day: 9, Role: da, Eff: "3.000000000000000000"}},
			fromChain: []chain.ReportEff{ce(9, portypes.NODE_ROLE_WORKER, "9")},
			want:      []reporter.DayEff{{Day: 9, Role: da, Eff: "3.000000000000000000"}, {Day: 9, Role: w, Eff: "9.000000000000000000"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MergeHistory(tc.local, tc.fromChain)
			if len(tc.want) == 0 {
				require.Empty(t, got)
				return
			}
			require.Equal(t, tc.want, got)
		})
	}
}
