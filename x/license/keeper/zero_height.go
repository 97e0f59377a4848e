package keeper

import (
	"context"

	"github.com/aegis-chain/aegis/x/license/types"
)

// RebaseMintHeights moves each license's minted_at onto the heights of a chain restarted
// from a zero-height export of this one, whose last block is last (the new chain's height
// 1 is the old last+1), as x/por's heights are: a mint becomes last blocks earlier, 0 or
// negative, "before this chain", instead of a height the new chain has not reached.
// minted_at 0 (carried into a genesis; every MAINNET license) stays 0.
func (k Keeper) RebaseMintHeights(ctx context.Context, last int64) error {
	iter, err := k.Licenses.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	var minted []types.License
	for ; iter.Valid(); iter.Next() {
		l, err := iter.Value()
		if err != nil {
			iter.Close()
			return err
		}
		if l.MintedAt != 0 {
			minted = append(minted, l)
		}
	}
	iter.Close()
	for _, l := range minted {
		l.MintedAt -= last
		if err := k.Licenses.Set(ctx, l.Id, l); err != nil {
			return err
		}
	}
	return nil
}
