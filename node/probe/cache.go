package probe

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// CacheFile is the file name the cache keeps in its directory.
const CacheFile = "probe.json"

// DefaultInterval re-probes daily, matching the one report per role per day.
const DefaultInterval = 24 * time.Hour

// Cache keeps the last measurement as JSON in Dir, so the daemon reports from it and only
// probes again every Interval (probing takes seconds of CPU and disk, a report should not).
// A zero Interval means DefaultInterval.
type Cache struct {
	Dir      string
	Interval time.Duration
}

// ErrNoCache is returned by Load when no measurement has been saved yet.
var ErrNoCache = errors.New("probe: no cached measurement")

// otherVersionError is Load's error for a cache written for another conversion version:
// stale after an upgrade, not corrupt.
type otherVersionError struct{ path, version string }

func (e otherVersionError) Error() string {
	return fmt.Sprintf("probe: the cache %s was measured for conversion version %q but this aegis-node converts version %q; probe again", e.path, e.version, ConversionVersion)
}

func (c Cache) path() string { return filepath.Join(c.Dir, CacheFile) }

// Save validates m and writes it atomically (temp file, fsync, rename), so a crash never
// leaves half a file behind.
func (c Cache) Save(m Measurement) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("probe: not caching an invalid measurement: %w", err)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("probe: encoding the measurement: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("probe: creating the cache dir %s: %w", c.Dir, err)
	}
	f, err := os.CreateTemp(c.Dir, CacheFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("probe: writing the cache in %s: %w; check the directory is writable", c.Dir, err)
	}
	defer os.Remove(f.Name()) // no-op after the rename
	_, werr := f.Write(append(data, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("probe: writing the cache %s: %w", f.Name(), err)
	}
	if err := os.Rename(f.Name(), c.path()); err != nil {
		return fmt.Errorf("probe: replacing the cache %s: %w", c.path(), err)
	}
	return nil
}

// Load returns the cached measurement, ErrNoCache if there is none, or an error if the file
// is unreadable, corrupt, taken for another conversion version or fails Validate. The version
// is checked first: an older version's readings need not pass this version's bounds.
func (c Cache) Load() (Measurement, error) {
	data, err := os.ReadFile(c.path())
	if errors.Is(err, fs.ErrNotExist) {
		return Measurement{}, ErrNoCache
	}
	if err != nil {
		return Measurement{}, fmt.Errorf("probe: reading the cache: %w", err)
	}
	var m Measurement
	if err := json.Unmarshal(data, &m); err != nil {
		return Measurement{}, fmt.Errorf("probe: the cache %s is corrupt (%v); delete it to probe again", c.path(), err)
	}
	if m.ConversionVersion != ConversionVersion {
		return Measurement{}, otherVersionError{c.path(), m.ConversionVersion}
	}
	if err := m.Validate(); err != nil {
		return Measurement{}, fmt.Errorf("probe: the cache %s holds an invalid measurement: %w", c.path(), err)
	}
	return m, nil
}

// Stale says whether m must be re-measured at now: it is older than Interval, was taken for
// another conversion version, or is dated after now (the clock went back; trust neither).
func (c Cache) Stale(m Measurement, now time.Time) bool {
	interval := c.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	age := now.Sub(m.MeasuredAt)
	return m.ConversionVersion != ConversionVersion || age < 0 || age >= interval
}

// Current returns the cached measurement and whether it is still fresh at now. Any reason
// to distrust the cache (missing, corrupt, invalid, stale) gives fresh == false, so the caller
// probes again; err says why when it is more than absence, age or another conversion version
// (an upgrade).
func (c Cache) Current(now time.Time) (m Measurement, fresh bool, err error) {
	m, err = c.Load()
	if errors.Is(err, ErrNoCache) || errors.As(err, new(otherVersionError)) {
		return Measurement{}, false, nil
	}
	if err != nil {
		return Measurement{}, false, err
	}
	return m, !c.Stale(m, now), nil
}
