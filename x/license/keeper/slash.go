package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// x/staking slashes each license's delegation itself. What x/license adds is the stage rule:
// TESTNET licenses keep their full stake (the slashed part is minted and delegated again),
// MAINNET licenses whose backing falls to the liquidation threshold are liquidated. Both
// touch every license of the validator, so the slash hook only records the validator and
// the EndBlocker walks its licenses a bounded number per block.

// onValidatorSlashed (re)starts the scan of val's licenses. A second slash before the scan
// ends starts it over, which covers every license again.
func (k Keeper) onValidatorSlashed(ctx context.Context, valAddr sdk.ValAddress, fraction math.LegacyDec) error {
	if !fraction.IsPositive() {
		return nil
	}
	val := valAddr.String()
	iter, err := k.Licenses.Indexes.Binding.MatchExact(ctx, collections.Join(int32(types.BINDING_VALIDATOR), val))
	if err != nil {
		return err
	}
	bound := iter.Valid()
	iter.Close()
	if !bound {
		return nil
	}
	return k.SlashScans.Set(ctx, val, 0)
}

// scanSlashed checks up to budget licenses of slashed validators and returns how many it
// checked. Validators are taken in address order; each resumes where its scan stopped.
func (k Keeper) scanSlashed(ctx context.Context, params types.Params, budget int) (int, error) {
	type scan struct {
		val  string
		next uint64
	}
	var scans []scan
	if err := k.SlashScans.Walk(ctx, nil, func(val string, next uint64) (bool, error) {
		scans = append(scans, scan{val, next})
		return len(scans) >= budget, nil
	}); err != nil {
		return 0, err
	}
	done := 0
	for _, s := range scans {
		if done >= budget {
			break
		}
		ids, err := k.boundFrom(ctx, s.val, s.next, budget-done+1)
		if err != nil {
			return done, err
		}
		more := len(ids) > budget-done
		if more {
			ids = ids[:budget-done]
		}
		for _, id := range ids {
			if err := k.checkSlashed(ctx, params, id); err != nil {
				return done, err
			}
		}
		done += len(ids)
		if more {
			err = k.SlashScans.Set(ctx, s.val, ids[len(ids)-1]+1)
		} else {
			err = k.SlashScans.Remove(ctx, s.val)
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// boundFrom lists up to n ids >= from of the licenses bound to val, in id order.
func (k Keeper) boundFrom(ctx context.Context, val string, from uint64, n int) ([]uint64, error) {
	prefix := collections.Join(int32(types.BINDING_VALIDATOR), val)
	iter, err := k.Licenses.Indexes.Binding.Iterate(ctx,
		collections.NewPrefixedPairRange[collections.Pair[int32, string], uint64](prefix).StartInclusive(from))
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var ids []uint64
	for ; iter.Valid() && len(ids) < n; iter.Next() {
		key, err := iter.PrimaryKey()
		if err != nil {
			return nil, err
		}
		ids = append(ids, key)
	}
	return ids, nil
}

// checkSlashed applies the stage rule to one license after a slash of its validator. A
// failure (a validator left with no tokens to delegate to, say) is set aside with an event;
// the license is checked again at the validator's next slash.
func (k Keeper) checkSlashed(ctx context.Context, params types.Params, id uint64) error {
	_, err := k.isolated(ctx, id, "slash", nil, func(ctx context.Context) error {
		l, err := k.Licenses.Get(ctx, id)
		if err != nil {
			return err
		}
		now, err := k.delegated(ctx, l)
		if err != nil {
			return err
		}
		if params.Stage == types.STAGE_TESTNET {
			return k.restore(ctx, params, l, now)
		}
		if liquidating(params, now) {
			return k.liquidateFromValidator(ctx, params, l, now)
		}
		return nil
	})
	return err
}

// restore mints and delegates again what slashes took from a TESTNET license.
func (k Keeper) restore(ctx context.Context, params types.Params, l types.License, now math.Int) error {
	short := l.Backing.Sub(now)
	if !short.IsPositive() {
		return nil
	}
	valAddr, err := sdk.ValAddressFromBech32(l.Binding.Target)
	if err != nil {
		return err
	}
	if err := k.delegate(ctx, params, l.Id, valAddr, short); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBackingRestored{Id: l.Id, Validator: l.Binding.Target, Amount: short})
}

// liquidating: on MAINNET a license whose backing is at or below the threshold is
// liquidated — at, so that a double-sign slash (5%) at the default 95% threshold liquidates.
func liquidating(params types.Params, backing math.Int) bool {
	return math.LegacyNewDecFromInt(backing).LTE(math.LegacyNewDecFromInt(params.StakeEquivalent).Mul(params.LiquidationThreshold))
}

// liquidateFromValidator burns a validator-bound license and undelegates what is left of
// its backing; that reaches the x/por reserves when the unbonding completes.
func (k Keeper) liquidateFromValidator(ctx context.Context, params types.Params, l types.License, now math.Int) error {
	ev := &types.EventLicenseLiquidated{Id: l.Id, Owner: l.Owner, Kind: l.Binding.Kind, Target: l.Binding.Target, Backing: now}
	if err := k.startUnbonding(ctx, params, &l); err != nil {
		return err
	}
	l.Status = types.STATUS_LIQUIDATED
	if err := k.Licenses.Set(ctx, l.Id, l); err != nil {
		return err
	}
	if err := k.countStatus(ctx, types.STATUS_LIQUIDATED, 1); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(ev)
}
