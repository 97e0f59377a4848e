package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/aegis-chain/aegis/x/license/types"
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

// License returns a license with its effective status and backing.
func (q Querier) License(ctx context.Context, req *types.QueryLicenseRequest) (*types.QueryLicenseResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	l, err := q.getLicense(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	backing, err := q.Backing(ctx, l)
	if err != nil {
		return nil, err
	}
	return &types.QueryLicenseResponse{License: l, Backing: backing, Account: types.LicenseAccount(l.Id).String()}, nil
}

// Licenses lists licenses by owner, operator, validator or node (at most one filter).
func (q Querier) Licenses(ctx context.Context, req *types.QueryLicensesRequest) (*types.QueryLicensesResponse, error) {
	if req == nil {
		req = &types.QueryLicensesRequest{}
	}
	filters := 0
	for _, f := range []string{req.Owner, req.Operator, req.Validator, req.Node} {
		if f != "" {
			filters++
		}
	}
	if filters > 1 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "filter by at most one of owner, operator, validator, node")
	}
	byIndex := func(iter func() ([]uint64, *query.PageResponse, error)) (*types.QueryLicensesResponse, error) {
		idList, page, err := iter()
		if err != nil {
			return nil, err
		}
		res := &types.QueryLicensesResponse{Pagination: page}
		for _, id := range idList {
			l, err := q.Keeper.Licenses.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			res.Licenses = append(res.Licenses, l)
		}
		return res, nil
	}
	pk := func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (uint64, error) {
		return key.K2(), nil
	}
	switch {
	case req.Owner != "" || req.Operator != "":
		addrStr, idx := req.Owner, q.Keeper.Licenses.Indexes.Owner
		if req.Operator != "" {
			addrStr, idx = req.Operator, q.Keeper.Licenses.Indexes.Operator
		}
		addr, err := sdk.AccAddressFromBech32(addrStr)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "address %q: %v", addrStr, err)
		}
		return byIndex(func() ([]uint64, *query.PageResponse, error) {
			return query.CollectionPaginate(ctx, idx, req.Pagination, pk,
				query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](addr))
		})
	case req.Validator != "" || req.Node != "":
		kind, target := types.BINDING_VALIDATOR, req.Validator
		if req.Node != "" {
			kind, target = types.BINDING_NODE, req.Node
		}
		return byIndex(func() ([]uint64, *query.PageResponse, error) {
			return query.CollectionPaginate(ctx, q.Keeper.Licenses.Indexes.Binding, req.Pagination,
				func(key collections.Pair[collections.Pair[int32, string], uint64], _ collections.NoValue) (uint64, error) {
					return key.K2(), nil
				}, query.WithCollectionPaginationPairPrefix[collections.Pair[int32, string], uint64](collections.Join(int32(kind), target)))
		})
	}
	licenses, page, err := query.CollectionPaginate(ctx, q.Keeper.Licenses, req.Pagination,
		func(_ uint64, l types.License) (types.License, error) { return l, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryLicensesResponse{Licenses: licenses, Pagination: page}, nil
}

func (q Querier) Supply(ctx context.Context, _ *types.QuerySupplyRequest) (*types.QuerySupplyResponse, error) {
	s, err := q.supply(ctx)
	if err != nil {
		return nil, err
	}
	s.Cap = types.MaxLicenses
	t, err := q.tokenFlow(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QuerySupplyResponse{Supply: s, Tokens: t}, nil
}

// Commitment hashes every license in id order (a full scan: a query, never in a block).
func (q Querier) Commitment(ctx context.Context, _ *types.QueryCommitmentRequest) (*types.QueryCommitmentResponse, error) {
	c := types.NewCommitment()
	if err := q.Keeper.Licenses.Walk(ctx, nil, func(_ uint64, l types.License) (bool, error) {
		c.Add(l)
		return false, nil
	}); err != nil {
		return nil, err
	}
	sum, n := c.Sum()
	return &types.QueryCommitmentResponse{Commitment: sum, Count: n}, nil
}

func (q Querier) Rewards(ctx context.Context, req *types.QueryRewardsRequest) (*types.QueryRewardsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	owner, err := sdk.AccAddressFromBech32(req.Owner)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "owner %q is not an address: %v", req.Owner, err)
	}
	// Withdraw on a branch that is thrown away: x/distribution computes exactly what a
	// claim would pay.
	branch, _ := sdk.UnwrapSDKContext(ctx).CacheContext()
	amt, err := q.claimRewards(branch, owner)
	if err != nil {
		return nil, err
	}
	return &types.QueryRewardsResponse{Amount: amt}, nil
}

// Settlements lists the licenses whose stake came back and awaits settlement, in id
// order for the stuck ones, by next try for the others.
func (q Querier) Settlements(ctx context.Context, req *types.QuerySettlementsRequest) (*types.QuerySettlementsResponse, error) {
	if req == nil {
		req = &types.QuerySettlementsRequest{}
	}
	load := func(id uint64) (types.License, error) { return q.Keeper.Licenses.Get(ctx, id) }
	if req.StuckOnly {
		ls, page, err := query.CollectionPaginate(ctx, q.Keeper.Stuck, req.Pagination,
			func(id uint64, _ collections.NoValue) (types.License, error) { return load(id) })
		if err != nil {
			return nil, err
		}
		return &types.QuerySettlementsResponse{Licenses: ls, Pagination: page}, nil
	}
	ls, page, err := query.CollectionPaginate(ctx, q.Keeper.Settling, req.Pagination,
		func(key collections.Pair[int64, uint64], _ collections.NoValue) (types.License, error) {
			return load(key.K2())
		})
	if err != nil {
		return nil, err
	}
	if page == nil || page.NextKey == nil {
		// The stuck ones follow the ones still retried (on the last page of those).
		err = q.Keeper.Stuck.Walk(ctx, nil, func(id uint64) (bool, error) {
			l, err := load(id)
			ls = append(ls, l)
			return false, err
		})
	}
	return &types.QuerySettlementsResponse{Licenses: ls, Pagination: page}, err
}
