// Package restroutes finds the REST (grpc-gateway) routes the Aegis API server answers by
// asking the app, not a list: it builds the API server the way `aegisd start` does
// (app.RegisterAPIRoutes on an api.Server whose client talks to a recording CometBFT
// client), sends a request for every google.api.http binding of every service compiled
// into the binary, and records which gRPC method each request reaches.
//
// scripts/openapigen.sh generates the OpenAPI document from exactly the proto files of the
// services this package reports, and client/openapi's tests use it to prove the committed
// document and the app's routes are the same set.
package restroutes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"

	"github.com/aegis-chain/aegis/app"
)

// Binding is one google.api.http binding of a gRPC method.
type Binding struct {
	Service string // fully qualified service name, e.g. cosmos.bank.v1beta1.Query
	Method  string // method name, e.g. Balance
	File    string // the proto file declaring the service, e.g. cosmos/bank/v1beta1/query.proto
	Verb    string // HTTP method, e.g. GET
	Path    string // the binding's path template, e.g. /cosmos/bank/v1beta1/balances/{address}/by_denom
	Body    string // the binding's body field ("*" for the whole request), or ""

	input protoreflect.MessageDescriptor
}

// FullMethod is the gRPC method path, e.g. /cosmos.bank.v1beta1.Query/Balance.
func (b Binding) FullMethod() string { return "/" + b.Service + "/" + b.Method }

func (b Binding) String() string {
	return b.Verb + " " + b.Path + " (" + b.Service + "." + b.Method + ")"
}

// Bindings returns every google.api.http binding of every service in the binary's proto
// registry (gogoproto's and the global one merged), sorted by service, method and path.
// Most are not served by the app: the registry holds every proto the SDK links in.
func Bindings() ([]Binding, error) {
	files, err := gogoproto.MergedRegistry()
	if err != nil {
		return nil, fmt.Errorf("merging the proto registries: %w", err)
	}
	var out []Binding
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		svcs := fd.Services()
		for i := 0; i < svcs.Len(); i++ {
			sd := svcs.Get(i)
			methods := sd.Methods()
			for j := 0; j < methods.Len(); j++ {
				md := methods.Get(j)
				opts := md.Options()
				if opts == nil || !proto.HasExtension(opts, annotations.E_Http) {
					continue
				}
				rule, ok := proto.GetExtension(opts, annotations.E_Http).(*annotations.HttpRule)
				if !ok || rule == nil {
					continue
				}
				for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
					verb, path := verbAndPath(r)
					if path == "" {
						continue
					}
					out = append(out, Binding{
						Service: string(sd.FullName()), Method: string(md.Name()), File: fd.Path(),
						Verb: verb, Path: path, Body: r.GetBody(), input: md.Input(),
					})
				}
			}
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		return a.Verb+" "+a.Path < b.Verb+" "+b.Path
	})
	return out, nil
}

func verbAndPath(r *annotations.HttpRule) (string, string) {
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	case *annotations.HttpRule_Custom:
		return strings.ToUpper(p.Custom.GetKind()), p.Custom.GetPath()
	}
	return "", ""
}

// pathVar matches a path template variable: {field} or {field=pattern}.
var pathVar = regexp.MustCompile(`\{([^}=]+)(=[^}]*)?\}`)

// ExampleURL fills the binding's path variables with values the gateway can parse into the
// request's field types (it checks types, not meaning).
func (b Binding) ExampleURL() string {
	return pathVar.ReplaceAllStringFunc(b.Path, func(v string) string {
		return exampleValue(b.input, pathVar.FindStringSubmatch(v)[1])
	})
}

func exampleValue(msg protoreflect.MessageDescriptor, fieldPath string) string {
	if msg == nil {
		return "AQID"
	}
	var fd protoreflect.FieldDescriptor
	for _, name := range strings.Split(fieldPath, ".") {
		if msg == nil {
			return "AQID"
		}
		fd = msg.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			return "AQID"
		}
		msg = fd.Message()
	}
	return ExampleForKind(fd.Kind(), fd.Enum())
}

// ExampleForKind is a path value the gateway parses into a field of this kind.
func ExampleForKind(kind protoreflect.Kind, enum protoreflect.EnumDescriptor) string {
	switch kind {
	case protoreflect.BoolKind:
		return "true"
	case protoreflect.EnumKind:
		if enum != nil && enum.Values().Len() > 0 {
			return string(enum.Values().Get(enum.Values().Len() - 1).Name())
		}
		return "0"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind,
		protoreflect.FloatKind, protoreflect.DoubleKind:
		return "1"
	default: // string, bytes: valid base64 and a plausible string
		return "AQID"
	}
}

// Server is the app's API server as `aegisd start` builds it, minus the listener: its
// client context talks to a CometBFT client that records each ABCI query (a REST request's
// gRPC method) and fails it, or with Options.Live answers it from the app.
type Server struct {
	App     *app.App
	Handler http.Handler // the API server's router: RegisterAPIRoutes' routes, then the gateway

	rec *recordingComet
}

// Options adjust NewServer.
type Options struct {
	// DisableSwagger turns app.toml's api.swagger off (NewServer turns it on).
	DisableSwagger bool
	// Live answers ABCI queries with the app's committed state (as a node would) instead
	// of failing them; only ABCI queries: CometBFT's own RPC (blocks, status) stays absent.
	Live bool
}

// NewServer wires a's API server: the tx, CometBFT and node gRPC services (as the node
// registers them at start) and a.RegisterAPIRoutes. Call it once per app: the services
// cannot be registered twice.
func NewServer(a *app.App, opts Options) *Server {
	rec := &recordingComet{}
	if opts.Live {
		rec.answer = func(path string, data []byte, height int64, prove bool) (*coretypes.ResultABCIQuery, error) {
			res, err := a.Query(context.Background(), &abci.RequestQuery{Path: path, Data: data, Height: height, Prove: prove})
			if err != nil {
				return nil, err
			}
			return &coretypes.ResultABCIQuery{Response: *res}, nil
		}
	}
	clientCtx := client.Context{}.
		WithClient(rec).
		WithCodec(a.AppCodec()).
		WithInterfaceRegistry(a.InterfaceRegistry()).
		WithTxConfig(a.TxConfig()).
		WithLegacyAmino(a.LegacyAmino()).
		WithChainID("openapi-probe")
	a.RegisterTxService(clientCtx)
	a.RegisterTendermintService(clientCtx)
	a.RegisterNodeService(clientCtx, *config.DefaultConfig())

	apiSrv := api.New(clientCtx, log.NewNopLogger(), nil)
	cfg := config.DefaultConfig().API
	cfg.Enable, cfg.Swagger = true, !opts.DisableSwagger
	a.RegisterAPIRoutes(apiSrv, cfg)
	// api.Server.Start mounts the gateway last, under every route RegisterAPIRoutes added.
	apiSrv.Router.PathPrefix("/").Handler(apiSrv.GRPCGatewayRouter)
	return &Server{App: a, Handler: apiSrv.Router, rec: rec}
}

// NewApp builds an app on an in-memory database, enough to list its services and routes.
func NewApp(home string) (*app.App, error) {
	return app.New(log.NewNopLogger(), dbm.NewMemDB(), false, appOptions{flags.FlagHome: home})
}

type appOptions map[string]any

func (o appOptions) Get(key string) any { return o[key] }

// Result is what one request reached.
type Result struct {
	Status int
	// Routed: a route of the API server answered (the gateway answers a path it has no
	// route for with 501 Not Implemented; the recording client never causes a 501).
	Routed bool
	// Reached is the gRPC method (/pkg.Service/Method) the request was sent to, "" when the
	// handler answered without a query (the tx broadcast, or a value it could not parse).
	Reached string
	Body    string
}

// Probe sends one request through the API server's router.
func (s *Server) Probe(verb, url string) (res Result) {
	var body *strings.Reader
	if verb == http.MethodGet || verb == http.MethodDelete || verb == http.MethodHead {
		body = strings.NewReader("")
	} else {
		body = strings.NewReader("{}")
	}
	req := httptest.NewRequest(verb, url, body)
	if body.Len() > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	s.rec.reset()
	defer func() {
		// A handler that goes past the query (e.g. to broadcast) hits the recording
		// client's unimplemented methods: it was routed all the same.
		if r := recover(); r != nil {
			res = Result{Status: http.StatusInternalServerError, Routed: true, Reached: s.rec.last(), Body: fmt.Sprint(r)}
		}
	}()
	s.Handler.ServeHTTP(w, req)
	return Result{Status: w.Code, Routed: w.Code != http.StatusNotImplemented, Reached: s.rec.last(), Body: w.Body.String()}
}

// Dead is a binding the API server routes but that cannot answer.
type Dead struct {
	Binding
	Why string
}

// Routes is what the API server does with the registry's bindings.
type Routes struct {
	// Served: routed, reaching its own method, which the app's gRPC query router serves.
	Served []Binding
	// Dead: routed, but reaching another method (a pattern registered later shadows it) or
	// a method the gRPC query router does not serve (the REST route can only answer
	// "unknown query path": SDK v0.55's gov registers v1beta1 gateway routes but no
	// v1beta1 query server).
	Dead []Dead
}

// Routes probes every binding in the registry. Bindings the API server does not route
// (modules the app does not run) are in neither list.
func (s *Server) Routes() (Routes, error) {
	all, err := Bindings()
	if err != nil {
		return Routes{}, err
	}
	var rs Routes
	for _, b := range all {
		r := s.Probe(b.Verb, b.ExampleURL())
		switch {
		case !r.Routed:
		case r.Reached != "" && r.Reached != b.FullMethod():
			rs.Dead = append(rs.Dead, Dead{b, fmt.Sprintf("%s %s reaches %s", b.Verb, b.ExampleURL(), r.Reached)})
		case s.App.GRPCQueryRouter().Route(b.FullMethod()) == nil:
			rs.Dead = append(rs.Dead, Dead{b, b.FullMethod() + " is not registered on the gRPC query router"})
		default:
			rs.Served = append(rs.Served, b)
		}
	}
	if len(rs.Served) == 0 {
		return rs, errors.New("no REST route answers: is the gateway registered?")
	}
	return rs, nil
}

// errProbe is every ABCI query's answer: the probe only needs the query's path.
var errProbe = errors.New("openapi route probe: no node")

// recordingComet records ABCI query paths. Its other methods are the nil embedded
// interface's: nothing the probed query handlers call.
type recordingComet struct {
	client.CometRPC

	// answer, if set, answers the queries (Options.Live).
	answer func(path string, data []byte, height int64, prove bool) (*coretypes.ResultABCIQuery, error)

	mu    sync.Mutex
	paths []string
}

func (r *recordingComet) ABCIQueryWithOptions(_ context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error) {
	r.mu.Lock()
	r.paths = append(r.paths, path)
	r.mu.Unlock()
	if r.answer != nil {
		return r.answer(path, data, opts.Height, opts.Prove)
	}
	return nil, errProbe
}

func (r *recordingComet) ABCIQuery(ctx context.Context, path string, data cmtbytes.HexBytes) (*coretypes.ResultABCIQuery, error) {
	return r.ABCIQueryWithOptions(ctx, path, data, rpcclient.DefaultABCIQueryOptions)
}

func (r *recordingComet) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paths = nil
}

func (r *recordingComet) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.paths) == 0 {
		return ""
	}
	return r.paths[len(r.paths)-1]
}
