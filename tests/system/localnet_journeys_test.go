//go:build localnet

package system

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The license amounts of the localnet: stake_equivalent (10,000 AEGIS) in uaegis, and the
// voting power it gives (the SDK's power reduction is 10^6 uaegis).
const (
	stakeEquivalent      = 10_000_000_000
	licensePower         = 10_000
	v2                   = "v2-redemption"
	journeysUpgradeDelay = 40 // blocks from the proposal to the upgrade height (vote: 20 s)
)

// TestLocalnetJourneys runs an operator's journeys on a four-validator localnet started
// with the binary from before the v2-redemption upgrade (built with -tags pre_v2): new
// validators join (self-stake, license stake), licenses bound to a validator survive its
// downtime jail on TESTNET, the testnet's licenses become a MAINNET genesis, and a
// governance upgrade halts every node until its operator swaps in the new binary, after
// which redemption opens. Each journey ends with every running node at the same app hash.
func TestLocalnetJourneys(t *testing.T) {
	oldBin := buildPreV2(t)
	n := StartNetWith(t, 15, oldBin)
	newBin := filepath.Join(n.Root, "build", "aegisd") // built by scripts/localnet.sh
	n.RequireAgree(n.Nodes()...)
	// The MAINNET chain of the genesis journey; set up now so its home outlives the subtest
	// (journey 4 upgrades it).
	mainnet := NewChain(t, oldBin)

	t.Run("validator with self-stake joins by block sync", func(t *testing.T) {
		n := n.With(t)
		n.LateJoiner("valself", 50)
		addr := n.AddKey("valself")
		res := n.Tx("node0", "tx", "bank", "send", "owner1", addr, "20000000000uaegis", "--from", "owner1")
		require.Zero(t, res.Code, res.RawLog)
		valoper := n.CreateValidator("valself", "10000000000uaegis") // 10,000 AEGIS
		v := n.Validator("node0", valoper)
		require.Equal(t, "BOND_STATUS_BONDED", v.Status)
		require.Equal(t, "10000000000", v.Tokens)
		require.Eventually(t, func() bool { return n.CometPower("node0", "valself") == 10_000 },
			30*time.Second, 500*time.Millisecond, "valself's power in CometBFT's validator set")
		h := n.RequireSigns("node0", "valself", 30*time.Second)
		t.Logf("valself (%s) bonded with 10,000 AEGIS of its own, signs block %d", valoper, h-1)
		n.RequireAgree(n.Nodes()...)
	})

	t.Run("validator with license stake", func(t *testing.T) {
		n := n.With(t)
		n.LateJoiner("vallic", 60)
		addr := n.AddKey("vallic")
		res := n.Tx("node0", "tx", "bank", "send", "owner1", addr, "10000000uaegis", "--from", "owner1")
		require.Zero(t, res.Code, res.RawLog)
		// The least self-stake that gives voting power (1 AEGIS, power 1); the rest comes
		// from owner2's two licenses, which owner2 lets the validator's operator bind.
		valoper := n.CreateValidator("vallic", "1000000uaegis")
		ids := licenseIDs(t, n.Chain("node0"), "--owner", n.Key("owner2"))
		require.Len(t, ids, 2)
		res = n.Tx("node1", append([]string{"tx", "license", "authorize-operator", addr}, append(ids, "--from", "owner2")...)...)
		require.Zero(t, res.Code, res.RawLog)
		res = n.Tx("vallic", append([]string{"tx", "license", "bind-validator", valoper}, append(ids, "--from", "vallic")...)...)
		require.Zero(t, res.Code, res.RawLog)

		v := n.Validator("node0", valoper)
		require.Equal(t, "BOND_STATUS_BONDED", v.Status)
		require.Equal(t, strconv.Itoa(1_000_000+2*stakeEquivalent), v.Tokens, "1 AEGIS of its own and 2 licenses")
		for _, id := range ids {
			l := getLicense(t, n.Chain("node0"), id)
			require.Equal(t, "BINDING_VALIDATOR", l.License.Binding.Kind)
			require.Equal(t, valoper, l.License.Binding.Target)
			require.Equal(t, strconv.Itoa(stakeEquivalent), delegation(t, n.Chain("node0"), l.Account, valoper),
				"license %s delegates from its own account", id)
		}
		require.Eventually(t, func() bool { return n.CometPower("node0", "vallic") == 1+2*licensePower },
			30*time.Second, 500*time.Millisecond, "vallic's power in CometBFT's validator set")
		h := n.RequireSigns("node0", "vallic", 30*time.Second)
		t.Logf("vallic (%s) bonded with 2 licenses and 1 AEGIS, signs block %d", valoper, h-1)
		n.RequireAgree(n.Nodes()...)
	})

	t.Run("licenses survive a downtime jail on TESTNET", func(t *testing.T) {
		n := n.With(t)
		licensesSurviveJail(t, n)
		n.RequireAgree(n.Nodes()...)
	})

	var testnetCommitment commitmentResp
	t.Run("testnet export becomes a MAINNET genesis", func(t *testing.T) {
		n := n.With(t)
		mainnet.t = t
		// Stop the full node, export the state it reached (it passes every genesis check) and
		// start it again; the commitment of the licenses at that height is the testnet's.
		n.ExportAndValidate("full")
		export := filepath.Join(n.Home, "full-export.json")
		hExport := n.Height("node0")
		n.Start("full")
		exportHeight := exportedHeight(t, export)
		n.Chain("node0").QueryJSON(&testnetCommitment, "license", "commitment", "--height", strconv.FormatInt(exportHeight, 10))
		require.Equal(t, "8", testnetCommitment.Count, "6 licenses of the setup and 2 of the jail journey")
		t.Logf("exported at height %d (net at %d), commitment %s", exportHeight, hExport, testnetCommitment.Commitment)

		// The mainnet's own genesis (its validator is new), with owner1's account so it can
		// redeem after the upgrade, and a short vote for that upgrade.
		mainnet.MustRun("genesis", "add-genesis-account", n.Key("owner1"), "1000000uaegis")
		mainnet.EditGenesis(func(s map[string]json.RawMessage) {
			var gs map[string]any
			require.NoError(t, json.Unmarshal(s["gov"], &gs))
			gs["params"].(map[string]any)["voting_period"] = "10s"
			gs["params"].(map[string]any)["expedited_voting_period"] = "5s"
			s["gov"], _ = json.Marshal(gs)
		})
		out := mainnet.MustRun("genesis", "import-licenses", export)
		require.Contains(t, out, "imported 8 licenses")
		require.Contains(t, out, "commitment "+testnetCommitment.Commitment)
		mainnet.MustRun("genesis", "validate")
		mainnet.Start()

		var after commitmentResp
		mainnet.QueryJSON(&after, "license", "commitment")
		require.Equal(t, testnetCommitment, after)
		p := licenseParams(t, mainnet)
		require.Equal(t, "STAGE_MAINNET", p.Stage)
		require.False(t, p.RedemptionEnabled)
		// The licenses keep ids and owners and are unbound; minting is refused, whoever signs.
		l := getLicense(t, mainnet, "1")
		require.Equal(t, n.Key("owner1"), l.License.Owner)
		require.Equal(t, "BINDING_NONE", bindingKind(l))
		_, errOut, err := mainnet.Run("tx", "license", "mint", n.Key("owner1"), "1", "--from", "alice", "--keyring-backend", "test",
			"-y", "--gas", "auto", "--node", "tcp://"+mainnet.RPC)
		require.Error(t, err)
		require.True(t, strings.Contains(errOut, "only the license authority") || strings.Contains(errOut, "TESTNET"), errOut)
		mainnet.Stop()
		n.RequireAgree(n.Nodes()...)
	})

	t.Run("v2-redemption upgrade by governance and binary swap", func(t *testing.T) {
		n := n.With(t)
		upgradeJourney(t, n, newBin)
	})

	t.Run("redemption on the MAINNET after the upgrade", func(t *testing.T) {
		require.NotEmpty(t, testnetCommitment.Count, "this journey redeems on the MAINNET chain the genesis journey builds, which failed")
		mainnet.t = t
		n := n.With(t)
		mainnetRedemption(t, n, mainnet, newBin)
		n.RequireAgree(n.Nodes()...)
	})
}

// buildPreV2 builds aegisd with -tags pre_v2: the binary without the v2-redemption handler.
func buildPreV2(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "aegisd-pre-v2")
	cmd := exec.Command("go", "build", "-trimpath", "-tags", "pre_v2", "-o", bin, "./cmd/aegisd")
	cmd.Dir = sourceRoot(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "building the pre_v2 aegisd: %s", out)
	return bin
}

// licensesSurviveJail: the license authority mints two licenses to owner1, owner1 lets
// node3's operator bind them to node3, node3 goes offline until it is jailed for downtime.
// On TESTNET the slash is undone for the licenses: each keeps its binding, its backing and
// a delegation worth its full stake_equivalent; none is liquidated. node3 comes back,
// waits out the jail and unjails.
func licensesSurviveJail(t *testing.T, n *Net) {
	c := n.Chain("node0")
	owner1 := n.Key("owner1")
	before := licenseIDs(t, c, "--owner", owner1)
	res := n.Tx("node0", "tx", "license", "mint", owner1, "2", "--from", "authority")
	require.Zero(t, res.Code, res.RawLog)
	ids := newIDs(before, licenseIDs(t, c, "--owner", owner1))
	require.Len(t, ids, 2)
	node3 := strings.TrimSpace(n.Chain("node3").MustRun("keys", "show", "node3", "-a", "--keyring-backend", "test"))
	valoper := strings.TrimSpace(n.Chain("node3").MustRun("keys", "show", "node3", "-a", "--bech", "val", "--keyring-backend", "test"))
	res = n.Tx("node0", append([]string{"tx", "license", "authorize-operator", node3}, append(ids, "--from", "owner1")...)...)
	require.Zero(t, res.Code, res.RawLog)
	res = n.NodeTx("node3", append([]string{"tx", "license", "bind-validator", valoper}, ids...)...)
	require.Zero(t, res.Code, res.RawLog)

	// node3 (100,000 AEGIS of its own and 2 licenses) must hold less than a third of the
	// power, so the others go on without it.
	var p3, total int64
	require.Eventually(t, func() bool {
		p3, total = n.CometPower("node0", "node3"), 0
		for _, name := range []string{"node0", "node1", "node2", "node3", "valself", "vallic"} {
			total += n.CometPower("node0", name)
		}
		return p3 == 100_000+2*licensePower
	}, 30*time.Second, 500*time.Millisecond, "node3's power with its licenses")
	require.Less(t, 3*p3, total, "node3 holds %d of %d", p3, total)
	tokens := n.Validator("node0", valoper).Tokens
	supplyBefore := licenseSupply(t, c)

	start := time.Now()
	hStop := n.Height("node0")
	n.Stop("node3")
	t.Cleanup(func() { // the later journeys need node3 even if this one fails
		if n.Pid("node3") == 0 {
			n.Start("node3")
		}
	})
	var v StakingValidator
	require.Eventually(t, func() bool { v = n.Validator("node0", valoper); return v.Jailed }, 150*time.Second, time.Second,
		"node3 was not jailed for downtime")
	hJail := n.Height("node0")
	t.Logf("node3 stopped at height %d, jailed by height %d (%s): %s, tokens %s -> %s", hStop, hJail,
		time.Since(start).Round(time.Second), v.Status, tokens, v.Tokens)
	require.NotEqual(t, "BOND_STATUS_BONDED", v.Status)
	require.Eventually(t, func() bool { return n.CometPower("node0", "node3") == 0 }, 30*time.Second, 500*time.Millisecond,
		"node3 left CometBFT's validator set")

	// The licenses survive whole: the EndBlocker's scan mints and delegates again what the
	// downtime slash took, so each delegation is worth stake_equivalent again (within the
	// 1 uaegis of share rounding); binding, status and backing are untouched.
	for _, id := range ids {
		var l licenseResp
		require.Eventually(t, func() bool {
			l = getLicense(t, c, id)
			d := delegation(t, c, l.Account, valoper)
			return withinOne(d, stakeEquivalent)
		}, 30*time.Second, time.Second, "license %s's delegation was not restored", id)
		require.Equal(t, "STATUS_ACTIVE", l.License.Status)
		require.Equal(t, "BINDING_VALIDATOR", l.License.Binding.Kind)
		require.Equal(t, valoper, l.License.Binding.Target)
		require.Equal(t, strconv.Itoa(stakeEquivalent), l.License.Backing)
		require.True(t, withinOne(l.Backing, stakeEquivalent), "current backing %s", l.Backing)
	}
	supply := licenseSupply(t, c)
	require.Equal(t, supplyBefore.Active, supply.Active)
	require.Equal(t, "0", supply.Liquidated)
	// The slash itself was real: node3's own stake lost 1%, which nothing restores.
	v = n.Validator("node0", valoper)
	require.True(t, withinOne(v.Tokens, 99_000_000_000+2*stakeEquivalent), "node3's tokens %s", v.Tokens)
	restored := backingRestoredEvents(t, n, hStop, n.Height("node0"))
	require.ElementsMatch(t, ids, restored, "EventBackingRestored for each license")

	// node3 comes back; after downtime_jail_duration (60 s) its operator unjails it and it
	// signs again.
	n.Start("node3")
	until := jailedUntil(t, n, "node3")
	t.Logf("node3 jailed until %s (in %s)", until.Format(time.RFC3339), time.Until(until).Round(time.Second))
	// x/slashing compares the jail's end with the block time of the state the unjail is
	// checked against: wait until node3 (caught up) has committed a block past it.
	require.Eventually(t, func() bool { return latestBlockTime(n, "node3").After(until) },
		time.Until(until)+120*time.Second, time.Second, "node3 has no block after %s", until)
	res = n.NodeTx("node3", "tx", "slashing", "unjail")
	require.Zero(t, res.Code, res.RawLog)
	v = n.Validator("node0", valoper)
	require.False(t, v.Jailed)
	require.Equal(t, "BOND_STATUS_BONDED", v.Status)
	n.RequireSigns("node0", "node3", 30*time.Second)
	for _, id := range ids {
		l := getLicense(t, c, id)
		require.True(t, withinOne(l.Backing, stakeEquivalent), "license %s's backing after the unjail: %s", id, l.Backing)
	}
}

// upgradeJourney: a governance proposal schedules v2-redemption; every validator votes
// yes; at the upgrade height every node (running the pre_v2 binary) halts with x/upgrade's
// "UPGRADE NEEDED" and writes upgrade-info.json; each is stopped and started with the new
// binary, which applies the upgrade: license redemption is enabled (and, as x/license
// says, still refused on a TESTNET).
func upgradeJourney(t *testing.T, n *Net, newBin string) {
	c := n.Chain("node0")
	nodes := n.Nodes()
	n.ExpectUpgradeHalt(v2)
	require.False(t, licenseParams(t, c).RedemptionEnabled)

	height := n.Height("node0") + journeysUpgradeDelay
	res := n.Tx("node0", "tx", "upgrade", "software-upgrade", v2, "--upgrade-height", strconv.FormatInt(height, 10),
		"--title", "v2 redemption", "--summary", "Open license redemption", "--deposit", "10000000uaegis",
		"--no-validate", "--from", "authority")
	require.Zero(t, res.Code, res.RawLog)
	var props struct {
		Proposals []struct {
			ID string `json:"id"`
		} `json:"proposals"`
	}
	c.QueryJSON(&props, "gov", "proposals")
	require.NotEmpty(t, props.Proposals)
	id := props.Proposals[len(props.Proposals)-1].ID
	for _, v := range Validators {
		res = n.NodeTx(v, "tx", "gov", "vote", id, "yes")
		require.Zero(t, res.Code, res.RawLog)
	}
	for _, v := range []string{"valself", "vallic"} {
		res = n.Tx(v, "tx", "gov", "vote", id, "yes", "--from", v)
		require.Zero(t, res.Code, res.RawLog)
	}
	var status string
	require.Eventually(t, func() bool {
		var p struct {
			Proposal struct {
				Status string `json:"status"`
			} `json:"proposal"`
		}
		c.QueryJSON(&p, "gov", "proposal", id)
		status = p.Proposal.Status
		return status != "PROPOSAL_STATUS_VOTING_PERIOD" && status != "PROPOSAL_STATUS_DEPOSIT_PERIOD"
	}, 60*time.Second, time.Second, "the proposal was not decided")
	require.Equal(t, "PROPOSAL_STATUS_PASSED", status)
	var plan struct {
		Plan struct {
			Name   string `json:"name"`
			Height string `json:"height"`
		} `json:"plan"`
	}
	c.QueryJSON(&plan, "upgrade", "plan")
	require.Equal(t, v2, plan.Plan.Name)
	require.Equal(t, strconv.FormatInt(height, 10), plan.Plan.Height)
	t.Logf("proposal %d passed at height %d; upgrade at %d", mustAtoi(t, id), n.Height("node0"), height)

	// Every node halts at the upgrade height, having committed the block before it, and
	// leaves the plan for the next binary in its data directory.
	for _, name := range nodes {
		n.WaitUpgradeHalt(name, v2, height, 120*time.Second)
	}
	halted := map[string]int64{}
	for _, name := range nodes {
		halted[name] = n.Height(name)
	}
	time.Sleep(3 * time.Second)
	halt := height - 1
	for _, name := range nodes {
		require.Equal(t, halted[name], n.Height(name), "%s stays halted", name)
		var info struct {
			Name   string `json:"name"`
			Height int64  `json:"height"`
		}
		bz, err := os.ReadFile(filepath.Join(n.NodeHome(name), "data", "upgrade-info.json"))
		require.NoError(t, err, name)
		require.NoError(t, json.Unmarshal(bz, &info), string(bz))
		require.Equal(t, v2, info.Name)
		require.Equal(t, height, info.Height)
	}
	want, err := n.AppHash("node0", halt)
	require.NoError(t, err)
	for _, name := range nodes {
		got, err := n.AppHash(name, halt)
		require.NoError(t, err)
		require.Equal(t, want, got, "%s at the halt", name)
	}

	// The operators swap the binary: stop, start the new one.
	for _, name := range nodes {
		n.Stop(name)
		n.StartWith(name, newBin)
	}
	for _, name := range nodes {
		n.WaitHeight(name, height+2, 120*time.Second)
		bz, err := os.ReadFile(filepath.Join(n.Home, "logs", name+".log"))
		require.NoError(t, err)
		require.Contains(t, unquote(string(bz)), fmt.Sprintf(`applying upgrade "%s" at height: %d`, v2, height), name)
	}
	n.RequireAgree(nodes...)

	var applied struct {
		Height string `json:"height"`
	}
	c = n.Chain("node0")
	c.QueryJSON(&applied, "upgrade", "applied", v2)
	require.Equal(t, strconv.FormatInt(height, 10), applied.Height)
	require.True(t, licenseParams(t, c).RedemptionEnabled, "the upgrade opens redemption")
	// On a TESTNET redemption stays closed (x/license: redemption is a MAINNET thing).
	_, errOut, err := c.Run("tx", "license", "redeem", "1", "--from", "owner1", "--keyring-backend", "test",
		"--keyring-dir", n.KeyringDir(), "--chain-id", n.ChainID, "-y", "--gas", "auto", "--gas-prices", "0.025uaegis",
		"--node", "tcp://"+c.RPC)
	require.Error(t, err)
	require.Contains(t, errOut, "redemption opens on MAINNET", errOut)
	n.RequireDaysOnce("node0")
}

// mainnetRedemption: the MAINNET chain of the genesis journey, still on the pre_v2 binary,
// passes the same upgrade; after the swap owner1 (a testnet holder) redeems license 1 for
// stake_equivalent.
func mainnetRedemption(t *testing.T, n *Net, c *Chain, newBin string) {
	c.Start()
	height := c.Height() + 40 // 500 ms blocks, a 10 s vote
	res := c.Tx("tx", "upgrade", "software-upgrade", v2, "--upgrade-height", strconv.FormatInt(height, 10),
		"--title", "v2 redemption", "--summary", "Open license redemption", "--deposit", "10000000uaegis",
		"--no-validate", "--from", "alice", "--gas", "auto", "--gas-adjustment", "1.5")
	require.Zero(t, res.Code, res.RawLog)
	res = c.Tx("tx", "gov", "vote", "1", "yes", "--from", "alice", "--gas", "auto", "--gas-adjustment", "1.5")
	require.Zero(t, res.Code, res.RawLog)
	logf := filepath.Join(c.Home, "node.log")
	want := upgradeNeeded(v2) + strconv.FormatInt(height, 10) + ":"
	require.Eventually(t, func() bool {
		bz, _ := os.ReadFile(logf)
		return strings.Contains(unquote(string(bz)), want)
	}, 90*time.Second, 500*time.Millisecond, "the mainnet did not halt at %d (at %d)", height, c.Height())
	c.Stop()
	c.Bin = newBin
	c.Start()
	c.WaitForHeight(height+1, 60*time.Second)
	require.True(t, licenseParams(t, c).RedemptionEnabled)

	owner1 := n.Key("owner1")
	balance := func(h int64) *big.Int {
		var b struct {
			Balance struct {
				Amount string `json:"amount"`
			} `json:"balance"`
		}
		c.QueryJSON(&b, "bank", "balance", owner1, "uaegis", "--height", strconv.FormatInt(h, 10))
		v, ok := new(big.Int).SetString(b.Balance.Amount, 10)
		require.True(t, ok, b.Balance.Amount)
		return v
	}
	res = c.Tx("tx", "license", "redeem", "1", "--from", "owner1", "--keyring-dir", n.KeyringDir(), "--gas", "auto", "--gas-adjustment", "1.5")
	require.Zero(t, res.Code, res.RawLog)
	h := int64(mustAtoi(t, res.Height))
	c.WaitForHeight(h, 30*time.Second)
	paid := new(big.Int).Sub(balance(h), balance(h-1))
	require.Equal(t, strconv.Itoa(stakeEquivalent), paid.String(), "redeeming license 1 pays stake_equivalent (no fees on this chain)")
	require.Equal(t, "STATUS_REDEEMED", getLicense(t, c, "1").License.Status)
	require.Equal(t, "1", licenseSupply(t, c).Redeemed)
	c.Stop()
}

type commitmentResp struct {
	Commitment string `json:"commitment"`
	Count      string `json:"count"`
}

type licenseResp struct {
	License struct {
		ID      string `json:"id"`
		Owner   string `json:"owner"`
		Status  string `json:"status"`
		Backing string `json:"backing"`
		Binding struct {
			Kind   string `json:"kind"`
			Target string `json:"target"`
		} `json:"binding"`
	} `json:"license"`
	Backing string `json:"backing"` // current: the delegation's value for a validator-bound one
	Account string `json:"account"`
}

// bindingKind is a license's binding kind; JSON output leaves out the zero kind.
func bindingKind(l licenseResp) string {
	if l.License.Binding.Kind == "" {
		return "BINDING_NONE"
	}
	return l.License.Binding.Kind
}

func getLicense(t *testing.T, c *Chain, id string) licenseResp {
	t.Helper()
	var l licenseResp
	c.QueryJSON(&l, "license", "license", id)
	require.Equal(t, id, l.License.ID)
	return l
}

// licenseIDs lists the ids of the licenses matching a filter (--owner <addr>, ...).
func licenseIDs(t *testing.T, c *Chain, filter ...string) []string {
	t.Helper()
	var ls struct {
		Licenses []struct {
			ID string `json:"id"`
		} `json:"licenses"`
	}
	c.QueryJSON(&ls, append([]string{"license", "licenses"}, filter...)...)
	var ids []string
	for _, l := range ls.Licenses {
		ids = append(ids, l.ID)
	}
	return ids
}

// newIDs are the ids in after that are not in before.
func newIDs(before, after []string) []string {
	seen := map[string]bool{}
	for _, id := range before {
		seen[id] = true
	}
	var ids []string
	for _, id := range after {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

type supplyResp struct {
	Minted, Active, Liquidated, Redeemed string
}

func licenseSupply(t *testing.T, c *Chain) supplyResp {
	t.Helper()
	var s struct {
		Supply struct {
			Minted     string `json:"minted"`
			Active     string `json:"active"`
			Liquidated string `json:"liquidated"`
			Redeemed   string `json:"redeemed"`
		} `json:"supply"`
	}
	c.QueryJSON(&s, "license", "supply")
	z := func(v string) string { // JSON output leaves out zero counters
		if v == "" {
			return "0"
		}
		return v
	}
	return supplyResp{z(s.Supply.Minted), z(s.Supply.Active), z(s.Supply.Liquidated), z(s.Supply.Redeemed)}
}

type licenseParamsResp struct {
	Stage             string `json:"stage"`
	RedemptionEnabled bool   `json:"redemption_enabled"`
}

func licenseParams(t *testing.T, c *Chain) licenseParamsResp {
	t.Helper()
	var p struct {
		Params licenseParamsResp `json:"params"`
	}
	c.QueryJSON(&p, "license", "params")
	return p.Params
}

// delegation is the value (uaegis) of a delegator's delegation to a validator.
func delegation(t *testing.T, c *Chain, delegator, valoper string) string {
	t.Helper()
	var d struct {
		DelegationResponse struct {
			Balance struct {
				Amount string `json:"amount"`
			} `json:"balance"`
		} `json:"delegation_response"`
	}
	c.QueryJSON(&d, "staking", "delegation", delegator, valoper)
	return d.DelegationResponse.Balance.Amount
}

// withinOne: the integer string v is want or want-1 (the share rounding of a delegation).
func withinOne(v string, want int64) bool {
	x, err := strconv.ParseInt(v, 10, 64)
	return err == nil && (x == want || x == want-1)
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	require.NoError(t, err, s)
	return v
}

// exportedHeight is the height an export was taken at.
func exportedHeight(t *testing.T, file string) int64 {
	t.Helper()
	bz, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		InitialHeight json.Number `json:"initial_height"`
	}
	require.NoError(t, json.Unmarshal(bz, &doc))
	h, err := doc.InitialHeight.Int64()
	require.NoError(t, err, "initial_height %q", doc.InitialHeight)
	return h - 1 // the export is of the last committed block; a chain from it starts at the next
}

// jailedUntil reads a validator node's jail end from x/slashing's signing info.
func jailedUntil(t *testing.T, n *Net, name string) time.Time {
	t.Helper()
	valcons := strings.TrimSpace(n.Chain(name).MustRun("comet", "show-address"))
	var infos struct {
		Info []struct {
			Address     string `json:"address"`
			JailedUntil string `json:"jailed_until"`
		} `json:"info"`
	}
	n.Chain("node0").QueryJSON(&infos, "slashing", "signing-infos", "--page-limit", "100")
	for _, i := range infos.Info {
		if i.Address == valcons {
			until, err := time.Parse(time.RFC3339Nano, i.JailedUntil)
			require.NoError(t, err)
			return until
		}
	}
	require.Failf(t, "no signing info", "for %s (%s)", name, valcons)
	return time.Time{}
}

// latestBlockTime is the time of a node's latest block (zero when it does not answer).
func latestBlockTime(n *Net, name string) time.Time {
	var st struct {
		Result struct {
			SyncInfo struct {
				Time time.Time `json:"latest_block_time"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := n.rpcJSON(name, "/status", &st); err != nil {
		return time.Time{}
	}
	return st.Result.SyncInfo.Time
}

// backingRestoredEvents lists the license ids of the EventBackingRestored events in the
// end-block events of blocks from..to (through node0's RPC).
func backingRestoredEvents(t *testing.T, n *Net, from, to int64) []string {
	t.Helper()
	var ids []string
	for h := from; h <= to; h++ {
		var r struct {
			Result struct {
				Events []struct {
					Type       string `json:"type"`
					Attributes []struct {
						Key   string `json:"key"`
						Value string `json:"value"`
					} `json:"attributes"`
				} `json:"finalize_block_events"`
			} `json:"result"`
		}
		require.NoError(t, n.rpcJSON("node0", fmt.Sprintf("/block_results?height=%d", h), &r))
		for _, e := range r.Result.Events {
			if e.Type != "aegis.license.v1.EventBackingRestored" {
				continue
			}
			for _, a := range e.Attributes {
				if a.Key == "id" {
					ids = append(ids, strings.Trim(a.Value, `"`))
				}
			}
		}
	}
	return ids
}
