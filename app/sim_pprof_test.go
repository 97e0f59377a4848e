//go:build sims

package app_test

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

// SIM_PPROF=host:port serves net/http/pprof during a simulation (make sim), to see what a
// run holds: go tool pprof http://host:port/debug/pprof/heap.
func init() {
	if addr := os.Getenv("SIM_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
