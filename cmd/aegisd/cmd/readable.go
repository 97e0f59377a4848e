package cmd

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"
	"sigs.k8s.io/yaml"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	"cosmossdk.io/client/v2/autocli"
	autocliflag "cosmossdk.io/client/v2/autocli/flag"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// positionalArg is what a user needs to hear about a command's positional argument.
type positionalArg struct {
	name   string // as the command's Use shows it
	scalar string // the proto field's cosmos.scalar, e.g. cosmos.AddressString
	kind   protoreflect.Kind
}

// positionalArgs maps "query <module> <command>" and "tx <module> <command>" to the
// positional arguments autocli binds for them, in order.
type positionalArgs map[string][]positionalArg

// autocliPositionalArgs reads the positional arguments of every autocli command from the
// modules' options and their services' descriptors.
func autocliPositionalArgs(opts autocli.AppOptions) positionalArgs {
	files, err := proto.MergedRegistry()
	if err != nil {
		return nil
	}
	out := positionalArgs{}
	var walk func(path string, svc *autocliv1.ServiceCommandDescriptor)
	walk = func(path string, svc *autocliv1.ServiceCommandDescriptor) {
		if svc == nil {
			return
		}
		for name, sub := range svc.SubCommands {
			walk(path+" "+name, sub)
		}
		if svc.Service == "" {
			return
		}
		d, err := files.FindDescriptorByName(protoreflect.FullName(svc.Service))
		if err != nil {
			return
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			return
		}
		for _, o := range svc.RpcCommandOptions {
			if len(o.PositionalArgs) == 0 {
				continue
			}
			m := sd.Methods().ByName(protoreflect.Name(o.RpcMethod))
			if m == nil {
				continue
			}
			names := useArgNames(o.Use)
			var args []positionalArg
			for i, a := range o.PositionalArgs {
				arg := positionalArg{name: a.ProtoField}
				if i < len(names) {
					arg.name = names[i]
				}
				if f := fieldByPath(m.Input(), a.ProtoField); f != nil {
					arg.scalar, _ = autocliflag.GetScalarType(f)
					arg.kind = f.Kind()
				}
				args = append(args, arg)
			}
			cmdName := strings.Fields(o.Use + " ")
			if len(cmdName) == 0 {
				continue // autocli names it after the method; only listed Uses have arguments here
			}
			out[path+" "+cmdName[0]] = args
		}
	}
	for module, mo := range opts.ModuleOptions {
		if mo == nil {
			continue
		}
		walk("query "+module, mo.Query)
		walk("tx "+module, mo.Tx)
	}
	return out
}

// useArgNames are the argument names of a command's Use: "transfer [to] [ids...]" has
// "to" and "ids".
func useArgNames(use string) []string {
	var names []string
	for _, f := range strings.Fields(use)[min(1, len(strings.Fields(use))):] {
		if !strings.HasPrefix(f, "[") && !strings.HasPrefix(f, "<") {
			continue
		}
		names = append(names, strings.TrimSuffix(strings.Trim(f, "[]<>"), "..."))
	}
	return names
}

// fieldByPath finds a field by its autocli path ("a.b" for field b of message field a).
func fieldByPath(md protoreflect.MessageDescriptor, path string) protoreflect.FieldDescriptor {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		f := md.Fields().ByName(protoreflect.Name(p))
		if f == nil {
			return nil
		}
		if i == len(parts)-1 {
			return f
		}
		if md = f.Message(); md == nil {
			return nil
		}
	}
	return nil
}

// pflag's error for a value it cannot set; autocli parses positional arguments with a
// flag set whose flags are named "0", "1", ...
var positionalFlagRe = regexp.MustCompile(`^invalid argument "((?:[^"\\]|\\.)*)" for "--(\d+)" flag: (.*)$`)

// explainArg rewrites autocli's error for a positional argument it cannot parse, which
// names the argument "--0", into one that names it as the command's usage does and says
// what it must be.
func (a positionalArgs) explainArg(cmdKey string, err error) error {
	m := positionalFlagRe.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	args := a[cmdKey]
	var i int
	_, _ = fmt.Sscanf(m[2], "%d", &i)
	arg := positionalArg{name: fmt.Sprintf("number %d", i+1)}
	switch {
	case i < len(args):
		arg = args[i]
	case len(args) > 0:
		arg = args[len(args)-1] // varargs
	}
	value, cause := m[1], cleanErrorText(m[3])
	var want string
	cfg := sdk.GetConfig()
	switch arg.scalar {
	case autocliflag.AddressStringScalarType:
		want = fmt.Sprintf("an account address (%s1...) or the name of a key in your keyring", cfg.GetBech32AccountAddrPrefix())
	case autocliflag.ValidatorAddressStringScalarType:
		want = fmt.Sprintf("a validator operator address (%s1...) or the name of a key in your keyring", cfg.GetBech32ValidatorAddrPrefix())
	case autocliflag.ConsensusAddressStringScalarType:
		want = fmt.Sprintf("a consensus address (%s1...) or a consensus public key in JSON", cfg.GetBech32ConsensusAddrPrefix())
	}
	if want != "" {
		return &readableError{fmt.Sprintf("the %s argument %q is not valid: it must be %s%s", arg.name, value, want, prefixMismatch(cause)), err}
	}
	switch arg.kind {
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.Fixed32Kind, protoreflect.Fixed64Kind:
		want = "a whole number (0, 1, 2, ...)"
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Sint32Kind, protoreflect.Sint64Kind,
		protoreflect.Sfixed32Kind, protoreflect.Sfixed64Kind:
		want = "a whole number"
	case protoreflect.BoolKind:
		want = "true or false"
	}
	if want != "" && strings.Contains(cause, "strconv.") {
		return &readableError{fmt.Sprintf("the %s argument %q is not valid: it must be %s", arg.name, value, want), err}
	}
	return &readableError{fmt.Sprintf("the %s argument %q is not valid: %s", arg.name, value, cause), err}
}

var bech32PrefixRe = regexp.MustCompile(`expected '([a-z]+)' got '([a-z]*)'`)

// prefixMismatch is " (its prefix is cosmos, not aegis)" when the bech32 decoder refused
// an address of another chain or kind, and "" otherwise: its other reasons ("invalid
// separator index 5", "internal logic error") tell a user nothing the sentence does not.
func prefixMismatch(cause string) string {
	if m := bech32PrefixRe.FindStringSubmatch(cause); m != nil {
		return fmt.Sprintf(" (its prefix is %s, not %s)", m[2], m[1])
	}
	return ""
}

// explainAddressArg names the argument of a hand-written command (bank send) whose
// address did not decode: its error is the bech32 decoder's alone. It blames the first
// argument that its usage calls an address (not a key name, which the command resolved
// already) and that is not one.
func explainAddressArg(cmd *cobra.Command, args []string, err error) error {
	if !strings.Contains(err.Error(), "bech32") {
		return err
	}
	names := useArgNames(cmd.Use)
	for i, v := range args {
		if i >= len(names) || !strings.Contains(names[i], "address") || strings.Contains(names[i], "key") {
			continue
		}
		if _, e := sdk.AccAddressFromBech32(v); e == nil {
			continue
		}
		return &readableError{fmt.Sprintf("the %s argument %q is not valid: it must be an account address (%s1...)%s",
			names[i], v, sdk.GetConfig().GetBech32AccountAddrPrefix(), prefixMismatch(err.Error())), err}
	}
	return err
}

// commandKey is a command's path below the root: "tx license transfer".
func commandKey(cmd *cobra.Command) string {
	path := strings.Fields(cmd.CommandPath())
	if len(path) <= 1 {
		return ""
	}
	if path[1] == "q" {
		path[1] = "query"
	}
	return strings.Join(path[1:], " ")
}

// txResponseWatch passes a command's output through and notes a TxResponse with a non-zero
// code: a tx that CheckTx refused (the SDK prints it and exits 0). In text output the
// response is left out, since the sentence that replaces it says all it says.
type txResponseWatch struct {
	out      io.Writer
	failed   bool
	response txResponse
}

type txResponse struct {
	TxHash    string `json:"txhash"`
	Codespace string `json:"codespace"`
	Code      uint32 `json:"code"`
	RawLog    string `json:"raw_log"`
}

func (w *txResponseWatch) Write(p []byte) (int, error) {
	var r txResponse
	if !w.failed && yaml.Unmarshal(p, &r) == nil && r.TxHash != "" && r.Code != 0 {
		w.failed, w.response = true, r
		if !bytes.HasPrefix(bytes.TrimSpace(p), []byte("{")) {
			return len(p), nil
		}
	}
	return w.out.Write(p)
}

// makeReadable wraps the RunE of every command below root so that what it returns is
// readable: one sentence for a failed tx (simulation or CheckTx), the argument's name for a
// malformed positional argument, "stop aegisd first" for a database the node holds, and no
// nested gRPC prefixes or stack fragments anywhere. --trace leaves errors as they are.
func makeReadable(root *cobra.Command, opts autocli.AppOptions, codespaces []string) {
	args := autocliPositionalArgs(opts)
	var txErrs *txErrors // built on the first error: it probes the error registry
	var wrap func(c *cobra.Command)
	wrap = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			wrap(sub)
		}
		if c.RunE == nil {
			return
		}
		run := c.RunE
		c.RunE = func(cmd *cobra.Command, a []string) error {
			if trace, _ := cmd.Flags().GetBool("trace"); trace {
				return run(cmd, a)
			}
			key := commandKey(cmd)
			var watch *txResponseWatch
			if strings.HasPrefix(key, "tx ") {
				// autocli prints to cmd.OutOrStdout(), the SDK's commands to the client
				// context's output.
				watch = &txResponseWatch{out: cmd.OutOrStdout()}
				cmd.SetOut(watch)
				clientCtx := client.GetClientContextFromCmd(cmd)
				if err := client.SetCmdClientContext(cmd, clientCtx.WithOutput(watch)); err != nil {
					return err
				}
			}
			err := run(cmd, a)
			failedTx := err == nil && watch != nil && watch.failed
			if err == nil && !failedTx {
				return nil
			}
			if txErrs == nil {
				txErrs = newTxErrors(codespaces)
			}
			if failedTx {
				r := watch.response
				return &readableError{msg: txErrs.checkTxError(r.Codespace, r.Code, r.RawLog)}
			}
			if e := args.explainArg(key, err); e != err {
				return e
			}
			if e := explainAddressArg(cmd, a, err); e != err {
				return e
			}
			home, _ := cmd.Flags().GetString(flags.FlagHome)
			return txErrs.readable(err, home, client.GetClientContextFromCmd(cmd).NodeURI)
		}
	}
	wrap(root)
}
