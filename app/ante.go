package app

import (
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	"github.com/cosmos/cosmos-sdk/x/auth/posthandler"
)

// SimulationDriftGas is the gas a `--gas auto` estimate (a simulation of a tx carrying no
// fee) reserves for state that changes before the tx's block (see simulatedFeeDecorator).
const SimulationDriftGas = 5_000

// setAnteHandler installs the SDK's default ante handler (ante.NewAnteHandler's decorators,
// in its order) with one change, to simulation only: the fee payment is simulated even for
// a tx that carries no fee (simulatedFeeDecorator). CheckTx and the block run exactly the
// SDK's decorators.
func (app *App) setAnteHandler() error {
	ak, bk := app.AccountKeeper, app.BankKeeper
	app.SetAnteHandler(sdk.ChainAnteDecorators(
		ante.NewSetUpContextDecorator(), // outermost: sets the gas meter
		ante.NewExtensionOptionsDecorator(nil),
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(ak),
		ante.NewConsumeGasForTxSizeDecorator(ak),
		simulatedFeeDecorator{deduct: ante.NewDeductFeeDecorator(ak, bk, app.FeeGrantKeeper, nil)},
		ante.NewSetPubKeyDecorator(ak), // before every signature decorator
		ante.NewValidateSigCountDecorator(ak),
		ante.NewSigGasConsumeDecorator(ak, ante.DefaultSigVerificationGasConsumer),
		ante.NewSigVerificationDecorator(ak, app.txConfig.SignModeHandler()),
		ante.NewIncrementSequenceDecorator(ak),
	))
	return nil
}

func (app *App) setPostHandler() error {
	h, err := posthandler.NewPostHandler(posthandler.HandlerOptions{})
	if err != nil {
		return err
	}
	app.SetPostHandler(h)
	return nil
}

// simulatedFeeDecorator is the SDK's DeductFeeDecorator, except that a simulation of a tx
// carrying no fee pays a stand-in fee of one unit of the fee denom.
//
// Why: `--gas auto` (the SDK client, CosmJS's "auto", aegis-node) simulates a tx before it
// knows its gas limit, so the simulated tx has no gas limit and, with --gas-prices, a fee of
// gas limit × price = 0. The SDK's DeductFeeDecorator skips the payment of a zero fee, so
// the simulation never counted the bank transfer of the fee to the fee collector (two
// balance reads and writes, about 16,000 gas), which the signed tx, with its real fee,
// pays in the block. With the default gas adjustment of 1.0 every such tx ran out of gas
// in the block (TestGasAutoCoversDelivery measures it per tx type).
//
// One unit is the least fee a paying tx pays. What the payment costs differs from the real
// fee's only by the digits of the balances it writes: the payer's balance after the stand-in
// is no shorter than after the real fee, the fee collector's may be a few digits shorter
// (tens of gas), which the simulation's stand-in signature already over-counts by more.
// A payer that cannot pay one unit (no balance, or a fee allowance with nothing left) can
// only send a free tx: the simulation then runs as the SDK's, without the payment.
//
// The estimate also reserves SimulationDriftGas for what changes between the simulation and
// the block: a devnet unbind with --gas auto at adjustment 1.0 once needed 2,100 gas more in
// its block than simulated (its withdrawn rewards had grown by a block's fees, so the
// balances and reward records it writes were longer).
type simulatedFeeDecorator struct {
	deduct ante.DeductFeeDecorator
}

func (d simulatedFeeDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "Tx must be a FeeTx")
	}
	if simulate && feeTx.GetFee().IsZero() {
		// The stand-in payment runs in a branch, so a payer that cannot pay it leaves no
		// trace; its gas is metered on its own and charged only when it is paid.
		branch, write := ctx.CacheContext()
		meter := storetypes.NewInfiniteGasMeter()
		if _, err := d.deduct.AnteHandle(branch.WithGasMeter(meter), standInFeeTx{feeTx, standInFee(ctx, feeTx)}, true, done); err == nil {
			write()
			ctx.GasMeter().ConsumeGas(meter.GasConsumed(), "simulated fee payment")
			ctx.GasMeter().ConsumeGas(SimulationDriftGas, "state drift between simulation and block")
			return next(ctx, tx, simulate)
		}
	}
	// Everything else is the SDK's decorator, then the rest of the chain with the tx as it is.
	newCtx, err := d.deduct.AnteHandle(ctx, tx, simulate, done)
	if err != nil {
		return newCtx, err
	}
	return next(newCtx, tx, simulate)
}

// done ends a chain of one decorator, so the tx the rest of the chain sees is the caller's.
func done(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) { return ctx, nil }

// standInFee is one unit of the denom the tx would pay its fee in: the denom its zero fee
// names (`--gas-prices 0.025uaegis` simulates with a fee of 0uaegis), else the first one
// of the node's minimum gas prices, else the bond denom.
func standInFee(ctx sdk.Context, tx sdk.FeeTx) sdk.Coins {
	denom := BondDenom
	if fee := tx.GetFee(); len(fee) > 0 {
		denom = fee[0].Denom
	} else if prices := ctx.MinGasPrices(); len(prices) > 0 {
		denom = prices[0].Denom
	}
	return sdk.NewCoins(sdk.NewCoin(denom, math.OneInt()))
}

// standInFeeTx is a tx whose fee is the stand-in; everything else is the tx's.
type standInFeeTx struct {
	sdk.FeeTx
	fee sdk.Coins
}

func (t standInFeeTx) GetFee() sdk.Coins { return t.fee }
