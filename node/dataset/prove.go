package dataset

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aegis-chain/aegis/x/por/post"
)

// scanBlock is how many labels a scan reads at once: 1 MiB.
const scanBlock = 1 << 16

// ProveResult is what a scan found.
type ProveResult struct {
	// Proof is the proof (when Prove returns no error) and Indexes its indexes packed as
	// MsgAnswerChallenge carries them (post.EncodeIndexes).
	Proof   post.Proof
	Indexes []byte
	// Labels is the dataset size scanned; Deleted counts the labels that read as zero (a
	// label is zero by chance once in 2^128: these are deleted) and were skipped.
	Labels  uint64
	Deleted uint64
	// Best is the most passing labels one nonce found (K2 or more when there is a proof).
	Best    int
	Took    time.Duration
	Workers int
}

// Rate is the scan's rate in labels per second.
func (r ProveResult) Rate() float64 {
	if r.Took <= 0 {
		return 0
	}
	return float64(r.Labels) / r.Took.Seconds()
}

// Prove answers a storage challenge from k's first n labels: one scan of them, read in
// order from disk and scored on every core (each core a post.Prover over the blocks it is
// given, merged at the end), under the challenge value and p's K1, K2 and nonces. It reads
// only labels the metadata says are built, so it may run while a build extends the
// dataset. A dataset without the n labels is an error wrapping ErrMissing, ErrIncomplete,
// ErrCorrupt or ErrMismatch; a scan that finds no nonce with K2 passing labels (a
// dataset with labels deleted or overwritten, or an honest node's rare bad luck) returns
// the result with an error wrapping ErrNoProof that says how close it came. Builds of the
// same Store pause while it scans.
func (s *Store) Prove(ctx context.Context, k Key, n uint64, value []byte, p post.Params) (ProveResult, error) {
	p.ScryptN = k.ScryptN // the scan does not use it; the dataset's is the one that matters
	if err := p.Validate(); err != nil {
		return ProveResult{}, fmt.Errorf("proof params: %w", err)
	}
	if n == 0 || n > post.MaxLabels {
		return ProveResult{}, fmt.Errorf("a dataset has 1 to %d labels, not %d", uint64(post.MaxLabels), n)
	}
	if err := s.Ready(k, n); err != nil {
		return ProveResult{}, err
	}
	f, err := os.Open(s.LabelsPath(k))
	if err != nil {
		return ProveResult{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer f.Close()

	s.scanning.Add(1)
	defer s.scanning.Add(-1)
	start := time.Now()
	blocks := (n + scanBlock - 1) / scanBlock
	workers := int(min(uint64(s.workers()), blocks))
	type block struct {
		first uint64
		buf   []byte
	}
	free := make(chan []byte, 2*workers)
	for range cap(free) {
		free <- make([]byte, scanBlock*post.LabelSize)
	}
	work := make(chan block, 2*workers)
	provers := make([]*post.Prover, workers)
	deleted := make([]uint64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		provers[w] = post.NewProver(value, p, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr := provers[w]
			for b := range work {
				for j := 0; j+post.LabelSize <= len(b.buf); j += post.LabelSize {
					l := b.buf[j : j+post.LabelSize]
					if binary.LittleEndian.Uint64(l)|binary.LittleEndian.Uint64(l[8:]) == 0 {
						deleted[w]++
						continue
					}
					pr.Add(b.first+uint64(j/post.LabelSize), l)
				}
				free <- b.buf[:cap(b.buf)]
			}
		}()
	}
	var readErr error
	for first := uint64(0); first < n; first += scanBlock {
		if err := ctx.Err(); err != nil {
			readErr = fmt.Errorf("scanning %s: %w", k, err)
			break
		}
		buf := (<-free)[:min(scanBlock, n-first)*post.LabelSize]
		if _, err := f.ReadAt(buf, int64(first)*post.LabelSize); err != nil {
			readErr = fmt.Errorf("%w: reading labels %d.. of %s: %v", ErrCorrupt, first, s.LabelsPath(k), err)
			break
		}
		work <- block{first: first, buf: buf}
	}
	close(work)
	wg.Wait()
	res := ProveResult{Labels: n, Took: time.Since(start), Workers: workers}
	if readErr != nil {
		return res, readErr
	}
	pr := provers[0]
	for w := 1; w < workers; w++ {
		pr.Merge(provers[w])
	}
	for _, d := range deleted {
		res.Deleted += d
	}
	res.Best = pr.Best()
	proof, ok := pr.Proof()
	if !ok {
		return res, fmt.Errorf("%w: the scan of %s's %d labels found at most %d passing labels for one nonce, a proof needs K2 = %d (a full dataset has about K1 = %d for each of %d nonces); %d labels read as deleted: the dataset is incomplete or damaged (or, once in thousands of challenges, unlucky)",
			ErrNoProof, k, n, res.Best, p.K2, p.K1, p.Nonces, res.Deleted)
	}
	res.Proof, res.Indexes = proof, post.EncodeIndexes(proof.Indexes, n)
	return res, nil
}
