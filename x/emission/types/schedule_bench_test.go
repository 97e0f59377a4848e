package types_test

import (
	"testing"

	"github.com/aegis-chain/aegis/x/emission/types"
)

func BenchmarkCumulative(b *testing.B) {
	s := types.DefaultSchedule()
	b.ReportAllocs()
	for d := uint64(0); b.Loop(); d++ {
		s.Cumulative(d%s.LastDay() + 1)
	}
}

func BenchmarkIssue(b *testing.B) {
	s := types.DefaultSchedule()
	b.ReportAllocs()
	for d := uint64(0); b.Loop(); d++ {
		s.Issue(d%s.LastDay() + 1)
	}
}
