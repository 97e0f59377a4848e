package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// maxPrunesPerBlock bounds the receipts one block deletes (or steps over).
const maxPrunesPerBlock = 100

// pruneReceipts deletes the day receipts and the resolved challenges of report days more
// than receipt_days before today, oldest first, a bounded number per block: the state
// keeps a window of public receipts instead of growing by a day's challenges forever.
// Challenges are visited in id order (the order of their days) from a cursor, so a block
// never walks what earlier blocks passed; a challenge still open is stepped over and kept.
func (k Keeper) pruneReceipts(ctx context.Context, cp types.ChallengeParams) error {
	if cp.ReceiptDays == 0 {
		return nil
	}
	today, err := k.emission.CurrentDay(ctx)
	if err != nil || today <= uint64(cp.ReceiptDays) {
		return err
	}
	cutoff := today - uint64(cp.ReceiptDays) // days before it are pruned
	budget := maxPrunesPerBlock

	// Day receipts first: a receipt never names a challenge already pruned.
	opening, err := k.SamplingDay.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	var days []uint64
	err = k.ChallengeDays.Walk(ctx, new(collections.Range[uint64]).EndExclusive(cutoff), func(day uint64, _ types.ChallengeDay) (bool, error) {
		if day != opening {
			days = append(days, day)
		}
		return len(days) >= budget, nil
	})
	if err != nil {
		return err
	}
	for _, day := range days {
		if err := k.ChallengeDays.Remove(ctx, day); err != nil {
			return err
		}
		budget--
	}

	cursor, err := k.PruneCursor.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	var old []types.Challenge
	next := cursor
	err = k.Challenges.Walk(ctx, new(collections.Range[uint64]).StartInclusive(cursor), func(id uint64, c types.Challenge) (bool, error) {
		// The opening day's receipt is kept, so its challenges are too.
		if c.Day >= cutoff || c.Day == opening || len(old) >= budget {
			return true, nil
		}
		old, next = append(old, c), id+1
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, c := range old {
		if c.Status == types.CHALLENGE_STATUS_PENDING {
			continue // still owed a resolution: kept
		}
		op, err := sdk.AccAddressFromBech32(c.Operator)
		if err != nil {
			return err
		}
		if err := k.Challenges.Remove(ctx, c.Id); err != nil {
			return err
		}
		if err := k.OperatorChallenges.Remove(ctx, collections.Join(op, c.Id)); err != nil {
			return err
		}
	}
	if next == cursor {
		return nil
	}
	return k.PruneCursor.Set(ctx, next)
}
