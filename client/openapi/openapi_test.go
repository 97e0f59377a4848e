package openapi_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/aegis-chain/aegis/client/openapi"
	"github.com/aegis-chain/aegis/client/openapi/internal/restroutes"
	"github.com/aegis-chain/aegis/testutil"
)

// The parts of a swagger 2.0 document the tests read.
type document struct {
	Swagger string `yaml:"swagger"`
	Info    struct {
		Title, Version, Description string
	} `yaml:"info"`
	Tags        []struct{ Name string }         `yaml:"tags"`
	Paths       map[string]map[string]operation `yaml:"paths"`
	Definitions map[string]*schema              `yaml:"definitions"`
}

type operation struct {
	OperationID string      `yaml:"operationId"`
	Tags        []string    `yaml:"tags"`
	Parameters  []parameter `yaml:"parameters"`
}

type parameter struct {
	Name     string   `yaml:"name"`
	In       string   `yaml:"in"`
	Required bool     `yaml:"required"`
	Type     string   `yaml:"type"`
	Format   string   `yaml:"format"`
	Enum     []string `yaml:"enum"`
}

type schema struct {
	Ref                  string             `yaml:"$ref"`
	Type                 string             `yaml:"type"`
	Properties           map[string]*schema `yaml:"properties"`
	Items                *schema            `yaml:"items"`
	AdditionalProperties any                `yaml:"additionalProperties"`
}

// op is one operation of the document.
type op struct {
	Verb, Path string
	operation
}

func loadDocument(t *testing.T) (document, []op) {
	t.Helper()
	var doc document
	require.NoError(t, yaml.Unmarshal(openapi.Document(), &doc))
	var ops []op
	for path, byVerb := range doc.Paths {
		for verb, o := range byVerb {
			ops = append(ops, op{strings.ToUpper(verb), path, o})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Verb < ops[j].Path+ops[j].Verb })
	return doc, ops
}

func TestDocumentParses(t *testing.T) {
	doc, ops := loadDocument(t)
	require.Equal(t, "2.0", doc.Swagger)
	require.Equal(t, "Aegis API", doc.Info.Title)
	require.NotEmpty(t, doc.Info.Version)
	// The LegacyDec note: REST shows decimals, gRPC carries the integer scaled by 10^18.
	require.Contains(t, doc.Info.Description, `"360.000000000000000000"`)
	require.Contains(t, doc.Info.Description, `"360000000000000000000"`)
	require.Greater(t, len(ops), 50)

	ids := map[string]string{}
	tags := map[string]bool{}
	for _, tag := range doc.Tags {
		tags[tag.Name] = true
	}
	for _, o := range ops {
		require.NotEmpty(t, o.OperationID, "%s %s", o.Verb, o.Path)
		prev, dup := ids[o.OperationID]
		require.False(t, dup, "operationId %s on %s and %s %s", o.OperationID, prev, o.Verb, o.Path)
		ids[o.OperationID] = o.Verb + " " + o.Path
		require.Len(t, o.Tags, 1, o.OperationID)
		require.True(t, tags[o.Tags[0]], "%s: tag %s is not in the document's tags", o.OperationID, o.Tags[0])
		require.Equal(t, o.Tags[0]+".", o.OperationID[:len(o.Tags[0])+1], "operationId is the tag's service + method")
	}

	// Every $ref resolves.
	refs := regexp.MustCompile(`\$ref: '#/definitions/([^']+)'`).FindAllStringSubmatch(string(openapi.Document()), -1)
	require.NotEmpty(t, refs)
	for _, m := range refs {
		require.Contains(t, doc.Definitions, m[1], "dangling $ref")
	}
}

func TestDocumentPaths(t *testing.T) {
	doc, _ := loadDocument(t)
	for _, p := range []string{
		"/aegis/emission/v1/params", "/aegis/emission/v1/status", "/aegis/emission/v1/schedule",
		"/aegis/emission/v1/day/{day}",
		"/aegis/license/v1/params", "/aegis/license/v1/licenses", "/aegis/license/v1/licenses/{id}",
		"/aegis/license/v1/supply", "/aegis/license/v1/commitment", "/aegis/license/v1/rewards/{owner}",
		"/aegis/por/v1/params", "/aegis/por/v1/nodes", "/aegis/por/v1/nodes/{operator}",
		"/aegis/por/v1/roles/{role}", "/aegis/por/v1/roles/{role}/days/{day}",
		"/aegis/por/v1/rewards/{operator}", "/aegis/por/v1/estimate/{role}",
		"/cosmos/bank/v1beta1/balances/{address}", "/cosmos/staking/v1beta1/validators",
		"/cosmos/gov/v1/proposals", "/cosmos/tx/v1beta1/txs", "/cosmos/tx/v1beta1/simulate",
		"/cosmos/base/tendermint/v1beta1/blocks/latest", "/cosmos/base/node/v1beta1/status",
	} {
		_, ok := doc.Paths[p]
		require.True(t, ok, "%s is not in the document", p)
	}
	require.Contains(t, doc.Paths["/cosmos/tx/v1beta1/txs"], "post", "broadcast")
	// Modules the app does not run, and gov v1beta1 (routed by the SDK, but no query server).
	for p := range doc.Paths {
		for _, absent := range []string{"/cosmos/mint/", "/cosmos/params/", "/cosmos/circuit/", "/cosmos/group/",
			"/cosmos/nft/", "/cosmos/protocolpool/", "/cosmos/epochs/", "/cosmos/gov/v1beta1/"} {
			require.False(t, strings.HasPrefix(p, absent), "%s: the app serves no %s", p, absent)
		}
	}
}

// TestDocumentIsTheAppsRoutes: the document's operations are exactly the REST bindings the
// app's API server serves (probed, see restroutes), and each path reaches its method.
func TestDocumentIsTheAppsRoutes(t *testing.T) {
	doc, ops := loadDocument(t)
	srv := restroutes.NewServer(testutil.NewApp(t), restroutes.Options{})
	routes, err := srv.Routes()
	require.NoError(t, err)

	served := map[string]restroutes.Binding{}
	for _, b := range routes.Served {
		served[b.Service+"."+b.Method] = b
	}
	inDoc := map[string]op{}
	for _, o := range ops {
		inDoc[o.OperationID] = o
	}
	for id, b := range served {
		o, ok := inDoc[id]
		require.True(t, ok, "%s is served over REST but missing from the document: run make openapi", b)
		require.Equal(t, b.Verb, o.Verb, id)
		require.Equal(t, swaggerPath(b.Path), o.Path, id)
	}
	for id, o := range inDoc {
		_, ok := served[id]
		require.True(t, ok, "%s %s (%s) is in the document but not served: run make openapi", o.Verb, o.Path, id)
	}

	// Through the router, each documented path reaches its method, which the app's gRPC
	// query router serves (so the service is registered in the app).
	for _, o := range ops {
		svc, method := splitID(o.OperationID)
		full := "/" + svc + "/" + method
		res := srv.Probe(o.Verb, exampleURL(o))
		require.True(t, res.Routed, "%s %s: %d %s", o.Verb, o.Path, res.Status, res.Body)
		if o.OperationID == "cosmos.tx.v1beta1.Service.BroadcastTx" {
			// The gateway broadcasts through CometBFT, not a query: the empty tx is refused.
			require.Equal(t, http.StatusBadRequest, res.Status, res.Body)
			require.Contains(t, res.Body, "invalid empty tx")
		} else {
			require.Equal(t, full, res.Reached, "%s %s: %d %s", o.Verb, o.Path, res.Status, res.Body)
		}
		require.NotNil(t, srv.App.GRPCQueryRouter().Route(full), "%s is not registered in the app", full)
	}

	// Each service of the document is complete: every REST binding of it is documented.
	services := map[string]bool{}
	for _, tag := range doc.Tags {
		services[tag.Name] = true
	}
	all, err := restroutes.Bindings()
	require.NoError(t, err)
	dead := map[string]string{}
	for _, d := range routes.Dead {
		dead[d.Service+"."+d.Method] = d.Why
	}
	for _, b := range all {
		id := b.Service + "." + b.Method
		if !services[b.Service] {
			continue
		}
		if why, ok := dead[id]; ok {
			t.Logf("left out of %s: %s (%s)", b.Service, b, why)
			continue
		}
		require.Contains(t, inDoc, id, "%s: its service is documented, it is not", b)
	}
	for _, d := range routes.Dead {
		require.False(t, strings.HasPrefix(d.Service, "aegis."), "an Aegis REST route cannot answer: %s: %s", d.Binding, d.Why)
		t.Logf("routed but dead, not documented: %s: %s", d.Binding, d.Why)
	}
}

// TestDocumentedResponsesMatchREST queries every documented GET without path parameters on
// a live chain and checks the JSON keys of the answers against the documented schemas: the
// field names (snake_case, as the SDK's gateway marshals them) and the nesting.
func TestDocumentedResponsesMatchREST(t *testing.T) {
	doc, ops := loadDocument(t)
	chain := testutil.NewTestChain(t, 1, nil)
	srv := restroutes.NewServer(chain.App, restroutes.Options{Live: true})

	var raw struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Schema schema `yaml:"schema"`
			} `yaml:"responses"`
		} `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(openapi.Document(), &raw))

	checked := 0
	for _, o := range ops {
		if o.Verb != http.MethodGet || strings.Contains(o.Path, "{") {
			continue
		}
		svc, _ := splitID(o.OperationID)
		if !strings.HasSuffix(svc, ".Query") { // CometBFT/node/tx services need a CometBFT node
			continue
		}
		res := get(t, srv.Handler, o.Path)
		if res.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(res.Body)
			require.False(t, strings.HasPrefix(o.Path, "/aegis/"), "GET %s: %d %s", o.Path, res.StatusCode, body)
			t.Logf("GET %s: %d (needs arguments or state) %s", o.Path, res.StatusCode, body)
			continue
		}
		var got any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&got), o.Path)
		conforms(t, doc, o.Path, raw.Paths[o.Path]["get"].Responses["200"].Schema, got)
		checked++
	}
	require.Greater(t, checked, 20)
}

// conforms fails if the JSON value has an object key the schema does not document.
func conforms(t *testing.T, doc document, where string, s schema, v any) {
	t.Helper()
	for s.Ref != "" {
		def, ok := doc.Definitions[strings.TrimPrefix(s.Ref, "#/definitions/")]
		require.True(t, ok, "%s: dangling %s", where, s.Ref)
		s = *def
	}
	switch v := v.(type) {
	case map[string]any:
		if s.AdditionalProperties != nil { // google.protobuf.Any, maps
			return
		}
		for k, val := range v {
			p, ok := s.Properties[k]
			require.True(t, ok, "%s: key %q is not in the documented schema", where, k)
			conforms(t, doc, where+"."+k, *p, val)
		}
	case []any:
		if s.Items != nil {
			for _, e := range v {
				conforms(t, doc, where+"[]", *s.Items, e)
			}
		}
	}
}

func TestSwaggerServed(t *testing.T) {
	srv := restroutes.NewServer(testutil.NewApp(t), restroutes.Options{})

	res := get(t, srv.Handler, "/swagger/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Type"), "text/html")
	page, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, openapi.IndexHTML(), page)
	require.Contains(t, string(page), `url: "./openapi.yaml"`)

	for _, p := range []string{"/swagger/openapi.yaml", "/swagger/swagger.yaml"} {
		res := get(t, srv.Handler, p)
		require.Equal(t, http.StatusOK, res.StatusCode, p)
		require.Contains(t, res.Header.Get("Content-Type"), "yaml", p)
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		require.Equal(t, openapi.Document(), body, "%s serves the Aegis document", p)
	}

	// Every script, style and icon the page loads comes from the SDK's swagger-ui assets.
	assets, err := openapi.SwaggerUIAssets()
	require.NoError(t, err)
	refs := regexp.MustCompile(`(?:src|href)="\./([^"]+)"`).FindAllStringSubmatch(string(page), -1)
	require.GreaterOrEqual(t, len(refs), 3)
	for _, m := range refs {
		_, err := fs.Stat(assets, m[1])
		require.NoError(t, err, "the page loads %s, which the SDK's swagger-ui does not ship", m[1])
		res := get(t, srv.Handler, "/swagger/"+m[1])
		require.Equal(t, http.StatusOK, res.StatusCode, m[1])
	}

	// /swagger redirects to the UI; the REST routes still answer next to it.
	res = get(t, srv.Handler, "/swagger")
	require.Equal(t, http.StatusMovedPermanently, res.StatusCode)
	require.Equal(t, "/swagger/", res.Header.Get("Location"))
	require.True(t, srv.Probe(http.MethodGet, "/aegis/license/v1/params").Routed)

	// api.swagger = false: no UI, no document.
	off := restroutes.NewServer(testutil.NewApp(t), restroutes.Options{DisableSwagger: true})
	for _, p := range []string{"/swagger/", "/swagger/openapi.yaml"} {
		require.NotEqual(t, http.StatusOK, get(t, off.Handler, p).StatusCode, p)
	}
}

func get(t *testing.T, h http.Handler, path string) *http.Response {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w.Result()
}

func splitID(id string) (service, method string) {
	i := strings.LastIndex(id, ".")
	return id[:i], id[i+1:]
}

// swaggerPath is a proto path template as swagger writes it: {name=pattern} -> {name}.
func swaggerPath(p string) string {
	return regexp.MustCompile(`\{([^}=]+)=[^}]*\}`).ReplaceAllString(p, "{$1}")
}

// exampleURL fills the operation's path parameters with values of their documented types.
func exampleURL(o op) string {
	url := o.Path
	for _, p := range o.Parameters {
		if p.In != "path" {
			continue
		}
		v := "AQID"
		switch {
		case len(p.Enum) > 0:
			v = p.Enum[len(p.Enum)-1]
		case p.Type == "integer" || p.Type == "number" || strings.Contains(p.Format, "int"):
			v = "1"
		case p.Type == "boolean":
			v = "true"
		}
		url = strings.ReplaceAll(url, "{"+p.Name+"}", v)
	}
	return url
}
