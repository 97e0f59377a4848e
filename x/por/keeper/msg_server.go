package keeper

import (
	"context"
	"fmt"
	"slices"
	"time"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

type msgServer struct{ Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the Msg service of k. Every handler validates its input fully
// before the first write, so a rejected message changes nothing.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

const maxMonikerLen = 70

func parseOperator(s string) (sdk.AccAddress, error) {
	op, err := sdk.AccAddressFromBech32(s)
	if err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "operator %q: %v; use the node's %s1... account address", s, err, sdk.GetConfig().GetBech32AccountAddrPrefix())
	}
	return op, nil
}

// stakeCoin checks a stake amount's denom and sign.
func stakeCoin(params types.Params, c sdk.Coin, allowZero bool) (math.Int, error) {
	if c.Denom != params.StakeDenom {
		return math.Int{}, errorsmod.Wrapf(types.ErrInvalidAmount, "stake must be in %s, got %q", params.StakeDenom, c.Denom)
	}
	if c.Amount.IsNil() || c.Amount.IsNegative() || (!allowZero && c.Amount.IsZero()) {
		return math.Int{}, errorsmod.Wrapf(types.ErrInvalidAmount, "amount must be positive, got %s", c.Amount)
	}
	return c.Amount, nil
}

func (m msgServer) RegisterNode(ctx context.Context, msg *types.MsgRegisterNode) (*types.MsgRegisterNodeResponse, error) {
	op, err := parseOperator(msg.Operator)
	if err != nil {
		return nil, err
	}
	// A module account cannot run a node: its balance is another module's liabilities
	// (escrowing it as stake would strand them), and no key can sign its reports.
	if m.bank.BlockedAddr(op) || msg.Operator == m.authority {
		return nil, errorsmod.Wrapf(types.ErrBlockedAddress, "operator %s is a module account; register with an account address you control", msg.Operator)
	}
	if len(msg.Moniker) == 0 || len(msg.Moniker) > maxMonikerLen {
		return nil, errorsmod.Wrapf(types.ErrInvalidMoniker, "moniker must be 1 to %d bytes", maxMonikerLen)
	}
	if err := types.ValidateRoles(msg.Roles); err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	stake, err := stakeCoin(params, msg.Stake, true)
	if err != nil {
		return nil, err
	}
	if has, err := m.Nodes.Has(ctx, op); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrNodeExists, "%s", msg.Operator)
	}
	if of, err := m.Reporters.Get(ctx, op); err == nil {
		return nil, errorsmod.Wrapf(types.ErrNodeExists, "%s is the reporter key of node %s; register with another key", msg.Operator, of)
	}
	var reporter sdk.AccAddress
	if msg.Reporter != "" {
		if reporter, err = m.checkReporter(ctx, op, msg.Reporter); err != nil {
			return nil, err
		}
	}
	roles := slices.Clone(msg.Roles)
	sortRoles(roles)
	if err := m.checkStake(ctx, params, op, stake, roles); err != nil {
		return nil, err
	}
	// Slots are checked before any write: a full role rejects the whole registration.
	for _, r := range roles {
		rs, err := m.RoleStates.Get(ctx, int32(r))
		if err != nil {
			return nil, err
		}
		if rs.SlotsHeld >= params.Roles[r-1].SlotCap {
			return nil, errorsmod.Wrapf(types.ErrRoleFull, "%s: all %d slots are held", r.Short(), params.Roles[r-1].SlotCap)
		}
	}
	if stake.IsPositive() {
		if err := m.bank.SendCoinsFromAccountToModule(ctx, op, types.StakeAccount, sdk.NewCoins(msg.Stake)); err != nil {
			return nil, err
		}
	}
	day, err := m.emission.CurrentDay(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if err := m.activateRole(ctx, params, op, r); err != nil {
			return nil, err
		}
	}
	node := types.Node{
		Operator: msg.Operator, Moniker: msg.Moniker, WithdrawAddress: msg.Operator,
		Stake: stake, Roles: roles, RegisteredDay: day,
	}
	if err := m.Nodes.Set(ctx, op, node); err != nil {
		return nil, err
	}
	if reporter != nil {
		if err := m.setReporter(ctx, op, &node, reporter); err != nil {
			return nil, err
		}
	}
	return &types.MsgRegisterNodeResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventNodeRegistered{
		Operator: msg.Operator, Moniker: msg.Moniker, Roles: roles, Stake: stake,
	})
}

func (m msgServer) ActivateRole(ctx context.Context, msg *types.MsgActivateRole) (*types.MsgActivateRoleResponse, error) {
	op, err := parseOperator(msg.Operator)
	if err != nil {
		return nil, err
	}
	if !msg.Role.Valid() {
		return nil, errorsmod.Wrapf(types.ErrUnknownRole, "%d", msg.Role)
	}
	node, err := m.getNode(ctx, op)
	if err != nil {
		return nil, err
	}
	if slices.Contains(node.Roles, msg.Role) {
		return nil, errorsmod.Wrapf(types.ErrRoleActive, "%s", msg.Role.Short())
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	roles := append(slices.Clone(node.Roles), msg.Role)
	sortRoles(roles)
	if err := m.checkStake(ctx, params, op, node.Stake, roles); err != nil {
		return nil, err
	}
	if err := m.activateRole(ctx, params, op, msg.Role); err != nil {
		return nil, err
	}
	node.Roles = roles
	if err := m.Nodes.Set(ctx, op, node); err != nil {
		return nil, err
	}
	return &types.MsgActivateRoleResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRoleActivated{Operator: msg.Operator, Role: msg.Role})
}

func (m msgServer) DeactivateRole(ctx context.Context, msg *types.MsgDeactivateRole) (*types.MsgDeactivateRoleResponse, error) {
	op, err := parseOperator(msg.Operator)
	if err != nil {
		return nil, err
	}
	if !msg.Role.Valid() {
		return nil, errorsmod.Wrapf(types.ErrUnknownRole, "%d", msg.Role)
	}
	node, err := m.getNode(ctx, op)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(node.Roles, msg.Role) {
		return nil, errorsmod.Wrapf(types.ErrRoleInactive, "%s", msg.Role.Short())
	}
	if err := m.deactivateRole(ctx, &node, op, msg.Role); err != nil {
		return nil, err
	}
	return &types.MsgDeactivateRoleResponse{}, m.Nodes.Set(ctx, op, node)
}

// stakeChange checks a stake message's operator and amount and loads its node.
func (m msgServer) stakeChange(ctx context.Context, operator string, coin sdk.Coin) (sdk.AccAddress, types.Params, math.Int, types.Node, error) {
	op, err := parseOperator(operator)
	if err != nil {
		return nil, types.Params{}, math.Int{}, types.Node{}, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, types.Params{}, math.Int{}, types.Node{}, err
	}
	amount, err := stakeCoin(params, coin, false)
	if err != nil {
		return nil, types.Params{}, math.Int{}, types.Node{}, err
	}
	node, err := m.getNode(ctx, op)
	return op, params, amount, node, err
}

func (m msgServer) AddStake(ctx context.Context, msg *types.MsgAddStake) (*types.MsgAddStakeResponse, error) {
	op, _, amount, node, err := m.stakeChange(ctx, msg.Operator, msg.Amount)
	if err != nil {
		return nil, err
	}
	if err := m.bank.SendCoinsFromAccountToModule(ctx, op, types.StakeAccount, sdk.NewCoins(msg.Amount)); err != nil {
		return nil, err
	}
	node.Stake = node.Stake.Add(amount)
	if err := m.Nodes.Set(ctx, op, node); err != nil {
		return nil, err
	}
	return &types.MsgAddStakeResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventStakeAdded{Operator: msg.Operator, Amount: amount})
}

func (m msgServer) UnbondStake(ctx context.Context, msg *types.MsgUnbondStake) (*types.MsgUnbondStakeResponse, error) {
	op, params, amount, node, err := m.stakeChange(ctx, msg.Operator, msg.Amount)
	if err != nil {
		return nil, err
	}
	if amount.GT(node.Stake) {
		return nil, errorsmod.Wrapf(types.ErrInsufficientStake, "cannot unbond %s: node has %s escrowed", amount, node.Stake)
	}
	if err := m.checkStake(ctx, params, op, node.Stake.Sub(amount), node.Roles); err != nil {
		return nil, errorsmod.Wrap(err, "deactivate roles first")
	}
	dayLen, err := m.emission.DayDuration(ctx)
	if err != nil {
		return nil, err
	}
	id, err := m.NextUnbondingID.Next(ctx)
	if err != nil {
		return nil, err
	}
	entry := types.UnbondingEntry{
		Operator: msg.Operator, Amount: amount, Id: id, CreationHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
		CompletionTime: sdk.UnwrapSDKContext(ctx).BlockTime().Add(time.Duration(params.UnbondingDays) * dayLen).UTC(),
	}
	if err := m.Unbonding.Set(ctx, unbondingKey(entry), entry); err != nil {
		return nil, err
	}
	node.Stake = node.Stake.Sub(amount)
	if err := m.Nodes.Set(ctx, op, node); err != nil {
		return nil, err
	}
	return &types.MsgUnbondStakeResponse{Entry: entry}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventStakeUnbonding{Operator: msg.Operator, Amount: amount, Id: id})
}

func (m msgServer) SetWithdrawAddress(ctx context.Context, msg *types.MsgSetWithdrawAddress) (*types.MsgSetWithdrawAddressResponse, error) {
	op, err := parseOperator(msg.Operator)
	if err != nil {
		return nil, err
	}
	to, err := sdk.AccAddressFromBech32(msg.WithdrawAddress)
	if err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "withdraw address %q: %v; use a %s1... account address", msg.WithdrawAddress, err, sdk.GetConfig().GetBech32AccountAddrPrefix())
	}
	if m.bank.BlockedAddr(to) {
		return nil, errorsmod.Wrapf(types.ErrBlockedAddress, "%s is a module account; use an account address you control", msg.WithdrawAddress)
	}
	node, err := m.getNode(ctx, op)
	if err != nil {
		return nil, err
	}
	node.WithdrawAddress = msg.WithdrawAddress
	if err := m.Nodes.Set(ctx, op, node); err != nil {
		return nil, err
	}
	return &types.MsgSetWithdrawAddressResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithdrawAddressSet{Operator: msg.Operator, WithdrawAddress: msg.WithdrawAddress})
}

func (m msgServer) SubmitReport(ctx context.Context, msg *types.MsgSubmitReport) (*types.MsgSubmitReportResponse, error) {
	op, err := m.nodeOf(ctx, msg.Operator)
	if err != nil {
		return nil, err
	}
	params, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateReport(params, msg.Totals, msg.Parts); err != nil {
		return nil, err
	}
	if err := validateDatasets(params.Challenge, msg.Parts); err != nil {
		return nil, err
	}
	day, err := m.submitReport(ctx, params, op, msg.Totals, msg.Parts, msg.DatasetNonce)
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitReportResponse{Day: day}, nil
}

// validateDatasets refuses a part whose storage makes a dataset too large to prove.
func validateDatasets(cp types.ChallengeParams, parts []types.RolePart) error {
	if !cp.Enabled() {
		return nil
	}
	for _, p := range parts {
		if _, ok := cp.DatasetLabels(p.Resources.Storage); !ok {
			return errorsmod.Wrapf(types.ErrValueTooLarge, "%s: storage %d makes a dataset above %d labels", p.Role.Short(), p.Resources.Storage, uint64(post.MaxLabels))
		}
	}
	return nil
}

func (m msgServer) AnswerChallenge(ctx context.Context, msg *types.MsgAnswerChallenge) (*types.MsgAnswerChallengeResponse, error) {
	op, err := m.nodeOf(ctx, msg.Operator)
	if err != nil {
		return nil, err
	}
	if msg.ChallengeId == 0 {
		return nil, errorsmod.Wrap(types.ErrUnknownChallenge, "challenge_id must be set")
	}
	if msg.Proof != nil && len(msg.Proof.Indexes) > post.MaxProofBytes {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "a proof's indexes take at most %d bytes, got %d", post.MaxProofBytes, len(msg.Proof.Indexes))
	}
	if len(msg.ComputePaths) > compute.MaxSamples {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "a compute reveal has at most %d paths, got %d", compute.MaxSamples, len(msg.ComputePaths))
	}
	for i, p := range msg.ComputePaths {
		if len(p) > compute.PathBytes(compute.MaxTiles) {
			return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "compute_paths[%d] has %d bytes, over the longest path's %d", i, len(p), compute.PathBytes(compute.MaxTiles))
		}
	}
	c, err := m.pendingChallenge(ctx, op, msg.ChallengeId)
	if err != nil {
		return nil, err
	}
	if c.Kind == types.CHALLENGE_KIND_COMPUTE {
		return m.answerCompute(ctx, op, c, msg)
	}
	if len(msg.ComputeRoot) != 0 || len(msg.ComputePaths) != 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d checks %s: send no compute_root or compute_paths", c.Id, kindName(c.Kind))
	}
	check, err := m.verifyAnswer(ctx, op, c, msg.Proof)
	if err != nil {
		return nil, err
	}
	if check.wrong > 0 {
		return &types.MsgAnswerChallengeResponse{Status: types.CHALLENGE_STATUS_FAILED}, m.failChallenge(ctx, op, c, check)
	}
	return &types.MsgAnswerChallengeResponse{Status: types.CHALLENGE_STATUS_PASSED}, m.passChallenge(ctx, op, c)
}

// ClaimRewards pays the node's withdraw address, whether its operator or its reporter signs.
func (m msgServer) ClaimRewards(ctx context.Context, msg *types.MsgClaimRewards) (*types.MsgClaimRewardsResponse, error) {
	op, err := m.nodeOf(ctx, msg.Operator)
	if err != nil {
		return nil, err
	}
	paid, err := m.claim(ctx, op)
	if err != nil {
		return nil, err
	}
	return &types.MsgClaimRewardsResponse{Amount: paid}, nil
}

func (m msgServer) SlashNode(ctx context.Context, msg *types.MsgSlashNode) (*types.MsgSlashNodeResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "expected %s, got %s", m.authority, msg.Authority)
	}
	op, err := parseOperator(msg.Operator)
	if err != nil {
		return nil, err
	}
	if msg.Fraction.IsNil() || !msg.Fraction.IsPositive() || msg.Fraction.GT(math.LegacyOneDec()) {
		return nil, errorsmod.Wrapf(types.ErrInvalidFraction, "fraction must be in (0, 1], got %s", msg.Fraction)
	}
	slashed, err := m.Slash(ctx, op, msg.Fraction, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgSlashNodeResponse{Slashed: slashed}, nil
}

func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg.Authority != m.authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "expected %s, got %s", m.authority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	old, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Params.StakeDenom != old.StakeDenom {
		return nil, errorsmod.Wrapf(types.ErrInvalidParams, "stake_denom cannot change (escrowed stake is in %s)", old.StakeDenom)
	}
	for _, rp := range msg.Params.Roles {
		rs, err := m.RoleStates.Get(ctx, int32(rp.Role))
		if err != nil {
			return nil, err
		}
		if rp.SlotCap < rs.SlotsHeld || rp.SlotCap < rs.HighWater {
			return nil, errorsmod.Wrapf(types.ErrInvalidParams, "%s: slot_cap %d below the %d slots held or high-water mark %d",
				rp.Role.Short(), rp.SlotCap, rs.SlotsHeld, rs.HighWater)
		}
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	if err := m.dropReportLogWhenTurnedOff(ctx, old.Challenge, msg.Params.Challenge); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventParamsUpdated{Authority: msg.Authority})
}

// dropReportLogWhenTurnedOff sets aside the day's unsampled report log when the new
// challenge params turn challenges off: the log would otherwise be sampled days late once
// they are on again. (A change of label cost or size needs nothing: each report records
// the dataset it committed, and its challenge asks for that.)
func (m msgServer) dropReportLogWhenTurnedOff(ctx context.Context, old, next types.ChallengeParams) error {
	if !old.Enabled() || next.Enabled() {
		return nil
	}
	l, err := m.reportLog(ctx)
	if err != nil || l.Day == 0 {
		return err
	}
	// The log starts over: reports made after challenges are on again, even the same day,
	// begin a new log that is sampled as usual.
	if err := m.setReportLog(ctx, types.ReportLog{Buffer: l.Buffer}); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChallengeSetAside{
		Reason: fmt.Sprintf("day %d not sampled: challenges were turned off", l.Day),
	})
}
