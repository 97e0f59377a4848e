package probe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

const diskChunk = 1 << 20

// diskThroughput writes a temporary file of size bytes in dir, fsyncs it, drops it from the
// page cache where the OS allows, reads it back, removes it, and returns write and read MB/s.
func diskThroughput(ctx context.Context, dir string, size uint64) (writeMBps, readMBps float64, err error) {
	f, err := os.CreateTemp(dir, ".aegis-probe-*.tmp")
	if err != nil {
		return 0, 0, fmt.Errorf("probe: cannot create the disk test file in %s: %w; check the directory is writable", dir, err)
	}
	name := f.Name()
	defer func() {
		f.Close()
		if rmErr := os.Remove(name); rmErr != nil && err == nil {
			err = fmt.Errorf("probe: removing the disk test file %s: %w", name, rmErr)
		}
	}()

	// Random bytes so compressing filesystems cannot shrink the write, and a counter stamped
	// into every 4 KiB block so deduplicating ones cannot fold the chunks together.
	buf := make([]byte, diskChunk)
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	for i := 0; i < len(buf); i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], rng.Uint64())
	}

	start := time.Now()
	var written, seq uint64
	for written < size {
		if err := ctx.Err(); err != nil {
			return 0, 0, fmt.Errorf("probe: disk write test interrupted: %w", err)
		}
		n := min(uint64(len(buf)), size-written)
		for off := uint64(0); off < n; off += 4096 {
			seq++
			binary.LittleEndian.PutUint64(buf[off:], seq)
		}
		if _, err := f.Write(buf[:n]); err != nil {
			return 0, 0, fmt.Errorf("probe: writing the disk test file %s: %w", name, err)
		}
		written += n
	}
	// Time includes fsync: data in the page cache is not yet on the disk.
	if err := f.Sync(); err != nil {
		return 0, 0, fmt.Errorf("probe: fsync of the disk test file %s: %w", name, err)
	}
	writeMBps = mbps(written, time.Since(start))

	// Without dropping the cache the read would measure RAM, not the disk.
	dropCache(f, int64(written))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, fmt.Errorf("probe: rewinding the disk test file %s: %w", name, err)
	}
	start = time.Now()
	var read uint64
	for {
		if err := ctx.Err(); err != nil {
			return 0, 0, fmt.Errorf("probe: disk read test interrupted: %w", err)
		}
		n, rerr := f.Read(buf)
		read += uint64(n)
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return 0, 0, fmt.Errorf("probe: reading the disk test file %s: %w", name, rerr)
		}
	}
	readMBps = mbps(read, time.Since(start))
	if read != written {
		return 0, 0, fmt.Errorf("probe: read back %d bytes of the %d written to %s; the filesystem lost data", read, written, name)
	}
	return writeMBps, readMBps, nil
}

// mbps is bytes over d in MB/s (10^6 bytes); a zero duration (coarse clocks) counts as 1 µs.
func mbps(bytes uint64, d time.Duration) float64 {
	return float64(bytes) / max(d, time.Microsecond).Seconds() / 1e6
}

// dirBytes is the size of the files under dir (0 when it does not exist).
func dirBytes(dir string) (uint64, error) {
	var total uint64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) { // removed while walking
			return nil
		} else if err != nil {
			return err
		}
		total += uint64(info.Size())
		return nil
	})
	return total, err
}
