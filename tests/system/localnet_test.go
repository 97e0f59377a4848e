//go:build localnet

package system

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

var all = append(append([]string{}, Validators...), "full")

// TestLocalnet runs user journeys and faults on a real network: four validators and a full
// node as separate processes, and resource nodes run by aegis-node (make test-system; CI
// runs the resource-node journey and the kill-during-a-tick fault). Every fault ends with
// every node at the same height and app hash, no consensus failure in any log, and every
// chain day issued exactly once.
func TestLocalnet(t *testing.T) {
	n := StartNet(t, 10)
	n.RequireAgree(all...)
	// Unbonding lasts 21 chain days, and double-sign evidence as long (scripts/localnet.sh).
	var staking struct {
		Params struct {
			UnbondingTime string `json:"unbonding_time"`
		} `json:"params"`
	}
	n.Chain("node0").QueryJSON(&staking, "staking", "params")
	require.Equal(t, 21*10*time.Second, parseDuration(t, staking.Params.UnbondingTime))
	var consensus struct {
		Params struct {
			Evidence struct {
				MaxAgeNumBlocks string `json:"max_age_num_blocks"`
				MaxAgeDuration  string `json:"max_age_duration"`
			} `json:"evidence"`
		} `json:"params"`
	}
	n.Chain("node0").QueryJSON(&consensus, "consensus", "params")
	require.Equal(t, "210", consensus.Params.Evidence.MaxAgeNumBlocks)
	require.Equal(t, 21*10*time.Second, parseDuration(t, consensus.Params.Evidence.MaxAgeDuration))

	t.Run("resource node", func(t *testing.T) { resourceNodeJourney(t, n.With(t)) })
	t.Run("kill during tick", func(t *testing.T) {
		n := n.With(t)
		// SIGKILL a validator in the block that ticks a day, then restart it: it replays
		// the block from its WAL and agrees with the others.
		wait := n.UntilNextTick("node0") - 300*time.Millisecond
		if wait < 0 {
			wait += time.Duration(n.DaySeconds) * time.Second
		}
		time.Sleep(wait)
		n.Signal("node2", syscall.SIGKILL)
		time.Sleep(3 * time.Second)
		n.Start("node2")
		n.RequireAgree(all...)
		n.RequireDaysOnce("node2")
	})
	t.Run("Aegis metrics on the Prometheus endpoint", func(t *testing.T) {
		n := n.With(t)
		// The localnet's CometBFT endpoint serves Prometheus's default registry, where
		// aegisd adds its figures (app/metrics.go): 6 licenses minted, res1 and res2 in
		// the worker and DA roles, every ended day issued.
		m := scrapeMetrics(t, n.addr("node0", 28660))
		require.Equal(t, "6", m[`aegis_licenses{status="active"}`])
		require.Equal(t, "0", m["aegis_emission_days_behind"])
		require.Equal(t, "0", m["aegis_metrics_read_errors"])
		require.NotEmpty(t, m["aegis_emission_days_issued"])
		held, err := strconv.Atoi(m[`aegis_por_slots_held{role="WORKER"}`])
		require.NoError(t, err, "%v", m)
		require.GreaterOrEqual(t, held, 2)
		// Every aegis_ series the alert rules read is there.
		rules, err := os.ReadFile(filepath.Join(sourceRoot(t), "deploy", "prometheus", "alerts.yml"))
		require.NoError(t, err)
		for _, name := range regexp.MustCompile(`aegis_[a-z_]+`).FindAllString(string(rules), -1) {
			require.True(t, slices.ContainsFunc(slices.Collect(maps.Keys(m)), func(k string) bool {
				return k == name || strings.HasPrefix(k, name+"{")
			}), "alerts.yml reads %s, which the node does not serve", name)
		}
	})
	t.Run("chain-registry files", func(t *testing.T) {
		// scripts/localnet.sh wrote them from the genesis with the real aegisd, whose build
		// info names the SDK and CometBFT (TestChainRegistryFiles checks them against the
		// registry's schemas).
		var chain struct {
			ChainID  string `json:"chain_id"`
			Codebase struct {
				SDK, Consensus struct{ Type, Version string }
			} `json:"codebase"`
			APIs map[string][]struct {
				Address string `json:"address"`
			} `json:"apis"`
		}
		bz, err := os.ReadFile(filepath.Join(n.Home, "chain-registry", "chain.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(bz, &chain))
		require.Equal(t, n.ChainID, chain.ChainID)
		require.Equal(t, "cosmos", chain.Codebase.SDK.Type)
		require.Regexp(t, `^v0\.55\.`, chain.Codebase.SDK.Version)
		require.Equal(t, "cometbft", chain.Codebase.Consensus.Type)
		require.Regexp(t, `^v0\.40\.`, chain.Codebase.Consensus.Version)
		require.Len(t, chain.APIs["rpc"], 4)
		require.Equal(t, "http://"+n.RPC("node1"), chain.APIs["rpc"][1].Address)
	})
	if testing.Short() {
		return
	}
	t.Run("pause 30s", func(t *testing.T) {
		n := n.With(t)
		n.Signal("node3", syscall.SIGSTOP)
		time.Sleep(30 * time.Second)
		n.Signal("node3", syscall.SIGCONT)
		n.RequireAgree(all...)
		n.RequireDaysOnce("node3")
	})
	t.Run("two of four down", func(t *testing.T) {
		n := n.With(t)
		// With half the voting power gone the chain halts (no fork); restarted, it resumes
		// and issues the days that passed while it was down.
		n.Stop("node2")
		n.Stop("node3")
		time.Sleep(3 * time.Second)
		h := n.MaxHeight("node0", "node1", "full")
		time.Sleep(time.Duration(n.DaySeconds+5) * time.Second) // more than a day passes
		require.LessOrEqual(t, n.MaxHeight("node0", "node1", "full"), h+1, "the chain went on without 2/3 of the power")
		before := n.Emission("node0")
		n.Start("node2")
		n.Start("node3")
		n.RequireAgree(all...)
		n.RequireDaysOnce("node0")
		require.Greater(t, n.Emission("node0").DaysIssued, before.DaysIssued, "the days missed in the halt were issued")
	})
	t.Run("whole network restart", func(t *testing.T) {
		n := n.With(t)
		for _, name := range all {
			n.Stop(name)
		}
		time.Sleep(2 * time.Second)
		for _, name := range all {
			n.Start(name)
		}
		n.RequireAgree(all...)
		n.RequireDaysOnce("full")
	})
	t.Run("late joiner by block sync", func(t *testing.T) {
		n := n.With(t)
		n.LateJoiner("late", 50)
		n.RequireAgree(append(all, "late")...)
	})
	t.Run("late joiner by state sync", func(t *testing.T) {
		n := n.With(t)
		// Past several day ticks, with licenses minted and resource nodes registered: the
		// joiner restores a snapshot of every store instead of replaying the blocks.
		earliest := n.StateSyncJoiner("synced", 60)
		require.Greater(t, earliest, int64(1), "the joiner replayed from genesis")
		n.RequireAgree(append(all, "synced")...)
		n.RequireDaysOnce("synced")
	})
	t.Run("export validates", func(t *testing.T) {
		n := n.With(t)
		// The state the net reached passes every genesis check, the cross-module
		// invariants included.
		n.ExportAndValidate("full")
	})
}

// resourceNodeJourney: an operator registers in two roles and reports from the CLI, while
// aegis-node reports for res1; days tick; rewards agree over gRPC and REST; the claim pays
// exactly the pending amount.
func resourceNodeJourney(t *testing.T, n *Net) {
	op := n.Key("owner2")
	res := n.Tx("node1", "tx", "por", "register", "owner2-node", "20000000000uaegis", "--roles", "worker", "--roles", "da", "--from", "owner2")
	require.Zero(t, res.Code, res.RawLog)
	res = n.Tx("node1", "tx", "por", "report", "--from", "owner2",
		"--totals", `{"compute":300,"storage":300,"bandwidth":200}`,
		"--parts", `{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}`,
		"--parts", `{"role":"da","resources":{"compute":60,"storage":150,"bandwidth":60}}`)
	require.Zero(t, res.Code, res.RawLog)

	q := portypes.NewQueryClient(grpcConn(t, n.GRPC("node2")))
	pending := func(addr string) int64 { // called from Eventually's goroutine: no require
		r, err := q.Rewards(context.Background(), &portypes.QueryRewardsRequest{Operator: addr})
		if err != nil {
			t.Logf("rewards of %s: %v", addr, err)
			return -1
		}
		return r.Total.Int64()
	}
	require.Eventually(t, func() bool { return pending(op) > 0 }, time.Duration(3*n.DaySeconds)*time.Second, time.Second, "CLI node earns")
	res1 := n.Key("res1")
	require.Eventually(t, func() bool { return pending(res1) > 0 }, time.Duration(3*n.DaySeconds)*time.Second, time.Second, "aegis-node's node earns")

	// gRPC and REST answer the same at one height.
	h := n.Height("full") - 1 // CometBFT stores a block before the app commits it
	var rest struct {
		Total string `json:"total"`
	}
	n.Chain("full").GetJSONAt(h, "/aegis/por/v1/rewards/"+op, &rest)
	var grpcAt portypes.QueryRewardsResponse
	require.NoError(t, grpcConn(t, n.GRPC("full")).Invoke(heightCtx(h), "/aegis.por.v1.Query/Rewards", &portypes.QueryRewardsRequest{Operator: op}, &grpcAt))
	require.Equal(t, rest.Total, grpcAt.Total.String())

	// The claim pays exactly the rewards pending just before its block.
	claim := n.Tx("node3", "tx", "por", "claim", "--from", "owner2")
	require.Zero(t, claim.Code, claim.RawLog)
	ch, err := strconv.ParseInt(claim.Height, 10, 64)
	require.NoError(t, err)
	c := n.Chain("full")
	n.WaitHeight("full", ch, 30*time.Second)
	var before struct {
		Total string `json:"total"`
	}
	c.QueryJSON(&before, "por", "rewards", op, "--height", strconv.FormatInt(ch-1, 10))
	var got struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	var was struct {
		Balance struct {
			Amount string `json:"amount"`
		} `json:"balance"`
	}
	c.QueryJSON(&was, "bank", "balance", op, "uaegis", "--height", strconv.FormatInt(ch-1, 10))
	c.QueryJSON(&got, "bank", "balance", op, "uaegis", "--height", strconv.FormatInt(ch, 10))
	b, _ := strconv.ParseInt(was.Balance.Amount, 10, 64)
	a, _ := strconv.ParseInt(got.Balance.Amount, 10, 64)
	p, _ := strconv.ParseInt(before.Total, 10, 64)
	require.Positive(t, p)
	// Days tick in EndBlock, after the block's txs, so the claim pays what was pending
	// after the block before; the operator also paid the tx's fee.
	fee := feePaid(t, c, claim.TxHash)
	require.Equal(t, p, a-b+fee, "the claim pays the pending rewards")
	t.Logf("claimed %d uaegis at height %d (fee %d)", p, ch, fee)
}

// grpcConn dials a node's gRPC with the SDK's codec (gogoproto types with custom Go types,
// such as math.Int, need it).
func grpcConn(t *testing.T, addr string) *grpc.ClientConn {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).GRPCCodec())))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// heightCtx asks a gRPC query for the state at height h.
func heightCtx(h int64) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(h, 10))
}

// feePaid reads the fee a tx paid.
func feePaid(t *testing.T, c *Chain, hash string) int64 {
	var tx struct {
		Tx struct {
			AuthInfo struct {
				Fee struct {
					Amount []struct {
						Amount string `json:"amount"`
					} `json:"amount"`
				} `json:"fee"`
			} `json:"auth_info"`
		} `json:"tx"`
	}
	c.QueryJSON(&tx, "tx", hash)
	var fee int64
	for _, a := range tx.Tx.AuthInfo.Fee.Amount {
		v, _ := strconv.ParseInt(a.Amount, 10, 64)
		fee += v
	}
	return fee
}

// scrapeMetrics reads a Prometheus text endpoint: each aegis_ series (name and labels, as
// printed) to its value.
func scrapeMetrics(t *testing.T, addr string) map[string]string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(string(bz), "\n") {
		if !strings.HasPrefix(line, "aegis_") {
			continue
		}
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			out[line[:i]] = line[i+1:]
		}
	}
	return out
}
