package app

import (
	"reflect"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/gogoproto/proto"
)

// decodedCodec is the app codec as the module manager's InitGenesis sees it, except that a
// module decoding a genesis type the cross-module check already decoded from the same
// genesis (x/bank's, x/staking's) is handed that value instead of parsing the JSON again:
// x/bank's balances are ~22 MB of JSON at full scale, and parsing them twice was 2.3 s of
// InitChain (docs/performance.md). Each value is handed out once.
type decodedCodec struct {
	codec.JSONCodec
	decoded map[reflect.Type]proto.Message
}

func newDecodedCodec(cdc codec.JSONCodec, decoded ...proto.Message) decodedCodec {
	d := decodedCodec{JSONCodec: cdc, decoded: make(map[reflect.Type]proto.Message, len(decoded))}
	for _, m := range decoded {
		d.decoded[reflect.TypeOf(m)] = m
	}
	return d
}

// MustUnmarshalJSON is what the SDK modules' InitGenesis call. (Only it: a method named
// UnmarshalJSON with the codec's signature trips go vet's check of the json.Unmarshaler
// signature, and the embedded codec's UnmarshalJSON still parses, as it should.)
func (d decodedCodec) MustUnmarshalJSON(bz []byte, ptr proto.Message) {
	t := reflect.TypeOf(ptr)
	if m, ok := d.decoded[t]; ok {
		delete(d.decoded, t)
		reflect.ValueOf(ptr).Elem().Set(reflect.ValueOf(m).Elem())
		return
	}
	d.JSONCodec.MustUnmarshalJSON(bz, ptr)
}
