package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/aegis-chain/aegis/x/por/types"
)

// A node's reporter key is its hot key, native to x/por (as Filecoin's worker address is):
// it signs the node's reports, challenge answers and claims itself, naming its own address
// as their operator, and pays their fees from its own balance — no authz MsgExec, no
// feegrant. The Reporters index maps each reporter to its node; a reporter is never a
// node's operator itself, so a signer names exactly one node.

// nodeOf resolves the signer of a report, an answer or a claim: a node's operator, or the
// reporter a node named (then that node's operator).
func (k Keeper) nodeOf(ctx context.Context, signer string) (sdk.AccAddress, error) {
	addr, err := parseOperator(signer)
	if err != nil {
		return nil, err
	}
	op, err := k.Reporters.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return addr, nil
	}
	return op, err
}

// checkReporter: a reporter parses, is not the operator, not a module account, not a
// registered node, and not another node's reporter.
func (k Keeper) checkReporter(ctx context.Context, op sdk.AccAddress, reporter string) (sdk.AccAddress, error) {
	r, err := sdk.AccAddressFromBech32(reporter)
	if err != nil {
		return nil, errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "reporter %q: %v; use the hot key's %s1... account address", reporter, err, sdk.GetConfig().GetBech32AccountAddrPrefix())
	}
	if r.Equals(op) {
		return nil, errorsmod.Wrap(types.ErrInvalidReporter, "the reporter must be another key than the operator")
	}
	if k.bank.BlockedAddr(r) {
		return nil, errorsmod.Wrapf(types.ErrInvalidReporter, "%s is a module account", reporter)
	}
	if isNode, err := k.Nodes.Has(ctx, r); err != nil {
		return nil, err
	} else if isNode {
		return nil, errorsmod.Wrapf(types.ErrInvalidReporter, "%s is a node's operator", reporter)
	}
	if of, err := k.Reporters.Get(ctx, r); err == nil && !of.Equals(op) {
		return nil, errorsmod.Wrapf(types.ErrInvalidReporter, "%s already reports for node %s", reporter, of)
	} else if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	return r, nil
}

// setReporter records node's reporter (empty: none), replacing the previous one.
func (k Keeper) setReporter(ctx context.Context, op sdk.AccAddress, node *types.Node, reporter sdk.AccAddress) error {
	previous := node.Reporter
	if previous != "" {
		if old, err := sdk.AccAddressFromBech32(previous); err == nil {
			if err := k.Reporters.Remove(ctx, old); err != nil {
				return err
			}
		}
	}
	node.Reporter = ""
	if reporter != nil {
		node.Reporter = reporter.String()
		if err := k.Reporters.Set(ctx, reporter, op); err != nil {
			return err
		}
	}
	if err := k.Nodes.Set(ctx, op, *node); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventReporterSet{
		Operator: node.Operator, Reporter: node.Reporter, Previous: previous,
	})
}

// SetReporter names, rotates or revokes a node's reporter key.
func (m msgServer) SetReporter(ctx context.Context, msg *types.MsgSetReporter) (*types.MsgSetReporterResponse, error) {
	op, err := parseOperator(msg.Operator)
	if err != nil {
		return nil, err
	}
	node, err := m.getNode(ctx, op)
	if err != nil {
		return nil, err
	}
	var reporter sdk.AccAddress
	if msg.Reporter != "" {
		if reporter, err = m.checkReporter(ctx, op, msg.Reporter); err != nil {
			return nil, err
		}
	}
	return &types.MsgSetReporterResponse{}, m.setReporter(ctx, op, &node, reporter)
}
