package system

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSystemReadableErrors runs, as a new user would, a tx that fails in simulation, one
// that CheckTx refuses, commands with a malformed address and `aegisd export` against the
// running node: each prints one sentence that names the problem and what to do, without
// nested gRPC prefixes, [file:line] fragments or "message index" (issue #24, item 4).
func TestSystemReadableErrors(t *testing.T) {
	skipIfShort(t)
	c := NewChain(t, BuildBinary(t), "bob")
	c.Start()
	bob := c.KeyAddress("bob")
	txFlags := []string{"-y", "--keyring-backend", "test", "--node", "tcp://" + c.RPC}

	// fails runs a command that must fail and returns the one line it printed on stderr.
	fails := func(args ...string) (stdout, sentence string) {
		t.Helper()
		out, errOut, err := c.Run(args...)
		require.Error(t, err, "aegisd %s\nstdout: %s", strings.Join(args, " "), out)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		require.Len(t, lines, 1, "one line on stderr: %q", errOut)
		line := lines[0]
		require.True(t, strings.HasPrefix(line, "Error: "), line)
		for _, noise := range []string{"rpc error", ".go:", "message index", "--0", "internal logic error", "unknown request"} {
			require.NotContains(t, line, noise)
		}
		return out, strings.TrimPrefix(line, "Error: ")
	}

	t.Run("a tx that fails in simulation", func(t *testing.T) {
		_, msg := fails(append([]string{"tx", "license", "unbind", "999", "--from", "alice", "--gas", "auto"}, txFlags...)...)
		require.Equal(t, `the transaction would fail, so nothing was sent: unknown license: license 999 does not exist; `+
			`check the license ids with "aegisd q license licenses --owner <address>"`, msg)

		_, msg = fails(append([]string{"tx", "bank", "send", "alice", bob, "99999999999999999uaegis", "--gas", "auto"}, txFlags...)...)
		require.Regexp(t, `^the transaction would fail, so nothing was sent: insufficient funds: spendable balance \d+uaegis `+
			`is smaller than 99999999999999999uaegis; check the balance with "aegisd q bank balances <address>", `+
			`then send less or fund the account first$`, msg)
	})

	t.Run("a tx that CheckTx refuses", func(t *testing.T) {
		out, msg := fails(append([]string{"tx", "bank", "send", "alice", bob, "1uaegis", "--fees", "99999999999999uaegis"}, txFlags...)...)
		require.Empty(t, out, "the sentence replaces the response")
		require.Regexp(t, `^the node refused the transaction, so it was not included: insufficient funds: spendable balance `+
			`\d+uaegis is smaller than 99999999999999uaegis; check the balance with "aegisd q bank balances <address>", `+
			`then send less or fund the account first$`, msg)

		// Scripts asking for JSON still get the response, and the exit code says it failed.
		out, msg2 := fails(append([]string{"tx", "bank", "send", "alice", bob, "1uaegis", "--fees", "99999999999999uaegis",
			"--output", "json"}, txFlags...)...)
		require.Contains(t, out, `"code":5`)
		require.Equal(t, msg, msg2)
	})

	t.Run("a malformed address", func(t *testing.T) {
		_, msg := fails(append([]string{"tx", "license", "mint", "aegis1bad", "3", "--from", "alice"}, txFlags...)...)
		require.Equal(t, `the owner argument "aegis1bad" is not valid: it must be an account address (aegis1...) `+
			`or the name of a key in your keyring`, msg)

		_, msg = fails("q", "license", "rewards", "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", "--node", "tcp://"+c.RPC)
		require.Equal(t, `the owner argument "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu" is not valid: it must be an `+
			`account address (aegis1...) or the name of a key in your keyring (its prefix is cosmos, not aegis)`, msg)

		// bank send is the SDK's own command, not autocli's.
		_, msg = fails(append([]string{"tx", "bank", "send", "alice", "aegis1xyz", "1uaegis"}, txFlags...)...)
		require.Equal(t, `the to_address argument "aegis1xyz" is not valid: it must be an account address (aegis1...)`, msg)
	})

	t.Run("export on a running node", func(t *testing.T) {
		_, msg := fails("export")
		require.Equal(t, "cannot open the node's database in "+c.Home+"/data: stop aegisd first (the node holds its database), "+
			"then run this command again", msg)
	})
}
