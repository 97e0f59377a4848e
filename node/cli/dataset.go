package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/dataset"
	"github.com/aegis-chain/aegis/node/probe"
	"github.com/aegis-chain/aegis/node/reporter"
	"github.com/aegis-chain/aegis/x/por/post"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

const (
	flagStorage       = "storage"
	flagRoles         = "roles"
	flagNonce         = "nonce"
	flagScryptN       = "scrypt-n"
	flagLabelsPerUnit = "labels-per-unit"
)

func datasetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dataset",
		Short: "Build the storage-challenge datasets ahead of time, show them, or estimate their cost on this machine",
		Long: `Each role a report gives storage commits a dataset of storage × labels_per_storage_unit
labels of 16 bytes (x/por/post), derived from the operator's address, the role and the
dataset nonce, kept in <home>/data/post/<role>-n<nonce>-s<scrypt_n>.labels. 'aegis-node run'
builds them in the background and declares a role's storage as its dataset is built; a
storage challenge is answered by one scan of it.`,
	}
	cmd.AddCommand(datasetBuildCmd(), datasetStatusCmd(), datasetEstimateCmd())
	return cmd
}

// datasetFlags are the flags of the dataset commands; zero values are "not given".
type datasetFlags struct {
	Roles         []string
	Storage       uint64
	Nonce         uint64
	NonceSet      bool
	ScryptN       uint32
	LabelsPerUnit uint64
}

func addDatasetFlags(cmd *cobra.Command) {
	cmd.Flags().StringSlice(flagRoles, nil, "roles whose datasets to build or show (default: the roles config.toml gives storage)")
	cmd.Flags().Uint64(flagStorage, 0, "storage units of each role (default: each role's share of the node's measured storage, as the reporter declares it)")
	cmd.Flags().Uint64(flagNonce, 0, "dataset nonce (default: the reporter's, dataset_nonce in reporter-state.json, 0 unless changed)")
	cmd.Flags().Uint32(flagScryptN, 0, "label_scrypt_n (default: the chain's storage proof params)")
	cmd.Flags().Uint64(flagLabelsPerUnit, 0, "labels_per_storage_unit (default: the chain's storage proof params)")
	cmd.Flags().StringP(flagOutput, "o", "text", "text or json")
}

func readDatasetFlags(cmd *cobra.Command) datasetFlags {
	var f datasetFlags
	f.Roles, _ = cmd.Flags().GetStringSlice(flagRoles)
	f.Storage, _ = cmd.Flags().GetUint64(flagStorage)
	f.Nonce, _ = cmd.Flags().GetUint64(flagNonce)
	f.NonceSet = cmd.Flags().Changed(flagNonce)
	f.ScryptN, _ = cmd.Flags().GetUint32(flagScryptN)
	f.LabelsPerUnit, _ = cmd.Flags().GetUint64(flagLabelsPerUnit)
	return f
}

// datasetTarget is one role's dataset to build (or to compare the one on disk with).
type datasetTarget struct {
	Role      string      `json:"role"`
	Storage   uint64      `json:"storage"`
	Dataset   string      `json:"dataset"`
	Labels    uint64      `json:"labels"`
	DiskBytes int64       `json:"disk_bytes"`
	Key       dataset.Key `json:"-"`
}

// datasetTargets are the datasets the node's reports need, and how they were decided.
type datasetTargets struct {
	Nonce         uint64          `json:"nonce"`
	ScryptN       uint32          `json:"scrypt_n"`
	LabelsPerUnit uint64          `json:"labels_per_storage_unit"`
	Targets       []datasetTarget `json:"targets"`
	// ChainOn says the chain's challenges are on, and ChainUses that its storage params
	// are the ones used (so the reporter will use the datasets for the storage it declares).
	ChainOn   bool     `json:"chain_challenges_on"`
	ChainUses bool     `json:"chain_uses_these_params"`
	Notes     []string `json:"notes,omitempty"`
}

// datasetEnv is what the dataset commands read from the chain and the home.
type datasetEnv struct {
	cfg  config.Config
	home string
	// cp is the chain's challenge params; nil when they could not be read (chainErr).
	cp       *portypes.ChallengeParams
	chainErr error
	// roles are the roles the node holds on chain (nil when unknown).
	roles []portypes.NodeRole
	store *dataset.Store
	nonce uint64 // the reporter's
}

// datasetContext loads the config, reads the chain's challenge params and the node's
// roles (a chain that cannot be read is noted, not fatal: the flags stand in), and opens
// the store.
func datasetContext(cmd *cobra.Command) (datasetEnv, error) {
	home := homeOf(cmd)
	cfg, client, err := connect(cmd)
	if client == nil {
		return datasetEnv{}, err
	}
	defer client.Close()
	env := datasetEnv{cfg: cfg, home: home, store: dataset.NewStore(datasetDir(home), client.Operator), chainErr: err}
	if err == nil {
		ctx, cancel := withTimeout(cmd)
		defer cancel()
		if params, err := client.PorParams(ctx); err != nil {
			env.chainErr = err
		} else {
			env.cp = &params.Challenge
			if n, err := client.Node(ctx); err == nil {
				env.roles = n.Node.Roles
			}
		}
	}
	st, err := reporter.LoadState(home)
	if err != nil {
		return env, err
	}
	env.nonce = st.DatasetNonce
	return env, nil
}

// roleStorage is each role's storage as the reporter declares it (before capping it to
// what is built), from a measurement.
type roleStorage func(roles []portypes.NodeRole) ([]portypes.RolePart, error)

// resolveTargets decides the datasets: the flags where given; otherwise the chain's
// storage params (cp nil: the chain could not be read, chainErr says why), the roles
// config.toml gives storage (or those the node holds, when known), each role's storage
// from storage (the measurement the reporter declares) and the reporter's nonce.
func resolveTargets(cfg config.Config, cp *portypes.ChallengeParams, chainErr error, held []portypes.NodeRole, nonce uint64, f datasetFlags, storage roleStorage) (datasetTargets, error) {
	t := datasetTargets{Nonce: nonce, ScryptN: f.ScryptN, LabelsPerUnit: f.LabelsPerUnit, ChainOn: cp != nil && cp.Enabled()}
	if f.NonceSet {
		t.Nonce = f.Nonce
		if f.Nonce != nonce {
			t.Notes = append(t.Notes, fmt.Sprintf("nonce %d from --%s: the reporter commits nonce %d (dataset_nonce in %s)", f.Nonce, flagNonce, nonce, reporter.StateFile))
		}
	}
	if cp != nil {
		sp := cp.Storage
		if t.ScryptN == 0 {
			t.ScryptN = sp.LabelScryptN
		}
		if t.LabelsPerUnit == 0 {
			t.LabelsPerUnit = sp.LabelsPerStorageUnit
		}
		t.ChainUses = t.ScryptN == sp.LabelScryptN && t.LabelsPerUnit == sp.LabelsPerStorageUnit
		switch {
		case !t.ChainUses:
			t.Notes = append(t.Notes, fmt.Sprintf("the chain's storage proofs ask for label_scrypt_n %d and labels_per_storage_unit %d: the reporter does not use these datasets while they do", sp.LabelScryptN, sp.LabelsPerStorageUnit))
		case !t.ChainOn:
			t.Notes = append(t.Notes, "the chain's challenges are off: these are its storage params now, which governance may change when it turns challenges on")
		}
	}
	if t.ScryptN == 0 || t.LabelsPerUnit == 0 {
		d := portypes.DefaultStorageProofParams()
		return t, fmt.Errorf("the chain's storage params could not be read (%v): give --%s and --%s (recommended %d and %d)",
			chainErr, flagScryptN, flagLabelsPerUnit, d.LabelScryptN, d.LabelsPerStorageUnit)
	}
	p := post.DefaultParams()
	p.ScryptN = t.ScryptN
	if err := p.Validate(); err != nil {
		return t, fmt.Errorf("--%s: %w", flagScryptN, err)
	}
	if t.LabelsPerUnit > portypes.MaxLabelsPerStorageUnit {
		return t, fmt.Errorf("--%s must be at most 2^34, got %d", flagLabelsPerUnit, t.LabelsPerUnit)
	}

	roles, err := targetRoles(cfg, held, f.Roles)
	if err != nil {
		return t, err
	}
	parts := make([]portypes.RolePart, len(roles))
	if f.Storage > 0 {
		for i, r := range roles {
			parts[i] = portypes.RolePart{Role: r, Resources: portypes.Resources{Storage: f.Storage}}
		}
		t.Notes = append(t.Notes, fmt.Sprintf("storage %d a role from --%s: the reporter uses a dataset as far as the storage it declares", f.Storage, flagStorage))
	} else if parts, err = storage(roles); err != nil {
		return t, fmt.Errorf("the node's storage (give --%s to skip measuring): %w", flagStorage, err)
	}
	for _, p := range parts {
		s := p.Resources.Storage
		if s == 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%s declares no storage: it commits no dataset", dataset.RoleName(p.Role)))
			continue
		}
		if s > post.MaxLabels/t.LabelsPerUnit {
			return t, fmt.Errorf("%s: storage %d × %d labels a unit is more than a dataset may hold (%d labels)", dataset.RoleName(p.Role), s, t.LabelsPerUnit, uint64(post.MaxLabels))
		}
		k := dataset.Key{Role: p.Role, Nonce: t.Nonce, ScryptN: t.ScryptN}
		t.Targets = append(t.Targets, datasetTarget{Role: dataset.RoleName(p.Role), Storage: s, Dataset: k.Name(),
			Labels: s * t.LabelsPerUnit, DiskBytes: dataset.DiskSize(s * t.LabelsPerUnit), Key: k})
	}
	if len(t.Targets) == 0 {
		return t, errors.New("no role declares storage: a report without storage commits no dataset, there is nothing to build")
	}
	return t, nil
}

// targetRoles are the roles named by --roles, else the roles config.toml gives a storage
// share (those the node holds on chain, when known).
func targetRoles(cfg config.Config, held []portypes.NodeRole, names []string) ([]portypes.NodeRole, error) {
	if len(names) > 0 {
		return parseRoles(names)
	}
	var out []portypes.NodeRole
	for _, s := range cfg.Roles {
		if s.Storage == 0 {
			continue
		}
		rs, err := parseRoles([]string{s.Role})
		if err != nil {
			return nil, fmt.Errorf("config.toml: %w", err)
		}
		if held != nil && !containsRole(held, rs[0]) {
			continue
		}
		out = append(out, rs[0])
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("config.toml gives no storage to a role the node holds: name the roles with --%s", flagRoles)
	}
	return out, nil
}

func containsRole(rs []portypes.NodeRole, r portypes.NodeRole) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// BuildResult is what `dataset build` prints.
type BuildResult struct {
	Targets datasetTargets `json:"targets"`
	Built   []BuiltDataset `json:"built"`
}

// BuiltDataset is one dataset `dataset build` made sure of.
type BuiltDataset struct {
	Dataset string `json:"dataset"`
	Labels  uint64 `json:"labels"`
	// Already: the labels were all there; Resumed: labels an earlier build had made.
	Already bool   `json:"already_built"`
	Resumed uint64 `json:"resumed_at,omitempty"`
	Took    string `json:"took,omitempty"`
	Rate    int64  `json:"labels_per_second,omitempty"`
}

func datasetBuildCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the challenge datasets the node's reports will commit, ahead of time (hours at the recommended sizes)",
		Long: `build derives the dataset of each role the node's reports give storage — storage ×
labels_per_storage_unit labels of the chain's label_scrypt_n — into <home>/data/post, where
'aegis-node run' finds it: a role's storage is declared once its dataset is built, and
until then 'run' builds it itself in the background. A dataset already built is kept
(nothing to do), a smaller one is extended.

It uses every core, prints its progress and an ETA, and can be stopped at any time
(Ctrl-C, or a kill): the next build resumes where it stopped. 'run' and 'build' do not
build the same dataset at once (the second stops with "being built by another process").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := datasetContext(cmd)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			t, err := resolveTargets(env.cfg, env.cp, env.chainErr, env.roles, env.nonce, readDatasetFlags(cmd), func(roles []portypes.NodeRole) ([]portypes.RolePart, error) {
				u, err := newPlanner(env.cfg, env.home).measure(ctx, env.home) // what the reporter's Plan declares
				if err != nil {
					return nil, err
				}
				_, parts, err := splitRoles(env.cfg, u, roles)
				return parts, err
			})
			if err != nil {
				return err
			}
			every, _ := cmd.Flags().GetDuration("progress-every")
			res, err := buildDatasets(ctx, env.store, t, cmd.ErrOrStderr(), every)
			if err != nil {
				return err
			}
			return printOut(cmd, res, func(w io.Writer) {
				for _, b := range res.Built {
					if b.Already {
						fmt.Fprintf(w, "%s: already built (%d labels) in %s\n", b.Dataset, b.Labels, env.store.Dir)
						continue
					}
					fmt.Fprintf(w, "%s: built %d labels in %s (%s, %d labels/s)\n", b.Dataset, b.Labels, env.store.Dir, b.Took, b.Rate)
				}
				for _, n := range t.Notes {
					fmt.Fprintf(w, "note: %s\n", n)
				}
			})
		},
	}
	addDatasetFlags(cmd)
	cmd.Flags().Duration("progress-every", 10*time.Second, "how often to print the build's progress")
	return cmd
}

// buildDatasets builds each target in turn (each on every core), printing progress to log
// every so often.
func buildDatasets(ctx context.Context, store *dataset.Store, t datasetTargets, log io.Writer, every time.Duration) (BuildResult, error) {
	res := BuildResult{Targets: t}
	var est *dataset.Estimate
	for _, tg := range t.Targets {
		var built uint64
		m, why := store.Meta(tg.Key)
		if why == nil {
			built = m.Built
			if m.Complete(tg.Labels) {
				res.Built = append(res.Built, BuiltDataset{Dataset: tg.Dataset, Labels: tg.Labels, Already: true})
				continue
			}
			why = fmt.Errorf("%d of its %d labels are built", m.Built, tg.Labels)
		}
		if est == nil {
			e := dataset.Measure(t.ScryptN, store.Workers, post.DefaultParams())
			est = &e
		}
		fmt.Fprintf(log, "building %s (storage %d × %d labels) at scrypt_n %d in %s (%v): %.2f GiB on disk, estimated %s on %d cores\n",
			tg.Dataset, tg.Storage, t.LabelsPerUnit, t.ScryptN, store.Dir, why, float64(tg.DiskBytes)/(1<<30),
			est.Build(tg.Labels-built).Round(time.Second), est.Workers)
		var mu sync.Mutex
		var last time.Time
		var first dataset.Progress
		store.Progress = func(p dataset.Progress) {
			mu.Lock()
			defer mu.Unlock()
			if first.Total == 0 {
				first = p
			}
			if every > 0 && time.Since(last) >= every && !p.Finished() {
				last = time.Now()
				fmt.Fprintln(log, p.String())
			}
		}
		start := time.Now()
		m, err := store.Build(ctx, tg.Key, tg.Labels)
		store.Progress = nil
		if err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("stopped with %d of %s's %d labels built: run `aegis-node dataset build` again to resume: %w", m.Built, tg.Dataset, tg.Labels, ctx.Err())
			}
			return res, err
		}
		took := time.Since(start)
		b := BuiltDataset{Dataset: tg.Dataset, Labels: tg.Labels, Resumed: first.Resumed, Took: took.Round(time.Second).String()}
		if took > 0 {
			b.Rate = int64(float64(tg.Labels-first.Resumed) / took.Seconds())
		}
		res.Built = append(res.Built, b)
	}
	return res, nil
}

// DatasetStatus is what `dataset status` prints.
type DatasetStatus struct {
	Dir      string           `json:"dir"`
	OnDisk   []dataset.Listed `json:"on_disk"`
	Required *datasetTargets  `json:"required,omitempty"`
	Roles    []RoleDataset    `json:"roles,omitempty"`
	// Ready: every required dataset is built (and, with --check, its sampled labels are
	// the ones derived); Verdict says why or why not.
	Ready   bool   `json:"ready"`
	Verdict string `json:"verdict"`
}

// RoleDataset is one required dataset's state.
type RoleDataset struct {
	datasetTarget
	Built    uint64 `json:"built"`
	Complete bool   `json:"complete"`
	Problem  string `json:"problem,omitempty"`
	// Estimated is the time left to build on this machine, when it is not complete.
	Estimated string `json:"estimated_left,omitempty"`
}

func datasetStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the datasets on disk and whether they are the ones the node's reports need now",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := datasetContext(cmd)
			if err != nil {
				return err
			}
			check, _ := cmd.Flags().GetInt("check")
			st := datasetStatus(env, readDatasetFlags(cmd), check, func(roles []portypes.NodeRole) ([]portypes.RolePart, error) {
				u, err := cachedUnits(env.cfg, env.home)
				if err != nil {
					return nil, err
				}
				_, parts, err := splitRoles(env.cfg, u, roles)
				return parts, err
			})
			return printOut(cmd, st, func(w io.Writer) { st.print(w) })
		},
	}
	addDatasetFlags(cmd)
	cmd.Flags().Int("check", 0, "recompute this many labels of each required dataset and compare them with the disk (a damaged or deleted label fails)")
	return cmd
}

// cachedUnits are the units of the node's last measurement (status never probes).
func cachedUnits(cfg config.Config, home string) (probe.Units, error) {
	m, err := newPlanner(cfg, home).cache.Load()
	if errors.Is(err, probe.ErrNoCache) {
		return probe.Units{}, errors.New("the node has not measured itself yet: run `aegis-node probe`, or `aegis-node run` once")
	} else if err != nil {
		return probe.Units{}, err
	}
	return probe.Convert(m)
}

// datasetStatus lists the store and compares it with the datasets resolveTargets names,
// recomputing check labels of each complete one.
func datasetStatus(env datasetEnv, f datasetFlags, check int, storage roleStorage) DatasetStatus {
	st := DatasetStatus{Dir: env.store.Dir}
	list, err := env.store.List()
	if err != nil {
		st.Verdict = fmt.Sprintf("cannot list %s: %v", env.store.Dir, err)
		return st
	}
	st.OnDisk = list
	t, err := resolveTargets(env.cfg, env.cp, env.chainErr, env.roles, env.nonce, f, storage)
	if err != nil {
		st.Verdict = fmt.Sprintf("no dataset required to compare with: %v", err)
		return st
	}
	st.Required = &t
	var est *dataset.Estimate
	st.Ready = true
	for _, tg := range t.Targets {
		rd := RoleDataset{datasetTarget: tg}
		m, err := env.store.Meta(tg.Key)
		switch {
		case err != nil:
			rd.Problem = err.Error()
		case !m.Complete(tg.Labels):
			rd.Built = m.Built
		default:
			rd.Built, rd.Complete = m.Built, true
			if check > 0 {
				if err := env.store.Verify(tg.Key, tg.Labels, check); err != nil {
					rd.Complete, rd.Problem = false, err.Error()
				}
			}
		}
		if !rd.Complete && rd.Problem == "" {
			if est == nil {
				e := dataset.Measure(t.ScryptN, env.store.Workers, post.DefaultParams())
				est = &e
			}
			rd.Estimated = est.Build(tg.Labels - rd.Built).Round(time.Second).String()
		}
		st.Ready = st.Ready && rd.Complete
		st.Roles = append(st.Roles, rd)
	}
	switch {
	case !st.Ready:
		st.Verdict = "not all built: `aegis-node run` declares a role's storage once its dataset is built, and builds it in the background; `aegis-node dataset build` builds it now"
	case !t.ChainOn:
		st.Verdict = "built (the chain's challenges are off)"
	default:
		st.Verdict = "built: the reports declare these roles' storage"
	}
	return st
}

func (st DatasetStatus) print(w io.Writer) {
	fmt.Fprintf(w, "datasets in %s:\n", st.Dir)
	if len(st.OnDisk) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, l := range st.OnDisk {
		fmt.Fprintf(w, "  %s: %d labels built (%.2f GiB on disk), last asked for %d, %s building", l.Name, l.Built, float64(l.DiskBytes)/(1<<30), l.Labels,
			(time.Duration(l.BuildSeconds) * time.Second).String())
		if l.Problem != "" {
			fmt.Fprintf(w, "; %s", l.Problem)
		}
		fmt.Fprintln(w)
	}
	if t := st.Required; t != nil {
		on := "off"
		if t.ChainOn {
			on = "on"
		}
		fmt.Fprintf(w, "required (nonce %d, scrypt_n %d, %d labels a storage unit; chain challenges %s):\n", t.Nonce, t.ScryptN, t.LabelsPerUnit, on)
		for _, r := range st.Roles {
			state := "built"
			switch {
			case r.Problem != "":
				state = r.Problem
			case !r.Complete:
				state = fmt.Sprintf("%d built (%.1f%%), about %s left", r.Built, 100*float64(r.Built)/float64(r.Labels), r.Estimated)
			}
			fmt.Fprintf(w, "  %s: storage %d, %s of %d labels (%.2f GiB): %s\n", r.Role, r.Storage, r.Dataset, r.Labels, float64(r.DiskBytes)/(1<<30), state)
		}
		for _, n := range t.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	fmt.Fprintln(w, st.Verdict)
}

// DatasetEstimate is what `dataset estimate` prints.
type DatasetEstimate struct {
	ScryptN       uint32  `json:"scrypt_n"`
	LabelsPerUnit uint64  `json:"labels_per_storage_unit"`
	Cores         int     `json:"cores"`
	LabelMicros   float64 `json:"label_us"` // one label on one core
	BuildRate     float64 `json:"build_labels_per_second"`
	// Per storage unit: disk, build time on every core, and the CPU's share of a
	// challenge's scan (the disk must also read DiskPerUnit in that time, or it is slower).
	DiskPerUnit  int64   `json:"disk_bytes_per_unit"`
	BuildPerUnit float64 `json:"build_seconds_per_unit"`
	ScanPerUnit  float64 `json:"scan_cpu_seconds_per_unit"`
	// ScanMiBps is the CPU's scan rate on every core; ScanBytesPerBlock the chain's (a
	// storage challenge's window is at least twice the blocks its scan takes at it).
	ScanMiBps         float64 `json:"scan_cpu_mib_per_second"`
	ScanBytesPerBlock uint64  `json:"scan_bytes_per_block,omitempty"`
	// Storage is the node's storage (the roles' sum), when known, and the figures for it.
	Storage   uint64   `json:"storage,omitempty"`
	DiskBytes int64    `json:"disk_bytes,omitempty"`
	BuildSecs float64  `json:"build_seconds,omitempty"`
	ScanSecs  float64  `json:"scan_cpu_seconds,omitempty"`
	Notes     []string `json:"notes,omitempty"`
}

func datasetEstimateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "estimate",
		Short: "Measure what a storage unit's dataset costs on this machine: build time on every core, disk, scan time",
		Long: `estimate times labels at label_scrypt_n on one core and a challenge's scoring, and
scales them to a storage unit's dataset (labels_per_storage_unit labels) on every core,
and to the node's storage when it is known (its last measurement, or --storage). It works
without the chain when --scrypt-n and --labels-per-unit are given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := readDatasetFlags(cmd)
			env, err := datasetContext(cmd)
			if err != nil && (f.ScryptN == 0 || f.LabelsPerUnit == 0) {
				return err
			}
			cores, _ := cmd.Flags().GetInt("cores")
			est := estimateDatasets(env, f, cores)
			return printOut(cmd, est, func(w io.Writer) { est.print(w) })
		},
	}
	addDatasetFlags(cmd)
	cmd.Flags().Int("cores", 0, "cores to count (default: this machine's)")
	return cmd
}

// estimateDatasets measures this machine and scales to a unit and, when resolveTargets
// can name them from the cached measurement or --storage, to the node's datasets.
func estimateDatasets(env datasetEnv, f datasetFlags, cores int) DatasetEstimate {
	e := DatasetEstimate{ScryptN: f.ScryptN, LabelsPerUnit: f.LabelsPerUnit}
	sp := portypes.DefaultStorageProofParams()
	if env.cp != nil {
		sp = env.cp.Storage
	} else if e.ScryptN == 0 || e.LabelsPerUnit == 0 {
		e.Notes = append(e.Notes, fmt.Sprintf("the chain's storage params could not be read (%v): the recommended ones stand in", env.chainErr))
	}
	if e.ScryptN == 0 {
		e.ScryptN = sp.LabelScryptN
	}
	if e.LabelsPerUnit == 0 {
		e.LabelsPerUnit = sp.LabelsPerStorageUnit
	}
	p := sp.Post()
	if p.Validate() != nil {
		p = post.DefaultParams()
	}
	m := dataset.Measure(e.ScryptN, cores, p)
	e.Cores, e.LabelMicros, e.BuildRate = m.Workers, float64(m.LabelTime)/1e3, m.BuildRate()
	e.DiskPerUnit = dataset.DiskSize(e.LabelsPerUnit)
	e.BuildPerUnit, e.ScanPerUnit = m.Build(e.LabelsPerUnit).Seconds(), m.Scan(e.LabelsPerUnit).Seconds()
	if m.ScoreTime > 0 {
		e.ScanMiBps = float64(m.Workers) * post.LabelSize / m.ScoreTime.Seconds() / (1 << 20)
	}
	if env.cp != nil {
		e.ScanBytesPerBlock = env.cp.Storage.ScanBytesPerBlock
	}
	if env.store == nil {
		return e
	}
	f.ScryptN, f.LabelsPerUnit = e.ScryptN, e.LabelsPerUnit
	t, err := resolveTargets(env.cfg, env.cp, env.chainErr, env.roles, env.nonce, f, func(roles []portypes.NodeRole) ([]portypes.RolePart, error) {
		u, err := cachedUnits(env.cfg, env.home)
		if err != nil {
			return nil, err
		}
		_, parts, err := splitRoles(env.cfg, u, roles)
		return parts, err
	})
	if err != nil {
		e.Notes = append(e.Notes, fmt.Sprintf("the node's storage is not known (%v): per unit only", err))
		return e
	}
	for _, tg := range t.Targets {
		e.Storage += tg.Storage
	}
	labels := e.Storage * e.LabelsPerUnit
	e.DiskBytes, e.BuildSecs, e.ScanSecs = dataset.DiskSize(labels), m.Build(labels).Seconds(), m.Scan(labels).Seconds()
	return e
}

func (e DatasetEstimate) print(w io.Writer) {
	secs := func(s float64) string { return (time.Duration(s * float64(time.Second))).Round(time.Second).String() }
	fmt.Fprintf(w, "label_scrypt_n %d: %.0f µs a label on one core, %.0f labels/s on %d cores\n", e.ScryptN, e.LabelMicros, e.BuildRate, e.Cores)
	fmt.Fprintf(w, "a storage unit (%d labels): %.2f GiB on disk, built in %s, a challenge's scan %s of CPU\n",
		e.LabelsPerUnit, float64(e.DiskPerUnit)/(1<<30), secs(e.BuildPerUnit), secs(e.ScanPerUnit))
	fmt.Fprintf(w, "a challenge's scan: %.0f MiB/s of CPU on %d cores (the disk must keep up)", e.ScanMiBps, e.Cores)
	if e.ScanBytesPerBlock > 0 {
		fmt.Fprintf(w, "; the chain's storage windows are twice a scan at %d MiB a block", e.ScanBytesPerBlock>>20)
	}
	fmt.Fprintln(w)
	if e.Storage > 0 {
		fmt.Fprintf(w, "the node's storage (%d units): %.2f GiB on disk, built in %s, a challenge's scan %s of CPU (reading %.2f GiB from disk)\n",
			e.Storage, float64(e.DiskBytes)/(1<<30), secs(e.BuildSecs), secs(e.ScanSecs), float64(e.DiskBytes)/(1<<30))
	}
	for _, n := range e.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
