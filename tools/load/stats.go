package main

import (
	"math"
	"slices"
	"time"
)

// percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted: the smallest
// sample with at least p% of the samples at or below it. 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// latencySummary sorts samples (in place) and summarizes them in milliseconds.
type latencySummary struct {
	P50, P90, P99, Max float64 // ms
}

func summarize(samples []time.Duration) latencySummary {
	slices.Sort(samples)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	var s latencySummary
	if len(samples) == 0 {
		return s
	}
	s.P50, s.P90, s.P99 = ms(percentile(samples, 50)), ms(percentile(samples, 90)), ms(percentile(samples, 99))
	s.Max = ms(samples[len(samples)-1])
	return s
}
