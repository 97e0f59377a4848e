// Package simulation generates random x/por genesis states and operations for the app
// simulation.
package simulation

import (
	"fmt"
	"math/rand"

	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// RandomizedGenState writes a random x/por genesis: random report and unbonding periods,
// some roles with a handful of slots (so they fill up and registrations are refused) and
// min stakes from 1 to 10,000 AEGIS, challenges on half the time (RandomChallengeParams),
// and hundreds of nodes — sim accounts, so operations
// can sign for them — across every role, most with a report counting from the first day.
// Their stakes are escrowed in the por_stake account, added to the bank genesis (which the
// simulation generates before x/por).
func RandomizedGenState(simState *module.SimulationState) {
	r := simState.Rand
	gs := types.DefaultGenesis()
	p := &gs.Params
	p.StakeDenom = simState.BondDenom
	p.ReportDays = uint32(1 + r.Intn(3))
	p.UnbondingDays = uint32(1 + r.Intn(7))
	for i := range p.Roles {
		if r.Intn(3) == 0 {
			p.Roles[i].SlotCap = uint64(2 + r.Intn(40))
		}
		p.Roles[i].MinStake = math.NewInt(1_000_000).MulRaw(int64([]int{1, 10, 100, 1000, 10_000}[r.Intn(5)]))
	}

	accs := simState.Accounts
	n := min(len(accs)*3/4, 100+r.Intn(400))
	escrow := math.ZeroInt()
	for _, i := range r.Perm(len(accs))[:n] {
		node, roles, ok := randomNode(r, gs, accs[i].Address)
		if !ok {
			continue
		}
		gs.Nodes = append(gs.Nodes, node)
		gs.NodeRoles = append(gs.NodeRoles, roles...)
		escrow = escrow.Add(node.Stake)
	}
	// Drawn after the nodes, so that turning challenges on leaves the rest of a seed's
	// genesis as it was.
	if r.Intn(2) == 0 {
		p.Challenge = RandomChallengeParams(r)
	}
	gs.SetDerived()
	if err := gs.Validate(); err != nil {
		panic(fmt.Sprintf("random x/por genesis does not validate: %v", err))
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
	escrowStake(simState, sdk.NewCoin(p.StakeDenom, escrow))
}

// randomNode is a node of op holding 1 to 3 roles with free slots, staked for them (and
// sometimes more), reporting from day 1 (or not yet) with resources around the roles'
// minimums: some penalized, some above the PoR cap.
func randomNode(r *rand.Rand, gs *types.GenesisState, op sdk.AccAddress) (types.Node, []types.NodeRoleState, bool) {
	held := map[types.NodeRole]uint64{}
	for _, nd := range gs.Nodes {
		for _, role := range nd.Roles {
			held[role]++
		}
	}
	var roles []types.NodeRole
	for _, role := range types.AllRoles {
		if r.Intn(3) == 0 && held[role] < gs.Params.Roles[role-1].SlotCap {
			roles = append(roles, role)
		}
	}
	if len(roles) == 0 {
		return types.Node{}, nil, false
	}
	stake := gs.Params.RequiredStake(roles).Add(math.NewInt(r.Int63n(1_000_000_000)))
	node := types.Node{
		Operator: op.String(), Moniker: fmt.Sprintf("node-%d", len(gs.Nodes)+1), WithdrawAddress: op.String(),
		Stake: stake, Roles: roles, LastReportTotals: types.Resources{},
	}
	reports := r.Intn(4) != 0
	var states []types.NodeRoleState
	for _, role := range roles {
		nr := types.NodeRoleState{
			Operator: op.String(), Role: role, Active: true,
			Raw: math.LegacyZeroDec(), Capped: math.LegacyZeroDec(), Eff: math.LegacyZeroDec(),
			Accrued: math.LegacyZeroDec(),
		}
		if reports {
			rp := gs.Params.Roles[role-1]
			res := RandomResources(r, rp, gs.Params.MaxResourceValue)
			por := rp.ComputePoR(res)
			nr.Resources, nr.Raw, nr.Capped, nr.Penalized, nr.Eff = res, por.Raw, por.Capped, por.Penalized, por.Eff
			nr.FromDay, nr.ToDay = 1, uint64(gs.Params.ReportDays)
			node.LastReportTotals = node.LastReportTotals.Add(res)
		}
		states = append(states, nr)
	}
	if reports {
		node.LastReportDay = 1
	}
	return node, states, true
}

// RandomResources are resources around a role's minimums: mostly at or above them (up to
// several times, which may pass the PoR cap), sometimes below one (penalized), rarely the
// largest value allowed.
func RandomResources(r *rand.Rand, rp types.RoleParams, maxValue uint64) types.Resources {
	v := func(minimum uint64) uint64 {
		switch r.Intn(10) {
		case 0:
			return uint64(r.Int63n(int64(minimum) + 1)) // may be below the minimum
		case 1:
			return maxValue
		default:
			return min(maxValue, minimum+uint64(r.Int63n(int64(2*minimum)+1)))
		}
	}
	return types.Resources{Compute: v(rp.MinCompute), Storage: v(rp.MinStorage), Bandwidth: v(rp.MinBandwidth)}
}

// escrowStake adds the escrowed stakes to the por_stake account and the supply in the
// simulation's bank genesis.
func escrowStake(simState *module.SimulationState, coin sdk.Coin) {
	if !coin.IsPositive() {
		return
	}
	var bank banktypes.GenesisState
	simState.Cdc.MustUnmarshalJSON(simState.GenState[banktypes.ModuleName], &bank)
	bank.Balances = append(bank.Balances, banktypes.Balance{
		Address: authtypes.NewModuleAddress(types.StakeAccount).String(), Coins: sdk.NewCoins(coin),
	})
	if !bank.Supply.IsZero() {
		bank.Supply = bank.Supply.Add(coin)
	}
	simState.GenState[banktypes.ModuleName] = simState.Cdc.MustMarshalJSON(&bank)
}
