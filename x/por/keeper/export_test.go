package keeper

// UnbondingKey is the queue key of an entry, for tests that plant entries directly.
var UnbondingKey = unbondingKey

// RecentMisses is the failure-window filter, for its table test.
var RecentMisses = recentMisses
