package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// stampPaths are the sources the generated state depends on.
var stampPaths = []string{"app", "x", "cmd", "go.mod", "go.sum", "tools/fullscale"}

// sourceStamp identifies the source the genesis is built from: the last commit that
// changed stampPaths, plus a hash of any uncommitted change there (a dirty tree gets its
// own stamp), plus the generate flags. Empty when git cannot tell (then generate always
// runs).
func sourceStamp(flags string) string {
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return ""
	}
	root := strings.TrimSpace(string(top))
	git := func(args ...string) ([]byte, error) {
		cmd := exec.Command("git", append(args, append([]string{"--"}, stampPaths...)...)...)
		cmd.Dir = root
		return cmd.Output()
	}
	head, err := git("log", "-1", "--format=%H")
	if err != nil || len(head) == 0 {
		return ""
	}
	stamp := strings.TrimSpace(string(head))
	diff, err := git("diff", "HEAD")
	if err != nil {
		return ""
	}
	untracked, err := git("ls-files", "--others", "--exclude-standard")
	if err != nil {
		return ""
	}
	if len(diff) > 0 || len(untracked) > 0 {
		h := sha256.New()
		h.Write(diff)
		for _, f := range strings.Fields(string(untracked)) {
			h.Write([]byte(f))
			bz, _ := os.ReadFile(filepath.Join(root, f))
			h.Write(bz)
		}
		stamp += fmt.Sprintf("-dirty-%x", h.Sum(nil)[:6])
	}
	return stamp + " " + flags
}
