package system

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the binaries the tests built (a directory of ~180 MB per binary per run),
// whatever the outcome: left behind, a day of runs fills the disk.
func TestMain(m *testing.M) {
	code := m.Run()
	builds.Range(func(_, v any) bool {
		if b := v.(*built); b.path != "" {
			_ = os.RemoveAll(filepath.Dir(b.path))
		}
		return true
	})
	os.Exit(code)
}
