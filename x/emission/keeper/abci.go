package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// EndBlocker issues every day that has ended and was not issued yet, in order, at most
// max_days_per_block per block; the rest follow in the next blocks. Every day is handed to
// the distributor, including days that issue 0 (a tiny schedule) and every day after the
// schedule's last: the distributor's ticks must never skip a day. A block with no day end
// costs three store reads.
func (k Keeper) EndBlocker(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	last, total, err := k.Progress(ctx)
	if err != nil {
		return err
	}
	sched := params.Schedule()
	ended := params.DaysEnded(sdk.UnwrapSDKContext(ctx).BlockTime())
	if ended <= last {
		return nil
	}
	upTo := min(ended, last+uint64(params.MaxDaysPerBlock))
	// The tick's duration, for operators' alerts (telemetry; nothing in state).
	defer telemetry.ModuleMeasureSince(types.ModuleName, telemetry.Now(), "day_tick")

	for day := last + 1; day <= upTo; day++ {
		amount := sched.Issue(day) // 0 on a zero day and after the schedule's last day
		if err := k.issueDay(ctx, params.Denom, day, amount); err != nil {
			return errorsmod.Wrapf(err, "emission: issuing day %d (%s%s)", day, amount, params.Denom)
		}
		total = total.Add(amount)
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDayIssued{
			Day: day, Epoch: sched.EpochOf(day) + 1, Amount: amount, Cumulative: total,
		}); err != nil {
			return err
		}
	}
	if err := k.LastDayIssued.Set(ctx, upTo); err != nil {
		return err
	}
	return k.TotalIssued.Set(ctx, total)
}

// issueDay mints a day's amount (if any) and hands the day to the distributor, if one is
// wired, whatever the amount.
func (k Keeper) issueDay(ctx context.Context, denom string, day uint64, amount math.Int) error {
	if amount.IsPositive() {
		coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
		if err := k.bank.MintCoins(ctx, types.ModuleName, coins); err != nil {
			return err
		}
		if k.distributor != nil {
			if err := k.bank.SendCoinsFromModuleToModule(ctx, types.ModuleName, k.distributorModule, coins); err != nil {
				return err
			}
		}
	}
	if k.distributor == nil {
		return nil
	}
	return k.distributor.DistributeDay(ctx, day, amount)
}
