package types

import (
	grpccodes "google.golang.org/grpc/codes"

	errorsmod "cosmossdk.io/errors"
)

var (
	ErrInvalidParams  = errorsmod.Register(ModuleName, 2, "invalid emission params")
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 3, "invalid emission genesis")
	ErrInvalidDay     = errorsmod.RegisterWithGRPCCode(ModuleName, 4, grpccodes.InvalidArgument, "invalid day")
)
