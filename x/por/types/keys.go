package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module's name, store key and reward account.
	ModuleName = "por"
	StoreKey   = ModuleName
	// StakeAccount escrows node stake apart from rewards, so neither balance is ever
	// mistaken for the other.
	StakeAccount = "por_stake"
)

var (
	ParamsKey          = collections.NewPrefix(0)
	RoleStatesKey      = collections.NewPrefix(1)
	NodesKey           = collections.NewPrefix(2)
	NodeRolesKey       = collections.NewPrefix(3)
	RoleSlotsKey       = collections.NewPrefix(4)
	DeltasKey          = collections.NewPrefix(5)
	RoleDaysKey        = collections.NewPrefix(6)
	DayTicksKey        = collections.NewPrefix(7)
	CarryKey           = collections.NewPrefix(8)
	LastTickDayKey     = collections.NewPrefix(9)
	UnbondingKey       = collections.NewPrefix(10)
	NextUnbondingIDKey = collections.NewPrefix(11)
	SetAsideKey        = collections.NewPrefix(12)

	ChallengesKey         = collections.NewPrefix(13)
	ChallengeDeadlinesKey = collections.NewPrefix(14)
	OperatorChallengesKey = collections.NewPrefix(15)
	ChallengeDaysKey      = collections.NewPrefix(16)
	ReportLogKey          = collections.NewPrefix(17)
	ReportLogEntriesKey   = collections.NewPrefix(18)
	NextChallengeIDKey    = collections.NewPrefix(19)
	PendingChallengesKey  = collections.NewPrefix(20)
	OpeningDayKey         = collections.NewPrefix(21)
	PruneCursorKey        = collections.NewPrefix(22)
	UnbondingByOpKey      = collections.NewPrefix(23)
	ReportersKey          = collections.NewPrefix(24)
	DatasetsKey           = collections.NewPrefix(25)
	NodeRolePendingsKey   = collections.NewPrefix(26)
	ChallengeStatsKey     = collections.NewPrefix(27)
	ClockKey              = collections.NewPrefix(28)
	ComputeDeadlinesKey   = collections.NewPrefix(29)
)
