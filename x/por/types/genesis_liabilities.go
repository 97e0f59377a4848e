package types

import "cosmossdk.io/math"

// GenesisLiabilities are what a genesis state owes from the por accounts.
type GenesisLiabilities struct {
	// Rewards is the unclaimed rewards (settled plus pending at the last tick, floored per
	// node-role), the reserves and the carry: what the por account must hold, plus dust
	// below Pairs+1.
	Rewards math.Int
	// Pairs is the number of node-roles, the dust bound.
	Pairs int
	// RewardsMin is what the por account must at least hold: the rewards' exact sum
	// rounded up, the reserves and the carry. A balance between the floored Rewards and
	// this is short: the floored dust becomes claimable as the rewards grow.
	RewardsMin math.Int
	// Stake is the escrowed stakes plus the queued and set-aside unbonding entries:
	// exactly what the por_stake account must hold.
	Stake math.Int
}

// Liabilities computes what a validated genesis state owes, the way the keeper's
// invariants do on a running chain.
func (gs GenesisState) Liabilities() (GenesisLiabilities, error) {
	dayAt := gs.Days()
	l := GenesisLiabilities{Rewards: gs.Carry, Pairs: len(gs.NodeRoles), Stake: math.ZeroInt()}
	exact := math.LegacyZeroDec()
	pend := gs.pendingByPair()
	for _, ns := range gs.NodeRoles {
		nr := pairOf(ns, pend)
		if err := nr.Settle(gs.LastTickDay, dayAt); err != nil {
			return l, err
		}
		l.Rewards = l.Rewards.Add(nr.Owed().TruncateInt())
		exact = exact.Add(nr.Owed())
	}
	l.RewardsMin = gs.Carry.Add(exact.Ceil().TruncateInt())
	for _, rs := range gs.Roles {
		owed := rs.Reserve.Add(IntOrZero(rs.Forfeited))
		l.Rewards = l.Rewards.Add(owed)
		l.RewardsMin = l.RewardsMin.Add(owed)
	}
	for _, n := range gs.Nodes {
		l.Stake = l.Stake.Add(n.Stake)
	}
	for _, u := range append(append([]UnbondingEntry(nil), gs.Unbonding...), gs.SetAside...) {
		l.Stake = l.Stake.Add(u.Amount)
	}
	return l, nil
}

// Days reads the recorded ticks of the genesis state, as the keeper reads its store.
func (gs GenesisState) Days() DayAt {
	days := make(map[roleDay]DayPoint, len(gs.RoleDays))
	for _, rd := range gs.RoleDays {
		days[roleDay{rd.Role, rd.Day}] = DayPoint{Index: rd.Index, VestDays: rd.VestDays}
	}
	return func(r NodeRole, day uint64) (DayPoint, error) {
		if p, ok := days[roleDay{r, day}]; ok {
			return p, nil
		}
		return DayPoint{Index: math.LegacyZeroDec()}, nil
	}
}
