// Command fullscale builds the full-scale Aegis state (every x/por slot filled, every
// license minted and bound) and measures the chain on it: InitGenesis and export of the
// real binary, and the FinalizeBlock + Commit time of blocks with and without a day tick.
//
//	go run ./tools/fullscale generate -o <dir>
//	go run ./tools/fullscale measure -genesis <dir>/genesis.json -out <dir>
//	go run ./tools/fullscale all -o <dir>            # both; generate is skipped when cached
//
// See tools/fullscale/README.md.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"time"
)

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  fullscale generate -o <dir> [-validators 5] [-scale 1] [-force]
  fullscale measure -genesis <file> -out <dir> [-aegisd <binary>] [-skip-binary]
  fullscale all -o <dir> [flags of both]`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s fullscale: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	var err error
	switch os.Args[1] {
	case "generate", "all", "measure":
		err = run(os.Args[1], os.Args[2:], logf)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fullscale:", err)
		os.Exit(1)
	}
}

func run(cmd string, args []string, logf func(string, ...any)) error {
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	out := fs.String("o", "", "output directory (genesis.json, generate.json, fullscale.json, ...)")
	outAlias := fs.String("out", "", "same as -o")
	genesisFile := fs.String("genesis", "", "measure: the genesis file (default <out>/genesis.json)")
	validators := fs.Int("validators", 5, "generate: number of validators (at least 2)")
	scale := fs.Int("scale", 1, "generate: divide every count by this (1 = full scale; for trying the tool out)")
	force := fs.Bool("force", false, "generate: rebuild even when the output's stamp matches")
	aegisd := fs.String("aegisd", "", "measure: the aegisd binary (default: built from this repository into <out>/aegisd)")
	skipBinary := fs.Bool("skip-binary", false, "measure: skip the aegisd start/export measurements")
	blocks := fs.Int("blocks", 7, "measure: blocks timed of each kind (median)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile: of the build (generate) or of the in-process block runs (measure, all)")
	initprofile := fs.String("initcpuprofile", "", "measure: write a CPU profile of the in-process InitChain")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = *outAlias
	}
	if dir == "" {
		return errors.New("-o <dir> is required")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}

	if *cpuprofile != "" && cmd == "generate" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	var meta *genMeta
	if cmd == "generate" || cmd == "all" {
		stamp := sourceStamp(fmt.Sprintf("validators=%d scale=%d", *validators, *scale))
		if m, ok := cached(dir, stamp); ok && !*force {
			logf("%s/genesis.json is up to date (stamp %s); not regenerating (-force to rebuild)", dir, stamp)
			meta = m
			meta.Notes = append(meta.Notes, fmt.Sprintf("genesis reused from an earlier generate of the same source (stamp %s); generate_seconds is that run's", stamp))
		} else {
			if meta, err = generate(dir, *validators, *scale, stamp, logf); err != nil {
				return err
			}
		}
		if cmd == "generate" {
			return nil
		}
		// The build's state is garbage now: give its memory back before the measurements
		// (it was 10 GB of RSS held through them otherwise).
		debug.FreeOSMemory()
	}
	gen := *genesisFile
	if gen == "" {
		gen = filepath.Join(dir, "genesis.json")
	}
	if meta == nil {
		// measure alone: the layout facts come from generate.json beside the genesis.
		m, err := readMeta(filepath.Join(filepath.Dir(gen), "generate.json"))
		if err != nil {
			return fmt.Errorf("reading generate.json beside %s: %w", gen, err)
		}
		meta = m
	}
	return measure(measureOpts{
		genesis: gen, out: dir, meta: meta, aegisd: *aegisd, skipBinary: *skipBinary,
		blocks: *blocks, cpuprofile: *cpuprofile, initprofile: *initprofile,
	}, logf)
}

func readMeta(file string) (*genMeta, error) {
	bz, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m genMeta
	if err := json.Unmarshal(bz, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// cached returns the meta of dir's generation when its genesis exists and its stamp is
// stamp.
func cached(dir, stamp string) (*genMeta, bool) {
	if stamp == "" {
		return nil, false
	}
	if _, err := os.Stat(filepath.Join(dir, "genesis.json")); err != nil {
		return nil, false
	}
	if _, err := os.Stat(filepath.Join(dir, "priv_validator_key.json")); err != nil {
		return nil, false
	}
	m, err := readMeta(filepath.Join(dir, "generate.json"))
	if err != nil || m.Stamp != stamp {
		return nil, false
	}
	return m, true
}
