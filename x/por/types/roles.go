package types

import (
	"strconv"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// AllRoles are the roles in their fixed order: pools are split and ticks run in it.
var AllRoles = []NodeRole{NODE_ROLE_WORKER, NODE_ROLE_DELEGATE, NODE_ROLE_DA, NODE_ROLE_SEQUENCER, NODE_ROLE_OPERATOR}

// Valid reports whether r is one of the five roles.
func (r NodeRole) Valid() bool { return r >= NODE_ROLE_WORKER && r <= NODE_ROLE_OPERATOR }

// Short is the role's name without the enum prefix (WORKER, DA, ...).
func (r NodeRole) Short() string { return strings.TrimPrefix(r.String(), "NODE_ROLE_") }

// ParseRole accepts WORKER, worker, NODE_ROLE_WORKER or the number.
func ParseRole(s string) (NodeRole, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if v, ok := NodeRole_value[u]; ok && NodeRole(v).Valid() {
		return NodeRole(v), nil
	}
	if v, ok := NodeRole_value["NODE_ROLE_"+u]; ok && NodeRole(v).Valid() {
		return NodeRole(v), nil
	}
	if n, err := strconv.ParseInt(u, 10, 32); err == nil && NodeRole(n).Valid() {
		return NodeRole(n), nil
	}
	return 0, errorsmod.Wrapf(ErrUnknownRole, "%q (want one of WORKER, DELEGATE, DA, SEQUENCER, OPERATOR)", s)
}

// ValidateRoles checks a role list: non-empty, known roles, no duplicates.
func ValidateRoles(roles []NodeRole) error {
	if len(roles) == 0 {
		return errorsmod.Wrap(ErrUnknownRole, "at least one role is required")
	}
	seen := map[NodeRole]bool{}
	for _, r := range roles {
		if !r.Valid() {
			return errorsmod.Wrapf(ErrUnknownRole, "%d (want one of WORKER, DELEGATE, DA, SEQUENCER, OPERATOR)", r)
		}
		if seen[r] {
			return errorsmod.Wrapf(ErrDuplicateRole, "%s; list each role once", r.Short())
		}
		seen[r] = true
	}
	return nil
}

// RolesString is a role list as WORKER,DA.
func RolesString(roles []NodeRole) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Short()
	}
	return strings.Join(names, ",")
}
