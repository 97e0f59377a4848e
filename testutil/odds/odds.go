// Package odds is the analysis of docs/verification.md: the chances that a storage or compute proof
// passes, for the docs and the tests. It is floating point, so it lives in testutil, outside
// the module tree: only tests import it, never a state-machine package (the chain checks a
// proof with integer arithmetic in x/por/post). Counts of passing labels are Poisson:
// a dataset of n labels has about K1 passing a nonce, a node keeping a fraction f of them
// finds about f·K1.
package odds

import (
	"math"

	"github.com/aegis-chain/aegis/x/por/post"
)

func poissonPMF(lambda float64, k int) float64 {
	if lambda == 0 {
		if k == 0 {
			return 1
		}
		return 0
	}
	lg, _ := math.Lgamma(float64(k + 1))
	return math.Exp(-lambda + float64(k)*math.Log(lambda) - lg)
}

// HonestFailure is the chance that no nonce of a full dataset reaches K2.
func HonestFailure(p post.Params) float64 {
	below := 0.0
	for k := 0; k < int(p.K2); k++ {
		below += poissonPMF(float64(p.K1), k)
	}
	return math.Pow(below, float64(p.Nonces))
}

// PartialPass is the chance that a node keeping a fraction f of its labels passes, playing
// its best: it takes the nonce with the most passing labels it holds, r, and when r < K2
// pads the proof with K2-r indexes it cannot check, hoping the chain's rechecks miss them
// all (C(r, rechecks) / C(K2, rechecks)).
func PartialPass(f float64, p post.Params) float64 {
	lambda := f * float64(p.K1)
	k2, m := int(p.K2), float64(p.Nonces)
	cdf := make([]float64, k2)
	acc := 0.0
	for k := range cdf {
		acc += poissonPMF(lambda, k)
		cdf[k] = acc
	}
	pass := 1 - math.Pow(cdf[k2-1], m) // some nonce reaches K2 without padding
	for r := int(p.Rechecks); r < k2; r++ {
		pMax := math.Pow(cdf[r], m) - math.Pow(cdf[r-1], m)
		pass += pMax * chooseRatio(r, k2, int(p.Rechecks))
	}
	return pass
}

// chooseRatio is C(r, k) / C(n, k).
func chooseRatio(r, n, k int) float64 {
	out := 1.0
	for i := range k {
		out *= float64(r-i) / float64(n-i)
	}
	return out
}

// ComputePass is the chance that a compute proof passes when the prover computed kept of
// its tiles tiles (the rest are made up): every one of the min(samples, tiles) distinct
// tiles drawn must be a computed one, C(kept, k) / C(tiles, k) <= (kept/tiles)^k.
func ComputePass(kept, tiles uint64, samples uint32) float64 {
	k := min(uint64(samples), tiles)
	if kept < k {
		return 0
	}
	return chooseRatio(int(kept), int(tiles), int(k))
}

// ComputeWindowPass is the chance that a prover with rate times the compute it declared
// passes a proof whose commit window is window times the honest work: it computes at most
// min(1, rate·window) of the tiles in time, for a large tiles.
func ComputeWindowPass(rate, window float64, samples uint32) float64 {
	return math.Pow(min(1, rate*window), float64(samples))
}
