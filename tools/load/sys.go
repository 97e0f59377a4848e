package main

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// loadavg is the first three fields of /proc/loadavg ("" elsewhere).
func loadavg() string {
	bz, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(bz))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// otherNodes counts the aegisd processes running a node on the machine (`aegisd start`,
// also under another binary name such as aegisd-pre-v2), ours included: the machine is
// shared, and other chains running skew every figure.
func otherNodes() int {
	out, err := exec.Command("pgrep", "-f", "aegisd[^ ]* start").Output()
	if err != nil {
		return 0
	}
	return len(strings.Fields(string(out)))
}

// machine describes where the figures were taken.
type machine struct {
	CPU       string  `json:"cpu"`
	Cores     int     `json:"cores"`
	MemoryGiB float64 `json:"memory_gib"`
	Go        string  `json:"go"`
	OS        string  `json:"os"`
}

func thisMachine() machine {
	m := machine{Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) >= 2 && fs[0] == "MemTotal:" {
				kb, _ := strconv.ParseFloat(fs[1], 64)
				m.MemoryGiB = kb / (1 << 20)
				break
			}
		}
		f.Close()
	}
	return m
}
