package types

import (
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"
)

const (
	// MaxChallengesPerDay bounds a day's sampling (and so the block that does it).
	MaxChallengesPerDay = 10_000
	// MaxLeavesPerChallenge and MaxLeafWork bound the work of verifying one answer.
	MaxLeavesPerChallenge = 64
	MaxLeafWork           = 1 << 16
	// MaxDatasetLeaves bounds a dataset (2^48 leaves of 32 bytes: 8 PiB) and so a Merkle
	// path (48 hashes).
	MaxDatasetLeaves = 1 << 48
)

// DefaultChallengeParams are the recommended values with challenges off: governance turns
// them on by setting challenges_per_day once operators run an aegis-node that keeps a
// dataset (docs/verification.md gives the reasoning behind each value). 2^22 leaves of
// 1024 hashes a storage unit make a 100-unit dataset cost about 9.5 core-hours to derive,
// over 100 times a 50-block answer window, while verifying an answer costs under 1 ms.
func DefaultChallengeParams() ChallengeParams {
	return ChallengeParams{
		ChallengesPerDay:     0,
		AnswerWindowBlocks:   50,
		LeavesPerChallenge:   8,
		LeafWork:             1024,
		LeavesPerStorageUnit: 1 << 22,
		SlashFailures:        3,
		FailureWindowDays:    7,
		SlashFraction:        math.LegacyNewDecWithPrec(5, 2),
		SpreadBlocks:         7_200,
		ReceiptDays:          30,
	}
}

// Enabled reports whether challenges are issued.
func (c ChallengeParams) Enabled() bool { return c.ChallengesPerDay > 0 }

// SlashEnabled reports whether repeated misses slash.
func (c ChallengeParams) SlashEnabled() bool { return c.SlashFailures > 0 }

// Validate checks the challenge params, whether or not challenges are on: challenges
// already sampled keep opening and resolving while they are off, and turning them on again
// must not need a second proposal to make the rest valid.
func (c ChallengeParams) Validate() error {
	fail := func(format string, args ...any) error {
		return errorsmod.Wrapf(ErrInvalidParams, "challenge."+format, args...)
	}
	switch {
	case c.ChallengesPerDay > MaxChallengesPerDay:
		return fail("challenges_per_day must be at most %d, got %d", MaxChallengesPerDay, c.ChallengesPerDay)
	case c.AnswerWindowBlocks == 0 || c.AnswerWindowBlocks > 100_000:
		return fail("answer_window_blocks must be in [1, 100000], got %d", c.AnswerWindowBlocks)
	case c.LeavesPerChallenge == 0 || c.LeavesPerChallenge > MaxLeavesPerChallenge:
		return fail("leaves_per_challenge must be in [1, %d], got %d", MaxLeavesPerChallenge, c.LeavesPerChallenge)
	case c.LeafWork == 0 || c.LeafWork > MaxLeafWork:
		return fail("leaf_work must be in [1, %d], got %d", MaxLeafWork, c.LeafWork)
	case c.LeavesPerStorageUnit == 0 || c.LeavesPerStorageUnit > 1<<30:
		return fail("leaves_per_storage_unit must be in [1, 2^30], got %d", c.LeavesPerStorageUnit)
	case c.SpreadBlocks > 1_000_000:
		return fail("spread_blocks must be at most 1000000, got %d", c.SpreadBlocks)
	case c.ReceiptDays != 0 && c.ReceiptDays < c.FailureWindowDays:
		return fail("receipt_days (%d) must cover failure_window_days (%d): the misses that count towards a slash stay public", c.ReceiptDays, c.FailureWindowDays)
	}
	if !c.SlashEnabled() {
		return nil
	}
	switch {
	case c.FailureWindowDays == 0 || c.FailureWindowDays > 365:
		return fail("failure_window_days must be in [1, 365], got %d", c.FailureWindowDays)
	case c.SlashFraction.IsNil() || !c.SlashFraction.IsPositive() || c.SlashFraction.GT(math.LegacyOneDec()):
		return fail("slash_fraction must be in (0, 1], got %s", c.SlashFraction)
	}
	return nil
}

// DatasetLeaves is the size of the dataset a report declaring storage commits to.
func (c ChallengeParams) DatasetLeaves(storage uint64) (uint64, bool) {
	if storage == 0 {
		return 0, true
	}
	if storage > MaxDatasetLeaves/c.LeavesPerStorageUnit {
		return 0, false
	}
	return storage * c.LeavesPerStorageUnit, true
}
