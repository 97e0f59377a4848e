package app

import (
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	porkeeper "github.com/aegis-chain/aegis/x/por/keeper"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// CheckInvariants checks the section 7 invariants against the real bank balances: the
// total issued is the schedule's cumulative amount (never above its total), the por
// account holds the unclaimed rewards, reserves and carry (with less dust than node-role
// pairs), the por_stake account holds exactly the stakes and the unbonding entries, no
// role holds more slots than its cap, and the license invariants hold (see x/license's
// Keeper.CheckInvariants). It walks every node and license: for tests and audits, never
// for the state machine.
func (app *App) CheckInvariants(ctx sdk.Context) error {
	params, err := app.EmissionKeeper.Params.Get(ctx)
	if err != nil {
		return err
	}
	last, total, err := app.EmissionKeeper.Progress(ctx)
	if err != nil {
		return err
	}
	sched := params.Schedule()
	if want := sched.Cumulative(last); !total.Equal(want) || total.GT(sched.Total) {
		return fmt.Errorf("emission: total issued %s after day %d, want cumulative %s (at most %s)", total, last, want, sched.Total)
	}
	if tick, err := app.PorKeeper.LastTickDay.Get(ctx); err == nil && tick != last {
		return fmt.Errorf("por last tick %d != emission last day issued %d", tick, last)
	}

	balance := func(module string) math.Int {
		return app.BankKeeper.GetBalance(ctx, authtypes.NewModuleAddress(module), params.Denom).Amount
	}
	owed, err := porkeeper.RewardLiabilities(ctx, app.PorKeeper)
	if err != nil {
		return err
	}
	if bal := balance(portypes.ModuleName); bal.LT(owed.Minimum) || bal.Sub(owed.Total).GT(math.NewInt(int64(owed.Pairs)+1)) {
		return fmt.Errorf("por: balance %s, liabilities %s (rewards %s floored, %s at least, reserves %s, carry %s), dust bound %d",
			bal, owed.Total, owed.Rewards, owed.Minimum, owed.Reserves, owed.Carry, owed.Pairs+1)
	}
	stake, err := porkeeper.StakeLiabilities(ctx, app.PorKeeper)
	if err != nil {
		return err
	}
	if bal := balance(portypes.StakeAccount); !bal.Equal(stake) {
		return fmt.Errorf("por_stake: balance %s, stakes and unbonding %s", bal, stake)
	}
	for _, inv := range []func(porkeeper.Keeper) func(sdk.Context) (string, bool){porkeeper.RewardInvariant, porkeeper.SlotInvariant} {
		if msg, broken := inv(app.PorKeeper)(ctx); broken {
			return fmt.Errorf("por: %s", msg)
		}
	}
	if err := app.LicenseKeeper.CheckInvariants(ctx); err != nil {
		return fmt.Errorf("license: %w", err)
	}
	// The supply is exactly the tokens that exist: the sum of every balance.
	sum := math.ZeroInt()
	app.BankKeeper.IterateAllBalances(ctx, func(_ sdk.AccAddress, c sdk.Coin) bool {
		if c.Denom == params.Denom {
			sum = sum.Add(c.Amount)
		}
		return false
	})
	if supply := app.BankKeeper.GetSupply(ctx, params.Denom).Amount; !supply.Equal(sum) {
		return fmt.Errorf("bank: supply %s%s but the balances sum to %s", supply, params.Denom, sum)
	}
	return nil
}

// BlockChecker checks the invariants after every block, with what only a sequence of
// blocks shows: the last day issued never goes back, every day since the previous block
// was ticked by x/por exactly once, in order (one receipt per day), the licenses minted
// never decrease, and the supply identity: the bank supply moved by exactly x/emission's
// issue, plus x/license's mints, minus x/license's burns and the burns of x/staking and
// x/gov (the block's record, app/supply_record.go). Run it from a precommitter
// (baseapp.SetPrecommiter), where ctx still holds the block's record.
type BlockChecker struct {
	app     *App
	started bool
	lastDay uint64
	minted  uint64
	blocks  int64

	height   int64      // the height of the last check
	mark     supplyMark // the supply and its sources at the last check
	supplies int64      // blocks whose supply identity was checked
}

// NewBlockChecker starts checking app from its current state.
func NewBlockChecker(app *App) *BlockChecker { return &BlockChecker{app: app} }

// Check runs every invariant on ctx, the state a block leaves.
func (c *BlockChecker) Check(ctx sdk.Context) error {
	if err := c.app.CheckInvariants(ctx); err != nil {
		return err
	}
	last, _, err := c.app.EmissionKeeper.Progress(ctx)
	if err != nil {
		return err
	}
	minted, err := c.app.LicenseKeeper.Minted.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if c.started {
		if last < c.lastDay {
			return fmt.Errorf("last day issued went back from %d to %d", c.lastDay, last)
		}
		if minted < c.minted {
			return fmt.Errorf("licenses minted went back from %d to %d", c.minted, minted)
		}
		// Each day since the last check has its receipt: it ticked, once, in order (the
		// tick refuses a day that is not the next one).
		for day := c.lastDay + 1; day <= last; day++ {
			ok, err := c.app.PorKeeper.DayTicks.Has(ctx, day)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("day %d was issued but x/por has no tick receipt for it", day)
			}
		}
	}
	params, err := c.app.EmissionKeeper.Params.Get(ctx)
	if err != nil {
		return err
	}
	mark, err := c.app.supplyMark(ctx, params.Denom)
	if err != nil {
		return err
	}
	// The record covers this block alone: the identity holds from the previous block's
	// mark when that block was checked too.
	if c.started && ctx.BlockHeight() == c.height+1 {
		flow, err := c.app.blockSupplyFlow(ctx, params.Denom)
		if err != nil {
			return err
		}
		if err := checkSupplyIdentity(c.mark, mark, flow); err != nil {
			return fmt.Errorf("at height %d: %w", ctx.BlockHeight(), err)
		}
		c.supplies++
	}
	c.mark, c.height = mark, ctx.BlockHeight()
	c.started, c.lastDay, c.minted = true, last, minted
	c.blocks++
	return nil
}

// SupplyChecks is the number of blocks whose supply identity was checked.
func (c *BlockChecker) SupplyChecks() int64 { return c.supplies }

// Blocks is the number of blocks checked.
func (c *BlockChecker) Blocks() int64 { return c.blocks }
