package keeper

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/aegis-chain/aegis/x/por/types"
)

var _ types.QueryServer = Querier{}

// Querier serves the gRPC queries.
type Querier struct{ Keeper }

// NewQuerier returns the query server of k.
func NewQuerier(k Keeper) Querier { return Querier{k} }

func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q Querier) Node(ctx context.Context, req *types.QueryNodeRequest) (*types.QueryNodeResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrUnknownNode, "empty request")
	}
	op, err := parseOperator(req.Operator)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	node, err := q.getNode(ctx, op)
	if err != nil {
		return nil, err
	}
	stats, err := q.challengeStats(ctx, op)
	if err != nil {
		return nil, err
	}
	res := &types.QueryNodeResponse{Node: node, ChallengeStats: stats}
	pairs, err := q.pairsOf(ctx, op)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		r := p.Role
		res.Roles = append(res.Roles, p.NodeRoleState)
		if p.PendingStored {
			res.Pending = append(res.Pending, types.PairPending{Operator: node.Operator, Role: r, Pending: p.NodeRolePending})
		}
		ds, err := q.Datasets.Get(ctx, nodeRoleKey(op, r))
		if errors.Is(err, collections.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		res.Datasets = append(res.Datasets, types.RoleDataset{Role: r, Dataset: ds})
	}
	return res, nil
}

func (q Querier) Nodes(ctx context.Context, req *types.QueryNodesRequest) (*types.QueryNodesResponse, error) {
	if req == nil {
		req = &types.QueryNodesRequest{}
	}
	if req.Role == types.NODE_ROLE_UNSPECIFIED {
		nodes, page, err := query.CollectionPaginate(ctx, q.Keeper.Nodes, req.Pagination,
			func(_ sdk.AccAddress, n types.Node) (types.Node, error) { return n, nil })
		if err != nil {
			return nil, err
		}
		return &types.QueryNodesResponse{Nodes: nodes, Pagination: page}, nil
	}
	if !req.Role.Valid() {
		return nil, errorsmod.Wrapf(types.ErrUnknownRole, "%d", req.Role)
	}
	nodes, page, err := query.CollectionPaginate(ctx, q.RoleSlots, req.Pagination,
		func(key collections.Pair[int32, sdk.AccAddress], _ collections.NoValue) (types.Node, error) {
			return q.Keeper.Nodes.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[int32, sdk.AccAddress](int32(req.Role)))
	if err != nil {
		return nil, err
	}
	return &types.QueryNodesResponse{Nodes: nodes, Pagination: page}, nil
}

func (q Querier) Role(ctx context.Context, req *types.QueryRoleRequest) (*types.QueryRoleResponse, error) {
	if req == nil || !req.Role.Valid() {
		return nil, errorsmod.Wrap(types.ErrUnknownRole, "role must be one of WORKER, DELEGATE, DA, SEQUENCER, OPERATOR")
	}
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := q.RoleStates.Get(ctx, int32(req.Role))
	if err != nil {
		return nil, err
	}
	res := &types.QueryRoleResponse{Params: params.Roles[req.Role-1], State: rs, NextPool: math.ZeroInt()}
	last, err := q.lastTick(ctx)
	if err != nil {
		return nil, err
	}
	if last > 0 {
		if res.LastTick, err = q.RoleDays.Get(ctx, roleDayKey(req.Role, last)); err != nil {
			return nil, err
		}
	} else {
		res.LastTick = emptyRoleDay(req.Role)
	}
	if res.NextPool, err = q.nextPool(ctx, params, req.Role); err != nil {
		return nil, err
	}
	return res, nil
}

func (q Querier) RoleDay(ctx context.Context, req *types.QueryRoleDayRequest) (*types.QueryRoleDayResponse, error) {
	if req == nil || !req.Role.Valid() {
		return nil, errorsmod.Wrap(types.ErrUnknownRole, "role must be one of WORKER, DELEGATE, DA, SEQUENCER, OPERATOR")
	}
	rd, err := q.RoleDays.Get(ctx, roleDayKey(req.Role, req.Day))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNoTick, "no tick of %s on day %d", req.Role.Short(), req.Day)
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryRoleDayResponse{RoleDay: rd}, nil
}

func (q Querier) Rewards(ctx context.Context, req *types.QueryRewardsRequest) (*types.QueryRewardsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrUnknownNode, "empty request")
	}
	op, err := parseOperator(req.Operator)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if err := q.requireNode(ctx, op); err != nil {
		return nil, err
	}
	roles, total, err := q.PendingRewards(ctx, op)
	if err != nil {
		return nil, err
	}
	vesting := math.ZeroInt()
	for _, r := range roles {
		vesting = vesting.Add(r.Vesting)
	}
	return &types.QueryRewardsResponse{Roles: roles, Total: total, Vesting: vesting}, nil
}

// Estimate computes the PoR of the given resources and the reward such a node would earn
// at the next tick if it joined the role with the current totals (no reserve release):
// floor(next_pool * (active+1) / slot_cap * eff / (total_eff + eff)).
func (q Querier) Estimate(ctx context.Context, req *types.QueryEstimateRequest) (*types.QueryEstimateResponse, error) {
	if req == nil || !req.Role.Valid() {
		return nil, errorsmod.Wrap(types.ErrUnknownRole, "role must be one of WORKER, DELEGATE, DA, SEQUENCER, OPERATOR")
	}
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	res := types.Resources{Compute: req.Compute, Storage: req.Storage, Bandwidth: req.Bandwidth}
	if res.Max() > params.MaxResourceValue {
		return nil, errorsmod.Wrapf(types.ErrValueTooLarge, "each value must be at most %d", params.MaxResourceValue)
	}
	rp := params.Roles[req.Role-1]
	por := rp.ComputePoR(res)
	out := &types.QueryEstimateResponse{Raw: por.Raw, Capped: por.Capped, Penalized: por.Penalized, Eff: por.Eff, DailyReward: math.ZeroInt()}
	if !por.Eff.IsPositive() {
		return out, nil
	}
	rs, err := q.RoleStates.Get(ctx, int32(req.Role))
	if err != nil {
		return nil, err
	}
	pool, err := q.nextPool(ctx, params, req.Role)
	if err != nil {
		return nil, err
	}
	active := min(rs.Count+1, rp.SlotCap)
	share := math.LegacyNewDecFromInt(pool.Mul(math.NewIntFromUint64(active)).Quo(math.NewIntFromUint64(rp.SlotCap)))
	out.DailyReward = share.Mul(por.Eff).Quo(rs.EffSum.Add(por.Eff)).TruncateInt()
	return out, nil
}

// nextPool is the role's pool at the next tick: its allocation of the next issue plus carry.
func (q Querier) nextPool(ctx context.Context, params types.Params, r types.NodeRole) (math.Int, error) {
	_, amount, err := q.emission.NextIssue(ctx)
	if err != nil {
		return math.Int{}, err
	}
	carry, err := q.carry(ctx)
	if err != nil {
		return math.Int{}, err
	}
	pools, _ := splitByAllocation(amount.Add(carry), params)
	return pools[r-1], nil
}

func emptyRoleDay(r types.NodeRole) types.RoleDay {
	z := math.ZeroInt()
	return types.RoleDay{Role: r, Pool: z, Release: z, Share: z, Distributed: z, Reserve: z, TotalEff: math.LegacyZeroDec(), Index: math.LegacyZeroDec()}
}

func (q Querier) Challenge(ctx context.Context, req *types.QueryChallengeRequest) (*types.QueryChallengeResponse, error) {
	if req == nil || req.Id == 0 {
		return nil, status.Error(codes.InvalidArgument, "challenge id must be set")
	}
	c, err := q.Keeper.Challenges.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "challenge %d not found", req.Id)
	} else if err != nil {
		return nil, err
	}
	return &types.QueryChallengeResponse{Challenge: c}, nil
}

// Challenges lists a node's challenges, newest first by default.
func (q Querier) Challenges(ctx context.Context, req *types.QueryChallengesRequest) (*types.QueryChallengesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "operator must be set")
	}
	op, err := parseOperator(req.Operator)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	page := req.Pagination
	if page == nil {
		page = &query.PageRequest{Reverse: true}
	}
	index := q.OperatorChallenges
	if req.Pending {
		index = q.PendingChallenges
	}
	list, res, err := query.CollectionPaginate(ctx, index, page,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Challenge, error) {
			return q.Keeper.Challenges.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](op))
	if err != nil {
		return nil, err
	}
	return &types.QueryChallengesResponse{Challenges: list, Pagination: res}, nil
}

// ChallengeDay returns a day's sampling receipt with its challenges (ids first_id ..
// first_id+count-1), paginated by offset and limit.
func (q Querier) ChallengeDay(ctx context.Context, req *types.QueryChallengeDayRequest) (*types.QueryChallengeDayResponse, error) {
	if req == nil || req.Day == 0 {
		return nil, status.Error(codes.InvalidArgument, "day must be at least 1")
	}
	receipt, err := q.ChallengeDays.Get(ctx, req.Day)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "no challenges sampled for day %d", req.Day)
	} else if err != nil {
		return nil, err
	}
	offset, limit := uint64(0), uint64(query.DefaultLimit)
	if p := req.Pagination; p != nil {
		if len(p.Key) != 0 {
			return nil, status.Error(codes.InvalidArgument, "paginate challenge days by offset")
		}
		offset = p.Offset
		if p.Limit != 0 {
			limit = p.Limit
		}
	}
	res := &types.QueryChallengeDayResponse{Receipt: receipt, Pagination: &query.PageResponse{Total: receipt.Count}}
	for i := offset; i < receipt.Count && i < offset+limit; i++ {
		c, err := q.Keeper.Challenges.Get(ctx, receipt.FirstId+i)
		if err != nil {
			return nil, err
		}
		res.Challenges = append(res.Challenges, c)
	}
	return res, nil
}

// SetAsidePayouts lists the set-aside unbonding entries, by id; with operator, only its
// own (a short list, filtered as it is read).
func (q Querier) SetAsidePayouts(ctx context.Context, req *types.QuerySetAsidePayoutsRequest) (*types.QuerySetAsidePayoutsResponse, error) {
	if req == nil {
		req = &types.QuerySetAsidePayoutsRequest{}
	}
	if req.Operator != "" {
		if _, err := parseOperator(req.Operator); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	list, res, err := query.CollectionFilteredPaginate(ctx, q.SetAside, req.Pagination,
		func(_ uint64, e types.UnbondingEntry) (bool, error) {
			return req.Operator == "" || e.Operator == req.Operator, nil
		},
		func(_ uint64, e types.UnbondingEntry) (types.UnbondingEntry, error) { return e, nil })
	if err != nil {
		return nil, err
	}
	return &types.QuerySetAsidePayoutsResponse{Entries: list, Pagination: res}, nil
}
