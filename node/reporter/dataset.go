package reporter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aegis-chain/aegis/node/dataset"
)

// LongBuild is the estimated build time above which the reporter warns that it is about
// to hold the report back while it builds.
const LongBuild = 10 * time.Minute

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
	estimate := dataset.EstimateBuild(dataset.Spec{Operator: r.Operator, Leaves: leaves, LeafWork: cp.LeafWork})
	logf := r.Log.Info
	if estimate > LongBuild {
		logf = r.Log.Warn
	}
	logf("building the challenge dataset before reporting (the report waits for it); `aegis-node dataset build` builds it ahead of time",
		"why", err.Error(), "leaves", leaves, "leaf_work", cp.LeafWork,
		"disk_bytes", dataset.DiskSize(leaves), "estimated", estimate.Round(time.Second).String())
	start := time.Now()
	if root, err = r.Dataset.Build(ctx, leaves, cp.LeafWork); err != nil {
		return nil, err
	}
	took := time.Since(start)
	r.Metrics.datasetBuilt(took)
	r.Log.Info("challenge dataset built", "leaves", leaves, "leaf_work", cp.LeafWork, "root", fmt.Sprintf("%X", root), "took", took.String())
	return root, nil
}
