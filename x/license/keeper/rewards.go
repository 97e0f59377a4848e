package keeper

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

// Staking rewards of a license are x/distribution's: they accrue on the license's own
// delegation and are paid to its withdraw address, the owner, whenever the delegation
// changes (bind, restore, unbind, liquidation, transfer, zero-height export) or is claimed
// here. x/license keeps no reward ledger of its own.

// ownerLicenses lists the ids of owner's licenses.
func (k Keeper) ownerLicenses(ctx context.Context, owner sdk.AccAddress) ([]uint64, error) {
	iter, err := k.Licenses.Indexes.Owner.MatchExact(ctx, owner)
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var out []uint64
	for ; iter.Valid(); iter.Next() {
		id, err := iter.PrimaryKey()
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// claimRewards withdraws the staking rewards of owner's validator-bound licenses, which
// x/distribution pays to owner, and returns the bond-denom total. Work is bounded by the
// owner's licenses (and paid for in gas).
func (k Keeper) claimRewards(ctx context.Context, owner sdk.AccAddress) (math.Int, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return math.Int{}, err
	}
	ids, err := k.ownerLicenses(ctx, owner)
	if err != nil {
		return math.Int{}, err
	}
	total := math.ZeroInt()
	for _, id := range ids {
		l, err := k.Licenses.Get(ctx, id)
		if err != nil {
			return math.Int{}, err
		}
		got, err := k.withdrawRewards(ctx, l)
		if err != nil {
			return math.Int{}, err
		}
		total = total.Add(got.AmountOf(params.BondDenom))
	}
	return total, nil
}

// withdrawRewards has x/distribution pay a validator-bound license's rewards to its
// withdraw address (the owner); other licenses earn no staking rewards.
func (k Keeper) withdrawRewards(ctx context.Context, l types.License) (sdk.Coins, error) {
	if l.Binding.Kind != types.BINDING_VALIDATOR {
		return nil, nil
	}
	valAddr, err := sdk.ValAddressFromBech32(l.Binding.Target)
	if err != nil {
		return nil, err
	}
	return k.distribution.WithdrawDelegationRewards(ctx, types.LicenseAccount(l.Id), valAddr)
}
