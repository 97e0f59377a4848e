package types

import errorsmod "cosmossdk.io/errors"

var (
	ErrInvalidParams  = errorsmod.Register(ModuleName, 2, "invalid emission params")
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 3, "invalid emission genesis")
	ErrInvalidDay     = errorsmod.Register(ModuleName, 4, "invalid day")
)
