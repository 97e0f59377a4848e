package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/probe"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// RoleFit is whether the part of the machine a role gets meets the role's minimums.
type RoleFit struct {
	Role string `json:"role"`
	// Share is the role's percentage of compute, storage and bandwidth in config.toml; nil
	// for a role the config does not list, which is checked with the whole machine.
	Share   *probe.RoleShare `json:"share,omitempty"`
	Gets    probe.Units      `json:"gets"`
	Minimum probe.Units      `json:"minimum"`
	Meets   bool             `json:"meets"`
	Missing []string         `json:"missing,omitempty"`
}

// RoleCheck is, per role of the chain, whether this machine meets its minimums, and the
// largest set of roles it meets all of with equal shares (what `init --roles` gives).
type RoleCheck struct {
	// Source says where the minimums come from: the chain, or x/por's defaults when the
	// chain could not be asked.
	Source string `json:"source"`
	// Total is the whole machine, in units.
	Total    probe.Units `json:"total"`
	Roles    []RoleFit   `json:"roles"`
	Proposed []string    `json:"proposed"`
}

// checkRoles checks the machine's units against every role's minimums: the roles
// config.toml lists with their share, the others with the whole machine.
func checkRoles(total probe.Units, params portypes.Params, shares []config.RoleShare, source string) RoleCheck {
	out := RoleCheck{Source: source, Total: total, Proposed: proposeRoles(total, params)}
	for _, rp := range params.Roles {
		name := roleName(rp.Role)
		fit := RoleFit{Role: name, Gets: total, Minimum: probe.Units{Compute: rp.MinCompute, Storage: rp.MinStorage, Bandwidth: rp.MinBandwidth}}
		for _, s := range shares {
			if strings.EqualFold(s.Role, name) {
				fit.Share = &probe.RoleShare{Role: name, Compute: s.Compute, Storage: s.Storage, Bandwidth: s.Bandwidth}
				fit.Gets = probe.Units{Compute: pct(total.Compute, s.Compute), Storage: pct(total.Storage, s.Storage), Bandwidth: pct(total.Bandwidth, s.Bandwidth)}
			}
		}
		fit.Missing = missing(fit.Gets, fit.Minimum)
		fit.Meets = len(fit.Missing) == 0
		out.Roles = append(out.Roles, fit)
	}
	return out
}

// pct is a role's part of a resource as probe.Partition computes it: floor(v * p / 100).
func pct(v, p uint64) uint64 { return v/100*p + v%100*p/100 }

// missing names the minimums (want) got falls short of, as status does ("compute 2 < 140").
func missing(got, want probe.Units) []string {
	var out []string
	for _, r := range []struct {
		name     string
		got, min uint64
	}{{"compute", got.Compute, want.Compute}, {"storage", got.Storage, want.Storage}, {"bandwidth", got.Bandwidth, want.Bandwidth}} {
		if r.got < r.min {
			out = append(out, fmt.Sprintf("%s %d < %d", r.name, r.got, r.min))
		}
	}
	return out
}

// proposeRoles is the largest set of roles whose minimums the machine meets in every role
// at once with equal shares (ties: the set whose roles share the larger part of each day's
// emission, then the chain's role order); none if it meets no role even whole.
func proposeRoles(total probe.Units, params portypes.Params) []string {
	n := len(params.Roles)
	best := []string{}
	var bestBps uint32
	for set := 1; set < 1<<n; set++ {
		var names []string
		var bps uint32
		for i, rp := range params.Roles {
			if set&(1<<i) != 0 {
				names = append(names, roleName(rp.Role))
				bps += rp.AllocBps
			}
		}
		share := uint64(100 / len(names))
		ok := true
		for i, rp := range params.Roles {
			if set&(1<<i) == 0 {
				continue
			}
			got := probe.Units{Compute: pct(total.Compute, share), Storage: pct(total.Storage, share), Bandwidth: pct(total.Bandwidth, share)}
			if len(missing(got, probe.Units{Compute: rp.MinCompute, Storage: rp.MinStorage, Bandwidth: rp.MinBandwidth})) > 0 {
				ok = false
				break
			}
		}
		if ok && (len(names) > len(best) || len(names) == len(best) && bps > bestBps) {
			best, bestBps = names, bps
		}
	}
	return best
}

// chainRoleParams are x/por's params from the chain at grpcAddr, or its defaults (and why)
// when the chain does not answer within a few seconds.
func chainRoleParams(ctx context.Context, grpcAddr string) (portypes.Params, string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	enc, err := chain.NewEncoding()
	if err == nil {
		var p portypes.Params
		if p, err = chain.PorParamsAt(ctx, enc, grpcAddr); err == nil {
			return p, "the chain at " + grpcAddr
		}
	}
	return portypes.DefaultParams(), fmt.Sprintf("x/por's default params, as the chain at %s did not answer: %s", grpcAddr, shortErr(err))
}

// shortErr is err's first clause, for one line of output.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		s = s[:i]
	}
	return s
}

// print writes the check as a table and the proposal.
func (rc RoleCheck) print(w io.Writer) {
	total := rc.Total
	fmt.Fprintf(w, "\nroles: what this machine (compute %d, storage %d, bandwidth %d units) gives each role, against\nthe role's minimums (as compute/storage/bandwidth), from %s:\n",
		total.Compute, total.Storage, total.Bandwidth, rc.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tSHARE %\tGETS\tMINIMUM\tMEETS\tMISSING")
	units := func(u probe.Units) string { return fmt.Sprintf("%d/%d/%d", u.Compute, u.Storage, u.Bandwidth) }
	for _, f := range rc.Roles {
		share := "- (whole machine)"
		if f.Share != nil {
			share = fmt.Sprintf("%d/%d/%d", f.Share.Compute, f.Share.Storage, f.Share.Bandwidth)
		}
		meets, miss := "yes", "-"
		if !f.Meets {
			meets, miss = "no", strings.Join(f.Missing, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Role, share, units(f.Gets), units(f.Minimum), meets, miss)
	}
	_ = tw.Flush()
	configured, short := 0, 0
	for _, f := range rc.Roles {
		if f.Share != nil {
			configured++
			if !f.Meets {
				short++
			}
		}
	}
	if short > 0 {
		fmt.Fprintf(w, "%d of the %d roles in config.toml miss a minimum with their share: their reports are penalized.\n", short, configured)
	}
	if len(rc.Proposed) == 0 {
		fmt.Fprintln(w, "This machine meets no role's minimums, even with the whole machine for one role, so its\nreports would all be penalized; with the whole machine each role still misses:")
		for _, f := range rc.Roles {
			fmt.Fprintf(w, "  %s: %s\n", f.Role, strings.Join(missing(rc.Total, f.Minimum), ", "))
		}
		fmt.Fprintln(w, "Report from a machine with more of what is missing.")
		return
	}
	fmt.Fprintf(w, "This machine meets every minimum of %s with equal shares: aegis-node init --roles %s\n(or give these roles the shares in config.toml's [[roles]]).\n",
		strings.Join(rc.Proposed, ", "), strings.Join(rc.Proposed, ","))
}
