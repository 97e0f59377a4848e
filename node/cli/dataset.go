package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/dataset"
	"github.com/aegis-chain/aegis/node/probe"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

const (
	flagStorage       = "storage"
	flagLeafWork      = "leaf-work"
	flagLeavesPerUnit = "leaves-per-unit"
)

func datasetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dataset",
		Short: "Build the storage-challenge dataset ahead of time, or show the one on disk",
	}
	cmd.AddCommand(datasetBuildCmd(), datasetStatusCmd())
	return cmd
}

// datasetFlags are the flags of `dataset build` and `dataset status`; 0 is "not given".
type datasetFlags struct {
	Storage       uint64
	LeafWork      uint32
	LeavesPerUnit uint64
}

func addDatasetFlags(cmd *cobra.Command) {
	cmd.Flags().Uint64(flagStorage, 0, "storage units the dataset is for (default: what the node's reports declare, from its measurement)")
	cmd.Flags().Uint32(flagLeafWork, 0, "leaf_work (default: the chain's, when its challenges are on; required when they are off)")
	cmd.Flags().Uint64(flagLeavesPerUnit, 0, "leaves_per_storage_unit (default: the chain's, when its challenges are on; required when they are off)")
	cmd.Flags().StringP(flagOutput, "o", "text", "text or json")
}

func readDatasetFlags(cmd *cobra.Command) datasetFlags {
	var f datasetFlags
	f.Storage, _ = cmd.Flags().GetUint64(flagStorage)
	f.LeafWork, _ = cmd.Flags().GetUint32(flagLeafWork)
	f.LeavesPerUnit, _ = cmd.Flags().GetUint64(flagLeavesPerUnit)
	return f
}

// datasetTarget is the dataset to build (or to compare the one on disk with).
type datasetTarget struct {
	Storage       uint64 `json:"storage"`
	LeavesPerUnit uint64 `json:"leaves_per_storage_unit"`
	LeafWork      uint32 `json:"leaf_work"`
	Leaves        uint64 `json:"leaves"`
	// ChainOn says the chain's challenges are on, and ChainUses that they ask for this
	// leaf_work and leaves_per_storage_unit (so the reporter will use the dataset if the
	// storage is the one it declares).
	ChainOn   bool     `json:"chain_challenges_on"`
	ChainUses bool     `json:"chain_uses_these_params"`
	Notes     []string `json:"notes,omitempty"`
}

// resolveTarget decides the dataset: the flags where given; otherwise leaf_work and
// leaves_per_storage_unit from the chain's challenge params when they are on (cp nil: the
// chain could not be read, chainErr says why), and the storage from storage() (the
// measurement the reporter declares).
func resolveTarget(cp *portypes.ChallengeParams, chainErr error, f datasetFlags, storage func() (uint64, error)) (datasetTarget, error) {
	t := datasetTarget{LeafWork: f.LeafWork, LeavesPerUnit: f.LeavesPerUnit, ChainOn: cp != nil && cp.Enabled()}
	if t.ChainOn {
		if t.LeafWork == 0 {
			t.LeafWork = cp.LeafWork
		}
		if t.LeavesPerUnit == 0 {
			t.LeavesPerUnit = cp.LeavesPerStorageUnit
		}
		t.ChainUses = t.LeafWork == cp.LeafWork && t.LeavesPerUnit == cp.LeavesPerStorageUnit
		if !t.ChainUses {
			t.Notes = append(t.Notes, fmt.Sprintf("the chain's challenges ask for leaf_work %d and leaves_per_storage_unit %d: the reporter will not use this dataset while they do", cp.LeafWork, cp.LeavesPerStorageUnit))
		}
	}
	if t.LeafWork == 0 || t.LeavesPerUnit == 0 {
		why := "the chain's challenges are off"
		if cp == nil {
			why = fmt.Sprintf("the chain's challenge params could not be read (%v)", chainErr)
		}
		return t, fmt.Errorf("%s: give --%s and --%s (the values governance is to set; recommended %d and %d)",
			why, flagLeafWork, flagLeavesPerUnit, portypes.DefaultChallengeParams().LeafWork, uint64(1)<<22)
	}
	switch {
	case t.LeafWork > portypes.MaxLeafWork:
		return t, fmt.Errorf("--%s must be in [1, %d], got %d", flagLeafWork, portypes.MaxLeafWork, t.LeafWork)
	case t.LeavesPerUnit > 1<<30:
		return t, fmt.Errorf("--%s must be in [1, 2^30], got %d", flagLeavesPerUnit, t.LeavesPerUnit)
	}
	t.Storage = f.Storage
	if t.Storage == 0 {
		s, err := storage()
		if err != nil {
			return t, fmt.Errorf("the node's storage (give --%s to skip measuring): %w", flagStorage, err)
		}
		if t.Storage = s; s == 0 {
			return t, errors.New("the node's measurement declares no storage: a report without storage commits no dataset, there is nothing to build")
		}
	} else {
		t.Notes = append(t.Notes, fmt.Sprintf("storage %d from --%s: the reporter uses the dataset only if its reports declare that storage", t.Storage, flagStorage))
	}
	leaves, ok := portypes.ChallengeParams{LeavesPerStorageUnit: t.LeavesPerUnit}.DatasetLeaves(t.Storage)
	if !ok {
		return t, fmt.Errorf("storage %d × %d leaves per unit is more than the chain accepts (%d leaves)", t.Storage, t.LeavesPerUnit, uint64(portypes.MaxDatasetLeaves))
	}
	t.Leaves = leaves
	return t, nil
}

// datasetEnv is what the dataset commands read from the chain and the home.
type datasetEnv struct {
	cfg config.Config
	// cp is the chain's challenge params; nil when they could not be read (chainErr).
	cp       *portypes.ChallengeParams
	chainErr error
	store    *dataset.Store
}

// datasetContext connects, reads the chain's challenge params and closes the connection.
func datasetContext(cmd *cobra.Command) (datasetEnv, error) {
	cfg, client, err := connect(cmd)
	if err != nil {
		return datasetEnv{}, err
	}
	defer client.Close()
	ctx, cancel := withTimeout(cmd)
	defer cancel()
	env := datasetEnv{cfg: cfg, store: dataset.NewStore(datasetDir(homeOf(cmd)), client.Operator)}
	params, err := client.PorParams(ctx)
	if err != nil {
		env.chainErr = err
	} else {
		env.cp = &params.Challenge
	}
	return env, nil
}

// BuildResult is what `dataset build` prints.
type BuildResult struct {
	Target datasetTarget `json:"target"`
	Built  bool          `json:"built"` // false: the dataset was already on disk
	Root   string        `json:"root"`
	Took   string        `json:"took,omitempty"`
}

func datasetBuildCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the challenge dataset the node's reports will commit, ahead of time (hours at the recommended sizes)",
		Long: `build derives the dataset a report declaring the node's storage commits while the chain's
challenges are on, into <home>/data/dataset/current where 'aegis-node run' finds it: the
next report reuses it instead of building it first. An existing dataset of the same size
and work is kept (nothing to do). Stop it with Ctrl-C at any time: a cut build leaves no
dataset behind, and the one there before stays in place.

Do not run it while 'aegis-node run' is building a dataset itself: stop run first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := datasetContext(cmd)
			if err != nil {
				return err
			}
			store := env.store
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			home := homeOf(cmd)
			t, err := resolveTarget(env.cp, env.chainErr, readDatasetFlags(cmd), func() (uint64, error) {
				u, err := newPlanner(env.cfg, home).measure(ctx, home) // what the reporter's Plan declares
				return u.Storage, err
			})
			if err != nil {
				return err
			}
			every, _ := cmd.Flags().GetDuration("progress-every")
			res, err := buildDataset(ctx, store, t, cmd.ErrOrStderr(), every)
			if err != nil {
				return err
			}
			return printOut(cmd, res, func(w io.Writer) {
				verb := "built"
				if !res.Built {
					verb = "already built"
				}
				fmt.Fprintf(w, "dataset %s in %s: %d leaves (storage %d × %d) of work %d, root %s\n", verb, store.Dir, t.Leaves, t.Storage, t.LeavesPerUnit, t.LeafWork, res.Root)
				for _, n := range t.Notes {
					fmt.Fprintf(w, "note: %s\n", n)
				}
			})
		},
	}
	addDatasetFlags(cmd)
	cmd.Flags().Duration("progress-every", 5*time.Second, "how often to print the build's progress")
	return cmd
}

// buildDataset builds t in store unless it is there already, printing progress to log
// every so often.
func buildDataset(ctx context.Context, store *dataset.Store, t datasetTarget, log io.Writer, every time.Duration) (BuildResult, error) {
	res := BuildResult{Target: t}
	root, why := store.Current(t.Leaves, t.LeafWork)
	if why == nil {
		res.Root = fmt.Sprintf("%X", root)
		return res, nil
	}
	estimate := dataset.EstimateBuild(dataset.Spec{Operator: store.Operator, Leaves: t.Leaves, LeafWork: t.LeafWork})
	fmt.Fprintf(log, "building %d leaves of work %d in %s (%v); disk %.1f GiB; estimated %s\n",
		t.Leaves, t.LeafWork, store.Dir, why, float64(dataset.DiskSize(t.Leaves))/(1<<30), estimate.Round(time.Second))
	var done atomic.Uint64
	store.Progress = func(n uint64) { done.Store(n) }
	defer func() { store.Progress = nil }()
	start := time.Now()
	stopped := make(chan struct{})
	defer close(stopped)
	if every > 0 {
		go func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-stopped:
					return
				case <-tick.C:
					fmt.Fprintln(log, progressLine(done.Load(), t.Leaves, time.Since(start)))
				}
			}
		}()
	}
	root, err := store.Build(ctx, t.Leaves, t.LeafWork)
	if err != nil {
		return res, err
	}
	res.Built, res.Root, res.Took = true, fmt.Sprintf("%X", root), time.Since(start).Round(time.Second).String()
	return res, nil
}

// progressLine is "leaves done/total (pct), rate, ETA".
func progressLine(done, total uint64, elapsed time.Duration) string {
	if done >= total {
		return fmt.Sprintf("leaves %d/%d done; hashing the tree (%s so far)", done, total, elapsed.Round(time.Second))
	}
	rate := float64(done) / max(elapsed.Seconds(), 1e-9)
	eta := "unknown"
	if rate > 0 {
		eta = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
	}
	return fmt.Sprintf("leaves %d/%d (%.1f%%), %.0f leaves/s, ETA %s", done, total, 100*float64(done)/float64(total), rate, eta)
}

// DatasetStatus is what `dataset status` prints.
type DatasetStatus struct {
	Built    *dataset.Built `json:"built,omitempty"`
	Missing  string         `json:"missing,omitempty"`
	Required *datasetTarget `json:"required,omitempty"`
	// Matches: the built dataset is sound and the one Required names; Verdict says why or why not.
	Matches bool   `json:"matches"`
	Verdict string `json:"verdict"`
}

func datasetStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the dataset on disk and whether it is the one the chain requires now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := datasetContext(cmd)
			if err != nil {
				return err
			}
			home := homeOf(cmd)
			st := datasetStatus(env.store, env.cp, env.chainErr, readDatasetFlags(cmd), func() (uint64, error) {
				return cachedStorage(env.cfg, home)
			})
			return printOut(cmd, st, func(w io.Writer) { st.print(w) })
		},
	}
	addDatasetFlags(cmd)
	return cmd
}

// cachedStorage is the storage of the node's last measurement (status never probes).
func cachedStorage(cfg config.Config, home string) (uint64, error) {
	m, err := newPlanner(cfg, home).cache.Load()
	if errors.Is(err, probe.ErrNoCache) {
		return 0, errors.New("the node has not measured itself yet: run `aegis-node probe`, or `aegis-node run` once")
	} else if err != nil {
		return 0, err
	}
	u, err := probe.Convert(m)
	return u.Storage, err
}

// datasetStatus compares the store's current dataset with the one resolveTarget names.
func datasetStatus(store *dataset.Store, cp *portypes.ChallengeParams, chainErr error, f datasetFlags, storage func() (uint64, error)) DatasetStatus {
	var st DatasetStatus
	if b, err := store.CurrentMeta(); err == nil {
		st.Built = &b
	} else {
		st.Missing = err.Error()
	}
	t, err := resolveTarget(cp, chainErr, f, storage)
	if err != nil {
		st.Verdict = fmt.Sprintf("no dataset required to compare with: %v", err)
		return st
	}
	st.Required = &t
	if _, err := store.Current(t.Leaves, t.LeafWork); err != nil {
		st.Verdict = fmt.Sprintf("not the one required: %v (run `aegis-node dataset build`)", err)
		return st
	}
	st.Matches = true
	st.Verdict = "built and the one required"
	if !t.ChainOn {
		st.Verdict += " (by the flags: the chain's challenges are off)"
	}
	return st
}

func (st DatasetStatus) print(w io.Writer) {
	if b := st.Built; b != nil {
		fmt.Fprintf(w, "built: %d leaves of work %d for %s\n  root %s\n  %s, %.2f GiB on disk, built %s in %s\n",
			b.Leaves, b.LeafWork, b.Operator, b.Root, b.Dir, float64(b.Disk)/(1<<30),
			b.BuiltAt.Format(time.RFC3339), (time.Duration(b.BuildSeconds) * time.Second).String())
	} else {
		fmt.Fprintf(w, "built: none (%s)\n", st.Missing)
	}
	if t := st.Required; t != nil {
		on := "off; compared with the flags"
		if t.ChainOn {
			on = "on"
		}
		fmt.Fprintf(w, "required: %d leaves (storage %d × %d) of work %d (chain challenges %s)\n", t.Leaves, t.Storage, t.LeavesPerUnit, t.LeafWork, on)
		for _, n := range t.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	fmt.Fprintln(w, st.Verdict)
}
