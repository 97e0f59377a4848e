// Package posttest derives and proves the storage datasets of x/por/post as an honest
// aegis-node does, for tests and the simulation: small datasets in memory, cached.
package posttest

import (
	"sync"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

// Params are tiny proof sizes of the cheapest label: a storage unit of 128 labels, 8 of
// them a proof and 4 rechecked (an honest scan fails about 1 in 300,000).
func Params() types.StorageProofParams {
	return types.StorageProofParams{LabelsPerStorageUnit: 128, LabelScryptN: 2, K1: 8, K2: 8, Nonces: 16, Rechecks: 4, ScanBytesPerBlock: 1 << 20}
}

type key struct {
	seed   [32]byte
	labels uint64
	n      uint32
}

// cache holds the derived datasets (parallel tests and simulation seeds share it; it only
// saves work).
var cache = struct {
	sync.Mutex
	m map[key][][post.LabelSize]byte
}{m: map[key][][post.LabelSize]byte{}}

// Labels is op's dataset for role as committed by ds.
func Labels(op sdk.AccAddress, role types.NodeRole, ds types.Dataset) [][post.LabelSize]byte {
	k := key{post.Seed(op, int32(role), ds.Nonce), ds.Labels, ds.LabelScryptN}
	cache.Lock()
	defer cache.Unlock()
	if l, ok := cache.m[k]; ok {
		return l
	}
	if len(cache.m) >= 1<<10 {
		clear(cache.m)
	}
	l := make([][post.LabelSize]byte, ds.Labels)
	for i := range l {
		l[i] = post.Label(k.seed[:], uint64(i), ds.LabelScryptN)
	}
	cache.m[k] = l
	return l
}

// Scan proves storage challenge c from labels (a zero label stands for a deleted one);
// false when no nonce reaches k2.
func Scan(c types.Challenge, labels [][post.LabelSize]byte) (*types.StorageProof, bool) {
	pr := post.NewProver(c.Value, c.Storage.Post(), c.Dataset.Labels)
	for i, l := range labels {
		if l != ([post.LabelSize]byte{}) {
			pr.Add(uint64(i), l[:])
		}
	}
	p, ok := pr.Proof()
	if !ok {
		return nil, false
	}
	return &types.StorageProof{Nonce: p.Nonce, Indexes: post.EncodeIndexes(p.Indexes, c.Dataset.Labels)}, true
}

// Prove is the honest answer to storage challenge c (nil for a liveness challenge or the
// rare scan that finds no nonce with k2 labels).
func Prove(c types.Challenge) *types.StorageProof {
	if c.Kind != types.CHALLENGE_KIND_STORAGE {
		return nil
	}
	op := sdk.MustAccAddressFromBech32(c.Operator)
	p, _ := Scan(c, Labels(op, c.Role, c.Dataset))
	return p
}
