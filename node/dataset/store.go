package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DirName is the store's directory in the node's data directory (<home>/data/dataset).
const DirName = "dataset"

// The store's subdirectories. The previous dataset is kept because the challenge of a
// report is issued at the start of the next day, when the next report (made with a new
// dataset if the measured storage changed) may already have replaced it.
const (
	currentDir  = "current"
	previousDir = "previous"
	buildPrefix = "build-"
)

// Store keeps the node's current dataset and the one before it. Build (the reporter) and
// OpenFor (the challenge answerer) may run at the same time: a build happens in a
// directory of its own, and only the renames that put it in place take the lock.
type Store struct {
	Dir      string
	Operator sdk.AccAddress
	// Progress, when set, is called during Build with the leaves derived so far.
	Progress func(done uint64)

	mu sync.Mutex
}

// NewStore is the store of operator's datasets in dir.
func NewStore(dir string, operator sdk.AccAddress) *Store {
	return &Store{Dir: dir, Operator: operator}
}

func (s *Store) spec(leaves uint64, work uint32) Spec {
	return Spec{Operator: s.Operator, Leaves: leaves, LeafWork: work}
}

// Current is the root of the current dataset if it is the one of leaves leaves of work;
// otherwise an error wrapping ErrMissing, ErrCorrupt or ErrMismatch says why not.
func (s *Store) Current(leaves uint64, work uint32) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := Open(filepath.Join(s.Dir, currentDir), s.spec(leaves, work))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Root(), nil
}

// Build builds the dataset of leaves leaves of work and makes it the current one (the
// current one becomes the previous one), and returns its root.
func (s *Store) Build(ctx context.Context, leaves uint64, work uint32) ([]byte, error) {
	spec := s.spec(leaves, work)
	if err := s.removeBuilds(); err != nil {
		return nil, err
	}
	dir := filepath.Join(s.Dir, fmt.Sprintf("%s%d", buildPrefix, time.Now().UnixNano()))
	meta, err := BuildProgress(ctx, dir, spec, s.Progress)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("building the dataset (%s) in %s: %w", spec, dir, err)
	}
	if err := s.install(dir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	root, err := s.Current(leaves, work)
	if err != nil { // removed or damaged the moment it was put in place
		return nil, fmt.Errorf("the dataset just built (root %s) cannot be opened: %w", meta.Root, err)
	}
	return root, nil
}

// Ensure is Current, or Build when the current dataset is not the one asked for; built
// says whether it built.
func (s *Store) Ensure(ctx context.Context, leaves uint64, work uint32) (root []byte, built bool, err error) {
	if root, err := s.Current(leaves, work); err == nil {
		return root, false, nil
	}
	root, err = s.Build(ctx, leaves, work)
	return root, err == nil, err
}

// install makes the built dir current and the current one previous.
func (s *Store) install(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, prev := filepath.Join(s.Dir, currentDir), filepath.Join(s.Dir, previousDir)
	if err := os.RemoveAll(prev); err != nil {
		return err
	}
	if err := os.Rename(cur, prev); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Rename(dir, cur)
}

// removeBuilds removes what builds cut short (a crash, a stop) left behind.
func (s *Store) removeBuilds() error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), buildPrefix) {
			if err := os.RemoveAll(filepath.Join(s.Dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// OpenFor opens the stored dataset whose root is root (current or previous) for a
// challenge. It never builds: a dataset not on disk is an error wrapping ErrMissing (or
// ErrCorrupt, ErrMismatch when what is there is damaged or another one).
func (s *Store) OpenFor(root []byte, leaves uint64, work uint32) (*Dataset, error) {
	spec := s.spec(leaves, work)
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, name := range []string{currentDir, previousDir} {
		d, err := Open(filepath.Join(s.Dir, name), spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if bytes.Equal(d.Root(), root) {
			return d, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w: its root is %X", name, ErrMismatch, d.Root()))
		d.Close()
	}
	return nil, fmt.Errorf("no dataset with root %X (%s) in %s: %w", root, spec, s.Dir, errors.Join(errs...))
}

// Built describes the current dataset as its meta.json says, without checking it is the
// one a report needs (Current does): Disk is the size of its files.
type Built struct {
	Meta
	Dir  string `json:"dir"`
	Disk int64  `json:"disk_bytes"`
}

// CurrentMeta is the current dataset's metadata; an error wrapping ErrMissing when there
// is none.
func (s *Store) CurrentMeta() (Built, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dir := filepath.Join(s.Dir, currentDir)
	m, _, err := readMeta(dir)
	if err != nil {
		return Built{}, err
	}
	b := Built{Meta: m, Dir: dir}
	for _, f := range []string{LeavesFile, TreeFile, MetaFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			b.Disk += st.Size()
		}
	}
	return b, nil
}
