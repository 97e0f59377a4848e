package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// stateSyncJoin measures a new node joining the full-scale chain by state sync: the node
// at home (running, logging to nodeLog, its RPC at rpc, its P2P at p2p) takes a snapshot at the height
// snapshotAt (its app.toml's interval, set before it started); a fresh home then restores
// it and applies the next block. It records the time from the joiner's start until its
// application has committed a block after the snapshot, the joiner's peak RSS then, and
// the snapshot's size on disk.
func stateSyncJoin(aegisd, home, nodeLog, rpc, p2p, genesis string, snapshotAt int64, work string, r *result, logf func(string, ...any)) error {
	client := &http.Client{Timeout: 5 * time.Second}
	snapDir := filepath.Join(home, "data", "snapshots", strconv.FormatInt(snapshotAt, 10))
	logf("state sync: waiting for the snapshot at height %d", snapshotAt)
	deadline := time.Now().Add(15 * time.Minute)
	for {
		if time.Now().After(deadline) {
			return fmt.Errorf("no snapshot at height %d in 15 minutes (%s)", snapshotAt, snapDir)
		}
		// The node logs the snapshot once its every chunk and its metadata are written.
		if bz, err := os.ReadFile(nodeLog); err == nil &&
			regexp.MustCompile(`completed state snapshot\s.*height=`+strconv.FormatInt(snapshotAt, 10)+`\b`).Match(bz) {
			break
		}
		time.Sleep(2 * time.Second)
	}
	var size int64
	_ = filepath.WalkDir(snapDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
		}
		return nil
	})
	// The light client checks the snapshot's height against the two headers after it.
	for {
		if h, ok := committedHeight(client, rpc); ok && h >= snapshotAt+2 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the chain did not reach height %d", snapshotAt+2)
		}
		time.Sleep(500 * time.Millisecond)
	}
	trustHash, err := blockHash(client, rpc, snapshotAt)
	if err != nil {
		return err
	}
	id, err := exec.Command(aegisd, "comet", "show-node-id", "--home", home).Output()
	if err != nil {
		return fmt.Errorf("aegisd comet show-node-id: %w", err)
	}

	jhome := filepath.Join(work, "joiner")
	_ = os.RemoveAll(jhome)
	if out, err := exec.Command(aegisd, "init", "joiner", "--home", jhome).CombinedOutput(); err != nil {
		return fmt.Errorf("aegisd init: %v\n%s", err, out)
	}
	if err := copyFile(genesis, filepath.Join(jhome, "config", "genesis.json")); err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{"p2p.persistent_peers", strings.TrimSpace(string(id)) + "@" + p2p},
		{"p2p.allow_duplicate_ip", "true"},
		{"rpc.pprof_laddr", ""},
		{"statesync.enable", "true"},
		{"statesync.rpc_servers", "tcp://" + rpc + ",tcp://" + rpc},
		{"statesync.trust_height", strconv.FormatInt(snapshotAt, 10)},
		{"statesync.trust_hash", trustHash},
	} {
		if out, err := exec.Command(aegisd, "config", "set", "config", kv[0], kv[1], "--home", jhome, "--skip-validate").CombinedOutput(); err != nil {
			return fmt.Errorf("config set %s: %v\n%s", kv[0], err, out)
		}
	}
	start := time.Now()
	node, err := startNode(aegisd, jhome, filepath.Join(work, "joiner.log"))
	if err != nil {
		return err
	}
	defer node.log.Close()
	logf("state sync: joiner started (log %s)", node.log.Name())
	defer func() {
		node.stop()
		_ = os.RemoveAll(filepath.Join(jhome, "data"))
	}()
	cmd, exited, jrpc, logFile := node.cmd, node.exited, node.rpc, node.log
	var took time.Duration
	var hwm int64
	for took == 0 {
		select {
		case err := <-exited:
			return fmt.Errorf("the joiner exited (%v); see %s:\n%s", err, logFile.Name(), tail(logFile.Name(), 20))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Since(start) > 15*time.Minute {
			return fmt.Errorf("the joiner applied no block after the snapshot in 15 minutes; see %s", logFile.Name())
		}
		if v, err := vmHWM(cmd.Process.Pid); err == nil {
			hwm = max(hwm, v)
		}
		if h, ok := committedHeight(client, jrpc); ok && h > snapshotAt {
			took = time.Since(start)
		}
	}
	if v, err := vmHWM(cmd.Process.Pid); err == nil {
		hwm = max(hwm, v)
	}
	r.StateSyncSeconds = round(took.Seconds(), 2)
	r.StateSyncPeakRSSBytes = hwm
	r.SnapshotBytes = size
	r.SnapshotHeight = snapshotAt
	logf("state sync: the joiner applied a block after the snapshot at %d in %v, peak RSS %d MiB; snapshot %d MiB",
		snapshotAt, took.Round(time.Millisecond), hwm>>20, size>>20)
	r.Notes = append(r.Notes, fmt.Sprintf("state sync: a new node (same machine, loopback) joins the chain started from the genesis: the validator took a snapshot at height %d (%.0f MiB on disk); the joiner's time from process start until its application has committed the block after the snapshot (CometBFT's genesis load, snapshot discovery (15 s), fetch, restore and that block), peak RSS = its VmHWM then", snapshotAt, float64(size)/(1<<20)))
	return nil
}

// blockHash is the hash of block h from the CometBFT RPC at rpc.
func blockHash(client *http.Client, rpc string, h int64) (string, error) {
	resp, err := client.Get(fmt.Sprintf("http://%s/block?height=%d", rpc, h))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		return "", err
	}
	if b.Result.BlockID.Hash == "" {
		return "", fmt.Errorf("no block %d", h)
	}
	return b.Result.BlockID.Hash, nil
}
