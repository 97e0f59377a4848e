package app

import (
	"fmt"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// A module's ValidateGenesis only sees its own section. The facts that span modules are
// checked here, by `aegisd genesis validate` and by InitChainer before any InitGenesis,
// so that a genesis that would halt the chain later is refused at the start with a
// message that says what to fix.

// genesisCheck is one cross-module fact of a genesis app state.
type genesisCheck struct {
	Name  string
	Check func(g *genesisSections) error
}

// genesisChecks are every cross-module check, in the order they run. A check reads the
// decoded sections it needs from genesisSections (add a section there for a new module).
var genesisChecks = []genesisCheck{
	{"x/emission last_day_issued == x/por last_tick_day", checkDaysAgree},
	{"x/por stake_denom == x/emission denom", checkDenomsAgree},
	{"x/por pays no module account", checkPorPayees},
	{"x/bank balances of the por accounts == x/por liabilities", checkPorBalances},
	{"x/license holders are not module accounts", checkLicenseHolders},
	{"x/license validator bindings == x/staking delegations of the license accounts", checkLicenseDelegations},
}

// ValidateGenesisCrossModule validates the x/emission, x/por and x/license sections (a missing
// section is the module's default) and then runs every genesisCheck.
func ValidateGenesisCrossModule(cdc codec.JSONCodec, genesis GenesisState) error {
	_, err := checkGenesis(cdc, genesis)
	return err
}

// checkGenesis is ValidateGenesisCrossModule returning the sections it decoded, so that
// InitChainer can store them without parsing them again.
func checkGenesis(cdc codec.JSONCodec, genesis GenesisState) (*genesisSections, error) {
	g, err := decodeSections(cdc, genesis)
	if err != nil {
		return nil, err
	}
	for _, c := range genesisChecks {
		if err := c.Check(g); err != nil {
			return nil, fmt.Errorf("genesis check %q failed: %w", c.Name, err)
		}
	}
	return g, nil
}

// genesisSections are the decoded sections the checks read.
type genesisSections struct {
	emission *emissiontypes.GenesisState
	por      *portypes.GenesisState
	bank     *banktypes.GenesisState
	license  *licensetypes.GenesisState
	staking  *stakingtypes.GenesisState
}

func decodeSections(cdc codec.JSONCodec, genesis GenesisState) (*genesisSections, error) {
	g := &genesisSections{emission: emissiontypes.DefaultGenesis(), por: portypes.DefaultGenesis(), bank: banktypes.DefaultGenesisState(),
		license: licensetypes.DefaultGenesis(authtypes.NewModuleAddress(govtypes.ModuleName).String()), staking: stakingtypes.DefaultGenesisState()}
	for _, s := range []struct {
		module string
		into   codec.ProtoMarshaler
		init   func()
	}{
		{emissiontypes.ModuleName, g.emission, func() { *g.emission = emissiontypes.GenesisState{} }},
		{portypes.ModuleName, g.por, func() { *g.por = portypes.GenesisState{} }},
		{banktypes.ModuleName, g.bank, func() { *g.bank = banktypes.GenesisState{} }},
		{licensetypes.ModuleName, g.license, func() { *g.license = licensetypes.GenesisState{} }},
		{stakingtypes.ModuleName, g.staking, func() { *g.staking = stakingtypes.GenesisState{} }},
	} {
		bz, ok := genesis[s.module]
		if !ok {
			continue
		}
		s.init()
		if err := cdc.UnmarshalJSON(bz, s.into); err != nil {
			return nil, fmt.Errorf("decoding the %s genesis: %w", s.module, err)
		}
	}
	if err := g.emission.Validate(); err != nil {
		return nil, fmt.Errorf("x/emission genesis: %w", err)
	}
	if err := g.por.Validate(); err != nil {
		return nil, fmt.Errorf("x/por genesis: %w", err)
	}
	if err := g.license.Validate(); err != nil {
		return nil, fmt.Errorf("x/license genesis: %w", err)
	}
	return g, nil
}

// checkDaysAgree: x/emission hands every issued day to x/por, so the two must have
// stopped at the same day, or the next tick is out of order and the chain halts.
func checkDaysAgree(g *genesisSections) error {
	if e, p := g.emission.LastDayIssued, g.por.LastTickDay; e != p {
		return fmt.Errorf("x/emission last_day_issued is %d but x/por last_tick_day is %d: every issued day is ticked once; set both to the same day", e, p)
	}
	return nil
}

// checkDenomsAgree: x/por pays rewards, issued in the emission denom, in its stake denom.
func checkDenomsAgree(g *genesisSections) error {
	if s, e := g.por.Params.StakeDenom, g.emission.Params.Denom; s != e {
		return fmt.Errorf("x/por params.stake_denom %q must be x/emission's denom %q: rewards are paid in it", s, e)
	}
	return nil
}

// checkPorPayees: a withdraw address or an unbonding operator that is a module account
// could never be paid (bank refuses sends to blocked addresses), and a module account (gov
// included) cannot run a node, as MsgRegisterNode refuses.
func checkPorPayees(g *genesisSections) error {
	blocked := BlockedAddresses()
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	for i, n := range g.por.Nodes {
		if blocked[n.Operator] || n.Operator == gov {
			return fmt.Errorf("x/por nodes[%d]: operator %s is a module account; a node is run from an account address", i, n.Operator)
		}
		if blocked[n.WithdrawAddress] {
			return fmt.Errorf("x/por nodes[%d] %s: withdraw_address %s is a module account; set it to the operator", i, n.Operator, n.WithdrawAddress)
		}
	}
	for i, u := range g.por.Unbonding {
		if blocked[u.Operator] {
			return fmt.Errorf("x/por unbonding[%d] id %d: operator %s is a module account and could never be paid; remove the entry", i, u.Id, u.Operator)
		}
	}
	return nil
}

// checkPorBalances: the por account holds the rewards owed, the reserves and the carry
// (plus rounding dust below the number of node-roles); por_stake holds exactly the stakes
// and unbonding entries, or an unbonding payout or a claim would fail.
func checkPorBalances(g *genesisSections) error {
	owed, err := g.por.Liabilities()
	if err != nil {
		return err
	}
	denom := g.emission.Params.Denom
	balance := func(module string) math.Int {
		addr := authtypes.NewModuleAddress(module).String()
		for _, b := range g.bank.Balances {
			if b.Address == addr {
				return b.Coins.AmountOf(denom)
			}
		}
		return math.ZeroInt()
	}
	if bal, dust := balance(portypes.ModuleName), math.NewInt(int64(owed.Pairs)+1); bal.LT(owed.RewardsMin) || bal.Sub(owed.Rewards).GT(dust) {
		return fmt.Errorf("x/bank balance of the por account %s is %s%s, but x/por owes %s%s in rewards (their exact sum rounded up), reserves and carry, and may hold at most %s%s; fix the balance or the x/por state",
			authtypes.NewModuleAddress(portypes.ModuleName), bal, denom, owed.RewardsMin, denom, owed.Rewards.Add(dust), denom)
	}
	if bal := balance(portypes.StakeAccount); !bal.Equal(owed.Stake) {
		return fmt.Errorf("x/bank balance of the por_stake account %s is %s%s, but x/por's stakes and unbonding entries sum to %s%s; make them equal",
			authtypes.NewModuleAddress(portypes.StakeAccount), bal, denom, owed.Stake, denom)
	}
	return nil
}
