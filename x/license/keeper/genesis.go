package keeper

import (
	"context"

	"github.com/aegis-chain/aegis/x/license/types"
)

// InitGenesis stores the license state and rebuilds what derives from it: the supply
// counters, the unbonding, settling and stuck sets, and each license's stake account (a
// module account of x/license; anything else found at its address is replaced).
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
		if err := k.ensureStakeAccount(ctx, l); err != nil {
			return err
		}
		if err := k.queueUnbonding(ctx, l); err != nil {
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
	for _, sc := range gs.SlashScans {
		if err := k.SlashScans.Set(ctx, sc.Validator, sc.NextId); err != nil {
			return err
		}
	}
	if err := k.Minted.Set(ctx, gs.Minted); err != nil {
		return err
	}
	if err := k.Tokens.Set(ctx, gs.Tokens.Normalized()); err != nil {
		return err
	}
	return k.Supply.Set(ctx, s)
}

// queueUnbonding puts an unbonding license in the set its stage of unbonding belongs to.
func (k Keeper) queueUnbonding(ctx context.Context, l types.License) error {
	switch {
	case l.UnbondingUntil == nil:
		return nil
	case l.Settlement == nil:
		return k.Unbonding.Set(ctx, unbondingKey(l))
	case l.Settlement.Stuck:
		return k.Stuck.Set(ctx, l.Id)
	default:
		return k.Settling.Set(ctx, unbondingKey(l))
	}
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
	if gs.Tokens, err = k.tokenFlow(ctx); err != nil {
		return nil, err
	}
	if err := k.Licenses.Walk(ctx, nil, func(_ uint64, l types.License) (bool, error) {
		gs.Licenses = append(gs.Licenses, l)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.SlashScans.Walk(ctx, nil, func(val string, next uint64) (bool, error) {
		gs.SlashScans = append(gs.SlashScans, types.SlashScan{Validator: val, NextId: next})
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}

// MainnetGenesis turns an exported TESTNET license state into the license state of a new
// MAINNET genesis: ids, owners and operators kept; bindings and unbondings cleared (the
// mainnet's validators and nodes are new); backing reset to stake_equivalent; liquidated
// and redeemed licenses dropped; stage MAINNET, so minting is impossible. The minted
// counter is kept, so no id is reused.
func MainnetGenesis(testnet types.GenesisState, authority string) types.GenesisState {
	params := testnet.Params
	params.Stage, params.RedemptionEnabled = types.STAGE_MAINNET, false
	if authority != "" {
		params.Authority = authority
	}
	// The token counts start again: they are of the new chain's supply.
	out := types.GenesisState{Params: params, Minted: testnet.Minted, Tokens: types.ZeroTokenFlow()}
	for _, l := range testnet.Licenses {
		if l.Status != types.STATUS_ACTIVE {
			continue
		}
		out.Licenses = append(out.Licenses, types.License{
			Id: l.Id, Owner: l.Owner, Operator: l.Operator, Status: types.STATUS_ACTIVE, Backing: params.StakeEquivalent,
		})
	}
	return out
}
