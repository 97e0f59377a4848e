package keeper_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

const denom = "uaegis"

var authority = authtypes.NewModuleAddress("gov").String()

// fakeBank keeps uaegis balances of accounts and module accounts by address. Sends to
// an address in refuse fail, as a send restriction or a blocked address would.
type fakeBank struct {
	bal    map[string]math.Int
	refuse map[string]bool
}

func (b *fakeBank) get(addr string) math.Int {
	if v, ok := b.bal[addr]; ok {
		return v
	}
	return math.ZeroInt()
}

func (b *fakeBank) move(from, to string, amt sdk.Coins) error {
	if b.refuse[to] {
		return sdkerrors.ErrUnauthorized.Wrapf("%s refuses transfers", to)
	}
	a := amt.AmountOf(denom)
	if b.get(from).LT(a) {
		return sdkerrors.ErrInsufficientFunds.Wrapf("%s has %s, needs %s", from, b.get(from), a)
	}
	b.bal[from] = b.get(from).Sub(a)
	b.bal[to] = b.get(to).Add(a)
	return nil
}

func modAddr(name string) string { return authtypes.NewModuleAddress(name).String() }

func (b *fakeBank) SendCoinsFromAccountToModule(_ context.Context, from sdk.AccAddress, to string, amt sdk.Coins) error {
	return b.move(from.String(), modAddr(to), amt)
}

// SendCoinsFromModuleToAccount refuses a blocked recipient, as x/bank does.
func (b *fakeBank) SendCoinsFromModuleToAccount(_ context.Context, from string, to sdk.AccAddress, amt sdk.Coins) error {
	if b.BlockedAddr(to) {
		return sdkerrors.ErrUnauthorized.Wrapf("%s is not allowed to receive funds", to)
	}
	return b.move(modAddr(from), to.String(), amt)
}

func (b *fakeBank) SendCoinsFromModuleToModule(_ context.Context, from, to string, amt sdk.Coins) error {
	return b.move(modAddr(from), modAddr(to), amt)
}

func (b *fakeBank) BlockedAddr(addr sdk.AccAddress) bool {
	return addr.String() == modAddr(types.ModuleName) || addr.String() == modAddr(types.StakeAccount)
}

// mint credits the por module account, as x/emission does before a tick.
func (b *fakeBank) mint(module string, amt math.Int) {
	b.bal[modAddr(module)] = b.get(modAddr(module)).Add(amt)
}

type fakeAccounts struct{}

func (fakeAccounts) GetModuleAddress(name string) sdk.AccAddress {
	return authtypes.NewModuleAddress(name)
}

// fakeClock is x/emission's day clock: the current day is set by the test.
type fakeClock struct {
	day      uint64
	nextDay  uint64
	nextIss  math.Int
	dayLenth time.Duration
}

func (c *fakeClock) CurrentDay(context.Context) (uint64, error)         { return c.day, nil }
func (c *fakeClock) DayDuration(context.Context) (time.Duration, error) { return c.dayLenth, nil }
func (c *fakeClock) NextIssue(context.Context) (uint64, math.Int, error) {
	return c.nextDay, c.nextIss, nil
}

// fixture is a por keeper on an in-memory store with a fake bank and clock.
type fixture struct {
	t      testing.TB
	ctx    sdk.Context
	k      keeper.Keeper
	msg    types.MsgServer
	q      keeper.Querier
	bank   *fakeBank
	clock  *fakeClock
	params types.Params
}

func newFixture(t testing.TB, mutate func(*types.GenesisState)) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_por"))
	enc := moduletestutil.MakeTestEncodingConfig()
	bank := &fakeBank{bal: map[string]math.Int{}, refuse: map[string]bool{}}
	clock := &fakeClock{day: 1, nextDay: 1, nextIss: math.NewInt(3532710693073), dayLenth: 100 * time.Second}
	k := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(key), fakeAccounts{}, bank, clock, authority)
	gs := types.DefaultGenesis()
	if mutate != nil {
		mutate(gs)
	}
	ctx := tctx.Ctx.WithBlockTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, k.InitGenesis(ctx, *gs))
	return &fixture{t: t, ctx: ctx, k: k, msg: keeper.NewMsgServerImpl(k), q: keeper.NewQuerier(k), bank: bank, clock: clock, params: gs.Params}
}

// operator returns a deterministic, funded address for a node name.
func (f *fixture) operator(name string) sdk.AccAddress {
	addr := sdk.AccAddress(fmt.Sprintf("node-%-15s", name)[:20])
	if _, ok := f.bank.bal[addr.String()]; !ok {
		f.bank.bal[addr.String()] = math.NewInt(1_000_000_000_000_000)
	}
	return addr
}

// register registers a node with enough stake for its roles.
func (f *fixture) register(name string, roles ...types.NodeRole) sdk.AccAddress {
	f.t.Helper()
	op := f.operator(name)
	stake := math.ZeroInt()
	for _, r := range roles {
		stake = stake.Add(f.params.Roles[r-1].MinStake)
	}
	_, err := f.msg.RegisterNode(f.ctx, &types.MsgRegisterNode{Operator: op.String(), Moniker: name, Roles: roles, Stake: sdk.NewCoin(denom, stake)})
	require.NoError(f.t, err)
	return op
}

// report submits a single-role report with totals equal to the part.
func (f *fixture) report(op sdk.AccAddress, r types.NodeRole, c, s, b uint64) error {
	res := types.Resources{Compute: c, Storage: s, Bandwidth: b}
	_, err := f.msg.SubmitReport(f.ctx, &types.MsgSubmitReport{Operator: op.String(), Totals: res,
		Parts: []types.RolePart{{Role: r, Resources: res}}})
	return err
}

// tick mints a day's amount into the por account and runs the tick, as x/emission does.
func (f *fixture) tick(day uint64, amount math.Int) {
	f.t.Helper()
	f.bank.mint(types.ModuleName, amount)
	require.NoError(f.t, f.k.DistributeDay(f.ctx, day, amount))
}

// checkInvariants asserts the spec's section 7 invariants for x/por.
func (f *fixture) checkInvariants() {
	f.t.Helper()
	msg, broken := keeper.RewardInvariant(f.k)(f.ctx)
	require.False(f.t, broken, msg)
	for _, inv := range []func(keeper.Keeper) func(sdk.Context) (string, bool){keeper.SlotInvariant} {
		msg, broken := inv(f.k)(f.ctx)
		require.False(f.t, broken, msg)
	}
	balance := f.bank.get(modAddr(types.ModuleName))
	owed, err := keeper.RewardLiabilities(f.ctx, f.k)
	require.NoError(f.t, err)
	require.True(f.t, balance.GTE(owed.Total), "por balance %s below liabilities %s", balance, owed.Total)
	require.True(f.t, balance.Sub(owed.Total).LTE(math.NewInt(int64(owed.Pairs)+1)), "dust %s above %d pairs", balance.Sub(owed.Total), owed.Pairs)
	stake, err := keeper.StakeLiabilities(f.ctx, f.k)
	require.NoError(f.t, err)
	require.Equal(f.t, stake.String(), f.bank.get(modAddr(types.StakeAccount)).String(), "por_stake balance == stakes + unbonding")
}
