package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

var _ portypes.ExternalStake = Keeper{}

// nodeLicenses are the licenses bound to a node (few per node: each stands for a role's
// minimum stake).
func (k Keeper) nodeLicenses(ctx context.Context, node string) ([]types.License, error) {
	iter, err := k.Licenses.Indexes.Binding.MatchExact(ctx, collections.Join(int32(types.BINDING_NODE), node))
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var out []types.License
	for ; iter.Valid(); iter.Next() {
		id, err := iter.PrimaryKey()
		if err != nil {
			return nil, err
		}
		l, err := k.Licenses.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// NodeStake is the backing of the licenses bound to operator: x/por counts it as stake.
func (k Keeper) NodeStake(ctx context.Context, operator sdk.AccAddress) (math.Int, error) {
	ls, err := k.nodeLicenses(ctx, operator.String())
	if err != nil {
		return math.Int{}, err
	}
	sum := math.ZeroInt()
	for _, l := range ls {
		sum = sum.Add(l.Backing)
	}
	return sum, nil
}

// SlashNode applies a resource-node slash to the licenses bound to it. TESTNET: licenses
// keep their full stake. MAINNET: each backing shrinks by fraction; the slashed part, and
// the rest of any license that falls to the threshold (liquidated: burned and unbound), are
// released to the por account as network rewards.
func (k Keeper) SlashNode(ctx context.Context, operator sdk.AccAddress, fraction math.LegacyDec) (math.Int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	if params.Stage == types.STAGE_TESTNET {
		return math.ZeroInt(), nil
	}
	ls, err := k.nodeLicenses(ctx, operator.String())
	if err != nil {
		return math.Int{}, err
	}
	released := math.ZeroInt()
	var liquidated uint64
	for _, l := range ls {
		left := math.LegacyNewDecFromInt(l.Backing).Mul(math.LegacyOneDec().Sub(fraction)).TruncateInt()
		released = released.Add(l.Backing.Sub(left))
		l.Backing = left
		if liquidating(params, left) {
			if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicenseLiquidated{
				Id: l.Id, Owner: l.Owner, Kind: types.BINDING_NODE, Target: l.Binding.Target, Backing: left,
			}); err != nil {
				return math.Int{}, err
			}
			released = released.Add(left)
			l.Backing, l.Status, l.Binding = math.ZeroInt(), types.STATUS_LIQUIDATED, types.Binding{}
			liquidated++
		}
		if err := k.Licenses.Set(ctx, l.Id, l); err != nil {
			return math.Int{}, err
		}
	}
	if liquidated > 0 {
		if err := k.countStatus(ctx, types.STATUS_LIQUIDATED, liquidated); err != nil {
			return math.Int{}, err
		}
	}
	if released.IsPositive() {
		// Node-bound licenses back stake virtually; their released backing becomes tokens
		// of the por account here, as a validator-bound license's delegated tokens do.
		coins, err := k.mintCoins(ctx, params, released)
		if err != nil {
			return math.Int{}, err
		}
		if err := k.bank.SendCoinsFromModuleToModule(ctx, types.ModuleName, portypes.ModuleName, coins); err != nil {
			return math.Int{}, err
		}
	}
	return released, nil
}

// CheckNodeStake refuses to unbind the node-bound licenses of ls (others are ignored)
// when a node needs their stake for its active roles (ErrNodeStakeNeeded), or while the
// node has a challenge unresolved (ErrChallengePending): stake bound when a challenge was
// issued stays slashable for it until it resolves, and a node-bound license has no
// unbonding period to keep it so. Unbind and redemption check it before the first write.
func (k Keeper) CheckNodeStake(ctx context.Context, ls []types.License) error {
	removed := map[string]math.Int{}
	var order []string
	for _, l := range ls {
		if l.Binding.Kind != types.BINDING_NODE {
			continue
		}
		if _, ok := removed[l.Binding.Target]; !ok {
			removed[l.Binding.Target] = math.ZeroInt()
			order = append(order, l.Binding.Target)
		}
		removed[l.Binding.Target] = removed[l.Binding.Target].Add(l.Backing)
	}
	for _, node := range order {
		op, err := sdk.AccAddressFromBech32(node)
		if err != nil {
			return err
		}
		if id, err := k.por.UnresolvedChallenge(ctx, op); err != nil {
			return err
		} else if id != 0 {
			return errorsmod.Wrapf(types.ErrChallengePending, "node %s: challenge %d; unbind once it resolves (q por challenge %d)", node, id, id)
		}
		if err := k.por.CheckStakeWithout(ctx, op, removed[node]); err != nil {
			return errorsmod.Wrapf(types.ErrNodeStakeNeeded, "%v: deactivate roles or add stake first", err)
		}
	}
	return nil
}
