package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/math"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The chain keeps no per-node history of reports: a node-role's state holds its current
// report (and the one it replaced while that still counts). Every accepted report, though,
// emits aegis.por.v1.EventReportAccepted{operator, day, roles[]{role, eff}}, and a chain node
// with a tx index (CometBFT's default, tx_index = "kv") keeps it: ReportHistory reads it
// back with tx_search. The event is the same whoever signed the report (the operator, its
// reporter key, or the hot key through x/authz MsgExec), so the search is by the event's
// operator, never by the message's signer.

// ReportEff is the eff PoR the chain gave one role of one of the node's accepted reports.
type ReportEff struct {
	Day  uint64
	Role portypes.NodeRole
	Eff  math.LegacyDec
}

// ErrNoTxIndex: the chain node at the RPC address keeps no tx index, or could not be asked.
var ErrNoTxIndex = errors.New("no tx index")

// txSearcher is CometBFT's tx_search (the RPC client; a fake in tests).
type txSearcher interface {
	TxSearch(ctx context.Context, query string, prove bool, page, perPage *int, orderBy string) (*coretypes.ResultTxSearch, error)
}

// reportEventType is the typed event's name, the prefix of its indexed attributes.
var reportEventType = proto.MessageName(&portypes.EventReportAccepted{})

// ReportQuery is the tx_search query for the operator's accepted reports. A typed event's
// attribute values are JSON: the indexer keeps the operator with its double quotes
// (operator='"aegis1..."' matches, operator='aegis1...' does not). The day is JSON too, a
// quoted string ("7", uint64 in proto JSON), which CometBFT's range conditions (day>=7)
// cannot compare: they match nothing. So the query names the operator only and
// ReportHistory bounds the days by reading newest first.
func ReportQuery(operator string) string {
	return fmt.Sprintf(`%s.operator='"%s"'`, reportEventType, operator)
}

// searchPage and maxSearchPages bound the search: CometBFT's largest page, and enough
// pages for a window of several hundred days. The chain accepts one report a day from a
// node, so a page covers 100 days of reports.
const (
	searchPage     = 100
	maxSearchPages = 10
)

// ReportHistory is the effs of the operator's accepted reports made on day from or later,
// from the chain node's tx index at the config's RPC address. It reads the newest reports
// first, a page of 100 at a time, and stops at the first page that reaches a report made
// before from (or after maxSearchPages pages), so a status page that charts the last 30
// days reads one page however long the node has run. ErrNoTxIndex when the chain node
// keeps no tx index or its RPC does not answer.
func (c *Client) ReportHistory(ctx context.Context, from uint64) ([]ReportEff, error) {
	s, err := c.searcher()
	if err != nil {
		return nil, err
	}
	return reportHistory(ctx, s, c.Operator.String(), from)
}

func reportHistory(ctx context.Context, s txSearcher, operator string, from uint64) ([]ReportEff, error) {
	query := ReportQuery(operator)
	var out []ReportEff
	seen := map[[2]uint64]bool{}
	for page := 1; page <= maxSearchPages; page++ {
		p, per := page, searchPage
		res, err := s.TxSearch(ctx, query, false, &p, &per, "desc")
		if err != nil {
			return nil, fmt.Errorf("%w: tx_search %s: %v", ErrNoTxIndex, query, err)
		}
		oldest := ^uint64(0)
		for _, tx := range res.Txs {
			if tx.TxResult.Code != 0 {
				continue
			}
			for _, ev := range tx.TxResult.Events {
				if ev.Type != reportEventType {
					continue
				}
				msg, err := sdk.ParseTypedEvent(ev)
				if err != nil {
					return nil, fmt.Errorf("height %d: %s: %w", tx.Height, ev.Type, err)
				}
				rep, ok := msg.(*portypes.EventReportAccepted)
				if !ok || rep.Operator != operator { // a MsgExec may carry several nodes' reports
					continue
				}
				oldest = min(oldest, rep.Day)
				if rep.Day < from {
					continue
				}
				for _, r := range rep.Roles {
					key := [2]uint64{rep.Day, uint64(r.Role)}
					if seen[key] || r.Eff.IsNil() { // a page that shifted under new reports repeats some
						continue
					}
					seen[key] = true
					out = append(out, ReportEff{Day: rep.Day, Role: r.Role, Eff: r.Eff})
				}
			}
		}
		if len(res.Txs) == 0 || oldest < from || page*searchPage >= res.TotalCount {
			break
		}
	}
	return out, nil
}

// searcher is the RPC client, made on first use.
func (c *Client) searcher() (txSearcher, error) {
	c.searchMu.Lock()
	defer c.searchMu.Unlock()
	if c.search != nil {
		return c.search, nil
	}
	if c.rpc == "" {
		return nil, fmt.Errorf("%w: no rpc address in the config", ErrNoTxIndex)
	}
	remote := c.rpc
	if !strings.Contains(remote, "://") {
		remote = "tcp://" + remote
	}
	cl, err := rpchttp.NewWithTimeout(remote, "/websocket", 15)
	if err != nil {
		return nil, fmt.Errorf("%w: rpc address %q: %v", ErrNoTxIndex, c.rpc, err)
	}
	c.search = cl
	return cl, nil
}
