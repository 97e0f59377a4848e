package keeper

import (
	"context"
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/license/types"
)

type msgServer struct{ Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the Msg service of k. Handlers check everything before the
// first write, so a rejected message changes nothing.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

// maxIDsPerMsg bounds the work of one message.
const maxIDsPerMsg = 1000

func parseAddr(field, s string) (sdk.AccAddress, error) {
	a, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "%s %q: %v", field, s, err)
	}
	return a, nil
}

// loadLicenses loads ids (distinct, at most maxIDsPerMsg) and checks that signer may act
// on each: the owner, or with operatorOK the authorized operator. Only ACTIVE licenses are
// returned.
func (m msgServer) loadLicenses(ctx context.Context, signer string, ids []uint64, operatorOK bool) ([]types.License, error) {
	if len(ids) == 0 || len(ids) > maxIDsPerMsg {
		return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "give 1 to %d license ids", maxIDsPerMsg)
	}
	seen := make(map[uint64]bool, len(ids))
	out := make([]types.License, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "license %d listed twice", id)
		}
		seen[id] = true
		l, err := m.getLicense(ctx, id)
		if err != nil {
			return nil, err
		}
		if l.Owner != signer && !(operatorOK && l.Operator != "" && l.Operator == signer) {
			return nil, errorsmod.Wrapf(types.ErrNotOwner, "%s may not act on license %d", signer, id)
		}
		if l.Status != types.STATUS_ACTIVE {
			return nil, errorsmod.Wrapf(types.ErrLicenseInactive, "license %d is %s", id, l.Status)
		}
		out = append(out, l)
	}
	return out, nil
}

// requireIdle checks that no license is bound or has stake still unbonding.
func requireIdle(ls []types.License) error {
	for _, l := range ls {
		if l.Binding.Kind != types.BINDING_NONE {
			return errorsmod.Wrapf(types.ErrLicenseBound, "license %d is bound to %s", l.Id, l.Binding.Target)
		}
		if l.UnbondingUntil != nil {
			return errorsmod.Wrapf(types.ErrLicenseUnbonding, "license %d: its stake returns from %s at %s; bind it after that",
				l.Id, l.UnbondingValidator, l.UnbondingUntil.Format(time.RFC3339))
		}
	}
	return nil
}

// holder parses an address that is to own licenses: module accounts may not (their
// rewards and payouts could not be paid to them).
func (m msgServer) holder(field, s string) (sdk.AccAddress, error) {
	a, err := parseAddr(field, s)
	if err != nil {
		return nil, err
	}
	if m.bank.BlockedAddr(a) {
		return nil, errorsmod.Wrapf(types.ErrBlockedAddress, "%s %s is a module account", field, s)
	}
	return a, nil
}

func ids(ls []types.License) []uint64 {
	out := make([]uint64, len(ls))
	for i, l := range ls {
		out[i] = l.Id
	}
	return out
}

func (m msgServer) MintLicenses(ctx context.Context, msg *types.MsgMintLicenses) (*types.MsgMintLicensesResponse, error) {
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Authority != params.Authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the license authority %s may mint", params.Authority)
	}
	if params.Stage != types.STAGE_TESTNET {
		return nil, errorsmod.Wrap(types.ErrWrongStage, "licenses are minted only on TESTNET; MAINNET licenses come from genesis")
	}
	if _, err := m.holder("owner", msg.Owner); err != nil {
		return nil, err
	}
	if msg.Count == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "count must be at least 1")
	}
	minted, err := m.mintedCount(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Count > types.MaxLicenses-minted {
		return nil, errorsmod.Wrapf(types.ErrCapExceeded, "count %d: %d of %d licenses minted, %d left", msg.Count, minted, types.MaxLicenses, types.MaxLicenses-minted)
	}
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	for id := minted + 1; id <= minted+msg.Count; id++ {
		l := types.License{Id: id, Owner: msg.Owner, Status: types.STATUS_ACTIVE, MintedAt: height, Backing: params.StakeEquivalent}
		if err := m.Licenses.Set(ctx, id, l); err != nil {
			return nil, err
		}
		if err := m.ensureStakeAccount(ctx, l); err != nil {
			return nil, err
		}
	}
	if err := m.Minted.Set(ctx, minted+msg.Count); err != nil {
		return nil, err
	}
	s, err := m.supply(ctx)
	if err != nil {
		return nil, err
	}
	s.Minted, s.Active = minted+msg.Count, s.Active+msg.Count
	if err := m.Supply.Set(ctx, s); err != nil {
		return nil, err
	}
	return &types.MsgMintLicensesResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesMinted{Owner: msg.Owner, FirstId: minted + 1, Count: msg.Count})
}

// TransferLicenses hands licenses to a new owner. A validator-bound license stays bound:
// the rewards it earned so far are paid to the previous owner, later ones to the new owner.
func (m msgServer) TransferLicenses(ctx context.Context, msg *types.MsgTransferLicenses) (*types.MsgTransferLicensesResponse, error) {
	to, err := m.holder("to", msg.To)
	if err != nil {
		return nil, err
	}
	ls, err := m.loadLicenses(ctx, msg.Owner, msg.Ids, false)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.Binding.Kind == types.BINDING_NODE {
			return nil, errorsmod.Wrapf(types.ErrLicenseBound, "license %d backs node %s: unbind it first", l.Id, l.Binding.Target)
		}
	}
	for _, l := range ls {
		if _, err := m.withdrawRewards(ctx, l); err != nil {
			return nil, err
		}
		l.Owner, l.Operator = to.String(), "" // a new owner chooses its own operator
		if l.Binding.Kind == types.BINDING_VALIDATOR {
			if err := m.setWithdrawAddr(ctx, l); err != nil {
				return nil, err
			}
		}
		if err := m.Licenses.Set(ctx, l.Id, l); err != nil {
			return nil, err
		}
	}
	return &types.MsgTransferLicensesResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesTransferred{From: msg.Owner, To: msg.To, Ids: ids(ls)})
}

func (m msgServer) setOperator(ctx context.Context, owner string, licenseIDs []uint64, operator string) error {
	ls, err := m.loadLicenses(ctx, owner, licenseIDs, false)
	if err != nil {
		return err
	}
	for _, l := range ls {
		l.Operator = operator
		if err := m.Licenses.Set(ctx, l.Id, l); err != nil {
			return err
		}
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventOperatorSet{Owner: owner, Operator: operator, Ids: ids(ls)})
}

func (m msgServer) AuthorizeOperator(ctx context.Context, msg *types.MsgAuthorizeOperator) (*types.MsgAuthorizeOperatorResponse, error) {
	if _, err := parseAddr("operator", msg.Operator); err != nil {
		return nil, err
	}
	return &types.MsgAuthorizeOperatorResponse{}, m.setOperator(ctx, msg.Owner, msg.Ids, msg.Operator)
}

func (m msgServer) RevokeOperator(ctx context.Context, msg *types.MsgRevokeOperator) (*types.MsgRevokeOperatorResponse, error) {
	return &types.MsgRevokeOperatorResponse{}, m.setOperator(ctx, msg.Owner, msg.Ids, "")
}

func (m msgServer) BindToValidator(ctx context.Context, msg *types.MsgBindToValidator) (*types.MsgBindToValidatorResponse, error) {
	ls, err := m.loadLicenses(ctx, msg.Signer, msg.Ids, true)
	if err != nil {
		return nil, err
	}
	if err := requireIdle(ls); err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.bindToValidator(ctx, params, ls, msg.Validator); err != nil {
		return nil, err
	}
	return &types.MsgBindToValidatorResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesBound{Kind: types.BINDING_VALIDATOR, Target: msg.Validator, Ids: ids(ls)})
}

func (m msgServer) BindToNode(ctx context.Context, msg *types.MsgBindToNode) (*types.MsgBindToNodeResponse, error) {
	if _, err := parseAddr("node", msg.Node); err != nil {
		return nil, err
	}
	ls, err := m.loadLicenses(ctx, msg.Signer, msg.Ids, true)
	if err != nil {
		return nil, err
	}
	if err := requireIdle(ls); err != nil {
		return nil, err
	}
	for _, l := range ls {
		l.Binding = types.Binding{Kind: types.BINDING_NODE, Target: msg.Node}
		if err := m.Licenses.Set(ctx, l.Id, l); err != nil {
			return nil, err
		}
	}
	return &types.MsgBindToNodeResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesBound{Kind: types.BINDING_NODE, Target: msg.Node, Ids: ids(ls)})
}

func (m msgServer) Unbind(ctx context.Context, msg *types.MsgUnbind) (*types.MsgUnbindResponse, error) {
	ls, err := m.loadLicenses(ctx, msg.Signer, msg.Ids, true)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.Binding.Kind == types.BINDING_NONE {
			return nil, errorsmod.Wrapf(types.ErrLicenseNotBound, "license %d is not bound", l.Id)
		}
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.unbind(ctx, params, ls); err != nil {
		return nil, err
	}
	return &types.MsgUnbindResponse{}, nil
}

// unbind ends the bindings of the bound licenses in ls (and returns them updated):
// validator bindings start unbonding, node bindings end at once if the node keeps enough
// stake for its roles.
func (m msgServer) unbind(ctx context.Context, params types.Params, ls []types.License) error {
	if err := m.CheckNodeStake(ctx, ls); err != nil {
		return err
	}
	ev := sdk.UnwrapSDKContext(ctx).EventManager()
	for i := range ls {
		l := &ls[i]
		binding := l.Binding
		switch binding.Kind {
		case types.BINDING_VALIDATOR:
			if err := m.startUnbonding(ctx, params, l); err != nil {
				return err
			}
		case types.BINDING_NODE:
			l.Binding = types.Binding{}
			if err := m.Licenses.Set(ctx, l.Id, *l); err != nil {
				return err
			}
		default:
			continue
		}
		if err := ev.EmitTypedEvent(&types.EventLicensesUnbound{Kind: binding.Kind, Target: binding.Target, Ids: []uint64{l.Id}}); err != nil {
			return err
		}
	}
	return nil
}

// RedeemLicenses burns licenses for stake_equivalent each. A license whose stake is (or
// starts) unbonding from a validator pays when the unbonding completes; the others now.
func (m msgServer) RedeemLicenses(ctx context.Context, msg *types.MsgRedeemLicenses) (*types.MsgRedeemLicensesResponse, error) {
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if params.Stage != types.STAGE_MAINNET || !params.RedemptionEnabled {
		return nil, errorsmod.Wrap(types.ErrRedemptionOff, "redemption opens on MAINNET with the redemption upgrade")
	}
	owner, err := parseAddr("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	ls, err := m.loadLicenses(ctx, msg.Owner, msg.Ids, false)
	if err != nil {
		return nil, err
	}
	if err := m.unbind(ctx, params, ls); err != nil {
		return nil, err
	}
	// Each license pays its backing: stake_equivalent less what slashes took. One whose
	// stake is unbonding from a validator pays when it comes back (less any slash meanwhile).
	now, total := math.ZeroInt(), math.ZeroInt()
	for _, l := range ls {
		total = total.Add(l.Backing)
		if l.UnbondingUntil == nil {
			now = now.Add(l.Backing)
			l.Backing = math.ZeroInt()
		}
		l.Status = types.STATUS_REDEEMED
		if err := m.Licenses.Set(ctx, l.Id, l); err != nil {
			return nil, err
		}
	}
	if err := m.burnAndPay(ctx, params, math.ZeroInt(), owner, now); err != nil {
		return nil, err
	}
	if err := m.countStatus(ctx, types.STATUS_REDEEMED, uint64(len(ls))); err != nil {
		return nil, err
	}
	return &types.MsgRedeemLicensesResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesRedeemed{
		Owner: msg.Owner, Ids: ids(ls), Amount: total,
	})
}

// RetrySettlement settles stuck settlements now; it fails, changing nothing, with the
// cause of the first that still cannot settle.
func (m msgServer) RetrySettlement(ctx context.Context, msg *types.MsgRetrySettlement) (*types.MsgRetrySettlementResponse, error) {
	if _, err := parseAddr("signer", msg.Signer); err != nil {
		return nil, err
	}
	if len(msg.Ids) == 0 || len(msg.Ids) > maxIDsPerMsg {
		return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "give 1 to %d license ids", maxIDsPerMsg)
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range msg.Ids {
		l, err := m.getLicense(ctx, id)
		if err != nil {
			return nil, err
		}
		if l.Settlement == nil || !l.Settlement.Stuck {
			return nil, errorsmod.Wrapf(types.ErrNotStuck, "license %d has no stuck settlement (the EndBlocker settles the others)", id)
		}
		if err := m.settleUnbonding(ctx, params, id); err != nil {
			return nil, errorsmod.Wrapf(types.ErrSettlementFailed, "license %d: %v", id, err)
		}
	}
	return &types.MsgRetrySettlementResponse{}, nil
}

func (m msgServer) ClaimLicenseRewards(ctx context.Context, msg *types.MsgClaimLicenseRewards) (*types.MsgClaimLicenseRewardsResponse, error) {
	owner, err := parseAddr("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	paid, err := m.claimRewards(ctx, owner)
	if err != nil {
		return nil, err
	}
	if !paid.IsPositive() {
		return nil, errorsmod.Wrapf(types.ErrNoRewards, "%s", msg.Owner)
	}
	return &types.MsgClaimLicenseRewardsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicenseRewardsClaimed{Owner: msg.Owner, Amount: paid})
}

func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority != m.govAuthority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "expected %s, got %s", m.govAuthority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	old, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Params.Stage != old.Stage {
		return nil, errorsmod.Wrapf(types.ErrStageChange, "the stage is %s and is set only at genesis", old.Stage)
	}
	if msg.Params.RedemptionEnabled != old.RedemptionEnabled {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, "redemption_enabled is set only by the redemption software upgrade")
	}
	if !msg.Params.StakeEquivalent.Equal(old.StakeEquivalent) || msg.Params.BondDenom != old.BondDenom {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, "stake_equivalent and bond_denom back existing licenses and cannot change")
	}
	// A license is liquidated when a slash takes it to the threshold; nothing re-checks the
	// others when the threshold moves, so on MAINNET it may only come down (a raise would
	// leave licenses at or below it active, and their export an invalid genesis).
	if old.Stage == types.STAGE_MAINNET && msg.Params.LiquidationThreshold.GT(old.LiquidationThreshold) {
		return nil, errorsmod.Wrapf(types.ErrInvalidParams, "liquidation_threshold can only be lowered on MAINNET (it is %s): licenses at or below a higher one would stay active",
			old.LiquidationThreshold)
	}
	return &types.MsgUpdateParamsResponse{}, m.Params.Set(ctx, msg.Params)
}
