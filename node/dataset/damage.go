package dataset

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/aegis-chain/aegis/x/por/post"
)

// DeleteRun is how many consecutive labels DeleteFraction zeroes at once: 4 KiB, a disk
// block, what a node freeing space would drop.
const DeleteRun = 256

// DeleteFraction deletes the given fraction of k's first n labels, for tests that need a
// node keeping only part of its data: it zeroes round(fraction × runs) runs of DeleteRun
// labels drawn from seed (a zero label is a deleted one: Prove skips it, as a node that
// dropped it has nothing to score). The data is overwritten in place, so nothing of it is
// left to read back; the metadata still says the labels are built, as a node hiding the
// deletion would. It returns the number of labels zeroed.
func (s *Store) DeleteFraction(k Key, n uint64, fraction float64, seed uint64) (uint64, error) {
	if fraction < 0 || fraction > 1 {
		return 0, fmt.Errorf("fraction %v is not in [0, 1]", fraction)
	}
	if err := s.Ready(k, n); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(s.LabelsPath(k), os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	runs := (n + DeleteRun - 1) / DeleteRun
	del := uint64(fraction*float64(runs) + 0.5)
	perm := rand.New(rand.NewPCG(seed, uint64(k.Role))).Perm(int(runs))
	zero := make([]byte, DeleteRun*post.LabelSize)
	var deleted uint64
	for _, r := range perm[:del] {
		lo := uint64(r) * DeleteRun
		hi := min(lo+DeleteRun, n)
		if _, err := f.WriteAt(zero[:(hi-lo)*post.LabelSize], int64(lo)*post.LabelSize); err != nil {
			f.Close()
			return deleted, err
		}
		deleted += hi - lo
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return deleted, err
	}
	return deleted, f.Close()
}
