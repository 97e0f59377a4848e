// Command aegisd is the Aegis chain daemon: validator, full node and CLI client.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/cmd/aegisd/cmd"
)

func main() {
	rootCmd, err := cmd.NewRootCmd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	if err := svrcmd.Execute(rootCmd, "AEGISD", app.DefaultNodeHome); err != nil {
		// The commands' errors are one readable sentence; --trace asks for the error as it
		// came, with the stack where it was made.
		if trace, _ := rootCmd.PersistentFlags().GetBool("trace"); trace {
			fmt.Fprintf(rootCmd.ErrOrStderr(), "Error: %+v\n", err)
		} else {
			fmt.Fprintln(rootCmd.ErrOrStderr(), "Error:", err)
		}
		os.Exit(1)
	}
}
