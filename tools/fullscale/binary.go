package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cosmossdk.io/collections"

	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/aegis-chain/aegis/tools/proc"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func collectionsPair(r portypes.NodeRole, day uint64) collections.Pair[int32, uint64] {
	return collections.Join(int32(r), day)
}

// measureBinary times the real binary on the genesis: `genesis validate`, `start` until
// the first block is committed (InitGenesis and its commit), and `export` of that home.
func measureBinary(o measureOpts, r *result, logf func(string, ...any)) error {
	aegisd := o.aegisd
	if aegisd == "" {
		aegisd = filepath.Join(o.out, "aegisd")
		top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			return fmt.Errorf("finding the repository to build aegisd (or pass -aegisd): %w", err)
		}
		logf("building %s", aegisd)
		build := exec.Command("go", "build", "-o", aegisd, "./cmd/aegisd")
		build.Dir = strings.TrimSpace(string(top))
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building aegisd: %w", err)
		}
	}

	start := time.Now()
	if out, err := exec.Command(aegisd, "genesis", "validate", o.genesis).CombinedOutput(); err != nil {
		return fmt.Errorf("aegisd genesis validate %s: %v\n%s", o.genesis, err, out)
	}
	validate := time.Since(start)
	logf("aegisd genesis validate: ok in %v", validate.Round(time.Millisecond))

	ag, err := genutiltypes.AppGenesisFromFile(o.genesis)
	if err != nil {
		return err
	}
	work := filepath.Join(o.out, "node")
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	home := filepath.Join(work, "home")
	if out, err := exec.Command(aegisd, "init", "fullscale", "--chain-id", ag.ChainID, "--home", home).CombinedOutput(); err != nil {
		return fmt.Errorf("aegisd init: %v\n%s", err, out)
	}
	if err := copyFile(o.genesis, filepath.Join(home, "config", "genesis.json")); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(filepath.Dir(o.genesis), "priv_validator_key.json"), filepath.Join(home, "config", "priv_validator_key.json")); err != nil {
		return err
	}
	// Other engineers' networks run on this machine: every listener on a free port, and
	// no pprof listener (config.toml's default 6060 may be taken).
	if err := editFile(filepath.Join(home, "config", "config.toml"), func(s string) string {
		return regexp.MustCompile(`(?m)^pprof_laddr = .*$`).ReplaceAllString(s, `pprof_laddr = ""`)
	}); err != nil {
		return err
	}
	// A state-sync snapshot at the block after the genesis's (stateSyncJoin): the interval
	// is that height, so it is the first multiple.
	snapshotAt := ag.InitialHeight + 1
	if out, err := exec.Command(aegisd, "config", "set", "app", "state-sync.snapshot-interval", strconv.FormatInt(snapshotAt, 10),
		"--home", home, "--skip-validate").CombinedOutput(); err != nil {
		return fmt.Errorf("config set state-sync.snapshot-interval: %v\n%s", err, out)
	}
	start = time.Now()
	node, err := startNode(aegisd, home, filepath.Join(work, "start.log"))
	if err != nil {
		return err
	}
	defer node.log.Close()
	logf("aegisd start (log %s)", node.log.Name())
	cmd, exited, stop, rpc, logFile := node.cmd, node.exited, node.stop, node.rpc, node.log
	var initTook, rpcUp time.Duration
	deadline := time.After(10 * time.Minute)
	client := &http.Client{Timeout: 2 * time.Second}
wait:
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("aegisd start exited (%v) before committing block %d; see %s:\n%s", err, ag.InitialHeight, logFile.Name(), tail(logFile.Name(), 20))
		case <-deadline:
			stop()
			return fmt.Errorf("aegisd start did not commit block %d in 10 minutes; see %s", ag.InitialHeight, logFile.Name())
		case <-time.After(100 * time.Millisecond):
		}
		if rpcUp == 0 {
			// CometBFT's RPC starts after the handshake (InitChain); /health does not wait
			// on the app, which /abci_info does while a block runs.
			if resp, err := client.Get("http://" + rpc + "/health"); err == nil {
				resp.Body.Close()
				rpcUp = time.Since(start)
			}
			continue
		}
		if h, ok := committedHeight(client, rpc); ok && h >= ag.InitialHeight {
			initTook = time.Since(start)
			break wait
		}
	}
	hwm, err := vmHWM(cmd.Process.Pid)
	if err != nil {
		stop()
		return err
	}
	syncErr := stateSyncJoin(aegisd, home, logFile.Name(), rpc, node.p2p, o.genesis, snapshotAt, work, r, logf)
	stop()
	if syncErr != nil {
		return fmt.Errorf("state sync: %w", syncErr)
	}
	r.InitGenesisSeconds = round(initTook.Seconds(), 2)
	r.InitGenesisPeakRSSBytes = hwm
	logf("aegisd start: block %d committed after %v, peak RSS %d MiB", ag.InitialHeight, initTook.Round(time.Millisecond), hwm>>20)

	// Export the stopped home.
	exportFile := filepath.Join(work, "export.json")
	var exportCmd *exec.Cmd
	timeV := false
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		exportCmd = exec.Command("/usr/bin/time", "-v", aegisd, "export", "--home", home, "--output-document", exportFile)
		timeV = true
	} else {
		exportCmd = exec.Command(aegisd, "export", "--home", home, "--output-document", exportFile)
	}
	var stderr bytes.Buffer
	exportCmd.Stderr = &stderr
	start = time.Now()
	if err := exportCmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- exportCmd.Wait() }()
	var polled int64
poll:
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("aegisd export: %v\n%s", err, stderr.String())
			}
			break poll
		case <-time.After(50 * time.Millisecond):
			if !timeV {
				if v, err := vmHWM(exportCmd.Process.Pid); err == nil {
					polled = max(polled, v)
				}
			}
		}
	}
	exportTook := time.Since(start)
	efi, err := os.Stat(exportFile)
	if err != nil {
		return err
	}
	r.ExportSeconds = round(exportTook.Seconds(), 2)
	r.ExportBytes = efi.Size()
	r.ExportPeakRSSBytes = polled
	if timeV {
		m := regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`).FindStringSubmatch(stderr.String())
		if m == nil {
			return fmt.Errorf("no maximum RSS in /usr/bin/time's output:\n%s", stderr.String())
		}
		kb, _ := strconv.ParseInt(m[1], 10, 64)
		r.ExportPeakRSSBytes = kb * 1024
	}
	logf("aegisd export: %v, %d bytes, peak RSS %d MiB", exportTook.Round(time.Millisecond), r.ExportBytes, r.ExportPeakRSSBytes>>20)
	r.Notes = append(r.Notes,
		fmt.Sprintf("aegisd genesis validate accepted the genesis in %.1f s", validate.Seconds()),
		fmt.Sprintf("init_genesis: aegisd start (default config, so the application state in PebbleDB, but listeners on free ports and no pprof) from process start until the application has committed block %d (the genesis's initial height; ABCI Info's last_block_height, not /status, which counts a block once stored, before it is executed), peak RSS = VmHWM then; includes CometBFT's genesis load, InitChain, and that block, whose commit writes the whole state; the RPC answered (handshake and InitChain done) after %.1f s",
			ag.InitialHeight, rpcUp.Seconds()),
		"export: aegisd export --home of that stopped node, wall time and maximum RSS (/usr/bin/time -v)",
	)
	// Drop the node's data: it is as large as the state.
	if err := os.RemoveAll(filepath.Join(home, "data")); err != nil {
		return err
	}
	return os.Remove(exportFile)
}

// nodeProc is an aegisd start of a home, every listener on a free loopback port.
type nodeProc struct {
	cmd      *exec.Cmd
	exited   chan error
	rpc, p2p string
	log      *os.File
}

// startNode starts aegisd on home, logging to logPath.
func startNode(aegisd, home, logPath string) (*nodeProc, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	n := &nodeProc{rpc: fmt.Sprintf("127.0.0.1:%d", ports[0]), p2p: fmt.Sprintf("127.0.0.1:%d", ports[1]), log: logFile, exited: make(chan error, 1)}
	n.cmd = exec.Command(aegisd, "start", "--home", home,
		"--rpc.laddr", "tcp://"+n.rpc,
		"--p2p.laddr", "tcp://"+n.p2p,
		"--grpc.address", fmt.Sprintf("127.0.0.1:%d", ports[2]),
		"--api.address", fmt.Sprintf("tcp://127.0.0.1:%d", ports[3]),
		"--log_no_color", // stateSyncJoin reads the log
	)
	n.cmd.Stdout, n.cmd.Stderr = logFile, logFile
	if err := n.cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	go func() { n.exited <- n.cmd.Wait() }()
	return n, nil
}

// stop stops the node with SIGTERM, killing it after a minute.
func (n *nodeProc) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(60 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
	}
}

// committedHeight is the last height the application committed (ABCI Info's
// last_block_height). CometBFT's /status reports the block store's height, and a block is
// stored before it is executed: at the genesis's first block, which writes the whole state,
// /status says the height ~30 s before the app has committed it.
func committedHeight(client *http.Client, rpc string) (int64, bool) {
	resp, err := client.Get("http://" + rpc + "/abci_info")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var st struct {
		Result struct {
			Response struct {
				LastBlockHeight string `json:"last_block_height"`
			} `json:"response"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return 0, false
	}
	if st.Result.Response.LastBlockHeight == "" {
		return 0, true // nothing committed yet
	}
	h, err := strconv.ParseInt(st.Result.Response.LastBlockHeight, 10, 64)
	return h, err == nil
}

// vmHWM is a process's peak resident set size, in bytes.
func vmHWM(pid int) (int64, error) { return proc.StatusBytes(pid, "VmHWM") }

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func editFile(file string, f func(string) string) error {
	bz, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return os.WriteFile(file, []byte(f(string(bz))), 0o644)
}

func tail(file string, n int) string {
	bz, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimRight(string(bz), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// machineLoad says what else is running: the load average and other engineers' local
// networks, which share the 2 cores.
func machineLoad() string {
	load, _ := os.ReadFile("/proc/loadavg")
	s := "loadavg " + strings.Join(strings.Fields(string(load))[:3], " ")
	out, _ := exec.Command("pgrep", "-fa", "aegisd start").Output()
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "/tmp/TestLocalnet") {
			n++
		}
	}
	if n > 0 {
		s += fmt.Sprintf(", %d other aegisd nodes of a /tmp/TestLocalnet* test running (figures may be inflated)", n)
	} else {
		s += ", no other aegisd network running"
	}
	return s
}
