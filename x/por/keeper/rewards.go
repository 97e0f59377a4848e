package keeper

import (
	"context"
	"errors"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/types"
)

// PendingRewards is what a claim would pay now, per role: floor of the settled plus
// lazily pending reward, with what is held and still vesting beside it. It writes nothing
// and reads op's pairs with one range read (pairsOf): for queries, not transactions.
func (k Keeper) PendingRewards(ctx context.Context, op sdk.AccAddress) ([]types.RoleReward, math.Int, error) {
	last, err := k.lastTick(ctx)
	if err != nil {
		return nil, math.Int{}, err
	}
	pairs, err := k.pairsOf(ctx, op)
	if err != nil {
		return nil, math.Int{}, err
	}
	total := math.ZeroInt()
	out := make([]types.RoleReward, 0, len(pairs))
	for _, nr := range pairs {
		if err := k.settle(ctx, &nr, last); err != nil {
			return nil, math.Int{}, err
		}
		amt := nr.Accrued.TruncateInt()
		out = append(out, types.RoleReward{
			Role: nr.Role, Amount: amt, Held: nr.Held.TruncateInt(),
			Vesting: nr.Unvested().TruncateInt(), VestedBy: nr.VestedBy(), DisqualifiedUntil: nr.DisqualifiedUntil,
		})
		total = total.Add(amt)
	}
	return out, total, nil
}

// claim settles every role of op and pays the whole uaegis of each to the withdraw
// address; fractions stay accrued for the next claim.
func (k Keeper) claim(ctx context.Context, op sdk.AccAddress) (sdk.Coins, error) {
	node, err := k.getNode(ctx, op)
	if err != nil {
		return nil, err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	last, err := k.lastTick(ctx)
	if err != nil {
		return nil, err
	}
	pairs, err := k.heldPairs(ctx, op)
	if err != nil {
		return nil, err
	}
	total, vesting := math.ZeroInt(), math.LegacyZeroDec()
	var vestedBy uint64
	settled := make([]types.Pair, 0, len(pairs))
	for _, nr := range pairs {
		if err := k.settle(ctx, &nr, last); err != nil {
			return nil, err
		}
		vesting, vestedBy = vesting.Add(nr.Unvested()), max(vestedBy, nr.VestedBy())
		pay := nr.Accrued.TruncateInt()
		nr.Accrued = nr.Accrued.Sub(math.LegacyNewDecFromInt(pay))
		total = total.Add(pay)
		settled = append(settled, nr)
	}
	// Nothing is written unless something is paid: a rejected claim changes nothing, also
	// when the payout is refused (a withdraw address the bank blocks).
	if !total.IsPositive() {
		if vesting.IsPositive() {
			return nil, errorsmod.Wrapf(types.ErrNoRewards, "%s has nothing to claim yet: %s uaegis are vesting (75%% of each day's reward vests over vesting_days while challenges are on), a part at each tick until day %d", node.Operator, vesting.TruncateInt(), vestedBy)
		}
		if last == 0 {
			return nil, errorsmod.Wrapf(types.ErrNoRewards, "%s has nothing to claim yet: rewards accrue when a day ends, and no day has ended on this chain (see q emission status)", node.Operator)
		}
		return nil, errorsmod.Wrapf(types.ErrNoRewards, "%s has nothing to claim: rewards accrue at each day's tick for the days its reports count (last tick: day %d)", node.Operator, last)
	}
	to, err := sdk.AccAddressFromBech32(node.WithdrawAddress)
	if err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "withdraw address %q of node %s: %v; set a new one with set-withdraw-address",
			node.WithdrawAddress, node.Operator, err)
	}
	coins := sdk.NewCoins(sdk.NewCoin(params.StakeDenom, total))
	if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, to, coins); err != nil {
		return nil, err
	}
	for _, nr := range settled {
		if err := k.setPair(ctx, nodeRoleKey(op, nr.Role), nr); err != nil {
			return nil, err
		}
	}
	return coins, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRewardsClaimed{
		Operator: node.Operator, WithdrawAddress: node.WithdrawAddress, Amount: total,
	})
}

// Slash takes fraction of op's escrowed stake (and, through ExternalStake, of its
// license backing) into the role reserves, and deactivates all its roles after settling
// them. Earned rewards are not slashed.
func (k Keeper) Slash(ctx context.Context, op sdk.AccAddress, fraction math.LegacyDec, reason string) (math.Int, error) {
	return k.slash(ctx, op, fraction, reason, noUnbonding, false)
}

// noUnbonding: a slash that reaches no unbonding entry.
const noUnbonding = int64(^uint64(0) >> 1)

// slash is Slash that also cuts the unbonding entries created at or after height since:
// stake that was bonded when the slashed-for challenge was issued. With keepRoles (a
// failed storage proof, spec section 8) the node keeps its slots as long as what stake is
// left covers them.
func (k Keeper) slash(ctx context.Context, op sdk.AccAddress, fraction math.LegacyDec, reason string, since int64, keepRoles bool) (math.Int, error) {
	node, err := k.getNode(ctx, op)
	if err != nil {
		return math.Int{}, err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	if !keepRoles {
		if err := k.deactivateAll(ctx, &node, op); err != nil {
			return math.Int{}, err
		}
	}
	slashed := math.LegacyNewDecFromInt(node.Stake).Mul(fraction).TruncateInt()
	if slashed.IsPositive() {
		coins := sdk.NewCoins(sdk.NewCoin(params.StakeDenom, slashed))
		if err := k.bank.SendCoinsFromModuleToModule(ctx, types.StakeAccount, types.ModuleName, coins); err != nil {
			return math.Int{}, err
		}
		node.Stake = node.Stake.Sub(slashed)
	}
	released := slashed
	if since != noUnbonding {
		cut, err := k.slashUnbonding(ctx, op, fraction, since, params.StakeDenom)
		if err != nil {
			return math.Int{}, err
		}
		released = released.Add(cut)
	}
	if k.external != nil {
		ext, err := k.external.SlashNode(ctx, op, fraction)
		if err != nil {
			return math.Int{}, err
		}
		released = released.Add(ext)
	}
	if err := k.addToReserves(ctx, released); err != nil {
		return math.Int{}, err
	}
	if keepRoles {
		if err := k.checkStake(ctx, params, op, node.Stake, node.Roles); errors.Is(err, types.ErrInsufficientStake) {
			if err := k.deactivateAll(ctx, &node, op); err != nil {
				return math.Int{}, err
			}
		} else if err != nil {
			return math.Int{}, err
		}
	}
	if err := k.Nodes.Set(ctx, op, node); err != nil {
		return math.Int{}, err
	}
	return released, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventNodeSlashed{
		Operator: node.Operator, Fraction: fraction, Slashed: released, Reason: reason,
	})
}

// deactivateAll gives up every role of node.
func (k Keeper) deactivateAll(ctx context.Context, node *types.Node, op sdk.AccAddress) error {
	for _, r := range append([]types.NodeRole(nil), node.Roles...) {
		if err := k.deactivateRole(ctx, node, op, r); err != nil {
			return err
		}
	}
	return nil
}
