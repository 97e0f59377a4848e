package cli

import (
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
}

func probeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "probe",
		Short: "Measure this machine and show its compute, storage and bandwidth units",
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
			opts, err := probeOptions(cfg, home)
			if err != nil {
				return err
			}
			m, err := probe.Probe(cmd.Context(), opts)
			if err != nil {
				return err
			}
			units, err := probe.Convert(m)
			if err != nil {
				return err
			}
			res := ProbeResult{Measurement: m, Units: units}
			return printOut(cmd, res, func(w io.Writer) {
				fmt.Fprintf(w, "cores %d (usable %d), SHA-256 %.0f MB/s, RAM %.1f GiB\n", m.LogicalCores, m.UsableCores, m.ComputeMBps, float64(m.RAMBytes)/(1<<30))
				fmt.Fprintf(w, "disk %s: %.0f GiB free of %.0f GiB, write %.0f MB/s, read %.0f MB/s\n", m.DataDir, float64(m.DiskFreeBytes)/(1<<30), float64(m.DiskTotalBytes)/(1<<30), m.DiskWriteMBps, m.DiskReadMBps)
				fmt.Fprintf(w, "bandwidth %.0f Mbit/s (%s)\n", m.BandwidthMbps, m.BandwidthSource)
				fmt.Fprintf(w, "units (conversion v%s): compute %d, storage %d, bandwidth %d\n", probe.ConversionVersion, units.Compute, units.Storage, units.Bandwidth)
			})
		},
	}
	cmd.Flags().StringP(flagOutput, "o", "text", "text or json")
	cmd.Flags().Uint64("bandwidth-mbps", 0, "declared bandwidth in Mbit/s (overrides config.toml)")
	return cmd
}
