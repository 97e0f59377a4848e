package simulation

import (
	"context"
	"errors"
	"fmt"
	"math/rand"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/testutil/posttest"
	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// The challenges in the simulation (docs/verification.md): a random genesis or params
// proposal sometimes turns them on, with tiny datasets (the cheapest scrypt label, a
// storage unit of 16·k2 labels) and short answer windows, so that reports commit real
// datasets, some challenges are answered (most with a scan of the dataset, some wrongly
// and refused) and others are missed, forfeited and slashed, all under every invariant.

// maxSimStorage caps a report part's storage while challenges are on, so that its
// dataset stays small enough to derive and scan in the operation; maxSimCompute its
// compute while compute proofs are on, so that its tiles (compute × tiles_per_unit_second
// × work_seconds, at most 2,000 of 100 µs) are computed in the operation.
const (
	maxSimStorage = 40
	maxSimCompute = 400
)

// RandomChallengeParams are challenge params turned on, cheap to prove and quick to miss.
func RandomChallengeParams(r *rand.Rand) types.ChallengeParams {
	k1 := uint32(2 + r.Intn(4))
	k2 := k1 + uint32(r.Intn(2))
	cp := types.ChallengeParams{
		ChallengesPerDay:   uint32(1 + r.Intn(40)),
		AnswerWindowBlocks: uint64(1 + r.Intn(8)),
		SlashFailures:      uint32(r.Intn(4)), // 0: misses never slash
		FailureWindowDays:  uint32(1 + r.Intn(7)),
		SlashFraction:      math.LegacyNewDecWithPrec(int64(1+r.Intn(10)), 2),
		SpreadBlocks:       uint64(r.Intn(2) * r.Intn(10)), // half the time all open at once
		Storage: types.StorageProofParams{
			LabelsPerStorageUnit: 16 * uint64(k2), LabelScryptN: 2, K1: k1, K2: k2,
			Nonces: uint32(8 + r.Intn(9)), Rechecks: uint32(1 + r.Intn(int(k2))),
			ScanBytesPerBlock: 1 << 20,
		},
		StorageSlashFraction: math.LegacyNewDecWithPrec(int64(r.Intn(10)), 2),
		VestingDays:          uint32(1 + r.Intn(20)),
		DisqualifyDays:       uint32(r.Intn(3) * r.Intn(20)), // a third of the time: never
	}
	if r.Intn(2) == 0 { // prune receipts: at least the failure window, at most a few days more
		cp.ReceiptDays = cp.FailureWindowDays + uint32(r.Intn(4))
	}
	if r.Intn(2) == 0 { // compute proofs: a chain clock of at most 1-2 s a block against windows of 3-10 s
		work := uint32(2 + r.Intn(4))
		slack := 1 + uint32(r.Intn(int(work)))
		cp.Compute = types.ComputeProofParams{
			TilesPerUnitSecond: 1, WorkSeconds: work, CommitSeconds: work + slack,
			Samples: uint32(1 + r.Intn(6)), MaxBlockSeconds: 1 + uint32(r.Intn(int(min(slack, 2)))),
		}
		cp.ComputeSlashFraction = math.LegacyNewDecWithPrec(int64(r.Intn(10)), 2)
	}
	return cp
}

// capStorage caps the storage of report parts while challenges are on (see maxSimStorage).
func capStorage(params types.Params, res types.Resources) types.Resources {
	if params.Challenge.Enabled() {
		res.Storage = min(res.Storage, maxSimStorage)
		if params.Challenge.Compute.Enabled() {
			res.Compute = min(res.Compute, maxSimCompute)
		}
	}
	return res
}

// computeCommitment is what aegis-node computes for compute challenge c of op (nil when the
// challenge asks more tiles than a sim operation should compute: it is then missed).
func computeCommitment(op sdk.AccAddress, c types.Challenge) *compute.Commitment {
	if c.Kind != types.CHALLENGE_KIND_COMPUTE || c.Tiles > 4*maxSimCompute*10 {
		return nil
	}
	cm, err := compute.Commit(context.Background(), compute.Reference{}, 1, compute.Seed(c.Value, op, int32(c.Role)), c.Tiles)
	if err != nil {
		return nil
	}
	return cm
}

// answerCompute fills msg with c's next compute answer: its root, or the paths of the
// drawn tiles. One time in five the root is made up (the reveal that follows fails) or
// the reveal is malformed (refused).
func answerCompute(r *rand.Rand, op sdk.AccAddress, c types.Challenge, msg *types.MsgAnswerChallenge) (bool, simsx.SimDeliveryResultHandler) {
	cm := computeCommitment(op, c)
	if cm == nil {
		return false, nil
	}
	if c.AwaitsRoot() {
		msg.ComputeRoot = cm.Root[:]
		if r.Intn(5) == 0 {
			msg.ComputeRoot = append([]byte{^cm.Root[0]}, cm.Root[1:]...) // taken; its reveal fails
		}
		return true, nil
	}
	paths, err := cm.Paths(compute.Reference{}, c.RevealTiles)
	if err != nil {
		return false, nil
	}
	msg.ComputePaths = paths
	if r.Intn(5) == 0 {
		msg.ComputePaths = paths[:len(paths)-1]
		return true, expectError(types.ErrInvalidAnswer)
	}
	return true, nil // passes, or fails after a made-up root: both are resolutions
}

// storageProof scans op's dataset for c, as aegis-node does (false: the rare scan that
// finds no nonce with k2 labels, or a liveness challenge).
func storageProof(op sdk.AccAddress, c types.Challenge) (*types.StorageProof, bool) {
	if c.Kind != types.CHALLENGE_KIND_STORAGE {
		return nil, false
	}
	return posttest.Scan(c, posttest.Labels(op, c.Role, c.Dataset))
}

// MsgAnswerChallengeFactory answers a random challenge still open at this height whose
// node is a sim account: correctly four times in five (it passes and releases the held
// reward); otherwise with a wrong answer — a proof for a liveness check, none for a storage
// check, a nonce past the cap, or a proof of another dataset — which must be refused with
// ErrInvalidAnswer. The challenges left unanswered are missed at their deadline.
func MsgAnswerChallengeFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgAnswerChallenge] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAnswerChallenge, simsx.SimDeliveryResultHandler) {
		r := testData.Rand()
		height := sdk.UnwrapSDKContext(ctx).BlockHeight()
		// Open: deadline heights not passed, and compute roots still due on the chain clock.
		clock, err := k.Clock.Get(ctx)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			panic(err)
		}
		open := openChallenges(ctx, k, k.ChallengeDeadlines, height, testData)
		open = append(open, openChallenges(ctx, k, k.ComputeDeadlines, clock.ElapsedMs, testData)...)
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
		msg := &types.MsgAnswerChallenge{Operator: c.Operator, ChallengeId: c.Id}
		if c.Kind == types.CHALLENGE_KIND_COMPUTE {
			if !c.AwaitsRoot() && height <= c.CommittedHeight {
				reporter.Skip("its tiles to reveal were drawn in this block")
				return nil, nil, nil
			}
			ok, handler := answerCompute(r.Rand, op, c, msg)
			if !ok {
				reporter.Skip("a compute challenge too large to compute here")
				return nil, nil, nil
			}
			return []simsx.SimAccount{from}, msg, handler
		}
		proof, ok := storageProof(op, c)
		if c.Kind == types.CHALLENGE_KIND_STORAGE && !ok {
			reporter.Skip("the scan found no nonce with k2 labels")
			return nil, nil, nil
		}
		msg.Proof = proof
		if r.Intn(5) != 0 {
			return []simsx.SimAccount{from}, msg, nil
		}
		switch {
		case msg.Proof == nil:
			msg.Proof = &types.StorageProof{}
		case r.Intn(3) == 0:
			msg.Proof = nil
		case r.Intn(2) == 0:
			msg.Proof.Nonce = c.Storage.Nonces
		default: // the proof of the dataset under another nonce: no label of it rechecks
			other := c
			other.Dataset.Nonce++
			p, ok := storageProof(op, other)
			if !ok {
				reporter.Skip("the scan found no nonce with k2 labels")
				return nil, nil, nil
			}
			msg.Proof = p
			return []simsx.SimAccount{from}, msg, expectAnswerRefusedOrFailed()
		}
		return []simsx.SimAccount{from}, msg, expectError(types.ErrInvalidAnswer)
	})
}

// openChallenges are the challenges of sim accounts in a deadline queue from deadline from.
func openChallenges(ctx context.Context, k keeper.Keeper, queue collections.KeySet[collections.Pair[int64, uint64]], from int64, testData *simsx.ChainDataSource) []types.Challenge {
	var open []types.Challenge
	rng := new(collections.Range[collections.Pair[int64, uint64]]).StartInclusive(collections.Join(from, uint64(0)))
	must0(queue.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		c, err := k.Challenges.Get(ctx, key.K2())
		if err != nil {
			return true, err
		}
		if testData.HasAccount(c.Operator) {
			open = append(open, c)
		}
		return false, nil
	}))
	return open
}

// expectAnswerRefusedOrFailed is the result of a proof of another dataset: refused when
// none of the labels rechecked passes, or accepted as a failed proof when one passes by
// chance (k1 in n of them do).
func expectAnswerRefusedOrFailed() simsx.SimDeliveryResultHandler {
	return func(err error) error {
		if err == nil || errors.Is(err, types.ErrInvalidAnswer) {
			return nil
		}
		return fmt.Errorf("expected ErrInvalidAnswer or a failed proof, got %w", err)
	}
}
