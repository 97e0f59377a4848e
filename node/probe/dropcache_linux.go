//go:build linux && (amd64 || arm64 || riscv64 || loong64 || ppc64le)

package probe

import (
	"os"
	"syscall"
)

const fadvDontNeed = 4 // POSIX_FADV_DONTNEED on these architectures

// dropCache asks the kernel to forget the file's cached pages; they are clean after fsync, so
// this is cheap and makes the read test hit the disk. Best effort: errors only skew the read.
func dropCache(f *os.File, size int64) {
	_, _, _ = syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, uintptr(size), fadvDontNeed, 0, 0)
}
