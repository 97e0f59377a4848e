package app

import (
	"sync"
	"sync/atomic"

	"github.com/cosmos/cosmos-sdk/store/v2/cachemulti"
	"github.com/cosmos/cosmos-sdk/store/v2/iavl"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// queryStore is the multistore the gRPC and REST queries read (baseapp.SetQueryMultiStore):
// the root multistore, with the two things every query asks of it made cheap.
//
//   - LatestVersion: rootmulti answers it by hashing the commit info of every store (a
//     Merkle tree of ~20 SHA-256 leaves), and a query asks twice. Here the answer is kept
//     until a newer version exists.
//   - CacheMultiStoreWithVersion(latest): rootmulti loads every IAVL store's immutable tree
//     for the version, ~20 database reads, on each query. Here they are loaded once per
//     version and shared: an immutable tree is read-only, and each query still gets its
//     own cache branch over them, as before — of the stores it reads, branched when first
//     read (a query reads two or three of the ~16 stores; branching them all was 99
//     allocations and 6.3 KB a query).
//
// At 64 concurrent gRPC clients these were 45% of a query's CPU (docs/performance.md).
// Anything else — other versions, stores with listeners, an error — goes to rootmulti as
// before. Nothing here runs in consensus.
type queryStore struct {
	*rootmulti.Store
	// probe names an IAVL store of a module the app always runs: every commit adds a
	// version to it before rootmulti records the commit. So while it has no version after
	// the kept one, no commit has been recorded since, and the kept answer is rootmulti's.
	probe  string
	latest atomic.Pointer[queryVersion]
}

// queryVersion is the latest version, and its stores once a query has loaded them.
type queryVersion struct {
	version int64
	once    sync.Once
	stores  map[storetypes.StoreKey]storetypes.CacheWrapper // nil: use rootmulti
}

// newQueryStore wraps a loaded root multistore; probe is the name of an IAVL store in it.
func newQueryStore(rs *rootmulti.Store, probe string) *queryStore {
	return &queryStore{Store: rs, probe: probe}
}

// probeStore is the probe (looked up each time: a reload replaces the store objects).
func (q *queryStore) probeStore() *iavl.Store {
	key, ok := q.StoreKeysByName()[q.probe]
	if !ok {
		return nil
	}
	store, _ := q.GetStore(key).(*iavl.Store)
	return store
}

// LatestVersion is rootmulti's latest version, kept while no newer one exists.
func (q *queryStore) LatestVersion() int64 {
	probe := q.probeStore()
	if probe == nil {
		q.latest.Store(nil)
		return q.Store.LatestVersion()
	}
	if v := q.latest.Load(); v != nil && !probe.VersionExists(v.version+1) {
		return v.version
	}
	version := q.Store.LatestVersion()
	// Keep it only when rootmulti has recorded the probe's latest version: in the middle of
	// a commit the probe is a version ahead, and the answer must be asked again.
	if version > 0 && probe.VersionExists(version) && !probe.VersionExists(version+1) {
		q.latest.Store(&queryVersion{version: version})
	}
	return version
}

// CacheMultiStoreWithVersion branches the stores at version: at the kept latest version
// from the stores loaded once, otherwise as rootmulti does.
func (q *queryStore) CacheMultiStoreWithVersion(version int64) (storetypes.CacheMultiStore, error) {
	v := q.latest.Load()
	if v == nil || v.version != version {
		return q.Store.CacheMultiStoreWithVersion(version)
	}
	v.once.Do(func() { v.stores = q.loadStores(version) })
	if v.stores == nil {
		return q.Store.CacheMultiStoreWithVersion(version)
	}
	stores := v.stores
	return cachemulti.NewFromParent(func(key storetypes.StoreKey) storetypes.CacheWrapper { return stores[key] }), nil
}

// loadStores is rootmulti's CacheMultiStoreWithVersion before the cache branch: each IAVL
// store's immutable tree at version, the other stores as they are. It gives up (nil) where
// rootmulti would do more than that: a store with listeners, or one missing the version.
func (q *queryStore) loadStores(version int64) map[storetypes.StoreKey]storetypes.CacheWrapper {
	byName := q.StoreKeysByName()
	stores := make(map[storetypes.StoreKey]storetypes.CacheWrapper, len(byName))
	for _, key := range byName {
		if q.ListeningEnabled(key) {
			return nil
		}
		store := q.GetStore(key)
		if tree, ok := store.(*iavl.Store); ok {
			immutable, err := tree.GetImmutable(version)
			if err != nil {
				return nil
			}
			stores[key] = immutable
			continue
		}
		stores[key] = store
	}
	return stores
}
