package keeper

import (
	"context"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/license/types"
)

// InitGenesis stores the license state and recomputes the supply counters from it.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	s := types.Supply{Minted: gs.Minted, Cap: types.MaxLicenses}
	for _, l := range gs.Licenses {
		if err := k.Licenses.Set(ctx, l.Id, l); err != nil {
			return err
		}
		switch l.Status {
		case types.STATUS_ACTIVE:
			s.Active++
		case types.STATUS_LIQUIDATED:
			s.Liquidated++
		case types.STATUS_REDEEMED:
			s.Redeemed++
		}
	}
	for _, v := range gs.Validators {
		if err := k.Validators.Set(ctx, v.Validator, v); err != nil {
			return err
		}
	}
	for _, c := range gs.Cohorts {
		if err := k.Cohorts.Set(ctx, collections.Join(c.Validator, c.Epoch), c); err != nil {
			return err
		}
		if c.Liquidated { // finalized lazily: still ACTIVE in the list above
			s.Active -= c.Count
			s.Liquidated += c.Count
		}
	}
	for _, pb := range gs.PendingBurns {
		if err := k.PendingBurns.Set(ctx, collections.Join(pb.CompletionTimeUnix, pb.Id), pb); err != nil {
			return err
		}
	}
	if err := k.Minted.Set(ctx, gs.Minted); err != nil {
		return err
	}
	if err := k.Supply.Set(ctx, s); err != nil {
		return err
	}
	return k.NextBurnID.Set(ctx, max(gs.NextBurnId, 1))
}

// ExportGenesis exports the whole license state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.Minted, err = k.mintedCount(ctx); err != nil {
		return nil, err
	}
	if gs.NextBurnId, err = k.NextBurnID.Peek(ctx); err != nil {
		return nil, err
	}
	if err := k.Licenses.Walk(ctx, nil, func(_ uint64, l types.License) (bool, error) {
		gs.Licenses = append(gs.Licenses, l)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Validators.Walk(ctx, nil, func(_ string, v types.ValidatorBacking) (bool, error) {
		gs.Validators = append(gs.Validators, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Cohorts.Walk(ctx, nil, func(_ collections.Pair[string, uint64], c types.Cohort) (bool, error) {
		gs.Cohorts = append(gs.Cohorts, c)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.PendingBurns.Walk(ctx, nil, func(_ collections.Pair[int64, uint64], pb types.PendingBurn) (bool, error) {
		gs.PendingBurns = append(gs.PendingBurns, pb)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}

// MainnetGenesis turns an exported TESTNET license state into the license state of a new
// MAINNET genesis: ids, owners and operators kept; bindings cleared (the mainnet's
// validators and nodes are new); backing reset; liquidated and redeemed licenses dropped;
// stage MAINNET, so minting is impossible. The minted counter is kept, so no id is reused.
func MainnetGenesis(testnet types.GenesisState, authority string) types.GenesisState {
	params := testnet.Params
	params.Stage, params.RedemptionEnabled = types.STAGE_MAINNET, false
	if authority != "" {
		params.Authority = authority
	}
	out := types.GenesisState{Params: params, Minted: testnet.Minted, NextBurnId: 1}
	for _, l := range testnet.Licenses {
		if l.Status != types.STATUS_ACTIVE || testnetLiquidated(testnet, l) {
			continue
		}
		out.Licenses = append(out.Licenses, types.License{
			Id: l.Id, Owner: l.Owner, Operator: l.Operator, Status: types.STATUS_ACTIVE,
			Binding: types.Binding{RewardIndex: math.LegacyZeroDec()}, Backing: math.ZeroInt(),
		})
	}
	return out
}

func testnetLiquidated(gs types.GenesisState, l types.License) bool {
	if l.Binding.Kind != types.BINDING_VALIDATOR {
		return false
	}
	for _, c := range gs.Cohorts {
		if c.Validator == l.Binding.Target && c.Epoch == l.Binding.Epoch {
			return c.Liquidated
		}
	}
	return false
}
