package simulation

import (
	"context"
	"math/rand"
	"sync"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// The challenges in the simulation (docs/verification.md): a random genesis or params
// proposal sometimes turns them on, with tiny datasets (a leaf costs 1 to 4 hashes and a
// storage unit is 1 or 2 leaves) and short answer windows, so that reports commit real
// dataset roots, some challenges are answered (most correctly, some wrongly and refused)
// and others are missed, forfeited and slashed, all under every invariant.

// maxSimStorage caps a report part's storage while challenges are on, so that its
// dataset stays small enough to build in the operation (at most 5 parts of 400 units of
// 2 leaves: 4,000 leaves of 4 hashes).
const maxSimStorage = 400

// RandomChallengeParams are challenge params turned on, cheap to prove and quick to miss.
func RandomChallengeParams(r *rand.Rand) types.ChallengeParams {
	cp := types.ChallengeParams{
		ChallengesPerDay:     uint32(1 + r.Intn(40)),
		AnswerWindowBlocks:   uint64(1 + r.Intn(8)),
		LeavesPerChallenge:   uint32(1 + r.Intn(8)),
		LeafWork:             uint32(1 + r.Intn(4)),
		LeavesPerStorageUnit: uint64(1 + r.Intn(2)),
		SlashFailures:        uint32(r.Intn(4)), // 0: misses never slash
		FailureWindowDays:    uint32(1 + r.Intn(7)),
		SlashFraction:        math.LegacyNewDecWithPrec(int64(1+r.Intn(10)), 2),
		SpreadBlocks:         uint64(r.Intn(2) * r.Intn(10)), // half the time all open at once
	}
	if r.Intn(2) == 0 { // prune receipts: at least the failure window, at most a few days more
		cp.ReceiptDays = cp.FailureWindowDays + uint32(r.Intn(4))
	}
	return cp
}

// capStorage caps the storage of report parts while challenges are on (see maxSimStorage).
func capStorage(params types.Params, res types.Resources) types.Resources {
	if params.Challenge.Enabled() {
		res.Storage = min(res.Storage, maxSimStorage)
	}
	return res
}

type datasetKey struct {
	op     string
	leaves uint64
	work   uint32
}

// datasetRoots caches dataset roots: every report of a node with the same storage
// commits the same root. Seeds run in parallel, hence the lock; the cache only saves
// work, so it never changes what a simulation does.
var datasetRoots = struct {
	sync.Mutex
	m map[datasetKey][]byte
}{m: map[datasetKey][]byte{}}

// datasetRoot is what an honest aegis-node commits for a report of totals: the root of
// its dataset, or nothing while challenges are off or the report declares no storage.
func datasetRoot(params types.Params, op sdk.AccAddress, totals types.Resources) []byte {
	cp := params.Challenge
	if !cp.Enabled() || totals.Storage == 0 {
		return nil
	}
	n, ok := cp.DatasetLeaves(totals.Storage)
	if !ok {
		panic("simulated storage above the largest dataset")
	}
	key := datasetKey{op.String(), n, cp.LeafWork}
	datasetRoots.Lock()
	defer datasetRoots.Unlock()
	if root, ok := datasetRoots.m[key]; ok {
		return root
	}
	if len(datasetRoots.m) >= 1<<14 {
		clear(datasetRoots.m)
	}
	_, tree := types.DatasetTree(op, n, cp.LeafWork)
	root := tree.Root()
	datasetRoots.m[key] = root[:]
	return root[:]
}

// answerProofs opens the challenge's leaves of op's dataset, as aegis-node does.
func answerProofs(op sdk.AccAddress, c types.Challenge) []types.LeafProof {
	if c.Kind != types.CHALLENGE_KIND_STORAGE {
		return nil
	}
	leaves, tree := types.DatasetTree(op, c.DatasetLeaves, c.LeafWork)
	proofs := make([]types.LeafProof, len(c.Leaves))
	for j, i := range c.Leaves {
		proofs[j] = types.LeafProof{Leaf: leaves[i][:], Path: tree.Path(i)}
	}
	return proofs
}

// MsgAnswerChallengeFactory answers a random challenge still open at this height whose
// node is a sim account: correctly four times in five (it passes and releases the held
// reward); otherwise with a wrong answer — a leaf flipped, a proof missing, or proofs
// sent for a liveness check — which must be refused with ErrInvalidAnswer. The challenges
// left unanswered are missed at their deadline.
func MsgAnswerChallengeFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgAnswerChallenge] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAnswerChallenge, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		height := sdk.UnwrapSDKContext(ctx).BlockHeight()
		var open []types.Challenge
		rng := new(collections.Range[collections.Pair[int64, uint64]]).StartInclusive(collections.Join(height, uint64(0)))
		must0(k.ChallengeDeadlines.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
			c, err := k.Challenges.Get(ctx, key.K2())
			if err != nil {
				return true, err
			}
			if testData.HasAccount(c.Operator) {
				open = append(open, c)
			}
			return false, nil
		}))
		if len(open) == 0 {
			reporter.Skip("no open challenge of a sim account")
			return nil, nil, nil
		}
		c := open[r.Intn(len(open))]
		from := testData.GetAccount(reporter, c.Operator)
		if reporter.IsSkipped() {
			return nil, nil, nil
		}
		op := sdk.MustAccAddressFromBech32(c.Operator)
		msg := &types.MsgAnswerChallenge{Operator: c.Operator, ChallengeId: c.Id, Proofs: answerProofs(op, c)}
		if r.Intn(5) != 0 {
			return []simsx.SimAccount{from}, msg, nil
		}
		switch {
		case len(msg.Proofs) == 0:
			msg.Proofs = []types.LeafProof{{Leaf: make([]byte, types.LeafSize)}}
		case r.Intn(2) == 0:
			msg.Proofs = msg.Proofs[1:]
		default:
			p := &msg.Proofs[r.Intn(len(msg.Proofs))]
			p.Leaf = append([]byte(nil), p.Leaf...)
			p.Leaf[r.Intn(len(p.Leaf))] ^= 1 << r.Intn(8)
		}
		return []simsx.SimAccount{from}, msg, expectError(types.ErrInvalidAnswer)
	})
}
