package system

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// TestSystemEmission runs a chain with 2-second days and checks the schedule and status
// queries over the CLI and REST, and that the bank supply grows by exactly the issuance.
func TestSystemEmission(t *testing.T) {
	skipIfShort(t)
	c := NewChain(t, BuildBinary(t))
	c.SetDaySeconds(2)
	c.Start()

	var sched struct {
		Epochs []struct {
			Epoch    uint32 `json:"epoch"`
			FirstDay string `json:"first_day"`
			LastDay  string `json:"last_day"`
			Total    string `json:"total"`
		} `json:"epochs"`
		Total string `json:"total"`
	}
	c.QueryJSON(&sched, "emission", "schedule")
	want := []string{"5161290322580645", "2580645161290322", "1290322580645162", "645161290322580", "322580645161291"}
	require.Len(t, sched.Epochs, 5)
	for i, e := range sched.Epochs {
		require.Equal(t, want[i], e.Total)
	}
	require.Equal(t, "10000000000000000", sched.Total)

	type status struct {
		DaysIssued  string `json:"days_issued"`
		TotalIssued string `json:"total_issued"`
	}
	deadline := time.Now().Add(60 * time.Second)
	var st status
	for time.Now().Before(deadline) {
		c.QueryJSON(&st, "emission", "status")
		if st.DaysIssued != "" && st.DaysIssued != "0" && st.DaysIssued != "1" {
			break
		}
		time.Sleep(time.Second)
	}
	require.NotContains(t, []string{"", "0", "1"}, st.DaysIssued, "no days issued within a minute")

	// The REST status and the bank supply, read at one height: supply = genesis supply +
	// cumulative(days issued).
	height := c.Height()
	var rest status
	c.GetJSONAt(height, "/aegis/emission/v1/status", &rest)
	var supply struct {
		Amount struct {
			Amount string `json:"amount"`
		} `json:"amount"`
	}
	c.GetJSONAt(height, "/cosmos/bank/v1beta1/supply/by_denom?denom=uaegis", &supply)
	days, ok := math.NewIntFromString(rest.DaysIssued)
	require.True(t, ok)
	genesisSupply := math.NewInt(1_000_000_000_000)
	wantSupply := genesisSupply.Add(types.DefaultSchedule().Cumulative(days.Uint64()))
	require.Equal(t, wantSupply.String(), supply.Amount.Amount)
	require.Equal(t, types.DefaultSchedule().Cumulative(days.Uint64()).String(), rest.TotalIssued)
}
