package system

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/reporter"
)

// statusPageJSON is what /status.json holds that the checks read.
type statusPageJSON struct {
	Status struct {
		CurrentDay uint64 `json:"current_day"`
		Pending    string `json:"pending_uaegis"`
		Roles      []struct {
			Role    string `json:"role"`
			Pending string `json:"pending_uaegis"`
		} `json:"roles"`
	} `json:"status"`
	Charts []struct {
		Role   string `json:"role"`
		Points []struct {
			Day    uint64 `json:"day"`
			Date   string `json:"date"`
			Eff    string `json:"eff"`
			Reward string `json:"reward_uaegis"`
		} `json:"points"`
	} `json:"charts"`
	ChartSource string `json:"chart_source"`
}

// porRewards is `aegisd q por rewards <operator> -o json`.
type porRewards struct {
	Roles []struct {
		Role              string `json:"role"`
		Amount            string `json:"amount"`
		Held              string `json:"held"`
		Vesting           string `json:"vesting"`
		DisqualifiedUntil string `json:"disqualified_until"`
	} `json:"roles"`
	Total   string `json:"total"`
	Vesting string `json:"vesting"`
}

// byRole is the rewards per role, named as users type them (worker, da).
func (r porRewards) byRole() map[string]string {
	out := map[string]string{}
	for _, rr := range r.Roles {
		out[strings.ToLower(strings.TrimPrefix(rr.Role, "NODE_ROLE_"))] = rr.Amount
	}
	return out
}

// checkStatusPage checks the status page against the chain's own figures, as a person sees
// it: the rewards it shows equal `aegisd q por rewards` at the same tick, the daily rewards
// it charts add up to them, the days reported before the daemon's last start (missing from
// its state file, see TestSystemAegisNode) are charted from the chain, and in a real browser
// the page draws its charts (screenshot) with axes, dates, AEGIS amounts and uaegis on hover.
func checkStatusPage(t *testing.T, c *Chain, addr, node, home string, reportedBefore map[uint64]bool) {
	t.Helper()
	state, err := reporter.LoadState(home)
	require.NoError(t, err)
	for _, h := range state.History {
		require.False(t, reportedBefore[h.Day], "day %d is in the daemon's own record: the check would prove nothing", h.Day)
	}
	firstReport := ^uint64(0)
	for d := range reportedBefore {
		firstReport = min(firstReport, d)
	}

	// The figures as JSON and the chain's, read at the same tick: rewards change only at a
	// day's tick, so a read on either side of one is retried.
	var page statusPageJSON
	var rewards porRewards
	for try := 0; ; try++ {
		page = statusPageJSON{}
		err := getJSON(addr+"/status.json", 20*time.Second, &page)
		require.NoError(t, err)
		c.QueryJSON(&rewards, "por", "rewards", node)
		if page.Status.Pending == rewards.Total {
			break
		}
		require.Less(t, try, 20, "status.json pending %s, q por rewards %s", page.Status.Pending, rewards.Total)
		time.Sleep(300 * time.Millisecond)
	}
	require.NotContains(t, page.ChartSource, "could not", "the charts read the chain's record of the node's reports")
	require.Contains(t, page.ChartSource, "tx index")
	require.Len(t, page.Charts, 2)
	require.Equal(t, []string{"da", "worker"}, []string{page.Charts[0].Role, page.Charts[1].Role}, "roles as users type them")
	perRole := rewards.byRole()
	for _, ch := range page.Charts {
		require.NotEmpty(t, ch.Points)
		require.LessOrEqual(t, ch.Points[0].Day, firstReport, "the chart's %d days reach back to the node's first report; the test ran too slow for the window", len(ch.Points))
		require.Equal(t, page.Status.CurrentDay-1, ch.Points[len(ch.Points)-1].Day, "the chart ends at the last day ticked")
		// Nothing claimed yet: the daily rewards charted add up to what the chain owes the
		// role, less at most the uaegis fraction each day's figure drops.
		sum, owed := new(big.Int), bigInt(t, perRole[ch.Role])
		for _, p := range ch.Points {
			sum.Add(sum, bigInt(t, p.Reward))
			require.NotEmpty(t, p.Date, "day %d has a date", p.Day)
			if reportedBefore[p.Day] {
				require.NotEqual(t, "0", p.Reward, "%s day %d, reported before the daemon's start, is charted from the chain: %+v", ch.Role, p.Day, ch.Points)
			}
		}
		diff := new(big.Int).Sub(owed, sum)
		require.True(t, diff.Sign() >= 0 && diff.Cmp(big.NewInt(int64(len(ch.Points)))) <= 0,
			"%s: chart adds up to %s uaegis, the chain owes %s: %+v", ch.Role, sum, owed, ch.Points)
	}

	url := "http://" + addr + "/"
	// In a real browser: the rewards shown are the chain's, in AEGIS with uaegis on hover.
	pendingRe := regexp.MustCompile(`<b id="pending" title="(\d+) uaegis">([0-9,.]+)</b> AEGIS`)
	var dom string
	var m []string
	for try := 0; ; try++ {
		dom = headlessDOM(t, url)
		c.QueryJSON(&rewards, "por", "rewards", node)
		m = pendingRe.FindStringSubmatch(dom)
		require.NotNil(t, m, "the page shows the pending rewards:\n%s", dom)
		if m[1] == rewards.Total {
			break
		}
		require.Less(t, try, 10, "the page's pending %s uaegis, q por rewards' total %s", m[1], rewards.Total)
	}
	require.Equal(t, rewards.Total, uaegisOf(t, m[2]), "pending %s AEGIS shown", m[2])
	perRole = rewards.byRole()
	require.Len(t, perRole, 2)
	for role, amount := range perRole {
		m := regexp.MustCompile(`id="pending-` + role + `" title="(\d+) uaegis">([0-9,.]+)</td>`).FindStringSubmatch(dom)
		require.NotNil(t, m, "the %s row shows its pending rewards", role)
		require.Equal(t, amount, m[1], "%s pending (uaegis on hover)", role)
		require.Equal(t, amount, uaegisOf(t, m[2]), "%s pending %s AEGIS shown", role, m[2])
	}
	// Every charted day with its chain day, date and figure; axes of days, dates and AEGIS.
	for _, ch := range page.Charts {
		require.Contains(t, dom, `data-role="`+ch.Role+`"`)
		require.Contains(t, dom, "<h2>"+ch.Role+"</h2>")
		for _, p := range ch.Points {
			if p.Day < page.Status.CurrentDay-1 { // settled days; the last may tick meanwhile
				require.Contains(t, dom, fmt.Sprintf(`data-day="%d" data-date="%s" data-value="%s"`, p.Day, p.Date, p.Reward))
			}
			if reportedBefore[p.Day] {
				require.Contains(t, dom, fmt.Sprintf(`(%s uaegis)</title>`, p.Reward), "hover shows day %d's uaegis", p.Day)
			}
		}
	}
	require.Equal(t, 4, strings.Count(dom, "<svg"), "a reward and an eff chart per role")
	require.Regexp(t, `class="x-tick">day \d+</text>`, dom, "time axis: chain days")
	require.Regexp(t, `<text[^>]*>\d\d:\d\d:\d\d</text>`, dom, "time axis: dates (times of the day, days being 4 s)")
	require.Regexp(t, `class="y-tick">[0-9.]+[kMB]?</text>`, dom, "value axis")
	require.Contains(t, dom, "Daily reward (AEGIS; hover a day for uaegis)")
	require.NotContains(t, dom, "NODE_ROLE_", "roles as users type them")
	require.NotRegexp(t, `>[^<]*\d\.\d{18}[^<]*<`, dom, "no 18-decimal figure shown")

	// A screenshot: the page is drawn, with both charts' lines in the chart area.
	const w, h = 1280, 1800
	file := headlessScreenshot(t, url, w, h)
	if dir := os.Getenv("AEGIS_SCREENSHOT_DIR"); dir != "" { // for a person to look at
		bz, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "aegis-node-status.png"), bz, 0o644))
	}
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, "the screenshot is a PNG")
	require.Equal(t, image.Rect(0, 0, w, h), img.Bounds())
	reward, eff := color.RGBA{0x22, 0xaa, 0x77, 0xff}, color.RGBA{0x22, 0x77, 0xaa, 0xff}
	var nReward, nEff int
	box := image.Rectangle{Min: image.Pt(w, h)}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			switch color.RGBAModel.Convert(img.At(x, y)) {
			case reward:
				nReward++
			case eff:
				nEff++
			default:
				continue
			}
			box = box.Union(image.Rect(x, y, x+1, y+1))
		}
	}
	require.Greater(t, nReward, 200, "the reward lines are drawn")
	require.Greater(t, nEff, 200, "the eff lines are drawn")
	colours := map[color.Color]bool{}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			colours[color.RGBAModel.Convert(img.At(x, y))] = true
		}
	}
	require.Greater(t, len(colours), 16, "the chart area %v is not blank: %d colours", box, len(colours))
}

// getJSON GETs http://url into v, giving up after timeout.
func getJSON(url string, timeout time.Duration, v any) error {
	client := http.Client{Timeout: timeout}
	resp, err := client.Get("http://" + url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, bz)
	}
	return json.Unmarshal(bz, v)
}

func bigInt(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	require.True(t, ok, "%q is an integer", s)
	return v
}

// uaegisOf reads an amount the page shows in AEGIS ("1,234.5") as uaegis ("1234500000").
func uaegisOf(t *testing.T, aegis string) string {
	t.Helper()
	whole, frac, _ := strings.Cut(strings.ReplaceAll(aegis, ",", ""), ".")
	require.LessOrEqual(t, len(frac), 6, "%s: at most six decimals", aegis)
	return bigInt(t, whole+frac+strings.Repeat("0", 6-len(frac))).String()
}

// chainReportDays is the days of the node's reports that aegis-node finds in the chain's tx
// index (chain.ReportHistory, what the status page charts), asked with the node's own config
// and keys; and the daemon's own record of them (its state file).
func chainReportDays(t *testing.T, n *resourceNode) (onChain, recorded map[uint64]bool) {
	t.Helper()
	enc, err := chain.NewEncoding()
	require.NoError(t, err)
	kr, err := keyring.New(sdk.KeyringServiceName(), n.Config.KeyringBackend, n.Home, nil, enc.Codec)
	require.NoError(t, err)
	cl, err := chain.Dial(enc, kr, chain.Options{RPC: n.Config.RPC, GRPC: n.Config.GRPC, ChainID: n.Config.ChainID,
		HotKey: n.Config.HotKey, Operator: n.Config.Operator})
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	effs, err := cl.ReportHistory(ctx, 1)
	require.NoError(t, err)
	onChain = map[uint64]bool{}
	for _, e := range effs {
		require.True(t, e.Eff.IsPositive(), "%+v", e)
		onChain[e.Day] = true
	}
	state, err := reporter.LoadState(n.Home)
	require.NoError(t, err)
	recorded = map[uint64]bool{}
	for _, h := range state.History {
		recorded[h.Day] = true
	}
	return onChain, recorded
}
