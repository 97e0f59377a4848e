package types

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
)

// Commitment accumulates the license-set commitment: SHA-256 over
// "<id>:<owner>:<operator>\n" for every license in increasing id order. It covers only
// what the testnet-to-mainnet import keeps, so both chains give the same value.
type Commitment struct {
	h hash.Hash
	n uint64
}

// NewCommitment starts an empty commitment.
func NewCommitment() *Commitment { return &Commitment{h: sha256.New()} }

// Add adds the next license; licenses must be added in increasing id order.
func (c *Commitment) Add(l License) {
	fmt.Fprintf(c.h, "%d:%s:%s\n", l.Id, l.Owner, l.Operator)
	c.n++
}

// Sum returns the hex digest and the number of licenses.
func (c *Commitment) Sum() (string, uint64) { return hex.EncodeToString(c.h.Sum(nil)), c.n }

// CommitmentOf computes the commitment of a license list in any order.
func CommitmentOf(licenses []License) (string, uint64) {
	sorted := slices.Clone(licenses)
	slices.SortFunc(sorted, func(a, b License) int { return int(a.Id) - int(b.Id) })
	c := NewCommitment()
	for _, l := range sorted {
		c.Add(l)
	}
	return c.Sum()
}
