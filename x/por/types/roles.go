package types

import (
	"strconv"
	"strings"

	golangproto "github.com/golang/protobuf/proto" //nolint:staticcheck // grpc-gateway v1 reads enums from this registry

	errorsmod "cosmossdk.io/errors"
)

// AllRoles are the roles in their fixed order: pools are split and ticks run in it.
var AllRoles = []NodeRole{NODE_ROLE_WORKER, NODE_ROLE_DELEGATE, NODE_ROLE_DA, NODE_ROLE_SEQUENCER, NODE_ROLE_OPERATOR}

// Valid reports whether r is one of the five roles.
func (r NodeRole) Valid() bool { return r >= NODE_ROLE_WORKER && r <= NODE_ROLE_OPERATOR }

// Short is the role's name without the enum prefix (WORKER, DA, ...).
func (r NodeRole) Short() string { return strings.TrimPrefix(r.String(), "NODE_ROLE_") }

// A role is spelled `worker`, `delegate`, `da`, `sequencer` or `operator` wherever a user
// types it: CLI arguments (autocli takes exactly these), the JSON of `tx por report
// --parts`, REST paths and filters (/aegis/por/v1/roles/worker, ?role=worker). The enum
// name (NODE_ROLE_WORKER) and the number stay accepted; output keeps the enum name.
//
// The JSON and REST decoders look names up in the enum's value map, so the short
// spellings are added to it, and the map is registered where grpc-gateway v1 reads query
// parameters (the golang/protobuf registry, which gogoproto does not fill). Lookups only:
// NodeRole_name, and so every output, is unchanged.
func init() {
	for _, r := range AllRoles {
		short := r.Short()
		NodeRole_value[strings.ToLower(short)] = int32(r)
		NodeRole_value[short] = int32(r)
	}
	golangproto.RegisterEnum("aegis.por.v1.NodeRole", NodeRole_name, NodeRole_value)
}

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
