package keeper_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	"github.com/aegis-chain/aegis/x/license/types"
)

// TestRandomStakingLife drives licenses through random staking lives — mint (TESTNET), transfer,
// authorize, bind to validators and nodes, unbind, rebind, redeem after the upgrade, claims,
// fees, validator slashes of both sizes on both stages, jailing, unbonding completion and
// restarts from an export — and checks every license invariant after every block.
func TestRandomStakingLife(t *testing.T) {
	seeds, blocks := 20, 200
	if testing.Short() {
		seeds, blocks = 4, 100
	}
	var total types.Supply
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			l := newLife(t, int64(seed))
			l.run(blocks)
			s := l.supply()
			t.Logf("%s: %+v", l.stage, s)
			total.Liquidated += s.Liquidated
			total.Redeemed += s.Redeemed
		})
	}
	// The runs reach the paths that matter, not only the happy ones.
	require.Positive(t, total.Liquidated, "no license was ever liquidated")
	require.Positive(t, total.Redeemed, "no license was ever redeemed")
}

// TestStakingLifeIsDeterministic: the same random staking life, run twice from the same
// seed (keys, operations, clock), reaches the same app hash after every block — across a
// restart from an export and on both stages (issue #12's determinism check, for x/license).
func TestStakingLifeIsDeterministic(t *testing.T) {
	blocks := 80
	if testing.Short() {
		blocks = 30
	}
	for _, seed := range []int64{3, 4} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			a, b := newLife(t, seed), newLife(t, seed)
			for i := 0; i < blocks; i++ {
				a.runBlock(i, blocks)
				b.runBlock(i, blocks)
				require.NotEmpty(t, a.App.LastCommitID().Hash)
				require.Equal(t, a.App.LastCommitID().Hash, b.App.LastCommitID().Hash, "block %d", i)
			}
		})
	}
}

// life is one random staking life.
type life struct {
	*chain
	rng        *rand.Rand
	stage      types.Stage
	validators []string // operator addresses; the first is the genesis validator
	jailed     map[string]int
	redemption bool
}

// lifeUnbondingTime is short, so unbondings complete inside a run.
const lifeUnbondingTime = 2 * time.Hour

func newLife(t *testing.T, seed int64) *life {
	rng := rand.New(rand.NewSource(seed))
	stage := types.STAGE_TESTNET
	if seed%2 == 0 {
		stage = types.STAGE_MAINNET
	}
	c := newSeededChain(t, stage, seed, func(gs *types.GenesisState, accs []testutil.Account) {
		if stage != types.STAGE_MAINNET {
			return
		}
		gs.Minted = 40
		for id := uint64(1); id <= gs.Minted; id++ {
			gs.Licenses = append(gs.Licenses, types.License{Id: id, Owner: accs[int(id)%len(accs)].Address.String(), Status: types.STATUS_ACTIVE, Backing: se})
		}
	}, func(cdc codec.JSONCodec, g app.GenesisState) {
		var sg stakingtypes.GenesisState
		cdc.MustUnmarshalJSON(g[stakingtypes.ModuleName], &sg)
		sg.Params.UnbondingTime = lifeUnbondingTime
		g[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&sg)
	})
	l := &life{chain: c, rng: rng, stage: stage, validators: []string{c.validator().OperatorAddress}, jailed: map[string]int{}}
	// Two more validators, created by accounts 2 and 3 (they do not sign blocks in these
	// in-process chains; slashes and jailing are applied directly).
	for _, acc := range c.Accounts[2:4] {
		valAddr := sdk.ValAddress(acc.Address)
		consKey := ed25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("life-%d-%s", seed, valAddr)))
		msg, err := stakingtypes.NewMsgCreateValidator(valAddr.String(), consKey.PubKey(),
			sdk.NewCoin(app.BondDenom, math.NewInt(1_000_000_000)), stakingtypes.NewDescription("v", "", "", "", ""),
			stakingtypes.NewCommissionRates(math.LegacyNewDecWithPrec(1, 1), math.LegacyOneDec(), math.LegacyNewDecWithPrec(1, 2)), math.OneInt())
		require.NoError(t, err)
		c.ok(c.DeliverMsgs(time.Second, acc, msg))
		l.validators = append(l.validators, valAddr.String())
	}
	if stage == types.STAGE_TESTNET {
		for _, acc := range c.Accounts {
			c.mint(acc.Address, 10)
		}
	}
	return l
}

func (l *life) run(blocks int) {
	for b := 0; b < blocks; b++ {
		l.runBlock(b, blocks)
	}
}

// runBlock is block b of a life of blocks: the upgrade half-way on MAINNET, one random
// step, the invariants, and a restart from an export every 67 blocks.
func (l *life) runBlock(b, blocks int) {
	if l.stage == types.STAGE_MAINNET && !l.redemption && b == blocks/2 {
		enableRedemption(l.T, l.chain)
		l.redemption = true
	}
	l.step()
	l.checkBackingInvariant()
	if b%67 == 66 {
		l.chain = l.restart()
	}
}

// step runs one random operation in one block.
func (l *life) step() {
	dt := time.Duration(1+l.rng.Intn(20*60)) * time.Second
	ids := l.pickLicenses()
	switch op := l.rng.Intn(100); {
	case op < 15 && len(ids) > 0:
		l.tx(dt, l.signerFor(ids), &types.MsgBindToValidator{Ids: ids, Validator: l.validators[l.rng.Intn(len(l.validators))]})
	case op < 25 && len(ids) > 0:
		l.tx(dt, l.signerFor(ids), &types.MsgUnbind{Ids: ids})
	case op < 30 && len(ids) > 0:
		l.tx(dt, l.signerFor(ids), &types.MsgBindToNode{Ids: ids, Node: l.randomAccount().Address.String()})
	case op < 38 && len(ids) > 0:
		owner := l.ownerOf(ids[0])
		l.deliver(dt, owner, &types.MsgTransferLicenses{Owner: owner.Address.String(), Ids: ids[:1], To: l.randomAccount().Address.String()})
	case op < 43 && len(ids) > 0:
		owner := l.ownerOf(ids[0])
		l.deliver(dt, owner, &types.MsgAuthorizeOperator{Owner: owner.Address.String(), Ids: ids[:1], Operator: l.randomAccount().Address.String()})
	case op < 48 && len(ids) > 0 && l.redemption:
		owner := l.ownerOf(ids[0])
		l.deliver(dt, owner, &types.MsgRedeemLicenses{Owner: owner.Address.String(), Ids: ids[:1]})
	case op < 55:
		acc := l.randomAccount()
		l.deliver(dt, acc, &types.MsgClaimLicenseRewards{Owner: acc.Address.String()})
	case op < 65:
		l.payFees(int64(1 + l.rng.Intn(1_000_000_000)))
		l.NextBlock(dt)
	case op < 72:
		l.slashRandom(math.LegacyNewDecWithPrec(1, 2)) // downtime sized
		l.NextBlock(dt)
	case op < 75:
		l.slashRandom(math.LegacyNewDecWithPrec(5, 2)) // double-sign sized
		l.NextBlock(dt)
	case op < 80:
		l.NextBlock(lifeUnbondingTime / 2)
	case op < 84 && l.stage == types.STAGE_TESTNET:
		l.deliver(dt, l.dev, &types.MsgMintLicenses{Authority: l.dev.Address.String(), Owner: l.randomAccount().Address.String(), Count: uint64(1 + l.rng.Intn(3))})
	default:
		l.NextBlock(dt)
	}
	l.unjailDue()
}

// pickLicenses picks one to three ACTIVE licenses of one owner.
func (l *life) pickLicenses() []uint64 {
	ctx := l.Context()
	var active []types.License
	require.NoError(l.T, l.App.LicenseKeeper.Licenses.Walk(ctx, nil, func(_ uint64, lic types.License) (bool, error) {
		if lic.Status == types.STATUS_ACTIVE {
			active = append(active, lic)
		}
		return false, nil
	}))
	if len(active) == 0 {
		return nil
	}
	first := active[l.rng.Intn(len(active))]
	ids := []uint64{first.Id}
	for _, lic := range active {
		if len(ids) < 1+l.rng.Intn(3) && lic.Id != first.Id && lic.Owner == first.Owner && lic.Binding.Kind == first.Binding.Kind {
			ids = append(ids, lic.Id)
		}
	}
	return ids
}

func (l *life) account(addr string) (testutil.Account, bool) {
	for _, acc := range l.Accounts {
		if acc.Address.String() == addr {
			return acc, true
		}
	}
	return testutil.Account{}, false
}

func (l *life) ownerOf(id uint64) testutil.Account {
	acc, ok := l.account(l.license(id).License.Owner)
	require.True(l.T, ok)
	return acc
}

// signerFor is the owner or, half the time when there is one, the operator.
func (l *life) signerFor(ids []uint64) testutil.Account {
	lic := l.license(ids[0]).License
	if op, ok := l.account(lic.Operator); ok && l.rng.Intn(2) == 0 {
		return op
	}
	return l.ownerOf(ids[0])
}

func (l *life) randomAccount() testutil.Account { return l.Accounts[l.rng.Intn(len(l.Accounts))] }

// tx sends a bind or unbind message with signer filled in.
func (l *life) tx(dt time.Duration, signer testutil.Account, msg sdk.Msg) {
	switch m := msg.(type) {
	case *types.MsgBindToValidator:
		m.Signer = signer.Address.String()
	case *types.MsgBindToNode:
		m.Signer = signer.Address.String()
	case *types.MsgUnbind:
		m.Signer = signer.Address.String()
	}
	l.deliver(dt, signer, msg)
}

// deliver runs msg in a block; it may be rejected (a bind of an unbonding license, a claim
// with nothing to claim), but the block itself must not fail (DeliverMsgs checks that).
func (l *life) deliver(dt time.Duration, from testutil.Account, msg sdk.Msg) {
	l.DeliverMsgs(dt, from, msg)
}

// slashRandom slashes a random validator at the current height and sometimes jails it for
// a while (the genesis validator, which signs every block, is never jailed).
func (l *life) slashRandom(fraction math.LegacyDec) {
	ctx := l.Context()
	i := l.rng.Intn(len(l.validators))
	valAddr, err := sdk.ValAddressFromBech32(l.validators[i])
	require.NoError(l.T, err)
	val, err := l.App.StakingKeeper.GetValidator(ctx, valAddr)
	require.NoError(l.T, err)
	if !val.Tokens.IsPositive() || val.IsUnbonded() { // x/staking slashes only bonded or unbonding validators
		return
	}
	consAddr, err := val.GetConsAddr()
	require.NoError(l.T, err)
	_, err = l.App.StakingKeeper.Slash(ctx, consAddr, ctx.BlockHeight(), val.ConsensusPower(sdk.DefaultPowerReduction), fraction)
	require.NoError(l.T, err)
	if i > 0 && !val.Jailed && l.rng.Intn(2) == 0 {
		require.NoError(l.T, l.App.StakingKeeper.Jail(ctx, consAddr))
		l.jailed[l.validators[i]] = 5 + l.rng.Intn(20)
	}
}

// unjailDue unjails validators whose jail time is over (in validator order: deterministic).
func (l *life) unjailDue() {
	for _, v := range l.validators[1:] {
		n, ok := l.jailed[v]
		if !ok {
			continue
		}
		if n > 0 {
			l.jailed[v] = n - 1
			continue
		}
		delete(l.jailed, v)
		valAddr, err := sdk.ValAddressFromBech32(v)
		require.NoError(l.T, err)
		val, err := l.App.StakingKeeper.GetValidator(l.Context(), valAddr)
		require.NoError(l.T, err)
		consAddr, err := val.GetConsAddr()
		require.NoError(l.T, err)
		if val.Jailed {
			require.NoError(l.T, l.App.StakingKeeper.Unjail(l.Context(), consAddr))
		}
	}
}
