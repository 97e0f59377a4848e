package keeper

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// TestRecentCodec: a role's day decoded from the cache equals the one decoded afresh, the
// cache never holds more than its size, and bytes that do not decode are refused each time.
func TestRecentCodec(t *testing.T) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	inner := codec.CollValue[types.RoleDay](cdc)
	c := newRecentCodec(inner, 3)
	day := func(d uint64) []byte {
		rd := emptyRoleDay(types.NODE_ROLE_WORKER)
		rd.Day, rd.Index, rd.Pool = d, math.LegacyNewDecWithPrec(int64(d), 3), math.NewInt(int64(1000*d))
		bz, err := inner.Encode(rd)
		require.NoError(t, err)
		return bz
	}
	for range 2 {
		for d := uint64(1); d <= 5; d++ {
			got, err := c.Decode(day(d))
			require.NoError(t, err)
			want, err := inner.Decode(day(d))
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.LessOrEqual(t, len(c.m), 3)
		}
	}
	for range 2 {
		_, err := c.Decode([]byte{0xff, 0xff})
		require.Error(t, err)
	}
	require.NotContains(t, c.m, string([]byte{0xff, 0xff}))
}
