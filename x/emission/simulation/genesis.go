// Package simulation generates random x/emission genesis states for the app simulation.
package simulation

import (
	"time"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/aegis-chain/aegis/x/emission/types"
)

// RandomizedGenState writes a random schedule and clock to the simulation genesis. Days are
// short (an hour to a day; simulated blocks are 1.4 to 2.8 hours apart) so that many days
// tick, several in one block, and catch-up is bounded by a random max_days_per_block. Half
// the schedules are tiny (a few epochs of a few days) so that the simulation runs past the
// schedule's last day, where days keep ticking and issue nothing; some start before
// genesis (days already ended at the first block) and some after (days before the first).
func RandomizedGenState(simState *module.SimulationState) {
	r := simState.Rand
	gs := types.DefaultGenesis()
	p := &gs.Params
	p.Denom = simState.BondDenom
	p.DaySeconds = []uint64{3600, 7200, 21600, 43200, 86400}[r.Intn(5)]
	p.MaxDaysPerBlock = uint32(1 + r.Intn(32))
	if r.Intn(2) == 0 {
		p.Epochs = uint32(1 + r.Intn(5))
		p.EpochDays = uint64(1 + r.Intn(20))
		p.Total = math.NewInt(1 + r.Int63n(1_000_000_000_000_000))
	}
	offset := time.Duration(r.Int63n(3*int64(p.DaySeconds))-int64(p.DaySeconds)) * time.Second
	p.StartTime = simState.GenTimestamp.Add(offset).UTC()
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
