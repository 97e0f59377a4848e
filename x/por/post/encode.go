package post

import (
	"errors"
	"fmt"
)

// EncodeIndexes packs strictly increasing indexes of a dataset of n labels, IndexBits(n)
// bits each, most significant first.
func EncodeIndexes(idx []uint64, n uint64) []byte {
	w := IndexBits(n)
	out := make([]byte, (len(idx)*w+7)/8)
	bit := 0
	for _, v := range idx {
		for b := w - 1; b >= 0; b-- {
			if v>>uint(b)&1 == 1 {
				out[bit/8] |= 0x80 >> uint(bit%8)
			}
			bit++
		}
	}
	return out
}

// DecodeIndexes unpacks exactly k indexes of a dataset of n labels and checks that they
// are strictly increasing and inside the dataset, and that no bit is left over.
func DecodeIndexes(b []byte, n uint64, k uint32) ([]uint64, error) {
	w := IndexBits(n)
	if want := (int(k)*w + 7) / 8; len(b) != want {
		return nil, fmt.Errorf("%d indexes of %d bits take %d bytes, got %d", k, w, want, len(b))
	}
	out := make([]uint64, k)
	bit := 0
	for j := range out {
		var v uint64
		for range w {
			v = v<<1 | uint64(b[bit/8]>>(7-uint(bit%8))&1)
			bit++
		}
		switch {
		case v >= n:
			return nil, fmt.Errorf("index %d is outside the dataset of %d labels", v, n)
		case j > 0 && v <= out[j-1]:
			return nil, errors.New("indexes must be strictly increasing")
		}
		out[j] = v
	}
	for ; bit < len(b)*8; bit++ {
		if b[bit/8]>>(7-uint(bit%8))&1 != 0 {
			return nil, errors.New("padding bits must be zero")
		}
	}
	return out, nil
}
