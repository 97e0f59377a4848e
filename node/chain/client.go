// Package chain is aegis-node's link to the chain: gRPC queries, and transactions signed
// by the node's hot key — as the node's x/por reporter key, paying its own fees, or acting
// for the operator through x/authz (MsgExec) with fees paid through x/feegrant.
package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"cosmossdk.io/math"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	"github.com/cosmos/gogoproto/proto"

	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Encoding is the codec and tx config for the messages aegis-node sends and reads.
type Encoding struct {
	Registry codectypes.InterfaceRegistry
	Codec    codec.Codec
	TxConfig client.TxConfig
}

// NewEncoding registers the SDK's, x/authz's, x/feegrant's and x/por's types. The bech32
// prefixes must be set in the SDK config first.
func NewEncoding() (Encoding, error) {
	cfg := sdk.GetConfig()
	reg, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.Bech32Codec{Bech32Prefix: cfg.GetBech32AccountAddrPrefix()},
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: cfg.GetBech32ValidatorAddrPrefix()},
		},
	})
	if err != nil {
		return Encoding{}, err
	}
	std.RegisterInterfaces(reg)
	authtypes.RegisterInterfaces(reg)
	authz.RegisterInterfaces(reg)
	feegrant.RegisterInterfaces(reg)
	portypes.RegisterInterfaces(reg)
	cdc := codec.NewProtoCodec(reg)
	return Encoding{Registry: reg, Codec: cdc, TxConfig: authtx.NewTxConfig(cdc, authtx.DefaultSignModes)}, nil
}

// Client queries the chain and sends the hot key's transactions.
type Client struct {
	enc       Encoding
	conn      *grpc.ClientConn
	keyring   keyring.Keyring
	chainID   string
	hotKey    string
	HotAddr   sdk.AccAddress
	Operator  sdk.AccAddress
	gasPrices string
	gasAdj    float64
	// InclusionTimeout bounds the wait for a broadcast tx to be included in a block.
	InclusionTimeout time.Duration
	// rpc is the chain node's CometBFT RPC address, for tx_search (see ReportHistory).
	rpc      string
	searchMu sync.Mutex
	search   txSearcher
}

// Options are what Dial needs.
type Options struct {
	// RPC is the chain node's CometBFT RPC address; only the history of reports needs it.
	RPC                                        string
	GRPC, ChainID, HotKey, Operator, GasPrices string
	GasAdjustment                              float64
}

// Dial connects to the chain's gRPC endpoint (lazily: an unreachable chain fails the first
// call, not Dial).
func Dial(enc Encoding, kr keyring.Keyring, o Options) (*Client, error) {
	rec, err := kr.Key(o.HotKey)
	if err != nil {
		return nil, fmt.Errorf("no key %q in the node's keyring: run `aegis-node init` (it creates the hot key): %w", o.HotKey, err)
	}
	hot, err := rec.GetAddress()
	if err != nil {
		return nil, err
	}
	c := &Client{enc: enc, keyring: kr, chainID: o.ChainID, hotKey: o.HotKey, HotAddr: hot, rpc: o.RPC,
		gasPrices: o.GasPrices, gasAdj: o.GasAdjustment, InclusionTimeout: 30 * time.Second}
	if o.Operator != "" {
		if c.Operator, err = sdk.AccAddressFromBech32(o.Operator); err != nil {
			return nil, fmt.Errorf("operator %q: %w", o.Operator, err)
		}
	}
	c.conn, err = grpc.NewClient(o.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(enc.Registry).GRPCCodec())))
	if err != nil {
		return nil, fmt.Errorf("gRPC address %q: %w", o.GRPC, err)
	}
	return c, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// EmissionStatus is the day in progress and the next day to be issued.
func (c *Client) EmissionStatus(ctx context.Context) (*emissiontypes.QueryStatusResponse, error) {
	res, err := emissiontypes.NewQueryClient(c.conn).Status(ctx, &emissiontypes.QueryStatusRequest{})
	return res, Unreachable(err)
}

// EmissionParams are the schedule's clock: start time and day length.
func (c *Client) EmissionParams(ctx context.Context) (emissiontypes.Params, error) {
	res, err := emissiontypes.NewQueryClient(c.conn).Params(ctx, &emissiontypes.QueryParamsRequest{})
	if err != nil {
		return emissiontypes.Params{}, Unreachable(err)
	}
	return res.Params, nil
}

// Node is the operator's node and its role states; ErrNotRegistered if there is none.
func (c *Client) Node(ctx context.Context) (*portypes.QueryNodeResponse, error) {
	res, err := portypes.NewQueryClient(c.conn).Node(ctx, &portypes.QueryNodeRequest{Operator: c.Operator.String()})
	if status.Code(err) == codes.NotFound || (err != nil && strings.Contains(err.Error(), "not found")) {
		return nil, fmt.Errorf("%w: %s is not a registered node: register it with `aegis-node register` (signed by the operator key)", ErrNotRegistered, c.Operator)
	}
	return res, Unreachable(err)
}

// Rewards are the operator's unclaimed rewards per role.
func (c *Client) Rewards(ctx context.Context) (*portypes.QueryRewardsResponse, error) {
	res, err := portypes.NewQueryClient(c.conn).Rewards(ctx, &portypes.QueryRewardsRequest{Operator: c.Operator.String()})
	return res, Unreachable(err)
}

// PorParams are x/por's parameters (roles, minimums, caps).
func (c *Client) PorParams(ctx context.Context) (portypes.Params, error) {
	res, err := portypes.NewQueryClient(c.conn).Params(ctx, &portypes.QueryParamsRequest{})
	if err != nil {
		return portypes.Params{}, Unreachable(err)
	}
	return res.Params, nil
}

// Estimate is what a report of res in role would earn a day now.
func (c *Client) Estimate(ctx context.Context, role portypes.NodeRole, res portypes.Resources) (*portypes.QueryEstimateResponse, error) {
	out, err := portypes.NewQueryClient(c.conn).Estimate(ctx, &portypes.QueryEstimateRequest{Role: role, Compute: res.Compute, Storage: res.Storage, Bandwidth: res.Bandwidth})
	return out, Unreachable(err)
}

// LatestBlockTime is the time of the chain's latest block.
func (c *Client) LatestBlockTime(ctx context.Context) (time.Time, error) {
	res, err := cmtservice.NewServiceClient(c.conn).GetLatestBlock(ctx, &cmtservice.GetLatestBlockRequest{})
	if err != nil {
		return time.Time{}, Unreachable(err)
	}
	if res.SdkBlock == nil {
		return time.Time{}, errors.New("the node returned no block")
	}
	return res.SdkBlock.Header.Time, nil
}

// LicenseStake is the backing of the licenses bound to the operator's node (x/por counts it
// as stake).
func (c *Client) LicenseStake(ctx context.Context) (math.Int, error) {
	res, err := licensetypes.NewQueryClient(c.conn).Licenses(ctx, &licensetypes.QueryLicensesRequest{Node: c.Operator.String()})
	if err != nil {
		return math.Int{}, Unreachable(err)
	}
	sum := math.ZeroInt()
	for _, l := range res.Licenses {
		sum = sum.Add(l.Backing)
	}
	return sum, nil
}

// Role is a role's parameters and state (slots held, reserve, ...).
func (c *Client) Role(ctx context.Context, role portypes.NodeRole) (*portypes.QueryRoleResponse, error) {
	res, err := portypes.NewQueryClient(c.conn).Role(ctx, &portypes.QueryRoleRequest{Role: role})
	return res, Unreachable(err)
}

// RoleDay is one role's receipt of one day.
func (c *Client) RoleDay(ctx context.Context, role portypes.NodeRole, day uint64) (*portypes.QueryRoleDayResponse, error) {
	res, err := portypes.NewQueryClient(c.conn).RoleDay(ctx, &portypes.QueryRoleDayRequest{Role: role, Day: day})
	return res, Unreachable(err)
}

var (
	// ErrUnreachable: the chain's gRPC endpoint did not answer.
	ErrUnreachable = errors.New("chain unreachable")
	// ErrNotRegistered: the operator has no node on chain.
	ErrNotRegistered = errors.New("node not registered")
	// ErrNoGrant: the operator has not authorized the hot key.
	ErrNoGrant = errors.New("no authorization")
	// ErrTxFailed: the tx was included but failed.
	ErrTxFailed = errors.New("transaction failed")
	// errNoHotAccount: the hot key has no account on chain yet.
	errNoHotAccount = errors.New("no hot key account")
)

// Unreachable marks transport failures as ErrUnreachable, so callers retry them.
func Unreachable(err error) error {
	if err == nil {
		return nil
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return fmt.Errorf("%w (is the node's gRPC address right, and is it running?): %v", ErrUnreachable, err)
	}
	return err
}

// Exec sends msgs, each acting for the operator, signed by the hot key: directly when the
// hot key is the node's reporter, else in one MsgExec with fees granted by the operator. It
// simulates for gas, broadcasts and waits for inclusion, and returns the tx hash.
func (c *Client) Exec(ctx context.Context, msgs ...sdk.Msg) (string, error) {
	if hash, ok, err := c.sendNative(ctx, msgs...); ok || err != nil {
		return hash, err
	}
	exec := authz.NewMsgExec(c.HotAddr, msgs)
	return c.send(ctx, Signer{Keyring: c.keyring, Key: c.hotKey, Addr: c.HotAddr, FeeGranter: c.Operator}, &exec)
}

// Signer is a key that signs and pays for a transaction (FeeGranter, if set, pays).
type Signer struct {
	Keyring    keyring.Keyring
	Key        string
	Addr       sdk.AccAddress
	FeeGranter sdk.AccAddress
}

// SendAs sends msgs signed by another key, paying its own fees: the operator's, for
// registering the node or changing its roles.
func (c *Client) SendAs(ctx context.Context, s Signer, msgs ...sdk.Msg) (string, error) {
	return c.send(ctx, s, msgs...)
}

// send signs and sends msgs, retrying a few times when the key's sequence moved under it
// (the daemon and a `claim` share the hot key; a tx of one may land between the other's
// account query and its broadcast).
func (c *Client) send(ctx context.Context, s Signer, msgs ...sdk.Msg) (string, error) {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var hash string
		if hash, err = c.sendOnce(ctx, s, msgs...); err == nil || !strings.Contains(err.Error(), "account sequence mismatch") {
			return hash, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return "", err
}

func (c *Client) sendOnce(ctx context.Context, s Signer, msgs ...sdk.Msg) (string, error) {
	num, seq, err := c.account(ctx, s.Addr)
	if err != nil {
		return "", err
	}
	txf := clienttx.Factory{}.WithTxConfig(c.enc.TxConfig).WithKeybase(s.Keyring).WithChainID(c.chainID).
		WithAccountNumber(num).WithSequence(seq).WithGasAdjustment(c.gasAdj).WithFeeGranter(s.FeeGranter).
		WithSignMode(1) // SIGN_MODE_DIRECT
	simBytes, err := txf.WithGasPrices("").BuildSimTx(msgs...)
	if err != nil {
		return "", err
	}
	sim, err := txtypes.NewServiceClient(c.conn).Simulate(ctx, &txtypes.SimulateRequest{TxBytes: simBytes})
	if err != nil {
		return "", c.explain(Unreachable(err), msgs...)
	}
	txf = txf.WithGas(uint64(c.gasAdj * float64(sim.GasInfo.GasUsed))).WithGasPrices(c.gasPrices)
	b, err := txf.BuildUnsignedTx(msgs...)
	if err != nil {
		return "", err
	}
	if err := clienttx.Sign(ctx, txf, s.Key, b, true); err != nil {
		return "", err
	}
	bz, err := c.enc.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return "", err
	}
	res, err := txtypes.NewServiceClient(c.conn).BroadcastTx(ctx, &txtypes.BroadcastTxRequest{TxBytes: bz, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	if err != nil {
		return "", Unreachable(err)
	}
	if res.TxResponse.Code != 0 {
		return res.TxResponse.TxHash, c.explain(fmt.Errorf("%w: code %d: %s", ErrTxFailed, res.TxResponse.Code, res.TxResponse.RawLog), msgs...)
	}
	return res.TxResponse.TxHash, c.waitIncluded(ctx, res.TxResponse.TxHash, msgs...)
}

// waitIncluded polls for the tx until it is in a block. A node that stops answering while
// the tx waits ends the wait at once rather than after InclusionTimeout: the caller retries
// and finds out then whether the tx landed.
func (c *Client) waitIncluded(ctx context.Context, hash string, msgs ...sdk.Msg) error {
	ctx, cancel := context.WithTimeout(ctx, c.InclusionTimeout)
	defer cancel()
	for down := 0; ; {
		res, err := txtypes.NewServiceClient(c.conn).GetTx(ctx, &txtypes.GetTxRequest{Hash: hash})
		if err == nil {
			if res.TxResponse.Code != 0 {
				return c.explain(fmt.Errorf("%w: code %d: %s", ErrTxFailed, res.TxResponse.Code, res.TxResponse.RawLog), msgs...)
			}
			return nil
		}
		if status.Code(err) != codes.Unavailable {
			down = 0
		} else if down++; down >= 3 {
			return fmt.Errorf("waiting for tx %s: %w", hash, Unreachable(err))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("tx %s not included within %s: %w", hash, c.InclusionTimeout, ErrUnreachable)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// account returns an account's number and sequence.
func (c *Client) account(ctx context.Context, addr sdk.AccAddress) (uint64, uint64, error) {
	res, err := authtypes.NewQueryClient(c.conn).Account(ctx, &authtypes.QueryAccountRequest{Address: addr.String()})
	if status.Code(err) == codes.NotFound && addr.Equals(c.HotAddr) {
		return 0, 0, fmt.Errorf("%w: %w: the hot key %s has no account yet: fund it (run the command `aegis-node init` printed)", errNoHotAccount, ErrNoGrant, c.HotAddr)
	} else if status.Code(err) == codes.NotFound {
		return 0, 0, fmt.Errorf("%s has no account on chain: fund it first", addr)
	} else if err != nil {
		return 0, 0, Unreachable(err)
	}
	var acc sdk.AccountI
	if err := c.enc.Registry.UnpackAny(res.Account, &acc); err != nil {
		return 0, 0, err
	}
	return acc.GetAccountNumber(), acc.GetSequence(), nil
}

// explain adds the fix to the errors a new operator meets. A missing authorization names
// the grant: an operator who granted the report and the claim may not have granted the
// answer to challenges, which came later.
func (c *Client) explain(err error, msgs ...sdk.Msg) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "authorization not found"):
		var urls []string
		for _, m := range msgs {
			if exec, ok := m.(*authz.MsgExec); ok {
				inner, _ := exec.GetMessages()
				for _, im := range inner {
					urls = append(urls, sdk.MsgTypeURL(im))
				}
			}
		}
		if len(urls) > 0 {
			return fmt.Errorf("%w: the hot key %s is not the node's reporter key, nor authorized to send %s: run `%s` with the operator key (the command `aegis-node init` printed), or, with init --authz, `%s`: %v",
				ErrNoGrant, c.HotAddr, strings.Join(urls, ", "), c.SetReporterCommand(), c.GrantCommand(urls[0]), err)
		}
		return fmt.Errorf("%w: the hot key %s is not the node's reporter key: run `%s` with the operator key (the command `aegis-node init` printed): %v", ErrNoGrant, c.HotAddr, c.SetReporterCommand(), err)
	case strings.Contains(msg, "fee-grant not found") || strings.Contains(msg, "fee allowance"):
		return fmt.Errorf("%w: the hot key %s is not the node's reporter key and has no fee allowance: run `%s` with the operator key (the command `aegis-node init` printed): %v", ErrNoGrant, c.HotAddr, c.SetReporterCommand(), err)
	}
	return err
}

// PorParamsAt are x/por's parameters from the chain's gRPC endpoint at addr, without a key
// (probe and init check the machine against the roles' minimums before the node runs).
func PorParamsAt(ctx context.Context, enc Encoding, addr string) (portypes.Params, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(enc.Registry).GRPCCodec())))
	if err != nil {
		return portypes.Params{}, fmt.Errorf("gRPC address %q: %w", addr, err)
	}
	defer conn.Close()
	return (&Client{conn: conn}).PorParams(ctx)
}
