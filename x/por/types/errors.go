package types

import (
	grpccodes "google.golang.org/grpc/codes"

	errorsmod "cosmossdk.io/errors"
)

var (
	ErrInvalidParams     = errorsmod.Register(ModuleName, 2, "invalid por params")
	ErrUnknownNode       = errorsmod.RegisterWithGRPCCode(ModuleName, 3, grpccodes.NotFound, "unknown node")
	ErrNodeExists        = errorsmod.Register(ModuleName, 4, "node already registered")
	ErrUnknownRole       = errorsmod.RegisterWithGRPCCode(ModuleName, 5, grpccodes.InvalidArgument, "unknown role")
	ErrRoleInactive      = errorsmod.Register(ModuleName, 6, "role not active for this node")
	ErrRoleActive        = errorsmod.Register(ModuleName, 7, "role already active for this node")
	ErrRoleFull          = errorsmod.Register(ModuleName, 8, "role has no free slot")
	ErrDuplicateReport   = errorsmod.Register(ModuleName, 9, "node already reported today")
	ErrPartsExceedTotals = errorsmod.Register(ModuleName, 10, "report parts exceed totals")
	ErrValueTooLarge     = errorsmod.RegisterWithGRPCCode(ModuleName, 11, grpccodes.InvalidArgument, "resource value above the maximum")
	ErrInsufficientStake = errorsmod.Register(ModuleName, 12, "insufficient stake")
	ErrUnauthorized      = errorsmod.Register(ModuleName, 13, "unauthorized")
	ErrInvalidReport     = errorsmod.Register(ModuleName, 14, "invalid report")
	ErrInvalidAmount     = errorsmod.Register(ModuleName, 15, "invalid amount")
	ErrInvalidFraction   = errorsmod.Register(ModuleName, 16, "invalid slash fraction")
	ErrNoRewards         = errorsmod.Register(ModuleName, 17, "no rewards to claim")
	ErrInvalidGenesis    = errorsmod.Register(ModuleName, 18, "invalid por genesis")
	// Code 19 (ErrScheduleEnded) is retired: reports are never refused because the
	// emission schedule ended.
	ErrInvalidMoniker = errorsmod.Register(ModuleName, 20, "invalid moniker")
	ErrNoTick         = errorsmod.RegisterWithGRPCCode(ModuleName, 21, grpccodes.NotFound, "no tick recorded")
	ErrCatchingUp     = errorsmod.Register(ModuleName, 22, "daily ticks are catching up after a halt; retry in the next block")
	ErrBlockedAddress = errorsmod.Register(ModuleName, 23, "address cannot receive rewards")
	ErrDuplicateRole  = errorsmod.Register(ModuleName, 24, "role listed more than once")

	ErrUnknownChallenge  = errorsmod.RegisterWithGRPCCode(ModuleName, 25, grpccodes.NotFound, "unknown challenge")
	ErrChallengeResolved = errorsmod.Register(ModuleName, 26, "challenge already resolved")
	ErrChallengeExpired  = errorsmod.Register(ModuleName, 27, "challenge deadline passed")
	ErrInvalidAnswer     = errorsmod.RegisterWithGRPCCode(ModuleName, 28, grpccodes.InvalidArgument, "challenge answer does not verify")
	// ErrNoDatasetRoot and ErrChallengeNotOpen are no longer returned (a report's
	// datasets are named by its nonce; a challenge opens when drawn); their codes stay
	// taken.
	ErrNoDatasetRoot    = errorsmod.Register(ModuleName, 29, "report declares storage without a dataset root")
	ErrChallengeNotOpen = errorsmod.Register(ModuleName, 30, "challenge not open yet")
	ErrUnknownPayout    = errorsmod.RegisterWithGRPCCode(ModuleName, 31, grpccodes.NotFound, "unknown set-aside payout")
	ErrPayoutFailed     = errorsmod.Register(ModuleName, 32, "payout failed")
	ErrInvalidReporter  = errorsmod.Register(ModuleName, 33, "invalid reporter key")
)

// ErrRoleDisqualified: a failed or missed storage proof disqualified the pair (spec
// section 8); it may report in the role again after disqualified_until.
var ErrRoleDisqualified = errorsmod.RegisterWithGRPCCode(ModuleName, 34, grpccodes.FailedPrecondition, "role disqualified")
