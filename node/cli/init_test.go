package cli

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/config"
)

// runCLI runs aegis-node with args and returns what it printed.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := NewRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(""))
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestInitFlagsLandInConfig(t *testing.T) {
	home := t.TempDir()
	out, err := runCLI(t, "init", "--home", home, "--chain-id", "aegis-test-1",
		"--node", "http://10.0.0.5:26657", "--grpc", "127.0.0.1:1", "--bandwidth-mbps", "1000",
		"--status-listen", "0.0.0.0:8081", "--metrics-listen", "", "--roles", "worker,da")
	require.NoError(t, err, out)
	c, err := config.Load(home)
	require.NoError(t, err)
	require.Equal(t, "http://10.0.0.5:26657", c.RPC)
	require.Equal(t, "127.0.0.1:1", c.GRPC)
	require.Equal(t, "0.0.0.0:8081", c.Listen.Status)
	require.Empty(t, c.Listen.Metrics, "an empty address turns the server off")
	require.Len(t, c.Roles, 2)
	// It checked this machine against the roles' minimums (the chain's defaults here: no chain).
	require.Contains(t, out, "ROLE       SHARE %")
	require.Contains(t, out, "x/por's default params")

	// Without the flags: the defaults.
	home = t.TempDir()
	out, err = runCLI(t, "init", "--home", home, "--chain-id", "aegis-test-1", "--check-roles=false")
	require.NoError(t, err, out)
	require.NotContains(t, out, "SHARE %", "--check-roles=false skips the check")
	c, err = config.Load(home)
	require.NoError(t, err)
	require.Equal(t, config.Default().Listen, c.Listen)
}

func TestServeLogsWhereItListens(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	s, err := serve(log, "metrics", "127.0.0.1:0", "/metrics", http.NotFoundHandler())
	require.NoError(t, err)
	defer s.Close()
	require.Contains(t, logs.String(), `"msg":"serving metrics","addr":"127.0.0.1:`)
	require.Contains(t, logs.String(), `"url":"http://127.0.0.1:`)
	require.NotContains(t, logs.String(), "127.0.0.1:0", "the port actually bound, not the one asked for")

	// A taken port is an error at start that says where to change it.
	addr := strings.TrimSuffix(strings.SplitN(strings.SplitN(logs.String(), `"addr":"`, 2)[1], `"`, 2)[0], "/")
	_, err = serve(log, "status page", addr, "/", http.NotFoundHandler())
	require.ErrorContains(t, err, "[listen] in config.toml")
}
