package cmd

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"syscall"

	errorsmod "cosmossdk.io/errors"
)

// A failed transaction reaches the CLI as text that every layer on its way wrapped again.
// A simulation (--gas auto, `tx por report`/`claim`) that fails in a message prints
//
//	rpc error: code = Unknown desc = rpc error: code = Unknown desc = failed to execute
//	message; message index: 0: license 999 does not exist: unknown license
//	[aegis-chain/aegis/x/license/keeper/keeper.go:142] with gas used: '49211': unknown request
//
// The SDK's tx service formats the error with %v, which for a cosmossdk.io/errors error
// appends the [file:line] where it was wrapped; the node's query handler turns the gRPC
// status into ErrUnknownRequest (": unknown request") and its ABCI log, and the client turns
// that log back into a gRPC status (the second "rpc error"). The ABCI codespace and code are
// lost on the way; the registered error's description is still the last part of the text.
// A tx that CheckTx refuses comes back as a TxResponse with its codespace, code and log.
// readableTxError makes either one sentence: what happened to the tx, the registered
// error's description, the detail it was wrapped with, and what to do.

var (
	rpcPrefixRe  = regexp.MustCompile(`rpc error: code = \w+ desc = `)
	frameRe      = regexp.MustCompile(` ?\[[^\[\]\s]+\.go:\d+\]`)
	stackRe      = regexp.MustCompile(`\n?[^\s]+\n\t[^\s]+\.go:\d+`) // a node with --trace: "%+v"'s frames
	msgIndexRe   = regexp.MustCompile(`failed to execute message; message index: \d+: `)
	simulationRe = regexp.MustCompile(`(?s)^(.*) with gas used: '\d+'(: [a-z ]+)?$`)
)

// registeredError is an error registered with cosmossdk.io/errors.
type registeredError struct {
	codespace string
	code      uint32
	desc      string
}

// registry lists the registered errors of the given codespaces (the app's modules and
// "sdk"), to tell a description in a simulation's text back to its codespace and code.
func registry(codespaces []string) []registeredError {
	var out []registeredError
	for _, cs := range codespaces {
		for code := uint32(1); code < 200; code++ {
			var e *errorsmod.Error
			if errors.As(errorsmod.ABCIError(cs, code, ""), &e) && e.Error() != "unknown" {
				out = append(out, registeredError{cs, code, e.Error()})
			}
		}
	}
	return out
}

// txErrors is what readableTxError needs to know of the app: its registered errors.
type txErrors struct{ registered []registeredError }

func newTxErrors(codespaces []string) *txErrors {
	cs := append([]string{"sdk"}, codespaces...)
	sort.Strings(cs[1:])
	return &txErrors{registered: registry(cs)}
}

// cleanErrorText strips what every layer added to an error's text: the nested gRPC status
// prefixes, the [file:line] stack fragments and the "message index" of the SDK's message
// router. It keeps the rest as it is.
func cleanErrorText(s string) string {
	s = rpcPrefixRe.ReplaceAllString(s, "")
	s = stackRe.ReplaceAllString(s, "")
	s = frameRe.ReplaceAllString(s, "")
	s = msgIndexRe.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
}

// simulationFailure reports whether err is a failed simulation and returns its error text
// as the node's tx service made it.
func simulationFailure(err error) (string, bool) {
	s := err.Error()
	// What a caller put before the gRPC status ("... (nothing was sent): rpc error: ...")
	// says the same as the sentence will.
	if i := strings.Index(s, "rpc error: "); i > 0 {
		s = s[i:]
	}
	s = cleanErrorText(s)
	m := simulationRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// splitLog splits an ABCI log "detail: more detail: description" into the registered
// error's description and what it was wrapped with. When codespace is known the
// description is the one registered for code there; otherwise the longest registered
// description that ends the log.
func (t *txErrors) splitLog(codespace string, code uint32, log string) (reg registeredError, detail string, found bool) {
	log = cleanErrorText(log)
	for _, r := range t.registered {
		if codespace != "" && (r.codespace != codespace || r.code != code) {
			continue
		}
		if codespace == "" && log != r.desc && !strings.HasSuffix(log, ": "+r.desc) {
			continue
		}
		if !found || len(r.desc) > len(reg.desc) || (len(r.desc) == len(reg.desc) && hints[r.key()] != "" && hints[reg.key()] == "") {
			reg, found = r, true
		}
	}
	if !found {
		return registeredError{codespace: codespace, code: code}, log, false
	}
	detail = log
	// Wrapping a registered error in another one of the same description ("insufficient
	// funds: insufficient funds") repeats it: drop every copy at the end.
	for detail == reg.desc || strings.HasSuffix(detail, ": "+reg.desc) {
		detail = strings.TrimSuffix(strings.TrimSuffix(detail, reg.desc), ": ")
	}
	return reg, detail, true
}

func (r registeredError) key() string { return fmt.Sprintf("%s/%d", r.codespace, r.code) }

// hints say what to do about an error, by codespace/code.
var hints = map[string]string{
	"sdk/4":  "sign with the account the message needs (--from)",
	"sdk/5":  `check the balance with "aegisd q bank balances <address>", then send less or fund the account first`,
	"sdk/7":  "check the addresses in the command (aegis1... for accounts, aegisvaloper1... for validators)",
	"sdk/9":  "the account does not exist on the chain yet: send it some uaegis first",
	"sdk/10": "check the amount: a number followed by the denom, e.g. 1000uaegis",
	"sdk/11": "raise --gas, or use --gas auto with a larger --gas-adjustment",
	"sdk/13": "raise --fees or --gas-prices to at least the node's minimum-gas-prices (0.025uaegis by default)",
	"sdk/19": "the same transaction is already waiting to be included: wait for it",
	"sdk/20": "the node's mempool is full: try again in a few blocks",
	"sdk/32": "wait until your previous transaction is included, then send this one again",
	"sdk/30": "the transaction expired: send it again",

	"license/3":  "sign with the license authority (--from); see \"aegisd q license params\"",
	"license/4":  "see the chain's license stage with \"aegisd q license params\"",
	"license/5":  "see what is left under the cap with \"aegisd q license supply\"",
	"license/6":  "check the license ids with \"aegisd q license licenses --owner <address>\"",
	"license/7":  "sign with the licenses' owner (--from); see \"aegisd q license license <id>\"",
	"license/8":  "unbind the license first (\"aegisd tx license unbind <id>\")",
	"license/9":  "bind the license first (\"aegisd tx license bind-validator\" or \"bind-node\")",
	"license/14": "check the validator address (aegisvaloper1...) with \"aegisd q staking validators\"",
	"license/15": "there is nothing to claim yet: see \"aegisd q license rewards <owner>\"",
	"license/18": "wait until the license's stake has finished unbonding",

	"por/3":  "register the node first (\"aegisd tx por register\") or check the operator address",
	"por/9":  "a node reports once a day: send the next report tomorrow",
	"por/12": "add stake first (\"aegisd tx por add-stake <amount>\")",
	"por/13": "sign with the node's operator (--from)",
	"por/17": "there is nothing to claim yet: see \"aegisd q por rewards <operator>\"",
	"por/22": "try again in the next block",
	"por/25": "check the challenge id with \"aegisd q por challenges <operator>\"",
}

// hint is what to do about an error of r; without a specific one, it points at the
// module's queries.
func (r registeredError) hint() string {
	if h := hints[r.key()]; h != "" {
		return h
	}
	switch r.codespace {
	case "", "sdk", "undefined":
		return "check the command's arguments and flags (--help) and try again"
	default:
		return fmt.Sprintf("check the state it refers to (\"aegisd q %s --help\") and the command's arguments, then try again", r.codespace)
	}
}

// sentence is "what happened: description: detail; what to do".
func sentence(happened string, reg registeredError, detail string, found bool) string {
	var b strings.Builder
	b.WriteString(happened)
	b.WriteString(": ")
	if found {
		b.WriteString(reg.desc)
		if detail != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(detail)
	b.WriteString("; ")
	b.WriteString(reg.hint())
	return b.String()
}

// simulationError is the sentence for a tx whose simulation failed, or "" if err is
// something else.
func (t *txErrors) simulationError(err error) string {
	log, ok := simulationFailure(err)
	if !ok {
		return ""
	}
	reg, detail, found := t.splitLog("", 0, log)
	return sentence("the transaction would fail, so nothing was sent", reg, detail, found)
}

// checkTxError is the sentence for a tx that the node refused in CheckTx.
func (t *txErrors) checkTxError(codespace string, code uint32, log string) string {
	reg, detail, found := t.splitLog(codespace, code, log)
	return sentence("the node refused the transaction, so it was not included", reg, detail, found)
}

// isDatabaseLocked reports whether err is the error of opening a database that a running
// node holds (the lock file of PebbleDB or LevelDB: flock fails with EAGAIN; PebbleDB says
// "lock held by current process" within one process).
func isDatabaseLocked(err error) bool {
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "database") && (strings.Contains(s, "resource temporarily unavailable") ||
		strings.Contains(s, "lock held by"))
}

// readableError keeps the error it explains, for errors.Is and --trace.
type readableError struct {
	msg string
	err error
}

func (e *readableError) Error() string { return e.msg }
func (e *readableError) Unwrap() error { return e.err }

// isNodeUnreachable reports whether err is the RPC client's failure to connect to the node.
func isNodeUnreachable(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connect: connection refused")
}

// readable turns err into one sentence where it can, and otherwise strips the nested gRPC
// prefixes and stack fragments from it. home and node are the command's --home and --node.
func (t *txErrors) readable(err error, home, node string) error {
	if err == nil {
		return nil
	}
	var already *readableError
	if errors.As(err, &already) {
		return err
	}
	if msg := t.simulationError(err); msg != "" {
		return &readableError{msg, err}
	}
	if isDatabaseLocked(err) {
		return &readableError{fmt.Sprintf(
			"cannot open the node's database in %s/data: stop aegisd first (the node holds its database), then run this command again", home), err}
	}
	if node != "" && isNodeUnreachable(err) {
		return &readableError{fmt.Sprintf(
			"cannot reach a node at %s: start it, or point --node (or node in client.toml) at a running node's RPC address", node), err}
	}
	if s := cleanErrorText(err.Error()); s != err.Error() {
		return &readableError{s, err}
	}
	return err
}
