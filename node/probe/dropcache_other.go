//go:build !(linux && (amd64 || arm64 || riscv64 || loong64 || ppc64le))

package probe

import "os"

// dropCache is a no-op where we have no portable way to evict pages; the read may then be
// served from cache, which is why Convert counts the slower of read and write.
func dropCache(*os.File, int64) {}
