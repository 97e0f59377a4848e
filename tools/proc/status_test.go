package proc

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// This process's figures: its peak RSS is at least its RSS, both positive; an unknown field
// and a process that does not exist are errors.
func TestStatusBytes(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc on this system")
	}
	pid := os.Getpid()
	rss, err := StatusBytes(pid, "VmRSS")
	require.NoError(t, err)
	hwm, err := StatusBytes(pid, "VmHWM")
	require.NoError(t, err)
	require.Positive(t, rss)
	require.GreaterOrEqual(t, hwm, rss)
	_, err = StatusBytes(pid, "NoSuchField")
	require.ErrorContains(t, err, "no NoSuchField")
	_, err = StatusBytes(1<<30, "VmRSS")
	require.Error(t, err)
}
