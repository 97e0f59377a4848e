package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/node/chain"
)

func TestClaimableSaysWhatToDo(t *testing.T) {
	// Unregistered: what status says (register with aegis-node register), not a raw error.
	notRegistered := fmt.Errorf("%w: aegis1op is not a registered node: register it with `aegis-node register` (signed by the operator key)", chain.ErrNotRegistered)
	err := claimable(notRegistered, math.Int{})
	require.ErrorIs(t, err, chain.ErrNotRegistered)
	require.ErrorContains(t, err, "nothing to claim: ")
	require.ErrorContains(t, err, "register it with `aegis-node register`")
	require.ErrorContains(t, err, "aegis-node run")

	unreachable := fmt.Errorf("%w: connection refused", chain.ErrUnreachable)
	require.ErrorIs(t, claimable(unreachable, math.Int{}), chain.ErrUnreachable)

	require.ErrorContains(t, claimable(nil, math.ZeroInt()), "nothing to claim yet")
	require.NoError(t, claimable(nil, math.NewInt(5)))
	require.False(t, errors.Is(claimable(nil, math.ZeroInt()), chain.ErrNotRegistered))
}
