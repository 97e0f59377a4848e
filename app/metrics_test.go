package app_test

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissionkeeper "github.com/aegis-chain/aegis/x/emission/keeper"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestMetrics: the Aegis figures a scrape reads agree with the chain's state: days, slots
// per role, licenses; and they follow the chain block by block.
func TestMetrics(t *testing.T) {
	c := testutil.NewTestChainWithAccounts(t, 1, func(cdc codec.JSONCodec, g app.GenesisState, _ []testutil.Account) {
		editSection(t, cdc, g, emissiontypes.ModuleName, func(gs *emissiontypes.GenesisState) { gs.Params.DaySeconds = 10 })
	})
	reg := prometheus.NewRegistry()
	require.NoError(t, c.App.RegisterMetrics(reg))
	require.NoError(t, c.App.RegisterMetrics(reg), "registering twice is harmless")

	op := c.Accounts[0]
	res := c.DeliverMsgs(time.Second, op, &portypes.MsgRegisterNode{Operator: op.Address.String(), Moniker: "n",
		Roles: []portypes.NodeRole{portypes.NODE_ROLE_WORKER}, Stake: sdk.NewCoin(app.BondDenom, portypes.DefaultMinStake)})
	require.Zero(t, res.Code, res.Log)
	for range 3 {
		c.NextBlock(10 * time.Second)
	}

	got := gather(t, reg)
	require.Equal(t, 0.0, got["aegis_metrics_read_errors"])
	status, err := emissionkeeper.NewQuerier(c.App.EmissionKeeper).Status(c.Context(), &emissiontypes.QueryStatusRequest{})
	require.NoError(t, err)
	require.Equal(t, float64(status.CurrentDay), got["aegis_emission_current_day"])
	require.Equal(t, float64(status.DaysIssued), got["aegis_emission_days_issued"])
	require.Positive(t, got["aegis_emission_days_issued"])
	require.Equal(t, 0.0, got["aegis_emission_days_behind"], "the chain issues every ended day")
	require.Equal(t, 1.0, got[`aegis_por_slots_held{role="WORKER"}`])
	require.Equal(t, 0.0, got[`aegis_por_slots_held{role="DA"}`])
	params, err := c.App.PorKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.Equal(t, float64(params.Roles[0].SlotCap), got[`aegis_por_slot_cap{role="WORKER"}`])
	require.Equal(t, 0.0, got["aegis_por_challenges_pending"])
	require.Equal(t, 0.0, got["aegis_por_set_aside_payouts"])
	require.Equal(t, 0.0, got["aegis_license_settlements_stuck"])
	require.Equal(t, 0.0, got[`aegis_licenses{status="active"}`])
}

// gather scrapes reg: each series by its name and labels, as Prometheus prints them.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out[mf.GetName()+labelString(m.GetLabel())] = m.GetGauge().GetValue()
		}
	}
	return out
}

func labelString(ls []*dto.LabelPair) string {
	if len(ls) == 0 {
		return ""
	}
	s := "{"
	for i, l := range ls {
		if i > 0 {
			s += ","
		}
		s += l.GetName() + `="` + l.GetValue() + `"`
	}
	return s + "}"
}
