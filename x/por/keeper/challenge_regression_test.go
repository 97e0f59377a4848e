package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"
)

// Regression tests of the challenge code for what the app simulation found.

// TestGenesisWithoutChallengeFieldsValidates: a genesis written before challenges existed
// leaves held and forfeited unset (nil). ValidateGenesis documents it as valid but
// panicked on the nil held of every node-role without a pending challenge (found by the
// simulation's random genesis, which builds node-roles without held).
func TestGenesisWithoutChallengeFieldsValidates(t *testing.T) {
	gs := ktExported(t)
	for i := range gs.NodeRoles {
		require.Zero(t, gs.NodeRoles[i].ChallengeId)
		gs.NodeRoles[i].Held = math.LegacyDec{}
	}
	for i := range gs.Roles {
		gs.Roles[i].Forfeited = math.Int{}
	}
	require.NotPanics(t, func() { require.NoError(t, gs.Validate()) })

	f := newFixture(t, nil)
	require.NoError(t, f.k.InitGenesis(f.ctx, *gs))
	got, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, got.Validate())
	for _, nr := range got.NodeRoles {
		require.True(t, nr.Held.IsZero(), "%s %s: held %s", nr.Operator, nr.Role.Short(), nr.Held)
	}
}
