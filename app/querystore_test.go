package app_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
)

// TestQueriesReadTheLatestCommit: queries go through app's queryStore, which keeps the
// latest version and its stores between commits. Each query without a height must read
// the state of the last commit, block after block, and an older height its own state.
func TestQueriesReadTheLatestCommit(t *testing.T) {
	c := testutil.NewTestChain(t, 2, nil)
	from, to := c.Accounts[0], c.Accounts[1]
	balanceAt := func(height int64) (int64, math.Int) {
		ctx, err := c.App.CreateQueryContext(height, false)
		require.NoError(t, err)
		return ctx.BlockHeight(), c.App.BankKeeper.GetBalance(ctx, to.Address, app.BondDenom).Amount
	}
	want := map[int64]math.Int{}
	for i := 0; i < 5; i++ {
		res := c.DeliverMsgs(time.Second, from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1000))))
		require.Zero(t, res.Code, res.Log)
		latest := c.App.LastBlockHeight()
		want[latest] = c.App.BankKeeper.GetBalance(c.Context(), to.Address, app.BondDenom).Amount
		for range 3 { // the kept answer, asked again
			height, got := balanceAt(0)
			require.Equal(t, latest, height)
			require.Equal(t, want[latest].String(), got.String(), "latest query after block %d", latest)
		}
	}
	for height, amount := range want {
		h, got := balanceAt(height)
		require.Equal(t, height, h)
		require.Equal(t, amount.String(), got.String(), "query at height %d", height)
	}
}

// TestQueriesDuringCommits: queries running while blocks commit (as gRPC clients do) never
// read a state other than the one of the height they were given, and fail only by the
// SDK's own race (CreateQueryContext reading the check and finalize states across a Commit:
// "context did not contain latest block height", which the query gate asks again). Run it
// with -race as well.
func TestQueriesDuringCommits(t *testing.T) {
	c := testutil.NewTestChain(t, 2, nil)
	from, to := c.Accounts[0], c.Accounts[1]
	var balances sync.Map // height -> balance of `to` committed at that height
	record := func() {
		balances.Store(c.App.LastBlockHeight(), c.App.BankKeeper.GetBalance(c.Context(), to.Address, app.BondDenom).Amount.String())
	}
	record()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var queries, raced atomic.Int64
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				ctx, err := c.App.CreateQueryContext(0, false)
				if errors.Is(err, sdkerrors.ErrInvalidHeight) && strings.Contains(err.Error(), "did not contain latest block height") {
					raced.Add(1)
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				got := c.App.BankKeeper.GetBalance(ctx, to.Address, app.BondDenom).Amount.String()
				if want, ok := balances.Load(ctx.BlockHeight()); ok && want.(string) != got {
					errs <- &mismatch{height: ctx.BlockHeight(), want: want.(string), got: got}
					return
				}
				queries.Add(1)
			}
		}()
	}
	for i := 0; i < 30; i++ {
		res := c.DeliverMsgs(time.Second, from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
		require.Zero(t, res.Code, res.Log)
		record()
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Positive(t, queries.Load())
	require.Less(t, raced.Load(), queries.Load()/100+1, "the SDK's commit race is rare")
	t.Logf("%d queries, %d refused by the SDK's commit race", queries.Load(), raced.Load())
}

type mismatch struct {
	height    int64
	want, got string
}

func (m *mismatch) Error() string {
	return fmt.Sprintf("height %d: balance %s, committed %s", m.height, m.got, m.want)
}
