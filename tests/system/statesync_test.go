package system

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// snapshotInterval: the validator of TestSystemStateSync takes a state-sync snapshot every
// this many blocks (app.toml state-sync.snapshot-interval).
const snapshotInterval = 10

// TestSystemStateSync: a new full node joins by state sync, not replay, a chain past
// several day ticks whose every Aegis store holds something: licenses bound to the
// validator, a resource node registered and reporting, a challenge open. It restores the
// validator's snapshot, then follows the chain with the same app hash, and answers the
// same as the validator at the same height.
func TestSystemStateSync(t *testing.T) {
	skipIfShort(t)
	bin := BuildBinary(t)
	c := NewChain(t, bin, "nodeA", "holder")
	alice, holder, nodeA := c.KeyAddress("alice"), c.KeyAddress("holder"), c.KeyAddress("nodeA")
	c.SetDaySeconds(6)
	// The answer window (200 blocks, ~2 min) outlasts the test: nodeA never answers, so its
	// challenge is open when the snapshot is taken and the joiner restores it.
	enableChallenges(c, 200)
	c.EditGenesis(func(s map[string]json.RawMessage) {
		var gs map[string]any
		require.NoError(t, json.Unmarshal(s["license"], &gs))
		gs["params"].(map[string]any)["authority"] = alice
		s["license"], _ = json.Marshal(gs)
	})
	c.MustRun("config", "set", "app", "state-sync.snapshot-interval", strconv.Itoa(snapshotInterval), "--skip-validate")
	// Kept for a minute of ~0.55 s blocks: a joiner spends its first 15 s discovering
	// snapshots, and one pruned under it is asked for again and again (CometBFT does not
	// move on to another).
	c.MustRun("config", "set", "app", "state-sync.snapshot-keep-recent", "12", "--skip-validate")
	c.MustRun("config", "set", "config", "p2p.allow_duplicate_ip", "true", "--skip-validate")
	c.Start()

	res := c.Tx("tx", "license", "mint", holder, "3", "--from", "alice")
	require.Zero(t, res.Code, res.RawLog)
	res = c.Tx("tx", "license", "authorize-operator", alice, "1", "2", "--from", "holder")
	require.Zero(t, res.Code, res.RawLog)
	var vals struct {
		Validators []struct {
			OperatorAddress string `json:"operator_address"`
		} `json:"validators"`
	}
	c.QueryJSON(&vals, "staking", "validators")
	res = c.Tx("tx", "license", "bind-validator", vals.Validators[0].OperatorAddress, "1", "2", "--from", "alice", "--gas", "auto", "--gas-adjustment", "1.5")
	require.Zero(t, res.Code, res.RawLog)
	res = c.Tx("tx", "por", "register", "node-a", "20000000000uaegis", "--roles", "worker", "--from", "nodeA")
	require.Zero(t, res.Code, res.RawLog)
	report := func() {
		res := c.Tx("tx", "por", "report", "--from", "nodeA",
			"--totals", `{"compute":150,"storage":100,"bandwidth":80}`,
			"--parts", `{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}`)
		require.Zero(t, res.Code, res.RawLog)
	}
	report()

	// Past several day ticks, with nodeA's challenge open and reported again on a later day.
	require.Eventually(t, func() bool {
		return countStatus(challengesOf(c, nodeA), "CHALLENGE_STATUS_PENDING") > 0
	}, 60*time.Second, time.Second, "no challenge opened for nodeA")
	var st struct {
		CurrentDay string `json:"current_day"`
		DaysIssued string `json:"days_issued"`
	}
	require.Eventually(t, func() bool {
		c.QueryJSON(&st, "emission", "status")
		return atoi(st.DaysIssued) >= 4
	}, 60*time.Second, time.Second)
	report()
	require.Positive(t, countStatus(challengesOf(c, nodeA), "CHALLENGE_STATUS_PENDING"), "the challenge closed before the snapshot")

	// A snapshot after all of that: the next multiple of the interval, and two blocks on
	// (the light client verifies the snapshot's height against the header after it).
	snap := (c.Height()/snapshotInterval + 1) * snapshotInterval
	c.WaitForHeight(snap+2, 60*time.Second)
	j := stateSyncJoiner(t, c, snap)
	j.WaitForHeight(c.Height(), 120*time.Second)

	// It restored a snapshot: its store begins there, and it holds no earlier block.
	earliest, err := earliestHeight(j.RPC)
	require.NoError(t, err)
	require.GreaterOrEqual(t, earliest, snap, "the joiner replayed blocks instead of restoring the snapshot")
	logs, err := os.ReadFile(filepath.Join(j.Home, "node.log"))
	require.NoError(t, err)
	require.Contains(t, string(logs), "Snapshot restored", "joiner log:\n%s", tail(string(logs), 3000))

	// The same app hash at the heights after the snapshot, and the same answers at a height
	// both hold, from every Aegis module.
	h := c.Height() + 2
	j.WaitForHeight(h+1, 60*time.Second)
	c.WaitForHeight(h+1, 60*time.Second)
	for _, at := range []int64{earliest + 1, h} {
		require.Equal(t, c.block(at).AppHash, j.block(at).AppHash, "app hash at height %d", at)
	}
	for _, q := range [][]string{
		{"emission", "status"},
		{"por", "challenges", nodeA},
		{"por", "node", nodeA},
		{"por", "rewards", nodeA},
		{"license", "commitment"},
		{"license", "licenses", "--owner", holder},
		{"license", "supply"},
		{"license", "rewards", holder},
		{"por", "role", "worker"},
		{"bank", "total-supply"},
	} {
		args := append(append([]string{"q"}, q...), "--height", strconv.FormatInt(h, 10), "--output", "json")
		want := c.MustRun(append(args, "--node", "tcp://"+c.RPC)...)
		got := j.MustRun(append(args, "--node", "tcp://"+j.RPC)...)
		require.JSONEq(t, want, got, "q %s at height %d", strings.Join(q, " "), h)
	}
	var restored struct {
		Challenges []challenge `json:"challenges"`
	}
	require.NoError(t, json.Unmarshal([]byte(j.MustRun("q", "por", "challenges", nodeA, "--height", strconv.FormatInt(h, 10),
		"--output", "json", "--node", "tcp://"+j.RPC)), &restored))
	require.Positive(t, countStatus(restored.Challenges, "CHALLENGE_STATUS_PENDING"), "the joiner holds nodeA's open challenge: %+v", restored)
}

// stateSyncJoiner starts a new full node that joins c by state sync: its only peer is c's
// node, which serves the snapshots and, twice, the light client's RPC (a light client
// needs a primary and a witness), and it trusts c's header at trustHeight.
func stateSyncJoiner(t *testing.T, c *Chain, trustHeight int64) *Chain {
	t.Helper()
	j := &Chain{t: t, Bin: c.Bin, Home: t.TempDir(), ChainID: c.ChainID,
		RPC: freeAddr(t), GRPC: freeAddr(t), API: freeAddr(t), P2P: freeAddr(t)}
	j.MustRun("init", "joiner", "--chain-id", c.ChainID)
	gen, err := os.ReadFile(filepath.Join(c.Home, "config", "genesis.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(j.Home, "config", "genesis.json"), gen, 0o600))
	id := strings.TrimSpace(c.MustRun("comet", "show-node-id"))
	for _, kv := range [][2]string{
		{"p2p.persistent_peers", id + "@" + c.P2P},
		{"p2p.allow_duplicate_ip", "true"},
		{"consensus.timeout_commit", "500ms"},
		{"statesync.enable", "true"},
		{"statesync.rpc_servers", "tcp://" + c.RPC + ",tcp://" + c.RPC},
		{"statesync.trust_height", strconv.FormatInt(trustHeight, 10)},
		{"statesync.trust_hash", c.block(trustHeight).Hash},
		{"statesync.trust_period", "168h0m0s"},
	} {
		j.MustRun("config", "set", "config", kv[0], kv[1], "--skip-validate")
	}
	j.MustRun("config", "set", "client", "chain-id", c.ChainID)
	j.Start()
	return j
}

// block is c's block h, which must exist.
func (c *Chain) block(h int64) blockIDs {
	c.t.Helper()
	b, err := blockAt(c.RPC, h)
	require.NoError(c.t, err)
	require.NotEmpty(c.t, b.Hash)
	return b
}
