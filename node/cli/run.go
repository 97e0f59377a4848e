package cli

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/node/reporter"
	"github.com/aegis-chain/aegis/node/status"
)

func runCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Report every chain day (and claim above the threshold) until stopped; serve metrics",
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
			r := &reporter.Reporter{
				Chain: client, Plan: newPlanner(cfg, home).Plan, State: state, Log: log,
				Operator: client.Operator, AutoClaimAbove: math.NewIntFromUint64(cfg.AutoClaimAbove),
				Metrics: metrics, Now: time.Now,
			}
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
			err = r.Run(ctx)
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
