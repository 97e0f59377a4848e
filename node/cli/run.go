package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/answerer"
	"github.com/aegis-chain/aegis/node/chain"
	"github.com/aegis-chain/aegis/node/dataset"
	"github.com/aegis-chain/aegis/node/reporter"
	"github.com/aegis-chain/aegis/node/status"
	"github.com/aegis-chain/aegis/x/por/compute"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func runCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Report every chain day, answer the node's challenges (and claim above the threshold) until stopped; serve metrics",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, client, err := connect(cmd)
			if err != nil {
				return err
			}
			defer client.Close()
			home := homeOf(cmd)
			state, err := reporter.LoadState(home)
			if err != nil {
				return err
			}
			log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), nil))
			metrics := reporter.NewMetrics()
			store := dataset.NewStore(datasetDir(home), client.Operator)
			// Compute challenges are answered with the kernel and on the cores the probe
			// measured (probeOptions sets no kernel: the reference one, on GOMAXPROCS
			// cores), for the reports declare 90% of the rate it measured.
			a := &answerer.Answerer{Chain: client, Datasets: store, Operator: client.Operator, Log: log,
				Metrics: answerer.NewMetrics(metrics.Registerer()), Now: time.Now,
				Kernel: compute.Reference{}, Workers: runtime.GOMAXPROCS(0)}
			// While a compute commitment computes (every core, due within its commit
			// window), the dataset builds pause and a re-probe waits for it.
			pl := newPlanner(cfg, home)
			stale := func() bool { _, fresh, _ := pl.cache.Current(time.Now()); return !fresh }
			r := &reporter.Reporter{
				Chain: client, Plan: yieldingPlan(pl.Plan, stale, a.ComputeBusy, log), State: state, Log: log,
				Operator: client.Operator, AutoClaimAbove: math.NewIntFromUint64(cfg.AutoClaimAbove),
				Metrics: metrics, Now: time.Now, Datasets: store, Busy: a.ComputeBusy,
			}
			store.Progress = r.BuildProgress
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var servers []*http.Server
			defer func() {
				shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				for _, s := range servers {
					_ = s.Shutdown(shutdown)
				}
			}()
			if cfg.Listen.Metrics != "" {
				mux := http.NewServeMux()
				mux.Handle("/metrics", metrics.Handler())
				s, err := serve(log, "metrics", cfg.Listen.Metrics, "/metrics", mux)
				if err != nil {
					return err
				}
				servers = append(servers, s)
			}
			if cfg.Listen.Status != "" {
				mux := http.NewServeMux()
				mux.Handle("/", &status.Page{Client: client, Home: home})
				s, err := serve(log, "status page", cfg.Listen.Status, "/", mux)
				if err != nil {
					return err
				}
				servers = append(servers, s)
			}
			log.Info("aegis-node running", "operator", cfg.Operator, "hot_key", client.HotAddr.String(), "chain_id", cfg.ChainID)
			answering := make(chan struct{})
			go func() { _ = a.Run(ctx); close(answering) }()
			go watchHotBalance(ctx, log, client, cfg.GasPrices)
			err = r.Run(ctx)
			<-answering
			log.Info("aegis-node stopped")
			return err
		},
	}
}

// probeWaitMax bounds how long a re-probe waits for compute commitments to end: the report
// it measures for is due the same day. A commitment gives up after its commit window
// (commit_seconds), so only a run of compute challenges could make it wait that long.
const probeWaitMax = 10 * time.Minute

// probeWaitPoll is how often a waiting re-probe looks whether the commitment has ended.
var probeWaitPoll = 250 * time.Millisecond

// yieldingPlan is plan, except that a re-probe — the measurement cached is stale, so plan
// probes the machine — waits while a compute challenge's commitment computes (busy), up to
// probeWaitMax: the probe would measure the cores the commitment takes (and declare less
// than the machine has), and slow the commitment, which is due within its commit window.
// A commitment that starts while a probe runs is not waited for: that would need the probe
// itself (node/probe, the planner) to pause or restart.
func yieldingPlan(plan reporter.Plan, stale, busy func() bool, log *slog.Logger) reporter.Plan {
	return func(ctx context.Context, roles []portypes.NodeRole) (portypes.Resources, []portypes.RolePart, error) {
		if stale() && busy() {
			start := time.Now()
			log.Info("the machine's measurement is due again; the probe waits for the compute challenge's commitment to end", "max_wait", probeWaitMax.String())
			for busy() && time.Since(start) < probeWaitMax {
				select {
				case <-ctx.Done():
					return portypes.Resources{}, nil, ctx.Err()
				case <-time.After(probeWaitPoll):
				}
			}
			log.Info("probing the machine again", "waited", time.Since(start).Round(time.Millisecond).String(), "commitment_ended", !busy())
		}
		return plan(ctx, roles)
	}
}

// datasetDir is where the node keeps its challenge datasets: next to the probe's files in
// the data directory, on the disk whose storage the reports declare.
func datasetDir(home string) string { return filepath.Join(home, "data", dataset.DirName) }

// serve listens on addr now — so a taken port is an error at start, not a line lost in the
// log — logs where (one line per server, with the URL to open), and serves in the background.
func serve(log *slog.Logger, what, addr, path string, h http.Handler) (*http.Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w (change [listen] in config.toml, or empty it to turn the %s off)", what, addr, err, what)
	}
	s := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	log.Info("serving "+what, "addr", l.Addr().String(), "url", "http://"+l.Addr().String()+path)
	go func() {
		if err := s.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("server stopped", "server", what, "addr", addr, "err", err)
		}
	}()
	return s, nil
}

// watchHotBalance warns, at start and then hourly, when the hot key is the node's reporter
// key (it pays its own fees) and its balance runs low.
func watchHotBalance(ctx context.Context, log *slog.Logger, client *chain.Client, gasPrices string) {
	denom := "uaegis"
	if coins, err := sdk.ParseDecCoins(gasPrices); err == nil && len(coins) > 0 {
		denom = coins[0].Denom
	}
	for {
		if native, err := client.Native(ctx); err == nil && native {
			if bal, err := client.HotBalance(ctx, denom); err == nil && bal.LT(chain.LowBalance) {
				log.Warn("the reporter key pays its own fees and runs low: send it some", "hot_key", client.HotAddr.String(),
					"balance", bal.String()+denom, "below", chain.LowBalance.String()+denom)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
