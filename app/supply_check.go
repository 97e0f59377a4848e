package app

import (
	"fmt"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

// supplyFlow is what the bank minted and burned in a block, by whom (the block's record,
// blockSupplyFlow): the burns of x/staking and x/gov are recorded nowhere else.
type supplyFlow struct {
	issued, licenseMinted, otherMinted, licenseBurned, otherBurned math.Int
}

func newSupplyFlow() supplyFlow {
	z := math.ZeroInt()
	return supplyFlow{issued: z, licenseMinted: z, otherMinted: z, licenseBurned: z, otherBurned: z}
}

// add counts a recorded mint or burn of module.
func (f *supplyFlow) add(kind byte, module string, amt math.Int) {
	switch {
	case kind == recordMint && module == emissiontypes.ModuleName:
		f.issued = f.issued.Add(amt)
	case kind == recordMint && module == licensetypes.ModuleName:
		f.licenseMinted = f.licenseMinted.Add(amt)
	case kind == recordMint:
		f.otherMinted = f.otherMinted.Add(amt)
	case module == licensetypes.ModuleName:
		f.licenseBurned = f.licenseBurned.Add(amt)
	default:
		f.otherBurned = f.otherBurned.Add(amt)
	}
}

// supplyMark is the supply and its accounted sources at a check.
type supplyMark struct {
	supply, issued math.Int
	license        licensetypes.TokenFlow
}

func (app *App) supplyMark(ctx sdk.Context, denom string) (supplyMark, error) {
	_, issued, err := app.EmissionKeeper.Progress(ctx)
	if err != nil {
		return supplyMark{}, err
	}
	tokens, err := app.LicenseKeeper.TokenFlow(ctx)
	if err != nil {
		return supplyMark{}, err
	}
	return supplyMark{supply: app.BankKeeper.GetSupply(ctx, denom).Amount, issued: issued, license: tokens}, nil
}

// checkSupplyIdentity: in one block the supply changed by exactly ΔE + license mints −
// license burns − the burns of other modules, x/emission minted exactly what it issued,
// x/license minted and burned what its counters say, and no other module minted.
func checkSupplyIdentity(from, to supplyMark, f supplyFlow) error {
	dS, dE := to.supply.Sub(from.supply), to.issued.Sub(from.issued)
	dLm, dLb := to.license.Minted.Sub(from.license.Minted), to.license.Burned.Sub(from.license.Burned)
	switch {
	case !f.issued.Equal(dE):
		return fmt.Errorf("supply: x/emission minted %s but its progress says %s issued", f.issued, dE)
	case !f.licenseMinted.Equal(dLm):
		return fmt.Errorf("supply: x/license minted %s but counted %s", f.licenseMinted, dLm)
	case !f.licenseBurned.Equal(dLb):
		return fmt.Errorf("supply: x/license burned %s but counted %s", f.licenseBurned, dLb)
	case !f.otherMinted.IsZero():
		return fmt.Errorf("supply: %s minted by a module other than x/emission and x/license", f.otherMinted)
	}
	if want := dE.Add(dLm).Sub(dLb).Sub(f.otherBurned); !dS.Equal(want) {
		return fmt.Errorf("supply: changed by %s, want ΔE %s + license minted %s − license burned %s − other burns %s = %s",
			dS, dE, dLm, dLb, f.otherBurned, want)
	}
	return nil
}
