//go:build localnet

package system

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Net is a localnet made by scripts/localnet.sh: four validators (node0..node3) and a full
// node (full), each a separate aegisd process, plus aegis-node resource nodes (res1, res2).
// The tests start, stop, kill and pause the processes as operators' machines do.
type Net struct {
	t            *testing.T
	Root, Home   string
	Bin, NodeBin string // Bin: the aegisd the net was started with
	ChainID      string
	DaySeconds   int
	// NetNS: every process on a host of its own (scripts/localnet.sh LOCALNET_NETNS=1):
	// node<i> at 10.77.0.<i+1>, full at .5, res<j> at .<5+j>, each on the default ports.
	NetNS bool
	// Maps, shared by every With view of the net.
	extra  map[string]int    // nodes added by a test -> port offset
	bins   map[string]string // nodes restarted with another aegisd -> its path
	halted map[string]bool   // upgrades whose "UPGRADE ... NEEDED" halt the logs may show
}

var Validators = []string{"node0", "node1", "node2", "node3"}

// StartNet creates and starts a fresh localnet in a temp dir (the script's fixed ports:
// one localnet at a time on a machine).
func StartNet(t *testing.T, daySeconds int) *Net { t.Helper(); return StartNetWith(t, daySeconds, "") }

// StartNetWith is StartNet with every node running bin (LOCALNET_BIN; "" is the script's
// build/aegisd), such as a build from before an upgrade.
func StartNetWith(t *testing.T, daySeconds int, bin string) *Net {
	t.Helper()
	return startNet(t, daySeconds, bin, false, nil)
}

// StartNetNS is StartNet with every process in a network namespace of its own, joined by
// tools/netlab's switch (Netlab applies faults). It needs root.
func StartNetNS(t *testing.T, daySeconds int) *Net {
	t.Helper()
	return StartNetNSWith(t, daySeconds, nil)
}

// StartNetNSWith is StartNetNS with the genesis edited by edit (on node0's home, which
// checks it) before any node starts.
func StartNetNSWith(t *testing.T, daySeconds int, edit func(*Chain)) *Net {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	return startNet(t, daySeconds, "", true, edit)
}

func startNet(t *testing.T, daySeconds int, bin string, netns bool, edit func(*Chain)) *Net {
	t.Helper()
	root := sourceRoot(t)
	if bin == "" {
		bin = filepath.Join(root, "build", "aegisd")
	}
	n := &Net{
		t: t, Root: root, Home: t.TempDir(), ChainID: "aegis-localnet-1", DaySeconds: daySeconds,
		Bin: bin, NodeBin: filepath.Join(root, "build", "aegis-node"), NetNS: netns,
		extra: map[string]int{}, bins: map[string]string{}, halted: map[string]bool{},
	}
	t.Cleanup(func() {
		_ = n.script("stop")
		if t.Failed() {
			n.dumpLogs()
		}
	})
	if edit != nil {
		out, err := n.scriptOutput("create", "--reset")
		require.NoError(t, err, out)
		edit(n.Chain("node0"))
		gen, err := os.ReadFile(filepath.Join(n.NodeHome("node0"), "config", "genesis.json"))
		require.NoError(t, err)
		for _, name := range []string{"node1", "node2", "node3", "full"} {
			require.NoError(t, os.WriteFile(filepath.Join(n.NodeHome(name), "config", "genesis.json"), gen, 0o644))
		}
	}
	args := []string{"start", "--reset"}
	if edit != nil {
		args = args[:1] // keep what create made
	}
	out, err := n.scriptOutput(args...)
	require.NoError(t, err, out)
	t.Logf("localnet up:\n%s", out)
	return n
}

// With is the net seen from a subtest: failures are reported on t.
func (n *Net) With(t *testing.T) *Net { c := *n; c.t = t; return &c }

func (n *Net) scriptOutput(args ...string) (string, error) {
	cmd := exec.Command("bash", append([]string{filepath.Join(n.Root, "scripts", "localnet.sh")}, args...)...)
	cmd.Dir = n.Root
	cmd.Env = append(os.Environ(), "LOCALNET_HOME="+n.Home, "LOCALNET_DAY_SECONDS="+strconv.Itoa(n.DaySeconds),
		"LOCALNET_BIN="+n.Bin)
	if n.NetNS {
		cmd.Env = append(cmd.Env, "LOCALNET_NETNS=1")
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (n *Net) script(args ...string) error { _, err := n.scriptOutput(args...); return err }

// Nodes are the aegisd nodes of the net: the validators, the full node and the nodes a
// test added, in port order.
func (n *Net) Nodes() []string {
	names := append(append([]string{}, Validators...), "full")
	for name := range n.extra {
		names = append(names, name)
	}
	sort.SliceStable(names, func(i, j int) bool { return n.offset(names[i]) < n.offset(names[j]) })
	return names
}

func (n *Net) dumpLogs() {
	for _, name := range n.Nodes() {
		bz, _ := os.ReadFile(filepath.Join(n.Home, "logs", name+".log"))
		n.t.Logf("--- %s log (tail) ---\n%s", name, tail(string(bz), 3000))
	}
}

// offset is the port offset of a node: node<i> 10i, full 40, added nodes their own.
func (n *Net) offset(name string) int {
	if off, ok := n.extra[name]; ok {
		return off
	}
	if name == "full" {
		return 40
	}
	i, err := strconv.Atoi(strings.TrimPrefix(name, "node"))
	require.NoError(n.t, err, name)
	return 10 * i
}

// Host is a process's host number on the switch (NetNS): node<i> i+1, full 5, res<j> 5+j.
func (n *Net) Host(name string) int {
	switch {
	case name == "full":
		return 5
	case strings.HasPrefix(name, "res"):
		j, err := strconv.Atoi(strings.TrimPrefix(name, "res"))
		require.NoError(n.t, err, name)
		return 5 + j
	}
	i, err := strconv.Atoi(strings.TrimPrefix(name, "node"))
	require.NoError(n.t, err, name)
	return i + 1
}

// addr is where a node's servers are: its own address (NetNS) or loopback at its offset.
func (n *Net) addr(name string, port int) string {
	if n.NetNS {
		return fmt.Sprintf("10.77.0.%d:%d", n.Host(name), port)
	}
	return fmt.Sprintf("127.0.0.1:%d", port+n.offset(name))
}

// Netlab runs a tools/netlab command (set, partition, down, up, heal) on the net's switch.
func (n *Net) Netlab(args ...string) {
	n.t.Helper()
	require.True(n.t, n.NetNS, "Netlab needs a net started by StartNetNS")
	cmd := exec.Command(filepath.Join(n.Root, "build", "netlab"), append([]string{args[0], "-state", filepath.Join(n.Home, "netlab")}, args[1:]...)...)
	out, err := cmd.CombinedOutput()
	require.NoError(n.t, err, "netlab %s: %s", strings.Join(args, " "), out)
}

func (n *Net) NodeHome(name string) string { return filepath.Join(n.Home, name, "aegisd") }
func (n *Net) KeyringDir() string          { return filepath.Join(n.Home, "keys") }
func (n *Net) RPC(name string) string      { return n.addr(name, 26657) }
func (n *Net) API(name string) string      { return n.addr(name, 1317) }
func (n *Net) GRPC(name string) string     { return n.addr(name, 9090) }

// Chain is a view of the net through one node, for the single-chain helpers (Tx,
// QueryJSON, GetJSON); keys are the node's own keyring unless --keyring-dir is given.
func (n *Net) Chain(name string) *Chain {
	return &Chain{t: n.t, Bin: n.BinOf(name), Home: n.NodeHome(name), ChainID: n.ChainID,
		RPC: n.RPC(name), GRPC: n.GRPC(name), API: n.API(name)}
}

// Tx sends a tx through a node, signed by a key of the shared test keyring, paying fees.
func (n *Net) Tx(through string, args ...string) TxResult {
	n.t.Helper()
	return n.Chain(through).Tx(append(args, "--keyring-dir", n.KeyringDir(), "--chain-id", n.ChainID,
		"--gas", "auto", "--gas-adjustment", "1.5", "--gas-prices", "0.025uaegis")...)
}

// NodeTx sends a tx through a validator, signed by its operator key (the key named after
// the node in the node's own keyring, as testnet init-files makes it), paying fees.
func (n *Net) NodeTx(name string, args ...string) TxResult {
	n.t.Helper()
	return n.Chain(name).Tx(append(args, "--from", name, "--chain-id", n.ChainID,
		"--gas", "auto", "--gas-adjustment", "1.5", "--gas-prices", "0.025uaegis")...)
}

// BinOf is the aegisd a node runs: the net's, unless StartWith gave it another.
func (n *Net) BinOf(name string) string {
	if bin, ok := n.bins[name]; ok {
		return bin
	}
	return n.Bin
}

// Key returns the address of a key in the shared keyring.
func (n *Net) Key(name string) string {
	return strings.TrimSpace(n.Chain("node0").MustRun("keys", "show", name, "-a", "--keyring-backend", "test", "--keyring-dir", n.KeyringDir()))
}

func (n *Net) pidFile(name string) string { return filepath.Join(n.Home, "pids", name+".pid") }

// Pid is the pid of a running process of the net, 0 if none.
func (n *Net) Pid(name string) int {
	bz, err := os.ReadFile(n.pidFile(name))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(bz)))
	if pid == 0 || syscall.Kill(pid, 0) != nil {
		return 0
	}
	return pid
}

// Signal sends sig to a process of the net.
func (n *Net) Signal(name string, sig syscall.Signal) {
	n.t.Helper()
	pid := n.Pid(name)
	require.NotZero(n.t, pid, "%s is not running", name)
	require.NoError(n.t, syscall.Kill(pid, sig))
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		require.Eventually(n.t, func() bool { return syscall.Kill(pid, 0) != nil }, 30*time.Second, 100*time.Millisecond, "%s did not exit", name)
		_ = os.Remove(n.pidFile(name))
	}
}

// Stop stops a node as an operator does (SIGTERM, waiting for it to exit).
func (n *Net) Stop(name string) { n.t.Helper(); n.Signal(name, syscall.SIGTERM) }

// Start starts a stopped node of the net, logging to its log file as the script does.
func (n *Net) Start(name string) {
	n.t.Helper()
	require.Zero(n.t, n.Pid(name), "%s is already running", name)
	logf, err := os.OpenFile(filepath.Join(n.Home, "logs", name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(n.t, err)
	defer logf.Close()
	cmd := exec.Command(n.BinOf(name), "start", "--home", n.NodeHome(name))
	if n.NetNS { // on its host, as the script starts it
		cmd = exec.Command("ip", "netns", "exec", fmt.Sprintf("aegisnl%d", n.Host(name)), n.BinOf(name), "start", "--home", n.NodeHome(name))
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(n.t, cmd.Start())
	require.NoError(n.t, os.WriteFile(n.pidFile(name), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644))
	go func() { _ = cmd.Wait() }() // reap it when it exits
}

// StartWith starts a stopped node with another aegisd binary (an operator's binary swap at
// an upgrade); the node keeps running it from then on.
func (n *Net) StartWith(name, bin string) {
	n.t.Helper()
	n.bins[name] = bin
	n.Start(name)
}

// rpcJSON GETs a CometBFT RPC path of a node into v.
func (n *Net) rpcJSON(name, path string, v any) error {
	if err := getJSON(n.RPC(name)+path, 3*time.Second, v); err != nil {
		return fmt.Errorf("%s%s: %w", name, path, err)
	}
	return nil
}

// Height is a node's latest height (0 when it does not answer).
func (n *Net) Height(name string) int64 {
	var st struct {
		Result struct {
			SyncInfo struct {
				Height string `json:"latest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := n.rpcJSON(name, "/status", &st); err != nil {
		return 0
	}
	h, _ := strconv.ParseInt(st.Result.SyncInfo.Height, 10, 64)
	return h
}

// AppHash is the app hash a node's block h carries (the state after block h-1).
func (n *Net) AppHash(name string, h int64) (string, error) {
	b, err := blockAt(n.RPC(name), h)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return b.AppHash, nil
}

// WaitHeight waits until a node is at height h or above.
func (n *Net) WaitHeight(name string, h int64, timeout time.Duration) {
	n.t.Helper()
	require.Eventually(n.t, func() bool { return n.Height(name) >= h }, timeout, 250*time.Millisecond,
		"%s did not reach height %d (at %d)", name, h, n.Height(name))
}

// MaxHeight is the highest height any of the named nodes reports.
func (n *Net) MaxHeight(names ...string) int64 {
	var m int64
	for _, name := range names {
		if h := n.Height(name); h > m {
			m = h
		}
	}
	return m
}

// RequireAgree waits until every named node has passed the net's current height by two
// blocks and requires the same app hash from all of them at that height: no fork, no node
// left behind. It also requires that no log shows a consensus failure.
func (n *Net) RequireAgree(names ...string) int64 {
	n.t.Helper()
	target := n.MaxHeight(names...) + 2
	for _, name := range names {
		n.WaitHeight(name, target+1, 120*time.Second)
	}
	want, err := n.AppHash(names[0], target)
	require.NoError(n.t, err)
	for _, name := range names[1:] {
		got, err := n.AppHash(name, target)
		require.NoError(n.t, err)
		require.Equal(n.t, want, got, "app hash of %s at height %d", name, target)
	}
	n.RequireNoConsensusFailure()
	return target
}

// RequireNoConsensusFailure scans every log of the net. The one failure allowed is the
// halt at a planned upgrade the test expects (ExpectUpgradeHalt): CometBFT reports x/upgrade's
// "UPGRADE "<name>" NEEDED" error as a consensus failure.
func (n *Net) RequireNoConsensusFailure() {
	n.t.Helper()
	logs, _ := filepath.Glob(filepath.Join(n.Home, "logs", "*.log"))
	for _, f := range logs {
		bz, err := os.ReadFile(f)
		require.NoError(n.t, err)
		for _, line := range strings.Split(string(bz), "\n") {
			if strings.Contains(line, "CONSENSUS FAILURE") && !n.expectedHalt(line) {
				require.Fail(n.t, "consensus failure", "%s: %s", f, tail(line, 2000))
			}
		}
	}
}

// ExpectUpgradeHalt tells RequireNoConsensusFailure that nodes halt at the named upgrade.
func (n *Net) ExpectUpgradeHalt(upgrade string) { n.halted[upgrade] = true }

func (n *Net) expectedHalt(line string) bool {
	for name := range n.halted {
		if strings.Contains(unquote(line), upgradeNeeded(name)) {
			return true
		}
	}
	return false
}

// upgradeNeeded is how x/upgrade's halt message starts.
func upgradeNeeded(name string) string { return `UPGRADE "` + name + `" NEEDED at height: ` }

// unquote undoes the escaping of quotes in a log line's quoted values.
func unquote(line string) string { return strings.ReplaceAll(line, `\"`, `"`) }

// WaitUpgradeHalt waits until a node has halted at the named upgrade's height: its log
// shows x/upgrade's "UPGRADE "<name>" NEEDED at height: <h>" and it has not gone past h
// (CometBFT may have stored block h, which the node could not execute).
func (n *Net) WaitUpgradeHalt(name, upgrade string, h int64, timeout time.Duration) {
	n.t.Helper()
	want := upgradeNeeded(upgrade) + strconv.FormatInt(h, 10) + ":"
	logf := filepath.Join(n.Home, "logs", name+".log")
	require.Eventually(n.t, func() bool {
		bz, _ := os.ReadFile(logf)
		return strings.Contains(unquote(string(bz)), want)
	}, timeout, 500*time.Millisecond, "%s did not halt for %s at %d (at height %d)", name, upgrade, h, n.Height(name))
	require.LessOrEqual(n.t, n.Height(name), h, "%s went past the upgrade height", name)
}

// EmissionStatus is the emission status through a node's REST API.
type EmissionStatus struct {
	CurrentDay  uint64 `json:"current_day,string"`
	DaysIssued  uint64 `json:"days_issued,string"`
	TotalIssued string `json:"total_issued"`
	NextDay     uint64 `json:"next_day,string"`
	NextDayEnd  string `json:"next_day_end_time"`
}

func (n *Net) Emission(name string) EmissionStatus {
	n.t.Helper()
	var st EmissionStatus
	require.Eventually(n.t, func() bool { return n.restJSON(name, "/aegis/emission/v1/status", &st) == nil },
		30*time.Second, 250*time.Millisecond, "emission status from %s", name)
	return st
}

// restJSON GETs a REST path of a node into v. A node that has just restarted can refuse
// queries at the latest height until it commits its next block (an SDK limit), so callers
// that can wait retry on an error.
func (n *Net) restJSON(name, path string, v any) error {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + n.API(name) + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", name, path, resp.Status, bz)
	}
	return json.Unmarshal(bz, v)
}

// RequireDaysOnce requires that every day that has ended was issued exactly once: the
// days issued follow the clock (at most the day in progress is pending), the total issued
// is the schedule's cumulative amount through the last day issued (a day issued twice or
// skipped would break it), and x/por has its receipt for every day issued.
func (n *Net) RequireDaysOnce(name string) {
	n.t.Helper()
	var st EmissionStatus
	require.Eventually(n.t, func() bool {
		return n.restJSON(name, "/aegis/emission/v1/status", &st) == nil && st.DaysIssued+1 >= st.CurrentDay
	}, time.Duration(3*n.DaySeconds)*time.Second, 500*time.Millisecond, "days issued lag the clock: %+v", st)
	require.Positive(n.t, st.DaysIssued)
	var day struct {
		Cumulative string `json:"cumulative"`
	}
	n.Chain(name).GetJSON(fmt.Sprintf("/aegis/emission/v1/day/%d", st.DaysIssued), &day)
	require.Equal(n.t, day.Cumulative, st.TotalIssued, "total issued after day %d", st.DaysIssued)
	for d := uint64(1); d <= st.DaysIssued; d++ {
		var rd struct {
			RoleDay struct {
				Day string `json:"day"`
			} `json:"role_day"`
		}
		n.Chain(name).GetJSON(fmt.Sprintf("/aegis/por/v1/roles/worker/days/%d", d), &rd)
		require.Equal(n.t, strconv.FormatUint(d, 10), rd.RoleDay.Day)
	}
}

// UntilNextTick returns how long until the next day ends (by the chain's clock, which
// follows this machine's).
func (n *Net) UntilNextTick(name string) time.Duration {
	n.t.Helper()
	end, err := time.Parse(time.RFC3339Nano, n.Emission(name).NextDayEnd)
	require.NoError(n.t, err)
	return time.Until(end)
}

// ExportAndValidate stops a node, exports its state and requires that `aegisd genesis
// validate` accepts it: every module's checks and the cross-module invariants (emission
// against x/por's ticks, the por account against what it owes, license backing) hold on
// the state the net reached.
func (n *Net) ExportAndValidate(name string) {
	n.t.Helper()
	if n.Pid(name) != 0 {
		n.Stop(name)
	}
	c := n.Chain(name)
	out := filepath.Join(n.Home, name+"-export.json")
	c.MustRun("export", "--output-document", out)
	c.MustRun("genesis", "validate", out)
}

// LateJoiner creates a new full node's home at a port offset and starts it: it finds the
// net through its peers (the four validators) and catches up by block sync. It returns when
// the node has reached the validators' height.
func (n *Net) LateJoiner(name string, offset int) {
	n.t.Helper()
	n.joinerHome(name, offset)
	n.Start(name)
	n.WaitHeight(name, n.MaxHeight(Validators...), 180*time.Second)
}

// StateSyncJoiner is LateJoiner joining by state sync: it restores the validators' latest
// snapshot (scripts/localnet.sh has them take one every 20 blocks), trusting node0's block
// at the latest multiple of 20 (the light client checks the headers from there to the
// snapshot against node0 and node1), and then follows the chain by block sync. It returns
// the height of the first block the node holds.
func (n *Net) StateSyncJoiner(name string, offset int) int64 {
	n.t.Helper()
	const interval = 20
	trust := n.Height("node0") / interval * interval
	require.Positive(n.t, trust, "no snapshot yet")
	b, err := blockAt(n.RPC("node0"), trust)
	require.NoError(n.t, err)
	c := n.joinerHome(name, offset)
	for _, kv := range [][2]string{
		{"statesync.enable", "true"},
		{"statesync.rpc_servers", "tcp://" + n.RPC("node0") + ",tcp://" + n.RPC("node1")},
		{"statesync.trust_height", strconv.FormatInt(trust, 10)},
		{"statesync.trust_hash", b.Hash},
	} {
		c.MustRun("config", "set", "config", kv[0], kv[1], "--skip-validate")
	}
	n.Start(name)
	n.WaitHeight(name, n.MaxHeight(Validators...), 180*time.Second)
	earliest, err := earliestHeight(n.RPC(name))
	require.NoError(n.t, err)
	return earliest
}

// joinerHome creates a new full node's home at a port offset, with the net's genesis and
// the four validators as its peers.
func (n *Net) joinerHome(name string, offset int) *Chain {
	n.t.Helper()
	n.extra[name] = offset
	home := n.NodeHome(name)
	c := n.Chain(name)
	c.MustRun("init", name, "--chain-id", n.ChainID)
	gen, err := os.ReadFile(filepath.Join(n.NodeHome("node0"), "config", "genesis.json"))
	require.NoError(n.t, err)
	require.NoError(n.t, os.WriteFile(filepath.Join(home, "config", "genesis.json"), gen, 0o644))
	var peers []string
	for _, v := range Validators {
		id := strings.TrimSpace(n.Chain(v).MustRun("comet", "show-node-id"))
		peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", id, 26656+n.offset(v)))
	}
	for _, kv := range [][2]string{
		{"p2p.persistent_peers", strings.Join(peers, ",")},
		{"p2p.allow_duplicate_ip", "true"},
		{"p2p.laddr", fmt.Sprintf("tcp://127.0.0.1:%d", 26656+offset)},
		{"rpc.laddr", "tcp://" + n.RPC(name)},
		{"rpc.pprof_laddr", ""},
	} {
		c.MustRun("config", "set", "config", kv[0], kv[1], "--skip-validate")
	}
	for _, kv := range [][2]string{
		{"api.enable", "true"}, {"api.address", "tcp://" + n.API(name)},
		{"grpc.address", n.GRPC(name)}, {"minimum-gas-prices", "0.025uaegis"},
	} {
		c.MustRun("config", "set", "app", kv[0], kv[1], "--skip-validate")
	}
	return c
}

// ConsAddress is a node's consensus address, as CometBFT's RPC shows it (upper-case hex).
func (n *Net) ConsAddress(name string) string {
	n.t.Helper()
	var key struct {
		Address string `json:"address"`
	}
	bz, err := os.ReadFile(filepath.Join(n.NodeHome(name), "config", "priv_validator_key.json"))
	require.NoError(n.t, err)
	require.NoError(n.t, json.Unmarshal(bz, &key))
	return strings.ToUpper(key.Address)
}

// CometPower is a node's voting power in CometBFT's validator set at the latest height
// (through the node "through"), 0 if it is not in the set.
func (n *Net) CometPower(through, name string) int64 {
	n.t.Helper()
	var vs struct {
		Result struct {
			Validators []struct {
				Address string `json:"address"`
				Power   string `json:"voting_power"`
			} `json:"validators"`
		} `json:"result"`
	}
	require.NoError(n.t, n.rpcJSON(through, "/validators?per_page=100", &vs))
	addr := n.ConsAddress(name)
	for _, v := range vs.Result.Validators {
		if v.Address == addr {
			p, err := strconv.ParseInt(v.Power, 10, 64)
			require.NoError(n.t, err)
			return p
		}
	}
	return 0
}

// RequireSigns waits for a block, after the current one, whose last commit carries the
// node's signature for the block (block_id_flag 2, BlockIDFlagCommit): the node is a
// validator taking part in consensus. It returns the height of that block.
func (n *Net) RequireSigns(through, name string, timeout time.Duration) int64 {
	n.t.Helper()
	addr := n.ConsAddress(name)
	h := n.Height(through) + 1
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if n.Height(through) < h {
			time.Sleep(250 * time.Millisecond)
			continue
		}
		var b struct {
			Result struct {
				Block struct {
					LastCommit struct {
						Signatures []struct {
							Flag    int    `json:"block_id_flag"`
							Address string `json:"validator_address"`
						} `json:"signatures"`
					} `json:"last_commit"`
				} `json:"block"`
			} `json:"result"`
		}
		require.NoError(n.t, n.rpcJSON(through, fmt.Sprintf("/block?height=%d", h), &b))
		for _, sig := range b.Result.Block.LastCommit.Signatures {
			if sig.Address == addr && sig.Flag == 2 {
				return h
			}
		}
		h++
	}
	require.Failf(n.t, "no signature", "%s (%s) signed no block's last commit in %s", name, addr, timeout)
	return 0
}

// AddKey adds a key to the shared keyring and returns its address.
func (n *Net) AddKey(name string) string {
	n.t.Helper()
	n.Chain("node0").MustRun("keys", "add", name, "--keyring-backend", "test", "--keyring-dir", n.KeyringDir())
	return n.Key(name)
}

// Valoper is the validator operator address of a key of the shared keyring.
func (n *Net) Valoper(key string) string {
	n.t.Helper()
	return strings.TrimSpace(n.Chain("node0").MustRun("keys", "show", key, "-a", "--bech", "val",
		"--keyring-backend", "test", "--keyring-dir", n.KeyringDir()))
}

// CreateValidator makes a running node a validator: the key of the shared keyring named
// after the node sends `tx staking create-validator` with the node's consensus key and
// selfStake, through the node itself. It returns the validator's operator address.
func (n *Net) CreateValidator(name, selfStake string) string {
	n.t.Helper()
	c := n.Chain(name)
	pubkey := strings.TrimSpace(c.MustRun("comet", "show-validator"))
	spec := map[string]any{
		"pubkey": json.RawMessage(pubkey), "amount": selfStake, "moniker": name,
		"commission-rate": "0.10", "commission-max-rate": "0.20", "commission-max-change-rate": "0.01",
		"min-self-delegation": "1",
	}
	bz, err := json.MarshalIndent(spec, "", "  ")
	require.NoError(n.t, err)
	file := filepath.Join(n.NodeHome(name), "config", "validator.json")
	require.NoError(n.t, os.WriteFile(file, bz, 0o644))
	res := n.Tx(name, "tx", "staking", "create-validator", file, "--from", name)
	require.Zero(n.t, res.Code, res.RawLog)
	return n.Valoper(name)
}

// StakingValidator is the part of `q staking validator` the tests read.
type StakingValidator struct {
	OperatorAddress string `json:"operator_address"`
	Jailed          bool   `json:"jailed"`
	Status          string `json:"status"`
	Tokens          string `json:"tokens"`
}

// Validator queries a validator through a node.
func (n *Net) Validator(through, valoper string) StakingValidator {
	n.t.Helper()
	var v struct {
		Validator StakingValidator `json:"validator"`
	}
	n.Chain(through).QueryJSON(&v, "staking", "validator", valoper)
	require.Equal(n.t, valoper, v.Validator.OperatorAddress)
	return v.Validator
}
