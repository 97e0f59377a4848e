package system

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// make devnet refuses, before touching anything, a second devnet in the same home and a
// devnet whose ports another program holds — rather than dying on the database lock
// after printing its banner.
func TestDevnetScriptRefusesSecondRun(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "devnet.sh")
	run := func(home string, offset int) (string, error) {
		cmd := exec.Command("bash", script)
		cmd.Env = append(os.Environ(), "DEVNET_HOME="+home, "DEVNET_PORT_OFFSET="+strconv.Itoa(offset))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// A devnet already runs in this home (its pid file names a live process: this test).
	home := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(home, "aegisd.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644))
	out, err := run(home, 700)
	require.Error(t, err)
	require.Contains(t, out, "a devnet is already running in "+home)
	require.Contains(t, out, "make devnet-stop")
	require.NotContains(t, out, "Building")

	// Another program holds one of the devnet's ports (REST at 1317 + offset).
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	offset := l.Addr().(*net.TCPAddr).Port - 1317
	out, err = run(t.TempDir(), offset)
	require.Error(t, err)
	require.Contains(t, out, fmt.Sprintf("port %d is already in use", 1317+offset))
	require.Contains(t, out, "DEVNET_PORT_OFFSET")
	require.NotContains(t, out, "Building")
}
