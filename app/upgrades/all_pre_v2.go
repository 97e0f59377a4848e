//go:build pre_v2

package upgrades

// All, built with -tags pre_v2, leaves out V2Redemption: the binary the chain ran before
// that upgrade, which halts at the upgrade height ("UPGRADE "v2-redemption" NEEDED") until
// its operator swaps in the default build. Only the localnet's upgrade journey builds it
// (tests/system/localnet_journeys_test.go); releases never do.
var All = []Upgrade{}
