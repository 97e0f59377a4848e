// Package proc reads a process's memory figures from Linux's /proc, for the tools and
// tests that measure aegisd (tools/fullscale, make soak).
package proc

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// StatusBytes is a kB field of /proc/<pid>/status (VmHWM, VmRSS, RssAnon, ...) in bytes.
func StatusBytes(pid int, field string) (int64, error) {
	return fileBytes(fmt.Sprintf("/proc/%d/status", pid), field)
}

// fileBytes is a kB field of a file in /proc/<pid>/status's format, in bytes.
func fileBytes(path, field string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	if err := s.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in %s", field, path)
}
