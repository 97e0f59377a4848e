package types

import errorsmod "cosmossdk.io/errors"

// ValidateReport checks a report's shape against the params: at least one part, known
// and distinct roles, every value within max_resource_value, and parts summing to no
// more than the totals in every category. Whether the roles are active is the keeper's
// check.
func ValidateReport(params Params, totals Resources, parts []RolePart) error {
	if len(parts) == 0 {
		return errorsmod.Wrap(ErrInvalidReport, "a report needs at least one role part")
	}
	if len(parts) > len(AllRoles) {
		return errorsmod.Wrapf(ErrInvalidReport, "at most %d parts, got %d", len(AllRoles), len(parts))
	}
	if totals.Max() > params.MaxResourceValue {
		return errorsmod.Wrapf(ErrValueTooLarge, "totals %v: each value must be at most %d", totals, params.MaxResourceValue)
	}
	var sum Resources
	seen := make(map[NodeRole]bool, len(parts))
	for _, p := range parts {
		if !p.Role.Valid() {
			return errorsmod.Wrapf(ErrUnknownRole, "part role %d", p.Role)
		}
		if seen[p.Role] {
			return errorsmod.Wrapf(ErrInvalidReport, "two parts for %s", p.Role.Short())
		}
		seen[p.Role] = true
		if p.Resources.Max() > params.MaxResourceValue {
			return errorsmod.Wrapf(ErrValueTooLarge, "%s part: each value must be at most %d", p.Role.Short(), params.MaxResourceValue)
		}
		sum = sum.Add(p.Resources) // no overflow: at most 5 values of at most 1e15 each
	}
	if !sum.Within(totals) {
		return errorsmod.Wrapf(ErrPartsExceedTotals, "parts sum to compute %d, storage %d, bandwidth %d; totals are %d, %d, %d",
			sum.Compute, sum.Storage, sum.Bandwidth, totals.Compute, totals.Storage, totals.Bandwidth)
	}
	return nil
}
