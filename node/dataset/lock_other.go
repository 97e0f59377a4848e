//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package dataset

import "os"

// lockFile only creates path where flock is not available: two builds of one dataset are
// not kept apart there.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}
