package app

import (
	"context"
	"fmt"

	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

// supplyFlow is what the bank minted and burned in the blocks since the last check, read
// from the blocks' events (ListenFinalizeBlock): the burns of x/staking and x/gov are
// recorded nowhere else.
type supplyFlow struct {
	minted, licenseBurned, otherBurned math.Int
}

func newSupplyFlow() supplyFlow {
	return supplyFlow{minted: math.ZeroInt(), licenseBurned: math.ZeroInt(), otherBurned: math.ZeroInt()}
}

// add sums the bank's coinbase and burn events of the denom; burns by x/license apart.
func (f *supplyFlow) add(events []abci.Event, denom, license string) error {
	for _, ev := range events {
		if ev.Type != banktypes.EventTypeCoinMint && ev.Type != banktypes.EventTypeCoinBurn {
			continue
		}
		var who string
		amt := math.ZeroInt()
		for _, a := range ev.Attributes {
			switch a.Key {
			case banktypes.AttributeKeyMinter, banktypes.AttributeKeyBurner:
				who = a.Value
			case sdk.AttributeKeyAmount:
				coins, err := sdk.ParseCoinsNormalized(a.Value)
				if err != nil {
					return fmt.Errorf("%s event amount %q: %w", ev.Type, a.Value, err)
				}
				amt = coins.AmountOf(denom)
			}
		}
		switch {
		case ev.Type == banktypes.EventTypeCoinMint:
			f.minted = f.minted.Add(amt)
		case who == license:
			f.licenseBurned = f.licenseBurned.Add(amt)
		default:
			f.otherBurned = f.otherBurned.Add(amt)
		}
	}
	return nil
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

// checkSupplyIdentity: between two checks the supply changed by exactly ΔE + license mints −
// license burns − the burns of other modules, every mint was x/emission's issue or
// x/license's (its counter), and x/license's burn counter moved by its burn events.
func checkSupplyIdentity(from, to supplyMark, f supplyFlow) error {
	dS, dE := to.supply.Sub(from.supply), to.issued.Sub(from.issued)
	dLm, dLb := to.license.Minted.Sub(from.license.Minted), to.license.Burned.Sub(from.license.Burned)
	if want := dE.Add(dLm); !f.minted.Equal(want) {
		return fmt.Errorf("supply: the bank minted %s but emission issued %s and x/license counted %s minted", f.minted, dE, dLm)
	}
	if !f.licenseBurned.Equal(dLb) {
		return fmt.Errorf("supply: x/license burned %s by the bank's events but counted %s", f.licenseBurned, dLb)
	}
	if want := dE.Add(dLm).Sub(dLb).Sub(f.otherBurned); !dS.Equal(want) {
		return fmt.Errorf("supply: changed by %s, want ΔE %s + license minted %s − license burned %s − other burns %s = %s",
			dS, dE, dLm, dLb, f.otherBurned, want)
	}
	return nil
}

// Listener is the ABCIListener that lets the checker see each block's events: register it
// (BaseApp.SetStreamingManager) to have Check prove the supply identity at every block.
func (c *BlockChecker) Listener() storetypes.ABCIListener { return supplyListener{c} }

type supplyListener struct{ c *BlockChecker }

func (l supplyListener) ListenFinalizeBlock(ctx context.Context, _ abci.RequestFinalizeBlock, res abci.ResponseFinalizeBlock) error {
	c := l.c
	params, err := c.app.EmissionKeeper.Params.Get(sdk.UnwrapSDKContext(ctx))
	if err != nil {
		return err
	}
	if !c.listening {
		c.listening, c.flow = true, newSupplyFlow()
	}
	license := authtypes.NewModuleAddress(licensetypes.ModuleName).String()
	if err := c.flow.add(res.Events, params.Denom, license); err != nil {
		c.flowErr = err
		return err
	}
	for _, tx := range res.TxResults {
		if err := c.flow.add(tx.Events, params.Denom, license); err != nil {
			c.flowErr = err
			return err
		}
	}
	return nil
}

func (supplyListener) ListenCommit(context.Context, abci.ResponseCommit, []*storetypes.StoreKVPair) error {
	return nil
}
