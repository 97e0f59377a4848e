// Package dataset keeps a resource node's storage-challenge datasets on disk: for each
// role the node's reports give storage, the labels of x/por/post derived from the
// operator's address, the role and the nonce the report commits (post.Seed, post.Label).
// A storage challenge is answered by one scan of them (Prove); nothing else is stored, as
// the chain recomputes the few labels it checks from their indexes.
//
// The store is one directory (<home>/data/post) of datasets, each two files named by its
// Key, <role>-n<nonce>-s<scrypt_n>:
//
//	worker-n0-s256.labels  the labels, label i at offset 16·i (post.LabelSize)
//	worker-n0-s256.json    Meta: operator, role, nonce, scrypt_n, the labels asked for and
//	                       how many are built (labels [0, built) are synced to disk)
//
// plus a lock file while it is being built. A label does not depend on the dataset's
// size, so one file serves every size: a larger storage extends it, a smaller one proves
// over its first labels. A build resumes where the last one stopped (Build).
package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/post"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// DirName is the store's directory in the node's data directory (<home>/data/post).
const DirName = "post"

// The suffixes of a dataset's files.
const (
	LabelsExt = ".labels"
	MetaExt   = ".json"
	lockExt   = ".lock"
)

// formatVersion names the layout above; a dataset of another version is rebuilt.
const formatVersion = 2

var (
	// ErrMissing: the dataset is not on disk.
	ErrMissing = errors.New("dataset missing")
	// ErrIncomplete: the dataset is on disk but fewer of its labels are built than asked
	// for (a build not finished, or one for a smaller storage).
	ErrIncomplete = errors.New("dataset incomplete")
	// ErrCorrupt: the files are there but not what the metadata says (size, labels).
	ErrCorrupt = errors.New("dataset corrupt")
	// ErrMismatch: the metadata names another operator, role, nonce or label cost.
	ErrMismatch = errors.New("dataset of another operator or key")
	// ErrBusy: another build of the same dataset holds its lock.
	ErrBusy = errors.New("dataset being built by another process")
	// ErrNoProof: a scan found no nonce with K2 passing labels.
	ErrNoProof = errors.New("no storage proof")
)

// Key names one dataset of the node.
type Key struct {
	Role    portypes.NodeRole
	Nonce   uint64
	ScryptN uint32
}

// RoleName is the short lower-case name of a role ("worker"), as file names and logs use it.
func RoleName(r portypes.NodeRole) string {
	return strings.ToLower(strings.TrimPrefix(r.String(), "NODE_ROLE_"))
}

// Name is the dataset's file name without its extension: <role>-n<nonce>-s<scrypt_n>.
func (k Key) Name() string { return fmt.Sprintf("%s-n%d-s%d", RoleName(k.Role), k.Nonce, k.ScryptN) }

func (k Key) String() string {
	return fmt.Sprintf("role %s nonce %d scrypt_n %d", RoleName(k.Role), k.Nonce, k.ScryptN)
}

// Validate checks the key can name a dataset: a role and a label cost post accepts.
func (k Key) Validate() error {
	if k.Role == portypes.NODE_ROLE_UNSPECIFIED {
		return errors.New("a dataset belongs to a role")
	}
	p := post.DefaultParams()
	p.ScryptN = k.ScryptN
	return p.Validate()
}

// DiskSize is the size of a dataset of n labels.
func DiskSize(n uint64) int64 { return int64(n) * post.LabelSize }

// Meta describes a dataset on disk.
type Meta struct {
	Version  int    `json:"version"`
	Operator string `json:"operator"`
	Role     string `json:"role"`
	Nonce    uint64 `json:"nonce"`
	ScryptN  uint32 `json:"scrypt_n"`
	// Labels is the size the last build was asked for; Built counts the labels on disk:
	// [0, Built) are derived and synced. Built may be below Labels (a build cut short) or
	// above it (a build for a smaller storage than an earlier one).
	Labels uint64 `json:"labels"`
	Built  uint64 `json:"built"`
	// BuildSeconds is the time spent building so far, over every resumed run.
	BuildSeconds float64   `json:"build_seconds"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Key is the key m describes (the role named, not checked).
func (m Meta) Key() Key {
	return Key{Role: portypes.NodeRole(portypes.NodeRole_value[m.Role]), Nonce: m.Nonce, ScryptN: m.ScryptN}
}

// Complete reports whether m holds the first n labels.
func (m Meta) Complete(n uint64) bool { return m.Built >= n }

// check compares m with the dataset operator expects under key.
func (m Meta) check(operator sdk.AccAddress, key Key, path string) error {
	if m.Operator != operator.String() || m.Role != key.Role.String() || m.Nonce != key.Nonce || m.ScryptN != key.ScryptN {
		return fmt.Errorf("%w: %s holds the dataset of %s (role %s nonce %d scrypt_n %d), not %s's of %s; remove it",
			ErrMismatch, path, m.Operator, m.Role, m.Nonce, m.ScryptN, operator, key)
	}
	return nil
}

// readMeta reads and checks the metadata file at path: ErrMissing when it is not there,
// ErrCorrupt when it cannot be read or is of another format.
func readMeta(path string) (Meta, error) {
	bz, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Meta{}, fmt.Errorf("%w: no %s", ErrMissing, path)
	} else if err != nil {
		return Meta{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var m Meta
	if err := json.Unmarshal(bz, &m); err != nil {
		return Meta{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	switch {
	case m.Version != formatVersion:
		return Meta{}, fmt.Errorf("%w: %s is format %d, this aegis-node reads %d", ErrCorrupt, path, m.Version, formatVersion)
	case m.Built > post.MaxLabels || m.Labels > post.MaxLabels:
		return Meta{}, fmt.Errorf("%w: %s: %d labels built of %d", ErrCorrupt, path, m.Built, m.Labels)
	}
	return m, nil
}

// writeMeta writes m to path atomically (a synced temporary file renamed over it).
func writeMeta(path string, m Meta) error {
	bz, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(bz, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename in dir durable where the system allows it (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
