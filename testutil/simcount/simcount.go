// Package simcount counts what simulation message factories did, so that a simulation can
// show that an operation it relies on — an attack the invariants must survive — was
// actually exercised, not skipped every time for want of a state it needs.
package simcount

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Tally is what one operation did: messages built, and of those delivered, the ones
// accepted and the ones refused as the factory expected.
type Tally struct {
	Built, Accepted, Refused int
}

// Counts tallies operations by name. The zero value is not usable: use New. Counts do not
// reach the state (a simulation's app hash never depends on them).
type Counts struct {
	mu sync.Mutex
	m  map[string]*Tally
}

// New returns empty counts.
func New() *Counts { return &Counts{m: map[string]*Tally{}} }

// Get is name's tally so far.
func (c *Counts) Get(name string) Tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.m[name]; ok {
		return *t
	}
	return Tally{}
}

// String lists every operation's tally, by name: "name built/accepted/refused".
func (c *Counts) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.m))
	for n := range c.m {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		t := c.m[n]
		parts[i] = fmt.Sprintf("%s %d built, %d accepted, %d refused as expected", n, t.Built, t.Accepted, t.Refused)
	}
	return strings.Join(parts, "; ")
}

func (c *Counts) add(name string, f func(*Tally)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[name]
	if !ok {
		t = &Tally{}
		c.m[name] = t
	}
	f(t)
}

// Wrap counts the operations of f under name (it is registered with 0 counts, so an
// operation never built shows). It changes nothing of what f builds or expects.
func (c *Counts) Wrap(name string, f simsx.SimMsgFactoryX) simsx.SimMsgFactoryX {
	c.add(name, func(*Tally) {})
	return counted{c: c, name: name, f: f}
}

type counted struct {
	c    *Counts
	name string
	f    simsx.SimMsgFactoryX
}

func (w counted) MsgType() sdk.Msg { return w.f.MsgType() }

func (w counted) Create() simsx.FactoryMethod {
	create := w.f.Create()
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, sdk.Msg) {
		signers, msg := create(ctx, testData, reporter)
		if !reporter.IsSkipped() {
			w.c.add(w.name, func(t *Tally) { t.Built++ })
		}
		return signers, msg
	}
}

// DeliveryResultHandler is f's handler (the one its last Create chose), counting the
// deliveries it accepts as expected.
func (w counted) DeliveryResultHandler() simsx.SimDeliveryResultHandler {
	h := w.f.DeliveryResultHandler()
	return func(err error) error {
		if e := h(err); e != nil {
			return e
		}
		w.c.add(w.name, func(t *Tally) {
			if err == nil {
				t.Accepted++
			} else {
				t.Refused++
			}
		})
		return nil
	}
}
