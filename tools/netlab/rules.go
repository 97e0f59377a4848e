package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Rules are the faults the switch applies to frames between hosts. Host 0 is the
// management port (the harness, in the root namespace): delay, loss and partitions never
// touch it, so a test can always watch every host; only a host's own link going down
// cuts it off from the harness too.
type Rules struct {
	// Links are delay, jitter and loss on frames from a host in From to a host in To
	// (an empty list: every host). The last matching entry applies.
	Links []LinkRule `json:"links,omitempty"`
	// Partition splits the hosts into groups that cannot reach each other (hosts in no
	// group reach everyone). Empty: no partition.
	Partition [][]int `json:"partition,omitempty"`
	// Down are hosts whose link is down: nothing goes in or out, the harness included.
	Down []int `json:"down,omitempty"`
}

// LinkRule is one link fault: each frame waits Delay plus a uniform draw in
// [-Jitter, +Jitter] (never reordered on its link), and is lost with probability LossPct/100.
type LinkRule struct {
	From    []int         `json:"from,omitempty"`
	To      []int         `json:"to,omitempty"`
	Delay   time.Duration `json:"delay"`
	Jitter  time.Duration `json:"jitter"`
	LossPct float64       `json:"loss_pct"`
}

// Validate refuses rules the switch could not apply as written.
func (r Rules) Validate(hosts int) error {
	valid := func(h int) error {
		if h < 1 || h > hosts {
			return fmt.Errorf("host %d is not in 1..%d", h, hosts)
		}
		return nil
	}
	for _, l := range r.Links {
		for _, h := range append(slices.Clone(l.From), l.To...) {
			if err := valid(h); err != nil {
				return err
			}
		}
		if l.Delay < 0 || l.Jitter < 0 || l.Jitter > l.Delay {
			return fmt.Errorf("delay %s and jitter %s: both must be >= 0 and jitter <= delay", l.Delay, l.Jitter)
		}
		if l.LossPct < 0 || l.LossPct > 100 {
			return fmt.Errorf("loss %g%% is not in [0, 100]", l.LossPct)
		}
	}
	seen := map[int]bool{}
	for _, g := range r.Partition {
		for _, h := range g {
			if err := valid(h); err != nil {
				return err
			}
			if seen[h] {
				return fmt.Errorf("host %d is in two partition groups", h)
			}
			seen[h] = true
		}
	}
	for _, h := range r.Down {
		if err := valid(h); err != nil {
			return err
		}
	}
	return nil
}

// verdict is what happens to a frame from host a to host b.
type verdict struct {
	drop  bool
	delay time.Duration
}

// judge decides the fate of one frame from a to b (r draws the jitter and the loss).
func (r Rules) judge(a, b int, rng *rand.Rand) verdict {
	if slices.Contains(r.Down, a) || slices.Contains(r.Down, b) {
		return verdict{drop: true}
	}
	if a == 0 || b == 0 {
		return verdict{}
	}
	if ga, gb := groupOf(r.Partition, a), groupOf(r.Partition, b); ga >= 0 && gb >= 0 && ga != gb {
		return verdict{drop: true}
	}
	var rule *LinkRule
	for i := range r.Links {
		l := &r.Links[i]
		if (len(l.From) == 0 || slices.Contains(l.From, a)) && (len(l.To) == 0 || slices.Contains(l.To, b)) {
			rule = l
		}
	}
	if rule == nil {
		return verdict{}
	}
	if rule.LossPct > 0 && rng.Float64()*100 < rule.LossPct {
		return verdict{drop: true}
	}
	d := rule.Delay
	if rule.Jitter > 0 {
		d += time.Duration(rng.Int64N(int64(2*rule.Jitter)+1)) - rule.Jitter
	}
	return verdict{delay: d}
}

func groupOf(groups [][]int, h int) int {
	for i, g := range groups {
		if slices.Contains(g, h) {
			return i
		}
	}
	return -1
}

// rulesFile is where a running switch reads its rules (on start and on SIGHUP).
func rulesFile(state string) string { return filepath.Join(state, "rules.json") }

func readRules(state string) (Rules, error) {
	var r Rules
	bz, err := os.ReadFile(rulesFile(state))
	if os.IsNotExist(err) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(bz, &r)
}

// writeRules replaces the rules file in one rename, so the switch never reads half of it.
func writeRules(state string, r Rules) error {
	bz, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := rulesFile(state) + ".tmp"
	if err := os.WriteFile(tmp, bz, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, rulesFile(state))
}
