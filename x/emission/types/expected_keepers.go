package types

import (
	"context"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper is what the emission keeper needs from x/bank.
type BankKeeper interface {
	MintCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
}

// AccountKeeper is what the emission keeper needs from x/auth.
type AccountKeeper interface {
	GetModuleAddress(moduleName string) sdk.AccAddress
}

// DayDistributor receives each day's issuance. The emission keeper first moves the
// amount into the distributor's module account, then calls DistributeDay once per day, in
// day order. An error aborts the block: a day is either issued and distributed, or neither.
type DayDistributor interface {
	DistributeDay(ctx context.Context, day uint64, amount math.Int) error
}
