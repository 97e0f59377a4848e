package system

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	_ "github.com/aegis-chain/aegis/app" // sets the aegis bech32 prefixes the node config checks
	"github.com/aegis-chain/aegis/node/config"
)

// resourceNode is an aegis-node home for a resource node of the harness chain whose
// operator key is in the chain's keyring.
type resourceNode struct {
	Bin, Home string
	// Key and Operator are the operator's key name in the chain's keyring and address.
	Key, Operator string
	// Hot is the hot key's address; InitOut what `aegis-node init` printed.
	Hot, InitOut string
	Config       config.Config
}

// initResourceNode runs `aegis-node init` for the operator key with extra flags (roles,
// bandwidth, ...), with the status page and metrics on free ports.
func initResourceNode(t *testing.T, c *Chain, bin, key string, flags ...string) *resourceNode {
	t.Helper()
	n := &resourceNode{Bin: bin, Home: t.TempDir(), Key: key, Operator: c.KeyAddress(key)}
	status, metrics := freeAddr(t), freeAddr(t)
	out, err := exec.Command(bin, append([]string{"init", "--home", n.Home, "--chain-id", c.ChainID, "--node", "tcp://" + c.RPC,
		"--grpc", c.GRPC, "--operator", n.Operator, "--status-listen", status, "--metrics-listen", metrics}, flags...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	n.InitOut = string(out)
	hot := regexp.MustCompile(`hot key\s+\S+ = (aegis1[0-9a-z]+)`).FindStringSubmatch(n.InitOut)
	require.Len(t, hot, 2, n.InitOut)
	n.Hot = hot[1]
	n.Config, err = config.Load(n.Home)
	require.NoError(t, err)
	require.Equal(t, config.ListenConfig{Metrics: metrics, Status: status}, n.Config.Listen, "init's listen flags land in config.toml")
	return n
}

// operatorKey are the flags that sign with the operator key in the chain's keyring.
func (n *resourceNode) operatorKey(c *Chain) []string {
	return []string{"--from", n.Key, "--keyring-dir", c.Home, "--keyring-backend", "test", "--yes"}
}

// run runs an aegis-node command on this home (register and roles add the operator key).
func (n *resourceNode) run(c *Chain, args ...string) (string, error) {
	args = append(args, "--home", n.Home)
	if args[0] == "register" || args[0] == "roles" {
		args = append(args, n.operatorKey(c)...)
	}
	out, err := exec.Command(n.Bin, args...).CombinedOutput()
	return string(out), err
}

// grant runs the `aegisd tx ...` commands `aegis-node init` printed, exactly as printed
// (the harness adds its keyring, home and output flags): the one that makes the hot key the
// node's reporter, or with init --authz the four grants.
func (n *resourceNode) grant(t *testing.T, c *Chain) {
	t.Helper()
	want := 1
	if strings.Contains(n.InitOut, "tx authz grant") {
		want = 4
	}
	require.Equal(t, want, n.grantIf(t, c, func(string) bool { return true }), "init prints %d commands:\n%s", want, n.InitOut)
}

// grantIf runs the printed commands for which run(line) holds and returns how many ran.
func (n *resourceNode) grantIf(t *testing.T, c *Chain, run func(line string) bool) int {
	t.Helper()
	var ran int
	for _, line := range strings.Split(n.InitOut, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[0] != "aegisd" || fields[1] != "tx" || !run(line) {
			continue
		}
		res := c.Tx(fields[1:]...)
		require.Zero(t, res.Code, "%s: %s", line, res.RawLog)
		ran++
	}
	return ran
}

// status is `aegis-node status -o json` decoded into v.
func (n *resourceNode) status(v any) error {
	out, err := exec.Command(n.Bin, "status", "--home", n.Home, "-o", "json").Output()
	if err != nil {
		return err
	}
	return json.Unmarshal(out, v)
}

// nodeDaemon is a running `aegis-node run`.
type nodeDaemon struct {
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

// syncBuffer is the daemon's output, written by exec's copier while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startNode(t *testing.T, bin, home string) *nodeDaemon {
	t.Helper()
	return startNodeEnv(t, bin, home)
}

// startNodeEnv is startNode with environment variables added to the daemon's.
func startNodeEnv(t *testing.T, bin, home string, env ...string) *nodeDaemon {
	t.Helper()
	d := &nodeDaemon{cmd: exec.Command(bin, "run", "--home", home), log: &syncBuffer{}, done: make(chan struct{})}
	if len(env) > 0 {
		d.cmd.Env = append(os.Environ(), env...)
	}
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	require.NoError(t, d.cmd.Start())
	go func() { _ = d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop sends SIGINT and waits for a clean exit.
func (d *nodeDaemon) stop(t *testing.T) {
	if d.cmd.Process == nil {
		return
	}
	if !interrupt(d.cmd.Process, d.done, 10*time.Second) {
		t.Errorf("aegis-node did not stop on SIGINT")
	}
}

// lastReportDay is the node's last_report_day on chain.
func lastReportDay(c *Chain, node string) uint64 {
	var info struct {
		Node struct {
			LastReportDay string `json:"last_report_day"`
		} `json:"node"`
	}
	c.QueryJSON(&info, "por", "node", node)
	d, _ := strconv.ParseUint(info.Node.LastReportDay, 10, 64)
	return d
}
