// Package keeper implements x/por: resource nodes, their reports, and the O(roles) daily
// split of the emission across the role pools with lazily settled node rewards.
package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
	"cosmossdk.io/collections/indexes"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/types"
)

// UnbondingIndexes find an operator's unbonding entries, which a challenge slash reaches.
type UnbondingIndexes struct {
	Operator *indexes.Multi[sdk.AccAddress, collections.Pair[int64, uint64], types.UnbondingEntry]
}

// IndexesList implements collections.Indexes.
func (i UnbondingIndexes) IndexesList() []collections.Index[collections.Pair[int64, uint64], types.UnbondingEntry] {
	return []collections.Index[collections.Pair[int64, uint64], types.UnbondingEntry]{i.Operator}
}

func newUnbondingIndexes(sb *collections.SchemaBuilder) UnbondingIndexes {
	return UnbondingIndexes{Operator: indexes.NewMulti(sb, types.UnbondingByOpKey, "unbonding_by_operator", sdk.AccAddressKey,
		collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key),
		func(_ collections.Pair[int64, uint64], e types.UnbondingEntry) (sdk.AccAddress, error) {
			op, err := sdk.AccAddressFromBech32(e.Operator)
			if err != nil {
				return sdk.AccAddress{}, nil // unpayable: no node to slash it for; payouts set it aside
			}
			return op, nil
		})}
}

// Keeper holds the nodes, the role accumulators and the daily receipts.
type Keeper struct {
	cdc       codec.BinaryCodec
	bank      types.BankKeeper
	emission  types.EmissionKeeper
	external  types.ExternalStake
	authority string

	Schema     collections.Schema
	Params     collections.Item[types.Params]
	RoleStates collections.Map[int32, types.RoleState]
	Nodes      collections.Map[sdk.AccAddress, types.Node]
	NodeRoles  collections.Map[collections.Pair[sdk.AccAddress, int32], types.NodeRoleState]
	// NodeRolePendings are what pairs have beyond their latest report (a previous report
	// still counting, a pending challenge, vesting, a disqualification): only the pairs
	// that have any. Read and written with NodeRoles through getPair and setPair.
	NodeRolePendings collections.Map[collections.Pair[sdk.AccAddress, int32], types.NodeRolePending]
	// ChallengeStats are the resolved challenges of the nodes that have had one.
	ChallengeStats collections.Map[sdk.AccAddress, types.NodeChallengeStats]
	// RoleSlots indexes slot holders by role, for the paginated nodes-by-role query.
	RoleSlots collections.KeySet[collections.Pair[int32, sdk.AccAddress]]
	// Deltas are the changes to a role's running sums due at the start of a day's tick.
	Deltas      collections.Map[collections.Pair[int32, uint64], types.RoleDelta]
	RoleDays    collections.Map[collections.Pair[int32, uint64], types.RoleDay]
	DayTicks    collections.Map[uint64, types.DayTick]
	Carry       collections.Item[math.Int]
	LastTickDay collections.Item[uint64]
	// Reporters maps each node's reporter key to the node's operator.
	Reporters collections.Map[sdk.AccAddress, sdk.AccAddress]
	// Datasets are the storage commitments of each pair's latest report (pairs with
	// storage only: kept out of Node and NodeRoleState).
	Datasets        collections.Map[collections.Pair[sdk.AccAddress, int32], types.Dataset]
	Unbonding       *collections.IndexedMap[collections.Pair[int64, uint64], types.UnbondingEntry, UnbondingIndexes]
	NextUnbondingID collections.Sequence
	// SetAside are matured unbonding entries whose payout failed, by id: still owed, out
	// of the queue so that they never fail a block.
	SetAside collections.Map[uint64, types.UnbondingEntry]

	// Challenges are every challenge issued, by id (the public receipts).
	Challenges collections.Map[uint64, types.Challenge]
	// ChallengeDeadlines queues pending challenges by deadline height, for the misses.
	ChallengeDeadlines collections.KeySet[collections.Pair[int64, uint64]]
	// OperatorChallenges indexes challenges by node.
	OperatorChallenges collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	// PendingChallenges indexes the pending ones by node, for aegis-node's polling.
	PendingChallenges collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
	ChallengeDays     collections.Map[uint64, types.ChallengeDay]
	// ReportLog and ReportLogEntries list the pairs that reported on one day, to sample
	// from: entries past the count are stale and overwritten by the next day's reports.
	ReportLog        collections.Item[types.ReportLog]
	ReportLogEntries collections.Map[collections.Pair[uint32, uint64], types.ChallengeTarget]
	NextChallengeID  collections.Sequence
	// SamplingDay is the logged day whose challenges are being drawn.
	SamplingDay collections.Item[uint64]
	// PruneCursor is the lowest challenge id the receipt pruning has not passed yet.
	PruneCursor collections.Item[uint64]
	// Clock is the chain clock compute windows run on; ComputeDeadlines queues the compute
	// challenges waiting for their root by commit deadline (chain clock ms), for the misses.
	Clock            collections.Item[types.ChainClock]
	ComputeDeadlines collections.KeySet[collections.Pair[int64, uint64]]
}

// NewKeeper builds the keeper. authority is the address allowed to update params and
// slash nodes (the gov module account).
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ak types.AccountKeeper,
	bank types.BankKeeper, emission types.EmissionKeeper, authority string,
) Keeper {
	for _, name := range []string{types.ModuleName, types.StakeAccount} {
		if ak.GetModuleAddress(name) == nil {
			panic("the " + name + " module account has not been set")
		}
	}
	sb := collections.NewSchemaBuilder(storeService)
	roleDay := collections.PairKeyCodec(collections.Int32Key, collections.Uint64Key)
	k := Keeper{
		cdc: cdc, bank: bank, emission: emission, authority: authority,
		Params:      collections.NewItem(sb, types.ParamsKey, "params", collcodec.ValueCodec[types.Params](&paramsCodec{ValueCodec: codec.CollValue[types.Params](cdc)})),
		RoleStates:  collections.NewMap(sb, types.RoleStatesKey, "role_states", collections.Int32Key, codec.CollValue[types.RoleState](cdc)),
		Nodes:       collections.NewMap(sb, types.NodesKey, "nodes", sdk.AccAddressKey, codec.CollValue[types.Node](cdc)),
		NodeRoles:   collections.NewMap(sb, types.NodeRolesKey, "node_roles", collections.PairKeyCodec(sdk.AccAddressKey, collections.Int32Key), codec.CollValue[types.NodeRoleState](cdc)),
		RoleSlots:   collections.NewKeySet(sb, types.RoleSlotsKey, "role_slots", collections.PairKeyCodec(collections.Int32Key, sdk.AccAddressKey)),
		Deltas:      collections.NewMap(sb, types.DeltasKey, "deltas", roleDay, codec.CollValue[types.RoleDelta](cdc)),
		RoleDays:    collections.NewMap(sb, types.RoleDaysKey, "role_days", roleDay, collcodec.ValueCodec[types.RoleDay](newRecentCodec(codec.CollValue[types.RoleDay](cdc), 1024))),
		DayTicks:    collections.NewMap(sb, types.DayTicksKey, "day_ticks", collections.Uint64Key, codec.CollValue[types.DayTick](cdc)),
		Carry:       collections.NewItem(sb, types.CarryKey, "carry", sdk.IntValue),
		LastTickDay: collections.NewItem(sb, types.LastTickDayKey, "last_tick_day", collections.Uint64Value),
		Unbonding: collections.NewIndexedMap(sb, types.UnbondingKey, "unbonding", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key),
			codec.CollValue[types.UnbondingEntry](cdc), newUnbondingIndexes(sb)),
		Reporters:        collections.NewMap(sb, types.ReportersKey, "reporters", sdk.AccAddressKey, collcodec.KeyToValueCodec(sdk.AccAddressKey)),
		Datasets:         collections.NewMap(sb, types.DatasetsKey, "datasets", collections.PairKeyCodec(sdk.AccAddressKey, collections.Int32Key), codec.CollValue[types.Dataset](cdc)),
		NodeRolePendings: collections.NewMap(sb, types.NodeRolePendingsKey, "node_role_pendings", collections.PairKeyCodec(sdk.AccAddressKey, collections.Int32Key), codec.CollValue[types.NodeRolePending](cdc)),
		ChallengeStats:   collections.NewMap(sb, types.ChallengeStatsKey, "challenge_stats", sdk.AccAddressKey, codec.CollValue[types.NodeChallengeStats](cdc)),
		NextUnbondingID:  collections.NewSequence(sb, types.NextUnbondingIDKey, "next_unbonding_id"),
		SetAside:         collections.NewMap(sb, types.SetAsideKey, "set_aside", collections.Uint64Key, codec.CollValue[types.UnbondingEntry](cdc)),

		Challenges:         collections.NewMap(sb, types.ChallengesKey, "challenges", collections.Uint64Key, codec.CollValue[types.Challenge](cdc)),
		ChallengeDeadlines: collections.NewKeySet(sb, types.ChallengeDeadlinesKey, "challenge_deadlines", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		OperatorChallenges: collections.NewKeySet(sb, types.OperatorChallengesKey, "operator_challenges", collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		PendingChallenges:  collections.NewKeySet(sb, types.PendingChallengesKey, "pending_challenges", collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
		ChallengeDays:      collections.NewMap(sb, types.ChallengeDaysKey, "challenge_days", collections.Uint64Key, codec.CollValue[types.ChallengeDay](cdc)),
		ReportLog:          collections.NewItem(sb, types.ReportLogKey, "report_log", codec.CollValue[types.ReportLog](cdc)),
		Clock:              collections.NewItem(sb, types.ClockKey, "clock", codec.CollValue[types.ChainClock](cdc)),
		ComputeDeadlines:   collections.NewKeySet(sb, types.ComputeDeadlinesKey, "compute_deadlines", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		ReportLogEntries:   collections.NewMap(sb, types.ReportLogEntriesKey, "report_log_entries", collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), codec.CollValue[types.ChallengeTarget](cdc)),
		NextChallengeID:    collections.NewSequence(sb, types.NextChallengeIDKey, "next_challenge_id"),
		SamplingDay:        collections.NewItem(sb, types.OpeningDayKey, "sampling_day", collections.Uint64Value),
		PruneCursor:        collections.NewItem(sb, types.PruneCursorKey, "prune_cursor", collections.Uint64Value),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// SetExternalStake plugs in another module's node stake (x/license). Set once at wiring.
func (k *Keeper) SetExternalStake(e types.ExternalStake) {
	if k.external != nil {
		panic("por external stake already set")
	}
	k.external = e
}

// Logger returns the module's logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// Authority is the address allowed to update params and slash nodes.
func (k Keeper) Authority() string { return k.authority }

// lastTick is the last day ticked (0 before the first tick).
func (k Keeper) lastTick(ctx context.Context) (uint64, error) {
	d, err := k.LastTickDay.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return d, err
}

func (k Keeper) carry(ctx context.Context) (math.Int, error) {
	c, err := k.Carry.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return math.ZeroInt(), nil
	}
	return c, err
}

// externalStake is the stake another module backs for operator (zero without one).
func (k Keeper) externalStake(ctx context.Context, operator sdk.AccAddress) (math.Int, error) {
	if k.external == nil {
		return math.ZeroInt(), nil
	}
	return k.external.NodeStake(ctx, operator)
}

func nodeRoleKey(op sdk.AccAddress, r types.NodeRole) collections.Pair[sdk.AccAddress, int32] {
	return collections.Join(op, int32(r))
}

func roleDayKey(r types.NodeRole, day uint64) collections.Pair[int32, uint64] {
	return collections.Join(int32(r), day)
}
