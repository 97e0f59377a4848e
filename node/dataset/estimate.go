package dataset

import (
	"runtime"
	"time"

	"github.com/aegis-chain/aegis/x/por/post"
)

// Estimate is what datasets cost on this machine, from a short measurement (Measure).
type Estimate struct {
	ScryptN uint32 `json:"scrypt_n"`
	Workers int    `json:"cores"`
	// LabelTime is one label on one core; ScoreTime one label's scoring in a scan, on one
	// core, for the measured number of nonces (the disk's read rate is not measured).
	LabelTime time.Duration `json:"label_ns"`
	ScoreTime time.Duration `json:"score_ns"`
}

// Measure times labels of scrypt_n on one core (about 100 ms, at least 8 labels) and the
// scoring of a scan with p's nonces (about 20 ms), for workers cores (runtime.NumCPU()
// when 0). Builds scale with the cores: it assumes they do.
func Measure(scryptN uint32, workers int, p post.Params) Estimate {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	e := Estimate{ScryptN: scryptN, Workers: workers}
	seed := post.Seed([]byte("aegis-node estimate"), 1, 0)
	start := time.Now()
	var n uint64
	for n < 8 || (time.Since(start) < 100*time.Millisecond && n < 1<<16) {
		post.Label(seed[:], n, scryptN)
		n++
	}
	e.LabelTime = time.Since(start) / time.Duration(n)

	const scoreLabels = 1 << 20
	pr := post.NewProver([]byte("aegis-node estimate"), p, scoreLabels)
	var label [post.LabelSize]byte
	start, n = time.Now(), 0
	for n < 1024 || (time.Since(start) < 20*time.Millisecond && n < scoreLabels) {
		label[0], label[1], label[2] = byte(n), byte(n>>8), byte(n>>16)
		pr.Add(n, label[:])
		n++
	}
	e.ScoreTime = time.Since(start) / time.Duration(n)
	return e
}

// BuildRate is labels per second on every core.
func (e Estimate) BuildRate() float64 {
	if e.LabelTime <= 0 {
		return 0
	}
	return float64(e.Workers) / e.LabelTime.Seconds()
}

// Build is about how long building labels labels takes on every core.
func (e Estimate) Build(labels uint64) time.Duration {
	return time.Duration(float64(labels) * float64(e.LabelTime) / float64(max(e.Workers, 1)))
}

// Scan is about how long a challenge's scan of labels labels takes on every core when
// the disk keeps up (the CPU's share; a disk reading less than 16 bytes × labels/Scan is
// the limit instead).
func (e Estimate) Scan(labels uint64) time.Duration {
	return time.Duration(float64(labels) * float64(e.ScoreTime) / float64(max(e.Workers, 1)))
}
