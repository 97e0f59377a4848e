package main

import (
	"crypto/sha256"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// group is a set of nodes with the same roles; the first licensed of them back their
// stake with one node-bound license per role (the rest escrow tokens).
type group struct {
	name     string
	roles    []portypes.NodeRole
	count    int
	licensed int
}

// layout is the network generate builds: nodes in groups that fill every role's slots to
// its cap, licenses bound to nodes and to validators.
type layout struct {
	scale      int
	groups     []group
	validators int
	// holders each own holderLicenses validator-bound licenses; the first
	// bigHolders bind to validator 0, the rest round-robin over the other validators.
	holders        int
	holderLicenses int
	bigHolders     int
}

const (
	W  = portypes.NODE_ROLE_WORKER
	D  = portypes.NODE_ROLE_DELEGATE
	DA = portypes.NODE_ROLE_DA
	SQ = portypes.NODE_ROLE_SEQUENCER
	OP = portypes.NODE_ROLE_OPERATOR
)

// newLayout fills each default slot cap (divided by scale): with the default caps
// (100,000 / 100,000 / 1,000 / 5,000 / 1,000):
//
//	1,000 containers WORKER+DA+OPERATOR, 3 licenses each       (3,000 slots)
//	2,500 containers DELEGATE+SEQUENCER, 2 licenses each       (5,000 slots)
//	2,500 SEQUENCER nodes, escrowed                              (2,500 slots)
//	99,000 WORKER nodes, the first 16,000 with 1 license each   (99,000 slots)
//	97,500 DELEGATE nodes, escrowed                              (97,500 slots)
//
// = 202,500 nodes holding 207,000 slots; 24,000 node-bound licenses. The other 24,000
// licenses are bound to validators: 3/4 of them to validator 0, so that the one node the
// binary measurement runs holds over 2/3 of the voting power and commits blocks alone.
func newLayout(p portypes.Params, validators, scale int) (layout, error) {
	if validators < 2 {
		return layout{}, fmt.Errorf("need at least 2 validators, got %d", validators)
	}
	if scale < 1 {
		return layout{}, fmt.Errorf("scale must be at least 1, got %d", scale)
	}
	capOf := func(r portypes.NodeRole) int { return int(p.Roles[r-1].SlotCap) / scale }
	containers3 := min(capOf(DA), capOf(OP))
	containers2 := capOf(SQ) / 2
	l := layout{scale: scale, validators: validators}
	l.groups = []group{
		{"worker+da+operator", []portypes.NodeRole{W, DA, OP}, containers3, containers3},
		{"delegate+sequencer", []portypes.NodeRole{D, SQ}, containers2, containers2},
		{"da", []portypes.NodeRole{DA}, capOf(DA) - containers3, 0},
		{"operator", []portypes.NodeRole{OP}, capOf(OP) - containers3, 0},
		{"sequencer", []portypes.NodeRole{SQ}, capOf(SQ) - containers2, 0},
		{"worker", []portypes.NodeRole{W}, capOf(W) - containers3, 0},
		{"delegate", []portypes.NodeRole{D}, capOf(D) - containers2, 0},
	}
	total := licensetypes.MaxLicenses / scale
	nodeLicenses := total / 2
	used := 3*containers3 + 2*containers2
	if used > nodeLicenses {
		return layout{}, fmt.Errorf("containers need %d licenses, more than half of %d", used, total)
	}
	l.groups[5].licensed = min(nodeLicenses-used, l.groups[5].count)
	valLicenses := total - l.nodeLicenses()
	// 100 licenses per holder (the scaled-down networks have fewer): each holder's
	// licenses bind in one message (at most 1,000 ids).
	l.holderLicenses = min(100, max(1, valLicenses/(4*validators)))
	l.holders = valLicenses / l.holderLicenses
	l.bigHolders = l.holders * 3 / 4
	if l.holders-l.bigHolders < validators-1 {
		return layout{}, fmt.Errorf("%d license holders cannot cover %d validators", l.holders, validators)
	}
	return l, nil
}

func (l layout) nodes() int {
	n := 0
	for _, g := range l.groups {
		n += g.count
	}
	return n
}

func (l layout) slots() int {
	n := 0
	for _, g := range l.groups {
		n += g.count * len(g.roles)
	}
	return n
}

func (l layout) nodeLicenses() int {
	n := 0
	for _, g := range l.groups {
		n += g.licensed * len(g.roles)
	}
	return n
}

func (l layout) licenses() int { return l.nodeLicenses() + l.holders*l.holderLicenses }

// holderValidator is the validator index holder h binds its licenses to.
func (l layout) holderValidator(h int) int {
	if h < l.bigHolders {
		return 0
	}
	return 1 + (h-l.bigHolders)%(l.validators-1)
}

func (l layout) describe() string {
	s := fmt.Sprintf("%d nodes hold %d role slots:", l.nodes(), l.slots())
	for _, g := range l.groups {
		if g.count > 0 {
			s += fmt.Sprintf(" %d %s (%d license-backed);", g.count, g.name, g.licensed)
		}
	}
	return s + fmt.Sprintf(" %d licenses: %d node-bound, %d validator-bound (%d holders x %d; %d holders on validator 0, the rest spread over %d validators)",
		l.licenses(), l.nodeLicenses(), l.holders*l.holderLicenses, l.holders, l.holderLicenses, l.bigHolders, l.validators-1)
}

// addr is a deterministic account address no key controls (no tx is ever signed by it:
// the state is built through the msg servers).
func addr(kind string, i int) sdk.AccAddress {
	h := sha256.Sum256(fmt.Appendf(nil, "aegis-fullscale/%s/%d", kind, i))
	return sdk.AccAddress(h[:20])
}
