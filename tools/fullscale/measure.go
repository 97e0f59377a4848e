package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	abci "github.com/cometbft/cometbft/abci/types"

	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// result is fullscale.json; other tools parse exactly these fields.
type result struct {
	Nodes                   int      `json:"nodes"`
	NodeRoleSlots           int      `json:"node_role_slots"`
	Licenses                int      `json:"licenses"`
	Validators              int      `json:"validators"`
	GenesisBytes            int64    `json:"genesis_bytes"`
	GenerateSeconds         float64  `json:"generate_seconds"`
	InitGenesisSeconds      float64  `json:"init_genesis_seconds"`
	InitGenesisPeakRSSBytes int64    `json:"init_genesis_peak_rss_bytes"`
	ExportSeconds           float64  `json:"export_seconds"`
	ExportBytes             int64    `json:"export_bytes"`
	ExportPeakRSSBytes      int64    `json:"export_peak_rss_bytes"`
	StateSyncSeconds        float64  `json:"state_sync_seconds"`
	StateSyncPeakRSSBytes   int64    `json:"state_sync_peak_rss_bytes"`
	SnapshotBytes           int64    `json:"snapshot_bytes"`
	SnapshotHeight          int64    `json:"snapshot_height"`
	BlockNoTickMs           float64  `json:"block_no_tick_ms"`
	BlockTickMs             float64  `json:"block_tick_ms"`
	BlockCatchupMs          float64  `json:"block_catchup_ms"`
	CatchupDays             int      `json:"catchup_days"`
	MaxDaysPerBlock         int      `json:"max_days_per_block"`
	GoVersion               string   `json:"go_version"`
	CPU                     string   `json:"cpu"`
	Notes                   []string `json:"notes"`
}

type measureOpts struct {
	genesis, out, aegisd string
	meta                 *genMeta
	skipBinary           bool
	blocks               int
	cpuprofile           string
	initprofile          string
}

func measure(o measureOpts, logf func(string, ...any)) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	fi, err := os.Stat(o.genesis)
	if err != nil {
		return err
	}
	r := &result{
		Nodes: o.meta.Nodes, NodeRoleSlots: o.meta.NodeRoleSlots, Licenses: o.meta.Licenses, Validators: o.meta.Validators,
		GenesisBytes: fi.Size(), GenerateSeconds: round(o.meta.GenerateSeconds, 1),
		GoVersion: runtime.Version(), CPU: cpuModel(),
		Notes: slices.Clone(o.meta.Notes),
	}
	r.Notes = append(r.Notes, "machine at start: "+machineLoad())

	if !o.skipBinary {
		if err := measureBinary(o, r, logf); err != nil {
			return err
		}
	} else {
		r.Notes = append(r.Notes, "-skip-binary: init_genesis and export figures not measured (0)")
	}
	if err := measureBlocks(o, r, logf); err != nil {
		return err
	}
	r.Notes = append(r.Notes, "machine at end: "+machineLoad())
	file := filepath.Join(o.out, "fullscale.json")
	if err := writeJSON(file, r); err != nil {
		return err
	}
	logf("wrote %s", file)
	bz, _ := os.ReadFile(file)
	fmt.Println(string(bz))
	return nil
}

// measureBlocks loads the genesis into an in-process app on PebbleDB (a node's default
// app-db-backend) and times
// FinalizeBlock + Commit of empty blocks: without a day end, with one, and after a halt.
func measureBlocks(o measureOpts, r *result, logf func(string, ...any)) error {
	ag, err := genutiltypes.AppGenesisFromFile(o.genesis)
	if err != nil {
		return err
	}
	home, err := os.MkdirTemp("", "fullscale-blocks-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	db, err := dbm.NewPebbleDB("application", home, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := newChain(db, home, ag.ChainID)
	if err != nil {
		return err
	}
	cons := ag.Consensus.Params.ToProto()
	if o.initprofile != "" {
		f, err := os.Create(o.initprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
	}
	start := time.Now()
	if _, err := c.app.InitChain(&abci.RequestInitChain{
		ChainId: ag.ChainID, Time: ag.GenesisTime, ConsensusParams: &cons, AppStateBytes: ag.AppState, InitialHeight: ag.InitialHeight,
	}); err != nil {
		return fmt.Errorf("InitChain: %w", err)
	}
	initChain := time.Since(start)
	if o.initprofile != "" {
		pprof.StopCPUProfile()
	}
	ag.AppState = nil // let the collector have it
	for _, v := range ag.Consensus.Validators {
		c.votes = append(c.votes, abci.VoteInfo{Validator: abci.Validator{Address: v.Address, Power: v.Power}, BlockIdFlag: 2 /* commit */})
	}
	c.height = ag.InitialHeight - 1
	_, first, err := c.block(ag.GenesisTime)
	if err != nil {
		return err
	}
	// That commit wrote the whole state at once; the database compacts it in the background
	// for a while, and blocks timed meanwhile (3 ms blocks measured at 30 ms) say more
	// about the compaction than about the block. A node that has run for a while is past
	// it: compact now, untimed.
	compactStart := time.Now()
	if err := db.(*dbm.PebbleDB).DB().Compact([]byte{0}, []byte{0xff}, true); err != nil {
		return err
	}
	compact := time.Since(compactStart)
	logf("in-process (pebbledb): InitChain %v, first block + commit %v, compaction %v", initChain.Round(time.Millisecond), first.Round(time.Millisecond), compact.Round(time.Millisecond))
	r.Notes = append(r.Notes, fmt.Sprintf("in-process app on PebbleDB: InitChain %.1f s, then its first block (FinalizeBlock + Commit, which writes the whole state) %.1f s; then a full compaction (%.1f s, untimed) and 3 warm-up blocks before the timed ones",
		initChain.Seconds(), first.Seconds(), compact.Seconds()))

	ctx := func() (day uint64, maxDays uint32) {
		k := c.app.EmissionKeeper
		cctx := c.app.NewContext(true)
		d, err := k.LastDayIssued.Get(cctx)
		if err != nil {
			panic(err)
		}
		p, err := k.Params.Get(cctx)
		if err != nil {
			panic(err)
		}
		return d, p.MaxDaysPerBlock
	}
	day0, maxDays := ctx()
	r.MaxDaysPerBlock = int(maxDays)

	// Warm up (caches, the first blocks after InitChain), not timed.
	for range 3 {
		if _, _, err := c.block(c.time.Add(5 * time.Second)); err != nil {
			return err
		}
	}
	if d, _ := ctx(); d != day0 {
		return fmt.Errorf("the genesis time is too close to a day end: a warm-up block ticked")
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	// timed runs a block at dt after the last one and returns its time and the days it
	// issued (and ticked).
	timed := func(dt time.Duration) (time.Duration, uint64, error) {
		before, _ := ctx()
		_, took, err := c.block(c.time.Add(dt))
		if err != nil {
			return 0, 0, err
		}
		after, _ := ctx()
		return took, after - before, nil
	}
	var noTick, tick []time.Duration
	activeDays := 0
	for range o.blocks {
		took, days, err := timed(5 * time.Second)
		if err != nil {
			return err
		}
		if days != 0 {
			return fmt.Errorf("a 5 s block ticked %d days", days)
		}
		noTick = append(noTick, took)
		took, days, err = timed(24 * time.Hour)
		if err != nil {
			return err
		}
		if days != 1 {
			return fmt.Errorf("a block a day later ticked %d days, want 1", days)
		}
		tick = append(tick, took)
		if active, err := activeAt(c, day0+uint64(len(tick))); err != nil {
			return err
		} else if active == uint64(r.NodeRoleSlots) {
			activeDays++
		}
	}
	// A 3-day halt: the next block catches up the days that ended meanwhile (3, all
	// within max_days_per_block), each a full tick. Three halts, the median.
	var catchup []time.Duration
	for range 3 {
		took, days, err := timed(72 * time.Hour)
		if err != nil {
			return err
		}
		catchup = append(catchup, took)
		r.CatchupDays = int(days)
	}
	// The worst a block can do: a halt longer than max_days_per_block days.
	worst, worstDays, err := timed(time.Duration(maxDays+8) * 24 * time.Hour)
	if err != nil {
		return err
	}
	r.BlockNoTickMs = ms(median(noTick))
	r.BlockTickMs = ms(median(tick))
	r.BlockCatchupMs = ms(median(catchup))
	r.Notes = append(r.Notes,
		fmt.Sprintf("blocks: FinalizeBlock + Commit of empty blocks with %d validator votes, median of %d each; no tick %v ms, tick %v ms (%d of %d ticks found every slot active), %d-day catch-up %v ms (median of %d)",
			len(c.votes), o.blocks, msList(noTick), msList(tick), activeDays, len(tick), r.CatchupDays, msList(catchup), len(catchup)),
		fmt.Sprintf("worst case: a %d-day halt, the next block ticked %d days (max_days_per_block) in %.1f ms (reports written at generate lapse after day %d, so the later days of it have fewer active nodes)",
			maxDays+8, worstDays, ms(worst), reportDays),
		fmt.Sprintf("targets: tick - no tick = %.1f ms (target < 50 ms); catch-up %.1f ms vs %d days x tick %.1f ms",
			r.BlockTickMs-r.BlockNoTickMs, r.BlockCatchupMs, r.CatchupDays, r.BlockTickMs),
	)
	logf("blocks: no tick %.1f ms, tick %.1f ms, catch-up (%d days) %.1f ms, %d-day catch-up %.1f ms",
		r.BlockNoTickMs, r.BlockTickMs, r.CatchupDays, r.BlockCatchupMs, worstDays, ms(worst))
	return nil
}

// activeAt is the number of active node-roles the tick of day counted.
func activeAt(c *chain, day uint64) (uint64, error) {
	ctx := c.app.NewContext(true)
	var n uint64
	for _, r := range portypes.AllRoles {
		rd, err := c.app.PorKeeper.RoleDays.Get(ctx, collectionsPair(r, day))
		if err != nil {
			return 0, fmt.Errorf("role day %s %d: %w", r.Short(), day, err)
		}
		n += rd.Active
	}
	return n, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return round(float64(d.Microseconds())/1000, 2) }

func msList(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = round(float64(d.Microseconds())/1000, 1)
	}
	return out
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

func cpuModel() string {
	model := "unknown"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		s := bufio.NewScanner(f)
		for s.Scan() {
			if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores", model, runtime.NumCPU())
}
