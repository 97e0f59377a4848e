package system

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// REST answers a missing thing with 404 and a malformed request with 400, each with a
// message a client can show, not 500 (the gRPC codes of the query handlers, mapped by
// grpc-gateway).
func TestSystemRESTStatusCodes(t *testing.T) {
	skipIfShort(t)
	c := NewChain(t, BuildBinary(t))
	c.Start()
	for _, tc := range []struct {
		path string
		code int
		msg  string
	}{
		{"/aegis/license/v1/licenses/999", http.StatusNotFound, "license 999 does not exist"},
		{"/aegis/emission/v1/day/0", http.StatusBadRequest, "day must be in [1, 7305], got 0"},
		{"/aegis/por/v1/nodes/aegis1xyz", http.StatusBadRequest, "use the node's aegis1... account address"},
		{"/aegis/por/v1/nodes/" + c.KeyAddress("alice"), http.StatusNotFound, "unknown node"},
		{"/aegis/por/v1/roles/gpu", http.StatusBadRequest, "gpu is not valid"},
		{"/aegis/por/v1/roles/worker/days/99999", http.StatusNotFound, "no tick of WORKER on day 99999"},
		{"/aegis/license/v1/rewards/xyz", http.StatusBadRequest, "is not an address"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := http.Get("http://" + c.API + tc.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			require.Equal(t, tc.code, resp.StatusCode, "%s", body)
			require.Contains(t, string(body), tc.msg)
		})
	}
}
