package main

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"google.golang.org/grpc"

	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/node/chain"
)

// signer builds and signs txs with the SDK tx builder (SIGN_MODE_DIRECT), as aegis-node
// does, but from raw keys with account numbers and sequences it tracks itself, so a whole
// scenario's txs are signed before the measurement starts.
type signer struct {
	enc      chain.Encoding
	chainID  string
	denom    string
	gasPrice float64 // per gas unit, in denom
}

// account is a signing key with its on-chain number and the next sequence to sign.
type account struct {
	key  *secp256k1.PrivKey
	addr sdk.AccAddress
	num  uint64
	seq  uint64
}

// fee is what a tx of gas pays at the signer's gas price, rounded up.
func (s *signer) fee(gas uint64) sdk.Coins {
	return sdk.NewCoins(sdk.NewInt64Coin(s.denom, int64(math.Ceil(float64(gas)*s.gasPrice))))
}

// sign returns the encoded tx of msgs signed by acc at sequence seq.
func (s *signer) sign(acc *account, seq, gas uint64, feeGranter sdk.AccAddress, msgs ...sdk.Msg) ([]byte, error) {
	b := s.enc.TxConfig.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return nil, err
	}
	b.SetGasLimit(gas)
	b.SetFeeAmount(s.fee(gas))
	if feeGranter != nil {
		b.SetFeeGranter(feeGranter)
	}
	mode := signing.SignMode_SIGN_MODE_DIRECT
	// The signer info (public key, sequence) is part of the signed bytes: set it first.
	if err := b.SetSignatures(signing.SignatureV2{PubKey: acc.key.PubKey(),
		Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: seq}); err != nil {
		return nil, err
	}
	sig, err := clienttx.SignWithPrivKey(context.Background(), mode, authsigning.SignerData{
		Address: acc.addr.String(), ChainID: s.chainID, AccountNumber: acc.num, Sequence: seq,
		PubKey: acc.key.PubKey()}, b, acc.key, s.enc.TxConfig, seq)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	return s.enc.TxConfig.TxEncoder()(b.GetTx())
}

// simulate returns the gas msgs use when acc sends them now.
func (s *signer) simulate(ctx context.Context, conn *grpc.ClientConn, acc *account, feeGranter sdk.AccAddress, msgs ...sdk.Msg) (uint64, error) {
	bz, err := s.sign(acc, acc.seq, 10_000_000, feeGranter, msgs...)
	if err != nil {
		return 0, err
	}
	res, err := txtypes.NewServiceClient(conn).Simulate(ctx, &txtypes.SimulateRequest{TxBytes: bz})
	if err != nil {
		return 0, fmt.Errorf("simulate %s: %w", sdk.MsgTypeURL(msgs[0]), err)
	}
	return res.GasInfo.GasUsed, nil
}

// loadAccounts fills in the number and sequence of every account from the chain.
func loadAccounts(ctx context.Context, conn *grpc.ClientConn, enc chain.Encoding, accs []*account) error {
	q := authtypes.NewQueryClient(conn)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	jobs := make(chan *account)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				res, err := q.Account(ctx, &authtypes.QueryAccountRequest{Address: a.addr.String()})
				if err == nil {
					var acc sdk.AccountI
					if err = enc.Registry.UnpackAny(res.Account, &acc); err == nil {
						a.num, a.seq = acc.GetAccountNumber(), acc.GetSequence()
					}
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("account %s: %w", a.addr, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, a := range accs {
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	return first
}

// signAll signs, for every sender i, count txs at its sequences seq, seq+1, ... on all
// cores; build(i) gives the sender, fee granter and messages. txs[i][k] is sender i's
// k-th tx.
func (s *signer) signAll(n, count int, gas uint64, build func(i int) (*account, sdk.AccAddress, []sdk.Msg)) ([][][]byte, error) {
	txs := make([][][]byte, n)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	workers := runtime.NumCPU()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				acc, granter, msgs := build(i)
				txs[i] = make([][]byte, count)
				for k := range count {
					bz, err := s.sign(acc, acc.seq+uint64(k), gas, granter, msgs...)
					if err != nil {
						mu.Lock()
						first = err
						mu.Unlock()
						return
					}
					txs[i][k] = bz
				}
			}
		}()
	}
	wg.Wait()
	return txs, first
}
