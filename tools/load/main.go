// Command load measures an Aegis chain under load: included tx/s and block execution time
// of bank sends, resource reports and reports through authz MsgExec, and the latency of
// gRPC queries; and renders docs/performance.md from those results, the Go benchmarks and
// the full-scale run. scripts/bench.sh (make bench) drives it; see docs/performance.md.
//
//	load genesis -nodes N -o accounts.json       funded keys for bulk-add-genesis-account
//	load run     -nodes N -out load.json         setup + tx scenarios against a running chain
//	load query   -out query.json                 64 concurrent gRPC clients per query
//	load render  -dir build/bench -o docs/performance.md
package main

import (
	"fmt"
	"os"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func main() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount("aegis", "aegispub")
	cfg.SetBech32PrefixForValidator("aegisvaloper", "aegisvaloperpub")
	cfg.SetBech32PrefixForConsensusNode("aegisvalcons", "aegisvalconspub")
	cfg.Seal()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load genesis|run|query|render [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "genesis":
		err = cmdGenesis(os.Args[2:])
	case "run":
		err = cmdRun(os.Args[2:])
	case "query":
		err = cmdQuery(os.Args[2:])
	case "render":
		err = cmdRender(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: genesis, run, query or render", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}
