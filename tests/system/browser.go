package system

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// ensureChromium returns Debian's headless-capable chromium, installing the package when the
// machine does not have it (CI runs as root on a fresh machine).
func ensureChromium(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	require.Zero(t, os.Geteuid(), "chromium is not installed and this is not root: apt-get install chromium")
	aptGet(t, "", "update", "-qq")
	aptGet(t, "", "install", "-y", "-qq", "chromium")
	p, err := exec.LookPath("chromium")
	require.NoError(t, err)
	return p
}

// aptGet runs apt-get (in dir, when not ""), non-interactively.
func aptGet(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("apt-get", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "apt-get %v: %s", args, out)
}

// headlessFlags run chromium headless, offline from everything but the page, with a
// profile of its own.
func headlessFlags(t *testing.T) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
}

// headlessDOM loads url in headless chromium and returns the DOM it rendered.
func headlessDOM(t *testing.T, url string) string {
	t.Helper()
	out, err := exec.Command(ensureChromium(t), append(headlessFlags(t), "--dump-dom", url)...).Output()
	require.NoError(t, err)
	return string(out)
}

// headlessScreenshot loads url in headless chromium in a window of w×h pixels and returns
// the path of the PNG it took.
func headlessScreenshot(t *testing.T, url string, w, h int) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "page.png")
	out, err := exec.Command(ensureChromium(t), append(headlessFlags(t), "--hide-scrollbars",
		fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+file, url)...).CombinedOutput()
	require.NoError(t, err, string(out))
	return file
}
