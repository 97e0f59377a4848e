package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// InitGenesis stores the whole module state; ValidateGenesis has checked its invariants.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, rs := range gs.Roles {
		rs.Forfeited = types.IntOrZero(rs.Forfeited)
		if err := k.RoleStates.Set(ctx, int32(rs.Role), rs); err != nil {
			return err
		}
	}
	for _, n := range gs.Nodes {
		op, err := sdk.AccAddressFromBech32(n.Operator)
		if err != nil {
			return err
		}
		if err := k.Nodes.Set(ctx, op, n); err != nil {
			return err
		}
		if n.Reporter != "" {
			reporter, err := sdk.AccAddressFromBech32(n.Reporter)
			if err != nil {
				return err
			}
			if err := k.Reporters.Set(ctx, reporter, op); err != nil {
				return err
			}
		}
		for _, r := range n.Roles {
			if err := k.RoleSlots.Set(ctx, collections.Join(int32(r), op)); err != nil {
				return err
			}
		}
	}
	for _, nr := range gs.NodeRoles {
		op, err := sdk.AccAddressFromBech32(nr.Operator)
		if err != nil {
			return err
		}
		if err := k.NodeRoles.Set(ctx, nodeRoleKey(op, nr.Role), nr); err != nil {
			return err
		}
	}
	for _, pp := range gs.PairPending {
		op, err := sdk.AccAddressFromBech32(pp.Operator)
		if err != nil {
			return err
		}
		if err := k.NodeRolePendings.Set(ctx, nodeRoleKey(op, pp.Role), pp.Pending.Normalized()); err != nil {
			return err
		}
	}
	for _, st := range gs.ChallengeStats {
		op, err := sdk.AccAddressFromBech32(st.Operator)
		if err != nil {
			return err
		}
		if err := k.ChallengeStats.Set(ctx, op, st); err != nil {
			return err
		}
	}
	if err := k.initChallenges(ctx, gs); err != nil {
		return err
	}
	for _, d := range gs.Deltas {
		if err := k.Deltas.Set(ctx, roleDayKey(d.Role, d.Day), d.Delta); err != nil {
			return err
		}
	}
	for _, rd := range gs.RoleDays {
		if err := k.RoleDays.Set(ctx, roleDayKey(rd.Role, rd.Day), rd); err != nil {
			return err
		}
	}
	for _, t := range gs.DayTicks {
		if err := k.DayTicks.Set(ctx, t.Day, t); err != nil {
			return err
		}
	}
	for _, u := range gs.Unbonding {
		if err := k.Unbonding.Set(ctx, unbondingKey(u), u); err != nil {
			return err
		}
	}
	for _, u := range gs.SetAside {
		if err := k.SetAside.Set(ctx, u.Id, u); err != nil {
			return err
		}
	}
	for _, d := range gs.Datasets {
		op, err := sdk.AccAddressFromBech32(d.Operator)
		if err != nil {
			return err
		}
		if err := k.Datasets.Set(ctx, nodeRoleKey(op, d.Role), d.Dataset); err != nil {
			return err
		}
	}
	if err := k.Carry.Set(ctx, gs.Carry); err != nil {
		return err
	}
	if err := k.LastTickDay.Set(ctx, gs.LastTickDay); err != nil {
		return err
	}
	return k.NextUnbondingID.Set(ctx, max(gs.NextUnbondingId, 1))
}

// ExportGenesis exports the whole module state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.Carry, err = k.carry(ctx); err != nil {
		return nil, err
	}
	if gs.LastTickDay, err = k.lastTick(ctx); err != nil {
		return nil, err
	}
	if gs.NextUnbondingId, err = k.NextUnbondingID.Peek(ctx); err != nil {
		return nil, err
	}
	if err := k.RoleStates.Walk(ctx, nil, func(_ int32, v types.RoleState) (bool, error) {
		gs.Roles = append(gs.Roles, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Nodes.Walk(ctx, nil, func(_ sdk.AccAddress, v types.Node) (bool, error) {
		gs.Nodes = append(gs.Nodes, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.NodeRoles.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, int32], v types.NodeRoleState) (bool, error) {
		gs.NodeRoles = append(gs.NodeRoles, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.NodeRolePendings.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, int32], v types.NodeRolePending) (bool, error) {
		gs.PairPending = append(gs.PairPending, types.PairPending{Operator: key.K1().String(), Role: types.NodeRole(key.K2()), Pending: v})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.ChallengeStats.Walk(ctx, nil, func(_ sdk.AccAddress, v types.NodeChallengeStats) (bool, error) {
		gs.ChallengeStats = append(gs.ChallengeStats, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Deltas.Walk(ctx, nil, func(key collections.Pair[int32, uint64], v types.RoleDelta) (bool, error) {
		gs.Deltas = append(gs.Deltas, types.GenesisRoleDelta{Role: types.NodeRole(key.K1()), Day: key.K2(), Delta: v})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.RoleDays.Walk(ctx, nil, func(_ collections.Pair[int32, uint64], v types.RoleDay) (bool, error) {
		gs.RoleDays = append(gs.RoleDays, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.DayTicks.Walk(ctx, nil, func(_ uint64, v types.DayTick) (bool, error) {
		gs.DayTicks = append(gs.DayTicks, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Unbonding.Walk(ctx, nil, func(_ collections.Pair[int64, uint64], v types.UnbondingEntry) (bool, error) {
		gs.Unbonding = append(gs.Unbonding, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.SetAside.Walk(ctx, nil, func(_ uint64, v types.UnbondingEntry) (bool, error) {
		gs.SetAside = append(gs.SetAside, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Datasets.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, int32], d types.Dataset) (bool, error) {
		gs.Datasets = append(gs.Datasets, types.GenesisDataset{Operator: key.K1().String(), Role: types.NodeRole(key.K2()), Dataset: d})
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, k.exportChallenges(ctx, gs)
}

// initChallenges stores the challenges with their indexes, the day receipts and the
// report log.
func (k Keeper) initChallenges(ctx context.Context, gs types.GenesisState) error {
	for _, c := range gs.Challenges {
		op, err := sdk.AccAddressFromBech32(c.Operator)
		if err != nil {
			return err
		}
		c.Forfeited = types.IntOrZero(c.Forfeited)
		if err := k.putChallenge(ctx, op, c); err != nil {
			return err
		}
	}
	for _, d := range gs.ChallengeDays {
		if err := k.ChallengeDays.Set(ctx, d.Day, d); err != nil {
			return err
		}
	}
	if gs.ReportLog != (types.ReportLog{}) {
		if err := k.ReportLog.Set(ctx, gs.ReportLog); err != nil {
			return err
		}
	}
	for _, t := range gs.ReportLogEntries {
		key := collections.Join(t.Buffer, t.Index)
		t.Buffer, t.Index = 0, 0 // the key holds them
		if err := k.ReportLogEntries.Set(ctx, key, t); err != nil {
			return err
		}
	}
	if gs.SamplingDay != 0 {
		if err := k.SamplingDay.Set(ctx, gs.SamplingDay); err != nil {
			return err
		}
	}
	if gs.PruneCursor != 0 {
		if err := k.PruneCursor.Set(ctx, gs.PruneCursor); err != nil {
			return err
		}
	}
	if gs.Clock != (types.ChainClock{}) {
		if err := k.Clock.Set(ctx, gs.Clock); err != nil {
			return err
		}
	}
	return k.NextChallengeID.Set(ctx, max(gs.NextChallengeId, 1))
}

// exportChallenges adds the challenge state to gs.
func (k Keeper) exportChallenges(ctx context.Context, gs *types.GenesisState) error {
	var err error
	if gs.NextChallengeId, err = k.NextChallengeID.Peek(ctx); err != nil {
		return err
	}
	gs.NextChallengeId = max(gs.NextChallengeId, 1)
	if gs.Clock, err = k.chainClock(ctx); err != nil {
		return err
	}
	if gs.SamplingDay, err = k.SamplingDay.Get(ctx); errors.Is(err, collections.ErrNotFound) {
		gs.SamplingDay = 0
	} else if err != nil {
		return err
	}
	if gs.PruneCursor, err = k.PruneCursor.Get(ctx); errors.Is(err, collections.ErrNotFound) {
		gs.PruneCursor = 0
	} else if err != nil {
		return err
	}
	if err := k.Challenges.Walk(ctx, nil, func(_ uint64, c types.Challenge) (bool, error) {
		gs.Challenges = append(gs.Challenges, c)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.ChallengeDays.Walk(ctx, nil, func(_ uint64, d types.ChallengeDay) (bool, error) {
		gs.ChallengeDays = append(gs.ChallengeDays, d)
		return false, nil
	}); err != nil {
		return err
	}
	if gs.ReportLog, err = k.reportLog(ctx); err != nil {
		return err
	}
	// Every entry of both buffers, an older day's tail past a log's count too: a new day
	// overwrites its buffer from the start and never deletes the longer tail of an older day
	// (that would cost a block O(nodes)), so the store holds it and an import must as well.
	return k.ReportLogEntries.Walk(ctx, nil, func(key collections.Pair[uint32, uint64], t types.ChallengeTarget) (bool, error) {
		t.Buffer, t.Index = key.K1(), key.K2()
		gs.ReportLogEntries = append(gs.ReportLogEntries, t)
		return false, nil
	})
}
