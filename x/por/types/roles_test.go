package types_test

import (
	"net/url"
	"testing"

	"github.com/cosmos/gogoproto/jsonpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/utilities"
	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/x/por/types"
)

// A role is spelled worker (or WORKER, NODE_ROLE_WORKER, 1) in every place a user types
// one: the --parts JSON (gogoproto jsonpb), REST path parameters and REST query filters
// (grpc-gateway v1). Output keeps the enum name.
func TestRoleSpellingsEverywhere(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want types.NodeRole
	}{
		{"worker", types.NODE_ROLE_WORKER},
		{"WORKER", types.NODE_ROLE_WORKER},
		{"NODE_ROLE_WORKER", types.NODE_ROLE_WORKER},
		{"delegate", types.NODE_ROLE_DELEGATE},
		{"da", types.NODE_ROLE_DA},
		{"sequencer", types.NODE_ROLE_SEQUENCER},
		{"operator", types.NODE_ROLE_OPERATOR},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var part types.RolePart
			require.NoError(t, jsonpb.UnmarshalString(`{"role":"`+tc.in+`","resources":{"compute":1}}`, &part))
			require.Equal(t, tc.want, part.Role, "--parts JSON")

			v, err := gwruntime.Enum(tc.in, types.NodeRole_value)
			require.NoError(t, err)
			require.Equal(t, tc.want, types.NodeRole(v), "REST path /aegis/por/v1/roles/{role}")

			var req types.QueryNodesRequest
			require.NoError(t, gwruntime.PopulateQueryParameters(&req, url.Values{"role": {tc.in}}, utilities.NewDoubleArray(nil)))
			require.Equal(t, tc.want, req.Role, "REST filter ?role=")

			got, err := types.ParseRole(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, got, "aegis-node and ParseRole")

			require.Equal(t, "NODE_ROLE_"+got.Short(), got.String(), "output keeps the enum name")
		})
	}
	for _, bad := range []string{"gpu", "Worker ", "NODE_ROLE_GPU"} {
		var part types.RolePart
		require.Error(t, jsonpb.UnmarshalString(`{"role":"`+bad+`"}`, &part), bad)
		var req types.QueryNodesRequest
		require.Error(t, gwruntime.PopulateQueryParameters(&req, url.Values{"role": {bad}}, utilities.NewDoubleArray(nil)), bad)
	}
	require.Len(t, types.NodeRole_name, 6, "aliases go to the value map only")
}
