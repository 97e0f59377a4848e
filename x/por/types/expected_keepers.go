package types

import (
	"context"
	"time"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper is what x/por needs from x/bank.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, sender sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipient sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
	BlockedAddr(addr sdk.AccAddress) bool
}

// AccountKeeper is what x/por needs from x/auth.
type AccountKeeper interface {
	GetModuleAddress(moduleName string) sdk.AccAddress
}

// EmissionKeeper is x/emission's day clock and schedule.
type EmissionKeeper interface {
	// CurrentDay is the day in progress at the block time (day d runs from the end of
	// day d-1 to the end of day d).
	CurrentDay(ctx context.Context) (uint64, error)
	// DayDuration is the length of a day.
	DayDuration(ctx context.Context) (time.Duration, error)
	// NextIssue is the next day to be issued and its amount (0, 0 when the schedule ended).
	NextIssue(ctx context.Context) (uint64, math.Int, error)
}

// ExternalStake lets another module (x/license) back node stake: its stake counts toward
// the roles' min_stake, and a slash takes its share too. The default is none.
type ExternalStake interface {
	// NodeStake is the stake the module backs for operator.
	NodeStake(ctx context.Context, operator sdk.AccAddress) (math.Int, error)
	// SlashNode slashes that backing by fraction and returns the tokens it releases to the
	// x/por reserves (already sent to the por module account).
	SlashNode(ctx context.Context, operator sdk.AccAddress, fraction math.LegacyDec) (math.Int, error)
}
