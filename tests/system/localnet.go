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
	"runtime"
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
	t                 *testing.T
	Root, Home        string
	Bin, NodeBin      string
	ChainID           string
	DaySeconds        int
	extra             map[string]int // nodes added by a test -> port offset
	consensusFailures int
}

var Validators = []string{"node0", "node1", "node2", "node3"}

// StartNet creates and starts a fresh localnet in a temp dir (the script's fixed ports:
// one localnet at a time on a machine).
func StartNet(t *testing.T, daySeconds int) *Net {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	require.NoError(t, err)
	n := &Net{
		t: t, Root: root, Home: t.TempDir(), ChainID: "aegis-localnet-1", DaySeconds: daySeconds,
		Bin: filepath.Join(root, "build", "aegisd"), NodeBin: filepath.Join(root, "build", "aegis-node"),
		extra: map[string]int{},
	}
	t.Cleanup(func() {
		_ = n.script("stop")
		if t.Failed() {
			n.dumpLogs()
		}
	})
	out, err := n.scriptOutput("start", "--reset")
	require.NoError(t, err, out)
	t.Logf("localnet up:\n%s", out)
	return n
}

// With is the net seen from a subtest: failures are reported on t.
func (n *Net) With(t *testing.T) *Net { c := *n; c.t = t; return &c }

func (n *Net) scriptOutput(args ...string) (string, error) {
	cmd := exec.Command("bash", append([]string{filepath.Join(n.Root, "scripts", "localnet.sh")}, args...)...)
	cmd.Dir = n.Root
	cmd.Env = append(os.Environ(), "LOCALNET_HOME="+n.Home, "LOCALNET_DAY_SECONDS="+strconv.Itoa(n.DaySeconds))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (n *Net) script(args ...string) error { _, err := n.scriptOutput(args...); return err }

func (n *Net) dumpLogs() {
	for _, name := range append(append([]string{}, Validators...), "full") {
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

func (n *Net) NodeHome(name string) string { return filepath.Join(n.Home, name, "aegisd") }
func (n *Net) KeyringDir() string          { return filepath.Join(n.Home, "keys") }
func (n *Net) RPC(name string) string      { return fmt.Sprintf("127.0.0.1:%d", 26657+n.offset(name)) }
func (n *Net) API(name string) string      { return fmt.Sprintf("127.0.0.1:%d", 1317+n.offset(name)) }
func (n *Net) GRPC(name string) string     { return fmt.Sprintf("127.0.0.1:%d", 9090+n.offset(name)) }

// Chain is a view of the net through one node, for the single-chain helpers (Tx,
// QueryJSON, GetJSON); keys are the node's own keyring unless --keyring-dir is given.
func (n *Net) Chain(name string) *Chain {
	return &Chain{t: n.t, Bin: n.Bin, Home: n.NodeHome(name), ChainID: n.ChainID,
		RPC: n.RPC(name), GRPC: n.GRPC(name), API: n.API(name)}
}

// Tx sends a tx through a node, signed by a key of the shared test keyring, paying fees.
func (n *Net) Tx(through string, args ...string) TxResult {
	n.t.Helper()
	return n.Chain(through).Tx(append(args, "--keyring-dir", n.KeyringDir(), "--chain-id", n.ChainID,
		"--gas", "auto", "--gas-adjustment", "1.5", "--gas-prices", "0.025uaegis")...)
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
	cmd := exec.Command(n.Bin, "start", "--home", n.NodeHome(name))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(n.t, cmd.Start())
	require.NoError(n.t, os.WriteFile(n.pidFile(name), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644))
	go func() { _ = cmd.Wait() }() // reap it when it exits
}

// rpcJSON GETs a CometBFT RPC path of a node into v.
func (n *Net) rpcJSON(name, path string, v any) error {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + n.RPC(name) + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s%s: %s: %s", name, path, resp.Status, bz)
	}
	return json.Unmarshal(bz, v)
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
	var b struct {
		Result struct {
			Block struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if err := n.rpcJSON(name, fmt.Sprintf("/block?height=%d", h), &b); err != nil {
		return "", err
	}
	return b.Result.Block.Header.AppHash, nil
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

// RequireNoConsensusFailure scans every log of the net.
func (n *Net) RequireNoConsensusFailure() {
	n.t.Helper()
	logs, _ := filepath.Glob(filepath.Join(n.Home, "logs", "*.log"))
	for _, f := range logs {
		bz, err := os.ReadFile(f)
		require.NoError(n.t, err)
		require.NotContains(n.t, string(bz), "CONSENSUS FAILURE", f)
	}
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
