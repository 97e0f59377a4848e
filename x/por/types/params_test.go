package types_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/por/types"
)

func TestParamsValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*types.Params)
		err    *errorsmod.Error // nil: valid
	}{
		{"default", func(*types.Params) {}, nil},
		{"report_days 365", func(p *types.Params) { p.ReportDays = 365 }, nil},
		{"max_resource_value at the limit", func(p *types.Params) { p.MaxResourceValue = types.MaxResourceValueLimit }, nil},
		{"zero allocation for a role", func(p *types.Params) { p.Roles[0].AllocBps, p.Roles[1].AllocBps = 0, 8000 }, nil},
		{"zero weights", func(p *types.Params) {
			p.Roles[0].WeightCompute, p.Roles[0].WeightStorage, p.Roles[0].WeightBandwidth = math.LegacyZeroDec(), math.LegacyZeroDec(), math.LegacyZeroDec()
		}, nil},
		{"penalty 1", func(p *types.Params) { p.Roles[2].Penalty = math.LegacyOneDec() }, nil},
		{"zero min_stake", func(p *types.Params) { p.Roles[4].MinStake = math.ZeroInt() }, nil},

		{"allocations sum below 10000", func(p *types.Params) { p.Roles[0].AllocBps-- }, types.ErrInvalidParams},
		{"allocations sum above 10000", func(p *types.Params) { p.Roles[4].AllocBps++ }, types.ErrInvalidParams},
		{"alloc_bps above 10000", func(p *types.Params) { p.Roles[0].AllocBps = types.TotalBps + 1 }, types.ErrInvalidParams},
		{"roles out of order", func(p *types.Params) { p.Roles[0], p.Roles[1] = p.Roles[1], p.Roles[0] }, types.ErrInvalidParams},
		{"a role twice", func(p *types.Params) { p.Roles[1] = p.Roles[0] }, types.ErrInvalidParams},
		{"a role missing", func(p *types.Params) { p.Roles = p.Roles[:4] }, types.ErrInvalidParams},
		{"no roles", func(p *types.Params) { p.Roles = nil }, types.ErrInvalidParams},
		{"unspecified role", func(p *types.Params) { p.Roles[0].Role = types.NODE_ROLE_UNSPECIFIED }, types.ErrInvalidParams},
		{"zero slot_cap", func(p *types.Params) { p.Roles[3].SlotCap = 0 }, types.ErrInvalidParams},
		{"slot_cap above 10M", func(p *types.Params) { p.Roles[0].SlotCap = 10_000_001 }, types.ErrInvalidParams},
		{"negative weight_compute", func(p *types.Params) { p.Roles[0].WeightCompute = math.LegacyNewDec(-1) }, types.ErrInvalidParams},
		{"negative weight_storage", func(p *types.Params) {
			p.Roles[2].WeightStorage = math.LegacyMustNewDecFromStr("-0.000000000000000001")
		}, types.ErrInvalidParams},
		{"negative weight_bandwidth", func(p *types.Params) { p.Roles[3].WeightBandwidth = math.LegacyNewDec(-2) }, types.ErrInvalidParams},
		{"nil weight", func(p *types.Params) { p.Roles[1].WeightStorage = math.LegacyDec{} }, types.ErrInvalidParams},
		{"weight above 1e6", func(p *types.Params) { p.Roles[0].WeightCompute = math.LegacyNewDec(1_000_001) }, types.ErrInvalidParams},
		{"zero por_cap", func(p *types.Params) { p.Roles[0].PorCap = math.LegacyZeroDec() }, types.ErrInvalidParams},
		{"negative por_cap", func(p *types.Params) { p.Roles[0].PorCap = math.LegacyNewDec(-300) }, types.ErrInvalidParams},
		{"por_cap above 1e9", func(p *types.Params) { p.Roles[0].PorCap = math.LegacyNewDec(1_000_000_001) }, types.ErrInvalidParams},
		{"penalty 0", func(p *types.Params) { p.Roles[1].Penalty = math.LegacyZeroDec() }, types.ErrInvalidParams},
		{"penalty above 1", func(p *types.Params) { p.Roles[1].Penalty = math.LegacyMustNewDecFromStr("1.000000000000000001") }, types.ErrInvalidParams},
		{"negative penalty", func(p *types.Params) { p.Roles[1].Penalty = math.LegacyMustNewDecFromStr("-0.5") }, types.ErrInvalidParams},
		{"nil penalty", func(p *types.Params) { p.Roles[1].Penalty = math.LegacyDec{} }, types.ErrInvalidParams},
		{"negative min_stake", func(p *types.Params) { p.Roles[0].MinStake = math.NewInt(-1) }, types.ErrInvalidParams},
		{"nil min_stake", func(p *types.Params) { p.Roles[0].MinStake = math.Int{} }, types.ErrInvalidParams},
		// Two roles' min_stake near 2^256 overflowed the stake a node needs (issue #12).
		{"min_stake 2^128", func(p *types.Params) {
			p.Roles[0].MinStake = math.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 128))
		}, types.ErrInvalidParams},
		{"min_stake 2^128-1", func(p *types.Params) {
			p.Roles[0].MinStake = math.NewIntFromBigInt(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1)))
		}, nil},
		{"zero report_days", func(p *types.Params) { p.ReportDays = 0 }, types.ErrInvalidParams},
		{"report_days above 365", func(p *types.Params) { p.ReportDays = 366 }, types.ErrInvalidParams},
		{"unbonding_days above 365", func(p *types.Params) { p.UnbondingDays = 366 }, types.ErrInvalidParams},
		{"zero max_resource_value", func(p *types.Params) { p.MaxResourceValue = 0 }, types.ErrInvalidParams},
		{"max_resource_value above the limit", func(p *types.Params) { p.MaxResourceValue = types.MaxResourceValueLimit + 1 }, types.ErrInvalidParams},
		{"empty stake denom", func(p *types.Params) { p.StakeDenom = "" }, types.ErrInvalidParams},
		{"bad stake denom", func(p *types.Params) { p.StakeDenom = "1aegis!" }, types.ErrInvalidParams},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.mutate(&p)
			err := p.Validate()
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}

// DefaultParams must not share mutable state between calls: the table above mutates it.
func TestDefaultParamsFresh(t *testing.T) {
	p := types.DefaultParams()
	p.Roles[0].AllocBps = 0
	p.Roles[0].MinStake = p.Roles[0].MinStake.AddRaw(1)
	q := types.DefaultParams()
	require.Equal(t, uint32(4000), q.Roles[0].AllocBps)
	require.True(t, q.Roles[0].MinStake.Equal(types.DefaultMinStake), "min stake %s", q.Roles[0].MinStake)
}

func TestDefaultParamsMatchSpec(t *testing.T) {
	p := types.DefaultParams()
	require.NoError(t, p.Validate())
	want := []struct {
		role  types.NodeRole
		bps   uint32
		slots uint64
	}{
		{types.NODE_ROLE_WORKER, 4000, 100_000},
		{types.NODE_ROLE_DELEGATE, 4000, 100_000},
		{types.NODE_ROLE_DA, 500, 1_000},
		{types.NODE_ROLE_SEQUENCER, 1000, 5_000},
		{types.NODE_ROLE_OPERATOR, 500, 1_000},
	}
	require.Len(t, p.Roles, len(want))
	for i, w := range want {
		rp := p.Roles[i]
		require.Equal(t, w.role, rp.Role)
		require.Equal(t, w.bps, rp.AllocBps, "%s", w.role)
		require.Equal(t, w.slots, rp.SlotCap, "%s", w.role)
	}
	// Spec section 3: the Worker's seed rules.
	w := p.Roles[0]
	for _, d := range []math.LegacyDec{w.WeightCompute, w.WeightStorage, w.WeightBandwidth} {
		require.True(t, d.Equal(math.LegacyOneDec()))
	}
	require.True(t, w.PorCap.Equal(math.LegacyNewDec(300)))
	require.Equal(t, []uint64{140, 90, 70}, []uint64{w.MinCompute, w.MinStorage, w.MinBandwidth})
	require.True(t, w.Penalty.Equal(math.LegacyMustNewDecFromStr("0.8")))
	require.Equal(t, uint32(types.DefaultReportDays), p.ReportDays)
	require.Equal(t, "uaegis", p.StakeDenom)
}

func TestRoleParamsValidate(t *testing.T) {
	for _, rp := range types.DefaultParams().Roles {
		require.NoError(t, rp.Validate(), "%s", rp.Role)
	}
	cases := []struct {
		name   string
		mutate func(*types.RoleParams)
	}{
		{"alloc_bps above 10000", func(rp *types.RoleParams) { rp.AllocBps = 10_001 }},
		{"zero slot_cap", func(rp *types.RoleParams) { rp.SlotCap = 0 }},
		{"negative weight_compute", func(rp *types.RoleParams) { rp.WeightCompute = math.LegacyNewDec(-1) }},
		{"negative weight_storage", func(rp *types.RoleParams) { rp.WeightStorage = math.LegacyNewDec(-1) }},
		{"negative weight_bandwidth", func(rp *types.RoleParams) { rp.WeightBandwidth = math.LegacyNewDec(-1) }},
		{"zero por_cap", func(rp *types.RoleParams) { rp.PorCap = math.LegacyZeroDec() }},
		{"nil por_cap", func(rp *types.RoleParams) { rp.PorCap = math.LegacyDec{} }},
		{"penalty 0", func(rp *types.RoleParams) { rp.Penalty = math.LegacyZeroDec() }},
		{"penalty 1.5", func(rp *types.RoleParams) { rp.Penalty = math.LegacyMustNewDecFromStr("1.5") }},
		{"negative min_stake", func(rp *types.RoleParams) { rp.MinStake = math.NewInt(-5) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rp := types.DefaultParams().Roles[1]
			tc.mutate(&rp)
			err := rp.Validate()
			require.ErrorIs(t, err, types.ErrInvalidParams)
			require.Contains(t, err.Error(), "DELEGATE", "the error names the role")
		})
	}
}

func TestParamsRole(t *testing.T) {
	p := types.DefaultParams()
	for i, r := range types.AllRoles {
		rp, err := p.Role(r)
		require.NoError(t, err)
		require.Equal(t, p.Roles[i], rp)
	}
	for _, r := range []types.NodeRole{types.NODE_ROLE_UNSPECIFIED, 6, -1} {
		_, err := p.Role(r)
		require.ErrorIs(t, err, types.ErrUnknownRole, "%d", r)
	}
}

func TestParseRole(t *testing.T) {
	cases := []struct {
		in   string
		want types.NodeRole // 0: error
	}{
		{"WORKER", types.NODE_ROLE_WORKER},
		{"worker", types.NODE_ROLE_WORKER},
		{"Worker", types.NODE_ROLE_WORKER},
		{" delegate ", types.NODE_ROLE_DELEGATE},
		{"NODE_ROLE_DA", types.NODE_ROLE_DA},
		{"node_role_sequencer", types.NODE_ROLE_SEQUENCER},
		{"OPERATOR", types.NODE_ROLE_OPERATOR},
		{"1", types.NODE_ROLE_WORKER},
		{"3", types.NODE_ROLE_DA},
		{"5", types.NODE_ROLE_OPERATOR},

		{"bad", 0},
		{"", 0},
		{"0", 0},
		{"6", 0},
		{"-1", 0},
		{"UNSPECIFIED", 0},
		{"NODE_ROLE_UNSPECIFIED", 0},
		{"NODE_ROLE_", 0},
		{"WORKERS", 0},
	}
	for _, tc := range cases {
		got, err := types.ParseRole(tc.in)
		if tc.want == 0 {
			require.ErrorIs(t, err, types.ErrUnknownRole, "%q", tc.in)
			continue
		}
		require.NoError(t, err, "%q", tc.in)
		require.Equal(t, tc.want, got, "%q", tc.in)
	}
	// Every role round-trips through its short name, its enum name and its number.
	for _, r := range types.AllRoles {
		for _, s := range []string{r.Short(), r.String(), string(rune('0' + r))} {
			got, err := types.ParseRole(s)
			require.NoError(t, err, "%q", s)
			require.Equal(t, r, got, "%q", s)
		}
	}
}

func TestValidateRoles(t *testing.T) {
	cases := []struct {
		name  string
		roles []types.NodeRole
		ok    bool
	}{
		{"one", []types.NodeRole{types.NODE_ROLE_DA}, true},
		{"all", types.AllRoles, true},
		{"any order", []types.NodeRole{types.NODE_ROLE_OPERATOR, types.NODE_ROLE_WORKER}, true},
		{"nil", nil, false},
		{"empty", []types.NodeRole{}, false},
		{"duplicate", []types.NodeRole{types.NODE_ROLE_WORKER, types.NODE_ROLE_DA, types.NODE_ROLE_WORKER}, false},
		{"unspecified", []types.NodeRole{types.NODE_ROLE_UNSPECIFIED}, false},
		{"unknown", []types.NodeRole{types.NODE_ROLE_WORKER, 6}, false},
		{"negative", []types.NodeRole{-1}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := types.ValidateRoles(tc.roles)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			if tc.name == "duplicate" {
				require.ErrorIs(t, err, types.ErrDuplicateRole)
				return
			}
			require.ErrorIs(t, err, types.ErrUnknownRole)
		})
	}
}

func TestParseRoleRejectsTrailingText(t *testing.T) {
	for _, s := range []string{"3abc", "2.5", "1 worker"} {
		_, err := types.ParseRole(s)
		require.ErrorIs(t, err, types.ErrUnknownRole, "%q", s)
	}
}
