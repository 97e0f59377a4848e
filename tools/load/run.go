package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"

	"github.com/aegis-chain/aegis/node/chain"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// loadResults is what `run` writes: the chain it measured, the setup, and each scenario.
type loadResults struct {
	Chain     chainInfo        `json:"chain"`
	Setup     *scenarioResult  `json:"setup,omitempty"`
	Scenarios []scenarioResult `json:"scenarios"`
}

type chainInfo struct {
	ChainID        string  `json:"chain_id"`
	Nodes          int     `json:"nodes"`
	DaySeconds     uint64  `json:"day_seconds"`
	TimeoutCommit  string  `json:"timeout_commit"`
	Databases      string  `json:"databases,omitempty"` // the node's app-db-backend and db_backend (recorded only)
	Mempool        string  `json:"mempool"`
	MempoolCap     int     `json:"mempool_cap"`
	GasPrice       float64 `json:"gas_price"`
	GasAdjustment  float64 `json:"gas_adjustment"`
	Workers        int     `json:"workers"`
	ReportGapSecs  float64 `json:"report_gap_seconds"`
	BlockTimeProbe string  `json:"block_time_source"`
}

// scenarioResult is one measured scenario. Rates count what the chain included in the
// blocks committed during the window, from the blocks themselves.
type scenarioResult struct {
	Name        string `json:"name"`
	Run         int    `json:"run,omitempty"` // the nth run of Name in this invocation (bank runs between the others)
	Description string `json:"description"`
	Senders     int    `json:"senders"`
	TxsSigned   int    `json:"txs_signed"`
	GasSim      uint64 `json:"gas_simulated"`
	GasLimit    uint64 `json:"gas_limit"`
	Fee         string `json:"fee"`

	FromHeight    int64          `json:"from_height"` // the window is blocks (from, to]
	ToHeight      int64          `json:"to_height"`
	Blocks        int            `json:"blocks"`
	WindowSeconds float64        `json:"window_seconds"` // block time of to - block time of from
	TxsIncluded   int            `json:"txs_included"`
	TxsOK         int            `json:"txs_ok"`
	Failed        map[string]int `json:"failed,omitempty"`
	TxPerSec      float64        `json:"tx_per_sec"` // successful txs / window
	TxsPerBlock   float64        `json:"txs_per_block"`
	BlockInterval float64        `json:"block_interval_seconds"`
	GasUsedPerTx  float64        `json:"gas_used_per_tx"`
	// Block processing (FinalizeBlock) time from cometbft_state_block_processing_time.
	ProcMsPerBlock float64 `json:"proc_ms_per_block"` // -1: not measured
	ProcMsPerTx    float64 `json:"proc_ms_per_tx"`

	Sender     driveStats `json:"sender"`
	LoadBefore string     `json:"loadavg_before"`
	LoadAfter  string     `json:"loadavg_after"`
	OtherNodes int        `json:"other_aegisd_processes"`
	Started    time.Time  `json:"started"`
}

// defaultScenarios brackets each report scenario with bank runs: the chain slows as its state
// and databases grow over the run, so a scenario is compared with the bank runs just before
// and after it rather than with one run minutes earlier.
const defaultScenarios = "bank,report,bank,exec,bank,reporter,bank"

// Label names a run in the tables: "bank", then "bank (2)", "bank (3)", ...
func (s scenarioResult) Label() string {
	if s.Run > 1 {
		return fmt.Sprintf("%s (%d)", s.Name, s.Run)
	}
	return s.Name
}

type runFlags struct {
	grpcAddr, rpcAddr, metricsURL, chainID, out, scenarios, timeoutCommit, pprofURL, databases string
	nodes, workers, mempoolCap                                                                 int
	duration, warmup, margin                                                                   time.Duration
	gasPrice, gasAdj, maxRate                                                                  float64
}

func cmdRun(args []string) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	fs.StringVar(&f.grpcAddr, "grpc", "127.0.0.1:10090", "the chain's gRPC address")
	fs.StringVar(&f.rpcAddr, "rpc", "http://127.0.0.1:27657", "the chain's CometBFT RPC")
	fs.StringVar(&f.metricsURL, "metrics", "http://127.0.0.1:27660/metrics", "CometBFT's Prometheus endpoint (\"\": none)")
	fs.StringVar(&f.chainID, "chain-id", "aegis-load-1", "chain id")
	fs.StringVar(&f.out, "out", "build/bench/load.json", "results file")
	fs.StringVar(&f.scenarios, "scenarios", defaultScenarios, "scenarios to run, in order; a name may repeat (the ratios divide by the bank runs around each scenario)")
	fs.StringVar(&f.timeoutCommit, "timeout-commit", "1s", "the node's timeout_commit (recorded only)")
	fs.StringVar(&f.databases, "databases", "", "the node's databases, e.g. \"application state in pebbledb, CometBFT's in goleveldb\" (recorded only)")
	fs.StringVar(&f.pprofURL, "pprof", "", "the node's pprof address (http://127.0.0.1:27661): take a CPU profile in each window, next to -out as profile-<scenario>[-<run>].pb.gz")
	fs.IntVar(&f.nodes, "nodes", 30000, "funded keys / resource nodes (as given to `genesis`)")
	fs.IntVar(&f.workers, "workers", 32, "concurrent broadcasters")
	fs.IntVar(&f.mempoolCap, "mempool-cap", 2000, "pause sending while the mempool holds this many txs (CometBFT's default size is 5000; a few blocks' worth keeps the chain busy and inclusion within the margin)")
	fs.DurationVar(&f.duration, "duration", 45*time.Second, "measurement window per scenario")
	fs.DurationVar(&f.warmup, "warmup", 10*time.Second, "load before the window opens")
	fs.DurationVar(&f.margin, "inclusion-margin", 6*time.Second, "longest expected broadcast-to-block delay (a node's next report waits day_seconds + this)")
	fs.Float64Var(&f.gasPrice, "gas-price", 0.025, "uaegis per gas")
	fs.Float64Var(&f.gasAdj, "gas-adjustment", 1.5, "gas limit = simulated gas × this")
	fs.Float64Var(&f.maxRate, "max-rate", 1500, "bank sends signed per second of load (bounds the pre-signing)")
	_ = fs.Parse(args)

	ctx := context.Background()
	enc, err := chain.NewEncoding()
	if err != nil {
		return err
	}
	conn, err := grpc.NewClient(f.grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(enc.Registry).GRPCCodec()),
			grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		return err
	}
	defer conn.Close()
	rpc := newCometRPC(f.rpcAddr, f.metricsURL)
	ep, err := emissiontypes.NewQueryClient(conn).Params(ctx, &emissiontypes.QueryParamsRequest{})
	if err != nil {
		return fmt.Errorf("emission params (is the chain up at %s?): %w", f.grpcAddr, err)
	}
	day := time.Duration(ep.Params.DaySeconds) * time.Second
	s := &signer{enc: enc, chainID: f.chainID, denom: ep.Params.Denom, gasPrice: f.gasPrice}
	res := &loadResults{Chain: chainInfo{ChainID: f.chainID, Nodes: f.nodes, DaySeconds: ep.Params.DaySeconds,
		TimeoutCommit: f.timeoutCommit, Databases: f.databases, Mempool: "CometBFT flood mempool, default size 5000, recheck on; app-side mempool off (max-txs -1)",
		MempoolCap: f.mempoolCap, GasPrice: f.gasPrice, GasAdjustment: f.gasAdj, Workers: f.workers,
		ReportGapSecs: (day + f.margin).Seconds(), BlockTimeProbe: "cometbft_state_block_processing_time (FinalizeBlock), Prometheus"}}
	if prev, err := os.ReadFile(f.out); err == nil {
		_ = json.Unmarshal(prev, res) // keep the setup's results when it does not run again
		res.Chain.Nodes = f.nodes
	}
	// The scenarios of this run replace those of an earlier one: a ratio compares a scenario
	// with the bank runs next to it, on the same chain at the same time.
	res.Scenarios = nil

	nodes := make([]*account, f.nodes)
	hots := make([]*account, f.nodes)
	for i := range nodes {
		nodes[i] = &account{key: nodeKey(i)}
		nodes[i].addr = addrOf(nodes[i].key)
		hots[i] = &account{key: hotKey(i)}
		hots[i].addr = addrOf(hots[i].key)
	}
	if err := loadAccounts(ctx, conn, enc, nodes); err != nil {
		return fmt.Errorf("the load keys are not funded (run `load genesis` before the chain starts): %w", err)
	}
	d := &driver{f: f, conn: conn, rpc: rpc, s: s, lastSent: make([]time.Time, f.nodes)}

	// Setup: every node registers in its role and authorizes its hot key (report grant and
	// fee allowance), in one tx per node, unless the last node is registered already.
	last := nodes[f.nodes-1].addr.String()
	if _, err := portypes.NewQueryClient(conn).Node(ctx, &portypes.QueryNodeRequest{Operator: last}); err != nil {
		fmt.Printf("setup: registering %d nodes\n", f.nodes)
		r, err := d.setup(ctx, nodes, hots)
		if err != nil {
			return err
		}
		res.Setup = r
		if err := save(f.out, res); err != nil {
			return err
		}
	}
	if err := loadAccounts(ctx, conn, enc, append(append([]*account{}, nodes...), hots...)); err != nil {
		return fmt.Errorf("hot keys (their fee allowances create them at setup): %w", err)
	}
	// A hot key's first tx also stores its public key, once in the node's life; a node
	// that has reported for a day has paid it. So that the exec and reporter scenarios
	// time the daily report and not that first signature, every hot key signs a tx first.
	if hots[f.nodes-1].seq == 0 {
		fmt.Printf("setup: a first tx from each of %d hot keys\n", f.nodes)
		if err := d.warmHotKeys(ctx, nodes, hots); err != nil {
			return err
		}
		if err := loadAccounts(ctx, conn, enc, hots); err != nil {
			return err
		}
	}

	runs := map[string]int{}
	for _, name := range strings.Split(f.scenarios, ",") {
		var r *scenarioResult
		d.run = runs[name] + 1
		switch name {
		case "bank":
			r, err = d.bank(ctx, nodes)
		case "report", "exec", "reporter":
			r, err = d.reports(ctx, nodes, hots, name)
		default:
			err = fmt.Errorf("unknown scenario %q", name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r.Run, runs[name] = d.run, d.run
		res.Scenarios = append(res.Scenarios, *r)
		if err := save(f.out, res); err != nil {
			return err
		}
		fmt.Printf("%-7s %7.1f tx/s included (%d ok, %d failed in %d blocks over %.1fs), %.2f ms/tx FinalizeBlock, %.0f txs/block\n",
			r.Name, r.TxPerSec, r.TxsOK, r.TxsIncluded-r.TxsOK, r.Blocks, r.WindowSeconds, r.ProcMsPerTx, r.TxsPerBlock)
		// The next scenario signs at the sequences the chain has now.
		if err := loadAccounts(ctx, conn, enc, append(append([]*account{}, nodes...), hots...)); err != nil {
			return err
		}
	}
	return nil
}

func save(path string, v any) error {
	bz, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(bz, '\n'), 0o644)
}

type driver struct {
	f        runFlags
	conn     *grpc.ClientConn
	rpc      *cometRPC
	s        *signer
	lastSent []time.Time // per node: when its last report was accepted
	run      int         // the scenario's run number (see scenarioResult.Run)
}

func (d *driver) gasLimit(sim uint64) uint64 { return uint64(math.Ceil(float64(sim) * d.f.gasAdj)) }

func (d *driver) setup(ctx context.Context, nodes, hots []*account) (*scenarioResult, error) {
	msgs := func(i int) []sdk.Msg {
		op, hot := nodes[i].addr, hots[i].addr
		grant, err := authz.NewMsgGrant(op, hot, authz.NewGenericAuthorization(sdk.MsgTypeURL(&portypes.MsgSubmitReport{})), nil)
		if err != nil {
			panic(err)
		}
		allowance, err := feegrant.NewAllowedMsgAllowance(&feegrant.BasicAllowance{}, []string{sdk.MsgTypeURL(&authz.MsgExec{})})
		if err != nil {
			panic(err)
		}
		fg, err := feegrant.NewMsgGrantAllowance(allowance, op, hot)
		if err != nil {
			panic(err)
		}
		// The hot key is also the node's reporter key, funded for its own fees.
		reg := &portypes.MsgRegisterNode{Operator: op.String(), Moniker: fmt.Sprintf("load-%d", i),
			Roles: []portypes.NodeRole{nodeRole(i)}, Stake: sdk.NewInt64Coin(d.s.denom, 10_000_000_000), Reporter: hot.String()}
		fund := banktypes.NewMsgSend(op, hot, sdk.NewCoins(sdk.NewInt64Coin(d.s.denom, 1_000_000_000)))
		return []sdk.Msg{reg, grant, fg, fund}
	}
	sim, err := d.s.simulate(ctx, d.conn, nodes[0], nil, msgs(0)...)
	if err != nil {
		return nil, err
	}
	gas := d.gasLimit(sim)
	txs, err := d.s.signAll(len(nodes), 1, gas, func(i int) (*account, sdk.AccAddress, []sdk.Msg) { return nodes[i], nil, msgs(i) })
	if err != nil {
		return nil, err
	}
	r := &scenarioResult{Name: "setup", Description: "MsgRegisterNode (one role, 10,000 AEGIS, the hot key as reporter) + authz MsgGrant (MsgSubmitReport) + feegrant MsgGrantAllowance (MsgExec only) + 1,000 AEGIS to the hot key, one tx per node",
		Senders: len(nodes), TxsSigned: len(nodes), GasSim: sim, GasLimit: gas, Fee: d.s.fee(gas).String()}
	// Everything goes; the window is every block from the first to the last tx.
	err = d.measure(ctx, r, txs, driveOpts{workers: d.f.workers, mempoolCap: d.f.mempoolCap}, 0, 0)
	return r, err
}

// warmHotKeys has each hot key send 1 uaegis back to its operator (untimed).
func (d *driver) warmHotKeys(ctx context.Context, nodes, hots []*account) error {
	msgs := func(i int) []sdk.Msg {
		return []sdk.Msg{banktypes.NewMsgSend(hots[i].addr, nodes[i].addr, sdk.NewCoins(sdk.NewInt64Coin(d.s.denom, 1)))}
	}
	sim, err := d.s.simulate(ctx, d.conn, hots[0], nil, msgs(0)...)
	if err != nil {
		return err
	}
	gas := d.gasLimit(sim)
	txs, err := d.s.signAll(len(hots), 1, gas, func(i int) (*account, sdk.AccAddress, []sdk.Msg) { return hots[i], nil, msgs(i) })
	if err != nil {
		return err
	}
	r := &scenarioResult{Name: "warm", Senders: len(hots), TxsSigned: len(hots), GasSim: sim, GasLimit: gas}
	return d.measure(ctx, r, txs, driveOpts{workers: d.f.workers, mempoolCap: d.f.mempoolCap}, 0, 0)
}

func (d *driver) bank(ctx context.Context, nodes []*account) (*scenarioResult, error) {
	n := len(nodes)
	msgs := func(i int) []sdk.Msg {
		return []sdk.Msg{banktypes.NewMsgSend(nodes[i].addr, nodes[(i+1)%n].addr, sdk.NewCoins(sdk.NewInt64Coin(d.s.denom, 1)))}
	}
	sim, err := d.s.simulate(ctx, d.conn, nodes[0], nil, msgs(0)...)
	if err != nil {
		return nil, err
	}
	gas := d.gasLimit(sim)
	per := int(math.Ceil(d.f.maxRate * (d.f.warmup + d.f.duration + 5*time.Second).Seconds() / float64(n)))
	txs, err := d.s.signAll(n, per, gas, func(i int) (*account, sdk.AccAddress, []sdk.Msg) { return nodes[i], nil, msgs(i) })
	if err != nil {
		return nil, err
	}
	r := &scenarioResult{Name: "bank", Description: "bank MsgSend of 1 uaegis, signed by the sender",
		Senders: n, TxsSigned: n * per, GasSim: sim, GasLimit: gas, Fee: d.s.fee(gas).String()}
	return r, d.measure(ctx, r, txs, driveOpts{workers: d.f.workers, mempoolCap: d.f.mempoolCap}, d.f.warmup, d.f.duration)
}

// reports sends every node's report: signed by the operator (report), by its hot key in an
// authz MsgExec paid by the operator's fee allowance (exec), or by its hot key as the
// node's reporter key, naming itself as operator and paying its own fee (reporter). A
// node's next report waits day_seconds + the inclusion margin after its last, so no two
// land in one day.
func (d *driver) reports(ctx context.Context, nodes, hots []*account, mode string) (*scenarioResult, error) {
	n := len(nodes)
	build := func(i int) (*account, sdk.AccAddress, []sdk.Msg) {
		switch mode {
		case "exec":
			e := authz.NewMsgExec(hots[i].addr, []sdk.Msg{reportMsg(nodes[i].addr, nodeRole(i))})
			return hots[i], nodes[i].addr, []sdk.Msg{&e}
		case "reporter":
			return hots[i], nil, []sdk.Msg{reportMsg(hots[i].addr, nodeRole(i))}
		}
		return nodes[i], nil, []sdk.Msg{reportMsg(nodes[i].addr, nodeRole(i))}
	}
	gap := time.Duration(d.rpcDaySeconds(ctx))*time.Second + d.f.margin
	// Simulate with the node whose last report is oldest, once it may report again.
	oldest := 0
	for i := range d.lastSent {
		if d.lastSent[i].Before(d.lastSent[oldest]) {
			oldest = i
		}
	}
	sleep(ctx, time.Until(d.lastSent[oldest].Add(gap)))
	acc, granter, msgs := build(oldest)
	sim, err := d.s.simulate(ctx, d.conn, acc, granter, msgs...)
	if err != nil {
		return nil, err
	}
	gas := d.gasLimit(sim)
	per := int(math.Ceil((d.f.warmup+d.f.duration).Seconds()/gap.Seconds())) + 1
	txs, err := d.s.signAll(n, per, gas, build)
	if err != nil {
		return nil, err
	}
	r := &scenarioResult{Name: mode, Description: map[string]string{
		"report":   "MsgSubmitReport (one role part) signed by the operator",
		"exec":     "the same report in an authz MsgExec signed by the node's hot key, fee paid by the operator's feegrant (aegis-node init --authz)",
		"reporter": "the same report signed by the node's reporter key (MsgSetReporter), which pays its own fee (as aegis-node sends it by default)",
	}[mode], Senders: n, TxsSigned: n * per, GasSim: sim, GasLimit: gas, Fee: d.s.fee(gas).String()}
	return r, d.measure(ctx, r, txs, driveOpts{workers: d.f.workers, mempoolCap: d.f.mempoolCap, gap: gap, lastSent: d.lastSent}, d.f.warmup, d.f.duration)
}

func (d *driver) rpcDaySeconds(ctx context.Context) uint64 {
	ep, err := emissiontypes.NewQueryClient(d.conn).Params(ctx, &emissiontypes.QueryParamsRequest{})
	if err != nil {
		return 0
	}
	return ep.Params.DaySeconds
}

// measure sends txs and fills in r from the blocks committed during the window: after
// warmup, for duration. With duration 0 it sends everything and the window is every
// block until the mempool is empty.
func (d *driver) measure(ctx context.Context, r *scenarioResult, txs [][][]byte, o driveOpts, warmup, duration time.Duration) error {
	r.Started = time.Now().UTC()
	r.LoadBefore, r.OtherNodes = loadavg(), otherNodes()
	const metric = "cometbft_state_block_processing_time"
	sendCtx, stop := context.WithCancel(ctx)
	defer stop()
	statsCh := make(chan driveStats, 1)
	var from, to int64
	var h0, h1 histogram
	var okMetrics bool
	if duration == 0 {
		var err error
		if from, err = d.rpc.height(ctx); err != nil {
			return err
		}
		h0, okMetrics = d.rpc.scrape(ctx, metric)
		go func() { statsCh <- drive(sendCtx, d.conn, d.rpc, txs, o) }()
		r.Sender = <-statsCh
		if err := d.drain(ctx); err != nil {
			return err
		}
		if to, err = d.rpc.height(ctx); err != nil {
			return err
		}
		var ok1 bool
		h1, ok1 = d.rpc.scrape(ctx, metric)
		okMetrics = okMetrics && ok1
	} else {
		go func() { statsCh <- drive(sendCtx, d.conn, d.rpc, txs, o) }()
		sleep(ctx, warmup)
		var err error
		if from, h0, okMetrics, err = d.nextBlock(ctx, metric); err != nil {
			return err
		}
		profDone := d.profile(ctx, r.Name, duration)
		sleep(ctx, duration)
		<-profDone
		var ok1 bool
		if to, h1, ok1, err = d.nextBlock(ctx, metric); err != nil {
			return err
		}
		okMetrics = okMetrics && ok1
		stop()
		r.Sender = <-statsCh
		if err := d.drain(ctx); err != nil {
			return err
		}
	}
	r.LoadAfter = loadavg()
	return d.fillWindow(ctx, r, from, to, h0, h1, okMetrics)
}

// profile takes a CPU profile of the node over most of the window, if asked to; the
// channel closes when it is written.
func (d *driver) profile(ctx context.Context, name string, window time.Duration) <-chan struct{} {
	done := make(chan struct{})
	secs := int((window - 5*time.Second).Seconds())
	if d.f.pprofURL == "" || secs < 5 {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		file := "profile-" + name
		if d.run > 1 {
			file += fmt.Sprintf("-%d", d.run)
		}
		path := filepath.Join(filepath.Dir(d.f.out), file+".pb.gz")
		url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", strings.TrimRight(d.f.pprofURL, "/"), secs)
		res, err := http.Get(url)
		if err != nil {
			fmt.Fprintf(os.Stderr, "profile %s: %v\n", name, err)
			return
		}
		defer res.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "profile %s: %v\n", name, err)
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, res.Body); err != nil {
			fmt.Fprintf(os.Stderr, "profile %s: %v\n", name, err)
		}
	}()
	return done
}

// nextBlock waits for a new block and returns its height and the metric right after it.
func (d *driver) nextBlock(ctx context.Context, metric string) (int64, histogram, bool, error) {
	h, err := d.rpc.height(ctx)
	if err != nil {
		return 0, histogram{}, false, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		h2, err := d.rpc.height(ctx)
		if err == nil && h2 > h {
			m, ok := d.rpc.scrape(ctx, metric)
			return h2, m, ok, nil
		}
		sleep(ctx, 25*time.Millisecond)
	}
	return 0, histogram{}, false, errors.New("no block for 60 s")
}

// drain waits until the mempool is empty and one more block has been committed.
func (d *driver) drain(ctx context.Context) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if n, err := d.rpc.mempoolSize(ctx); err == nil && n == 0 {
			_, _, _, err := d.nextBlock(ctx, "")
			return err
		}
		sleep(ctx, 200*time.Millisecond)
	}
	return errors.New("the mempool did not drain in 3 minutes")
}

func (d *driver) fillWindow(ctx context.Context, r *scenarioResult, from, to int64, h0, h1 histogram, okMetrics bool) error {
	first, err := d.rpc.block(ctx, from)
	if err != nil {
		return err
	}
	r.FromHeight, r.ToHeight, r.Blocks = from, to, int(to-from)
	r.Failed = map[string]int{}
	var gas int64
	lastTime := first.Time
	for h := from + 1; h <= to; h++ {
		b, err := d.rpc.block(ctx, h)
		if err != nil {
			return err
		}
		r.TxsIncluded += b.Txs
		r.TxsOK += b.OK
		gas += b.GasUsed
		for k, v := range b.Failed {
			r.Failed[k] += v
		}
		lastTime = b.Time
	}
	r.WindowSeconds = lastTime.Sub(first.Time).Seconds()
	if r.WindowSeconds > 0 {
		r.TxPerSec = float64(r.TxsOK) / r.WindowSeconds
	}
	if r.Blocks > 0 {
		r.TxsPerBlock = float64(r.TxsIncluded) / float64(r.Blocks)
		r.BlockInterval = r.WindowSeconds / float64(r.Blocks)
	}
	if r.TxsIncluded > 0 {
		r.GasUsedPerTx = float64(gas) / float64(r.TxsIncluded)
	}
	r.ProcMsPerBlock, r.ProcMsPerTx = -1, -1
	if okMetrics && h1.Count > h0.Count {
		r.ProcMsPerBlock = (h1.Sum - h0.Sum) / (h1.Count - h0.Count)
		if r.TxsIncluded > 0 {
			r.ProcMsPerTx = (h1.Sum - h0.Sum) / float64(r.TxsIncluded)
		}
	}
	return nil
}
