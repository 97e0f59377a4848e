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
		Stake            string   `json:"stake"`
		Roles            []string `json:"roles"`
		ChallengesPassed string   `json:"challenges_passed"`
		ChallengesMissed string   `json:"challenges_missed"`
	} `json:"node"`
}

func rewardsTotal(c *Chain, operator string) int64 {
	var r struct {
		Total string `json:"total"`
	}
	c.QueryJSON(&r, "por", "rewards", operator)
	return atoi(r.Total)
}

// atoi reads the chain's decimal strings (0 when empty).
func atoi(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}

// enableChallenges turns x/por's challenges on in the genesis: every reported pair is
// challenged every day, its challenge opening within 2 blocks of the sampling at a block
// drawn from the block hashes, answers are due within answerBlocks blocks of the opening,
// and two misses within ten days slash 10% of the stake.
func enableChallenges(c *Chain, answerBlocks int) {
	c.EditGenesis(func(s map[string]json.RawMessage) {
		var gs map[string]any
		require.NoError(c.t, json.Unmarshal(s["por"], &gs))
		gs["params"].(map[string]any)["challenge"] = map[string]any{
			"challenges_per_day": 20, "answer_window_blocks": strconv.Itoa(answerBlocks), "leaves_per_challenge": 4,
			"leaf_work": 64, "leaves_per_storage_unit": "16", "slash_failures": 2, "failure_window_days": 10,
			"slash_fraction": "0.100000000000000000", "spread_blocks": "2",
		}
		s["por"], _ = json.Marshal(gs)
	})
}

// deleteDataset removes a node's dataset as soon as a build puts it in place, as a node
// that does not keep its data would: every report commits a root the node then cannot
// prove. It returns the number of deletions so far.
func deleteDataset(t *testing.T, home string) *atomic.Int32 {
	dir := filepath.Join(home, "data", dataset.DirName)
	var deleted atomic.Int32
	require.NoError(t, os.RemoveAll(dir)) // what an earlier run built, before anything looks
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := os.Stat(filepath.Join(dir, "current", dataset.MetaFile)); err == nil {
				if os.RemoveAll(dir) == nil {
					deleted.Add(1)
				}
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return &deleted
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

// TestSystemChallenges runs two resource nodes with aegis-node on a chain with 6-second
// days and challenges on. B's operator first forgets the answer grant, and run says so.
// Node A keeps its dataset: its storage challenges pass and it keeps earning. Node B loses its dataset after every report: its challenges are missed,
// their reward forfeited, B earns nothing, and the second miss slashes 10% of its stake and
// takes its role away. aegis-node status shows both.
func TestSystemChallenges(t *testing.T) {
	skipIfShort(t)
	began := time.Now()
	nodeBin := BuildNodeBinary(t)
	c := NewChain(t, BuildBinary(t), "nodeA", "nodeB")
	// A day outlasts a challenge's spread and window (2 + 8 blocks of ~0.55 s): a pair whose
	// challenge is still open when the next day is sampled is not sampled again, and B's
	// next report would earn unchallenged.
	c.SetDaySeconds(8)
	enableChallenges(c, 8)
	c.Start()

	nodes := map[string]*resourceNode{}
	for _, key := range []string{"nodeA", "nodeB"} {
		n := initResourceNode(t, c, nodeBin, key, "--bandwidth-mbps", "1000", "--roles", "worker", "--authz") // authz keeps working
		require.Contains(t, n.InitOut, "tx authz grant "+n.Hot+" generic --msg-type /aegis.por.v1.MsgAnswerChallenge")
		out, err := n.run(c, "register", "--roles", "worker", "--stake", "20000AEGIS")
		require.NoError(t, err, out)
		nodes[key] = n
	}
	a, b := nodes["nodeA"], nodes["nodeB"]
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

	deleted := deleteDataset(t, b.Home)
	da, db := startNode(t, nodeBin, a.Home), startNode(t, nodeBin, b.Home)
	t.Logf("set up after %s", time.Since(began))

	// Until B is slashed, every look: A's rewards never fall, B's stay at (about) zero.
	var aRewards []int64
	var bNode porNode
	deadline := time.Now().Add(100 * time.Second)
	for {
		require.True(t, time.Now().Before(deadline), "B not slashed in time; A:\n%s\nB:\n%s", tail(da.log.String(), 4000), tail(db.log.String(), 4000))
		aRewards = append(aRewards, rewardsTotal(c, a.Operator))
		// x/por forfeits the whole uaegis of a missed report and leaves the fraction with
		// the node: at most 1 uaegis of dust per miss.
		bTotal := rewardsTotal(c, b.Operator)
		c.QueryJSON(&bNode, "por", "node", b.Operator)
		require.LessOrEqual(t, bTotal, atoi(bNode.Node.ChallengesMissed), "B's challenged reports earn it nothing")
		if bNode.Node.Stake != "20000000000" {
			break
		}
		time.Sleep(time.Second)
	}
	t.Logf("B slashed after %s", time.Since(began))

	// B: slashed 10% for two misses, its role taken away, in the block that resolved the
	// second miss.
	require.Equal(t, "18000000000", bNode.Node.Stake)
	require.Empty(t, bNode.Node.Roles)
	require.Equal(t, "2", bNode.Node.ChallengesMissed)
	bs := challengesOf(c, b.Operator)
	require.Equal(t, 2, countStatus(bs, "CHALLENGE_STATUS_MISSED"), "%+v", bs)
	var second challenge
	for _, ch := range bs {
		if ch.Status != "CHALLENGE_STATUS_MISSED" {
			continue
		}
		require.Equal(t, "CHALLENGE_KIND_STORAGE", ch.Kind, "B committed a dataset root: %+v", ch)
		require.Positive(t, atoi(ch.Forfeited), "a missed challenge forfeits its report's reward: %+v", ch)
		if atoi(ch.ID) > atoi(second.ID) {
			second = ch
		}
	}
	h := atoi(second.ResolvedHeight)
	slashed := blockEvents(t, c, h, "aegis.por.v1.EventNodeSlashed")
	require.Len(t, slashed, 1, "EventNodeSlashed at height %d", h)
	require.Equal(t, b.Operator, slashed[0]["operator"])
	require.Contains(t, slashed[0]["reason"], "missed 2 challenges")
	require.Positive(t, deleted.Load())
	require.Contains(t, db.log.String(), "the challenge will be missed")
	require.Contains(t, db.log.String(), "challenge dataset built")
	require.NotContains(t, db.log.String(), "challenge answered", "B has nothing to answer with")

	// A: every resolved challenge passed (storage), and its rewards grew.
	var aNode porNode
	require.Eventually(t, func() bool { // A's challenge of the same day may still be open
		c.QueryJSON(&aNode, "por", "node", a.Operator)
		return atoi(aNode.Node.ChallengesPassed) >= 2
	}, 20*time.Second, 500*time.Millisecond, "A's challenges:\n%+v\n%s", challengesOf(c, a.Operator), tail(da.log.String(), 4000))
	as := challengesOf(c, a.Operator)
	require.Zero(t, countStatus(as, "CHALLENGE_STATUS_MISSED"), "%+v\n%s", as, da.log.String())
	for _, ch := range as {
		require.Equal(t, "CHALLENGE_KIND_STORAGE", ch.Kind)
	}
	require.Contains(t, da.log.String(), "challenge answered")
	// Each passed challenge releases a day's earnings: A's rewards step up day after day,
	// and again after B's slash.
	last := aRewards[len(aRewards)-1]
	require.Eventually(t, func() bool { return rewardsTotal(c, a.Operator) > last }, 20*time.Second, 500*time.Millisecond,
		"A keeps earning: %v", aRewards)
	aRewards = append(aRewards, rewardsTotal(c, a.Operator))
	steps := 0
	for i := 1; i < len(aRewards); i++ {
		require.GreaterOrEqual(t, aRewards[i], aRewards[i-1], "A's rewards never fall: %v", aRewards)
		if aRewards[i] > aRewards[i-1] {
			steps++
		}
	}
	require.GreaterOrEqual(t, steps, 2, "A's rewards grew on several days: %v", aRewards)
	require.Equal(t, "20000000000", aNode.Node.Stake)

	// The daemons' metrics count the answers and the misses for want of a dataset.
	for n, want := range map[*resourceNode]string{a: `aegis_node_challenges_answered_total{kind="storage"}`, b: `aegis_node_challenge_failures_total{cause="dataset"}`} {
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
		Challenges struct {
			Enabled bool   `json:"enabled"`
			Passed  uint64 `json:"passed"`
			Missed  uint64 `json:"missed"`
		} `json:"challenges"`
	}
	require.NoError(t, a.status(&st))
	require.True(t, st.Challenges.Enabled)
	require.Positive(t, st.Challenges.Passed)
	require.Zero(t, st.Challenges.Missed)
	require.NoError(t, b.status(&st))
	require.Equal(t, uint64(2), st.Challenges.Missed)
	require.Zero(t, st.Challenges.Passed)
	t.Logf("done after %s", time.Since(began))
}
