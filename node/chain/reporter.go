package chain

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// When the operator named the hot key as the node's reporter (MsgSetReporter), the hot key
// sends the node's reports, answers and claims itself, naming its own address as their
// operator and paying their fees from its balance: no MsgExec, no fee allowance. Otherwise
// the hot key acts for the operator through x/authz as before.

// LowBalance is the hot key's balance (in the fee denom's base unit) below which
// aegis-node warns that a reporter key will soon be unable to pay its fees: about 25
// reports at the devnet's 0.025uaegis gas price.
var LowBalance = math.NewInt(100_000)

// Native reports whether the hot key is the node's reporter key.
func (c *Client) Native(ctx context.Context) (bool, error) {
	res, err := c.Node(ctx)
	if err != nil {
		return false, err
	}
	return res.Node.Reporter == c.HotAddr.String(), nil
}

// HotBalance is the hot key's balance of denom.
func (c *Client) HotBalance(ctx context.Context, denom string) (math.Int, error) {
	res, err := banktypes.NewQueryClient(c.conn).Balance(ctx, &banktypes.QueryBalanceRequest{Address: c.HotAddr.String(), Denom: denom})
	if err != nil {
		return math.Int{}, Unreachable(err)
	}
	if res.Balance == nil {
		return math.ZeroInt(), nil
	}
	return res.Balance.Amount, nil
}

// SetReporterCommand is the one command that makes the hot key the node's reporter and
// funds it for its fees.
func (c *Client) SetReporterCommand() string {
	return "aegisd tx por set-reporter " + c.HotAddr.String() + " --fund 10000000uaegis --from " + c.Operator.String()
}

// asReporter is msg sent by the reporter key itself, if it is one a reporter may sign.
func asReporter(msg sdk.Msg, hot string) (sdk.Msg, bool) {
	switch m := msg.(type) {
	case *portypes.MsgSubmitReport:
		n := *m
		n.Operator = hot
		return &n, true
	case *portypes.MsgAnswerChallenge:
		n := *m
		n.Operator = hot
		return &n, true
	case *portypes.MsgClaimRewards:
		n := *m
		n.Operator = hot
		return &n, true
	}
	return msg, false
}

// sendNative sends msgs signed by the reporter key, paying its own fees; ok is false when
// the hot key is not the node's reporter or a message is not one a reporter may sign.
func (c *Client) sendNative(ctx context.Context, msgs ...sdk.Msg) (hash string, ok bool, err error) {
	native, err := c.Native(ctx)
	if err != nil || !native {
		return "", false, err
	}
	out := make([]sdk.Msg, len(msgs))
	for i, m := range msgs {
		if out[i], ok = asReporter(m, c.HotAddr.String()); !ok {
			return "", false, nil
		}
	}
	hash, err = c.send(ctx, Signer{Keyring: c.keyring, Key: c.hotKey, Addr: c.HotAddr}, out...)
	if err != nil && errors.Is(err, errNoHotAccount) {
		err = fmt.Errorf("%w: the reporter key %s has no funds for its fees: send it some (%s)", ErrNoGrant, c.HotAddr, c.SetReporterCommand())
	}
	return hash, true, err
}
