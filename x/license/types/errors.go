package types

import (
	grpccodes "google.golang.org/grpc/codes"

	errorsmod "cosmossdk.io/errors"
)

var (
	ErrInvalidParams    = errorsmod.Register(ModuleName, 2, "invalid license params")
	ErrUnauthorized     = errorsmod.Register(ModuleName, 3, "unauthorized")
	ErrWrongStage       = errorsmod.Register(ModuleName, 4, "not allowed in this stage")
	ErrCapExceeded      = errorsmod.Register(ModuleName, 5, "license cap exceeded")
	ErrUnknownLicense   = errorsmod.RegisterWithGRPCCode(ModuleName, 6, grpccodes.NotFound, "unknown license")
	ErrNotOwner         = errorsmod.Register(ModuleName, 7, "not the owner")
	ErrLicenseBound     = errorsmod.Register(ModuleName, 8, "license is bound")
	ErrLicenseNotBound  = errorsmod.Register(ModuleName, 9, "license is not bound")
	ErrLicenseInactive  = errorsmod.Register(ModuleName, 10, "license is not active")
	ErrRedemptionOff    = errorsmod.Register(ModuleName, 11, "redemption is not enabled")
	ErrInvalidRequest   = errorsmod.RegisterWithGRPCCode(ModuleName, 12, grpccodes.InvalidArgument, "invalid request")
	ErrInvalidGenesis   = errorsmod.Register(ModuleName, 13, "invalid license genesis")
	ErrUnknownValidator = errorsmod.Register(ModuleName, 14, "unknown validator")
	ErrNoRewards        = errorsmod.Register(ModuleName, 15, "no license rewards to claim")
	ErrStageChange      = errorsmod.Register(ModuleName, 16, "the stage cannot change")
	ErrNodeStakeNeeded  = errorsmod.Register(ModuleName, 17, "the node needs this stake")
	ErrLicenseUnbonding = errorsmod.Register(ModuleName, 18, "license stake is unbonding")
	ErrBlockedAddress   = errorsmod.Register(ModuleName, 19, "a module account cannot hold licenses")
	ErrNotStuck         = errorsmod.Register(ModuleName, 20, "no stuck settlement")
	ErrSettlementFailed = errorsmod.Register(ModuleName, 21, "settlement failed")
	ErrChallengePending = errorsmod.Register(ModuleName, 22, "the node has a challenge unresolved")
)
