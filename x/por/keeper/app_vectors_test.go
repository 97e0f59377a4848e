package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/types"
)

// TestDistributionVectorsThroughTheApp replays both scenarios through the whole app: nodes
// register and report by signed transactions, and the ticks come from x/emission's
// EndBlocker when each 1000-second day ends. Every role record equals the vectors.
func TestDistributionVectorsThroughTheApp(t *testing.T) {
	v := loadVectors(t)
	const daySeconds = 1000
	for _, sc := range v.Distribution {
		t.Run(sc.Name, func(t *testing.T) {
			c := testutil.NewTestChain(t, 8, func(cdc codec.JSONCodec, g app.GenesisState) {
				var em emissiontypes.GenesisState
				cdc.MustUnmarshalJSON(g[emissiontypes.ModuleName], &em)
				em.Params.DaySeconds = daySeconds
				g[emissiontypes.ModuleName] = cdc.MustMarshalJSON(&em)
				var por types.GenesisState
				cdc.MustUnmarshalJSON(g[types.ModuleName], &por)
				scenarioParams(sc)(&por)
				g[types.ModuleName] = cdc.MustMarshalJSON(&por)
			})
			accounts := map[string]testutil.Account{}
			registered := map[string]bool{}
			for _, tk := range sc.Ticks {
				day := tk.Result.Day
				for _, role := range sortedKeys(tk.Active) {
					r, err := types.ParseRole(role)
					require.NoError(t, err)
					for _, name := range sortedKeys(tk.Active[role]) {
						acc, ok := accounts[name]
						if !ok {
							acc = c.Accounts[len(accounts)]
							accounts[name] = acc
						}
						if !registered[name] {
							res := c.DeliverMsgs(time.Second, acc, &types.MsgRegisterNode{
								Operator: acc.Address.String(), Moniker: name, Roles: []types.NodeRole{r},
								Stake: sdk.NewCoin(app.BondDenom, types.DefaultMinStake),
							})
							require.Zero(t, res.Code, res.Log)
							registered[name] = true
						}
						parts := resourcesFor(t, v, tk.Active[role][name])
						res := c.DeliverMsgs(time.Second, acc, &types.MsgSubmitReport{
							Operator: acc.Address.String(), Totals: parts,
							Parts: []types.RolePart{{Role: r, Resources: parts}},
						})
						require.Zero(t, res.Code, res.Log)
					}
				}
				// The first block at or after the day's end issues and ticks it.
				end := testutil.GenesisTime.Add(time.Duration(day) * daySeconds * time.Second)
				c.NextBlock(end.Sub(c.Time))

				ctx := c.Context()
				q := keeper.NewQuerier(c.App.PorKeeper)
				tick, err := c.App.PorKeeper.DayTicks.Get(ctx, day)
				require.NoError(t, err, "day %d was not ticked", day)
				require.Equal(t, tk.Result.Amount, tick.Amount.Int64())
				require.Equal(t, tk.Result.Carry, tick.Carry.Int64())
				for _, r := range types.AllRoles {
					want, ok := tk.Result.Roles[r.Short()]
					if !ok {
						continue
					}
					got, err := q.RoleDay(ctx, &types.QueryRoleDayRequest{Role: r, Day: day})
					require.NoError(t, err)
					rd := got.RoleDay
					require.Equal(t, []int64{want.Pool, want.Release, want.Share, want.Distributed, want.Reserve},
						[]int64{rd.Pool.Int64(), rd.Release.Int64(), rd.Share.Int64(), rd.Distributed.Int64(), rd.Reserve.Int64()},
						"%s day %d: pool, release, share, distributed, reserve", r.Short(), day)
					require.Equal(t, []uint64{want.ActiveN, want.HighWaterN}, []uint64{rd.Active, rd.HighWater}, "%s day %d: active, high water", r.Short(), day)
					require.True(t, rd.TotalEff.Equal(math.LegacyMustNewDecFromStr(want.TotalEff)), "%s day %d total eff", r.Short(), day)
				}
			}
		})
	}
}
