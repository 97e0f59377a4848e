package reporter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aegis-chain/aegis/node/dataset"
)

// storageRoot is the dataset root a report declaring storage commits while the chain's
// challenges are on, the dataset built first if it is not on disk or not of the size the
// report needs. With challenges off, or no storage declared, it is nil and the report is
// what it was before challenges existed.
func (r *Reporter) storageRoot(ctx context.Context, storage uint64) ([]byte, error) {
	if storage == 0 {
		return nil, nil
	}
	params, err := r.Chain.PorParams(ctx)
	if err != nil {
		return nil, err
	}
	cp := params.Challenge
	if !cp.Enabled() {
		return nil, nil
	}
	leaves, ok := cp.DatasetLeaves(storage)
	if !ok {
		return nil, fmt.Errorf("storage %d makes a challenge dataset larger than the chain accepts: declare less storage", storage)
	}
	if r.Dataset == nil {
		return nil, errors.New("the chain's challenges are on: a report declaring storage commits a dataset root, and this reporter keeps no dataset")
	}
	root, err := r.Dataset.Current(leaves, cp.LeafWork)
	if err == nil {
		return root, nil
	}
	r.Log.Info("building the challenge dataset", "why", err.Error(), "leaves", leaves, "leaf_work", cp.LeafWork,
		"disk_bytes", dataset.DiskSize(leaves))
	start := time.Now()
	if root, err = r.Dataset.Build(ctx, leaves, cp.LeafWork); err != nil {
		return nil, err
	}
	took := time.Since(start)
	r.Metrics.datasetBuilt(took)
	r.Log.Info("challenge dataset built", "leaves", leaves, "leaf_work", cp.LeafWork, "root", fmt.Sprintf("%X", root), "took", took.String())
	return root, nil
}
