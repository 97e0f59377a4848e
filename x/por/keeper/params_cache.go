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
