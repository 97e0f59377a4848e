package simulation

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"
	vestingtypes "github.com/cosmos/cosmos-sdk/x/auth/vesting/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The attacks on license stake accounts (issue 22), each a message anyone may send, that
// the keeper must survive without stranding stake — which the invariants, checked after
// every block, would show (every license's account is its module account, a settlement's
// account holds what x/staking returned, no settlement is stuck):
//
//   - planting: an account created first, by a vesting message, at the stake account of a
//     license not minted yet (ids are sequential: the next ones are known); at a minted
//     license's account it must be refused (the account exists). Mint replaces it.
//   - funding: a plain send to a license's account, whatever its state, or to a future
//     license's (which creates a plain account there); or a node's reward claims pointed
//     at it (which pay even where the bank's sends are off). A mint over a planted or
//     funded account must replace it by the license's module account.
//   - top-ups: a send to the account of a license whose stake is unbonding, which the
//     settlement must not count as stake.
//   - unbinding from a node with a challenge pending: refused (ErrChallengePending).

// AccountKeeper tells whether an account exists (a vesting message to one is refused).
type AccountKeeper interface {
	GetAccount(ctx context.Context, addr sdk.AccAddress) sdk.AccountI
}

// futureIDs is how many of the ids after the last minted the attacks target.
const futureIDs = 3

// maxAttackAmount bounds what an attack sends: the attacks need a balance there, not a
// large one.
var maxAttackAmount = math.NewInt(1_000_000)

// mintedCount is the number of license ids minted so far.
func mintedCount(ctx context.Context, k keeper.Keeper, reporter simsx.SimulationReporter) (uint64, bool) {
	minted, err := k.Minted.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		minted, err = 0, nil
	}
	if err != nil {
		reporter.Skipf("minted: %v", err)
		return 0, false
	}
	return minted, true
}

// stakeAccountTarget is the id of a license account to attack: half the time one of the
// futureIDs ids after the last minted (below the cap: others are never minted), otherwise
// a random license on record, in any state.
func stakeAccountTarget(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) uint64 {
	r := testData.Rand()
	minted, ok := mintedCount(ctx, k, reporter)
	if !ok {
		return 0
	}
	future := min(futureIDs, types.MaxLicenses-minted)
	if future > 0 && r.Intn(2) == 0 {
		return minted + 1 + uint64(r.Int63n(int64(future)))
	}
	var ids []uint64
	if err := k.Licenses.Walk(ctx, nil, func(id uint64, _ types.License) (bool, error) {
		ids = append(ids, id)
		return false, nil
	}); err != nil {
		reporter.Skipf("licenses: %v", err)
		return 0
	}
	switch {
	case len(ids) > 0:
		return ids[r.Intn(len(ids))]
	case future > 0:
		return minted + 1 + uint64(r.Int63n(int64(future)))
	}
	reporter.Skip("no license and none to mint")
	return 0
}

// attackAmount is a small amount of denom that from can spend, set aside from its liquid
// balance (so the fee leaves it); it skips when from has none or denom cannot be sent (the
// bank's send_enabled, which the simulation's genesis sometimes turns off).
func attackAmount(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, from *simsx.SimAccount, denom string) sdk.Coin {
	if !testData.IsSendEnabledDenom(denom) {
		reporter.Skipf("%s transfers are disabled", denom)
		return sdk.Coin{}
	}
	bal := from.LiquidBalance().AmountOf(denom)
	if !bal.IsPositive() {
		reporter.Skipf("no spendable %s", denom)
		return sdk.Coin{}
	}
	amount, err := testData.Rand().PositiveSDKIntn(math.MinInt(bal, maxAttackAmount))
	if err != nil || !from.LiquidBalance().BlockAmount(sdk.NewCoin(denom, amount)) {
		reporter.Skipf("no spendable %s", denom)
		return sdk.Coin{}
	}
	return sdk.NewCoin(denom, amount)
}

// plantFactory creates a vesting account, built by build, at the account of a future
// license (accepted: mint replaces it and pays its tokens to the owner) or of a license on
// record (refused: the account exists).
func plantFactory[T sdk.Msg](k keeper.Keeper, ak AccountKeeper, build func(ctx context.Context, r *simsx.XRand, from, to string, amount sdk.Coin) T) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T, simsx.SimDeliveryResultHandler) {
		var none T
		p, ok := params(ctx, k, reporter)
		if !ok {
			return nil, none, nil
		}
		id := stakeAccountTarget(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, none, nil
		}
		from := testData.AnyAccount(reporter, simsx.WithDenomBalance(p.BondDenom))
		if reporter.IsSkipped() {
			return nil, none, nil
		}
		amount := attackAmount(testData, reporter, &from, p.BondDenom)
		if reporter.IsSkipped() {
			return nil, none, nil
		}
		to := types.LicenseAccount(id)
		var handler simsx.SimDeliveryResultHandler
		if ak.GetAccount(ctx, to) != nil {
			handler = expect(sdkerrors.ErrInvalidRequest) // "account ... already exists"
		}
		return []simsx.SimAccount{from}, build(ctx, testData.Rand(), from.AddressBech32, to.String(), amount), handler
	})
}

// MsgPlantPermanentLockedAccountFactory plants a permanently locked account — tokens that
// can never be sent — at a license's stake account.
func MsgPlantPermanentLockedAccountFactory(k keeper.Keeper, ak AccountKeeper) simsx.SimMsgFactoryX {
	return plantFactory(k, ak, func(_ context.Context, _ *simsx.XRand, from, to string, amount sdk.Coin) *vestingtypes.MsgCreatePermanentLockedAccount {
		return &vestingtypes.MsgCreatePermanentLockedAccount{FromAddress: from, ToAddress: to, Amount: sdk.NewCoins(amount)}
	})
}

// MsgPlantVestingAccountFactory plants a continuous or delayed vesting account, vesting
// over the next days, at a license's stake account.
func MsgPlantVestingAccountFactory(k keeper.Keeper, ak AccountKeeper) simsx.SimMsgFactoryX {
	return plantFactory(k, ak, func(ctx context.Context, r *simsx.XRand, from, to string, amount sdk.Coin) *vestingtypes.MsgCreateVestingAccount {
		end := sdk.UnwrapSDKContext(ctx).BlockTime().Unix() + 1 + r.Int63n(30*86400)
		return &vestingtypes.MsgCreateVestingAccount{FromAddress: from, ToAddress: to, Amount: sdk.NewCoins(amount), EndTime: end, Delayed: r.Intn(2) == 0}
	})
}

// MsgPlantPeriodicVestingAccountFactory plants a periodic vesting account (one to three
// periods) at a license's stake account.
func MsgPlantPeriodicVestingAccountFactory(k keeper.Keeper, ak AccountKeeper) simsx.SimMsgFactoryX {
	return plantFactory(k, ak, func(ctx context.Context, r *simsx.XRand, from, to string, amount sdk.Coin) *vestingtypes.MsgCreatePeriodicVestingAccount {
		n := int64(1 + r.Intn(3))
		if amount.Amount.LT(math.NewInt(n)) {
			n = 1
		}
		var periods []vestingtypes.Period
		left := amount.Amount
		for i := int64(0); i < n; i++ {
			part := amount.Amount.QuoRaw(n)
			if i == n-1 {
				part = left
			}
			left = left.Sub(part)
			periods = append(periods, vestingtypes.Period{Length: 1 + r.Int63n(86400), Amount: sdk.NewCoins(sdk.NewCoin(amount.Denom, part))})
		}
		start := sdk.UnwrapSDKContext(ctx).BlockTime().Unix()
		return &vestingtypes.MsgCreatePeriodicVestingAccount{FromAddress: from, ToAddress: to, StartTime: start, VestingPeriods: periods}
	})
}

// MsgSendToLicenseAccountFactory sends a little to a license's stake account, whatever the
// license's state, or to a future license's (creating a plain account there): accepted.
// The tokens are the owner's (paid at the license's next settlement, or at mint).
func MsgSendToLicenseAccountFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*banktypes.MsgSend] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *banktypes.MsgSend) {
		p, ok := params(ctx, k, reporter)
		if !ok {
			return nil, nil
		}
		id := stakeAccountTarget(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		from := testData.AnyAccount(reporter, simsx.WithDenomBalance(p.BondDenom))
		if reporter.IsSkipped() {
			return nil, nil
		}
		amount := attackAmount(testData, reporter, &from, p.BondDenom)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, banktypes.NewMsgSend(from.Address, types.LicenseAccount(id), sdk.NewCoins(amount))
	}
}

// MsgTopUpUnbondingFactory sends a little to the account of a license whose stake is
// unbonding from a validator (or returned and not yet settled) — its owner, two times in
// three, as a holder hiding a slash would; otherwise anyone. The settlement must count as
// stake only what x/staking returned and pay the rest to the owner.
func MsgTopUpUnbondingFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*banktypes.MsgSend] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *banktypes.MsgSend) {
		p, ok := params(ctx, k, reporter)
		if !ok {
			return nil, nil
		}
		var ids []uint64
		collect := func(key collections.Pair[int64, uint64]) (bool, error) {
			ids = append(ids, key.K2())
			return false, nil
		}
		if err := k.Unbonding.Walk(ctx, nil, collect); err != nil {
			reporter.Skipf("unbonding: %v", err)
			return nil, nil
		}
		if err := k.Settling.Walk(ctx, nil, collect); err != nil {
			reporter.Skipf("settling: %v", err)
			return nil, nil
		}
		if len(ids) == 0 {
			reporter.Skip("no license stake is unbonding")
			return nil, nil
		}
		r := testData.Rand()
		l, err := k.Licenses.Get(ctx, ids[r.Intn(len(ids))])
		if err != nil {
			reporter.Skipf("license: %v", err)
			return nil, nil
		}
		var from simsx.SimAccount
		if testData.HasAccount(l.Owner) && r.Intn(3) != 0 {
			from = testData.GetAccount(reporter, l.Owner)
		}
		if from.AddressBech32 == "" || !from.LiquidBalance().AmountOf(p.BondDenom).IsPositive() {
			from = testData.AnyAccount(reporter, simsx.WithDenomBalance(p.BondDenom))
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		amount := attackAmount(testData, reporter, &from, p.BondDenom)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, banktypes.NewMsgSend(from.Address, types.LicenseAccount(l.Id), sdk.NewCoins(amount))
	}
}

// MsgUnbindChallengedFactory unbinds licenses bound to a node with a challenge unresolved
// (the owner or the operator signs): refused with ErrChallengePending, as the stake must
// stay slashable for the challenge.
func MsgUnbindChallengedFactory(k keeper.Keeper, pk PorKeeper) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUnbind, simsx.SimDeliveryResultHandler) {
		challenged := map[string]bool{}
		var failed error
		accept := func(l types.License) bool {
			if l.Binding.Kind != types.BINDING_NODE || failed != nil {
				return false
			}
			c, seen := challenged[l.Binding.Target]
			if !seen {
				op, err := sdk.AccAddressFromBech32(l.Binding.Target)
				if err != nil {
					failed = err
					return false
				}
				id, err := pk.UnresolvedChallenge(ctx, op)
				if err != nil {
					failed = err
					return false
				}
				c = id != 0
				challenged[l.Binding.Target] = c
			}
			return c
		}
		signer, ls := pick(ctx, k, testData, reporter, true, accept)
		if failed != nil {
			reporter.Skipf("challenges: %v", failed)
			return nil, nil, nil
		}
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		return []simsx.SimAccount{signer}, &types.MsgUnbind{Signer: signer.AddressBech32, Ids: licenseIDs(ls)}, expect(types.ErrChallengePending)
	})
}

// MsgSetNodeWithdrawToLicenseAccountFactory points a node's reward claims at a license's
// stake account (or a future license's): accepted, as license accounts are not blocked
// addresses. Each later claim of the node funds that account by a module transfer, which
// the bank's send_enabled does not stop — the funding attack on chains where sends are
// off.
func MsgSetNodeWithdrawToLicenseAccountFactory(k keeper.Keeper, pk PorKeeper) simsx.SimMsgFactoryFn[*portypes.MsgSetWithdrawAddress] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *portypes.MsgSetWithdrawAddress) {
		res, err := pk.Nodes(ctx, &portypes.QueryNodesRequest{Pagination: &query.PageRequest{Limit: maxNodes}})
		if err != nil {
			reporter.Skipf("nodes: %v", err)
			return nil, nil
		}
		var ops []string
		for _, n := range res.Nodes {
			if testData.HasAccount(n.Operator) {
				ops = append(ops, n.Operator)
			}
		}
		if len(ops) == 0 {
			reporter.Skip("no x/por node of a sim account")
			return nil, nil
		}
		id := stakeAccountTarget(ctx, k, testData, reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		from := testData.GetAccount(reporter, ops[testData.Rand().Intn(len(ops))])
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &portypes.MsgSetWithdrawAddress{Operator: from.AddressBech32, WithdrawAddress: types.LicenseAccount(id).String()}
	}
}

// MsgMintOverPlantedFactory mints (TESTNET, signed by the license authority) the
// licenses up to one of the next futureIDs ids whose account was planted — created before
// the license, by a vesting message or a transfer: the mint must replace it with the
// license's module account and pay what it held to the owner.
func MsgMintOverPlantedFactory(k keeper.Keeper, ak AccountKeeper) simsx.SimMsgFactoryFn[*types.MsgMintLicenses] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgMintLicenses) {
		auth, left, ok := authority(ctx, k, testData, reporter)
		if !ok {
			return nil, nil
		}
		minted, ok := mintedCount(ctx, k, reporter)
		if !ok {
			return nil, nil
		}
		var count uint64
		for i := uint64(1); i <= min(futureIDs, left); i++ {
			if acc := ak.GetAccount(ctx, types.LicenseAccount(minted+i)); acc != nil {
				if _, isModule := acc.(sdk.ModuleAccountI); !isModule {
					count = i
				}
			}
		}
		if count == 0 {
			reporter.Skip("no planted account at the next ids")
			return nil, nil
		}
		owner := testData.AnyAccount(reporter)
		return []simsx.SimAccount{auth}, &types.MsgMintLicenses{Authority: auth.AddressBech32, Owner: owner.AddressBech32, Count: count}
	}
}
