package types_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math/big"
	"os"
	"testing"

	"cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// vectorsPath is the in-repo copy of the published spec vectors (testdata/README.md).
const vectorsPath = "../../../testdata/vectors.json"

// publishedPath is the published file, beside the repository when it is checked out
// next to the spec.
const publishedPath = "../../../../shared/spec/vectors.json"

// emissionVectors is the "emission" key of the spec vectors. Amounts decode into
// uint64, which encoding/json parses exactly (10^16 is beyond float64 precision).
type emissionVectors struct {
	Params struct {
		Total     uint64 `json:"total"`
		Epochs    uint32 `json:"epochs"`
		EpochDays uint64 `json:"epoch_days"`
	} `json:"params"`
	EpochTotals []uint64 `json:"epoch_totals"`
	Days        []struct {
		Day        uint64 `json:"day"`
		Amount     uint64 `json:"amount"`
		Cumulative uint64 `json:"cumulative"`
	} `json:"days"`
}

func loadVectors(t *testing.T) emissionVectors {
	t.Helper()
	bz, err := os.ReadFile(vectorsPath)
	require.NoError(t, err, "the spec vectors are part of the repository")

	var v struct {
		Emission emissionVectors `json:"emission"`
	}
	require.NoError(t, json.Unmarshal(bz, &v))
	require.NotEmpty(t, v.Emission.Days)
	return v.Emission
}

// requireIntEqual compares by value: math.Int's internals differ for equal numbers.
func requireIntEqual(t *testing.T, want, got math.Int, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, want.String(), got.String(), msgAndArgs...)
}

// TestVectorsAreThePublishedOnes: the in-repo copy is byte-for-byte the published file,
// whenever that is checked out beside the repository (issue #10, item 8).
func TestVectorsAreThePublishedOnes(t *testing.T) {
	ours, err := os.ReadFile(vectorsPath)
	require.NoError(t, err)
	published, err := os.ReadFile(publishedPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Logf("no published vectors at %s to compare with; using the in-repo copy", publishedPath)
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(published), string(ours), "testdata/vectors.json must be a copy of %s", publishedPath)
}

func TestScheduleVectors(t *testing.T) {
	v := loadVectors(t)
	s := types.DefaultSchedule()
	requireIntEqual(t, math.NewIntFromUint64(v.Params.Total), s.Total)
	require.Equal(t, v.Params.Epochs, s.Epochs)
	require.Equal(t, v.Params.EpochDays, s.EpochDays)

	for _, tc := range v.Days {
		requireIntEqual(t, math.NewIntFromUint64(tc.Amount), s.Issue(tc.Day), "issue of day %d", tc.Day)
		requireIntEqual(t, math.NewIntFromUint64(tc.Cumulative), s.Cumulative(tc.Day), "cumulative of day %d", tc.Day)
	}

	require.Len(t, v.EpochTotals, int(s.Epochs))
	for i, want := range v.EpochTotals {
		requireIntEqual(t, math.NewIntFromUint64(want), s.EpochTotal(uint32(i)), "epoch %d", i)
	}
}

func TestDefaultSchedule(t *testing.T) {
	s := types.DefaultSchedule()
	require.NoError(t, s.Validate())
	require.Equal(t, uint64(7305), s.LastDay())

	// Literal figures from the spec, independent of the vectors file.
	for i, want := range []int64{
		5_161_290_322_580_645,
		2_580_645_161_290_322,
		1_290_322_580_645_162,
		645_161_290_322_580,
		322_580_645_161_291,
	} {
		requireIntEqual(t, math.NewInt(want), s.EpochTotal(uint32(i)), "epoch %d", i)
	}
	require.True(t, s.EpochTotal(s.Epochs).IsZero())
	requireIntEqual(t, math.NewInt(3_532_710_693_073), s.Issue(1))

	sum := math.ZeroInt()
	for d := uint64(1); d <= s.LastDay(); d++ {
		sum = sum.Add(s.Issue(d))
	}
	requireIntEqual(t, s.Total, sum)

	require.True(t, s.Issue(0).IsZero())
	require.True(t, s.Cumulative(0).IsZero())
	for _, d := range []uint64{7306, 1 << 40, ^uint64(0)} {
		require.True(t, s.Issue(d).IsZero(), "issue of day %d", d)
		requireIntEqual(t, s.Total, s.Cumulative(d), "cumulative of day %d", d)
	}
	requireIntEqual(t, s.Total, s.Cumulative(7305))
}

func TestEpochOf(t *testing.T) {
	s := types.DefaultSchedule()
	for _, tc := range []struct {
		day   uint64
		epoch uint32
	}{
		{0, 0}, {1, 0}, {1461, 0}, {1462, 1}, {2922, 1}, {2923, 2},
		{7305, 4}, {7306, 5}, {^uint64(0), 5},
	} {
		require.Equal(t, tc.epoch, s.EpochOf(tc.day), "day %d", tc.day)
	}
}

func TestEpochFirstLastDay(t *testing.T) {
	s := types.DefaultSchedule()
	for _, tc := range []struct {
		epoch       uint32
		first, last uint64
	}{
		{0, 1, 1461}, {1, 1462, 2922}, {4, 5845, 7305}, {5, 0, 0}, {^uint32(0), 0, 0},
	} {
		first, last := s.EpochFirstLastDay(tc.epoch)
		require.Equal(t, [2]uint64{tc.first, tc.last}, [2]uint64{first, last}, "epoch %d", tc.epoch)
		if tc.first != 0 {
			require.Equal(t, tc.epoch, s.EpochOf(first))
			require.Equal(t, tc.epoch, s.EpochOf(last))
		}
	}
}

// TestIssueSmooth checks that daily issuance is flat within an epoch (rounding moves
// at most 1 uaegis) and halves at each epoch boundary.
func TestIssueSmooth(t *testing.T) {
	s := types.DefaultSchedule()
	one, two := math.OneInt(), math.NewInt(2)
	for e := range s.Epochs {
		first, last := s.EpochFirstLastDay(e)
		for d := first + 1; d <= last; d++ {
			require.True(t, s.Issue(d).Sub(s.Issue(d-1)).Abs().LTE(one), "day %d", d)
		}
		if e+1 < s.Epochs {
			next := s.Issue(last + 1).MulRaw(2)
			require.True(t, next.Sub(s.Issue(last)).Abs().LTE(two), "boundary after epoch %d", e)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := types.DefaultSchedule()
	for _, tc := range []struct {
		name   string
		modify func(*types.Schedule)
		ok     bool
	}{
		{"default", func(*types.Schedule) {}, true},
		{"one epoch of one day", func(s *types.Schedule) { s.Total, s.Epochs, s.EpochDays = math.OneInt(), 1, 1 }, true},
		{"max epochs", func(s *types.Schedule) { s.Epochs = types.MaxEpochs }, true},
		{"longest", func(s *types.Schedule) { s.EpochDays = ^uint64(0) / uint64(s.Epochs) }, true},
		{"nil total", func(s *types.Schedule) { s.Total = math.Int{} }, false},
		{"zero total", func(s *types.Schedule) { s.Total = math.ZeroInt() }, false},
		{"negative total", func(s *types.Schedule) { s.Total = math.NewInt(-1) }, false},
		{"zero epochs", func(s *types.Schedule) { s.Epochs = 0 }, false},
		{"too many epochs", func(s *types.Schedule) { s.Epochs = types.MaxEpochs + 1 }, false},
		{"zero epoch days", func(s *types.Schedule) { s.EpochDays = 0 }, false},
		{"last day overflows", func(s *types.Schedule) { s.EpochDays = ^uint64(0)/uint64(s.Epochs) + 1 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := valid
			tc.modify(&s)
			if err := s.Validate(); tc.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}

// TestExtremeSchedule checks the widest valid schedule: T*num exceeds 256 bits and
// E*W exceeds 64 bits, yet nothing panics and exactly T is issued.
func TestExtremeSchedule(t *testing.T) {
	maxInt := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	s := types.Schedule{
		Total:     math.NewIntFromBigInt(maxInt),
		Epochs:    types.MaxEpochs,
		EpochDays: ^uint64(0) / uint64(types.MaxEpochs),
	}
	require.NoError(t, s.Validate())

	sum := math.ZeroInt()
	for e := range s.Epochs {
		sum = sum.Add(s.EpochTotal(e))
	}
	requireIntEqual(t, s.Total, sum)
	for _, d := range []uint64{1, s.EpochDays, s.LastDay() - 1, s.LastDay(), ^uint64(0)} {
		require.True(t, s.Cumulative(d).LTE(s.Total), "day %d", d)
		require.False(t, s.Issue(d).IsNegative(), "day %d", d)
	}
}
