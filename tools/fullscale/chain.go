package main

import (
	"fmt"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
)

// appOptions is the app.toml stand-in of an in-process app.
type appOptions map[string]any

func (o appOptions) Get(k string) any { return o[k] }

// chain is an in-process app driven block by block with a controlled clock, as
// testutil.TestChain is, without a testing.TB.
type chain struct {
	app    *app.App
	height int64 // last committed height
	time   time.Time
	votes  []abci.VoteInfo
}

func newChain(db dbm.DB, home, chainID string, opts ...func(*baseapp.BaseApp)) (*chain, error) {
	a, err := app.New(log.NewNopLogger(), db, true, appOptions{flags.FlagHome: home}, append([]func(*baseapp.BaseApp){baseapp.SetChainID(chainID)}, opts...)...)
	if err != nil {
		return nil, err
	}
	return &chain{app: a}, nil
}

// block finalizes and commits the block after the last one at time t with no txs, and
// returns the FinalizeBlock response and how long FinalizeBlock + Commit took.
func (c *chain) block(t time.Time) (*abci.ResponseFinalizeBlock, time.Duration, error) {
	height := c.height + 1
	start := time.Now()
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height:            height,
		Time:              t,
		DecidedLastCommit: abci.CommitInfo{Round: 0, Votes: c.votes},
	})
	if err != nil {
		return nil, 0, fmt.Errorf("finalizing block %d: %w", height, err)
	}
	for i, r := range res.TxResults {
		if r.Code != 0 {
			return nil, 0, fmt.Errorf("block %d tx %d: %s", height, i, r.Log)
		}
	}
	if _, err := c.app.Commit(); err != nil {
		return nil, 0, fmt.Errorf("committing block %d: %w", height, err)
	}
	took := time.Since(start)
	c.height, c.time = height, t
	return res, took, nil
}

// context is a context that writes straight into the committed stores (no cache
// branch: a cache over hundreds of thousands of writes makes every iterator slow); the
// next block's Commit persists what it wrote. It is at the next block's height and t.
func (c *chain) context(t time.Time) sdk.Context {
	return c.app.NewUncachedContext(false, cmtproto.Header{ChainID: c.app.ChainID(), Height: c.height + 1, Time: t})
}
