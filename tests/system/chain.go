// Package system runs user journeys against the real aegisd binary: it builds the binary,
// creates a single-validator chain in a temp dir on free loopback ports and drives it
// through the CLI, gRPC and REST exactly as a user would.
package system

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Chain is a running single-node aegisd chain.
type Chain struct {
	t                   *testing.T
	Bin, Home, ChainID  string
	RPC, GRPC, API, P2P string
	proc                *exec.Cmd
	exited              chan struct{}
	logFile             *os.File
}

// skipIfShort skips system tests under -short: they build and run the aegisd binary.
func skipIfShort(t *testing.T) {
	if testing.Short() {
		t.Skip("system test: builds and runs the aegisd binary")
	}
}

var builds sync.Map // package path -> *built

type built struct {
	once sync.Once
	path string
	err  error
}

// BuildBinary compiles aegisd once per test binary and returns its path.
func BuildBinary(t *testing.T) string { return buildCmd(t, "aegisd") }

// BuildNodeBinary compiles aegis-node once per test binary and returns its path.
func BuildNodeBinary(t *testing.T) string { return buildCmd(t, "aegis-node") }

// buildCmd compiles ./cmd/<name> once per test binary.
func buildCmd(t *testing.T, name string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(name, &built{})
	b := v.(*built)
	b.once.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		dir, err := os.MkdirTemp("", name+"-system")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", b.path, "./cmd/"+name)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("building %s: %w: %s", name, err, out)
		}
	})
	require.NoError(t, b.err)
	return b.path
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// NewChain initialises a chain with a funded key "alice" (and any extra keys), without
// starting it. genesisEdit may rewrite the genesis JSON before validation.
func NewChain(t *testing.T, bin string, extraKeys ...string) *Chain {
	t.Helper()
	c := &Chain{
		t: t, Bin: bin, Home: t.TempDir(), ChainID: "aegis-system-1",
		RPC: freeAddr(t), GRPC: freeAddr(t), API: freeAddr(t), P2P: freeAddr(t),
	}
	c.MustRun("init", "system", "--chain-id", c.ChainID)
	c.MustRun("config", "set", "client", "chain-id", c.ChainID)
	c.MustRun("config", "set", "client", "keyring-backend", "test")
	c.MustRun("config", "set", "client", "node", "tcp://"+c.RPC)
	for _, k := range append([]string{"alice"}, extraKeys...) {
		c.MustRun("keys", "add", k, "--keyring-backend", "test")
		c.MustRun("genesis", "add-genesis-account", k, "1000000000000uaegis", "--keyring-backend", "test")
	}
	c.MustRun("genesis", "gentx", "alice", "100000000000uaegis", "--chain-id", c.ChainID, "--keyring-backend", "test")
	c.MustRun("genesis", "collect-gentxs")
	c.MustRun("genesis", "validate")
	c.MustRun("config", "set", "config", "consensus.timeout_commit", "500ms", "--skip-validate")
	return c
}

// Run runs an aegisd command against this chain's home and returns stdout, stderr.
func (c *Chain) Run(args ...string) (string, string, error) {
	cmd := exec.Command(c.Bin, append(args, "--home", c.Home)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// MustRun runs a command that must succeed and returns its stdout.
func (c *Chain) MustRun(args ...string) string {
	c.t.Helper()
	out, errOut, err := c.Run(args...)
	require.NoError(c.t, err, "aegisd %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	return out
}

// Start starts the node with fast blocks and every endpoint enabled, and waits for a block.
func (c *Chain) Start() {
	c.t.Helper()
	var err error
	c.logFile, err = os.Create(filepath.Join(c.Home, "node.log"))
	require.NoError(c.t, err)
	c.proc = exec.Command(c.Bin, "start", "--home", c.Home,
		"--rpc.laddr", "tcp://"+c.RPC, "--p2p.laddr", "tcp://"+c.P2P,
		"--grpc.enable", "--grpc.address", c.GRPC,
		"--api.enable", "--api.address", "tcp://"+c.API,
		"--minimum-gas-prices", "0uaegis", "--rpc.pprof_laddr", "", "--log_no_color")
	c.proc.Stdout, c.proc.Stderr = c.logFile, c.logFile
	require.NoError(c.t, c.proc.Start())
	c.exited = make(chan struct{})
	go func(p *exec.Cmd, done chan struct{}) { _ = p.Wait(); close(done) }(c.proc, c.exited)
	c.t.Cleanup(c.Stop)
	c.WaitForHeight(2, 60*time.Second)
}

// Stop stops the node (idempotent).
func (c *Chain) Stop() {
	if c.proc == nil || c.proc.Process == nil {
		return
	}
	interrupt(c.proc.Process, c.exited, 15*time.Second)
	c.proc = nil
	if c.logFile != nil {
		_ = c.logFile.Close()
	}
}

// interrupt sends SIGINT and waits for done; after wait it kills the process. It reports
// whether the process stopped by itself.
func interrupt(p *os.Process, done <-chan struct{}, wait time.Duration) bool {
	_ = p.Signal(os.Interrupt)
	select {
	case <-done:
		return true
	case <-time.After(wait):
		_ = p.Kill()
		<-done
		return false
	}
}

// Height is the latest block height reported by `aegisd status`, or 0 if not up yet.
func (c *Chain) Height() int64 {
	out, _, err := c.Run("status", "--node", "tcp://"+c.RPC)
	if err != nil {
		return 0
	}
	var st struct {
		SyncInfo struct {
			LatestBlockHeight int64 `json:"latest_block_height,string"`
		} `json:"sync_info"`
	}
	if json.Unmarshal([]byte(out), &st) != nil {
		return 0
	}
	return st.SyncInfo.LatestBlockHeight
}

// WaitForHeight waits until the chain reaches h, failing with the node log on timeout.
func (c *Chain) WaitForHeight(h int64, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c.Height() >= h {
			return
		}
		select {
		case <-c.exited:
			deadline = time.Now() // the node exited: stop waiting
		default:
		}
		time.Sleep(200 * time.Millisecond)
	}
	logs, _ := os.ReadFile(filepath.Join(c.Home, "node.log"))
	c.t.Fatalf("chain did not reach height %d in %s; log tail:\n%s", h, timeout, tail(string(logs), 3000))
}

// KeyAddress returns the bech32 address of a key.
func (c *Chain) KeyAddress(name string) string {
	return strings.TrimSpace(c.MustRun("keys", "show", name, "-a", "--keyring-backend", "test"))
}

// Tx broadcasts a tx command, waits for it to be included and returns its result.
func (c *Chain) Tx(args ...string) TxResult {
	c.t.Helper()
	out := c.MustRun(append(args, "-y", "--output", "json", "--keyring-backend", "test", "--node", "tcp://"+c.RPC)...)
	var res TxResult
	require.NoError(c.t, json.Unmarshal([]byte(out), &res), out)
	require.Zero(c.t, res.Code, "CheckTx failed: %s", res.RawLog)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		q, _, err := c.Run("q", "tx", res.TxHash, "--output", "json", "--node", "tcp://"+c.RPC)
		if err == nil {
			require.NoError(c.t, json.Unmarshal([]byte(q), &res), q)
			return res
		}
		time.Sleep(300 * time.Millisecond)
	}
	c.t.Fatalf("tx %s was not included", res.TxHash)
	return res
}

// TxResult is the part of a tx response the tests read.
type TxResult struct {
	Code   uint32 `json:"code"`
	TxHash string `json:"txhash"`
	RawLog string `json:"raw_log"`
	Height string `json:"height"`
}

// GetJSON fetches a REST path from the node's API server into v, at the latest height.
func (c *Chain) GetJSON(path string, v any) { c.t.Helper(); c.GetJSONAt(0, path, v) }

// GetJSONAt fetches a REST path at a given height (0 = latest) into v.
func (c *Chain) GetJSONAt(height int64, path string, v any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s%s", c.API, path), nil)
	require.NoError(c.t, err)
	if height > 0 {
		req.Header.Set("x-cosmos-block-height", fmt.Sprint(height))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	require.Equal(c.t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, buf.String())
	require.NoError(c.t, json.Unmarshal(buf.Bytes(), v), buf.String())
}

// GetRPCJSON fetches a CometBFT RPC path (/block_results?height=5) into v.
func (c *Chain) GetRPCJSON(path string, v any) {
	c.t.Helper()
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get("http://" + c.RPC + path)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	require.Equal(c.t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, buf.String())
	require.NoError(c.t, json.Unmarshal(buf.Bytes(), v), buf.String())
}

// blockIDs is what the tests read of a block: its hash (a state-sync trust_hash names it)
// and the app hash it carries (the state after the block before).
type blockIDs struct{ Hash, AppHash string }

// blockAt reads block h from the CometBFT RPC at rpc (host:port).
func blockAt(rpc string, h int64) (blockIDs, error) {
	var b struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
			Block struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if err := getJSON(fmt.Sprintf("%s/block?height=%d", rpc, h), 3*time.Second, &b); err != nil {
		return blockIDs{}, fmt.Errorf("/block?height=%d: %w", h, err)
	}
	return blockIDs{Hash: b.Result.BlockID.Hash, AppHash: b.Result.Block.Header.AppHash}, nil
}

// earliestHeight is the first block the node at rpc holds (CometBFT's /status): above 1
// for a node that joined by state sync.
func earliestHeight(rpc string) (int64, error) {
	var st struct {
		Result struct {
			SyncInfo struct {
				Earliest string `json:"earliest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := getJSON(rpc+"/status", 3*time.Second, &st); err != nil {
		return 0, err
	}
	return strconv.ParseInt(st.Result.SyncInfo.Earliest, 10, 64)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// EditGenesis rewrites the genesis app state before the chain starts.
func (c *Chain) EditGenesis(edit func(appState map[string]json.RawMessage)) {
	c.t.Helper()
	path := filepath.Join(c.Home, "config", "genesis.json")
	bz, err := os.ReadFile(path)
	require.NoError(c.t, err)
	var doc map[string]json.RawMessage
	require.NoError(c.t, json.Unmarshal(bz, &doc))
	var appState map[string]json.RawMessage
	require.NoError(c.t, json.Unmarshal(doc["app_state"], &appState))
	edit(appState)
	doc["app_state"], err = json.Marshal(appState)
	require.NoError(c.t, err)
	bz, err = json.MarshalIndent(doc, "", " ")
	require.NoError(c.t, err)
	require.NoError(c.t, os.WriteFile(path, bz, 0o600))
	c.MustRun("genesis", "validate")
}

// SetDaySeconds makes the chain's days last n seconds (before Start).
func (c *Chain) SetDaySeconds(n int) {
	c.t.Helper()
	c.EditGenesis(func(s map[string]json.RawMessage) {
		var gs map[string]any
		require.NoError(c.t, json.Unmarshal(s["emission"], &gs))
		gs["params"].(map[string]any)["day_seconds"] = strconv.Itoa(n)
		s["emission"], _ = json.Marshal(gs)
	})
}

// QueryJSON runs a query command with JSON output and decodes it into v.
func (c *Chain) QueryJSON(v any, args ...string) {
	c.t.Helper()
	out := c.MustRun(append(append([]string{"q"}, args...), "--output", "json", "--node", "tcp://"+c.RPC)...)
	require.NoError(c.t, json.Unmarshal([]byte(out), v), out)
}
