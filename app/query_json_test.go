package app_test

import (
	"encoding/json"
	"reflect"
	"testing"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cosmos/cosmos-sdk/x/tx/signing/aminojson"

	_ "github.com/aegis-chain/aegis/app" // registers every Aegis proto
)

// The CLI prints query responses with x/tx's amino JSON encoder (client/v2 autocli), which
// drops a zero field unless the proto marks it (amino.dont_omitempty). Scripts reading
// `aegisd q ... -o json` on a fresh chain must still find days_issued, active and the
// rest, as REST shows them. So every field of every Aegis query response, at any depth,
// is printed when zero; only a nullable message that is absent is left out.
func TestQueryResponsesKeepZeroFieldsInCLIJSON(t *testing.T) {
	enc := aminojson.NewEncoder(aminojson.EncoderOptions{ // autocli's query options
		EnumAsString:       true,
		DoNotSortFields:    true,
		AminoNameAsTypeURL: true,
		MarshalMappings:    true,
		FileResolver:       gogoproto.HybridResolver,
	})
	for _, svc := range []protoreflect.FullName{"aegis.emission.v1.Query", "aegis.por.v1.Query", "aegis.license.v1.Query"} {
		d, err := gogoproto.HybridResolver.FindDescriptorByName(svc)
		require.NoError(t, err)
		methods := d.(protoreflect.ServiceDescriptor).Methods()
		for i := 0; i < methods.Len(); i++ {
			out := methods.Get(i).Output()
			t.Run(string(out.FullName()), func(t *testing.T) {
				// The zero response as the server sends it: gogoproto writes non-nullable
				// messages and scalars' zero values the way a fresh chain's answer has them.
				typ := gogoproto.MessageType(string(out.FullName()))
				require.NotNil(t, typ, "no Go type registered")
				bz, err := gogoproto.Marshal(reflect.New(typ.Elem()).Interface().(gogoproto.Message))
				require.NoError(t, err)
				msg := dynamicpb.NewMessage(out)
				require.NoError(t, proto.Unmarshal(bz, msg))

				js, err := enc.Marshal(msg)
				require.NoError(t, err)
				var obj map[string]any
				require.NoError(t, json.Unmarshal(js, &obj), "%s", js)
				requireEveryField(t, msg, obj, string(out.Name()))
			})
		}
	}
}

func requireEveryField(t *testing.T, msg protoreflect.Message, obj map[string]any, path string) {
	t.Helper()
	fields := msg.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		name := string(f.Name())
		if f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() && !msg.Has(f) {
			continue // a nullable message that is absent
		}
		v, ok := obj[name]
		require.True(t, ok, "%s.%s is missing from the CLI JSON of a zero response: add (amino.dont_omitempty) = true", path, name)
		if f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() {
			if nested, isObj := v.(map[string]any); isObj {
				requireEveryField(t, msg.Get(f).Message(), nested, path+"."+name)
			}
		}
	}
}
