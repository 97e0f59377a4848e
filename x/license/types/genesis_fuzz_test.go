package types_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/aegis-chain/aegis/x/license/types"
)

var (
	fuzzOwner  = sdk.AccAddress([]byte("license-owner-------")).String()
	fuzzNode   = sdk.AccAddress([]byte("license-node--------")).String()
	fuzzVal    = sdk.ValAddress([]byte("license-validator---")).String()
	fuzzGov    = authtypes.NewModuleAddress("gov").String()
	fuzzMaxInt = math.NewIntFromBigInt(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)))
	fuzzCdc    = moduletestutil.MakeTestEncodingConfig().Codec
)

// licenseGenesisBases are valid genesis states: the default, a TESTNET one with a license
// in every status, binding and unbonding state, and a MAINNET one.
func licenseGenesisBases() []types.GenesisState {
	se := types.DefaultStakeEquivalent
	until := time.Date(2026, 1, 22, 0, 0, 0, 0, time.UTC)
	testnet := types.GenesisState{
		Params: types.DefaultParams(fuzzGov),
		Minted: 8,
		Licenses: []types.License{
			{Id: 1, Owner: fuzzOwner, Status: types.STATUS_ACTIVE, Backing: se, MintedAt: 3,
				Binding: types.Binding{Kind: types.BINDING_VALIDATOR, Target: fuzzVal}},
			{Id: 2, Owner: fuzzOwner, Operator: fuzzNode, Status: types.STATUS_ACTIVE, Backing: se, MintedAt: 3,
				Binding: types.Binding{Kind: types.BINDING_NODE, Target: fuzzNode}},
			{Id: 3, Owner: fuzzOwner, Status: types.STATUS_ACTIVE, Backing: se.SubRaw(7), MintedAt: 4,
				UnbondingUntil: &until, UnbondingValidator: fuzzVal},
			{Id: 4, Owner: fuzzNode, Status: types.STATUS_LIQUIDATED, Backing: math.ZeroInt(), MintedAt: 4},
			{Id: 5, Owner: fuzzNode, Status: types.STATUS_REDEEMED, Backing: math.ZeroInt(), MintedAt: 5},
			{Id: 7, Owner: fuzzNode, Status: types.STATUS_ACTIVE, Backing: se.QuoRaw(2), MintedAt: 9},
		},
		SlashScans: []types.SlashScan{{Validator: fuzzVal, NextId: 2}},
	}
	mainnet := types.GenesisState{
		Params: types.DefaultParams(fuzzGov),
		Minted: 3,
		Licenses: []types.License{
			{Id: 1, Owner: fuzzOwner, Status: types.STATUS_ACTIVE, Backing: se},
			{Id: 3, Owner: fuzzNode, Operator: fuzzOwner, Status: types.STATUS_ACTIVE, Backing: se,
				Binding: types.Binding{Kind: types.BINDING_VALIDATOR, Target: fuzzVal}},
		},
	}
	mainnet.Params.Stage = types.STAGE_MAINNET
	return []types.GenesisState{*types.DefaultGenesis(fuzzGov), testnet, mainnet}
}

// fuzzLicenseInt is an amount among nil, negative, zero and huge values and the edges of
// the stake equivalent se.
func fuzzLicenseInt(r *rand.Rand, se math.Int) math.Int {
	if se.IsNil() || se.GTE(fuzzMaxInt) || se.LTE(fuzzMaxInt.Neg()) {
		se = types.DefaultStakeEquivalent
	}
	switch r.Intn(10) {
	case 0:
		return math.Int{}
	case 1:
		return math.NewInt(-1 - r.Int63n(10))
	case 2:
		return math.ZeroInt()
	case 3:
		return math.OneInt()
	case 4:
		return se
	case 5:
		return se.AddRaw(1)
	case 6:
		return se.SubRaw(1)
	case 7:
		return fuzzMaxInt
	case 8:
		return math.NewIntFromUint64(^uint64(0))
	}
	return math.NewInt(r.Int63n(20_000_000_000))
}

func fuzzLicenseDec(r *rand.Rand) math.LegacyDec {
	switch r.Intn(9) {
	case 0:
		return math.LegacyDec{}
	case 1:
		return math.LegacyNewDec(-1)
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
		return math.LegacyNewDecFromInt(fuzzMaxInt)
	}
	return math.LegacyNewDecWithPrec(r.Int63n(101), 2)
}

func fuzzLicenseAddr(r *rand.Rand) string {
	return []string{"", "aegis1nope", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", fuzzOwner, fuzzNode, fuzzVal, fuzzGov,
		sdk.ValAddress([]byte("other-validator-----")).String(), sdk.AccAddress([]byte("other-account-------")).String()}[r.Intn(9)]
}

func fuzzLicenseTime(r *rand.Rand) *time.Time {
	var t time.Time
	switch r.Intn(7) {
	case 0:
		return nil
	case 1:
		t = time.Time{}
	case 2:
		t = time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC)
	case 3:
		t = time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)
	case 4:
		t = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		t = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Intn(60)) * 24 * time.Hour)
	}
	return &t
}

// licenseGenesisMutations edit one part of a genesis state and say what they did.
var licenseGenesisMutations = []func(r *rand.Rand, gs *types.GenesisState) string{
	func(r *rand.Rand, gs *types.GenesisState) string {
		p := &gs.Params
		switch r.Intn(6) {
		case 0:
			p.Stage = types.Stage([]int32{0, 1, 2, 3, -1}[r.Intn(5)])
		case 1:
			p.Authority = fuzzLicenseAddr(r)
		case 2:
			p.StakeEquivalent = fuzzLicenseInt(r, p.StakeEquivalent)
		case 3:
			p.LiquidationThreshold = fuzzLicenseDec(r)
		case 4:
			p.BondDenom = []string{"", "u", "stake", "UAEGIS", "uaegis"}[r.Intn(5)]
		default:
			p.RedemptionEnabled = !p.RedemptionEnabled
		}
		return fmt.Sprintf("params %+v", *p)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		n := uint64(len(gs.Licenses))
		gs.Minted = []uint64{0, 1, n - 1, n, gs.Minted - 1, gs.Minted + 1, types.MaxLicenses, types.MaxLicenses + 1, ^uint64(0)}[r.Intn(9)]
		return fmt.Sprintf("minted %d", gs.Minted)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		if len(gs.Licenses) == 0 || r.Intn(5) == 0 { // a new license with the next id
			gs.Minted++
			gs.Licenses = append(gs.Licenses, types.License{Id: gs.Minted, Owner: fuzzLicenseAddr(r), Status: types.STATUS_ACTIVE,
				Backing: fuzzLicenseInt(r, gs.Params.StakeEquivalent)})
			return "new license"
		}
		i := r.Intn(len(gs.Licenses))
		l := &gs.Licenses[i]
		switch r.Intn(13) {
		case 0:
			l.Id = []uint64{0, 1, l.Id + 1, gs.Minted, gs.Minted + 1, ^uint64(0)}[r.Intn(6)]
		case 1:
			l.Owner = fuzzLicenseAddr(r)
		case 2:
			l.Operator = fuzzLicenseAddr(r)
		case 3:
			l.Status = types.Status([]int32{0, 1, 2, 3, 4, -1}[r.Intn(6)])
		case 4:
			l.Backing = fuzzLicenseInt(r, gs.Params.StakeEquivalent)
		case 5:
			l.Binding.Kind = types.BindingKind([]int32{0, 1, 2, 3, -1}[r.Intn(5)])
		case 6:
			l.Binding.Target = fuzzLicenseAddr(r)
		case 7:
			l.Binding = types.Binding{}
			l.UnbondingUntil, l.UnbondingValidator = fuzzLicenseTime(r), fuzzLicenseAddr(r)
		case 8:
			l.UnbondingUntil = fuzzLicenseTime(r)
		case 9:
			l.MintedAt = []int64{0, 1, -1, 1 << 62}[r.Intn(4)]
		case 10:
			gs.Licenses = append(gs.Licenses[:i:i], gs.Licenses[i+1:]...)
			return fmt.Sprintf("licenses[%d] dropped", i)
		default:
			gs.Licenses = append(gs.Licenses, *l)
			return fmt.Sprintf("licenses[%d] duplicated", i)
		}
		return fmt.Sprintf("licenses[%d] %+v", i, *l)
	},
	func(r *rand.Rand, gs *types.GenesisState) string {
		if len(gs.SlashScans) == 0 || r.Intn(2) == 0 {
			gs.SlashScans = append(gs.SlashScans, types.SlashScan{Validator: fuzzLicenseAddr(r), NextId: []uint64{0, 1, ^uint64(0)}[r.Intn(3)]})
			return "new slash scan"
		}
		i := r.Intn(len(gs.SlashScans))
		gs.SlashScans[i].Validator = fuzzLicenseAddr(r)
		return fmt.Sprintf("slash_scans[%d] %+v", i, gs.SlashScans[i])
	},
}

// checkLicenseGenesis applies the mutations data selects to a valid genesis. Validate must
// never panic, and a refusal must be a license error. A genesis it accepts must survive
// the JSON a genesis file holds (and validate again), and every unbonding license must
// fit the keeper's unbonding queue, keyed by UnixNano.
func checkLicenseGenesis(t *testing.T, data []byte) {
	seed := sha256.Sum256(data)
	r := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:8]))))
	bases := licenseGenesisBases()
	// A fresh copy: the mutations must not reach the bases' slices.
	var gs types.GenesisState
	fuzzCdc.MustUnmarshal(fuzzCdc.MustMarshal(&bases[r.Intn(len(bases))]), &gs)
	var did []string
	for n := r.Intn(5); n > 0; n-- {
		did = append(did, licenseGenesisMutations[r.Intn(len(licenseGenesisMutations))](r, &gs))
	}
	what := strings.Join(did, "; ")

	err := gs.Validate()
	if len(did) == 0 {
		require.NoError(t, err, "a base genesis")
	}
	if err != nil {
		space, code, _ := errorsmod.ABCIInfo(err, false)
		require.Equal(t, types.ModuleName, space, "mutations [%s]: %v", what, err)
		require.NotEqual(t, uint32(1), code, "mutations [%s]: %v", what, err)
		return
	}
	for _, l := range gs.Licenses {
		if l.UnbondingUntil != nil {
			u := *l.UnbondingUntil
			require.True(t, time.Unix(0, u.UnixNano()).Equal(u),
				"mutations [%s]: license %d unbonds until %s, which the unbonding queue's UnixNano key cannot hold", what, l.Id, u)
		}
	}
	bz, err := fuzzCdc.MarshalJSON(&gs)
	if err != nil {
		return // no genesis file can hold it (a time past year 9999)
	}
	var back types.GenesisState
	require.NoError(t, fuzzCdc.UnmarshalJSON(bz, &back), "mutations [%s]", what)
	require.NoError(t, back.Validate(), "mutations [%s]: valid, but not once read back from JSON", what)
	require.Equal(t, string(bz), string(fuzzCdc.MustMarshalJSON(&back)), "mutations [%s]: the JSON round trip changed it", what)
}

// FuzzLicenseGenesisValidate: license genesis validation never panics, refuses with a
// license error, and accepts only what a genesis file and the keeper can hold (issue #12).
// The seed corpus runs with `go test`; -fuzz runs it for longer.
func FuzzLicenseGenesisValidate(f *testing.F) {
	for i := 0; i < 300; i++ {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(checkLicenseGenesis)
}
