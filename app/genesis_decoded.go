package app

import (
	"bytes"
	"reflect"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/gogoproto/proto"
)

// decodedCodec is the app codec as the module manager's InitGenesis sees it, except that a
// module decoding a genesis section the cross-module check already decoded (x/bank's,
// x/staking's) is handed that value instead of parsing the JSON again: x/bank's balances
// are ~22 MB of JSON at full scale, and parsing them twice was 2.3 s of InitChain
// (docs/performance.md). A value is handed out once, and only for the very bytes it was
// decoded from into the same type; the module gets it as decoded (slices shared with the
// check's copy, which nothing reads after InitGenesis).
type decodedCodec struct {
	codec.JSONCodec
	decoded map[reflect.Type]decodedSection
}

type decodedSection struct {
	json  []byte
	value proto.Message
}

func newDecodedCodec(cdc codec.JSONCodec, sections ...decodedSection) decodedCodec {
	d := decodedCodec{JSONCodec: cdc, decoded: make(map[reflect.Type]decodedSection, len(sections))}
	for _, s := range sections {
		d.decoded[reflect.TypeOf(s.value)] = s
	}
	return d
}

// MustUnmarshalJSON is what the SDK modules' InitGenesis call. (Only it: a method named
// UnmarshalJSON with the codec's signature trips go vet's check of the json.Unmarshaler
// signature, and the embedded codec's UnmarshalJSON still parses, as it should.)
func (d decodedCodec) MustUnmarshalJSON(bz []byte, ptr proto.Message) {
	t := reflect.TypeOf(ptr)
	if s, ok := d.decoded[t]; ok && bytes.Equal(bz, s.json) {
		delete(d.decoded, t)
		reflect.ValueOf(ptr).Elem().Set(reflect.ValueOf(s.value).Elem())
		return
	}
	d.JSONCodec.MustUnmarshalJSON(bz, ptr)
}
