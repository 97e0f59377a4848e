package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegis-chain/aegis/node/config"
	"github.com/aegis-chain/aegis/node/probe"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

func TestCheckRoles(t *testing.T) {
	params := portypes.DefaultParams() // the devnet's too: scripts/devnet-genesis.sh keeps x/por's roles
	five := equalShares([]string{"worker", "delegate", "da", "sequencer", "operator"})

	// node/probe's README laptop (8 cores at 1,500 MB/s, 200 GiB free at 600 MB/s) with the
	// 1 Gbit/s the README declares: with five roles at 20% every role misses a minimum
	// ("compute 16 < 140"), whole it meets the sequencer's only.
	laptop := probe.Units{Compute: 80, Storage: 40, Bandwidth: 125}
	rc := checkRoles(laptop, params, five, "test")
	require.Len(t, rc.Roles, 5)
	for _, f := range rc.Roles {
		require.False(t, f.Meets, f.Role)
		require.NotNil(t, f.Share, f.Role)
		require.Equal(t, probe.Units{Compute: 16, Storage: 8, Bandwidth: 25}, f.Gets, f.Role)
	}
	require.Equal(t, "worker", rc.Roles[0].Role)
	require.Equal(t, []string{"compute 16 < 140", "storage 8 < 90", "bandwidth 25 < 70"}, rc.Roles[0].Missing)
	require.Equal(t, []string{"sequencer"}, rc.Proposed)

	// Roles config.toml does not list are checked with the whole machine.
	rc = checkRoles(laptop, params, equalShares([]string{"sequencer"}), "test")
	for _, f := range rc.Roles {
		require.Equal(t, laptop, f.Gets, f.Role)
		require.Equal(t, f.Role == "sequencer", f.Meets, "%s: %v", f.Role, f.Missing)
		require.Equal(t, f.Role == "sequencer", f.Share != nil, f.Role)
	}
	require.Equal(t, []string{"compute 80 < 140", "storage 40 < 90"}, rc.Roles[0].Missing)
	var b bytes.Buffer
	rc.print(&b)
	require.Contains(t, b.String(), "aegis-node init --roles sequencer")
	require.NotContains(t, b.String(), "penalized")

	// A server the devnet's test node reports (600, 500, 500): four roles at 25% each, the
	// four whose pools are largest.
	rc = checkRoles(probe.Units{Compute: 600, Storage: 500, Bandwidth: 500}, params, nil, "test")
	require.Equal(t, []string{"worker", "delegate", "da", "sequencer"}, rc.Proposed)
	for _, f := range rc.Roles {
		require.True(t, f.Meets, f.Role)
	}

	// Nothing fits: what the whole machine misses, per role.
	small := probe.Units{Compute: 12, Storage: 17, Bandwidth: 125}
	rc = checkRoles(small, params, []config.RoleShare{{Role: "worker", Compute: 100, Storage: 100, Bandwidth: 100}}, "test")
	require.Empty(t, rc.Proposed)
	b.Reset()
	rc.print(&b)
	for _, want := range []string{"1 of the 1 roles in config.toml miss a minimum", "meets no role's minimums",
		"  sequencer: compute 12 < 40, storage 17 < 40\n", "worker     100/100/100"} {
		require.Contains(t, b.String(), want)
	}
}

func TestChainRoleParamsFallsBackToDefaults(t *testing.T) {
	p, source := chainRoleParams(context.Background(), "127.0.0.1:1")
	require.Equal(t, portypes.DefaultParams().Roles, p.Roles)
	require.Contains(t, source, "default params, as the chain at 127.0.0.1:1 did not answer")
}
