package app_test

import (
	"testing"
	"time"

	"github.com/aegis-chain/aegis/testutil"
	emissionkeeper "github.com/aegis-chain/aegis/x/emission/keeper"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
)

// BenchmarkQueryContext: what every gRPC query pays before its handler runs (a context on
// the latest committed state: app/querystore.go), alone and with the emission status
// query, the cheapest handler the bench's query run calls.
func BenchmarkQueryContext(b *testing.B) {
	c := testutil.NewTestChain(b, 1, nil)
	c.NextBlock(time.Second)
	b.Run("context", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.App.CreateQueryContext(0, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	q := emissionkeeper.NewQuerier(c.App.EmissionKeeper)
	b.Run("status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, err := c.App.CreateQueryContext(0, false)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := q.Status(ctx, &emissiontypes.QueryStatusRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
