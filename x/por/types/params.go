package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	DefaultReportDays       = 2
	DefaultUnbondingDays    = 7
	DefaultMaxResourceValue = 1_000_000_000
	// MaxResourceValueLimit keeps every PoR product far inside LegacyDec's range.
	MaxResourceValueLimit = 1_000_000_000_000_000
	// TotalBps is what the role allocations must sum to.
	TotalBps = 10_000
	// MaxPorCap bounds por_cap, and so every eff a report can earn.
	MaxPorCap = 1_000_000_000
)

// DefaultMinStake is the stake each active role needs by default: 10,000 AEGIS, the
// stake equivalent of one license.
var DefaultMinStake = math.NewInt(10_000_000_000)

func dec(s string) math.LegacyDec { return math.LegacyMustNewDecFromStr(s) }

func roleParams(r NodeRole, bps uint32, slots uint64, wc, ws, wb string, minC, minS, minB uint64) RoleParams {
	return RoleParams{
		Role: r, AllocBps: bps, SlotCap: slots,
		WeightCompute: dec(wc), WeightStorage: dec(ws), WeightBandwidth: dec(wb),
		PorCap: dec("300"), MinCompute: minC, MinStorage: minS, MinBandwidth: minB,
		Penalty: dec("0.8"), MinStake: DefaultMinStake,
	}
}

// DefaultParams are the spec's allocations and slot caps, the seed's Worker PoR rules, and
// per-role weights for what each role mostly provides: DA storage, Sequencer bandwidth,
// Operator compute. Every role caps PoR at 300 with a 0.8 penalty, so a full node earns the
// same in any role and the minimums mark what the role cannot do without.
func DefaultParams() Params {
	return Params{
		Roles: []RoleParams{
			roleParams(NODE_ROLE_WORKER, 4000, 100_000, "1", "1", "1", 140, 90, 70),
			roleParams(NODE_ROLE_DELEGATE, 4000, 100_000, "1", "1", "1", 100, 60, 100),
			roleParams(NODE_ROLE_DA, 500, 1_000, "0.5", "2", "0.5", 40, 120, 40),
			roleParams(NODE_ROLE_SEQUENCER, 1000, 5_000, "0.5", "0.5", "2", 40, 40, 120),
			roleParams(NODE_ROLE_OPERATOR, 500, 1_000, "2", "0.5", "0.5", 120, 40, 40),
		},
		ReportDays:       DefaultReportDays,
		UnbondingDays:    DefaultUnbondingDays,
		MaxResourceValue: DefaultMaxResourceValue,
		StakeDenom:       "uaegis",
		Challenge:        DefaultChallengeParams(),
	}
}

// Role returns the params of role r (params are validated to hold every role in order).
func (p Params) Role(r NodeRole) (RoleParams, error) {
	if !r.Valid() || int(r) > len(p.Roles) {
		return RoleParams{}, errorsmod.Wrapf(ErrUnknownRole, "%d", r)
	}
	return p.Roles[r-1], nil
}

// Validate checks every parameter; slot caps against slots held are checked by the keeper.
func (p Params) Validate() error {
	if len(p.Roles) != len(AllRoles) {
		return errorsmod.Wrapf(ErrInvalidParams, "want %d roles, got %d", len(AllRoles), len(p.Roles))
	}
	var bps uint64
	for i, rp := range p.Roles {
		if rp.Role != AllRoles[i] {
			return errorsmod.Wrapf(ErrInvalidParams, "roles[%d] must be %s, got %s", i, AllRoles[i].Short(), rp.Role)
		}
		if err := rp.Validate(); err != nil {
			return err
		}
		bps += uint64(rp.AllocBps)
	}
	if bps != TotalBps {
		return errorsmod.Wrapf(ErrInvalidParams, "role allocations must sum to %d bps, got %d", TotalBps, bps)
	}
	if p.ReportDays == 0 || p.ReportDays > 365 {
		return errorsmod.Wrapf(ErrInvalidParams, "report_days must be in [1, 365], got %d", p.ReportDays)
	}
	if p.UnbondingDays > 365 {
		return errorsmod.Wrapf(ErrInvalidParams, "unbonding_days must be at most 365, got %d", p.UnbondingDays)
	}
	if p.MaxResourceValue == 0 || p.MaxResourceValue > MaxResourceValueLimit {
		return errorsmod.Wrapf(ErrInvalidParams, "max_resource_value must be in [1, %d], got %d", uint64(MaxResourceValueLimit), p.MaxResourceValue)
	}
	if err := sdk.ValidateDenom(p.StakeDenom); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "stake_denom: %v", err)
	}
	return p.Challenge.Validate()
}

// Validate checks one role's parameters.
func (rp RoleParams) Validate() error {
	name := rp.Role.Short()
	fail := func(format string, args ...any) error {
		return errorsmod.Wrapf(ErrInvalidParams, "%s: %s", name, fmt.Sprintf(format, args...))
	}
	if rp.AllocBps > TotalBps {
		return fail("alloc_bps %d above %d", rp.AllocBps, TotalBps)
	}
	if rp.SlotCap == 0 || rp.SlotCap > 10_000_000 {
		return fail("slot_cap must be in [1, 10000000], got %d", rp.SlotCap)
	}
	for i, d := range []math.LegacyDec{rp.WeightCompute, rp.WeightStorage, rp.WeightBandwidth} {
		if d.IsNil() || d.IsNegative() || d.GT(math.LegacyNewDec(1_000_000)) {
			return fail("%s must be in [0, 1000000]", [...]string{"weight_compute", "weight_storage", "weight_bandwidth"}[i])
		}
	}
	if rp.PorCap.IsNil() || !rp.PorCap.IsPositive() || rp.PorCap.GT(math.LegacyNewDec(MaxPorCap)) {
		return fail("por_cap must be in (0, 1e9]")
	}
	if rp.Penalty.IsNil() || !rp.Penalty.IsPositive() || rp.Penalty.GT(math.LegacyOneDec()) {
		return fail("penalty must be in (0, 1]")
	}
	if !validAmount(rp.MinStake) {
		return fail("min_stake must be set, not negative and below 2^128")
	}
	return nil
}

// RequiredStake is the stake that holding roles needs: the sum of their min_stake.
func (p Params) RequiredStake(roles []NodeRole) math.Int {
	sum := math.ZeroInt()
	for _, r := range roles {
		sum = sum.Add(p.Roles[r-1].MinStake)
	}
	return sum
}
