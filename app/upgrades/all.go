//go:build !pre_v2

package upgrades

// All is the ordered list of upgrades this binary knows.
var All = []Upgrade{V2Redemption}
