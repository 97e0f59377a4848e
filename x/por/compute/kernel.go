package compute

// Kernel multiplies tiles. Every kernel gives bitwise the same products (int8 inputs,
// exact int32 sums); Reference is the pure Go one the chain uses, and a GPU backend is
// another implementation.
type Kernel interface {
	// Name says which kernel it is (logged and shown by the probe).
	Name() string
	// Mul sets t = a · b.
	Mul(a, b *Matrix, t *Product)
}

// Reference is the portable kernel: pure Go, one core, no allocation.
//
// It packs two columns of b into one int64 (b[k][2c] + b[k][2c+1]·2^32) so that one 64-bit
// multiply-add does two int8 MACs. This is exact: a column's partial sums stay within
// [-64·16256, 64·16384] = [-1,040,384, 2^20], so the low lane never borrows more than
// it can return and the high lane (at most 2^20·2^32 = 2^52) never overflows.
type Reference struct{}

// Name implements Kernel.
func (Reference) Name() string { return "go-reference" }

// Mul implements Kernel.
func (Reference) Mul(a, b *Matrix, t *Product) {
	const half = Dim / 2
	var pb [Dim * half]int64
	for k := range Dim {
		row := (*[Dim]int8)(b[k*Dim:])
		out := (*[half]int64)(pb[k*half:])
		for c := range half {
			out[c] = int64(row[2*c]) + int64(row[2*c+1])<<32
		}
	}
	for i := range Dim {
		var acc [half]int64
		ar := (*[Dim]int8)(a[i*Dim:])
		for k := range Dim {
			av := int64(ar[k])
			br := (*[half]int64)(pb[k*half:])
			for c := range half {
				acc[c] += av * br[c]
			}
		}
		tr := (*[Dim]int32)(t[i*Dim:])
		for c := range half {
			lo := int32(uint32(acc[c]))
			tr[2*c] = lo
			tr[2*c+1] = int32((acc[c] - int64(lo)) >> 32)
		}
	}
}
