package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

// cmdGenesis writes the funded load keys in the format of `aegisd genesis
// bulk-add-genesis-account`: n node keys, each with enough for its stake (10,000 AEGIS),
// every fee of the run and the bank sends.
func cmdGenesis(args []string) error {
	fs := flag.NewFlagSet("genesis", flag.ExitOnError)
	n := fs.Int("nodes", 30000, "number of node keys")
	amount := fs.String("amount", "20000000000", "uaegis per key")
	denom := fs.String("denom", "uaegis", "denom")
	out := fs.String("o", "build/bench/accounts.json", "output file")
	_ = fs.Parse(args)
	type coin struct {
		Denom  string `json:"denom"`
		Amount string `json:"amount"`
	}
	type acct struct {
		Address string `json:"address"`
		Coins   []coin `json:"coins"`
	}
	accs := make([]acct, *n)
	for i := range accs {
		accs[i] = acct{Address: addrOf(nodeKey(i)).String(), Coins: []coin{{*denom, *amount}}}
	}
	bz, err := json.Marshal(accs)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, bz, 0o644); err != nil {
		return err
	}
	fmt.Printf("%d accounts in %s\n", *n, *out)
	return nil
}
