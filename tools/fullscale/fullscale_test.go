package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	dbm "github.com/cosmos/cosmos-db"

	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/aegis-chain/aegis/app"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The full-scale layout fills every default slot cap exactly and mints every license.
func TestLayoutFillsEveryCap(t *testing.T) {
	p := portypes.DefaultParams()
	l, err := newLayout(p, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	held := map[portypes.NodeRole]int{}
	for _, g := range l.groups {
		for _, r := range g.roles {
			held[r] += g.count
		}
	}
	capSum := 0
	for _, rp := range p.Roles {
		capSum += int(rp.SlotCap)
		if held[rp.Role] != int(rp.SlotCap) {
			t.Errorf("%s: %d slots held, cap %d", rp.Role.Short(), held[rp.Role], rp.SlotCap)
		}
	}
	if l.slots() != capSum || capSum != 207_000 {
		t.Errorf("%d slots, caps sum to %d", l.slots(), capSum)
	}
	if l.nodes() != 202_500 || l.licenses() != licensetypes.MaxLicenses {
		t.Errorf("%d nodes, %d licenses; want 202,500 and %d", l.nodes(), l.licenses(), licensetypes.MaxLicenses)
	}
	// Validator 0 must hold over 2/3 of the voting power (license-bound stake dominates).
	v0 := 0
	for h := range l.holders {
		if l.holderValidator(h) == 0 {
			v0 += l.holderLicenses
		}
	}
	if 3*v0 <= 2*l.holders*l.holderLicenses {
		t.Errorf("validator 0 holds %d of %d validator-bound licenses", v0, l.holders*l.holderLicenses)
	}
}

// A scaled-down generate writes a genesis that passes what `aegisd genesis validate`
// checks (measure runs the real command on the full one).
func TestGenerateScaledDownValidates(t *testing.T) {
	dir := t.TempDir()
	meta, err := generate(dir, 5, 1000, "test", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if meta.NodeRoleSlots != 207 || meta.Licenses != 48 {
		t.Errorf("%d slots, %d licenses; want 207 and 48", meta.NodeRoleSlots, meta.Licenses)
	}
	ag, err := genutiltypes.AppGenesisFromFile(filepath.Join(dir, "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ag.ValidateAndComplete(); err != nil {
		t.Fatal(err)
	}
	var state app.GenesisState
	if err := json.Unmarshal(ag.AppState, &state); err != nil {
		t.Fatal(err)
	}
	c, err := newChain(dbm.NewMemDB(), t.TempDir(), chainID)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.app.BasicModuleManager.ValidateGenesis(c.app.AppCodec(), c.app.TxConfig(), state); err != nil {
		t.Fatal(err)
	}
	if err := app.ValidateGenesisCrossModule(c.app.AppCodec(), state); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "priv_validator_key.json")); err != nil {
		t.Fatal(err)
	}
}
