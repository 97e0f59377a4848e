// Package simulation generates random x/license genesis states and random license
// messages for the app simulation.
package simulation

import (
	"slices"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/aegis-chain/aegis/x/license/types"
)

// maxGenesisLicenses bounds the licenses of a random genesis.
const maxGenesisLicenses = 300

// RandomizedGenState writes a random license genesis: half TESTNET, half MAINNET. The
// license authority is a simulation account, so that TESTNET mints can be signed. Up to
// a few hundred unbound licenses belong to random accounts, some with an operator. The
// minted counter is the number of licenses, or, a fifth of the time, within 20 of the cap
// (the licenses then have ids spread below it, as a MAINNET genesis carried over without
// its burned licenses has), so that mints run into the cap. A MAINNET genesis has
// redemption on half the time, as after the v2-redemption upgrade. Nothing is bound:
// x/staking and x/por are generated without license stake.
func RandomizedGenState(simState *module.SimulationState) {
	r := simState.Rand
	accs := simState.Accounts
	p := types.DefaultParams(accs[r.Intn(len(accs))].Address.String())
	p.BondDenom = simState.BondDenom
	if r.Intn(2) == 0 {
		// From a millionth of the default up to it: small equivalents let a few licenses
		// cover a node's min_stake, large ones weigh on validator power.
		p.StakeEquivalent = math.NewInt(10_000 + r.Int63n(types.DefaultStakeEquivalent.Int64()))
	}
	if r.Intn(2) == 0 {
		// Below 1: a full-backed MAINNET license must be above the threshold.
		p.LiquidationThreshold = math.LegacyNewDecWithPrec(int64(50+r.Intn(50)), 2)
	}
	if r.Intn(2) == 0 {
		p.Stage = types.STAGE_MAINNET
		p.RedemptionEnabled = r.Intn(2) == 0
	}

	n := uint64(r.Intn(maxGenesisLicenses + 1))
	minted := n
	if r.Intn(5) == 0 {
		minted = types.MaxLicenses - uint64(r.Intn(21))
	}
	ids := make([]uint64, 0, n)
	if minted == n {
		for id := uint64(1); id <= n; id++ {
			ids = append(ids, id)
		}
	} else {
		seen := make(map[uint64]bool, n)
		for uint64(len(ids)) < n {
			id := 1 + uint64(r.Int63n(int64(minted)))
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
	}

	gs := types.GenesisState{Params: p, Minted: minted}
	for _, id := range ids {
		l := types.License{Id: id, Owner: accs[r.Intn(len(accs))].Address.String(), Status: types.STATUS_ACTIVE, Backing: p.StakeEquivalent}
		if r.Intn(4) == 0 {
			l.Operator = accs[r.Intn(len(accs))].Address.String()
		}
		if p.Stage == types.STAGE_TESTNET {
			l.MintedAt = 1 + r.Int63n(1_000_000) // minted on this chain before the genesis
		}
		gs.Licenses = append(gs.Licenses, l)
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(&gs)
}
