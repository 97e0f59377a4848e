package probe

import (
	"fmt"
	"math"

	"github.com/aegis-chain/aegis/x/por/compute"
)

// ConversionVersion names the formulas below. Change it whenever a formula or constant
// changes, so readings taken for one version are never converted by another.
const ConversionVersion = "2"

// Units are the resource units a PoR report carries (spec section 3).
type Units struct {
	Compute   uint64 `json:"compute"`
	Storage   uint64 `json:"storage"`
	Bandwidth uint64 `json:"bandwidth"`
}

// Conversion version 2 constants; README.md explains the choice with a worked example.
const (
	// Compute: the node declares 9/10 of the tiles a second it measured, in the chain's
	// compute unit (compute.TilesPerUnitSecond tiles a second). The tenth left over is the
	// headroom that lets an honest node finish a challenge's work inside its window.
	declaredTilesNum = 9
	declaredTilesDen = 10
	// Storage: 1 unit per 20 GiB free, plus 1 unit per 20 MB/s of the slower of sequential
	// read and write, counting at most 2,000 MB/s.
	freeGiBPerUnit  = 20
	diskMBpsPerUnit = 20
	maxDiskMBps     = 2_000
	// Bandwidth: 1 unit per MB/s, that is per 8 Mbit/s.
	mbitPerUnit = 8
)

// Convert turns validated readings into units with integer arithmetic on floored readings,
// so the same measurement gives the same units on every machine.
func Convert(m Measurement) (Units, error) {
	if m.ConversionVersion != ConversionVersion {
		return Units{}, fmt.Errorf("probe: measurement was taken for conversion version %q but this aegis-node converts version %q; probe again", m.ConversionVersion, ConversionVersion)
	}
	if err := m.Validate(); err != nil {
		return Units{}, err
	}
	// Validate bounds the reading by MaxTilesPerSecond, so the product cannot overflow.
	declared := floorU(m.ComputeTilesPerSecond) * declaredTilesNum / declaredTilesDen
	disk := min(floorU(m.DiskWriteMBps), floorU(m.DiskReadMBps), maxDiskMBps)
	return Units{
		Compute:   declared / compute.TilesPerUnitSecond,
		Storage:   m.DiskFreeBytes/(freeGiBPerUnit<<30) + disk/diskMBpsPerUnit,
		Bandwidth: floorU(m.BandwidthMbps) / mbitPerUnit,
	}, nil
}

// floorU floors a validated (finite, non-negative, bounded) reading.
func floorU(f float64) uint64 { return uint64(math.Floor(f)) }
