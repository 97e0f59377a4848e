// Package status computes how a resource node is doing — per role: slot, last report, eff
// PoR, penalty and the minimums missed, pending and estimated rewards, the break-even token
// price; its challenges passed, missed and pending — and renders it as text, JSON and the
// status page `aegis-node run` serves.
package status

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/node/chain"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// RoleStatus is how the node does in one role.
type RoleStatus struct {
	Role          string   `json:"role"`
	SlotHeld      bool     `json:"slot_held"`
	LastReportDay uint64   `json:"last_report_day"`
	Eff           string   `json:"eff"`
	Penalized     bool     `json:"penalized"`
	MissedMinimum []string `json:"missed_minimum"`
	Pending       string   `json:"pending_uaegis"`
	// Vesting is what still vests (not in Pending), fully vested after the tick of VestedBy;
	// DisqualifiedUntil the last day of a disqualification (spec section 8).
	Vesting           string `json:"vesting_uaegis"`
	VestedBy          uint64 `json:"vested_by_day,omitempty"`
	DisqualifiedUntil uint64 `json:"disqualified_until_day,omitempty"`
	EstDaily          string `json:"est_daily_uaegis"`
	EstMonthly        string `json:"est_monthly_uaegis"`
}

// Status is the node's figures, as `status` prints them.
type Status struct {
	Operator      string       `json:"operator"`
	CurrentDay    uint64       `json:"current_day"`
	LastReportDay uint64       `json:"last_report_day"`
	Pending       string       `json:"pending_uaegis"`
	Vesting       string       `json:"vesting_uaegis"`
	EstMonthly    string       `json:"est_monthly_uaegis"`
	MonthlyCost   float64      `json:"monthly_cost,omitempty"`
	BreakEven     string       `json:"break_even_price_per_aegis,omitempty"`
	Roles         []RoleStatus `json:"roles"`
	Challenges    Challenges   `json:"challenges"`
	HotKey        HotKey       `json:"hot_key"`
}

// HotKey is the node's hot key: how it acts for the node and, as a reporter key paying its
// own fees, its balance and whether it runs low.
type HotKey struct {
	Address  string `json:"address"`
	Mode     string `json:"mode"` // "reporter" (MsgSetReporter) or "authz"
	Balance  string `json:"balance_uaegis"`
	LowFunds bool   `json:"low_funds"`
}

// Collect reads the node's figures from the chain.
func Collect(ctx context.Context, c *chain.Client, monthlyCost float64) (*Status, error) {
	es, err := c.EmissionStatus(ctx)
	if err != nil {
		return nil, err
	}
	node, err := c.Node(ctx)
	if err != nil {
		return nil, err
	}
	rewards, err := c.Rewards(ctx)
	if err != nil {
		return nil, err
	}
	params, err := c.PorParams(ctx)
	if err != nil {
		return nil, err
	}
	pending := map[portypes.NodeRole]portypes.RoleReward{}
	for _, r := range rewards.Roles {
		pending[r.Role] = r
	}
	held := map[portypes.NodeRole]bool{}
	for _, r := range node.Node.Roles {
		held[r] = true
	}
	st := &Status{Operator: c.Operator.String(), CurrentDay: es.CurrentDay, LastReportDay: node.Node.LastReportDay,
		Pending: rewards.Total.String(), Vesting: portypes.IntOrZero(rewards.Vesting).String(), MonthlyCost: monthlyCost}
	disqualified := map[portypes.NodeRole]uint64{}
	for _, pp := range node.Pending {
		disqualified[pp.Role] = pp.Pending.DisqualifiedUntil
	}
	monthly := math.ZeroInt()
	for _, rs := range node.Roles {
		est, err := c.Estimate(ctx, rs.Role, rs.Resources)
		if err != nil {
			return nil, err
		}
		rr := pending[rs.Role]
		daily := est.DailyReward
		if !held[rs.Role] {
			daily = math.ZeroInt()
		}
		monthly = monthly.Add(daily.MulRaw(30))
		st.Roles = append(st.Roles, RoleStatus{
			Role: roleName(rs.Role), SlotHeld: held[rs.Role],
			LastReportDay: node.Node.LastReportDay, Eff: rs.Eff.String(), Penalized: rs.Penalized,
			MissedMinimum: missed(params, rs), Pending: portypes.IntOrZero(rr.Amount).String(),
			Vesting: portypes.IntOrZero(rr.Vesting).String(), VestedBy: rr.VestedBy, DisqualifiedUntil: disqualified[rs.Role],
			EstDaily: daily.String(), EstMonthly: daily.MulRaw(30).String(),
		})
	}
	st.EstMonthly = monthly.String()
	st.HotKey = HotKey{Address: c.HotAddr.String(), Mode: "authz"}
	if node.Node.Reporter == c.HotAddr.String() {
		st.HotKey.Mode = "reporter"
	}
	if bal, err := c.HotBalance(ctx, params.StakeDenom); err == nil {
		st.HotKey.Balance = bal.String()
		st.HotKey.LowFunds = st.HotKey.Mode == "reporter" && bal.LT(chain.LowBalance)
	}
	if st.Challenges, err = collectChallenges(ctx, c, params, node.ChallengeStats); err != nil {
		return nil, err
	}
	if monthlyCost > 0 && monthly.IsPositive() {
		aegis, _ := math.LegacyNewDecFromInt(monthly).QuoInt64(1_000_000).Float64() // display only
		st.BreakEven = fmt.Sprintf("%.6f", monthlyCost/aegis)
	}
	return st, nil
}

// missed names the minimums the role's latest report fell short of.
func missed(p portypes.Params, rs portypes.NodeRoleState) []string {
	for _, rp := range p.Roles {
		if rp.Role != rs.Role {
			continue
		}
		var out []string
		if rs.Resources.Compute < rp.MinCompute {
			out = append(out, fmt.Sprintf("compute %d < %d", rs.Resources.Compute, rp.MinCompute))
		}
		if rs.Resources.Storage < rp.MinStorage {
			out = append(out, fmt.Sprintf("storage %d < %d", rs.Resources.Storage, rp.MinStorage))
		}
		if rs.Resources.Bandwidth < rp.MinBandwidth {
			out = append(out, fmt.Sprintf("bandwidth %d < %d", rs.Resources.Bandwidth, rp.MinBandwidth))
		}
		return out
	}
	return nil
}

// Print writes the status as a table.
func (s *Status) Print(w io.Writer) {
	fmt.Fprintf(w, "node %s   day %d   last report day %d   claimable %s uaegis   vesting %s uaegis   est. %s uaegis/month\n",
		s.Operator, s.CurrentDay, s.LastReportDay, s.Pending, s.Vesting, s.EstMonthly)
	if s.BreakEven != "" {
		fmt.Fprintf(w, "break-even at %.2f a month: %s per AEGIS\n", s.MonthlyCost, s.BreakEven)
	}
	// Columns padded to their widest cell, whatever the figures' lengths.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tSLOT\tEFF\tPENALTY\tCLAIMABLE\tVESTING\tEST/DAY\tMISSED")
	for _, r := range s.Roles {
		missed := strings.Join(r.MissedMinimum, ", ")
		if missed == "" {
			missed = "-"
		}
		fmt.Fprintf(tw, "%s\t%t\t%s\t%t\t%s\t%s\t%s\t%s\n", r.Role, r.SlotHeld, r.Eff, r.Penalized, r.Pending, r.Vesting, r.EstDaily, missed)
	}
	_ = tw.Flush()
	for _, r := range s.Roles {
		if r.DisqualifiedUntil >= s.CurrentDay && r.DisqualifiedUntil > 0 {
			fmt.Fprintf(w, "%s: DISQUALIFIED through day %d by a failed or missed storage proof: it earns nothing and is left out of reports until then\n", r.Role, r.DisqualifiedUntil)
		}
	}
	s.Challenges.print(w)
	if h := s.HotKey; h.Address != "" {
		fmt.Fprintf(w, "hot key %s (%s)   balance %s uaegis\n", h.Address, h.Mode, h.Balance)
		if h.LowFunds {
			fmt.Fprintf(w, "WARNING: the reporter key pays its own fees and has less than %s uaegis left: send it some before its reports fail\n", chain.LowBalance)
		}
	}
}
