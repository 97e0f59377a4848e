package keeper

import (
	"bytes"
	"slices"
	"sync"

	collcodec "cosmossdk.io/collections/codec"

	"github.com/aegis-chain/aegis/x/por/types"
)

// paramsCodec decodes the params once per distinct encoding. Every report, claim and
// query reads them, and decoding their ~40 decimals was a sixth of a report's cost. The
// store is still read (and its gas charged) each time; only the decoding of the same
// bytes is skipped, so the result is exactly what decoding them gives. Guarded for
// CheckTx and FinalizeBlock running at once.
type paramsCodec struct {
	collcodec.ValueCodec[types.Params]
	mu  sync.Mutex
	raw []byte
	val types.Params
}

func (c *paramsCodec) Decode(b []byte) (types.Params, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raw == nil || !bytes.Equal(b, c.raw) {
		v, err := c.ValueCodec.Decode(b)
		if err != nil {
			return v, err
		}
		c.raw, c.val = bytes.Clone(b), v
	}
	return copyParams(c.val), nil
}

// copyParams is p with its own list of roles: a caller that edits the copy's roles leaves the cached
// params alone. (Decimals are immutable values unless mutated in place, which x/por never
// does to params.)
func copyParams(p types.Params) types.Params {
	p.Roles = slices.Clone(p.Roles)
	return p
}

// recentCodec decodes each distinct encoding once while it is among the last max seen, for
// values read far more often than written: a role's day (its index, read by every settle —
// each claim and each Rewards query reads several — and written once, by the day's tick).
// As with paramsCodec the store is still read and its gas charged; only decoding the same
// bytes again is skipped. Callers share the decoded value, so it must not be mutated in
// place (x/por never mutates a decimal or integer in place).
type recentCodec[T any] struct {
	collcodec.ValueCodec[T]
	max int
	mu  sync.RWMutex
	m   map[string]T
}

func newRecentCodec[T any](c collcodec.ValueCodec[T], max int) *recentCodec[T] {
	return &recentCodec[T]{ValueCodec: c, max: max, m: make(map[string]T, max)}
}

func (c *recentCodec[T]) Decode(b []byte) (T, error) {
	c.mu.RLock()
	v, ok := c.m[string(b)]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := c.ValueCodec.Decode(b)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[string(b)] = v
	c.mu.Unlock()
	return v, nil
}
