package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"

	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// The SDK's codes for a tx CometBFT refused before CheckTx (sdkerrors).
const (
	codeTxInMempoolCache = 19 // the same bytes are already in the mempool cache: accepted earlier
	codeMempoolIsFull    = 20 // retry the same bytes later: the sequence has not moved
)

// driveOpts say how txs are sent.
type driveOpts struct {
	workers    int           // concurrent BroadcastTx callers
	mempoolCap int           // pause while the mempool holds at least this many txs
	gap        time.Duration // least time between two txs of one index (0: none)
	// lastSent, if set, is shared across scenarios: when index i last had a tx accepted.
	lastSent []time.Time
}

// driveStats is what the sender saw (not what the chain included).
type driveStats struct {
	Accepted      int64            `json:"accepted"`         // CheckTx code 0
	MempoolFull   int64            `json:"mempool_full"`     // refused for a full mempool, retried
	Rejected      map[string]int64 `json:"rejected"`         // refused otherwise (the index stops)
	TransportErrs int64            `json:"transport_errors"` // gRPC errors, retried
	// ThrottledFrac is the share of worker time spent waiting for the mempool to drain
	// below the cap; IdleFrac the share spent with no tx allowed to go (every index of
	// the worker waiting out its gap, or out of pre-signed txs): a high IdleFrac means the
	// node pool, not the chain, limited the rate.
	ThrottledFrac float64 `json:"throttled_frac"`
	IdleFrac      float64 `json:"idle_frac"`
}

// mempoolWatch polls the mempool size.
type mempoolWatch struct {
	size atomic.Int64
}

func (m *mempoolWatch) run(ctx context.Context, rpc *cometRPC) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if n, err := rpc.mempoolSize(ctx); err == nil {
			m.size.Store(int64(n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// drive broadcasts txs[i][0], txs[i][1], ... for every index i in order (each only after
// the previous one of i passed CheckTx, so sequences stay in step) until ctx ends or every
// tx is accepted. Each worker owns the indices i ≡ w (mod workers) and takes them in turn.
func drive(ctx context.Context, conn *grpc.ClientConn, rpc *cometRPC, txs [][][]byte, o driveOpts) driveStats {
	svc := txtypes.NewServiceClient(conn)
	var mp mempoolWatch
	mctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go mp.run(mctx, rpc)

	var (
		st                 driveStats
		mu                 sync.Mutex
		wg                 sync.WaitGroup
		throttled, idle    atomic.Int64
		accepted, full, te atomic.Int64
	)
	st.Rejected = map[string]int64{}
	start := time.Now()
	for w := range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []int
			for i := w; i < len(txs); i += o.workers {
				mine = append(mine, i)
			}
			next := make([]int, len(mine)) // next tx of each index
			done := make([]bool, len(mine))
			left := len(mine)
			p := 0
			for left > 0 && ctx.Err() == nil {
				// Find the next index whose tx may go.
				now := time.Now()
				found := -1
				for range mine {
					j := p
					p = (p + 1) % len(mine)
					if done[j] {
						continue
					}
					if o.gap > 0 && o.lastSent != nil && now.Sub(o.lastSent[mine[j]]) < o.gap {
						continue
					}
					found = j
					break
				}
				if found < 0 {
					t := time.Now()
					sleep(ctx, 20*time.Millisecond)
					idle.Add(int64(time.Since(t)))
					continue
				}
				for int(mp.size.Load()) >= o.mempoolCap && ctx.Err() == nil {
					t := time.Now()
					sleep(ctx, 20*time.Millisecond)
					throttled.Add(int64(time.Since(t)))
				}
				if ctx.Err() != nil {
					break
				}
				i := mine[found]
				// Not cancelled by the end of the run: a tx the node accepts must be counted
				// (its sequence and its day's report are spent).
				cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				res, err := svc.BroadcastTx(cctx, &txtypes.BroadcastTxRequest{TxBytes: txs[i][next[found]], Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
				cancel()
				if err != nil {
					if ctx.Err() == nil {
						te.Add(1)
						sleep(ctx, 100*time.Millisecond)
					}
					continue
				}
				switch code := res.TxResponse.Code; code {
				case 0, codeTxInMempoolCache:
					accepted.Add(1)
					mp.size.Add(1)
					if o.lastSent != nil {
						o.lastSent[i] = time.Now()
					}
					next[found]++
					if next[found] == len(txs[i]) {
						done[found] = true
						left--
					}
				case codeMempoolIsFull:
					full.Add(1)
					sleep(ctx, 50*time.Millisecond)
				default:
					log := res.TxResponse.RawLog
					if len(log) > 100 {
						log = log[:100]
					}
					mu.Lock()
					st.Rejected[fmt.Sprintf("code %d: %s", code, strings.TrimSpace(log))]++
					mu.Unlock()
					done[found] = true
					left--
				}
			}
		}()
	}
	wg.Wait()
	total := float64(time.Since(start)) * float64(o.workers)
	st.Accepted, st.MempoolFull, st.TransportErrs = accepted.Load(), full.Load(), te.Load()
	if total > 0 {
		st.ThrottledFrac = float64(throttled.Load()) / total
		st.IdleFrac = float64(idle.Load()) / total
	}
	return st
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
