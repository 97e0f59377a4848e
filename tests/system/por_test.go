package system

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSystemNodeJourney is a resource operator's journey on a chain with 3-second days:
// register in two roles, report, wait for the ticks, see rewards grow, claim, and receive
// exactly the pending amount.
func TestSystemNodeJourney(t *testing.T) {
	skipIfShort(t)
	c := NewChain(t, BuildBinary(t), "node1")
	c.SetDaySeconds(3)
	node := c.KeyAddress("node1")
	start := time.Now()
	c.Start()
	t.Logf("started after %s", time.Since(start))

	res := c.Tx("tx", "por", "register", "node1", "20000000000uaegis", "--roles", "worker", "--roles", "da", "--from", "node1")
	require.Zero(t, res.Code, res.RawLog)

	// Nothing to claim before the node has reported: the CLI simulates the claim and
	// refuses it without sending it, rather than printing code 0 for a tx that fails in
	// the block and costs its fee.
	seq := func() string {
		var acc struct {
			Account struct {
				Value struct {
					Sequence string `json:"sequence"`
				} `json:"value"`
			} `json:"account"`
		}
		c.QueryJSON(&acc, "auth", "account", node)
		return acc.Account.Value.Sequence
	}
	seqBefore := seq()
	_, errOut, err := c.Run("tx", "por", "claim", "--from", "node1", "-y", "--keyring-backend", "test", "--node", "tcp://"+c.RPC)
	require.Error(t, err)
	require.Contains(t, errOut, "nothing was sent")
	require.Contains(t, errOut, "has nothing to claim")
	require.Equal(t, seqBefore, seq(), "the refused claim was not broadcast")

	// Roles as users spell them: worker and da.
	res = c.Tx("tx", "por", "report", "--from", "node1",
		"--totals", `{"compute":300,"storage":300,"bandwidth":200}`,
		"--parts", `{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}`,
		"--parts", `{"role":"da","resources":{"compute":60,"storage":150,"bandwidth":60}}`)
	require.Zero(t, res.Code, res.RawLog)

	var info struct {
		Node struct {
			Roles         []string `json:"roles"`
			LastReportDay string   `json:"last_report_day"`
		} `json:"node"`
		Roles []struct {
			Role string `json:"role"`
			Eff  string `json:"eff"`
		} `json:"roles"`
	}
	c.QueryJSON(&info, "por", "node", node)
	require.Equal(t, []string{"NODE_ROLE_WORKER", "NODE_ROLE_DA"}, info.Node.Roles)
	require.Len(t, info.Roles, 2)
	for _, r := range info.Roles {
		require.Equal(t, "300.000000000000000000", r.Eff, r.Role)
	}

	type rewards struct {
		Total string `json:"total"`
	}
	var r rewards
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		c.QueryJSON(&r, "por", "rewards", node)
		if v, _ := strconv.ParseInt(r.Total, 10, 64); v > 0 {
			break
		}
		time.Sleep(time.Second)
	}
	require.NotEqual(t, "0", r.Total, "rewards did not grow")
	t.Logf("rewards %s after %s", r.Total, time.Since(start))

	claim := c.Tx("tx", "por", "claim", "--from", "node1")
	require.Zero(t, claim.Code, claim.RawLog)
	h, err := strconv.ParseInt(claim.Height, 10, 64)
	require.NoError(t, err)
	var pending rewards
	c.QueryJSON(&pending, "por", "rewards", node, "--height", strconv.FormatInt(h-1, 10))
	type balance struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	var before, after balance
	c.QueryJSON(&before, "bank", "balance", node, "uaegis", "--height", strconv.FormatInt(h-1, 10))
	c.QueryJSON(&after, "bank", "balance", node, "uaegis", "--height", strconv.FormatInt(h, 10))
	b, _ := strconv.ParseInt(before.Balance.Amount, 10, 64)
	a, _ := strconv.ParseInt(after.Balance.Amount, 10, 64)
	p, _ := strconv.ParseInt(pending.Total, 10, 64)
	require.Positive(t, p)
	require.Equal(t, p, a-b, "claim moves exactly the pending amount")

	// The REST receipt of a tick is public.
	var rd struct {
		RoleDay struct {
			Active string `json:"active"`
		} `json:"role_day"`
	}
	c.GetJSON("/aegis/por/v1/roles/worker/days/"+info.Node.LastReportDay, &rd)
	require.Equal(t, "1", rd.RoleDay.Active)
	var nodes struct {
		Nodes []struct {
			Operator string `json:"operator"`
		} `json:"nodes"`
	}
	c.GetJSON("/aegis/por/v1/nodes?role=da", &nodes)
	require.Len(t, nodes.Nodes, 1)
	require.Equal(t, node, nodes.Nodes[0].Operator)
}
