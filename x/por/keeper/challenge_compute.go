package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/compute"
	"github.com/aegis-chain/aegis/x/por/types"
)

// A compute challenge runs in two answers (x/por/compute, docs/verification.md): the
// Merkle root of the tiles the pair's declared compute computes in work_seconds, due
// commit_seconds of chain time after the opening; then the paths of samples tiles drawn
// from the hash of the block that included the root, due answer_window_blocks later,
// which the chain recomputes.

// Gas of checking a compute reveal: a tile costs about 100 µs to recompute (the storage
// proof's rate of gas per µs), a path step one hash.
const (
	gasPerComputeProof = 5_000
	gasPerTile         = 16_000
	gasPerPathStep     = 30
)

// provesCompute reports whether pair nr's challenges check compute: compute proofs are on,
// its report declared compute, and its role pays for compute.
func provesCompute(params types.Params, nr types.Pair) bool {
	if !params.Challenge.Compute.Enabled() || nr.Resources.Compute == 0 {
		return false
	}
	rp, err := params.Role(nr.Role)
	return err == nil && !rp.WeightCompute.IsNil() && rp.WeightCompute.IsPositive()
}

// answerCompute takes a compute challenge's root, then its reveal. A malformed answer, or
// one that comes in the wrong phase or late, is refused and changes nothing. A reveal
// whose tiles are not all the committed ones fails the challenge: the root and the drawn
// tiles are fixed by then, so answering again could not change the outcome.
func (k Keeper) answerCompute(ctx context.Context, op sdk.AccAddress, c types.Challenge, msg *types.MsgAnswerChallenge) (*types.MsgAnswerChallengeResponse, error) {
	if msg.Proof != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d checks compute: send compute_root, then compute_paths, not a storage proof", c.Id)
	}
	if c.AwaitsRoot() {
		return k.commitCompute(ctx, op, c, msg)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if len(msg.ComputeRoot) != 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: its root was committed at height %d; send the compute_paths of tiles %v", c.Id, c.CommittedHeight, c.RevealTiles)
	}
	if err := checkOpen(sdkCtx, c); err != nil {
		return nil, err
	}
	// No check that this block comes after the commit's: nobody knows the tiles before the
	// drawing block is out, and CheckTx and gas estimation run at the last committed
	// height, where such a check would refuse an honest reveal.
	if len(msg.ComputePaths) != len(c.RevealTiles) {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: send %d compute_paths, one for each of tiles %v, got %d", c.Id, len(c.RevealTiles), c.RevealTiles, len(msg.ComputePaths))
	}
	steps := uint64(len(c.RevealTiles)) * uint64(compute.Depth(c.Tiles))
	sdkCtx.GasMeter().ConsumeGas(gasPerComputeProof+uint64(len(c.RevealTiles))*gasPerTile+steps*gasPerPathStep, "por compute proof")
	seed := compute.Seed(c.Value, op, int32(c.Role))
	wrong, err := compute.Check(&seed, c.Tiles, c.ComputeRoot, c.RevealTiles, msg.ComputePaths)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: %v", c.Id, err)
	}
	if wrong > 0 {
		return &types.MsgAnswerChallengeResponse{Status: types.CHALLENGE_STATUS_FAILED}, k.failChallenge(ctx, op, c, check{rechecked: len(c.RevealTiles), wrong: wrong})
	}
	return &types.MsgAnswerChallengeResponse{Status: types.CHALLENGE_STATUS_PASSED}, k.passChallenge(ctx, op, c)
}

// commitCompute records a root sent in time and draws the tiles to reveal from the hash of
// this block, which the node did not know when it sent the root.
func (k Keeper) commitCompute(ctx context.Context, op sdk.AccAddress, c types.Challenge, msg *types.MsgAnswerChallenge) (*types.MsgAnswerChallengeResponse, error) {
	if len(msg.ComputePaths) != 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: commit compute_root first; the tiles to reveal are drawn after it", c.Id)
	}
	if len(msg.ComputeRoot) != compute.HashSize {
		return nil, errorsmod.Wrapf(types.ErrInvalidAnswer, "challenge %d: compute_root must be the %d-byte Merkle root of its %d tiles, got %d bytes", c.Id, compute.HashSize, c.Tiles, len(msg.ComputeRoot))
	}
	clock, err := k.chainClock(ctx)
	if err != nil {
		return nil, err
	}
	if clock.ElapsedMs > c.CommitDeadlineMs {
		return nil, errorsmod.Wrapf(types.ErrChallengeExpired, "challenge %d: its root was due %d ms of chain time ago", c.Id, clock.ElapsedMs-c.CommitDeadlineMs)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := k.ComputeDeadlines.Remove(ctx, collections.Join(c.CommitDeadlineMs, c.Id)); err != nil {
		return nil, err
	}
	window := c.AnswerWindowBlocks
	if window == 0 { // a challenge from a genesis that left it out: the params in force
		params, err := k.Params.Get(ctx)
		if err != nil {
			return nil, err
		}
		window = params.Challenge.AnswerWindowBlocks
	}
	h := sdkCtx.BlockHeight()
	c.ComputeRoot = append([]byte(nil), msg.ComputeRoot...)
	c.CommittedHeight, c.DeadlineHeight = h, h+int64(window)
	c.RevealTiles = compute.Draw(c.Value, sdkCtx.HeaderHash(), c.ComputeRoot, c.Tiles, c.Compute.Samples)
	if err := k.Challenges.Set(ctx, c.Id, c); err != nil {
		return nil, err
	}
	if err := k.ChallengeDeadlines.Set(ctx, collections.Join(c.DeadlineHeight, c.Id)); err != nil {
		return nil, err
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventComputeCommitted{
		Id: c.Id, Operator: c.Operator, Role: c.Role, Root: c.ComputeRoot, RevealTiles: c.RevealTiles, DeadlineHeight: c.DeadlineHeight,
	}); err != nil {
		return nil, err
	}
	return &types.MsgAnswerChallengeResponse{Status: types.CHALLENGE_STATUS_PENDING, RevealTiles: c.RevealTiles}, nil
}
