package cli

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
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
			r := &reporter.Reporter{
				Chain: client, Plan: newPlanner(cfg, home).Plan, State: state, Log: log,
				Operator: client.Operator, AutoClaimAbove: math.NewIntFromUint64(cfg.AutoClaimAbove),
				Metrics: metrics, Now: time.Now, Dataset: store,
			}
			a := &answerer.Answerer{Chain: client, Datasets: store, Operator: client.Operator, Log: log,
				Metrics: answerer.NewMetrics(metrics.Registerer()), Now: time.Now}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var servers []*http.Server
			if cfg.Listen.Metrics != "" {
				mux := http.NewServeMux()
				mux.Handle("/metrics", metrics.Handler())
				servers = append(servers, serve(log, cfg.Listen.Metrics, mux))
			}
			if cfg.Listen.Status != "" {
				mux := http.NewServeMux()
				mux.Handle("/", &status.Page{Client: client, Home: home})
				servers = append(servers, serve(log, cfg.Listen.Status, mux))
			}
			log.Info("aegis-node running", "operator", cfg.Operator, "hot_key", client.HotAddr.String(), "chain_id", cfg.ChainID)
			answering := make(chan struct{})
			go func() { _ = a.Run(ctx); close(answering) }()
			go watchHotBalance(ctx, log, client, cfg.GasPrices)
			err = r.Run(ctx)
			<-answering
			shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			for _, s := range servers {
				_ = s.Shutdown(shutdown)
			}
			log.Info("aegis-node stopped")
			return err
		},
	}
}

// datasetDir is where the node keeps its challenge dataset: next to the probe's files in
// the data directory, on the disk whose storage the reports declare.
func datasetDir(home string) string { return filepath.Join(home, "data", dataset.DirName) }

// serve starts an HTTP server in the background.
func serve(log *slog.Logger, addr string, h http.Handler) *http.Server {
	s := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("server stopped", "addr", addr, "err", err)
		}
	}()
	return s
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
