package types

import "cosmossdk.io/math"

// ZeroTokenFlow is a chain's token flow before the module mints or burns anything.
func ZeroTokenFlow() TokenFlow { return TokenFlow{Minted: math.ZeroInt(), Burned: math.ZeroInt()} }

// Normalized reads an unset count (a genesis written before the counts existed) as zero.
func (t TokenFlow) Normalized() TokenFlow {
	if t.Minted.IsNil() {
		t.Minted = math.ZeroInt()
	}
	if t.Burned.IsNil() {
		t.Burned = math.ZeroInt()
	}
	return t
}

// Validate: counts are never negative.
func (t TokenFlow) Validate() error {
	t = t.Normalized()
	if t.Minted.IsNegative() || t.Burned.IsNegative() {
		return ErrInvalidGenesis.Wrapf("tokens: minted %s and burned %s must not be negative", t.Minted, t.Burned)
	}
	return nil
}
