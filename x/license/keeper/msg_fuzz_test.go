package keeper_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

var (
	fuzzChainOnce sync.Once
	fuzzChain     *chain
)

// fuzzBase is a TESTNET chain with licenses unbound, bound to the validator, bound to a node
// and unbonding, shared by every fuzz input (each runs on a branch of its state).
func fuzzBase(t *testing.T) *chain {
	fuzzChainOnce.Do(func() {
		c := newChain(t, types.STAGE_TESTNET, nil)
		owner, other := c.Accounts[1], c.Accounts[2]
		c.mint(owner.Address, 6)
		c.mint(other.Address, 2)
		val := c.validator().OperatorAddress
		c.bind(owner, val, 1, 2)
		c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgBindToNode{Signer: owner.Address.String(), Ids: []uint64{3}, Node: other.Address.String()}))
		c.bind(owner, val, 4)
		c.unbind(owner, 4)
		c.ok(c.DeliverMsgs(time.Second, owner, &types.MsgAuthorizeOperator{Owner: owner.Address.String(), Ids: []uint64{5}, Operator: other.Address.String()}))
		fuzzChain = c
	})
	require.NotNil(t, fuzzChain)
	return fuzzChain
}

// checkLicenseMsg builds one license message from data — ids, addresses and amounts chosen
// among valid, garbled and hostile values — and runs it through the Msg server on a branch:
// it must never panic, and a rejection must be a registered error, not an internal one.
func checkLicenseMsg(t *testing.T, data []byte) {
	c := fuzzBase(t)
	seed := sha256.Sum256(data)
	r := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:8]))))
	addrs := []string{c.Accounts[1].Address.String(), c.Accounts[2].Address.String(), c.dev.Address.String(), "",
		"aegis1nope", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", authtypes.NewModuleAddress("distribution").String(),
		types.LicenseAccount(1).String(), c.validator().OperatorAddress, sdk.AccAddress([]byte("some-other-account-1")).String()}
	addr := func() string { return addrs[r.Intn(len(addrs))] }
	ids := func() []uint64 {
		out := make([]uint64, r.Intn(5))
		for i := range out {
			out[i] = []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 48_000, 48_001, ^uint64(0)}[r.Intn(13)]
		}
		return out
	}
	params := types.DefaultParams(addr())
	if r.Intn(2) == 0 {
		params.LiquidationThreshold = math.LegacyNewDecWithPrec(int64(r.Intn(300)-100), 2)
	}
	msgs := []sdk.Msg{
		&types.MsgMintLicenses{Authority: addr(), Owner: addr(), Count: []uint64{0, 1, 3, 48_000, ^uint64(0)}[r.Intn(5)]},
		&types.MsgTransferLicenses{Owner: addr(), Ids: ids(), To: addr()},
		&types.MsgAuthorizeOperator{Owner: addr(), Ids: ids(), Operator: addr()},
		&types.MsgRevokeOperator{Owner: addr(), Ids: ids()},
		&types.MsgBindToValidator{Signer: addr(), Ids: ids(), Validator: addr()},
		&types.MsgBindToNode{Signer: addr(), Ids: ids(), Node: addr()},
		&types.MsgUnbind{Signer: addr(), Ids: ids()},
		&types.MsgRedeemLicenses{Owner: addr(), Ids: ids()},
		&types.MsgClaimLicenseRewards{Owner: addr()},
		&types.MsgUpdateParams{Authority: []string{addr(), c.App.LicenseKeeper.GovAuthority()}[r.Intn(2)], Params: params},
	}
	msg := msgs[r.Intn(len(msgs))]
	ctx, _ := c.Context().CacheContext()
	handler := c.App.MsgServiceRouter().Handler(msg)
	require.NotNil(t, handler, "%T", msg)
	_, err := handler(ctx, msg)
	if err != nil {
		_, code, _ := errorsmod.ABCIInfo(err, false)
		require.NotEqual(t, uint32(1), code, "%T %v: an unregistered (internal) error: %v", msg, msg, err)
	}
}

// FuzzLicenseMsgs: every license message, with valid, garbled and hostile fields, is either
// accepted or rejected with a registered error — never a panic (issue #12: fuzz targets
// for Msg validation). The seed corpus runs with `go test`; -fuzz runs it for longer.
func FuzzLicenseMsgs(f *testing.F) {
	for i := 0; i < 200; i++ {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(checkLicenseMsg)
}
