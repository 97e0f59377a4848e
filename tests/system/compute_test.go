package system

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/probe"
)

// Compute proofs on a real chain (docs/verification.md, "The compute proof"): the unit is
// the real one (1,000 tiles a second), a challenge asks for 8 seconds of the compute a
// pair declared and its root is due 10 seconds of chain time after the opening, a block
// counting at most 2 seconds of it.
const (
	sysComputeWork   = 8
	sysComputeCommit = 10
)

// enableComputeProofs turns compute proofs on in the genesis (after enableChallenges),
// with a 5% slash for a failed or missed one.
func enableComputeProofs(c *Chain) {
	c.EditGenesis(func(s map[string]json.RawMessage) {
		var gs map[string]any
		require.NoError(c.t, json.Unmarshal(s["por"], &gs))
		cp := gs["params"].(map[string]any)["challenge"].(map[string]any)
		cp["compute"] = map[string]any{
			"tiles_per_unit_second": "1000", "work_seconds": sysComputeWork, "commit_seconds": sysComputeCommit,
			"samples": 10, "max_block_seconds": 2,
		}
		cp["compute_slash_fraction"] = "0.050000000000000000"
		s["por"], _ = json.Marshal(gs)
	})
}

// setShares sets the percentage of the machine's compute and storage a node's one role
// (worker) declares.
func (n *resourceNode) setShares(t *testing.T, compute, storage uint64) {
	t.Helper()
	cfg, err := config.Load(n.Home)
	require.NoError(t, err)
	require.Len(t, cfg.Roles, 1)
	cfg.Roles[0].Compute, cfg.Roles[0].Storage = compute, storage
	require.NoError(t, config.Write(n.Home, cfg))
	n.Config = cfg
}

// declareTwiceItsCompute makes n a node that declares twice the compute it has: its
// machine is one core (GOMAXPROCS=1 for the probe and, through startNodeEnv, the daemon),
// and its probe's cached measurement claims twice the tiles a second that core gave.
func (n *resourceNode) declareTwiceItsCompute(t *testing.T) (measured float64) {
	t.Helper()
	cmd := exec.Command(n.Bin, "probe", "--home", n.Home, "-o", "json")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	out, err := cmd.Output()
	require.NoError(t, err, string(out))
	var res struct {
		Measurement probe.Measurement `json:"measurement"`
	}
	require.NoError(t, json.Unmarshal(out, &res), string(out))
	m := res.Measurement
	require.Equal(t, 1, m.UsableCores)
	measured = m.ComputeTilesPerSecond
	m.ComputeTilesPerSecond *= 2
	// The daemon reports from this cached measurement until it is stale (a day).
	require.NoError(t, (probe.Cache{Dir: n.Home}).Save(m))
	return measured
}

// computeWorkers are TestSystemChallenges' two compute workers: honest D declares a tenth
// of its machine's compute and no storage, so every check of it is a compute proof; C
// declares twice what its one core computes (and no storage).
type computeWorkers struct {
	c, d          *resourceNode
	dc, dd        *nodeDaemon
	cMeasured     float64
	cStakeAtStart string
}

func setUpComputeWorkers(t *testing.T, c *Chain, nodeBin string) *computeWorkers {
	w := &computeWorkers{}
	for _, key := range []string{"nodeC", "nodeD"} {
		n := initResourceNode(t, c, nodeBin, key, "--bandwidth-mbps", "1000", "--roles", "worker", "--authz", "--check-roles=false")
		out, err := n.run(c, "register", "--roles", "worker", "--stake", "20000AEGIS")
		require.NoError(t, err, out)
		n.grant(t, c)
		if key == "nodeC" {
			n.setShares(t, 100, 0)
			w.c, w.cMeasured = n, n.declareTwiceItsCompute(t)
		} else {
			n.setShares(t, 10, 0)
			w.d = n
		}
	}
	w.dc = startNodeEnv(t, nodeBin, w.c.Home, "GOMAXPROCS=1")
	w.dd = startNode(t, nodeBin, w.d.Home)
	return w
}

// check: C's compute proof is missed (its root comes after the deadline, or never), which
// forfeits what vests, disqualifies its role and slashes 5%; D passes every compute proof
// and keeps earning.
func (w *computeWorkers) check(t *testing.T, c *Chain) {
	var cNode porNode
	require.Eventually(t, func() bool {
		c.QueryJSON(&cNode, "por", "node", w.c.Operator)
		return cNode.Node.Stake != "20000000000"
	}, 90*time.Second, time.Second, "C, declaring twice its compute, is caught: %+v\n%s", challengesOf(c, w.c.Operator), tail(w.dc.log.String(), 4000))
	require.Equal(t, "19000000000", cNode.Node.Stake, "5% slashed")
	cs := challengesOf(c, w.c.Operator)
	var caught challenge
	for _, ch := range cs {
		require.Equal(t, "CHALLENGE_KIND_COMPUTE", ch.Kind, "C keeps no dataset: every check is a compute proof")
		require.NotEqual(t, "CHALLENGE_STATUS_PASSED", ch.Status, "C never passes: %+v", cs)
		if ch.Status == "CHALLENGE_STATUS_MISSED" || ch.Status == "CHALLENGE_STATUS_FAILED" {
			caught = ch
		}
	}
	require.NotEmpty(t, caught.ID, "%+v", cs)
	require.Positive(t, atoi(caught.Forfeited), "C forfeits what its report earned and what vests: %+v", caught)
	cRew := rewardsOf(c, w.c.Operator)
	require.Len(t, cRew.Roles, 1)
	require.Zero(t, atoi(cRew.Vesting), "nothing left vesting")
	require.Positive(t, atoi(cRew.Roles[0].DisqualifiedUntil), "C's worker role is disqualified: %+v", cRew)
	t.Logf("C (one core measured at %.0f tiles/s, declaring twice that) caught by challenge %s: %s, %s uaegis forfeited", w.cMeasured, caught.ID, caught.Status, caught.Forfeited)

	// D: its compute proofs pass, one a day, and what it is owed grows.
	var ds []challenge
	start := rewardsOwed(c, w.d.Operator)
	require.Eventually(t, func() bool {
		ds = challengesOf(c, w.d.Operator)
		return countStatus(ds, "CHALLENGE_STATUS_PASSED") >= 2 && rewardsOwed(c, w.d.Operator) > start
	}, 60*time.Second, time.Second, "D's compute proofs pass: %+v\n%s", ds, tail(w.dd.log.String(), 4000))
	for _, ch := range ds {
		require.Equal(t, "CHALLENGE_KIND_COMPUTE", ch.Kind)
	}
	require.Zero(t, countStatus(ds, "CHALLENGE_STATUS_MISSED"), "%+v\n%s", ds, w.dd.log.String())
	require.Zero(t, countStatus(ds, "CHALLENGE_STATUS_FAILED"), "%+v", ds)
	var dNode porNode
	c.QueryJSON(&dNode, "por", "node", w.d.Operator)
	require.Equal(t, "20000000000", dNode.Node.Stake)
	require.Zero(t, atoi(rewardsOf(c, w.d.Operator).Roles[0].DisqualifiedUntil))
	t.Logf("D passed %d compute proofs of %d", countStatus(ds, "CHALLENGE_STATUS_PASSED"), len(ds))
}
