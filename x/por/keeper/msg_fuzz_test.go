package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/testutil/posttest"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	"github.com/aegis-chain/aegis/x/por/post"
	"github.com/aegis-chain/aegis/x/por/types"
)

var (
	fuzzPorOnce  sync.Once
	fuzzPorChain *testutil.TestChain
)

// fuzzChallengeParams are the base chain's challenges: on, with tiny datasets and a window
// that keeps the base's challenges open through every fuzz input.
func fuzzChallengeParams() types.ChallengeParams {
	return types.ChallengeParams{ChallengesPerDay: 10, AnswerWindowBlocks: 1000, SlashFailures: 3, FailureWindowDays: 7,
		SlashFraction: math.LegacyNewDecWithPrec(5, 2), StorageSlashFraction: math.LegacyNewDecWithPrec(5, 2),
		VestingDays: types.DefaultVestingDays, DisqualifyDays: types.DefaultDisqualifyDays,
		Storage: types.StorageProofParams{LabelsPerStorageUnit: 64, LabelScryptN: 2, K1: 4, K2: 4, Nonces: 16, Rechecks: 2, ScanBytesPerBlock: 1 << 20}}
}

// fuzzTrueAnswer is the answer an honest node sends to challenge c of the base.
func fuzzTrueAnswer(c types.Challenge) *types.MsgAnswerChallenge {
	msg := &types.MsgAnswerChallenge{Operator: c.Operator, ChallengeId: c.Id}
	if c.Kind == types.CHALLENGE_KIND_STORAGE {
		msg.Proof = posttest.Prove(c)
	}
	return msg
}

// fuzzPorBase is a chain with 10-second days and challenges on (fuzzChallengeParams),
// shared by every fuzz input (each runs on a branch of its state). Accounts 0-3 are
// nodes: 0 WORKER+DA and 1 WORKER report every day (1's rewards go to account 5), 2
// DELEGATE never reports, 3 SEQUENCER (OPERATOR deactivated) has an unbonding entry and
// declared no storage. Days 1 and 2 are ticked, so 0, 1 and 3 have rewards to claim; it
// is day 3 and 0 has reported for it. Day 1's reports were all challenged: 1 answered and
// passed, so its day-2 report was challenged too; the other four are open (0's two
// storage challenges, 3's two liveness ones), with 1's second, their rewards held.
// Accounts 4 and 5 are funded, not nodes.
func fuzzPorBase(t *testing.T) *testutil.TestChain {
	fuzzPorOnce.Do(func() {
		c := testutil.NewTestChain(t, 6, func(cdc codec.JSONCodec, g app.GenesisState) {
			var em emissiontypes.GenesisState
			cdc.MustUnmarshalJSON(g[emissiontypes.ModuleName], &em)
			em.Params.DaySeconds = uint64(shortDay / time.Second)
			g[emissiontypes.ModuleName] = cdc.MustMarshalJSON(&em)
			var por types.GenesisState
			cdc.MustUnmarshalJSON(g[types.ModuleName], &por)
			por.Params.Challenge = fuzzChallengeParams()
			g[types.ModuleName] = cdc.MustMarshalJSON(&por)
		})
		d := dayChain{t, c}
		acc := c.Accounts
		deliver := func(from testutil.Account, msg sdk.Msg) {
			res := c.DeliverMsgs(time.Second, from, msg)
			require.Zero(t, res.Code, res.Log)
		}
		register := func(a testutil.Account, name string, stake math.Int, roles ...types.NodeRole) {
			deliver(a, &types.MsgRegisterNode{Operator: a.Address.String(), Moniker: name, Roles: roles, Stake: ktUaegisInt(stake)})
		}
		w, del, da, seq, opr := types.NODE_ROLE_WORKER, types.NODE_ROLE_DELEGATE, types.NODE_ROLE_DA, types.NODE_ROLE_SEQUENCER, types.NODE_ROLE_OPERATOR
		minStake := types.DefaultMinStake
		register(acc[0], "multi", minStake.MulRaw(2).AddRaw(5000), w, da)
		register(acc[1], "worker", minStake, w)
		register(acc[2], "idle", minStake, del)
		register(acc[3], "seq", minStake.MulRaw(3), seq, opr)
		reportAll := func() {
			deliver(acc[0], ktReportMsg(acc[0].Address, ktRes(300, 300, 300), ktPart(w, 150, 100, 80), ktPart(da, 40, 120, 40)))
			deliver(acc[1], ktReportMsg(acc[1].Address, ktRes(150, 100, 80), ktPart(w, 150, 100, 80)))
		}
		reportAll()
		deliver(acc[3], ktReportMsg(acc[3].Address, ktRes(200, 0, 200), ktPart(seq, 40, 0, 120), ktPart(opr, 120, 0, 40)))
		d.endDay(1)
		ctx := c.Context()
		require.NoError(t, c.App.PorKeeper.Challenges.Walk(ctx, nil, func(_ uint64, ch types.Challenge) (bool, error) {
			if ch.Operator == acc[1].Address.String() {
				deliver(acc[1], fuzzTrueAnswer(ch))
			}
			return false, nil
		}))
		reportAll()
		deliver(acc[1], &types.MsgSetWithdrawAddress{Operator: acc[1].Address.String(), WithdrawAddress: acc[5].Address.String()})
		deliver(acc[3], &types.MsgDeactivateRole{Operator: acc[3].Address.String(), Role: opr})
		deliver(acc[3], &types.MsgUnbondStake{Operator: acc[3].Address.String(), Amount: ktUaegisInt(minStake)})
		d.endDay(2)
		deliver(acc[0], ktReportMsg(acc[0].Address, ktRes(300, 300, 300), ktPart(w, 150, 100, 80), ktPart(da, 40, 120, 40)))
		require.NoError(t, c.App.CheckInvariants(c.Context()))
		status := map[types.ChallengeStatus]int{}
		require.NoError(t, c.App.PorKeeper.Challenges.Walk(c.Context(), nil, func(_ uint64, ch types.Challenge) (bool, error) {
			status[ch.Status]++
			return false, nil
		}))
		require.Equal(t, map[types.ChallengeStatus]int{types.CHALLENGE_STATUS_PASSED: 1, types.CHALLENGE_STATUS_PENDING: 5}, status)
		fuzzPorChain = c
	})
	require.NotNil(t, fuzzPorChain, "building the base chain failed")
	return fuzzPorChain
}

// fuzzPorRoles are the active roles of the base chain's nodes (accounts 0-3).
var fuzzPorRoles = [][]types.NodeRole{
	{types.NODE_ROLE_WORKER, types.NODE_ROLE_DA}, {types.NODE_ROLE_WORKER}, {types.NODE_ROLE_DELEGATE}, {types.NODE_ROLE_SEQUENCER},
}

// maxInt is the largest math.Int (256 bits).
var maxInt = math.NewIntFromBigInt(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)))

// fuzzInt is an amount among nil, negative, zero, edges of the stake and huge values.
func fuzzInt(r *rand.Rand) math.Int {
	switch r.Intn(13) {
	case 0:
		return math.Int{}
	case 11:
		return math.NewInt(1 + r.Int63n(6000))
	case 1:
		return math.NewInt(-1 - r.Int63n(1000))
	case 2:
		return math.ZeroInt()
	case 3:
		return math.OneInt()
	case 4:
		return types.DefaultMinStake.SubRaw(1)
	case 5:
		return types.DefaultMinStake
	case 6:
		return types.DefaultMinStake.MulRaw(int64(2 + r.Intn(3)))
	case 7:
		return math.NewInt(1_000_000_000_000 + r.Int63n(3)) // about an account's whole balance
	case 8:
		return math.NewIntFromUint64(^uint64(0))
	case 9:
		return maxInt
	case 10:
		return maxInt.Neg()
	}
	return math.NewInt(r.Int63n(50_000_000_000))
}

// fuzzDec is a LegacyDec among nil, negative, zero, the edges of [0, 1] and huge values.
func fuzzDec(r *rand.Rand) math.LegacyDec {
	switch r.Intn(13) {
	case 0:
		return math.LegacyDec{}
	case 11:
		return math.LegacyNewDecFromInt(maxInt) // about the largest LegacyDec
	case 12:
		return math.LegacyNewDec(1_000_000_000).Add(math.LegacySmallestDec())
	case 1:
		return math.LegacyNewDecWithPrec(-r.Int63n(2000), 3)
	case 2:
		return math.LegacyZeroDec()
	case 3:
		return math.LegacySmallestDec()
	case 4:
		return math.LegacyOneDec()
	case 5:
		return math.LegacyOneDec().Add(math.LegacySmallestDec())
	case 6:
		return math.LegacyOneDec().Sub(math.LegacySmallestDec())
	case 7:
		return math.LegacyNewDecFromInt(math.NewIntFromUint64(^uint64(0)))
	case 8:
		return math.LegacyNewDec(1_000_000).Add(math.LegacySmallestDec())
	}
	return math.LegacyNewDecWithPrec(r.Int63n(2001), int64(r.Intn(4)))
}

func fuzzUint(r *rand.Rand, edges ...uint64) uint64 {
	if r.Intn(4) == 0 {
		return uint64(r.Int63n(1000))
	}
	return edges[r.Intn(len(edges))]
}

func fuzzRole(r *rand.Rand) types.NodeRole {
	if r.Intn(4) == 0 {
		return []types.NodeRole{0, 6, 7, -1, 1 << 30, -1 << 31}[r.Intn(6)]
	}
	return types.AllRoles[r.Intn(len(types.AllRoles))]
}

func fuzzResources(r *rand.Rand) types.Resources {
	v := func() uint64 {
		return fuzzUint(r, 0, 1, 40, 100, 150, 300, types.DefaultMaxResourceValue, types.DefaultMaxResourceValue+1,
			types.MaxResourceValueLimit, 1<<63, ^uint64(0))
	}
	return types.Resources{Compute: v(), Storage: v(), Bandwidth: v()}
}

// fuzzParams are the default params (valid) with up to three hostile edits.
func fuzzParams(r *rand.Rand) types.Params {
	p := types.DefaultParams()
	p.Roles = slices.Clone(p.Roles)
	for n := r.Intn(4); n > 0 && len(p.Roles) > 0; n-- {
		i := r.Intn(len(p.Roles))
		rp := &p.Roles[i]
		switch r.Intn(17) {
		case 15:
			fuzzChallengeEdit(r, &p.Challenge)
		case 0:
			p.ReportDays = uint32(fuzzUint(r, 0, 1, 365, 366, 1<<32-1))
		case 1:
			p.UnbondingDays = uint32(fuzzUint(r, 0, 1, 365, 366, 1<<32-1))
		case 2:
			p.MaxResourceValue = fuzzUint(r, 0, 1, 100, types.MaxResourceValueLimit, types.MaxResourceValueLimit+1, ^uint64(0))
		case 3:
			p.StakeDenom = []string{"", "stake", "UAEGIS", "u", "uaegis"}[r.Intn(5)]
		case 4:
			rp.SlotCap = fuzzUint(r, 0, 1, 2, 10_000_000, 10_000_001, ^uint64(0))
		case 5: // moves allocation between roles (still summing to 10000) or breaks the sum
			j := r.Intn(len(p.Roles))
			d := uint32(r.Intn(int(rp.AllocBps) + 1))
			rp.AllocBps -= d
			if r.Intn(3) > 0 {
				p.Roles[j].AllocBps += d
			}
		case 6:
			rp.AllocBps = uint32(fuzzUint(r, 0, 10_000, 10_001, 1<<32-1))
		case 7:
			rp.WeightCompute = fuzzDec(r)
		case 8:
			rp.WeightStorage = fuzzDec(r)
		case 9:
			rp.PorCap = fuzzDec(r)
		case 10:
			rp.Penalty = fuzzDec(r)
		case 11:
			rp.MinStake = fuzzInt(r)
		case 12:
			rp.MinCompute, rp.MinStorage, rp.MinBandwidth = fuzzUint(r, 0, ^uint64(0)), fuzzUint(r, 0, ^uint64(0)), fuzzUint(r, 0, ^uint64(0))
		case 13:
			rp.Role = fuzzRole(r)
		case 14:
			p.Roles = p.Roles[:r.Intn(len(p.Roles))]
		default:
			p.Roles = append(p.Roles, p.Roles[i])
		}
	}
	return p
}

// fuzzChallengeEdit turns challenges on (the base's or the default values) and sets one
// of their params to an edge or a random value.
func fuzzChallengeEdit(r *rand.Rand, cp *types.ChallengeParams) {
	if r.Intn(2) == 0 {
		*cp = fuzzChallengeParams()
	} else {
		cp.ChallengesPerDay = 1000
	}
	switch r.Intn(8) {
	case 0:
		cp.ChallengesPerDay = uint32(fuzzUint(r, 0, 1, types.MaxChallengesPerDay, types.MaxChallengesPerDay+1, 1<<32-1))
	case 1:
		cp.AnswerWindowBlocks = fuzzUint(r, 0, 1, 100_000, 100_001, ^uint64(0))
	case 2:
		sp := &cp.Storage
		sp.K1, sp.K2 = uint32(fuzzUint(r, 0, 1, 4, 96, 1<<32-1)), uint32(fuzzUint(r, 0, 1, 4, 104, post.MaxK2+1, 1<<32-1))
		sp.Nonces, sp.Rechecks = uint32(fuzzUint(r, 0, 1, 16, post.MaxNonces+1, 1<<32-1)), uint32(fuzzUint(r, 0, 1, 2, post.MaxRechecks+1, 1<<32-1))
	case 3:
		cp.Storage.LabelScryptN = uint32(fuzzUint(r, 0, 1, 2, 3, 256, post.MaxScryptN, post.MaxScryptN*2, 1<<32-1))
	case 4:
		cp.Storage.LabelsPerStorageUnit = fuzzUint(r, 0, 1, 63, 64, types.MaxLabelsPerStorageUnit, types.MaxLabelsPerStorageUnit+1, ^uint64(0))
	case 5:
		cp.SlashFailures, cp.FailureWindowDays = uint32(fuzzUint(r, 0, 1, 3, 1<<32-1)), uint32(fuzzUint(r, 0, 1, 365, 366, 1<<32-1))
	case 6:
		cp.SlashFraction = fuzzDec(r)
	}
}

// fuzzAnswer is a MsgAnswerChallenge: mostly for one of the base's challenges, from its
// node, with the true answer as often as not, otherwise an answer broken one way or
// another (a bit flipped in the indexes, indexes cut, grown or swapped, a nonce past the
// cap, a proof dropped, over 512 bytes, or sent for a liveness check, a compute root or
// paths sent to a storage or liveness check), or for an unknown id.
func fuzzAnswer(t *testing.T, r *rand.Rand, c *testutil.TestChain, addr func() string) *types.MsgAnswerChallenge {
	var open []types.Challenge
	require.NoError(t, c.App.PorKeeper.Challenges.Walk(c.Context(), nil, func(_ uint64, ch types.Challenge) (bool, error) {
		open = append(open, ch)
		return false, nil
	}))
	if len(open) == 0 || r.Intn(6) == 0 {
		return &types.MsgAnswerChallenge{Operator: addr(), ChallengeId: fuzzUint(r, 0, 1, uint64(len(open)+1), 1<<63, ^uint64(0))}
	}
	msg := fuzzTrueAnswer(open[r.Intn(len(open))])
	if r.Intn(5) == 0 {
		msg.Operator = addr()
	}
	for n := r.Intn(3); n > 0; n-- {
		p := msg.Proof
		if p == nil {
			p = &types.StorageProof{}
			msg.Proof = p
		}
		p.Indexes = slices.Clone(p.Indexes)
		switch r.Intn(9) {
		case 7: // a compute root for a storage or liveness check, of any size
			msg.ComputeRoot = make([]byte, fuzzUint(r, 0, 31, 32, 33, 4096))
		case 8: // compute paths: any count (the cap is 32) and any length (the cap is 1,280 bytes)
			msg.ComputePaths = make([][]byte, fuzzUint(r, 0, 1, 10, 32, 33))
			for i := range msg.ComputePaths {
				msg.ComputePaths[i] = make([]byte, fuzzUint(r, 0, 32, 1280, 1281))
			}
		case 0:
			if len(p.Indexes) > 0 {
				p.Indexes[r.Intn(len(p.Indexes))] ^= byte(1 << r.Intn(8))
			}
		case 1:
			if len(p.Indexes) > 0 {
				p.Indexes = p.Indexes[:r.Intn(len(p.Indexes))]
			}
		case 2:
			p.Indexes = append(p.Indexes, byte(r.Intn(256)))
		case 3:
			if len(p.Indexes) > 1 {
				p.Indexes[0], p.Indexes[len(p.Indexes)-1] = p.Indexes[len(p.Indexes)-1], p.Indexes[0]
			}
		case 4:
			p.Nonce = uint32(fuzzUint(r, 0, 1, 15, 16, 1<<32-1))
		case 5:
			p.Indexes = make([]byte, fuzzUint(r, 512, 513, 4096))
		default:
			msg.Proof = nil
		}
	}
	return msg
}

// porStores are the stores a por message can write: its own, bank and auth (transfers),
// and, through the license stake it slashes, license, staking and distribution.
var porStores = []string{types.StoreKey, banktypes.StoreKey, authtypes.StoreKey, licensetypes.StoreKey,
	stakingtypes.StoreKey, distrtypes.StoreKey, emissiontypes.StoreKey}

// requireSameStore fails with the first key whose value differs between two stores.
func requireSameStore(t *testing.T, name string, want, got storetypes.KVStore, msgAndArgs string) {
	t.Helper()
	a, b := want.Iterator(nil, nil), got.Iterator(nil, nil)
	defer a.Close()
	defer b.Close()
	for ; a.Valid() || b.Valid(); a.Next() {
		if !a.Valid() {
			t.Fatalf("%s: store %s: key %x added", msgAndArgs, name, b.Key())
		}
		if !b.Valid() || !bytes.Equal(a.Key(), b.Key()) {
			t.Fatalf("%s: store %s: key %x removed or changed key order", msgAndArgs, name, a.Key())
		}
		if !bytes.Equal(a.Value(), b.Value()) {
			t.Fatalf("%s: store %s: key %x changed", msgAndArgs, name, a.Key())
		}
		b.Next()
	}
}

// porSigner is the address that signs a por message (its cosmos.msg.v1.signer field).
func porSigner(msg sdk.Msg) string {
	switch m := msg.(type) {
	case interface{ GetOperator() string }:
		return m.GetOperator()
	case interface{ GetAuthority() string }:
		return m.GetAuthority()
	}
	panic(fmt.Sprintf("%T has no signer field", msg))
}

// checkPorMsg builds one por message from data — addresses, roles, amounts, resources,
// fractions and params chosen among valid, garbled and hostile values — and runs it
// through the app's Msg router on a branch of the base chain. It must never panic; a
// rejection must be a registered error and leave every store it could touch as it was;
// an accepted message must keep every invariant of spec section 7.
func checkPorMsg(t *testing.T, data []byte) {
	c := fuzzPorBase(t)
	seed := sha256.Sum256(data)
	r := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:8]))))
	gov := authtypes.NewModuleAddress("gov").String()
	addrs := []string{"", "aegis1nope", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", gov,
		authtypes.NewModuleAddress(types.ModuleName).String(), authtypes.NewModuleAddress(types.StakeAccount).String(),
		authtypes.NewModuleAddress(distrtypes.ModuleName).String(), sdk.AccAddress([]byte("some-other-account-1")).String(),
		sdk.ValAddress(c.Accounts[0].Address).String()}
	for _, a := range c.Accounts {
		addrs = append(addrs, a.Address.String(), a.Address.String()) // nodes and funded accounts twice as often
	}
	addr := func() string { return addrs[r.Intn(len(addrs))] }
	coin := func() sdk.Coin {
		return sdk.Coin{Denom: []string{app.BondDenom, app.BondDenom, app.BondDenom, "stake", "", "UAEGIS"}[r.Intn(6)], Amount: fuzzInt(r)}
	}
	roles := func() []types.NodeRole {
		out := make([]types.NodeRole, r.Intn(7))
		for i := range out {
			out[i] = fuzzRole(r)
		}
		return out
	}
	report := func() *types.MsgSubmitReport {
		if r.Intn(2) == 0 { // a plausible report: a node's own roles, small values, exact totals
			i := r.Intn(4)
			var parts []types.RolePart
			var sum types.Resources
			for _, role := range fuzzPorRoles[i] {
				res := ktRes(uint64(r.Intn(400)), uint64(r.Intn(400)), uint64(r.Intn(400)))
				parts = append(parts, types.RolePart{Role: role, Resources: res})
				sum = ktRes(sum.Compute+res.Compute, sum.Storage+res.Storage, sum.Bandwidth+res.Bandwidth)
			}
			msg := ktReportMsg(c.Accounts[i].Address, sum, parts...)
			msg.DatasetNonce = fuzzUint(r, 0, 1, ^uint64(0))
			return msg
		}
		parts := make([]types.RolePart, r.Intn(7))
		var sum types.Resources
		for i := range parts {
			parts[i] = types.RolePart{Role: fuzzRole(r), Resources: fuzzResources(r)}
			if r.Intn(3) == 0 && i > 0 {
				parts[i].Role = parts[i-1].Role // a duplicate
			}
			sum.Compute += parts[i].Resources.Compute // may wrap, as a hostile sender would make it
			sum.Storage += parts[i].Resources.Storage
			sum.Bandwidth += parts[i].Resources.Bandwidth
		}
		totals := fuzzResources(r)
		if r.Intn(2) == 0 {
			totals = sum // parts fit exactly (unless they wrapped)
		}
		return &types.MsgSubmitReport{Operator: addr(), Totals: totals, Parts: parts}
	}
	register := func() *types.MsgRegisterNode { // plausible: a funded account, distinct roles, about the stake they need
		roles := []types.NodeRole{fuzzRole(r)}
		if r.Intn(2) == 0 {
			roles = append(roles, fuzzRole(r))
		}
		stake := types.DefaultMinStake.MulRaw(int64(len(roles))).AddRaw(r.Int63n(3) - 1)
		return &types.MsgRegisterNode{Operator: c.Accounts[r.Intn(len(c.Accounts))].Address.String(), Moniker: "n", Roles: roles, Stake: ktUaegisInt(stake)}
	}
	moniker := []string{"", "n", strings.Repeat("m", 70), strings.Repeat("m", 71), "nul\x00", "\xff\xfe", "ノード"}[r.Intn(7)]
	authority := []string{gov, gov, addr()}[r.Intn(3)]
	msgs := []sdk.Msg{
		&types.MsgRegisterNode{Operator: addr(), Moniker: moniker, Roles: roles(), Stake: coin()},
		register(),
		&types.MsgActivateRole{Operator: addr(), Role: fuzzRole(r)},
		&types.MsgDeactivateRole{Operator: addr(), Role: fuzzRole(r)},
		&types.MsgAddStake{Operator: addr(), Amount: coin()},
		&types.MsgUnbondStake{Operator: addr(), Amount: coin()},
		&types.MsgUnbondStake{Operator: c.Accounts[[]int{0, 3}[r.Intn(2)]].Address.String(), Amount: ktUaegisInt(math.NewInt(1 + r.Int63n(types.DefaultMinStake.Int64())))},
		&types.MsgSetWithdrawAddress{Operator: addr(), WithdrawAddress: addr()},
		report(),
		report(),
		&types.MsgClaimRewards{Operator: addr()},
		fuzzAnswer(t, r, c, addr),
		fuzzAnswer(t, r, c, addr),
		&types.MsgSlashNode{Authority: authority, Operator: addr(), Fraction: fuzzDec(r), Reason: moniker},
		&types.MsgUpdateParams{Authority: authority, Params: fuzzParams(r)},
	}
	msg := msgs[r.Intn(len(msgs))]
	if vb, ok := msg.(sdk.HasValidateBasic); ok {
		_ = vb.ValidateBasic() // must not panic; the router runs it too
	}

	parent := c.Context()
	ctx, _ := parent.CacheContext()
	handler := c.App.MsgServiceRouter().Handler(msg)
	require.NotNil(t, handler, "%T", msg)
	_, err := handler(ctx, msg)
	what := fmt.Sprintf("%T %v", msg, msg)
	if err == nil {
		// A module account other than gov cannot sign a tx, so a message it signs never
		// reaches the handler; accepted, it can move the module's own funds (a node
		// registered with the por account as operator stakes the rewards it owes): only
		// reachable messages must keep the invariants.
		if !app.BlockedAddresses()[porSigner(msg)] {
			require.NoError(t, c.App.CheckInvariants(ctx), "%s: accepted, but an invariant broke", what)
		}
		return
	}
	_, code, _ := errorsmod.ABCIInfo(err, false)
	require.NotEqual(t, uint32(1), code, "%s: an unregistered (internal) error: %v", what, err)
	for _, name := range porStores {
		key := c.App.GetKey(name)
		require.NotNil(t, key, name)
		requireSameStore(t, name, parent.KVStore(key), ctx.KVStore(key), fmt.Sprintf("%s: rejected (%v) but changed the state", what, err))
	}
}

// FuzzPorMsgs: every por message, with valid, garbled and hostile fields, is either
// accepted (keeping the invariants) or rejected with a registered error that leaves the
// state untouched — never a panic (issue #12). The seed corpus runs with `go test`;
// -fuzz runs it for longer.
func FuzzPorMsgs(f *testing.F) {
	for i := 0; i < 200; i++ {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(checkPorMsg)
}
