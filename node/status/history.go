package status

import (
	"context"
	"sort"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/reporter"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Point is one day of a role's chart: the node's eff PoR counting at that day's tick and
// its reward, eff × the role's reward-index growth that day (the chain's daily receipt).
type Point struct {
	Day uint64 `json:"day"`
	// Date is when the chain day began (UTC, RFC 3339; empty when unknown).
	Date   string `json:"date,omitempty"`
	Eff    string `json:"eff"`
	Reward string `json:"reward_uaegis"`
}

// Series is one role's last days; Role is spelled as users type it (worker, da, ...).
type Series struct {
	Role   string  `json:"role"`
	Points []Point `json:"points"`
}

// Window is the first chart day of the n days up to lastDay, and the first day whose
// report can count in it (a report counts at the ticks of its day .. day+reportDays-1).
func Window(reportDays, lastDay, n uint64) (first, from uint64) {
	first = 1
	if lastDay > n {
		first = lastDay - n + 1
	}
	from = 1
	if first > max(reportDays, 1) {
		from = first - max(reportDays, 1) + 1
	}
	return first, from
}

// MergeHistory is the node's report effs from the chain (the EventReportAccepted events of
// its tx index, see chain.ReportHistory) and from this daemon's own record (the reporter's
// state file): one per day and role, the chain's where both have one, sorted by day and
// role. The chain covers the days before this daemon or its state file started; the
// local record covers a chain node whose RPC keeps no tx index.
func MergeHistory(local []reporter.DayEff, fromChain []chain.ReportEff) []reporter.DayEff {
	type key struct {
		day  uint64
		role string
	}
	byKey := map[key]reporter.DayEff{}
	for _, h := range local {
		byKey[key{h.Day, h.Role}] = h
	}
	for _, r := range fromChain {
		h := reporter.DayEff{Day: r.Day, Role: r.Role.String(), Eff: r.Eff.String()}
		byKey[key{h.Day, h.Role}] = h
	}
	out := make([]reporter.DayEff, 0, len(byKey))
	for _, h := range byKey {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Day != out[j].Day {
			return out[i].Day < out[j].Day
		}
		return out[i].Role < out[j].Role
	})
	return out
}

// History computes the node's daily eff and reward per role over the days lastDay-n+1 ..
// lastDay from its report history (see MergeHistory) and the chain's per-day receipts.
func History(ctx context.Context, c *chain.Client, history []reporter.DayEff, reportDays, lastDay, n uint64) ([]Series, error) {
	byRole := map[string][]reporter.DayEff{}
	for _, h := range history {
		byRole[h.Role] = append(byRole[h.Role], h)
	}
	roles := make([]string, 0, len(byRole))
	for r := range byRole {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	first, _ := Window(reportDays, lastDay, n)
	var out []Series
	for _, role := range roles {
		rv, ok := portypes.NodeRole_value[role]
		if !ok {
			continue
		}
		s := Series{Role: roleName(portypes.NodeRole(rv))}
		prev := math.LegacyZeroDec()
		if first > 1 {
			prev = index(ctx, c, portypes.NodeRole(rv), first-1)
		}
		for day := first; day <= lastDay; day++ {
			idx := index(ctx, c, portypes.NodeRole(rv), day)
			eff := effAt(byRole[role], day, reportDays)
			reward := math.ZeroInt()
			if idx.GT(prev) {
				reward = eff.Mul(idx.Sub(prev)).TruncateInt()
			}
			s.Points = append(s.Points, Point{Day: day, Eff: eff.String(), Reward: reward.String()})
			if idx.IsPositive() {
				prev = idx
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// effAt is the eff of the latest report that counts at day's tick (made on day d with
// d <= day <= d + reportDays - 1).
func effAt(hs []reporter.DayEff, day, reportDays uint64) math.LegacyDec {
	best, bestDay := math.LegacyZeroDec(), uint64(0)
	for _, h := range hs {
		if h.Day <= day && day < h.Day+max(reportDays, 1) && h.Day >= bestDay {
			if e, err := math.LegacyNewDecFromStr(h.Eff); err == nil {
				best, bestDay = e, h.Day
			}
		}
	}
	return best
}

// index is the role's reward index recorded at day's tick (zero when there is none).
func index(ctx context.Context, c *chain.Client, role portypes.NodeRole, day uint64) math.LegacyDec {
	res, err := c.RoleDay(ctx, role, day)
	if err != nil || res.RoleDay.Index.IsNil() {
		return math.LegacyZeroDec()
	}
	return res.RoleDay.Index
}
