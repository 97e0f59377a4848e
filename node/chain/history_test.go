package chain

import (
	"context"
	"errors"
	"testing"

	"cosmossdk.io/math"
	abci "github.com/cometbft/cometbft/abci/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// fakeIndex is a tx index holding one tx per report, newest first as tx_search desc
// returns them; it records the pages asked for.
type fakeIndex struct {
	txs   []*coretypes.ResultTx
	err   error
	pages []int
	query string
}

func (f *fakeIndex) TxSearch(_ context.Context, query string, _ bool, page, perPage *int, orderBy string) (*coretypes.ResultTxSearch, error) {
	if f.err != nil {
		return nil, f.err
	}
	if orderBy != "desc" {
		return nil, errors.New("want desc")
	}
	f.pages, f.query = append(f.pages, *page), query
	lo := min((*page-1)**perPage, len(f.txs))
	hi := min(lo+*perPage, len(f.txs))
	return &coretypes.ResultTxSearch{Txs: f.txs[lo:hi], TotalCount: len(f.txs)}, nil
}

// reportTx is a tx whose events are the reports, as the chain emits them (typed events,
// JSON attribute values, plus the msg_index the SDK adds).
func reportTx(t *testing.T, code uint32, reports ...*portypes.EventReportAccepted) *coretypes.ResultTx {
	t.Helper()
	tx := &coretypes.ResultTx{TxResult: abci.ExecTxResult{Code: code}}
	tx.TxResult.Events = append(tx.TxResult.Events, abci.Event{Type: "message", Attributes: []abci.EventAttribute{{Key: "action", Value: "/cosmos.authz.v1beta1.MsgExec"}}})
	for _, r := range reports {
		ev, err := sdk.TypedEventToEvent(r)
		require.NoError(t, err)
		ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: "msg_index", Value: "0"})
		tx.TxResult.Events = append(tx.TxResult.Events, abci.Event(ev))
	}
	return tx
}

func report(op string, day uint64, effs ...string) *portypes.EventReportAccepted {
	r := &portypes.EventReportAccepted{Operator: op, Day: day}
	for i, e := range effs {
		r.Roles = append(r.Roles, portypes.RoleEff{Role: portypes.NodeRole(i + 1), Eff: math.LegacyMustNewDecFromStr(e)})
	}
	return r
}

// TestReportHistory: the node's reports from day `from` on, read newest first, whoever
// signed them; other nodes' reports in the same tx and failed txs are left out; the search
// stops at the page that reaches a report before `from`.
func TestReportHistory(t *testing.T) {
	const op, other = "aegis1op", "aegis1other"
	days := func(rs []ReportEff) []uint64 {
		var out []uint64
		for _, r := range rs {
			out = append(out, r.Day)
		}
		return out
	}
	// 250 days of reports, one a day, newest first; one tx carries another node's report too.
	var txs []*coretypes.ResultTx
	for day := uint64(250); day >= 1; day-- {
		if day == 240 {
			txs = append(txs, reportTx(t, 0, report(other, day, "9"), report(op, day, "1.5", "2")))
			continue
		}
		txs = append(txs, reportTx(t, 0, report(op, day, "1.5")))
	}
	txs = append([]*coretypes.ResultTx{reportTx(t, 5, report(op, 251, "7"))}, txs...) // failed: no report

	for _, tc := range []struct {
		name  string
		from  uint64
		pages []int
		first uint64 // newest day returned
		n     int    // reports returned (role effs)
	}{
		{"window in the first page", 221, []int{1}, 250, 31},
		{"window spanning pages", 120, []int{1, 2}, 250, 132},
		{"everything", 1, []int{1, 2, 3}, 250, 251},
		{"nothing that new", 300, []int{1}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := &fakeIndex{txs: txs}
			got, err := reportHistory(context.Background(), idx, op, tc.from)
			require.NoError(t, err)
			require.Equal(t, `aegis.por.v1.EventReportAccepted.operator='"aegis1op"'`, idx.query, "the indexed value keeps its JSON quotes")
			require.Equal(t, tc.pages, idx.pages)
			require.Len(t, got, tc.n)
			for _, d := range days(got) {
				require.GreaterOrEqual(t, d, tc.from)
				require.LessOrEqual(t, d, uint64(250))
			}
			if tc.n > 0 {
				require.Equal(t, tc.first, got[0].Day)
			}
		})
	}

	// Day 240's tx: the node's two roles, not the other node's.
	got, err := reportHistory(context.Background(), &fakeIndex{txs: txs}, op, 240)
	require.NoError(t, err)
	var d240 []ReportEff
	for _, r := range got {
		if r.Day == 240 {
			d240 = append(d240, r)
		}
	}
	require.Equal(t, []ReportEff{{Day: 240, Role: portypes.NodeRole(1), Eff: math.LegacyMustNewDecFromStr("1.5")},
		{Day: 240, Role: portypes.NodeRole(2), Eff: math.LegacyMustNewDecFromStr("2")}}, d240)

	// A page repeated (new reports shifted the pages between two calls) adds nothing twice.
	dup := append(append([]*coretypes.ResultTx{}, txs[:100]...), txs[99:]...)
	got, err = reportHistory(context.Background(), &fakeIndex{txs: dup}, op, 1)
	require.NoError(t, err)
	require.Len(t, got, 251)

	// No tx index: ErrNoTxIndex, so the page falls back on the daemon's own record.
	_, err = reportHistory(context.Background(), &fakeIndex{err: errors.New("transaction indexing is disabled")}, op, 1)
	require.ErrorIs(t, err, ErrNoTxIndex)
	require.ErrorContains(t, err, "transaction indexing is disabled")
}

// TestReportHistoryNoRPC: a client with no RPC address reports ErrNoTxIndex.
func TestReportHistoryNoRPC(t *testing.T) {
	_, err := (&Client{}).ReportHistory(context.Background(), 1)
	require.ErrorIs(t, err, ErrNoTxIndex)
}
