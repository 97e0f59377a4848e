package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"

	"github.com/aegis-chain/aegis/app"
)

// TestCloseTwiceOnPebbleDB: aegisd start closes the app from two cleanups when it stops
// (cosmos/cosmos-sdk#26558); on PebbleDB, the application database aegisd init sets, a
// second close of the database panics. The app closes its databases once.
func TestCloseTwiceOnPebbleDB(t *testing.T) {
	db, err := dbm.NewDB("application", dbm.PebbleDBBackend, t.TempDir())
	require.NoError(t, err)
	a, err := app.New(log.NewNopLogger(), db, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
	require.NoError(t, err)
	require.NoError(t, a.Close())
	require.NotPanics(t, func() { require.NoError(t, a.Close()) })
}
