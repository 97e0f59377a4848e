package simulation

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The factories build only messages the keeper accepts — they check what its handlers
// check (stage, status, signer, binding, unbonding, node stake) — or, with a delivery-result
// handler, messages it must reject with one registered error. A message that fails otherwise
// fails the simulation.

// StakingKeeper lists the validators licenses can bind to.
type StakingKeeper interface {
	GetBondedValidatorsByPower(ctx context.Context) ([]stakingtypes.Validator, error)
}

// PorKeeper lists the x/por nodes licenses can bind to, and tells which have a challenge
// unresolved (their licenses cannot be unbound).
type PorKeeper interface {
	Nodes(ctx context.Context, req *portypes.QueryNodesRequest) (*portypes.QueryNodesResponse, error)
	UnresolvedChallenge(ctx context.Context, op sdk.AccAddress) (uint64, error)
}

// maxIDs is the most licenses a factory puts in one message. The keeper takes up to 1,000,
// but binding one costs a delegation (~100k gas) and a simulated transaction has 10M.
const maxIDs = 20

// expect is a delivery-result handler that wants the rejection want.
func expect(want *errorsmod.Error) simsx.SimDeliveryResultHandler {
	return func(err error) error {
		if err == nil {
			return fmt.Errorf("the message was accepted, expected %v", want)
		}
		if !want.Is(err) {
			return fmt.Errorf("expected %v, got %w", want, err)
		}
		return nil
	}
}

func params(ctx context.Context, k keeper.Keeper, reporter simsx.SimulationReporter) (types.Params, bool) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		reporter.Skipf("params: %v", err)
		return p, false
	}
	return p, true
}

// authority is the license authority as a simulation account, on TESTNET (where it mints).
func authority(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) (simsx.SimAccount, uint64, bool) {
	p, ok := params(ctx, k, reporter)
	if !ok {
		return simsx.SimAccount{}, 0, false
	}
	if p.Stage != types.STAGE_TESTNET {
		reporter.Skip("licenses are minted only on TESTNET")
		return simsx.SimAccount{}, 0, false
	}
	if !testData.HasAccount(p.Authority) {
		reporter.Skip("the license authority is not a simulation account")
		return simsx.SimAccount{}, 0, false
	}
	minted, err := k.Minted.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		minted, err = 0, nil
	}
	if err != nil {
		reporter.Skipf("minted: %v", err)
		return simsx.SimAccount{}, 0, false
	}
	return testData.GetAccount(reporter, p.Authority), types.MaxLicenses - minted, true
}

// MsgMintLicensesFactory mints a few licenses (at most what the cap leaves) to a random
// account, signed by the license authority.
func MsgMintLicensesFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgMintLicenses] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgMintLicenses) {
		auth, left, ok := authority(ctx, k, testData, reporter)
		if !ok {
			return nil, nil
		}
		if left == 0 {
			reporter.Skip("all licenses are minted")
			return nil, nil
		}
		owner := testData.AnyAccount(reporter)
		count := 1 + uint64(testData.Rand().Int63n(int64(min(left, maxIDs))))
		return []simsx.SimAccount{auth}, &types.MsgMintLicenses{Authority: auth.AddressBech32, Owner: owner.AddressBech32, Count: count}
	}
}

// MsgMintLicensesRejectedFactory mints zero licenses (ErrInvalidRequest) or more than the
// cap leaves (ErrCapExceeded); either must be refused.
func MsgMintLicensesRejectedFactory(k keeper.Keeper) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgMintLicenses, simsx.SimDeliveryResultHandler) {
		auth, left, ok := authority(ctx, k, testData, reporter)
		if !ok {
			return nil, nil, nil
		}
		r := testData.Rand()
		owner := testData.AnyAccount(reporter)
		msg := &types.MsgMintLicenses{Authority: auth.AddressBech32, Owner: owner.AddressBech32}
		if r.Intn(4) == 0 {
			return []simsx.SimAccount{auth}, msg, expect(types.ErrInvalidRequest)
		}
		msg.Count = left + 1 + uint64(r.Intn(3))
		return []simsx.SimAccount{auth}, msg, expect(types.ErrCapExceeded)
	})
}

// pick finds a simulation account and 1 to maxIDs of the ACTIVE licenses it may act on —
// that it owns or, with operatorOK, operates — that accept takes, trying the accounts in
// random order. It skips when no account has any.
func pick(ctx context.Context, k keeper.Keeper, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter,
	operatorOK bool, accept func(types.License) bool,
) (simsx.SimAccount, []types.License) {
	r := testData.Rand()
	accs := testData.AllAccounts()
	for _, i := range r.Perm(len(accs)) {
		ls, err := actionable(ctx, k, accs[i].Address, operatorOK, accept)
		if err != nil {
			reporter.Skipf("reading licenses: %v", err)
			return simsx.SimAccount{}, nil
		}
		if len(ls) == 0 {
			continue
		}
		r.Shuffle(len(ls), func(a, b int) { ls[a], ls[b] = ls[b], ls[a] })
		return testData.GetAccount(reporter, accs[i].AddressBech32), ls[:1+r.Intn(min(len(ls), maxIDs))]
	}
	reporter.Skip("no account has a license for this message")
	return simsx.SimAccount{}, nil
}

// actionable lists, in id order, the ACTIVE licenses acc owns (or, with operatorOK,
// operates) that accept takes.
func actionable(ctx context.Context, k keeper.Keeper, acc sdk.AccAddress, operatorOK bool, accept func(types.License) bool) ([]types.License, error) {
	var ids []uint64
	owned, err := k.Licenses.Indexes.Owner.MatchExact(ctx, acc)
	if err != nil {
		return nil, err
	}
	if ids, err = collectIDs(ids, owned); err != nil {
		return nil, err
	}
	if operatorOK {
		operated, err := k.Licenses.Indexes.Operator.MatchExact(ctx, acc)
		if err != nil {
			return nil, err
		}
		if ids, err = collectIDs(ids, operated); err != nil {
			return nil, err
		}
	}
	var out []types.License
	seen := map[uint64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue // owner and operator at once
		}
		seen[id] = true
		l, err := k.Licenses.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if l.Status == types.STATUS_ACTIVE && accept(l) {
			out = append(out, l)
		}
	}
	return out, nil
}

type idIterator interface {
	Valid() bool
	Next()
	PrimaryKey() (uint64, error)
	Close() error
}

func collectIDs(ids []uint64, it idIterator) ([]uint64, error) {
	defer it.Close()
	for ; it.Valid(); it.Next() {
		id, err := it.PrimaryKey()
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func licenseIDs(ls []types.License) []uint64 {
	out := make([]uint64, len(ls))
	for i, l := range ls {
		out[i] = l.Id
	}
	return out
}

func idle(l types.License) bool {
	return l.Binding.Kind == types.BINDING_NONE && l.UnbondingUntil == nil
}

func bound(l types.License) bool { return l.Binding.Kind != types.BINDING_NONE }

// ownerFactory builds a message the owner signs on 1 to maxIDs of its ACTIVE licenses that
// accept takes; build makes it for owner and the ids (nil, after a skip, when it cannot).
func ownerFactory[T sdk.Msg](k keeper.Keeper, accept func(types.License) bool,
	build func(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, owner simsx.SimAccount, ids []uint64) T,
) simsx.SimMsgFactoryFn[T] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T) {
		var none T
		owner, ls := pick(ctx, k, testData, reporter, false, accept)
		if reporter.IsSkipped() {
			return nil, none
		}
		msg := build(testData, reporter, owner, licenseIDs(ls))
		if reporter.IsSkipped() {
			return nil, none
		}
		return []simsx.SimAccount{owner}, msg
	}
}

// MsgTransferLicensesFactory hands licenses that are not node-bound to another account.
func MsgTransferLicensesFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgTransferLicenses] {
	return ownerFactory(k, func(l types.License) bool { return l.Binding.Kind != types.BINDING_NODE },
		func(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, owner simsx.SimAccount, ids []uint64) *types.MsgTransferLicenses {
			to := testData.AnyAccount(reporter, simsx.ExcludeAccounts(owner))
			return &types.MsgTransferLicenses{Owner: owner.AddressBech32, Ids: ids, To: to.AddressBech32}
		})
}

// MsgAuthorizeOperatorFactory lets another account bind and unbind an owner's licenses.
func MsgAuthorizeOperatorFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAuthorizeOperator] {
	return ownerFactory(k, func(types.License) bool { return true },
		func(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, owner simsx.SimAccount, ids []uint64) *types.MsgAuthorizeOperator {
			op := testData.AnyAccount(reporter, simsx.ExcludeAccounts(owner))
			return &types.MsgAuthorizeOperator{Owner: owner.AddressBech32, Ids: ids, Operator: op.AddressBech32}
		})
}

// MsgRevokeOperatorFactory clears the operator of licenses that have one.
func MsgRevokeOperatorFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRevokeOperator] {
	return ownerFactory(k, func(l types.License) bool { return l.Operator != "" },
		func(_ *simsx.ChainDataSource, _ simsx.SimulationReporter, owner simsx.SimAccount, ids []uint64) *types.MsgRevokeOperator {
			return &types.MsgRevokeOperator{Owner: owner.AddressBech32, Ids: ids}
		})
}

// MsgBindToValidatorFactory binds idle licenses (unbound, no stake unbonding) to a bonded,
// unjailed validator that has tokens; the signer is the owner or the operator.
func MsgBindToValidatorFactory(k keeper.Keeper, sk StakingKeeper) simsx.SimMsgFactoryFn[*types.MsgBindToValidator] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgBindToValidator) {
		vals, err := sk.GetBondedValidatorsByPower(ctx)
		if err != nil {
			reporter.Skipf("validators: %v", err)
			return nil, nil
		}
		var ok []stakingtypes.Validator
		for _, v := range vals {
			if !v.Jailed && v.Tokens.IsPositive() && !v.InvalidExRate() {
				ok = append(ok, v)
			}
		}
		if len(ok) == 0 {
			reporter.Skip("no bonded validator with tokens")
			return nil, nil
		}
		signer, ls := pick(ctx, k, testData, reporter, true, idle)
		if reporter.IsSkipped() {
			return nil, nil
		}
		val := ok[testData.Rand().Intn(len(ok))]
		return []simsx.SimAccount{signer}, &types.MsgBindToValidator{Signer: signer.AddressBech32, Ids: licenseIDs(ls), Validator: val.OperatorAddress}
	}
}

// maxNodes bounds the x/por nodes a factory reads.
const maxNodes = 1000

// MsgBindToNodeFactory binds idle licenses to a registered x/por node; the signer is the
// owner or the operator.
func MsgBindToNodeFactory(k keeper.Keeper, pk PorKeeper) simsx.SimMsgFactoryFn[*types.MsgBindToNode] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgBindToNode) {
		res, err := pk.Nodes(ctx, &portypes.QueryNodesRequest{Pagination: &query.PageRequest{Limit: maxNodes}})
		if err != nil {
			reporter.Skipf("nodes: %v", err)
			return nil, nil
		}
		if len(res.Nodes) == 0 {
			reporter.Skip("no x/por node")
			return nil, nil
		}
		signer, ls := pick(ctx, k, testData, reporter, true, idle)
		if reporter.IsSkipped() {
			return nil, nil
		}
		node := res.Nodes[testData.Rand().Intn(len(res.Nodes))]
		return []simsx.SimAccount{signer}, &types.MsgBindToNode{Signer: signer.AddressBech32, Ids: licenseIDs(ls), Node: node.Operator}
	}
}

// unbindingFactory builds a message that ends the bindings of 1 to maxIDs ACTIVE licenses
// accept takes, which the signer may act on (as owner, or with operatorOK as operator),
// once ready (nil: always). It expects ErrChallengePending when a node they are bound to
// has a challenge unresolved, ErrNodeStakeNeeded when a node needs their stake.
func unbindingFactory[T sdk.Msg](k keeper.Keeper, ready func(context.Context, simsx.SimulationReporter) bool,
	operatorOK bool, accept func(types.License) bool, build func(signer string, ids []uint64) T,
) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T, simsx.SimDeliveryResultHandler) {
		var none T
		if ready != nil && !ready(ctx, reporter) {
			return nil, none, nil
		}
		signer, ls := pick(ctx, k, testData, reporter, operatorOK, accept)
		if reporter.IsSkipped() {
			return nil, none, nil
		}
		var handler simsx.SimDeliveryResultHandler
		switch err := k.CheckNodeStake(ctx, ls); {
		case types.ErrChallengePending.Is(err):
			handler = expect(types.ErrChallengePending)
		case types.ErrNodeStakeNeeded.Is(err):
			handler = expect(types.ErrNodeStakeNeeded)
		case err != nil:
			reporter.Skipf("node stake: %v", err)
			return nil, none, nil
		}
		return []simsx.SimAccount{signer}, build(signer.AddressBech32, licenseIDs(ls)), handler
	})
}

// MsgUnbindFactory unbinds bound licenses; the signer is the owner or the operator.
func MsgUnbindFactory(k keeper.Keeper) simsx.SimMsgFactoryX {
	return unbindingFactory(k, nil, true, bound, func(signer string, ids []uint64) *types.MsgUnbind {
		return &types.MsgUnbind{Signer: signer, Ids: ids}
	})
}

// MsgRedeemLicensesFactory redeems an owner's licenses, whatever their binding, on MAINNET
// with redemption enabled.
func MsgRedeemLicensesFactory(k keeper.Keeper) simsx.SimMsgFactoryX {
	enabled := func(ctx context.Context, reporter simsx.SimulationReporter) bool {
		p, ok := params(ctx, k, reporter)
		if ok && (p.Stage != types.STAGE_MAINNET || !p.RedemptionEnabled) {
			reporter.Skip("redemption is not enabled")
			return false
		}
		return ok
	}
	return unbindingFactory(k, enabled, false, func(types.License) bool { return true }, func(owner string, ids []uint64) *types.MsgRedeemLicenses {
		return &types.MsgRedeemLicenses{Owner: owner, Ids: ids}
	})
}

// MsgClaimLicenseRewardsFactory claims the staking rewards of an owner of validator-bound
// licenses (or of any account when none has one). What the claim pays is known beforehand
// (the Rewards query withdraws on a discarded branch): nothing must be refused with
// ErrNoRewards.
func MsgClaimLicenseRewardsFactory(k keeper.Keeper) simsx.SimMsgFactoryX {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgClaimLicenseRewards, simsx.SimDeliveryResultHandler) {
		var owner simsx.SimAccount
		r := testData.Rand()
		accs := testData.AllAccounts()
		for _, i := range r.Perm(len(accs)) {
			ls, err := actionable(ctx, k, accs[i].Address, false, func(l types.License) bool { return l.Binding.Kind == types.BINDING_VALIDATOR })
			if err != nil {
				reporter.Skipf("reading licenses: %v", err)
				return nil, nil, nil
			}
			if len(ls) > 0 {
				owner = testData.GetAccount(reporter, accs[i].AddressBech32)
				break
			}
		}
		if owner.AddressBech32 == "" {
			owner = testData.AnyAccount(reporter)
		}
		res, err := keeper.NewQuerier(k).Rewards(ctx, &types.QueryRewardsRequest{Owner: owner.AddressBech32})
		if err != nil {
			reporter.Skipf("rewards: %v", err)
			return nil, nil, nil
		}
		var handler simsx.SimDeliveryResultHandler
		if !res.Amount.IsPositive() {
			handler = expect(types.ErrNoRewards)
		}
		return []simsx.SimAccount{owner}, &types.MsgClaimLicenseRewards{Owner: owner.AddressBech32}, handler
	})
}

// MsgUpdateParamsFactory is a governance proposal's params update: the current params with
// another liquidation threshold (on MAINNET a lower one) and, sometimes, a simulation
// account as license authority (the stage, stake equivalent, bond denom and redemption
// cannot change). Another proposal may pass first and make it invalid: gov then fails it.
func MsgUpdateParamsFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		p, ok := params(ctx, k, reporter)
		if !ok {
			return nil, nil
		}
		r := testData.Rand()
		if p.Stage == types.STAGE_MAINNET {
			p.LiquidationThreshold = p.LiquidationThreshold.MulInt64(int64(50 + r.Intn(51))).QuoInt64(100)
		} else {
			p.LiquidationThreshold = math.LegacyNewDecWithPrec(int64(50+r.Intn(50)), 2) // strictly below 1
		}
		if r.Intn(3) == 0 {
			p.Authority = testData.AnyAccount(reporter).AddressBech32
		}
		return nil, &types.MsgUpdateParams{Authority: k.GovAuthority(), Params: p}
	}
}
