package probe

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCacheRoundTrip(t *testing.T) {
	c := Cache{Dir: filepath.Join(t.TempDir(), "node"), Interval: 24 * time.Hour}
	if _, err := c.Load(); !errors.Is(err, ErrNoCache) {
		t.Fatalf("Load of an empty cache = %v, want ErrNoCache", err)
	}
	if _, fresh, err := c.Current(time.Now()); fresh || err != nil {
		t.Fatalf("Current of an empty cache = fresh %v, %v; want stale, no error", fresh, err)
	}
	m := referenceServer()
	m.ComputeTilesPerSecond = 156_799.125 // fractions survive JSON
	if err := c.Save(m); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, err := c.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got != m {
		t.Fatalf("Load = %+v, want %+v", got, m)
	}
	// Saving again replaces the file and leaves no temp files behind.
	m.DiskFreeBytes -= 1 << 30
	if err := c.Save(m); err != nil {
		t.Fatalf("second Save: %v", err)
	}
	if got, _ := c.Load(); got != m {
		t.Fatalf("Load after second Save = %+v, want %+v", got, m)
	}
	entries, _ := os.ReadDir(c.Dir)
	if len(entries) != 1 || entries[0].Name() != CacheFile {
		t.Fatalf("cache dir holds %v, want only %s", entries, CacheFile)
	}
}

func TestCacheStale(t *testing.T) {
	c := Cache{Dir: t.TempDir(), Interval: 6 * time.Hour}
	m := referenceServer()
	at := m.MeasuredAt
	tests := []struct {
		name  string
		c     Cache
		m     Measurement
		now   time.Time
		stale bool
	}{
		{"just measured", c, m, at, false},
		{"within interval", c, m, at.Add(6*time.Hour - time.Second), false},
		{"interval reached", c, m, at.Add(6 * time.Hour), true},
		{"clock went back", c, m, at.Add(-time.Minute), true},
		{"other conversion version", c, with(m, func(m *Measurement) { m.ConversionVersion = "0" }), at, true},
		{"conversion version 1", c, with(m, func(m *Measurement) { m.ConversionVersion = "1" }), at, true},
		{"zero interval means daily", Cache{Dir: c.Dir}, m, at.Add(23 * time.Hour), false},
		{"zero interval, a day later", Cache{Dir: c.Dir}, m, at.Add(24 * time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Stale(tt.m, tt.now); got != tt.stale {
				t.Fatalf("Stale = %v, want %v", got, tt.stale)
			}
		})
	}
	if err := c.Save(m); err != nil {
		t.Fatal(err)
	}
	if got, fresh, err := c.Current(at.Add(time.Hour)); err != nil || !fresh || got != m {
		t.Fatalf("Current an hour later = %+v, fresh %v, %v; want the measurement, fresh", got, fresh, err)
	}
	if _, fresh, err := c.Current(at.Add(7 * time.Hour)); err != nil || fresh {
		t.Fatalf("Current seven hours later = fresh %v, %v; want stale", fresh, err)
	}
}

func TestCacheRefusesBadFiles(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	if err := c.Save(with(referenceServer(), func(m *Measurement) { m.RAMBytes = 0 })); err == nil || !strings.Contains(err.Error(), "not caching an invalid measurement") {
		t.Fatalf("Save of an invalid measurement = %v", err)
	}
	path := filepath.Join(c.Dir, CacheFile)
	for _, tt := range []struct{ name, body, want string }{
		{"corrupt", "{not json", "is corrupt"},
		{"invalid", `{"conversion_version":"` + ConversionVersion + `","ram_bytes":0}`, "holds an invalid measurement"},
	} {
		if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Load(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load = %v, want error containing %q", tt.name, err, tt.want)
		}
		if _, fresh, err := c.Current(time.Now()); fresh || err == nil {
			t.Errorf("%s: Current = fresh %v, %v; want stale with the reason", tt.name, fresh, err)
		}
	}
}

// After an upgrade the cache holds a version 1 measurement (SHA-256, no tiles). It is stale,
// not an error: Current asks for a new probe without blaming the old readings, and Load names
// the version instead of complaining that compute_tiles_per_second is missing.
func TestCacheOfAnOlderVersion(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(c.Dir, CacheFile), []byte(v1CacheJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	const want = `was measured for conversion version "1" but this aegis-node converts version "2"; probe again`
	if m, err := c.Load(); err == nil || !strings.Contains(err.Error(), want) || m != (Measurement{}) {
		t.Fatalf("Load of a version 1 cache = %+v, %v; want no measurement and an error containing %q", m, err, want)
	}
	at := referenceServer().MeasuredAt // the v1 file's time: not stale by age
	if m, fresh, err := c.Current(at.Add(time.Hour)); err != nil || fresh || m != (Measurement{}) {
		t.Fatalf("Current of a version 1 cache = %+v, fresh %v, %v; want stale, no error", m, fresh, err)
	}
	if err := c.Save(referenceServer()); err != nil {
		t.Fatal(err)
	}
	if m, fresh, err := c.Current(at.Add(time.Hour)); err != nil || !fresh || m != referenceServer() {
		t.Fatalf("Current after probing again = %+v, fresh %v, %v; want the new measurement, fresh", m, fresh, err)
	}
}
