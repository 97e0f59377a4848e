package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSystemDocsCommands runs the transactions the docs tell users to send, as written, on a
// devnet started by scripts/devnet.sh, and requires each to be committed with code 0 (the
// tx queried by hash once in a block, not the CheckTx code the CLI prints). So the docs
// cannot drift from what the chain accepts.
//
// What runs. In every ```sh block of README.md and docs/operators.md, in order:
//   - each `aegisd tx ...` line (continuation lines joined), checked on chain;
//   - each `./build/aegis-node init ...` line: in README.md the `aegisd tx` commands it
//     prints are run as printed and checked the same way; in docs/operators.md it gives the
//     <hot key> the block's grants are written for;
//   - each `./build/aegis-node register ...` line, which waits for its own tx;
//   - what these need from the same block: an `alias aegisd=...` line, `aegisd keys add`,
//     and a `cat > file <<EOF ... EOF` file;
//   - in README.md, whose blocks are the devnet's, the `aegisd q`, `aegisd keys list` and
//     `aegisd version` lines too, which must succeed.
//
// Then every `./build/aegisd` command scripts/devnet.sh printed when it started (the claim
// checked on chain, the status and queries must succeed). Other lines (`make`, `aegis-node
// run`, the guide's queries, which name localnet nodes, ...) are not run.
//
// How the docs' conventions are met:
//   - Commands run with bash in a directory holding `build` (the repo's, which devnet.sh
//     builds) and `.devnet` (the devnet's home), so `alias aegisd="./build/aegisd --home
//     .devnet"` and `$(aegisd keys show bob -a)` work as written. HOME is an empty dir.
//   - docs/operators.md: `aegisd` is `./build/aegisd`; $KR is the value the doc gives
//     (a keyring in `.localnet/keys`, which holds the localnet's key names: authority,
//     owner1, owner2 with licenses 5 and 6, res1, res2, valself, vallic, funded like
//     the localnet's); every tx gets the flags the doc says to add to every tx, and
//     `.localnet/node0/aegisd` is a home with a funded key node0. $HOME_V is the home of
//     a node made with `aegisd init`, whose consensus key `validator.json` names.
//   - The devnet runs on ports shifted by a free DEVNET_PORT_OFFSET, and days of 5 s:
//     the default ports in a command (26657, 9090, 1317) are shifted the same way, and
//     aegis-localnet-1 is the devnet's chain id.
//   - <placeholders> are filled in by docPlaceholders; one the test does not know fails it.
//   - Before a `tx por claim` the test waits until the claimer has rewards to claim; before
//     a `tx license claim-rewards` too, sending fixture txs for their fees (the only source
//     of staking rewards on the devnet) until the claimer's licenses have earned some.
//   - docSkipped lists the commands a single-node devnet cannot run, with where they are
//     tested instead.
//
// It also checks the README's account of a failing tx: with --gas auto it is refused before
// broadcast; without, it passes CheckTx and its failure is in `aegisd q tx <hash>`.
func TestSystemDocsCommands(t *testing.T) {
	skipIfShort(t)
	d := startDevnet(t)

	// The localnet's keys and homes the operators' guide signs with, funded like the
	// localnet's genesis accounts, and its licenses: 1-4 to owner1, 5-6 to owner2.
	kr := docVar(t, "docs/operators.md", "KR")
	d.env = append(d.env, "KR="+kr)
	addr := func(key string) string { return d.sh(t, "./build/aegisd keys show "+key+" -a "+kr) }
	localKeys := []string{"authority", "owner1", "owner2", "res1", "res2", "valself", "vallic"}
	var funded []string
	for _, k := range localKeys {
		d.sh(t, "./build/aegisd keys add "+k+" "+kr)
		funded = append(funded, addr(k))
	}
	d.sh(t, "./build/aegisd keys add node0 --keyring-backend test --home .localnet/node0/aegisd")
	funded = append(funded, d.sh(t, "./build/aegisd keys show node0 -a --keyring-backend test --home .localnet/node0/aegisd"))
	d.tx(t, "fixture", fmt.Sprintf("%s tx bank multi-send alice %s 1000000000000uaegis %s", d.devnetAegisd(), strings.Join(funded, " "), devnetTxFlags))
	d.tx(t, "fixture", fmt.Sprintf("%s tx license mint %s 4 --from alice %s", d.devnetAegisd(), addr("owner1"), devnetTxFlags))
	d.tx(t, "fixture", fmt.Sprintf("%s tx license mint %s 2 --from alice %s", d.devnetAegisd(), addr("owner2"), devnetTxFlags))
	// $HOME_V: the node the guide's validator.json takes its consensus key from.
	d.sh(t, "./build/aegisd init valself --chain-id "+d.chainID+" --home homes/valself")
	d.env = append(d.env, "HOME_V="+filepath.Join(d.dir, "homes", "valself"))
	// vallic: the validator with the least self-stake that 2b binds licenses to.
	d.sh(t, "./build/aegisd init vallic --chain-id "+d.chainID+" --home homes/vallic")
	d.sh(t, `cat > vallic.json <<EOF
{"pubkey": $(./build/aegisd comet show-validator --home homes/vallic), "amount": "1000000uaegis", "moniker": "vallic",
 "commission-rate": "0.10", "commission-max-rate": "0.20", "commission-max-change-rate": "0.01", "min-self-delegation": "1"}
EOF`)
	d.tx(t, "fixture", fmt.Sprintf("./build/aegisd tx staking create-validator vallic.json --from vallic %s --chain-id %s --node tcp://%s %s",
		kr, d.chainID, d.rpc, devnetTxFlags))

	// The guide's `tx` suffix, from the guide itself.
	suffix := docTxSuffix(t)
	suffix = strings.NewReplacer("<id>", d.chainID, "<a node's RPC>", d.rpc).Replace(suffix)
	d.runDoc(t, "docs/operators.md", "alias aegisd=./build/aegisd", suffix, false)
	d.runDoc(t, "README.md", "", "", true)

	// The commands devnet.sh printed for users: its aegisd commands (the status, queries and
	// the claim), each from "./build/aegisd" to the end of its line.
	var printed int
	for _, line := range strings.Split(d.banner, "\n") {
		i := strings.Index(line, "./build/aegisd ")
		if i < 0 {
			continue
		}
		cmd := strings.TrimSpace(line[i:])
		printed++
		if !strings.HasPrefix(cmd, "./build/aegisd tx ") {
			d.sh(t, cmd)
			continue
		}
		if strings.Contains(cmd, " tx por claim ") {
			d.waitForRewards(t, cmd)
		}
		d.tx(t, "scripts/devnet.sh", cmd)
	}
	require.Equal(t, 4, printed, "devnet.sh prints four aegisd commands (status, two queries, the claim):\n%s", d.banner)

	t.Run("README: a failing tx", func(t *testing.T) { d.checkFailingTx(t) })
}

// devnetTxFlags are the flags the README's devnet commands pay with.
const devnetTxFlags = "--gas auto --gas-prices 0.025uaegis -y"

// docSkipped are doc commands a single-node devnet cannot run (a prefix of the command),
// with where they are tested instead.
var docSkipped = map[string]string{
	"aegisd tx slashing unjail": "needs a jailed validator: the localnet's downtime journey (localnet_journeys_test.go) unjails one",
}

// devnet is a devnet started by scripts/devnet.sh, and the directory the docs' commands run in.
type devnet struct {
	root, dir, home, chainID string
	offset                   int
	rpc, grpc, api           string // host:port
	banner                   string // what devnet.sh printed
	env                      []string
	hot                      string // the hot key of the last `aegis-node init`
}

// startDevnet runs `scripts/devnet.sh --detach` on free ports with 5-second days and the
// docs' working directory around it, and stops it when the test ends.
func startDevnet(t *testing.T) *devnet {
	t.Helper()
	root := sourceRoot(t)
	dir := t.TempDir()
	d := &devnet{root: root, dir: dir, home: filepath.Join(dir, ".devnet"), chainID: "aegis-devnet-1", offset: freeDevnetOffset(t)}
	d.rpc = fmt.Sprintf("127.0.0.1:%d", 26657+d.offset)
	d.grpc = fmt.Sprintf("127.0.0.1:%d", 9090+d.offset)
	d.api = fmt.Sprintf("127.0.0.1:%d", 1317+d.offset)
	require.NoError(t, os.Symlink(filepath.Join(root, "build"), filepath.Join(dir, "build")))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "home"), 0o755))
	d.env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"))

	script := func(args ...string) (string, error) {
		cmd := exec.Command("bash", append([]string{filepath.Join(root, "scripts", "devnet.sh")}, args...)...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "DEVNET_HOME="+d.home, "DEVNET_PORT_OFFSET="+strconv.Itoa(d.offset), "DEVNET_DAY_SECONDS=5")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := os.ReadFile(filepath.Join(d.home, "aegisd.log"))
			t.Logf("devnet log tail:\n%s", tail(string(logs), 4000))
		}
		if out, err := script("--stop"); err != nil {
			t.Logf("stopping the devnet: %v\n%s", err, out)
		}
	})
	out, err := script("--detach")
	require.NoError(t, err, out)
	d.banner = out
	return d
}

// sourceRoot is the repository's root directory.
func sourceRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	require.NoError(t, err)
	return root
}

// freeDevnetOffset is a DEVNET_PORT_OFFSET none of whose five ports is in use.
func freeDevnetOffset(t *testing.T) int {
	t.Helper()
	for range 100 {
		offset := 1000 + 10*rand.Intn(1500)
		free := true
		for _, port := range []int{26656, 26657, 26658, 1317, 9090} {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port+offset))
			if err != nil {
				free = false
				break
			}
			_ = l.Close()
		}
		if free {
			return offset
		}
	}
	t.Fatal("no free devnet port offset")
	return 0
}

// devnetAegisd is aegisd on the devnet's home.
func (d *devnet) devnetAegisd() string { return "./build/aegisd --home " + d.home }

// run runs a bash script in the docs' directory and returns stdout, stderr and its error.
func (d *devnet) run(script string) (string, string, error) {
	cmd := exec.Command("bash", "-c", "set -o pipefail\nshopt -s expand_aliases\n"+script)
	cmd.Dir, cmd.Env = d.dir, d.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// sh runs a script that must succeed and returns its trimmed stdout.
func (d *devnet) sh(t *testing.T, script string) string {
	t.Helper()
	out, errOut, err := d.run(script)
	require.NoError(t, err, "%s\nstdout: %s\nstderr: %s", script, out, errOut)
	return strings.TrimSpace(out)
}

var txHashRe = regexp.MustCompile(`(?m)(?:^txhash: |"txhash":")([0-9A-F]{64})`)

// tx runs a tx command (after the prelude: an alias, say), then waits for the tx in a block
// and requires it committed with code 0.
func (d *devnet) tx(t *testing.T, where, cmd string, prelude ...string) {
	t.Helper()
	out, errOut, err := d.run(strings.Join(append(prelude, cmd), "\n"))
	require.NoError(t, err, "%s: %s\nstdout: %s\nstderr: %s", where, cmd, out, errOut)
	m := txHashRe.FindStringSubmatch(out)
	require.NotNil(t, m, "%s: %s printed no tx hash:\n%s\n%s", where, cmd, out, errOut)
	res := d.waitTx(t, m[1])
	require.Zero(t, res.Code, "%s: %s\nwas committed with code %d: %s", where, cmd, res.Code, res.RawLog)
	t.Logf("%s: committed at height %s with code 0: %s", where, res.Height, cmd)
}

// waitTx waits for a tx to be in a block and returns its result.
func (d *devnet) waitTx(t *testing.T, hash string) TxResult {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		out, _, err := d.run(d.devnetAegisd() + " q tx " + hash + " --output json")
		if err != nil {
			continue
		}
		var res TxResult
		require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		return res
	}
	t.Fatalf("tx %s was not included within 30 s", hash)
	return TxResult{}
}

// docCommand is a command of a ```sh block: its lines joined, and where it is.
type docCommand struct {
	where string // file:line
	text  string
	block int
}

// docCommands are the commands of every ```sh block of a file, continuation lines joined
// and a heredoc kept whole with its lines.
func docCommands(t *testing.T, root, file string) []docCommand {
	t.Helper()
	bz, err := os.ReadFile(filepath.Join(root, file))
	require.NoError(t, err)
	lines := strings.Split(string(bz), "\n")
	var out []docCommand
	block := 0
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```sh" {
			continue
		}
		block++
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			start, text := i, lines[i]
			for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
				i++
				text = strings.TrimSuffix(text, `\`) + " " + strings.TrimSpace(lines[i])
			}
			if m := regexp.MustCompile(`<<-?'?(\w+)'?\s*$`).FindStringSubmatch(text); m != nil {
				for i+1 < len(lines) {
					i++
					text += "\n" + lines[i]
					if strings.TrimSpace(lines[i]) == m[1] {
						break
					}
				}
			}
			out = append(out, docCommand{where: fmt.Sprintf("%s:%d", file, start+1), text: strings.TrimSpace(text), block: block})
		}
	}
	require.NotEmpty(t, out, "%s has no ```sh blocks", file)
	return out
}

// runDoc runs a doc's commands as TestSystemDocsCommands says: alias is the file's
// `aegisd` (a block's own alias line replaces it), suffix what every tx gets.
func (d *devnet) runDoc(t *testing.T, file, alias, suffix string, queries bool) {
	t.Helper()
	prelude := []string{}
	lastBlock := 0
	var ran int
	for _, c := range docCommands(t, d.root, file) {
		if c.block != lastBlock {
			lastBlock, prelude = c.block, []string{}
			if alias != "" {
				prelude = append(prelude, alias)
			}
		}
		fields := strings.Fields(c.text)
		if len(fields) < 2 {
			continue
		}
		cmd := d.localize(c.text)
		switch {
		case fields[0] == "alias" && strings.HasPrefix(fields[1], "aegisd="):
			prelude = append(prelude, c.text)
		case fields[0] == "cat" && strings.Contains(c.text, "<<"):
			d.sh(t, strings.Join(append(prelude, cmd), "\n"))
		case fields[0] == "aegisd" && fields[1] == "keys" && len(fields) > 2 && fields[2] == "add":
			d.sh(t, strings.Join(append(prelude, cmd), "\n"))
		case (fields[0] == "aegisd" || fields[0] == "./build/aegisd") && fields[1] == "tx":
			if reason := skipped(c.text); reason != "" {
				t.Logf("%s: not run (%s): %s", c.where, reason, c.text)
				continue
			}
			if strings.Contains(c.text, " tx por claim ") {
				d.waitForRewards(t, c.text)
			}
			if strings.Contains(c.text, " tx license claim-rewards ") {
				d.waitForLicenseRewards(t, c.text)
			}
			cmd = d.fill(t, c, cmd)
			if suffix != "" {
				cmd = strings.TrimSpace(stripComment(cmd)) + " " + suffix
			}
			d.tx(t, c.where, cmd, prelude...)
			ran++
		case fields[0] == "./build/aegis-node" && fields[1] == "init":
			out := d.sh(t, strings.Join(append(prelude, cmd), "\n"))
			hot := regexp.MustCompile(`hot key\s+\S+ = (aegis1[0-9a-z]+)`).FindStringSubmatch(out)
			require.NotNil(t, hot, "%s printed no hot key:\n%s", c.where, out)
			d.hot = hot[1]
			if file != "README.md" {
				continue // the guide writes out the commands init prints
			}
			var printed int
			for _, line := range strings.Split(out, "\n") {
				if p := strings.TrimSpace(line); strings.HasPrefix(p, "aegisd tx ") {
					d.tx(t, c.where+" (printed by aegis-node init)", d.localize(p), prelude...)
					printed++
				}
			}
			require.Equal(t, 1, printed, "aegis-node init prints one command:\n%s", out)
			ran += printed
		case queries && fields[0] == "aegisd" && (fields[1] == "q" || fields[1] == "query" || fields[1] == "version" ||
			fields[1] == "keys" && len(fields) > 2 && fields[2] == "list"):
			d.sh(t, strings.Join(append(prelude, cmd), "\n"))
		case fields[0] == "./build/aegis-node" && fields[1] == "register":
			out := d.sh(t, strings.Join(append(prelude, cmd), "\n"))
			require.Contains(t, out, "registered ", "%s: %s", c.where, out)
			t.Logf("%s: %s", c.where, strings.TrimSpace(out[strings.LastIndex(out, "registered "):]))
			ran++
		}
	}
	require.NotZero(t, ran, "%s: no tx command ran", file)
}

// skipped is the reason a command is in docSkipped, or "".
func skipped(cmd string) string {
	for prefix, reason := range docSkipped {
		if strings.HasPrefix(cmd, prefix) {
			return reason
		}
	}
	return ""
}

// localize moves the default devnet/localnet ports to the devnet's and names its chain.
func (d *devnet) localize(cmd string) string {
	return strings.NewReplacer(
		":26657", fmt.Sprintf(":%d", 26657+d.offset),
		":9090", fmt.Sprintf(":%d", 9090+d.offset),
		":1317", fmt.Sprintf(":%d", 1317+d.offset),
		"aegis-localnet-1", d.chainID,
	).Replace(cmd)
}

// docPlaceholders fill in the <placeholders> of the operators' guide on the devnet.
var docPlaceholders = map[string]func(d *devnet, t *testing.T) string{
	"<operator addr>":        func(d *devnet, t *testing.T) string { return d.sh(t, "./build/aegisd keys show valself -a $KR") },
	"<vallic operator addr>": func(d *devnet, t *testing.T) string { return d.sh(t, "./build/aegisd keys show vallic -a $KR") },
	"<vallic valoper>": func(d *devnet, t *testing.T) string {
		return d.sh(t, "./build/aegisd keys show vallic -a --bech val $KR")
	},
	"<hot key>": func(d *devnet, t *testing.T) string {
		require.NotEmpty(t, d.hot, "<hot key> before any aegis-node init")
		return d.hot
	},
	// An upgrade height no test reaches (the proposal also fails for want of votes).
	"<H>": func(d *devnet, t *testing.T) string {
		n, err := strconv.Atoi(d.jsonField(t, d.devnetAegisd()+" status", "latest_block_height"))
		require.NoError(t, err)
		return strconv.Itoa(n + 100000)
	},
	// The latest proposal: the one the guide's previous command submitted.
	"<id>": func(d *devnet, t *testing.T) string {
		out := d.sh(t, d.devnetAegisd()+" q gov proposals --output json")
		latest := 0
		for _, m := range regexp.MustCompile(`"id":\s*"?(\d+)`).FindAllStringSubmatch(out, -1) {
			id, _ := strconv.Atoi(m[1])
			latest = max(latest, id)
		}
		require.NotZero(t, latest, "no proposal: %s", out)
		return strconv.Itoa(latest)
	},
}

var placeholderRe = regexp.MustCompile(`<[a-zA-Z][^<>]*>`)

// fill replaces the command's placeholders (heredoc redirections aside).
func (d *devnet) fill(t *testing.T, c docCommand, cmd string) string {
	t.Helper()
	return placeholderRe.ReplaceAllStringFunc(cmd, func(p string) string {
		f, ok := docPlaceholders[p]
		require.True(t, ok, "%s: unknown placeholder %s in %q: add it to docPlaceholders", c.where, p, c.text)
		return f(d, t)
	})
}

// stripComment drops a trailing `# comment` from a one-line command.
func stripComment(cmd string) string {
	if i := strings.Index(cmd, " # "); i >= 0 && !strings.Contains(cmd, "\n") {
		return cmd[:i]
	}
	return cmd
}

// jsonField runs a command printing JSON and returns the first value of the field name
// (a number or a string) in it.
func (d *devnet) jsonField(t *testing.T, cmd, name string) string {
	t.Helper()
	out := d.sh(t, cmd)
	m := regexp.MustCompile(`"` + name + `":\s*"?([^",}]*)`).FindStringSubmatch(out)
	require.NotNil(t, m, "%s: no %q in %s", cmd, name, out)
	return m[1]
}

// waitForRewards waits until the key a claim is sent --from has rewards to claim (a day
// of the devnet lasts 5 s).
func (d *devnet) waitForRewards(t *testing.T, cmd string) {
	t.Helper()
	m := regexp.MustCompile(`--from (\S+)`).FindStringSubmatch(cmd)
	require.NotNil(t, m, cmd)
	home := d.home
	if hm := regexp.MustCompile(`--home (\S+)`).FindStringSubmatch(cmd); hm != nil {
		home = hm[1]
	}
	addr := d.sh(t, "./build/aegisd keys show "+m[1]+" -a --keyring-backend test --home "+home)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		out, _, err := d.run(d.devnetAegisd() + " q por rewards " + addr + " --output json")
		var r struct {
			Total string `json:"total"`
		}
		if err == nil && json.Unmarshal([]byte(out), &r) == nil && r.Total != "" && r.Total != "0" {
			return
		}
	}
	t.Fatalf("%s has no rewards to claim after 60 s", m[1])
}

// waitForLicenseRewards waits until the key a license claim is sent --from (in $KR, or the
// devnet's keyring) has staking rewards to claim. Those come only from fees — the devnet's
// emission pays resource nodes — so while there are none it sends a fixture tx from alice,
// whose fee the validators' delegators share (a validator's new power counts from the
// second block after the bind, so the first fee may pay it almost nothing).
func (d *devnet) waitForLicenseRewards(t *testing.T, cmd string) {
	t.Helper()
	m := regexp.MustCompile(`--from (\S+)`).FindStringSubmatch(cmd)
	require.NotNil(t, m, cmd)
	keyring := "--home " + d.home
	if strings.Contains(cmd, "$KR") {
		keyring = "$KR"
	}
	addr := d.sh(t, "./build/aegisd keys show "+m[1]+" -a "+keyring)
	for range 10 {
		out, _, err := d.run(d.devnetAegisd() + " q license rewards " + addr + " --output json")
		var r struct {
			Amount string `json:"amount"`
		}
		if err == nil && json.Unmarshal([]byte(out), &r) == nil && r.Amount != "" && r.Amount != "0" {
			return
		}
		d.tx(t, "fixture (fees for license rewards)", fmt.Sprintf("%s tx bank send alice %s 1uaegis %s", d.devnetAegisd(), addr, devnetTxFlags))
	}
	t.Fatalf("%s's licenses earned nothing from 10 txs' fees", m[1])
}

// docVar is the value of `NAME="value"` as a doc defines it inline.
func docVar(t *testing.T, file, name string) string {
	t.Helper()
	bz, err := os.ReadFile(filepath.Join(sourceRoot(t), file))
	require.NoError(t, err)
	m := regexp.MustCompile("`" + name + `="([^"]*)"` + "`").FindSubmatch(bz)
	require.NotNil(t, m, "%s no longer defines `%s=\"...\"`", file, name)
	return string(m[1])
}

// docTxSuffix is what the operators' guide says to add to every `tx`.
func docTxSuffix(t *testing.T) string {
	t.Helper()
	bz, err := os.ReadFile(filepath.Join(sourceRoot(t), "docs/operators.md"))
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)add `([^`]*)` to every `tx`").FindSubmatch(bz)
	require.NotNil(t, m, "docs/operators.md no longer says what to add to every tx")
	return strings.Join(strings.Fields(string(m[1])), " ")
}

// checkFailingTx checks what the README says of a tx that fails: with --gas auto it is
// refused before it is broadcast, with the reason; without, the node accepts it (the CLI
// prints code 0, which is only CheckTx's) and `aegisd q tx <hash>` has the block's failure.
func (d *devnet) checkFailingTx(t *testing.T) {
	aegisd := d.devnetAegisd()
	bob := d.sh(t, aegisd+" keys show bob -a")
	seq := func() string {
		return d.sh(t, aegisd+" q auth account "+bob+` --output json | grep -o '"sequence":"[0-9]*"' || echo none`)
	}
	before := seq()
	out, errOut, err := d.run(aegisd + " tx bank send bob $(" + aegisd + " keys show alice -a) 999999999999999uaegis " + devnetTxFlags)
	require.Error(t, err, "with --gas auto a tx that would fail is refused: %s", out)
	require.Contains(t, out+errOut, "insufficient funds")
	require.Nil(t, txHashRe.FindStringSubmatch(out+errOut), "nothing is broadcast: %s", out)
	require.Equal(t, before, seq(), "nothing is broadcast")

	out, errOut, err = d.run(aegisd + " tx bank send bob $(" + aegisd + " keys show alice -a) 999999999999999uaegis --fees 5000uaegis -y")
	require.NoError(t, err, "%s\n%s", out, errOut)
	require.Regexp(t, `(?m)^code: 0$`, out, "CheckTx accepts it")
	m := txHashRe.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	res := d.waitTx(t, m[1])
	require.NotZero(t, res.Code, "the block refuses it")
	require.Contains(t, res.RawLog, "insufficient funds")

	// A claim with nothing to pay is refused before it is sent (tx por claim simulates).
	out, errOut, err = d.run(aegisd + " tx por claim --from bob --fees 5000uaegis -y")
	require.Error(t, err, out)
	require.Contains(t, errOut, "nothing was sent")
}
