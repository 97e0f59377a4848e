package keeper

import (
	"context"

	"cosmossdk.io/math"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/emission/types"
)

var _ types.QueryServer = Querier{}

// Querier serves the gRPC queries.
type Querier struct{ Keeper }

// NewQuerier returns the query server of k.
func NewQuerier(k Keeper) Querier { return Querier{k} }

// Params returns the schedule parameters.
func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// Status returns where the chain is in the schedule at the last block time.
func (q Querier) Status(ctx context.Context, _ *types.QueryStatusRequest) (*types.QueryStatusResponse, error) {
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	last, total, err := q.Progress(ctx)
	if err != nil {
		return nil, err
	}
	sched := params.Schedule()
	res := &types.QueryStatusResponse{
		DaysIssued:    last,
		TotalIssued:   total,
		Remaining:     sched.Total.Sub(total),
		NextDayAmount: math.ZeroInt(),
	}
	if now := sdk.UnwrapSDKContext(ctx).BlockTime(); !now.Before(params.StartTime) {
		res.CurrentDay = params.DaysEnded(now) + 1
		res.CurrentEpoch = sched.EpochOf(res.CurrentDay) + 1
	}
	// Every day is issued and ticked, also after the schedule's last day (issuing 0).
	res.NextDay = last + 1
	res.NextDayEndTime = params.DayEnd(res.NextDay)
	res.NextDayAmount = sched.Issue(res.NextDay)
	return res, nil
}

// Schedule returns every epoch's days and totals.
func (q Querier) Schedule(ctx context.Context, _ *types.QueryScheduleRequest) (*types.QueryScheduleResponse, error) {
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	sched := params.Schedule()
	res := &types.QueryScheduleResponse{Total: sched.Total, LastDay: sched.LastDay()}
	for e := uint32(0); e < sched.Epochs; e++ {
		first, last := sched.EpochFirstLastDay(e)
		res.Epochs = append(res.Epochs, types.EpochInfo{
			Epoch: e + 1, FirstDay: first, LastDay: last,
			Total: sched.EpochTotal(e), DailyAmount: sched.Issue(first),
		})
	}
	return res, nil
}

// Day returns the amount and cumulative total of a day of the schedule.
func (q Querier) Day(ctx context.Context, req *types.QueryDayRequest) (*types.QueryDayResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDay, "empty request")
	}
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	sched := params.Schedule()
	if req.Day == 0 || req.Day > sched.LastDay() {
		return nil, errorsmod.Wrapf(types.ErrInvalidDay, "day must be in [1, %d], got %d", sched.LastDay(), req.Day)
	}
	return &types.QueryDayResponse{
		Day:        req.Day,
		Epoch:      sched.EpochOf(req.Day) + 1,
		Amount:     sched.Issue(req.Day),
		Cumulative: sched.Cumulative(req.Day),
		EndTime:    params.DayEnd(req.Day),
	}, nil
}
