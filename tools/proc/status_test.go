package proc

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A status file (testdata/status, in /proc/<pid>/status's format): kB fields in bytes; an
// unknown field and a missing file (a process that does not exist) are errors.
func TestStatusBytes(t *testing.T) {
	for field, want := range map[string]int64{"VmHWM": 7_500_000 * 1024, "VmRSS": 3_800_000 * 1024, "RssAnon": 3_700_000 * 1024} {
		got, err := fileBytes("testdata/status", field)
		require.NoError(t, err, field)
		require.Equal(t, want, got, field)
	}
	_, err := fileBytes("testdata/status", "NoSuchField")
	require.ErrorContains(t, err, "no NoSuchField")
	_, err = StatusBytes(1<<30, "VmRSS")
	require.Error(t, err)
}
