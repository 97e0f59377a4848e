package post

import "slices"

// Proof answers a storage challenge: a nonce and K2 strictly increasing indexes of labels
// that pass for it.
type Proof struct {
	Nonce   uint32
	Indexes []uint64
}

// Prover collects, for every nonce, the passing labels it is shown, up to K2 a nonce.
// Labels may come in any order and from several provers (Merge): a scan can be split over
// ranges and cores.
type Prover struct {
	p      Params
	n      uint64
	scorer *Scorer
	found  [][]uint64
	buf    []uint32
}

// NewProver scans for challenge over a dataset of n labels.
func NewProver(challenge []byte, p Params, n uint64) *Prover {
	return &Prover{p: p, n: n, scorer: NewScorer(challenge, p.Nonces, n, p.K1), found: make([][]uint64, p.Nonces)}
}

// Add scores label i.
func (pr *Prover) Add(i uint64, label []byte) {
	pr.buf = pr.scorer.AppendPassing(pr.buf[:0], i, label)
	for _, j := range pr.buf {
		pr.found[j] = append(pr.found[j], i)
	}
}

// Done reports whether some nonce already has K2 labels (a scan in index order may stop).
func (pr *Prover) Done() bool {
	for _, f := range pr.found {
		if len(f) >= int(pr.p.K2) {
			return true
		}
	}
	return false
}

// Merge adds what another prover of the same challenge found.
func (pr *Prover) Merge(o *Prover) {
	for j := range pr.found {
		pr.found[j] = append(pr.found[j], o.found[j]...)
	}
}

// Best is the most labels one nonce found (how close a failed scan came).
func (pr *Prover) Best() int {
	best := 0
	for _, f := range pr.found {
		best = max(best, len(f))
	}
	return best
}

// Proof is the lowest nonce with K2 passing labels and its K2 lowest indexes; false when
// no nonce has enough (the dataset is incomplete, or an honest node's rare bad luck).
func (pr *Prover) Proof() (Proof, bool) {
	for j, f := range pr.found {
		if len(f) < int(pr.p.K2) {
			continue
		}
		idx := slices.Clone(f)
		slices.Sort(idx)
		idx = slices.Compact(idx)
		if len(idx) < int(pr.p.K2) {
			continue
		}
		return Proof{Nonce: uint32(j), Indexes: idx[:pr.p.K2]}, true
	}
	return Proof{}, false
}

// Found is what nonce j found so far, in the order shown.
func (pr *Prover) Found(j uint32) []uint64 { return slices.Clone(pr.found[j]) }
