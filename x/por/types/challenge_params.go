package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/post"
)

const (
	// MaxChallengesPerDay bounds a day's sampling.
	MaxChallengesPerDay = 100_000
	// MaxDrawsPerBlock bounds the challenges one block draws: challenges_per_day may be
	// at most this many times spread_blocks.
	MaxDrawsPerBlock = 100
	// MaxLabelsPerStorageUnit bounds a storage unit's dataset (2^34 labels: 256 GiB).
	MaxLabelsPerStorageUnit = 1 << 34
)

// DefaultChallengeParams are the recommended values with challenges off: governance turns
// them on by setting challenges_per_day once operators run an aegis-node that keeps its
// datasets (docs/verification.md gives the reasoning behind each value). A storage unit's
// dataset is 2^26 labels (1 GiB); the proof sizes are x/por/post's defaults.
func DefaultChallengeParams() ChallengeParams {
	return ChallengeParams{
		ChallengesPerDay:     0,
		AnswerWindowBlocks:   50,
		SlashFailures:        3,
		FailureWindowDays:    7,
		SlashFraction:        math.LegacyNewDecWithPrec(5, 2),
		SpreadBlocks:         7_200,
		ReceiptDays:          30,
		Storage:              DefaultStorageProofParams(),
		StorageSlashFraction: math.LegacyNewDecWithPrec(5, 2),
		VestingDays:          DefaultVestingDays,
		DisqualifyDays:       DefaultDisqualifyDays,
		Compute:              DefaultComputeProofParams(),
		ComputeSlashFraction: math.LegacyNewDecWithPrec(5, 2),
	}
}

// DefaultComputeProofParams: two minutes of a pair's declared compute, committed within 150
// seconds, 10 tiles recomputed (docs/verification.md). A node with half the compute it
// declares computes at most 150/240 = 62.5% of the tiles in time and passes below 0.9%; one
// that computes 75% of them passes 5.6%. The chain recomputes 10 tiles in about 1 ms.
func DefaultComputeProofParams() ComputeProofParams {
	return ComputeProofParams{
		TilesPerUnitSecond: compute.TilesPerUnitSecond,
		WorkSeconds:        120,
		CommitSeconds:      150,
		Samples:            10,
		MaxBlockSeconds:    DefaultMaxBlockSeconds,
	}
}

// DefaultMaxBlockSeconds caps one block interval on the chain clock (also while compute
// proofs are off, so that challenges drawn before keep a running clock).
const DefaultMaxBlockSeconds = 30

// Enabled reports whether pairs that declare compute prove it.
func (c ComputeProofParams) Enabled() bool { return c.TilesPerUnitSecond > 0 }

// ClockCapMs is the most of one block interval the chain clock counts, in milliseconds.
func (c ComputeProofParams) ClockCapMs() int64 {
	if c.MaxBlockSeconds == 0 {
		return DefaultMaxBlockSeconds * 1000
	}
	return int64(c.MaxBlockSeconds) * 1000
}

// Tiles is the work a challenge asks of a pair declaring units of compute.
func (c ComputeProofParams) Tiles(units uint64) uint64 {
	return compute.Tiles(units, c.TilesPerUnitSecond, c.WorkSeconds)
}

// Validate checks the compute proof sizes; with tiles_per_unit_second 0 (off) the rest is
// not used and not checked.
func (c ComputeProofParams) Validate() error {
	// The clock's cap is used whether or not compute proofs are on (challenges drawn before
	// keep their windows): when set, it is always bounded.
	if c.MaxBlockSeconds > 3_600 {
		return fmt.Errorf("max_block_seconds must be at most 3600, got %d", c.MaxBlockSeconds)
	}
	if !c.Enabled() {
		return nil
	}
	switch {
	case c.TilesPerUnitSecond > 1_000_000_000:
		return fmt.Errorf("tiles_per_unit_second must be at most 10^9, got %d", c.TilesPerUnitSecond)
	case c.WorkSeconds == 0 || c.WorkSeconds > 3_600:
		return fmt.Errorf("work_seconds must be in [1, 3600], got %d", c.WorkSeconds)
	case c.CommitSeconds <= c.WorkSeconds || c.CommitSeconds > 2*c.WorkSeconds:
		// Past twice the work, a node with half the compute it declared computes it all.
		return fmt.Errorf("commit_seconds must be in (work_seconds, 2 × work_seconds] = (%d, %d], got %d", c.WorkSeconds, 2*c.WorkSeconds, c.CommitSeconds)
	case c.MaxBlockSeconds == 0:
		return fmt.Errorf("max_block_seconds must be in [1, 3600], got 0")
	case c.MaxBlockSeconds > c.CommitSeconds-c.WorkSeconds:
		// One slow block or halt may add max_block_seconds to the clock at once: the window's
		// slack must cover it, or an honest root waiting for that block is late.
		return fmt.Errorf("max_block_seconds %d must be at most the window's slack commit_seconds - work_seconds = %d", c.MaxBlockSeconds, c.CommitSeconds-c.WorkSeconds)
	}
	return compute.CheckSamples(c.Samples)
}

// Spec section 8's defaults: vesting over 14 days, at least twice the 7 days between two
// storage checks of a pair at the full-scale rate. A pair that stores nothing keeps about
// 3.75 days of reward per catch (docs/verification.md): a disqualification of 30 days
// leaves it 10.1% of an honest pair's reward, over the 10% target; 35 days leave it 8.9%.
const (
	DefaultVestingDays    = 14
	DefaultDisqualifyDays = 35
)

// DefaultScanBytesPerBlock is 200 MiB/s over a 5-second block.
const DefaultScanBytesPerBlock = 1000 << 20

// DefaultStorageProofParams are x/por/post's default proof sizes with 1 GiB of labels a
// storage unit.
func DefaultStorageProofParams() StorageProofParams {
	p := post.DefaultParams()
	return StorageProofParams{
		LabelsPerStorageUnit: 1 << 26, LabelScryptN: p.ScryptN,
		K1: p.K1, K2: p.K2, Nonces: p.Nonces, Rechecks: p.Rechecks,
		ScanBytesPerBlock: DefaultScanBytesPerBlock,
	}
}

// Post is the proof sizes as x/por/post takes them.
func (s StorageProofParams) Post() post.Params {
	return post.Params{ScryptN: s.LabelScryptN, K1: s.K1, K2: s.K2, Nonces: s.Nonces, Rechecks: s.Rechecks}
}

// Validate checks the proof sizes and that a storage unit's dataset can be proven.
func (s StorageProofParams) Validate() error {
	if err := s.Post().Validate(); err != nil {
		return err
	}
	if s.LabelsPerStorageUnit < s.Post().MinLabels() || s.LabelsPerStorageUnit > MaxLabelsPerStorageUnit {
		return fmt.Errorf("labels_per_storage_unit must be in [%d (16·k2), 2^34], got %d", s.Post().MinLabels(), s.LabelsPerStorageUnit)
	}
	if s.ScanBytesPerBlock < 1<<20 {
		return fmt.Errorf("scan_bytes_per_block must be at least 1 MiB, got %d", s.ScanBytesPerBlock)
	}
	return nil
}

// ScanBlocks is the blocks an honest node takes to scan a dataset of labels (at least 1).
func (s StorageProofParams) ScanBlocks(labels uint64) uint64 {
	if s.ScanBytesPerBlock == 0 {
		return 1
	}
	bytes := labels * post.LabelSize // labels <= 2^39: no overflow
	return max(1, (bytes+s.ScanBytesPerBlock-1)/s.ScanBytesPerBlock)
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
	case c.StorageSlashFraction.IsNil() || c.StorageSlashFraction.IsNegative() || c.StorageSlashFraction.GT(math.LegacyOneDec()):
		return fail("storage_slash_fraction must be in [0, 1], got %s", c.StorageSlashFraction)
	case c.ComputeSlashFraction.IsNil() && c.Compute.Enabled():
		// Unset (params written before compute proofs, which stay off) slashes nothing; on,
		// it must be said.
		return fail("compute_slash_fraction must be set (in [0, 1]) when compute proofs are on")
	case !c.ComputeSlashFraction.IsNil() && (c.ComputeSlashFraction.IsNegative() || c.ComputeSlashFraction.GT(math.LegacyOneDec())):
		return fail("compute_slash_fraction must be in [0, 1], got %s", c.ComputeSlashFraction)
	case c.SpreadBlocks > 1_000_000:
		return fail("spread_blocks must be at most 1000000, got %d", c.SpreadBlocks)
	case uint64(c.ChallengesPerDay) > MaxDrawsPerBlock*max(c.SpreadBlocks, 1):
		return fail("challenges_per_day %d over spread_blocks %d draws more than %d challenges a block; spread them over at least %d blocks", c.ChallengesPerDay, c.SpreadBlocks, MaxDrawsPerBlock, (uint64(c.ChallengesPerDay)+MaxDrawsPerBlock-1)/MaxDrawsPerBlock)
	case c.VestingDays == 0 || c.VestingDays > MaxVestingDays:
		return fail("vesting_days must be in [1, %d], got %d", MaxVestingDays, c.VestingDays)
	case c.DisqualifyDays > 365:
		return fail("disqualify_days must be at most 365, got %d", c.DisqualifyDays)
	case c.ReceiptDays != 0 && c.ReceiptDays < c.FailureWindowDays:
		return fail("receipt_days (%d) must cover failure_window_days (%d): the misses that count towards a slash stay public", c.ReceiptDays, c.FailureWindowDays)
	}
	if err := c.Storage.Validate(); err != nil {
		return fail("storage.%s", err)
	}
	if err := c.Compute.Validate(); err != nil {
		return fail("compute.%s", err)
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

// DatasetLabels is the size of the dataset a role part declaring storage commits to, false
// when it is too large to prove.
func (c ChallengeParams) DatasetLabels(storage uint64) (uint64, bool) {
	if storage == 0 {
		return 0, true
	}
	if storage > post.MaxLabels/c.Storage.LabelsPerStorageUnit {
		return 0, false
	}
	return storage * c.Storage.LabelsPerStorageUnit, true
}

// Validate checks that a committed dataset can be derived and proven with the proof sizes
// sp (its own scrypt cost, which may differ from the params' since the commitment).
func (d Dataset) Validate(sp StorageProofParams) error {
	p := sp.Post()
	p.ScryptN = d.LabelScryptN
	if err := p.Validate(); err != nil {
		return err
	}
	return p.CheckLabels(d.Labels)
}

// ProvesResources reports whether a challenge of kind k checks resources (storage or
// compute): failing or missing one forfeits everything unvested, disqualifies the pair and
// slashes at once (spec section 8), where a liveness miss forfeits its report only.
func (k ChallengeKind) ProvesResources() bool {
	return k == CHALLENGE_KIND_STORAGE || k == CHALLENGE_KIND_COMPUTE
}

// SlashFractionFor is what failing or missing a challenge of kind k slashes at once (zero for
// liveness, whose misses slash by count).
func (c ChallengeParams) SlashFractionFor(k ChallengeKind) math.LegacyDec {
	switch k {
	case CHALLENGE_KIND_STORAGE:
		return c.StorageSlashFraction
	case CHALLENGE_KIND_COMPUTE:
		return c.ComputeSlashFraction
	}
	return math.LegacyZeroDec()
}

// AwaitsRoot reports whether c is a compute challenge whose root is not committed yet:
// its deadline is then CommitDeadlineMs on the chain clock, not a height.
func (c Challenge) AwaitsRoot() bool {
	return c.Kind == CHALLENGE_KIND_COMPUTE && len(c.ComputeRoot) == 0
}

// Advance is the clock at a block of time nowMs: the interval since the last block counts
// up to capMs (nothing when the time went back); the first block only sets the time.
func (c ChainClock) Advance(nowMs, capMs int64) ChainClock {
	if c.BlockTimeMs != 0 {
		c.ElapsedMs += min(max(nowMs-c.BlockTimeMs, 0), capMs)
	}
	c.BlockTimeMs = nowMs
	return c
}
