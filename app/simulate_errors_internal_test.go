package app

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

// TestSimulationErrorHasNoStackFragment: the SDK's tx service formats a failed
// simulation's error with %v, which appended "[x/license/keeper/keeper.go:142]" to what
// every client of the node read; without --trace the reason is the error's message alone,
// and the error still is the module's.
func TestSimulationErrorHasNoStackFragment(t *testing.T) {
	// What baseapp returns for a message that fails: the keeper's error, wrapped with the
	// message index.
	failed := errorsmod.Wrapf(errorsmod.Wrapf(licensetypes.ErrUnknownLicense, "license %d does not exist", 999),
		"failed to execute message; message index: %d", 0)
	frame := regexp.MustCompile(`\[[^\]]+\.go:\d+\]`)

	simulate := func(trace bool) string {
		svc := authtx.NewTxServer(client.Context{}, func([]byte) (sdk.GasInfo, *sdk.Result, error) {
			return sdk.GasInfo{GasUsed: 49211}, nil, simulationError(failed, trace)
		}, nil)
		_, err := svc.Simulate(context.Background(), &txtypes.SimulateRequest{TxBytes: []byte{1}})
		require.Error(t, err)
		return status.Convert(err).Message()
	}

	require.Equal(t, "failed to execute message; message index: 0: license 999 does not exist: unknown license with gas used: '49211'",
		simulate(false))
	require.Regexp(t, frame, simulate(true), "--trace keeps where the error was made")

	wrapped := simulationError(failed, false)
	require.ErrorIs(t, wrapped, licensetypes.ErrUnknownLicense)
	codespace, code, _ := errorsmod.ABCIInfo(wrapped, false)
	require.Equal(t, "license", codespace)
	require.Equal(t, licensetypes.ErrUnknownLicense.ABCICode(), code)
	require.NoError(t, simulationError(nil, false))
	require.False(t, errors.Is(wrapped, sdkerrors.ErrInsufficientFunds))
}
