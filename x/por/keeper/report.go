package keeper

import (
	"context"
	"slices"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// submitReport records a validated report for the current day d: each part replaces its
// role's report, which then counts at the ticks of days d .. d+report_days-1.
// While challenges are on, each part declaring storage commits to its role's dataset of
// the labels of seed(operator, role, datasetNonce) (x/por/post).
func (k Keeper) submitReport(ctx context.Context, params types.Params, op sdk.AccAddress, totals types.Resources, parts []types.RolePart, datasetNonce uint64) (uint64, error) {
	node, err := k.getNode(ctx, op)
	if err != nil {
		return 0, err
	}
	for _, p := range parts {
		if !slices.Contains(node.Roles, p.Role) {
			return 0, errorsmod.Wrapf(types.ErrRoleInactive, "%s is not active for %s", p.Role.Short(), node.Operator)
		}
	}
	last, err := k.lastTick(ctx)
	if err != nil {
		return 0, err
	}
	day, err := k.reportDay(ctx, last)
	if err != nil {
		return 0, err
	}
	if node.LastReportDay == day {
		return 0, errorsmod.Wrapf(types.ErrDuplicateReport, "%s already reported on day %d; report again on day %d", node.Operator, day, day+1)
	}

	// Load and check every part's state before writing any, so an error changes nothing.
	states := make([]types.Pair, len(parts))
	for i, p := range parts {
		if states[i], err = k.getPair(ctx, nodeRoleKey(op, p.Role)); err != nil {
			return 0, err
		}
		nr := states[i]
		if nr.Disqualified(day) {
			return 0, errorsmod.Wrapf(types.ErrRoleDisqualified, "%s: a failed or missed storage proof disqualified %s through day %d (today is day %d); leave the role out of reports until day %d",
				p.Role.Short(), node.Operator, nr.DisqualifiedUntil, day, nr.DisqualifiedUntil+1)
		}
		// A replaced report that still has ticks to run goes to Prev; there is one Prev.
		if day-1 > last && nr.FromDay != 0 && nr.Eff.IsPositive() && nr.ToDay > last && nr.Prev.FromDay != 0 && nr.Prev.ToDay > last {
			return 0, errorsmod.Wrapf(types.ErrCatchingUp, "%s: ticks have run to day %d, today is day %d", p.Role.Short(), last, day)
		}
	}

	ev := types.EventReportAccepted{Operator: node.Operator, Day: day}
	for i, p := range parts {
		nr := &states[i]
		if err := k.settle(ctx, nr, last); err != nil {
			return 0, err
		}
		// The old report stops counting at today's tick. If ticks lag behind the clock
		// (a halt being caught up), its ticks before today still have to run: keep it.
		var deltas dayDeltas
		old := endDeltas(&deltas, currentSegment(*nr), day-1)
		if old.FromDay != 0 && old.Eff.IsPositive() && old.ToDay > last {
			nr.Prev = old
		}

		por := params.Roles[p.Role-1].ComputePoR(p.Resources)
		nr.Resources, nr.Raw, nr.Capped, nr.Penalized, nr.Eff = p.Resources, por.Raw, por.Capped, por.Penalized, por.Eff
		nr.FromDay, nr.ToDay = day, day+uint64(params.ReportDays)-1
		startDeltas(&deltas, currentSegment(*nr))
		if err := k.applyDeltas(ctx, p.Role, deltas); err != nil {
			return 0, err
		}
		if err := k.setPair(ctx, nodeRoleKey(op, p.Role), *nr); err != nil {
			return 0, err
		}
		if err := k.commitDataset(ctx, params.Challenge, op, p, datasetNonce, day); err != nil {
			return 0, err
		}
		ev.Roles = append(ev.Roles, types.RoleEff{Role: p.Role, Eff: por.Eff, Penalized: por.Penalized})
	}
	node.LastReportDay, node.LastReportTotals = day, totals
	if err := k.Nodes.Set(ctx, op, node); err != nil {
		return 0, err
	}
	if params.Challenge.Enabled() {
		if err := k.logReport(ctx, day, node.Operator, parts); err != nil {
			return 0, err
		}
	}
	sdk.UnwrapSDKContext(ctx).EventManager().EmitEvent(reportAcceptedEvent(ev))
	return day, nil
}

// reportDay is the day a report made now counts from: the day in progress, but never a day
// already ticked (a genesis whose clock is behind its last tick), so a report always
// counts at future ticks.
func (k Keeper) reportDay(ctx context.Context, lastTick uint64) (uint64, error) {
	day, err := k.emission.CurrentDay(ctx)
	if err != nil {
		return 0, err
	}
	return max(day, lastTick+1), nil
}

// ReportDay is the day a report sent now counts from (see reportDay).
func (k Keeper) ReportDay(ctx context.Context) (uint64, error) {
	last, err := k.lastTick(ctx)
	if err != nil {
		return 0, err
	}
	return k.reportDay(ctx, last)
}

// commitDataset records what a part's report commits to: its role's dataset while
// challenges are on and it declares storage, nothing otherwise (a storage challenge then
// never names a dataset the report did not commit).
func (k Keeper) commitDataset(ctx context.Context, cp types.ChallengeParams, op sdk.AccAddress, p types.RolePart, nonce, day uint64) error {
	if !cp.Enabled() {
		// Nothing to commit, and nothing to clear: a challenge checks a dataset only if it
		// was committed by the report it checks (Dataset.day).
		return nil
	}
	key := nodeRoleKey(op, p.Role)
	labels, _ := cp.DatasetLabels(p.Resources.Storage) // bounded by ValidateDatasets
	if labels == 0 {
		return k.Datasets.Remove(ctx, key)
	}
	return k.Datasets.Set(ctx, key, types.Dataset{Nonce: nonce, Labels: labels, LabelScryptN: cp.Storage.LabelScryptN, Day: day})
}
