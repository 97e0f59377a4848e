package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cometRPC reads what the load tool measures from CometBFT's JSON-RPC and Prometheus
// endpoints: heights, blocks, their tx results and the mempool size.
type cometRPC struct {
	base    string // http://127.0.0.1:27657
	metrics string // http://127.0.0.1:27660/metrics, "" if instrumentation is off
	http    *http.Client
}

func newCometRPC(base, metrics string) *cometRPC {
	return &cometRPC{base: strings.TrimRight(base, "/"), metrics: metrics, http: &http.Client{Timeout: 30 * time.Second}}
}

// num is a JSON integer CometBFT may quote ("12") or not (12).
type num int64

func (n *num) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	*n = num(v)
	return err
}

func (c *cometRPC) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if env.Error != nil {
		return fmt.Errorf("%s: %s %s", path, env.Error.Message, env.Error.Data)
	}
	return json.Unmarshal(env.Result, out)
}

func (c *cometRPC) height(ctx context.Context) (int64, error) {
	var st struct {
		SyncInfo struct {
			LatestBlockHeight num `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	err := c.get(ctx, "/status", &st)
	return int64(st.SyncInfo.LatestBlockHeight), err
}

func (c *cometRPC) mempoolSize(ctx context.Context) (int, error) {
	var r struct {
		N num `json:"n_txs"`
	}
	err := c.get(ctx, "/num_unconfirmed_txs", &r)
	return int(r.N), err
}

// blockInfo is one committed block: its time, its txs and their results.
type blockInfo struct {
	Height  int64
	Time    time.Time
	Txs     int
	OK      int            // txs with code 0
	Failed  map[string]int // failed txs by "code N: log prefix"
	GasUsed int64
}

func (c *cometRPC) block(ctx context.Context, h int64) (blockInfo, error) {
	var b struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
			Data struct {
				Txs []string `json:"txs"`
			} `json:"data"`
		} `json:"block"`
	}
	if err := c.get(ctx, fmt.Sprintf("/block?height=%d", h), &b); err != nil {
		return blockInfo{}, err
	}
	var r struct {
		TxsResults []struct {
			Code    uint32 `json:"code"`
			Log     string `json:"log"`
			GasUsed num    `json:"gas_used"`
		} `json:"txs_results"`
	}
	if err := c.get(ctx, fmt.Sprintf("/block_results?height=%d", h), &r); err != nil {
		return blockInfo{}, err
	}
	bi := blockInfo{Height: h, Time: b.Block.Header.Time, Txs: len(b.Block.Data.Txs), Failed: map[string]int{}}
	for _, tr := range r.TxsResults {
		bi.GasUsed += int64(tr.GasUsed)
		if tr.Code == 0 {
			bi.OK++
			continue
		}
		log := tr.Log
		if len(log) > 120 {
			log = log[:120]
		}
		bi.Failed[fmt.Sprintf("code %d: %s", tr.Code, log)]++
	}
	return bi, nil
}

// histogram is a Prometheus histogram's running sum and count.
type histogram struct{ Sum, Count float64 }

// scrape reads one histogram (name without _sum/_count) from the metrics endpoint;
// ok is false when instrumentation is off or the metric is absent.
func (c *cometRPC) scrape(ctx context.Context, name string) (histogram, bool) {
	if c.metrics == "" {
		return histogram{}, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.metrics, nil)
	if err != nil {
		return histogram{}, false
	}
	res, err := c.http.Do(req)
	if err != nil {
		return histogram{}, false
	}
	defer res.Body.Close()
	return parseHistogram(bufio.NewScanner(res.Body), name)
}

// parseHistogram sums name_sum and name_count over every label set in a Prometheus text
// exposition.
func parseHistogram(sc *bufio.Scanner, name string) (histogram, bool) {
	var h histogram
	found := false
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		var dst *float64
		switch {
		case strings.HasPrefix(line, name+"_sum"):
			dst = &h.Sum
		case strings.HasPrefix(line, name+"_count"):
			dst = &h.Count
		default:
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			continue
		}
		*dst += v
		found = true
	}
	return h, found
}
