package system

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/dataset"
)

// challenge is a challenge as `aegisd q por challenges` prints it.
type challenge struct {
	ID             string `json:"id"`
	Day            string `json:"day"`
	Kind           string `json:"kind"`
	Status         string `json:"status"`
	DeadlineHeight string `json:"deadline_height"`
	ResolvedHeight string `json:"resolved_height"`
	Forfeited      string `json:"forfeited"`
}

func challengesOf(c *Chain, operator string) []challenge {
	var res struct {
		Challenges []challenge `json:"challenges"`
	}
	c.QueryJSON(&res, "por", "challenges", operator)
	return res.Challenges
}

func countStatus(cs []challenge, status string) int {
	n := 0
	for _, ch := range cs {
		if ch.Status == status {
			n++
		}
	}
	return n
}

// porNode is the part of `aegisd q por node` the challenge test reads.
type porNode struct {
	Node struct {
		Stake string   `json:"stake"`
		Roles []string `json:"roles"`
	} `json:"node"`
	ChallengeStats struct {
		Passed string `json:"passed"`
		Missed string `json:"missed"`
	} `json:"challenge_stats"`
}

func rewardsTotal(c *Chain, operator string) int64 { return atoi(rewardsOf(c, operator).Total) }

// rewardsOwed is what a node is owed and keeps unless a challenge goes wrong: the claimable
// total and what its open challenges hold. A challenge's opening moves what its report made
// claimable into held until the answer passes, so the claimable total alone dips meanwhile.
func rewardsOwed(c *Chain, operator string) int64 {
	r := rewardsOf(c, operator)
	owed := atoi(r.Total)
	for _, role := range r.Roles {
		owed += atoi(role.Held)
	}
	return owed
}

func rewardsOf(c *Chain, operator string) porRewards {
	var r porRewards
	c.QueryJSON(&r, "por", "rewards", operator)
	return r
}

// atoi reads the chain's decimal strings (0 when empty).
func atoi(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// enableChallenges turns x/por's challenges on in the genesis: every reported pair is
// challenged every day, its challenge opening within 2 blocks of the sampling at a block
// drawn from the block hashes, answers are due within answerBlocks blocks of the opening,
// two liveness misses within ten days slash 10% of the stake, and a failed or missed
// storage proof slashes 5% at once. Storage proofs have the default sizes (k1 96, k2 104,
// 32 nonces, 20 rechecks) over small datasets of a cheap label (scrypt N = 16, 1,664
// labels a storage unit), so that a node builds its dataset in seconds.
func enableChallenges(c *Chain, answerBlocks int) {
	c.EditGenesis(func(s map[string]json.RawMessage) {
		var gs map[string]any
		require.NoError(c.t, json.Unmarshal(s["por"], &gs))
		gs["params"].(map[string]any)["challenge"] = map[string]any{
			"challenges_per_day": 20, "answer_window_blocks": strconv.Itoa(answerBlocks),
			"slash_failures": 2, "failure_window_days": 10, "slash_fraction": "0.100000000000000000",
			"spread_blocks": "2", "storage_slash_fraction": "0.050000000000000000",
			"vesting_days": 14, "disqualify_days": 35,
			"storage": map[string]any{
				"labels_per_storage_unit": "1664", "label_scrypt_n": 16, "k1": 96, "k2": 104,
				"nonces": 32, "rechecks": 20, "scan_bytes_per_block": strconv.Itoa(1 << 20),
			},
		}
		s["por"], _ = json.Marshal(gs)
	})
}

// deleteQuarter deletes a quarter of each of a node's datasets once its build completes,
// as a node keeping three quarters of the storage it declares: the labels are zeroed on
// disk, the metadata still says they are built. It returns how many datasets it damaged.
func deleteQuarter(t *testing.T, home, operator string) *atomic.Int32 {
	dir := filepath.Join(home, "data", dataset.DirName)
	require.NoError(t, os.RemoveAll(dir)) // what an earlier run built, before anything looks
	store := dataset.NewStore(dir, sdk.MustAccAddressFromBech32(operator))
	var damaged atomic.Int32
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		seen := map[dataset.Key]bool{}
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			listed, err := store.List()
			if err != nil {
				continue
			}
			for _, l := range listed {
				m := l.Meta
				k := m.Key()
				if seen[k] || m.Built < m.Labels || m.Labels == 0 {
					continue
				}
				if _, err := store.DeleteFraction(k, m.Labels, 0.25, 7); err == nil {
					seen[k] = true
					damaged.Add(1)
				}
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return &damaged
}

// blockEvents are the events of type typ in block h's results, as attribute maps.
func blockEvents(t *testing.T, c *Chain, h int64, typ string) []map[string]string {
	t.Helper()
	var r struct {
		Result struct {
			Events []struct {
				Type       string `json:"type"`
				Attributes []struct {
					Key   string `json:"key"`
					Value string `json:"value"`
				} `json:"attributes"`
			} `json:"finalize_block_events"`
		} `json:"result"`
	}
	c.GetRPCJSON(fmt.Sprintf("/block_results?height=%d", h), &r)
	var out []map[string]string
	for _, e := range r.Result.Events {
		if e.Type != typ {
			continue
		}
		attrs := map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = strings.Trim(a.Value, `"`)
		}
		out = append(out, attrs)
	}
	return out
}

// TestSystemChallenges runs two resource nodes with aegis-node on a chain with 8-second
// days and challenges on. B's operator first forgets the answer grant, and run says so.
// Node A keeps its dataset: its storage proofs pass and it keeps earning. Node B deletes a
// quarter of its labels once they are built: its scans find no proof, its storage
// challenge is missed, and (spec section 8) the miss forfeits the held reward and
// everything still vesting, slashes 5% of its stake at once and disqualifies the role for
// 35 days: B keeps its slot, earns nothing more, and its daemon leaves the role out of its
// reports. aegis-node status shows both, vesting included. With compute proofs on, two
// compute workers run beside them (compute_test.go): C declares twice the compute its one
// core gives and is caught, forfeiting, slashed and disqualified; D passes.
func TestSystemChallenges(t *testing.T) {
	skipIfShort(t)
	began := time.Now()
	nodeBin := BuildNodeBinary(t)
	c := NewChain(t, BuildBinary(t), "nodeA", "nodeB", "nodeC", "nodeD")
	// A day outlasts a challenge's spread and window (2 + 8 blocks of ~0.55 s): a pair whose
	// challenge is still open when the next day is sampled is not sampled again, and B's
	// next report would earn unchallenged.
	c.SetDaySeconds(8)
	enableChallenges(c, 8)
	enableComputeProofs(c)
	c.Start()

	nodes := map[string]*resourceNode{}
	for _, key := range []string{"nodeA", "nodeB"} {
		n := initResourceNode(t, c, nodeBin, key, "--bandwidth-mbps", "1000", "--roles", "worker", "--authz") // authz keeps working
		require.Contains(t, n.InitOut, "tx authz grant "+n.Hot+" generic --msg-type /aegis.por.v1.MsgAnswerChallenge")
		out, err := n.run(c, "register", "--roles", "worker", "--stake", "20000AEGIS")
		require.NoError(t, err, out)
		n.setShares(t, 0, 100) // storage proofs: C and D prove compute (compute_test.go)
		nodes[key] = n
	}
	a, b := nodes["nodeA"], nodes["nodeB"]
	compute := setUpComputeWorkers(t, c, nodeBin)
	a.grant(t, c)

	// B's operator forgets the answer grant: run says at once that every challenge would be
	// missed, with the command to run.
	answerGrant := func(line string) bool { return strings.Contains(line, "MsgAnswerChallenge") }
	require.Equal(t, 3, b.grantIf(t, c, func(line string) bool { return !answerGrant(line) }))
	db := startNode(t, nodeBin, b.Home)
	want := "aegisd tx authz grant " + b.Hot + " generic --msg-type /aegis.por.v1.MsgAnswerChallenge --from " + b.Operator
	require.Eventually(t, func() bool {
		log := db.log.String()
		return strings.Contains(log, "has not authorized the hot key to answer") && strings.Contains(log, want)
	}, 20*time.Second, 200*time.Millisecond, db.log.String())
	db.stop(t)
	require.Equal(t, 1, b.grantIf(t, c, answerGrant))

	damaged := deleteQuarter(t, b.Home, b.Operator)
	da, db := startNode(t, nodeBin, a.Home), startNode(t, nodeBin, b.Home)
	t.Logf("set up after %s", time.Since(began))

	// Until B is slashed, every look: what A is owed never falls (its claimable total dips
	// while a challenge holds a report's earnings; see rewardsOwed). (B's reports made while
	// its dataset was building declared no storage: they were checked for liveness and earned.)
	var aRewards []int64
	var bNode porNode
	deadline := time.Now().Add(100 * time.Second)
	for {
		require.True(t, time.Now().Before(deadline), "B not slashed in time; A:\n%s\nB:\n%s", tail(da.log.String(), 4000), tail(db.log.String(), 4000))
		aRewards = append(aRewards, rewardsOwed(c, a.Operator))
		c.QueryJSON(&bNode, "por", "node", b.Operator)
		if bNode.Node.Stake != "20000000000" {
			break
		}
		time.Sleep(time.Second)
	}
	t.Logf("B slashed after %s", time.Since(began))
	bAtSlash := rewardsTotal(c, b.Operator)

	// B: slashed 5% by its first storage miss in the block that resolved it, and
	// disqualified: it keeps its slot (19,000 AEGIS still cover it) and vests nothing.
	require.Equal(t, "19000000000", bNode.Node.Stake)
	require.Equal(t, []string{"NODE_ROLE_WORKER"}, bNode.Node.Roles)
	bRew := rewardsOf(c, b.Operator)
	require.Len(t, bRew.Roles, 1)
	require.Positive(t, atoi(bRew.Roles[0].DisqualifiedUntil), "%+v", bRew)
	require.Zero(t, atoi(bRew.Roles[0].Vesting), "a storage miss forfeits all that vests")
	require.Zero(t, atoi(bRew.Vesting))
	require.Equal(t, "1", bNode.ChallengeStats.Missed)
	bs := challengesOf(c, b.Operator)
	require.Equal(t, 1, countStatus(bs, "CHALLENGE_STATUS_MISSED"), "%+v", bs)
	var missed challenge
	for _, ch := range bs {
		if ch.Status == "CHALLENGE_STATUS_MISSED" {
			missed = ch
		}
	}
	require.Equal(t, "CHALLENGE_KIND_STORAGE", missed.Kind, "B committed a dataset: %+v", missed)
	require.Positive(t, atoi(missed.Forfeited), "a missed challenge forfeits its report's reward: %+v", missed)
	h := atoi(missed.ResolvedHeight)
	slashed := blockEvents(t, c, h, "aegis.por.v1.EventNodeSlashed")
	require.Len(t, slashed, 1, "EventNodeSlashed at height %d", h)
	require.Equal(t, b.Operator, slashed[0]["operator"])
	require.Contains(t, slashed[0]["reason"], "missed storage proof")
	disq := blockEvents(t, c, h, "aegis.por.v1.EventRoleDisqualified")
	require.Len(t, disq, 1, "EventRoleDisqualified at height %d", h)
	require.Equal(t, missed.Forfeited, disq[0]["forfeited"], "the forfeit counts the held reward and the unvested balance")
	require.Equal(t, bRew.Roles[0].DisqualifiedUntil, disq[0]["until_day"])
	// 35 days from the day of the miss: the day after the checked report's, or the next if
	// the window ran over a day's end.
	require.Contains(t, []int64{35, 36}, atoi(disq[0]["until_day"])-atoi(missed.Day), "%+v %+v", disq[0], missed)
	require.Positive(t, damaged.Load())
	require.Contains(t, db.log.String(), "the scan of the dataset found no proof")
	require.NotRegexp(t, `"msg":"challenge answered","challenge":\d+,"kind":"storage"`, db.log.String(), "B has no storage proof to answer with")

	// A: every resolved challenge passed (storage), and its rewards grew.
	var aNode porNode
	require.Eventually(t, func() bool { // A's challenge of the same day may still be open
		c.QueryJSON(&aNode, "por", "node", a.Operator)
		return atoi(aNode.ChallengeStats.Passed) >= 2
	}, 20*time.Second, 500*time.Millisecond, "A's challenges:\n%+v\n%s", challengesOf(c, a.Operator), tail(da.log.String(), 4000))
	// A's first reports, made while its dataset was building, were checked for liveness;
	// B can be caught before A's first storage proof resolves: wait a day or two for it.
	var as []challenge
	require.Eventually(t, func() bool {
		as = challengesOf(c, a.Operator)
		for _, ch := range as {
			if ch.Kind == "CHALLENGE_KIND_STORAGE" && ch.Status == "CHALLENGE_STATUS_PASSED" {
				return true
			}
		}
		return false
	}, 30*time.Second, 500*time.Millisecond, "A's storage proofs pass: %+v\n%s", as, tail(da.log.String(), 4000))
	require.Zero(t, countStatus(as, "CHALLENGE_STATUS_MISSED"), "%+v\n%s", as, da.log.String())
	require.Zero(t, countStatus(as, "CHALLENGE_STATUS_FAILED"), "%+v", as)
	require.Contains(t, da.log.String(), "challenge answered")
	// Each passed challenge releases a day's earnings: A's rewards step up day after day,
	// and again after B's slash.
	last := aRewards[len(aRewards)-1]
	require.Eventually(t, func() bool { return rewardsOwed(c, a.Operator) > last }, 20*time.Second, 500*time.Millisecond,
		"A keeps earning: %v", aRewards)
	aRewards = append(aRewards, rewardsOwed(c, a.Operator))
	steps := 0
	for i := 1; i < len(aRewards); i++ {
		require.GreaterOrEqual(t, aRewards[i], aRewards[i-1], "A's rewards never fall: %v", aRewards)
		if aRewards[i] > aRewards[i-1] {
			steps++
		}
	}
	require.GreaterOrEqual(t, steps, 2, "A's rewards grew on several days: %v", aRewards)
	require.Equal(t, "20000000000", aNode.Node.Stake)
	require.Positive(t, atoi(rewardsOf(c, a.Operator).Vesting), "three quarters of A's rewards vest over 14 days")
	require.Equal(t, bAtSlash, rewardsTotal(c, b.Operator), "B, disqualified, earns nothing more")
	// B's daemon leaves the role out from its next report time on (a day is 8 s).
	require.Eventually(t, func() bool {
		return strings.Contains(db.log.String(), "role disqualified by a failed or missed storage proof: left out of reports")
	}, 30*time.Second, 250*time.Millisecond, "B's log:\n%s", tail(db.log.String(), 3000))
	require.Equal(t, bAtSlash, rewardsTotal(c, b.Operator), "B, disqualified, still earns nothing")

	// The daemons' metrics count the answers and the misses for want of a dataset.
	for n, want := range map[*resourceNode]string{a: `aegis_node_challenges_answered_total{kind="storage"}`, b: `aegis_node_challenge_failures_total{cause="no_proof"}`} {
		resp, err := http.Get("http://" + n.Config.Listen.Metrics + "/metrics")
		require.NoError(t, err)
		metrics, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Contains(t, string(metrics), want)
	}

	// A reports through its hot key with MsgExec (authz): the chain's record of its reports,
	// which its status page charts, is found by the event's operator all the same, and holds
	// every report A's daemon recorded.
	onChain, recorded := chainReportDays(t, a)
	require.GreaterOrEqual(t, len(recorded), 2, "A recorded its reports")
	for day := range recorded {
		require.True(t, onChain[day], "A's report of day %d is in the chain's tx index: %v", day, onChain)
	}

	// aegis-node status shows the same.
	var st struct {
		Vesting    string `json:"vesting_uaegis"`
		Challenges struct {
			Enabled bool   `json:"enabled"`
			Passed  uint64 `json:"passed"`
			Missed  uint64 `json:"missed"`
		} `json:"challenges"`
		Roles []struct {
			Disqualified uint64 `json:"disqualified_until_day"`
		} `json:"roles"`
	}
	require.NoError(t, a.status(&st))
	require.True(t, st.Challenges.Enabled)
	require.Positive(t, st.Challenges.Passed)
	require.Zero(t, st.Challenges.Missed)
	require.Positive(t, atoi(st.Vesting))
	require.NoError(t, b.status(&st))
	require.Equal(t, uint64(1), st.Challenges.Missed)
	require.Len(t, st.Roles, 1)
	require.Equal(t, atoi(bRew.Roles[0].DisqualifiedUntil), int64(st.Roles[0].Disqualified))
	require.Equal(t, atoi(bNode.ChallengeStats.Passed), int64(st.Challenges.Passed), "B's liveness checks, from before its dataset was built")

	// C, declaring twice its compute, is caught; D, honest, passes its compute proofs.
	compute.check(t, c)
	t.Logf("done after %s", time.Since(began))
}
