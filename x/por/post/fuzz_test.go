package post_test

import (
	"testing"

	"github.com/aegis-chain/aegis/x/por/post"
)

// FuzzDecodeIndexes: any bytes either decode to k strictly increasing indexes inside the
// dataset, which encode back to the same bytes, or are refused; nothing panics.
func FuzzDecodeIndexes(f *testing.F) {
	f.Add([]byte{0x01, 0x02, 0x03}, uint64(1<<20), uint32(1))
	f.Add(post.EncodeIndexes([]uint64{0, 5, 77, 1 << 19}, 1<<20+3), uint64(1<<20+3), uint32(4))
	f.Add([]byte{}, uint64(0), uint32(0))
	f.Fuzz(func(t *testing.T, b []byte, n uint64, k uint32) {
		k %= post.MaxK2 + 1
		n %= post.MaxLabels + 1
		idx, err := post.DecodeIndexes(b, n, k)
		if err != nil {
			return
		}
		if len(idx) != int(k) {
			t.Fatalf("%d indexes, want %d", len(idx), k)
		}
		for i, v := range idx {
			if v >= n || (i > 0 && v <= idx[i-1]) {
				t.Fatalf("index %d = %d: not increasing inside %d labels", i, v, n)
			}
		}
		if got := post.EncodeIndexes(idx, n); string(got) != string(b) {
			t.Fatalf("re-encoded %x, decoded from %x", got, b)
		}
	})
}
