//go:build linux

// Command netlab puts hosts on separate network namespaces, joined by a switch of its own
// that can delay, drop and partition their traffic: separate hosts on one machine, for
// tests of what crosses a network (scripts/localnet.sh with LOCALNET_NETNS=1, make netnet).
//
// The kernel's netem qdisc would do the link faults, but the kernels this runs on need not
// have it (CONFIG_NET_SCH_NETEM is off on the CI machines' kernel). So each host gets a TAP
// device whose other end is this process: it forwards frames between the hosts like a
// learning bridge and applies the rules on the way. Nothing is connected to any other
// interface: the hosts reach only each other and the management port.
//
// Usage (every command takes -state DIR, the running switch's directory):
//
//	netlab run -hosts N [-prefix P] [-subnet 10.77.0]   namespaces P1..PN, host i at
//	      SUBNET.i/24, the management port SUBNET.254 in this namespace; runs until
//	      SIGTERM or SIGINT, then removes what it made; SIGHUP rereads the rules
//	netlab set [-from 1,2] [-to 3] -delay 150ms -jitter 50ms -loss 2   a link fault
//	netlab partition 1,2 3,4      split the hosts into groups
//	netlab down 3 / netlab up 3   a host's link
//	netlab heal                   no faults
//	netlab clean [-prefix P]      remove namespaces left by a run that did not end cleanly
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: netlab run|set|partition|down|up|heal|clean [flags]")
		os.Exit(2)
	}
	if err := dispatch(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "netlab:", err)
		os.Exit(1)
	}
}

func dispatch(cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	state := fs.String("state", "", "the switch's directory (pid, rules)")
	prefix := fs.String("prefix", "aegisnl", "namespace and device name prefix")
	switch cmd {
	case "run":
		hosts := fs.Int("hosts", 2, "hosts (namespaces)")
		subnet := fs.String("subnet", "10.77.0", "the /24 the hosts are numbered in")
		_ = fs.Parse(args)
		return run(*state, *prefix, *subnet, *hosts)
	case "clean":
		_ = fs.Parse(args)
		return clean(*prefix)
	case "set":
		from := fs.String("from", "", "hosts the frames come from (comma-separated; empty: all)")
		to := fs.String("to", "", "hosts the frames go to (empty: all)")
		delay := fs.Duration("delay", 0, "one-way delay")
		jitter := fs.Duration("jitter", 0, "uniform jitter around the delay")
		loss := fs.Float64("loss", 0, "percent of frames lost")
		_ = fs.Parse(args)
		f, err := hostList(*from)
		if err != nil {
			return err
		}
		t, err := hostList(*to)
		if err != nil {
			return err
		}
		return update(*state, func(r *Rules) {
			r.Links = append(r.Links, LinkRule{From: f, To: t, Delay: *delay, Jitter: *jitter, LossPct: *loss})
		})
	case "partition":
		_ = fs.Parse(args)
		var groups [][]int
		for _, g := range fs.Args() {
			hs, err := hostList(g)
			if err != nil {
				return err
			}
			groups = append(groups, hs)
		}
		if len(groups) < 2 {
			return errors.New("partition needs at least two groups, e.g. 1,2 3,4")
		}
		return update(*state, func(r *Rules) { r.Partition = groups })
	case "down", "up":
		_ = fs.Parse(args)
		hs, err := hostList(strings.Join(fs.Args(), ","))
		if err != nil || len(hs) == 0 {
			return fmt.Errorf("%s needs host numbers: %v", cmd, err)
		}
		return update(*state, func(r *Rules) {
			r.Down = slices.DeleteFunc(r.Down, func(h int) bool { return slices.Contains(hs, h) })
			if cmd == "down" {
				r.Down = append(r.Down, hs...)
			}
		})
	case "heal":
		_ = fs.Parse(args)
		return update(*state, func(r *Rules) { *r = Rules{} })
	}
	return fmt.Errorf("unknown command %q", cmd)
}

func hostList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		h, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("host %q: %w", f, err)
		}
		out = append(out, h)
	}
	return out, nil
}

// update edits the running switch's rules and has it reread them.
func update(state string, edit func(*Rules)) error {
	if state == "" {
		return errors.New("-state is required")
	}
	pid, hosts, err := running(state)
	if err != nil {
		return err
	}
	r, err := readRules(state)
	if err != nil {
		return err
	}
	edit(&r)
	if err := r.Validate(hosts); err != nil {
		return err
	}
	if err := writeRules(state, r); err != nil {
		return err
	}
	return syscall.Kill(pid, syscall.SIGHUP)
}

// running reads the pid and host count the switch wrote at start.
func running(state string) (pid, hosts int, err error) {
	bz, err := os.ReadFile(filepath.Join(state, "netlab.pid"))
	if err != nil {
		return 0, 0, fmt.Errorf("no switch running in %s: %w", state, err)
	}
	if _, err := fmt.Sscanf(string(bz), "%d %d", &pid, &hosts); err != nil {
		return 0, 0, fmt.Errorf("netlab.pid: %w", err)
	}
	if syscall.Kill(pid, 0) != nil {
		return 0, 0, fmt.Errorf("the switch (pid %d) is not running", pid)
	}
	return pid, hosts, nil
}

func run(state, prefix, subnet string, hosts int) error {
	if state == "" {
		return errors.New("-state is required")
	}
	if hosts < 1 || hosts > 200 {
		return fmt.Errorf("-hosts %d: 1..200", hosts)
	}
	if err := os.MkdirAll(state, 0o755); err != nil {
		return err
	}
	if err := clean(prefix); err != nil { // what an earlier run left
		return err
	}
	ports := make([]io.ReadWriter, hosts+1)
	defer func() {
		for _, p := range ports {
			if c, ok := p.(io.Closer); ok {
				_ = c.Close() // a TAP device goes with its last descriptor
			}
		}
		_ = clean(prefix) // and a namespace with the last process in it
	}()
	for i := 0; i <= hosts; i++ {
		dev := fmt.Sprintf("%s%d", prefix, i)
		tap, err := openTAP(dev)
		if err != nil {
			return fmt.Errorf("TAP %s: %w", dev, err)
		}
		ports[i] = tap
		if i == 0 { // the management port, here
			if err := ipCmds([][]string{
				{"addr", "add", subnet + ".254/24", "dev", dev},
				{"link", "set", dev, "up"},
			}); err != nil {
				return err
			}
			continue
		}
		ns := fmt.Sprintf("%s%d", prefix, i)
		if err := ipCmd("netns", "add", ns); err != nil {
			return err
		}
		if err := ipCmds([][]string{
			{"link", "set", dev, "netns", ns},
			{"-n", ns, "link", "set", "lo", "up"},
			{"-n", ns, "addr", "add", fmt.Sprintf("%s.%d/24", subnet, i), "dev", dev},
			{"-n", ns, "link", "set", dev, "up"},
		}); err != nil {
			return err
		}
		// Only IPv4 on the lab's links: no router solicitations or duplicate-address probes.
		_ = exec.Command("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1").Run()
	}
	r, err := readRules(state)
	if err != nil {
		return err
	}
	if err := r.Validate(hosts); err != nil {
		return err
	}
	sw := NewSwitch(ports, uint64(time.Now().UnixNano()))
	sw.SetRules(r)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	if err := os.WriteFile(filepath.Join(state, "netlab.pid"), fmt.Appendf(nil, "%d %d\n", os.Getpid(), hosts), 0o644); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(state, "netlab.pid"))
	go sw.Run()
	fmt.Printf("netlab: %d hosts %s.1-%d in namespaces %s1..%s%d; management %s.254\n", hosts, subnet, hosts, prefix, prefix, hosts, subnet)
	for sig := range sigs {
		if sig != syscall.SIGHUP {
			fmt.Printf("netlab: %s: forwarded %d, dropped %d, overflowed %d; removing the namespaces\n",
				sig, sw.Forwarded.Load(), sw.Dropped.Load(), sw.Overflowed.Load())
			return nil
		}
		r, err := readRules(state)
		if err == nil {
			err = r.Validate(hosts)
		}
		if err != nil {
			fmt.Printf("netlab: rules not applied: %v\n", err)
			continue
		}
		sw.SetRules(r)
		fmt.Printf("netlab: rules %+v\n", r)
	}
	return nil
}

// clean removes the namespaces named prefix<n>, stopping what still runs in them.
func clean(prefix string) error {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return fmt.Errorf("ip netns list: %w", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], prefix) {
			continue
		}
		if _, err := strconv.Atoi(strings.TrimPrefix(f[0], prefix)); err != nil {
			continue // not one of ours
		}
		pids, _ := exec.Command("ip", "netns", "pids", f[0]).Output()
		for _, p := range strings.Fields(string(pids)) {
			if pid, err := strconv.Atoi(p); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		if err := ipCmd("netns", "del", f[0]); err != nil {
			return err
		}
	}
	return nil
}

func ipCmd(args ...string) error {
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func ipCmds(cmds [][]string) error {
	for _, c := range cmds {
		if err := ipCmd(c...); err != nil {
			return err
		}
	}
	return nil
}

// openTAP creates a TAP device (Ethernet frames, no packet info) and returns its end.
func openTAP(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil { // through Go's poller
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "/dev/net/tun:"+name), nil
}
