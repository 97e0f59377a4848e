package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// The module manager's x/bank is handed the value the check decoded, once, for the bytes it
// was decoded from; anything else (other bytes, a second decode, another type) is parsed
// from its JSON as the app codec would.
func TestDecodedCodecHandsOutOnce(t *testing.T) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	checked := &banktypes.GenesisState{Params: banktypes.DefaultParams(), Supply: nil, DenomMetadata: []banktypes.Metadata{DenomMetadata()}}
	section := []byte(`{"this":"is not parsed"}`)
	d := newDecodedCodec(cdc, decodedSection{section, checked})

	var other banktypes.GenesisState
	require.Panics(t, func() { d.MustUnmarshalJSON([]byte(`{"other":"bytes"}`), &other) }, "other bytes are parsed")
	var got banktypes.GenesisState
	d.MustUnmarshalJSON(section, &got)
	require.Equal(t, *checked, got)

	var again banktypes.GenesisState
	require.Panics(t, func() { d.MustUnmarshalJSON(section, &again) }, "the second decode parses")
	d.MustUnmarshalJSON(cdc.MustMarshalJSON(checked), &again)
	require.Equal(t, cdc.MustMarshalJSON(checked), cdc.MustMarshalJSON(&again))

	var staking stakingtypes.GenesisState
	require.Panics(t, func() { d.MustUnmarshalJSON([]byte(`{"no":1}`), &staking) }, "a type not handed in is parsed")
}
