package app

import (
	"fmt"

	"cosmossdk.io/math"

	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

// checkLicenseHolders: x/distribution pays a license's staking rewards to its owner and
// redemption pays the owner; neither can pay a module account (bank refuses the send).
func checkLicenseHolders(g *genesisSections) error {
	blocked := BlockedAddresses()
	for _, l := range g.license.Licenses {
		if blocked[l.Owner] || blocked[l.Operator] {
			return fmt.Errorf("x/license license %d: owner %s or operator %q is a module account; give it to an account", l.Id, l.Owner, l.Operator)
		}
	}
	return nil
}

func heldOf(held map[string]math.Int, acct string) math.Int {
	if h, ok := held[acct]; ok {
		return h
	}
	return math.ZeroInt()
}

// checkLicenseDelegations: each license stakes from its own account. A validator-bound
// license must have its delegation in x/staking (or unbinding it would fail), every
// delegation from a license account must belong to a license bound to that validator (or it
// would be stake no license stands for), and an unbonding license must have its stake on its
// way back (an unbonding entry, or tokens already returned), or settling it would find
// nothing and, on MAINNET, liquidate it.
func checkLicenseDelegations(g *genesisSections) error {
	want := map[string]licensetypes.License{} // license account -> validator-bound license
	for _, l := range g.license.Licenses {
		if l.Binding.Kind == licensetypes.BINDING_VALIDATOR {
			want[licensetypes.LicenseAccount(l.Id).String()] = l
		}
	}
	accounts := make(map[string]uint64, g.license.Minted)
	for id := uint64(1); id <= g.license.Minted; id++ {
		accounts[licensetypes.LicenseAccount(id).String()] = id
	}
	validators := map[string]bool{}
	for _, v := range g.staking.Validators {
		validators[v.OperatorAddress] = true
	}
	found := map[string]bool{}
	for _, d := range g.staking.Delegations {
		id, ok := accounts[d.DelegatorAddress]
		if !ok {
			continue
		}
		l, bound := want[d.DelegatorAddress]
		if !bound || l.Binding.Target != d.ValidatorAddress || found[d.DelegatorAddress] {
			return fmt.Errorf("x/staking delegation of license %d's account %s to %s has no license bound to that validator behind it; remove it or bind the license",
				id, d.DelegatorAddress, d.ValidatorAddress)
		}
		found[d.DelegatorAddress] = true
	}
	// A license whose stake is still unbonding (no settlement) needs its x/staking entry: the
	// BeginBlocker reads what comes back from it. One whose stake came back (a settlement)
	// needs at least that much in its account, or settling it would be stuck at once.
	entries := map[string]bool{} // license account -> has an unbonding entry
	for _, u := range g.staking.UnbondingDelegations {
		if _, ok := accounts[u.DelegatorAddress]; ok && len(u.Entries) > 0 {
			entries[u.DelegatorAddress] = true
		}
	}
	held := map[string]math.Int{} // license account -> bond-denom balance
	for _, b := range g.bank.Balances {
		if _, ok := accounts[b.Address]; ok {
			held[b.Address] = b.Coins.AmountOf(g.license.Params.BondDenom)
		}
	}
	for _, l := range g.license.Licenses {
		acct := licensetypes.LicenseAccount(l.Id).String()
		switch {
		case l.UnbondingUntil == nil:
		case l.Settlement == nil && l.Backing.IsPositive() && !entries[acct]:
			return fmt.Errorf("x/license license %d is unbonding from %s but its account %s has no unbonding entry in x/staking; clear unbonding_until or add the entry",
				l.Id, l.UnbondingValidator, acct)
		case l.Settlement != nil && !l.Settlement.Stuck && heldOf(held, acct).LT(l.Settlement.Returned):
			return fmt.Errorf("x/license license %d's settlement counts %s returned but its account %s holds %s; fix the settlement or the balance",
				l.Id, l.Settlement.Returned, acct, heldOf(held, acct))
		}
		if l.Binding.Kind != licensetypes.BINDING_VALIDATOR {
			continue
		}
		if !validators[l.Binding.Target] {
			return fmt.Errorf("x/license license %d is bound to validator %s, which x/staking does not have; unbind it", l.Id, l.Binding.Target)
		}
		if !found[acct] {
			return fmt.Errorf("x/license license %d is bound to %s but its account %s has no delegation there in x/staking; unbind it or add the delegation", l.Id, l.Binding.Target, acct)
		}
	}
	return nil
}
