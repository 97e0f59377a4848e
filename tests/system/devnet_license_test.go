package system

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSystemDevnetLicenseHolders is a license holder's day on the devnet scripts/devnet.sh
// starts (5-second days here): its genesis makes unbonding last 21 devnet days (105 s) and
// keeps double-sign evidence as long; x/distribution owes a holder's rewards to the
// licenses' accounts, which `q license rewards` sums; a claim whose fee exceeds what it
// pays is warned about (and canceled on "n", sent with --yes); a license unbound from the
// validator cannot be bound again until its unbonding completes, and then can.
func TestSystemDevnetLicenseHolders(t *testing.T) {
	skipIfShort(t)
	d := startDevnet(t)
	aegisd := d.devnetAegisd()
	const unbonding = 21 * 5 * time.Second

	// The devnet's genesis: 21 days of unbonding, evidence accepted as long.
	require.Equal(t, unbonding, parseDuration(t, d.jsonField(t, aegisd+" q staking params --output json", "unbonding_time")))
	consensus := aegisd + " q consensus params --output json"
	require.Equal(t, "105", d.jsonField(t, consensus, "max_age_num_blocks"))
	require.Equal(t, unbonding, parseDuration(t, d.jsonField(t, consensus, "max_age_duration")))

	d.sh(t, aegisd+" keys add holder")
	holder := d.sh(t, aegisd+" keys show holder -a")
	alice := d.sh(t, aegisd+" keys show alice -a")
	// A margin over the simulated gas: a tx that withdraws rewards (unbind, claim) writes
	// reward amounts that grow between the simulation and the block (each block's fees), and
	// with them the gas.
	const txFlags = "--gas auto --gas-adjustment 1.3 --gas-prices 0.025uaegis -y"
	tx := func(args string) { t.Helper(); d.tx(t, "devnet", aegisd+" tx "+args+" "+txFlags) }
	tx("bank send alice " + holder + " 10000000000uaegis")
	tx("license mint " + holder + " 2 --from alice")
	val := d.jsonField(t, aegisd+" q staking validators --output json", "operator_address")
	tx("license bind-validator " + val + " 1 2 --from holder")
	// Fees paid to the validator reach its delegators, the licenses' accounts among them.
	tx("bank send alice " + alice + " 1uaegis")
	tx("bank send alice " + alice + " 1uaegis")

	// x/distribution owes the holder itself nothing: the delegators are the licenses'
	// accounts. q license rewards is their sum.
	out := d.sh(t, aegisd+" q distribution rewards "+holder+" --output json")
	require.NotContains(t, out, "uaegis", "the holder delegates nothing itself: %s", out)
	rewards := atoi(d.jsonField(t, aegisd+" q license rewards "+holder+" --output json", "amount"))
	require.Positive(t, rewards)

	// A claim whose fee exceeds what it pays is warned about; "n" sends nothing.
	seq := func() string {
		return d.sh(t, aegisd+" q auth account "+holder+` --output json | grep -o '"sequence":"[0-9]*"' || echo none`)
	}
	before := seq()
	const claim = " tx license claim-rewards --from holder --fees 1000000uaegis"
	out, errOut, err := d.run("echo n | " + aegisd + claim)
	require.NoError(t, err, "%s\n%s", out, errOut)
	require.Contains(t, errOut, "WARNING: this claim costs more than it pays. Its fee is 1000000uaegis; it would pay ")
	require.Contains(t, errOut, "(aegisd q license rewards "+holder+"): you would lose ")
	require.Contains(t, errOut, "canceled transaction")
	require.Nil(t, txHashRe.FindStringSubmatch(out), "nothing is broadcast: %s", out)
	require.Equal(t, before, seq(), "nothing is broadcast")
	// With --yes: the warning on stderr, and the claim sent.
	out, errOut, err = d.run(aegisd + claim + " -y")
	require.NoError(t, err, "%s\n%s", out, errOut)
	require.Contains(t, errOut, "WARNING: this claim costs more than it pays.")
	require.Contains(t, errOut, "--yes: sending it anyway.")
	m := txHashRe.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	res := d.waitTx(t, m[1])
	require.Zero(t, res.Code, res.RawLog)

	// Unbinding license 1 starts its stake's 105-second unbonding.
	tx("license unbind 1 --from holder")
	lic := aegisd + " q license license 1 --output json"
	until, err := time.Parse(time.RFC3339Nano, d.jsonField(t, lic, "unbonding_until"))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(unbonding), until, 30*time.Second)
	// Bound again before then: refused before it is sent (--gas auto simulates).
	bind := " tx license bind-validator " + val + " 1 --from holder " + txFlags
	_, errOut, err = d.run(aegisd + bind)
	require.Error(t, err)
	require.Contains(t, errOut, "its stake returns from "+val)
	require.Equal(t, "BINDING_VALIDATOR", d.jsonField(t, aegisd+" q license license 2 --output json", "kind"), "license 2 stays bound")

	// Once the unbonding completes (and is settled in that block), it binds again.
	unbondingRe := regexp.MustCompile(`"unbonding_until":\s*"[^"]+"`)
	for deadline := until.Add(60 * time.Second); ; time.Sleep(2 * time.Second) {
		out := d.sh(t, lic)
		if !unbondingRe.MatchString(out) {
			break
		}
		require.True(t, time.Now().Before(deadline), "license 1 still unbonding 60 s after %s: %s", until, out)
	}
	t.Logf("license 1 settled at %s (unbonding until %s)", time.Now().UTC().Format(time.RFC3339), until.Format(time.RFC3339))
	d.tx(t, "devnet", aegisd+bind)
	out = d.sh(t, lic)
	var l struct {
		License struct {
			Binding struct {
				Kind   string `json:"kind"`
				Target string `json:"target"`
			} `json:"binding"`
		} `json:"license"`
		Account string `json:"account"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &l), out)
	require.Equal(t, "BINDING_VALIDATOR", l.License.Binding.Kind, out)
	require.Equal(t, val, l.License.Binding.Target, out)
	delegation := d.sh(t, fmt.Sprintf("%s q staking delegation %s %s --output json", aegisd, l.Account, val))
	require.Regexp(t, `"amount":\s*"10000000000"`, delegation, "its account delegates stake_equivalent again")
}

// parseDuration reads a duration as the CLI prints it: "105s" or nanoseconds.
func parseDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(n)
	}
	dur, err := time.ParseDuration(s)
	require.NoError(t, err, s)
	return dur
}
