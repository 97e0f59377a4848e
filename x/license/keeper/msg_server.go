package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

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
		return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "%s %q: %v", field, s, err)
	}
	return a, nil
}

// loadLicenses loads ids (distinct, at most maxIDsPerMsg), finalizing lazily liquidated
// ones, and checks that signer may act on each: the owner, or with operatorOK the
// authorized operator. Only ACTIVE licenses are returned.
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
		if _, liquidated, err := m.Backing(ctx, l); err != nil {
			return nil, err
		} else if liquidated || l.Status != types.STATUS_ACTIVE {
			return nil, errorsmod.Wrapf(types.ErrLicenseInactive, "license %d is %s", id, statusOf(l, liquidated))
		}
		out = append(out, l)
	}
	return out, nil
}

func statusOf(l types.License, liquidated bool) types.Status {
	if liquidated {
		return types.STATUS_LIQUIDATED
	}
	return l.Status
}

func requireUnbound(ls []types.License) error {
	for _, l := range ls {
		if l.Binding.Kind != types.BINDING_NONE {
			return errorsmod.Wrapf(types.ErrLicenseBound, "license %d is bound to %s", l.Id, l.Binding.Target)
		}
	}
	return nil
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
	if _, err := parseAddr("owner", msg.Owner); err != nil {
		return nil, err
	}
	minted, err := m.mintedCount(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Count == 0 || msg.Count > types.MaxLicenses-minted {
		return nil, errorsmod.Wrapf(types.ErrCapExceeded, "count %d: %d of %d licenses minted, %d left", msg.Count, minted, types.MaxLicenses, types.MaxLicenses-minted)
	}
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	for id := minted + 1; id <= minted+msg.Count; id++ {
		l := types.License{Id: id, Owner: msg.Owner, Status: types.STATUS_ACTIVE, MintedAt: height,
			Binding: types.Binding{RewardIndex: math.LegacyZeroDec()}, Backing: math.ZeroInt()}
		if err := m.Licenses.Set(ctx, id, l); err != nil {
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

func (m msgServer) TransferLicenses(ctx context.Context, msg *types.MsgTransferLicenses) (*types.MsgTransferLicensesResponse, error) {
	if _, err := parseAddr("to", msg.To); err != nil {
		return nil, err
	}
	ls, err := m.loadLicenses(ctx, msg.Owner, msg.Ids, false)
	if err != nil {
		return nil, err
	}
	if err := requireUnbound(ls); err != nil {
		return nil, err
	}
	for _, l := range ls {
		l.Owner, l.Operator = msg.To, "" // a new owner chooses its own operator
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
	if err := requireUnbound(ls); err != nil {
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
	if err := requireUnbound(ls); err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		l.Binding = types.Binding{Kind: types.BINDING_NODE, Target: msg.Node, RewardIndex: math.LegacyZeroDec()}
		l.Backing = params.StakeEquivalent
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
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.unbind(ctx, params, ls, ""); err != nil {
		return nil, err
	}
	return &types.MsgUnbindResponse{}, nil
}

// unbind ends the bindings of ls (all bound): validator bindings unbond, node bindings
// are released if the node keeps enough stake for its roles.
func (m msgServer) unbind(ctx context.Context, params types.Params, ls []types.License, payTo string) error {
	var vals, nodes []types.License
	removed := map[string]math.Int{}
	var nodeOrder []string
	for _, l := range ls {
		switch l.Binding.Kind {
		case types.BINDING_VALIDATOR:
			vals = append(vals, l)
		case types.BINDING_NODE:
			if _, ok := removed[l.Binding.Target]; !ok {
				removed[l.Binding.Target] = math.ZeroInt()
				nodeOrder = append(nodeOrder, l.Binding.Target)
			}
			removed[l.Binding.Target] = removed[l.Binding.Target].Add(l.Backing)
			nodes = append(nodes, l)
		default:
			if payTo == "" {
				return errorsmod.Wrapf(types.ErrLicenseNotBound, "license %d", l.Id)
			}
		}
	}
	for _, node := range nodeOrder {
		op, err := sdk.AccAddressFromBech32(node)
		if err != nil {
			return err
		}
		if err := m.por.CheckStakeWithout(ctx, op, removed[node]); err != nil {
			return errorsmod.Wrapf(types.ErrNodeStakeNeeded, "%v: deactivate roles or add stake first", err)
		}
	}
	if len(vals) > 0 {
		if err := m.unbindFromValidator(ctx, params, vals, payTo); err != nil {
			return err
		}
	}
	ev := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, group := range [][]types.License{vals, nodes} {
		for _, l := range group {
			if err := ev.EmitTypedEvent(&types.EventLicensesUnbound{Kind: l.Binding.Kind, Target: l.Binding.Target, Ids: []uint64{l.Id}}); err != nil {
				return err
			}
			l.Binding, l.Backing = types.Binding{RewardIndex: math.LegacyZeroDec()}, math.ZeroInt()
			if err := m.Licenses.Set(ctx, l.Id, l); err != nil {
				return err
			}
		}
	}
	return nil
}

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
	// Validator-bound licenses pay after their unbonding; the others pay now.
	if err := m.unbind(ctx, params, ls, msg.Owner); err != nil {
		return nil, err
	}
	now := math.ZeroInt()
	for _, l := range ls {
		if l.Binding.Kind != types.BINDING_VALIDATOR {
			now = now.Add(params.StakeEquivalent)
		}
		l.Status, l.Binding, l.Backing = types.STATUS_REDEEMED, types.Binding{RewardIndex: math.LegacyZeroDec()}, math.ZeroInt()
		if err := m.Licenses.Set(ctx, l.Id, l); err != nil {
			return nil, err
		}
	}
	if now.IsPositive() {
		if err := m.bank.MintCoins(ctx, types.ModuleName, m.coins(params, now)); err != nil {
			return nil, err
		}
		if err := m.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, owner, m.coins(params, now)); err != nil {
			return nil, err
		}
	}
	s, err := m.supply(ctx)
	if err != nil {
		return nil, err
	}
	s.Active -= uint64(len(ls))
	s.Redeemed += uint64(len(ls))
	if err := m.Supply.Set(ctx, s); err != nil {
		return nil, err
	}
	return &types.MsgRedeemLicensesResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventLicensesRedeemed{
		Owner: msg.Owner, Ids: ids(ls), Amount: params.StakeEquivalent.MulRaw(int64(len(ls))),
	})
}

func (m msgServer) ClaimLicenseRewards(ctx context.Context, msg *types.MsgClaimLicenseRewards) (*types.MsgClaimLicenseRewardsResponse, error) {
	owner, err := parseAddr("owner", msg.Owner)
	if err != nil {
		return nil, err
	}
	paid, err := m.claimRewards(ctx, owner, true)
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
	if !msg.Params.StakeEquivalent.Equal(old.StakeEquivalent) || msg.Params.BondDenom != old.BondDenom {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, "stake_equivalent and bond_denom back existing licenses and cannot change")
	}
	return &types.MsgUpdateParamsResponse{}, m.Params.Set(ctx, msg.Params)
}
