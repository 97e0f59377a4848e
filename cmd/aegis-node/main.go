// Command aegis-node is the Aegis resource node program (see node/ for its packages).
package main

import (
	"os"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/node/cli"
)

func main() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount("aegis", "aegispub")
	cfg.SetBech32PrefixForValidator("aegisvaloper", "aegisvaloperpub")
	cfg.SetBech32PrefixForConsensusNode("aegisvalcons", "aegisvalconspub")
	cfg.Seal()
	if err := cli.NewRootCmd().Execute(); err != nil {
		os.Exit(1)
	}
}
