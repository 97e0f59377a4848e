package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/store/v2/iavl"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// TestQueryStoreKeepsTheLatestVersion: the query store answers LatestVersion from what it
// kept while no commit has happened, follows every commit, loads the latest version's stores
// once and shares them between queries, and reads older versions through rootmulti.
func TestQueryStoreKeepsTheLatestVersion(t *testing.T) {
	rs := rootmulti.NewStore(dbm.NewMemDB(), log.NewNopLogger())
	probe, data := storetypes.NewKVStoreKey("probe"), storetypes.NewKVStoreKey("data")
	rs.MountStoreWithDB(probe, storetypes.StoreTypeIAVL, nil)
	rs.MountStoreWithDB(data, storetypes.StoreTypeIAVL, nil)
	require.NoError(t, rs.LoadLatestVersion())
	q := newQueryStore(rs, "probe")
	require.Zero(t, q.LatestVersion())
	require.Nil(t, q.latest.Load(), "nothing committed: nothing kept")

	value := func(version int64) string {
		cms, err := q.CacheMultiStoreWithVersion(version)
		require.NoError(t, err)
		return string(cms.GetKVStore(data).Get([]byte("k")))
	}
	for v := int64(1); v <= 4; v++ {
		rs.GetKVStore(data).Set([]byte("k"), []byte{byte('a' + v)})
		require.Equal(t, v, rs.Commit().Version)
		require.Equal(t, v, q.LatestVersion())
		kept := q.latest.Load()
		require.NotNil(t, kept)
		require.Equal(t, v, kept.version)
		require.Equal(t, v, q.LatestVersion(), "asked again")
		require.Same(t, kept, q.latest.Load(), "asked again: the kept answer")

		require.Equal(t, string([]byte{byte('a' + v)}), value(v))
		stores := kept.stores
		require.NotNil(t, stores, "the latest version's stores are loaded once")
		require.Equal(t, string([]byte{byte('a' + v)}), value(v))
		require.Equal(t, stores, kept.stores, "and shared by the next query")
	}
	for v := int64(1); v <= 4; v++ {
		require.Equal(t, string([]byte{byte('a' + v)}), value(v), "an older version, through rootmulti")
	}

	// In the middle of a commit the probe is a version ahead of what rootmulti has recorded:
	// the answer is rootmulti's, asked each time; nothing newer is kept.
	rs.GetStore(probe).(*iavl.Store).Commit()
	for range 2 {
		require.Equal(t, int64(4), q.LatestVersion())
		require.Equal(t, int64(4), q.latest.Load().version)
	}

	// A query store whose probe is not a store of the app always asks rootmulti.
	lost := newQueryStore(rs, "missing")
	require.Equal(t, int64(4), lost.LatestVersion())
	require.Nil(t, lost.latest.Load())
}
