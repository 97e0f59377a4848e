package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/license/types"
)

// TestGenesisUnbondingUntilFitsTheQueue: the unbonding queue is keyed by UnixNano, so a
// license unbonding outside its years (1677-2262) is refused; it used to be queued under
// a wrapped key and settled at once, or a century late (found by
// FuzzLicenseGenesisValidate, issue #12).
func TestGenesisUnbondingUntilFitsTheQueue(t *testing.T) {
	for _, c := range []struct {
		until time.Time
		ok    bool
	}{
		{time.Date(2026, 1, 22, 0, 0, 0, 0, time.UTC), true},
		{time.Unix(0, 1<<63-1).UTC(), true},
		{time.Unix(0, 1<<63-1).UTC().Add(time.Nanosecond), false},
		{time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Time{}, false},
	} {
		gs := licenseGenesisBases()[1]
		require.NotNil(t, gs.Licenses[2].UnbondingUntil, "license 3 is unbonding")
		gs.Licenses[2].UnbondingUntil = &c.until
		err := gs.Validate()
		if c.ok {
			require.NoError(t, err, "%s", c.until)
			continue
		}
		require.ErrorIs(t, err, types.ErrInvalidGenesis, "%s", c.until)
		require.ErrorContains(t, err, "the unbonding queue's nanosecond clock")
	}
}

// TestGenesisTokenCounts: the token counts are never negative; a genesis written before
// they existed (unset) is valid and reads as zero.
func TestGenesisTokenCounts(t *testing.T) {
	gs := licenseGenesisBases()[1]
	require.NoError(t, gs.Validate())
	gs.Tokens = types.TokenFlow{}
	require.NoError(t, gs.Validate(), "unset counts")
	require.True(t, gs.Tokens.Normalized().Minted.IsZero())
	gs.Tokens = types.TokenFlow{Minted: math.NewInt(5), Burned: math.NewInt(-1)}
	require.ErrorContains(t, gs.Validate(), "must not be negative")
}
