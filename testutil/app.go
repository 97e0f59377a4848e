// Package testutil builds in-process Aegis apps for tests: a genesis with one bonded
// validator and funded accounts, and helpers to drive blocks with a controlled clock.
package testutil

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	sdked25519 "github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"

	"github.com/aegis-chain/aegis/app"
)

// ChainID is the chain id of every in-process test chain.
const ChainID = "aegis-test-1"

// Account is a funded test account with its private key.
type Account struct {
	PrivKey cryptotypes.PrivKey
	Address sdk.AccAddress
}

// TestChain is an app plus the clock and height of its last block.
type TestChain struct {
	T        testing.TB
	App      *app.App
	Accounts []Account
	Genesis  app.GenesisState
	Time     time.Time
	ValSet   *cmttypes.ValidatorSet

	// initialHeight is the first block's height of an imported chain.
	initialHeight int64
	// precommit runs in each block's Commit, on the block's state (CheckEveryBlock).
	precommit *precommitHook
}

// precommitHook is the app's precommitter: check, when set, runs on each block's state
// before it is committed; its first error is kept for NextBlock to fail on.
type precommitHook struct {
	check func(sdk.Context) error
	err   error
}

func (h *precommitHook) run(ctx sdk.Context) {
	if h.check != nil && h.err == nil {
		h.err = h.check(ctx)
	}
}

// GenesisTime is the genesis time of every test chain, fixed so runs are reproducible.
var GenesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// NewApp builds an app on a fresh in-memory database.
func NewApp(t testing.TB) *app.App {
	t.Helper()
	a, _ := newApp(t)
	return a
}

func newApp(t testing.TB) (*app.App, *precommitHook) {
	t.Helper()
	hook := &precommitHook{}
	// Synchronous pruning: IAVL's asynchronous pruning runs a goroutine per store that
	// nothing stops (BaseApp.Close closes the database, not the trees), which would keep
	// every test's app in memory until the test binary exits.
	a, err := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		baseapp.SetChainID(ChainID), baseapp.SetIAVLSyncPruning(true), func(b *baseapp.BaseApp) { b.SetPrecommiter(hook.run) })
	require.NoError(t, err)
	return a, hook
}

// CheckEveryBlock has every block from the next one on checked, before it is committed, by
// an app.BlockChecker (every invariant, and the supply identity from the block's record of
// mints and burns): NextBlock fails at the first block that breaks one.
func (c *TestChain) CheckEveryBlock() *app.BlockChecker {
	checker := app.NewBlockChecker(c.App)
	c.OnEveryBlock(checker.Check)
	return checker
}

// OnEveryBlock has fn run on every block's state from the next block on, before the block
// is committed (the app's precommitter): NextBlock fails at the first error it returns.
func (c *TestChain) OnEveryBlock(fn func(sdk.Context) error) { c.precommit.check = fn }

// NewTestChain creates an app with one bonded validator and n accounts holding
// 10^12 uaegis each, runs InitChain and commits block 1 at GenesisTime. Mutate lets a test
// adjust the genesis first.
func NewTestChain(t testing.TB, n int, mutate func(codec.JSONCodec, app.GenesisState)) *TestChain {
	t.Helper()
	return NewTestChainWithAccounts(t, n, func(cdc codec.JSONCodec, g app.GenesisState, _ []Account) {
		if mutate != nil {
			mutate(cdc, g)
		}
	})
}

// NewTestChainWithAccounts is NewTestChain with the funded accounts passed to mutate, for
// genesis state that refers to them.
func NewTestChainWithAccounts(t testing.TB, n int, mutate func(codec.JSONCodec, app.GenesisState, []Account)) *TestChain {
	t.Helper()
	return NewSeededTestChain(t, n, 0, mutate)
}

// NewSeededTestChain is NewTestChainWithAccounts whose validator and account keys derive
// from seed (random keys when seed is 0), so two chains driven the same way from the same
// seed must reach the same app hash: the determinism tests rely on it.
func NewSeededTestChain(t testing.TB, n int, seed int64, mutate func(codec.JSONCodec, app.GenesisState, []Account)) *TestChain {
	t.Helper()
	a, hook := newApp(t)

	valSet, err := simtestutil.CreateRandomValidatorSet()
	require.NoError(t, err)
	if seed != 0 {
		valKey := sdked25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("validator-%d", seed)))
		pub, err := cryptocodec.ToCmtPubKeyInterface(valKey.PubKey())
		require.NoError(t, err)
		valSet = cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(pub, 1)})
	}

	accounts := make([]Account, n+1)
	genAccs := make([]authtypes.GenesisAccount, n+1)
	balances := make([]banktypes.Balance, n+1)
	for i := range accounts {
		pk := secp256k1.GenPrivKey()
		if seed != 0 {
			pk = secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("account-%d-%d", seed, i)))
		}
		accounts[i] = Account{PrivKey: pk, Address: sdk.AccAddress(pk.PubKey().Address())}
		genAccs[i] = authtypes.NewBaseAccount(accounts[i].Address, pk.PubKey(), uint64(i), 0)
		balances[i] = banktypes.Balance{
			Address: accounts[i].Address.String(),
			Coins:   sdk.NewCoins(sdk.NewCoin(app.BondDenom, math.NewInt(1_000_000_000_000))),
		}
	}
	genesis, err := simtestutil.GenesisStateWithValSet(a.AppCodec(), a.DefaultGenesis(), valSet, genAccs, balances...)
	require.NoError(t, err)
	// Validators sign blocks from genesis, so they need slashing signing infos.
	var slashingGenesis slashingtypes.GenesisState
	a.AppCodec().MustUnmarshalJSON(genesis[slashingtypes.ModuleName], &slashingGenesis)
	for _, v := range valSet.Validators {
		cons := sdk.ConsAddress(v.Address).String()
		slashingGenesis.SigningInfos = append(slashingGenesis.SigningInfos, slashingtypes.SigningInfo{
			Address:              cons,
			ValidatorSigningInfo: slashingtypes.NewValidatorSigningInfo(sdk.ConsAddress(v.Address), 0, 0, time.Unix(0, 0).UTC(), false, 0),
		})
	}
	genesis[slashingtypes.ModuleName] = a.AppCodec().MustMarshalJSON(&slashingGenesis)
	// GenesisStateWithValSet rebuilds the bank genesis; put the denom metadata back.
	var bankGenesis banktypes.GenesisState
	a.AppCodec().MustUnmarshalJSON(genesis[banktypes.ModuleName], &bankGenesis)
	bankGenesis.DenomMetadata = []banktypes.Metadata{app.DenomMetadata()}
	genesis[banktypes.ModuleName] = a.AppCodec().MustMarshalJSON(&bankGenesis)
	if mutate != nil {
		mutate(a.AppCodec(), genesis, accounts[1:])
	}

	c := &TestChain{T: t, App: a, Accounts: accounts[1:], Genesis: genesis, Time: GenesisTime, ValSet: valSet, precommit: hook}
	c.InitChain(genesis)
	// Genesis state is committed with the first block.
	c.NextBlock(0)
	return c
}

// InitChain runs InitChain with the given app state at GenesisTime.
func (c *TestChain) InitChain(genesis app.GenesisState) {
	c.T.Helper()
	stateBytes, err := json.Marshal(genesis)
	require.NoError(c.T, err)
	_, err = c.App.InitChain(&abci.RequestInitChain{
		ChainId:         ChainID,
		Time:            c.Time,
		Validators:      []abci.ValidatorUpdate{},
		ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes:   stateBytes,
	})
	require.NoError(c.T, err)
}

// NextBlock finalizes and commits one block dt after the previous one, with the given
// raw txs, and returns the block's result.
func (c *TestChain) NextBlock(dt time.Duration, txs ...[]byte) *abci.ResponseFinalizeBlock {
	c.T.Helper()
	c.Time = c.Time.Add(dt)
	height := c.App.LastBlockHeight() + 1
	if c.App.LastBlockHeight() == 0 && c.initialHeight > 0 {
		height = c.initialHeight
	}
	// Every validator signed the previous block, so distribution pays them their fees.
	votes := make([]abci.VoteInfo, 0, len(c.ValSet.Validators))
	for _, v := range c.ValSet.Validators {
		votes = append(votes, abci.VoteInfo{
			Validator:   abci.Validator{Address: v.Address, Power: v.VotingPower},
			BlockIdFlag: cmtproto.BlockIDFlagCommit,
		})
	}
	res, err := c.App.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height:             height,
		Time:               c.Time,
		Txs:                txs,
		NextValidatorsHash: c.ValSet.Hash(),
		DecidedLastCommit:  abci.CommitInfo{Round: 0, Votes: votes},
	})
	require.NoError(c.T, err)
	_, err = c.App.Commit()
	require.NoError(c.T, err)
	require.NoError(c.T, c.precommit.err, "block %d", height)
	return res
}

// Context is a context on the last committed state, at the last block's height and time.
func (c *TestChain) Context() sdk.Context {
	return c.App.NewUncachedContext(false, cmtproto.Header{
		ChainID: ChainID, Height: c.App.LastBlockHeight(), Time: c.Time,
	})
}

// DeliverMsgs signs msgs with from's key, puts the tx in a block dt after the last one and
// returns the tx's result (a failed tx is returned, not fatal).
func (c *TestChain) DeliverMsgs(dt time.Duration, from Account, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.T.Helper()
	ctx := c.Context()
	acc := c.App.AccountKeeper.GetAccount(ctx, from.Address)
	require.NotNil(c.T, acc, "account %s does not exist", from.Address)
	txCfg := c.App.TxConfig()
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(1)), txCfg, msgs,
		sdk.NewCoins(), simtestutil.DefaultGenTxGas, ChainID,
		[]uint64{acc.GetAccountNumber()}, []uint64{acc.GetSequence()}, from.PrivKey)
	require.NoError(c.T, err)
	bz, err := txCfg.TxEncoder()(tx)
	require.NoError(c.T, err)
	res := c.NextBlock(dt, bz)
	require.Len(c.T, res.TxResults, 1)
	return res.TxResults[0]
}

// ExportAndImport exports the chain's state and boots a fresh app from it at the next
// height and the same clock, the way a chain restarts from an exported genesis.
func (c *TestChain) ExportAndImport() *TestChain {
	c.T.Helper()
	return c.exportAndImport(false)
}

// ExportZeroHeightAndImport is ExportAndImport through a zero-height export (the kind a
// chain upgrade by genesis uses): rewards withdrawn, heights reset.
func (c *TestChain) ExportZeroHeightAndImport() *TestChain {
	c.T.Helper()
	return c.exportAndImport(true)
}

func (c *TestChain) exportAndImport(zeroHeight bool) *TestChain {
	c.T.Helper()
	appState, height := c.export(zeroHeight)
	// A chain must be able to restart from its own export: it passes genesis validation
	// (each module's, then the cross-module checks InitChain runs too).
	var genesis app.GenesisState
	require.NoError(c.T, json.Unmarshal(appState, &genesis))
	require.NoError(c.T, c.App.BasicModuleManager.ValidateGenesis(c.App.AppCodec(), c.App.TxConfig(), genesis), "exported genesis does not validate")
	next, err := c.Import(appState, height)
	require.NoError(c.T, err)
	return next
}

// Export returns the chain's exported app state and the height it resumes at.
func (c *TestChain) Export() (json.RawMessage, int64) {
	c.T.Helper()
	return c.export(false)
}

func (c *TestChain) export(zeroHeight bool) (json.RawMessage, int64) {
	c.T.Helper()
	exported, err := c.App.ExportAppStateAndValidators(zeroHeight, nil, nil)
	require.NoError(c.T, err)
	return exported.AppState, exported.Height
}

// Import boots a fresh app from appState at height, with this chain's clock, validators
// and accounts. It returns InitChain's error (a refused genesis) rather than failing.
func (c *TestChain) Import(appState json.RawMessage, height int64) (*TestChain, error) {
	c.T.Helper()
	var genesis app.GenesisState
	if err := json.Unmarshal(appState, &genesis); err != nil {
		return nil, err
	}
	a, hook := newApp(c.T)
	next := &TestChain{
		T: c.T, App: a, Accounts: c.Accounts, Genesis: genesis, Time: c.Time, ValSet: c.ValSet,
		initialHeight: height, precommit: hook,
	}
	_, err := next.App.InitChain(&abci.RequestInitChain{
		ChainId:         ChainID,
		Time:            c.Time,
		ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes:   appState,
		InitialHeight:   height,
	})
	return next, err
}

// Events returns the typed events of type T in a block result.
func Events[T proto.Message](t testing.TB, res *abci.ResponseFinalizeBlock) []T {
	t.Helper()
	var out []T
	for _, ev := range res.Events {
		msg, err := sdk.ParseTypedEvent(withoutModeAttribute(ev))
		if err != nil {
			continue // not a typed event
		}
		if e, ok := msg.(T); ok {
			out = append(out, e)
		}
	}
	return out
}

// TxEvents returns the typed events of type T a transaction emitted.
func TxEvents[T proto.Message](t testing.TB, res *abci.ExecTxResult) []T {
	t.Helper()
	return Events[T](t, &abci.ResponseFinalizeBlock{Events: res.Events})
}

// withoutModeAttribute drops the "mode" attribute baseapp adds to block events, which is
// not a field of the typed event.
func withoutModeAttribute(ev abci.Event) abci.Event {
	attrs := make([]abci.EventAttribute, 0, len(ev.Attributes))
	for _, a := range ev.Attributes {
		if a.Key != "mode" {
			attrs = append(attrs, a)
		}
	}
	return abci.Event{Type: ev.Type, Attributes: attrs}
}
