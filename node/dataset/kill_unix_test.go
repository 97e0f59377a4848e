//go:build unix

package dataset

// The kill test needs SIGKILL, which only unix systems have: it is built there (CI runs
// on Linux) rather than skipped elsewhere.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// killedBuildEnv makes the test binary a build that runs until killed.
const killedBuildEnv = "AEGIS_DATASET_KILLED_BUILD"

// TestBuildResumesAfterKill: a build process killed with SIGKILL (no chance to record
// anything) is resumed by the next one, which ends with an uninterrupted build's file.
func TestBuildResumesAfterKill(t *testing.T) {
	const n = 32 * chunkLabels
	k := Key{Role: portypes.NODE_ROLE_WORKER, Nonce: 3, ScryptN: 8}
	if dir := os.Getenv(killedBuildEnv); dir != "" {
		s := NewStore(dir, operator)
		s.Workers, s.ProgressEvery = 1, 10*time.Millisecond // slow enough to be killed midway
		_, err := s.Build(context.Background(), k, n)
		t.Fatalf("the build was to be killed, it ended: %v", err)
	}
	dir := filepath.Join(t.TempDir(), DirName)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBuildResumesAfterKill$")
	cmd.Env = append(os.Environ(), killedBuildEnv+"="+dir)
	require.NoError(t, cmd.Start())
	s := NewStore(dir, operator)
	require.Eventually(t, func() bool {
		m, err := s.Meta(k)
		return err == nil && m.Built >= 2*chunkLabels
	}, time.Minute, 2*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	m, err := s.Meta(k)
	require.NoError(t, err)
	require.Less(t, m.Built, uint64(n), "killed midway")

	var resumed atomic.Uint64
	s.Progress = func(p Progress) { resumed.CompareAndSwap(0, p.Resumed) }
	_, err = s.Build(context.Background(), k, n)
	require.NoError(t, err, "the lock died with the killed process")
	require.GreaterOrEqual(t, resumed.Load(), m.Built)
	fresh := newStore(t)
	buildAll(t, fresh, k, n)
	require.Equal(t, readLabels(t, fresh, k), readLabels(t, s, k))
}
