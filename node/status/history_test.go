package status

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/reporter"
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

// TestSVGChart: every point is drawn with its day and value, scaled into the box, with no
// external reference.
func TestSVGChart(t *testing.T) {
	pts := []Point{{Day: 1, Reward: "0"}, {Day: 2, Reward: "50"}, {Day: 3, Reward: "100"}}
	svg := string(svgChart(pts, func(p Point) string { return p.Reward }, "#000"))
	for _, p := range pts {
		require.Contains(t, svg, `data-day="`+itoa(p.Day)+`" data-value="`+p.Reward+`"`)
	}
	require.Contains(t, svg, "<polyline")
	require.NotContains(t, svg, "http")
	require.True(t, strings.HasPrefix(svg, "<svg"))
}

func itoa(d uint64) string { return strconv.FormatUint(d, 10) }
