package app

import (
	"fmt"
	"io"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// simulate is what the tx service runs for a simulation. The SDK's tx service puts the
// simulation's error in its gRPC status with %v, which for a cosmossdk.io/errors error
// appends the [file:line] where it was wrapped: every client of a node (the CLI with --gas
// auto, REST, CosmJS) got a stack fragment in the reason. Like the tx logs of CheckTx and
// the block, it is there only when the node runs with --trace.
func (app *App) simulate(txBytes []byte) (sdk.GasInfo, *sdk.Result, error) {
	gasInfo, res, err := app.Simulate(txBytes)
	return gasInfo, res, simulationError(err, app.Trace())
}

// simulationError is err for the tx service: without trace, formatted without stack.
func simulationError(err error, trace bool) error {
	if err == nil || trace {
		return err
	}
	return plainError{err}
}

// plainError formats as its message under every verb, without the stack fragment.
type plainError struct{ err error }

func (e plainError) Error() string              { return e.err.Error() }
func (e plainError) Unwrap() error              { return e.err }
func (e plainError) Cause() error               { return e.err } // for errorsmod.ABCIInfo
func (e plainError) Format(s fmt.State, _ rune) { _, _ = io.WriteString(s, e.err.Error()) }
