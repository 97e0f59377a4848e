package main

import (
	"context"
	"flag"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/aegis-chain/aegis/node/chain"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

type queryResults struct {
	Clients int           `json:"clients"`
	Note    string        `json:"note"`
	Runs    []queryResult `json:"runs"`
}

type queryResult struct {
	Method   string  `json:"method"`
	Clients  int     `json:"clients"`
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	FirstErr string  `json:"first_error,omitempty"`
	PerSec   float64 `json:"per_sec"`
	P50ms    float64 `json:"p50_ms"`
	P90ms    float64 `json:"p90_ms"`
	P99ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
	Load     string  `json:"loadavg_after"`
}

// cmdQuery runs clients concurrent gRPC clients (each its own connection) for duration
// per query method, one method at a time, each client calling back to back.
func cmdQuery(args []string) error {
	fs := flag.NewFlagSet("query", flag.ExitOnError)
	addr := fs.String("grpc", "127.0.0.1:10090", "the chain's gRPC address")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 30*time.Second, "per method")
	baseline := fs.Duration("baseline", 5*time.Second, "per method, a run of one client alone (the service time without queueing; 0: none)")
	node := fs.Int("node", 0, "index of the load node whose rewards are queried")
	out := fs.String("out", "build/bench/query.json", "results file")
	_ = fs.Parse(args)

	enc, err := chain.NewEncoding()
	if err != nil {
		return err
	}
	conns := make([]*grpc.ClientConn, *clients)
	for i := range conns {
		if conns[i], err = grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(enc.Registry).GRPCCodec()))); err != nil {
			return err
		}
		defer conns[i].Close()
	}
	op := addrOf(nodeKey(*node)).String()
	methods := []struct {
		name string
		call func(ctx context.Context, c *grpc.ClientConn) error
	}{
		{"aegis.por.v1.Query/Rewards", func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := portypes.NewQueryClient(c).Rewards(ctx, &portypes.QueryRewardsRequest{Operator: op})
			return err
		}},
		{"aegis.por.v1.Query/Estimate", func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := portypes.NewQueryClient(c).Estimate(ctx, &portypes.QueryEstimateRequest{Role: portypes.NODE_ROLE_WORKER,
				Compute: 150, Storage: 100, Bandwidth: 80})
			return err
		}},
		{"aegis.emission.v1.Query/Status", func(ctx context.Context, c *grpc.ClientConn) error {
			_, err := emissiontypes.NewQueryClient(c).Status(ctx, &emissiontypes.QueryStatusRequest{})
			return err
		}},
	}
	res := queryResults{Clients: *clients, Note: fmt.Sprintf("%d clients, each its own gRPC connection calling back to back (closed loop), for %s per method, one method at a time, then one client alone for %s; Rewards of load node %d (one role, reported); the chain producing empty blocks, no tx load", *clients, *duration, *baseline, *node)}
	for _, m := range methods {
		// Every connection up and the method answering before the clock starts.
		for _, c := range conns {
			if err := m.call(context.Background(), c); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		for _, run := range []struct {
			conns []*grpc.ClientConn
			d     time.Duration
		}{{conns, *duration}, {conns[:1], *baseline}} {
			if run.d <= 0 {
				continue
			}
			r := loadOne(run.conns, run.d, m.call)
			r.Method, r.Clients = m.name, len(run.conns)
			res.Runs = append(res.Runs, r)
			fmt.Printf("%-32s %2d clients %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d errors)\n", r.Method, r.Clients, r.PerSec, r.P50ms, r.P99ms, r.Errors)
		}
	}
	return save(*out, res)
}

func loadOne(conns []*grpc.ClientConn, d time.Duration, call func(context.Context, *grpc.ClientConn) error) queryResult {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		all      []time.Duration
		errs     int
		firstErr string
	)
	start := time.Now()
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			e := 0
			var fe string
			for ctx.Err() == nil {
				t := time.Now()
				err := call(context.Background(), c)
				if ctx.Err() != nil && time.Since(start) > d {
					break // the call straddled the end of the run: not counted
				}
				if err != nil {
					e++
					if fe == "" {
						fe = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all = append(all, lat...)
			errs += e
			if firstErr == "" {
				firstErr = fe
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	s := summarize(all)
	return queryResult{Seconds: el.Seconds(), Requests: len(all), Errors: errs, FirstErr: firstErr,
		PerSec: float64(len(all)) / el.Seconds(), P50ms: s.P50, P90ms: s.P90, P99ms: s.P99, MaxMs: s.Max, Load: loadavg()}
}
