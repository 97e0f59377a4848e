package dataset

import (
	"context"
	"testing"

	"github.com/aegis-chain/aegis/x/por/post"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// BenchmarkBuild is a build at the default label cost on every core: the rate a node
// builds its datasets at (labels/s, and per core).
func BenchmarkBuild(b *testing.B) {
	const labels = 1 << 13
	k := Key{Role: portypes.NODE_ROLE_WORKER, ScryptN: post.DefaultParams().ScryptN}
	var workers int
	b.SetBytes(labels * post.LabelSize)
	for b.Loop() {
		s := newStore(b)
		workers = s.workers()
		if _, err := s.Build(context.Background(), k, labels); err != nil {
			b.Fatal(err)
		}
	}
	rate := float64(labels*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "labels/s")
	b.ReportMetric(rate/float64(workers), "labels/s/core")
}

// BenchmarkProve is a challenge's scan on every core with the default proof sizes, the
// file in the page cache: the CPU's scan rate (a disk slower than it is the limit).
func BenchmarkProve(b *testing.B) {
	const labels = 1 << 19
	s := newStore(b)
	if _, err := s.Build(context.Background(), testKey, labels); err != nil {
		b.Fatal(err)
	}
	p := testParams()
	var workers int
	b.SetBytes(labels * post.LabelSize)
	c := uint64(0)
	for b.Loop() {
		res, err := s.Prove(context.Background(), testKey, labels, challengeValue(c), p)
		if err != nil {
			b.Fatal(err)
		}
		workers = res.Workers
		c++
	}
	rate := float64(labels*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "labels/s")
	b.ReportMetric(rate/float64(workers), "labels/s/core")
}
