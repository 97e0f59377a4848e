// Package soak is the summary make soak writes (tests/system/soak_test.go) and tools/load
// renders into docs/performance.md; the last run's is kept in docs/soak with its plot.
package soak

// Summary is one soak run.
type Summary struct {
	Commit          string       `json:"commit"` // the commit the net's binaries were built from
	Date            string       `json:"date"`
	Duration        string       `json:"duration"`
	IAVLCacheSize   string       `json:"iavl_cache_size"`
	Blocks          int64        `json:"blocks"`
	DaysIssued      uint64       `json:"days_issued"`
	Load            LoadCounts   `json:"load"`
	Nodes           []NodeResult `json:"nodes"`
	IntervalMedian  float64      `json:"interval_median_s"`
	IntervalP99     float64      `json:"interval_p99_s"`
	IntervalMax     float64      `json:"interval_max_s"`
	IntervalsOver2s int          `json:"intervals_over_2s"`
}

// LoadCounts is what the load did.
type LoadCounts struct {
	Queries     int64 `json:"queries"`
	QueryErrors int64 `json:"query_errors"`
	TxOK        int64 `json:"tx_ok"`
	TxFailed    int64 `json:"tx_failed"`
}

// NodeResult compares a node's first minute after the warm-up with its last minute.
type NodeResult struct {
	Name                                                string
	RSSAfterWarmup, RSSEnd, RSSGrowthPct, RSSMax        float64
	RSSAnonAfterWarmup, RSSAnonEnd, RSSAnonGrowthPct    float64
	HeapAfterWarmup, HeapEnd                            float64
	GoroutinesAfterWarmup, GoroutinesEnd, GoroutinesMax int
	BlocksRun, BlocksOver91ms                           int64 // CometBFT's FinalizeBlock histogram
	BlockTimeMeanMs                                     float64
}
