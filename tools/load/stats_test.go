package main

import (
	"bufio"
	"strings"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, c := range []struct {
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},  // rank ceil(2) = 2
		{ms(1, 2, 3, 4), 51, 3 * time.Millisecond},  // rank ceil(2.04) = 3
		{ms(1, 2, 3, 4), 100, 4 * time.Millisecond}, // the largest
		{ms(1, 2, 3, 4), 0.1, 1 * time.Millisecond}, // never below the smallest
		{ms(hundred...), 99, 99 * time.Millisecond}, // exactly 99% at or below
		{ms(hundred...), 99.5, 100 * time.Millisecond},
		{ms(hundred...), 50, 50 * time.Millisecond},
	} {
		if got := percentile(c.samples, c.p); got != c.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", c.samples, c.p, got, c.want)
		}
	}
}

func TestSummarizeSortsAndConverts(t *testing.T) {
	var s []time.Duration
	for i := 1000; i >= 1; i-- { // unsorted on purpose
		s = append(s, time.Duration(i)*time.Microsecond)
	}
	got := summarize(s)
	if got.P50 != 0.5 || got.P90 != 0.9 || got.P99 != 0.99 || got.Max != 1 {
		t.Fatalf("summarize = %+v, want p50 0.5 p90 0.9 p99 0.99 max 1 (ms)", got)
	}
	if (summarize(nil) != latencySummary{}) {
		t.Fatal("no samples must give zeros")
	}
}

func TestParseHistogram(t *testing.T) {
	text := `# HELP cometbft_state_block_processing_time Time spent processing FinalizeBlock
# TYPE cometbft_state_block_processing_time histogram
cometbft_state_block_processing_time_bucket{chain_id="c",le="1"} 3
cometbft_state_block_processing_time_sum{chain_id="c"} 123.5
cometbft_state_block_processing_time_count{chain_id="c"} 10
cometbft_state_block_processing_time_other 99
cometbft_consensus_height{chain_id="c"} 10
`
	h, ok := parseHistogram(bufio.NewScanner(strings.NewReader(text)), "cometbft_state_block_processing_time")
	if !ok || h.Sum != 123.5 || h.Count != 10 {
		t.Fatalf("got %+v %v, want sum 123.5 count 10", h, ok)
	}
	if _, ok := parseHistogram(bufio.NewScanner(strings.NewReader(text)), "absent_metric"); ok {
		t.Fatal("an absent metric must not be found")
	}
}

func TestNumAcceptsQuotedAndBare(t *testing.T) {
	for in, want := range map[string]num{`"12"`: 12, `12`: 12, `null`: 0, `""`: 0} {
		var n num
		if err := n.UnmarshalJSON([]byte(in)); err != nil || n != want {
			t.Errorf("%s: got %d %v, want %d", in, n, err, want)
		}
	}
}
