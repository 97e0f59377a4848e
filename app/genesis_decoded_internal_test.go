package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// The module manager's x/bank is handed the value the check decoded, once; anything else
// (and a second x/bank decode) is parsed from its JSON as the app codec would.
func TestDecodedCodecHandsOutOnce(t *testing.T) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	checked := &banktypes.GenesisState{Params: banktypes.DefaultParams(), Supply: nil, DenomMetadata: []banktypes.Metadata{DenomMetadata()}}
	d := newDecodedCodec(cdc, checked)

	var got banktypes.GenesisState
	d.MustUnmarshalJSON([]byte(`{"this":"is not parsed"}`), &got)
	require.Equal(t, *checked, got)

	var again banktypes.GenesisState
	require.Panics(t, func() { d.MustUnmarshalJSON([]byte(`{"this":"is parsed"}`), &again) }, "the second decode parses")
	d.MustUnmarshalJSON(cdc.MustMarshalJSON(checked), &again)
	require.Equal(t, cdc.MustMarshalJSON(checked), cdc.MustMarshalJSON(&again))

	var staking stakingtypes.GenesisState
	require.Panics(t, func() { d.MustUnmarshalJSON([]byte(`{"no":1}`), &staking) }, "a type not handed in is parsed")
}
