package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/probe"
)

// ProbeResult is what `probe` prints.
type ProbeResult struct {
	Measurement probe.Measurement `json:"measurement"`
	Units       probe.Units       `json:"units"`
	// Roles is, per role of the chain, whether the machine meets its minimums.
	Roles RoleCheck `json:"roles"`
}

// measureMachine probes the machine as the daily report does and converts it to units.
func measureMachine(ctx context.Context, cfg config.Config, home string) (probe.Measurement, probe.Units, error) {
	opts, err := probeOptions(cfg, home)
	if err != nil {
		return probe.Measurement{}, probe.Units{}, err
	}
	m, err := probe.Probe(ctx, opts)
	if err != nil {
		return m, probe.Units{}, err
	}
	units, err := probe.Convert(m)
	return m, units, err
}

func probeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Measure this machine, show its compute, storage and bandwidth units and which roles' minimums it meets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := homeOf(cmd)
			cfg, err := config.Load(home)
			if err != nil {
				return err
			}
			if bw, _ := cmd.Flags().GetUint64("bandwidth-mbps"); bw > 0 {
				cfg.Probe.DeclaredBandwidthMbps = bw
			}
			m, units, err := measureMachine(cmd.Context(), cfg, home)
			if err != nil {
				return err
			}
			params, source := chainRoleParams(cmd.Context(), cfg.GRPC)
			res := ProbeResult{Measurement: m, Units: units, Roles: checkRoles(units, params, cfg.Roles, source)}
			return printOut(cmd, res, func(w io.Writer) {
				fmt.Fprintf(w, "cores %d (usable %d), compute %.0f tiles/s (kernel %s), RAM %.1f GiB\n", m.LogicalCores, m.UsableCores, m.ComputeTilesPerSecond, m.ComputeKernel, float64(m.RAMBytes)/(1<<30))
				fmt.Fprintf(w, "disk %s: %.0f GiB free of %.0f GiB, write %.0f MB/s, read %.0f MB/s\n", m.DataDir, float64(m.DiskFreeBytes)/(1<<30), float64(m.DiskTotalBytes)/(1<<30), m.DiskWriteMBps, m.DiskReadMBps)
				fmt.Fprintf(w, "bandwidth %.0f Mbit/s (%s)\n", m.BandwidthMbps, m.BandwidthSource)
				fmt.Fprintf(w, "units (conversion v%s): compute %d, storage %d, bandwidth %d\n", probe.ConversionVersion, units.Compute, units.Storage, units.Bandwidth)
				res.Roles.print(w)
			})
		},
	}
	cmd.Flags().StringP(flagOutput, "o", "text", "text or json")
	cmd.Flags().Uint64("bandwidth-mbps", 0, "declared bandwidth in Mbit/s (overrides config.toml)")
	return cmd
}
