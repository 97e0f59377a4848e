package keeper_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/aegis-chain/aegis/x/por/types"
)

// The published vectors, copied into the repository (testdata/vectors.json).
type vectorFile struct {
	PorExamples []struct {
		Role                        string
		Compute, Storage, Bandwidth uint64
		Raw, Capped, Effective      string
		Penalized                   bool
	} `json:"por_examples"`
	Distribution []scenario `json:"distribution"`
}

type scenario struct {
	Name  string `json:"name"`
	Roles map[string]struct {
		AllocBps uint32 `json:"alloc_bps"`
		SlotCap  uint64 `json:"slot_cap"`
	} `json:"roles"`
	PorParams struct {
		Weights []int64  `json:"weights"`
		PorCap  int64    `json:"por_cap"`
		Mins    []uint64 `json:"mins"`
		Penalty string   `json:"penalty"`
	} `json:"por_params_all_roles"`
	Ticks []struct {
		Active map[string]map[string]string `json:"active"`
		Result struct {
			Day    uint64             `json:"day"`
			Amount int64              `json:"amount"`
			Carry  int64              `json:"carry"`
			Roles  map[string]roleRec `json:"roles"`
		} `json:"result"`
	} `json:"ticks"`
	EarnedAfter map[string]struct {
		Exact string `json:"exact"`
		Floor int64  `json:"floor"`
	} `json:"earned_after"`
}

type roleRec struct {
	Pool, Release, Share, Distributed, Reserve int64
	ActiveN                                    uint64 `json:"active"`
	HighWaterN                                 uint64 `json:"high_water"`
	TotalEff                                   string `json:"total_eff"`
}

func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "vectors.json")
	bz, err := os.ReadFile(path)
	require.NoError(t, err, "the spec vectors are part of the repository")
	var v vectorFile
	require.NoError(t, json.Unmarshal(bz, &v))
	return v
}

func TestPoRExamples(t *testing.T) {
	v := loadVectors(t)
	rp := types.DefaultParams().Roles[0]
	for _, ex := range v.PorExamples {
		por := rp.ComputePoR(types.Resources{Compute: ex.Compute, Storage: ex.Storage, Bandwidth: ex.Bandwidth})
		require.True(t, por.Raw.Equal(math.LegacyMustNewDecFromStr(ex.Raw)), "raw %+v", ex)
		require.True(t, por.Capped.Equal(math.LegacyMustNewDecFromStr(ex.Capped)), "capped %+v", ex)
		require.True(t, por.Eff.Equal(math.LegacyMustNewDecFromStr(ex.Effective)), "eff %+v: got %s", ex, por.Eff)
		require.Equal(t, ex.Penalized, por.Penalized, "%+v", ex)
	}
}

// resourcesFor finds PoR-example resources that produce an eff under Worker rules.
func resourcesFor(t testing.TB, v vectorFile, eff string) types.Resources {
	for _, ex := range v.PorExamples {
		if math.LegacyMustNewDecFromStr(ex.Effective).Equal(math.LegacyMustNewDecFromStr(eff)) {
			return types.Resources{Compute: ex.Compute, Storage: ex.Storage, Bandwidth: ex.Bandwidth}
		}
	}
	t.Fatalf("no PoR example gives eff %s", eff)
	return types.Resources{}
}

// scenarioParams applies a scenario's allocations, slot caps and PoR rules; reports count
// only at the tick of their own day, so each tick's active set is exactly its reporters.
func scenarioParams(sc scenario) func(*types.GenesisState) {
	return func(gs *types.GenesisState) {
		for i, rp := range gs.Params.Roles {
			r := sc.Roles[rp.Role.Short()]
			rp.AllocBps, rp.SlotCap = r.AllocBps, r.SlotCap
			rp.WeightCompute = math.LegacyNewDec(sc.PorParams.Weights[0])
			rp.WeightStorage = math.LegacyNewDec(sc.PorParams.Weights[1])
			rp.WeightBandwidth = math.LegacyNewDec(sc.PorParams.Weights[2])
			rp.PorCap = math.LegacyNewDec(sc.PorParams.PorCap)
			rp.MinCompute, rp.MinStorage, rp.MinBandwidth = sc.PorParams.Mins[0], sc.PorParams.Mins[1], sc.PorParams.Mins[2]
			rp.Penalty = math.LegacyMustNewDecFromStr(sc.PorParams.Penalty)
			gs.Params.Roles[i] = rp
		}
		gs.Params.ReportDays = 1
	}
}

// TestDistributionVectors replays both distribution scenarios through the keeper: every
// role record of every tick equals the vectors, and every node's payout is within
// [floor(exact) - 1, floor(exact)].
func TestDistributionVectors(t *testing.T) {
	v := loadVectors(t)
	for _, sc := range v.Distribution {
		t.Run(sc.Name, func(t *testing.T) {
			f := newFixture(t, scenarioParams(sc))
			nodes := map[string]bool{}
			for _, tk := range sc.Ticks {
				day := tk.Result.Day
				f.clock.day = day
				for _, role := range sortedKeys(tk.Active) {
					r, err := types.ParseRole(role)
					require.NoError(t, err)
					for _, name := range sortedKeys(tk.Active[role]) {
						if !nodes[name+"/"+role] {
							f.register(name, r)
							nodes[name+"/"+role] = true
						}
						res := resourcesFor(t, v, tk.Active[role][name])
						require.NoError(t, f.report(f.operator(name), r, res.Compute, res.Storage, res.Bandwidth))
					}
				}
				f.tick(day, math.NewInt(tk.Result.Amount))
				f.checkInvariants()

				tick, err := f.k.DayTicks.Get(f.ctx, day)
				require.NoError(t, err)
				require.Equal(t, tk.Result.Carry, tick.Carry.Int64(), "day %d carry", day)
				for _, r := range types.AllRoles {
					want, ok := tk.Result.Roles[r.Short()]
					if !ok {
						continue
					}
					got, err := f.q.RoleDay(f.ctx, &types.QueryRoleDayRequest{Role: r, Day: day})
					require.NoError(t, err)
					rd := got.RoleDay
					ctx := fmt.Sprintf("%s day %d", r.Short(), day)
					require.Equal(t, want.Pool, rd.Pool.Int64(), "%s pool", ctx)
					require.Equal(t, want.ActiveN, rd.Active, "%s active", ctx)
					require.Equal(t, want.Release, rd.Release.Int64(), "%s release", ctx)
					require.Equal(t, want.Share, rd.Share.Int64(), "%s share", ctx)
					require.Equal(t, want.Distributed, rd.Distributed.Int64(), "%s distributed", ctx)
					require.Equal(t, want.Reserve, rd.Reserve.Int64(), "%s reserve", ctx)
					require.Equal(t, want.HighWaterN, rd.HighWater, "%s high water", ctx)
					require.True(t, rd.TotalEff.Equal(math.LegacyMustNewDecFromStr(want.TotalEff)), "%s total eff %s", ctx, rd.TotalEff)
				}
			}

			for key, want := range sc.EarnedAfter {
				name, role, _ := strings.Cut(key, "/")
				r, err := types.ParseRole(role)
				require.NoError(t, err)
				res, err := f.q.Rewards(f.ctx, &types.QueryRewardsRequest{Operator: f.operator(name).String()})
				require.NoError(t, err)
				var got math.Int
				for _, rr := range res.Roles {
					if rr.Role == r {
						got = rr.Amount
					}
				}
				exact, ok := new(big.Rat).SetString(want.Exact)
				require.True(t, ok)
				floor := new(big.Int).Quo(exact.Num(), exact.Denom())
				require.Equal(t, want.Floor, floor.Int64(), "%s: vector floor", key)
				require.True(t, got.Int64() <= want.Floor && got.Int64() >= want.Floor-1,
					"%s: pending %s, want [%d, %d]", key, got, want.Floor-1, want.Floor)

				// Claiming pays exactly the pending amount.
				before := f.bank.get(f.operator(name).String())
				_, err = f.msg.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: f.operator(name).String()})
				require.NoError(t, err)
				require.Equal(t, before.Add(res.Total).String(), f.bank.get(f.operator(name).String()).String(), key)
				f.checkInvariants()
			}
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
