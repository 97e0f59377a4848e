package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/probe"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// planner measures the machine (reusing a cached measurement until it is stale) and
// splits it across the node's roles as config.toml says.
type planner struct {
	cfg   config.Config
	cache probe.Cache
	mu    sync.Mutex
}

func newPlanner(cfg config.Config, home string) *planner {
	return &planner{cfg: cfg, cache: probe.Cache{Dir: home, Interval: cfg.RemeasureEvery()}}
}

// probeOptions are the daily probe's settings (short, next to a working node); the disk
// measured is the one of home/data, whose challenge datasets count as free space.
func probeOptions(cfg config.Config, home string) (probe.Options, error) {
	dir := filepath.Join(home, "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return probe.Options{}, err
	}
	return probe.Options{DataDir: dir, DatasetDir: datasetDir(home),
		DeclaredBandwidthMbps: float64(cfg.Probe.DeclaredBandwidthMbps), BandwidthPeer: cfg.Probe.Peer}, nil
}

// measure returns the machine's units, probing again when the cache is stale.
func (p *planner) measure(ctx context.Context, home string) (probe.Units, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, fresh, _ := p.cache.Current(time.Now())
	if !fresh {
		opts, err := probeOptions(p.cfg, home)
		if err != nil {
			return probe.Units{}, err
		}
		if m, err = probe.Probe(ctx, opts); err != nil {
			return probe.Units{}, err
		}
		if err := p.cache.Save(m); err != nil {
			return probe.Units{}, err
		}
	}
	return probe.Convert(m)
}

// Plan implements reporter.Plan: the totals, and one part per active role the config gives
// a share (roles the node holds but the config does not list get nothing).
func (p *planner) Plan(ctx context.Context, roles []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
	total, err := p.measure(ctx, p.cache.Dir)
	if err != nil {
		return portypes.Resources{}, nil, err
	}
	return splitRoles(p.cfg, total, roles)
}

// splitRoles splits the machine's units across the roles as config.toml says.
func splitRoles(cfg config.Config, total probe.Units, roles []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
	var shares []probe.RoleShare
	var active []portypes.NodeRole
	for _, r := range roles {
		for _, s := range cfg.Roles {
			if strings.EqualFold(s.Role, roleName(r)) {
				shares = append(shares, probe.RoleShare{Role: roleName(r), Compute: s.Compute, Storage: s.Storage, Bandwidth: s.Bandwidth})
				active = append(active, r)
			}
		}
	}
	if len(shares) == 0 {
		return portypes.Resources{}, nil, fmt.Errorf("config.toml gives no share to any role the node holds (%v): add [[roles]] for them", roles)
	}
	parts, err := probe.Partition(total, shares)
	if err != nil {
		return portypes.Resources{}, nil, err
	}
	out := make([]portypes.RolePart, len(parts))
	for i, u := range parts {
		out[i] = portypes.RolePart{Role: active[i], Resources: portypes.Resources{Compute: u.Compute, Storage: u.Storage, Bandwidth: u.Bandwidth}}
	}
	return portypes.Resources{Compute: total.Compute, Storage: total.Storage, Bandwidth: total.Bandwidth}, out, nil
}

// roleName is a role as config.toml spells it: "worker", "sequencer", ...
func roleName(r portypes.NodeRole) string {
	return strings.ToLower(strings.TrimPrefix(r.String(), "NODE_ROLE_"))
}
