package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/post"
)

// DefaultProgressEvery is how often a build persists its progress and reports it.
const DefaultProgressEvery = 2 * time.Second

// Store keeps an operator's datasets in Dir. Build (the reporter, `aegis-node dataset
// build`) and Prove (the challenge answerer) may run at the same time, in one process or
// two: a build only writes past the labels its metadata says are built, and a scan only
// reads labels the metadata says are built. Two builds of one dataset exclude each other
// with a lock file (ErrBusy).
type Store struct {
	Dir      string
	Operator sdk.AccAddress
	// Workers is how many cores a build or a scan uses (runtime.NumCPU() when 0).
	Workers int
	// Progress, when set, is called during Build every ProgressEvery
	// (DefaultProgressEvery when 0), and once at its end.
	Progress      func(Progress)
	ProgressEvery time.Duration

	// scanning counts this store's scans under way: builds pause between chunks while
	// there is one, as an answer has a deadline and a build does not.
	scanning atomic.Int32
}

// NewStore is the store of operator's datasets in dir.
func NewStore(dir string, operator sdk.AccAddress) *Store {
	return &Store{Dir: dir, Operator: operator}
}

func (s *Store) workers() int {
	if s.Workers > 0 {
		return s.Workers
	}
	return runtime.NumCPU()
}

func (s *Store) progressEvery() time.Duration {
	if s.ProgressEvery > 0 {
		return s.ProgressEvery
	}
	return DefaultProgressEvery
}

// LabelsPath and MetaPath are the files of k's dataset.
func (s *Store) LabelsPath(k Key) string { return filepath.Join(s.Dir, k.Name()+LabelsExt) }
func (s *Store) MetaPath(k Key) string   { return filepath.Join(s.Dir, k.Name()+MetaExt) }
func (s *Store) lockPath(k Key) string   { return filepath.Join(s.Dir, k.Name()+lockExt) }

// Seed is the seed of k's labels for the store's operator.
func (s *Store) Seed(k Key) [32]byte { return post.Seed(s.Operator, int32(k.Role), k.Nonce) }

// Meta is the metadata of k's dataset, checked against the operator and k, with Built
// lowered to the labels the file holds. Errors wrap ErrMissing, ErrCorrupt or ErrMismatch.
func (s *Store) Meta(k Key) (Meta, error) {
	m, err := readMeta(s.MetaPath(k))
	if err != nil {
		return Meta{}, err
	}
	if err := m.check(s.Operator, k, s.MetaPath(k)); err != nil {
		return Meta{}, err
	}
	st, err := os.Stat(s.LabelsPath(k))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Meta{}, fmt.Errorf("%w: no %s (its metadata is there)", ErrMissing, s.LabelsPath(k))
	case err != nil:
		return Meta{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if have := uint64(st.Size()) / post.LabelSize; have < m.Built {
		return m, fmt.Errorf("%w: %s holds %d labels, its metadata says %d are built (truncated)", ErrCorrupt, s.LabelsPath(k), have, m.Built)
	}
	return m, nil
}

// Ready is nil when k's dataset holds its first n labels; otherwise an error wrapping
// ErrMissing, ErrIncomplete, ErrCorrupt or ErrMismatch says why not.
func (s *Store) Ready(k Key, n uint64) error {
	m, err := s.Meta(k)
	if err != nil {
		return err
	}
	if !m.Complete(n) {
		return fmt.Errorf("%w: %d of the %d labels of %s are built", ErrIncomplete, m.Built, n, k)
	}
	return nil
}

// Verify recomputes samples labels of k's first n, drawn evenly with the first and the
// last, and compares them with the file: ErrCorrupt names the first that differs (a
// label overwritten or zeroed since the build). It costs samples labels of CPU.
func (s *Store) Verify(k Key, n uint64, samples int) error {
	if err := s.Ready(k, n); err != nil {
		return err
	}
	f, err := os.Open(s.LabelsPath(k))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer f.Close()
	seed := s.Seed(k)
	got := make([]byte, post.LabelSize)
	for _, i := range sampleIndexes(n, samples, seed) {
		if _, err := f.ReadAt(got, int64(i)*post.LabelSize); err != nil {
			return fmt.Errorf("%w: reading label %d: %v", ErrCorrupt, i, err)
		}
		if want := post.Label(seed[:], i, k.ScryptN); !bytes.Equal(got, want[:]) {
			return fmt.Errorf("%w: label %d of %s is not the one derived (overwritten or deleted)", ErrCorrupt, i, s.LabelsPath(k))
		}
	}
	return nil
}

// sampleIndexes are samples indexes in [0, n): the first, the last, and the others spread
// over the dataset at offsets drawn from seed (the same every time for one dataset).
func sampleIndexes(n uint64, samples int, seed [32]byte) []uint64 {
	if n == 0 || samples <= 0 {
		return nil
	}
	out := []uint64{0, n - 1}
	h := binary.BigEndian.Uint64(seed[:8])
	for j := 2; j < samples; j++ {
		h = h*6364136223846793005 + 1442695040888963407
		out = append(out, h%n)
	}
	out = out[:min(len(out), samples)]
	slices.Sort(out)
	return slices.Compact(out)
}

// Listed is a dataset found in the store: its metadata (as far as it could be read), the
// size of its label file and what is wrong with it, if anything.
type Listed struct {
	Meta
	Name      string `json:"name"`
	Path      string `json:"path"`
	DiskBytes int64  `json:"disk_bytes"`
	Problem   string `json:"problem,omitempty"`
}

// List is every dataset in the store, by name.
func (s *Store) List() ([]Listed, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []Listed
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), MetaExt)
		if !ok || e.IsDir() {
			continue
		}
		l := Listed{Name: name, Path: filepath.Join(s.Dir, name+LabelsExt)}
		if st, err := os.Stat(l.Path); err == nil {
			l.DiskBytes = st.Size()
		}
		m, err := readMeta(filepath.Join(s.Dir, e.Name()))
		if err == nil {
			l.Meta = m
			if m.Key().Name() != name {
				err = fmt.Errorf("%w: its metadata names %s", ErrMismatch, m.Key().Name())
			} else {
				_, err = s.Meta(m.Key())
			}
		}
		if err != nil {
			l.Problem = err.Error()
		}
		out = append(out, l)
	}
	return out, nil
}

// Remove deletes k's dataset (nothing when it is not there). It does not wait for a build
// of it: a build holding its lock is ErrBusy.
func (s *Store) Remove(k Key) error {
	unlock, err := lockFile(s.lockPath(k))
	if err != nil {
		return err
	}
	defer unlock()
	var errs []error
	for _, p := range []string{s.MetaPath(k), s.LabelsPath(k)} { // metadata first: no dataset without labels
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
