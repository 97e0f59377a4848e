package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/codec"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// editSection decodes a module's genesis section into T, edits it and stores it back.
func editSection[T any, PT interface {
	*T
	codec.ProtoMarshaler
}](t testing.TB, cdc codec.JSONCodec, g app.GenesisState, module string, edit func(PT)) {
	t.Helper()
	var v T
	require.NoError(t, cdc.UnmarshalJSON(g[module], PT(&v)))
	edit(&v)
	bz, err := cdc.MarshalJSON(PT(&v))
	require.NoError(t, err)
	g[module] = bz
}

// TestCrossModuleGenesisChecks: each genesis below passes every module's own
// ValidateGenesis but would halt or break the chain. The cross-module check refuses it
// with a message naming the modules and the fix, and InitChain refuses to boot it
// (issue #10, item 3 and the x/por payee and balance facts).
func TestCrossModuleGenesisChecks(t *testing.T) {
	c := testutil.NewTestChain(t, 1, nil)
	cdc := c.App.AppCodec()
	porAddr := authtypes.NewModuleAddress(portypes.ModuleName).String()
	cases := []struct {
		name string
		edit func(app.GenesisState)
		want []string
	}{
		{"emission ahead of por (halted at the next day end)", func(g app.GenesisState) {
			editSection(t, cdc, g, emissiontypes.ModuleName, func(gs *emissiontypes.GenesisState) {
				gs.LastDayIssued, gs.TotalIssued = 3, emissiontypes.DefaultSchedule().Cumulative(3)
			})
		}, []string{"x/emission last_day_issued is 3 but x/por last_tick_day is 0", "set both to the same day"}},
		{"por stake denom is not the emission denom", func(g app.GenesisState) {
			editSection(t, cdc, g, portypes.ModuleName, func(gs *portypes.GenesisState) { gs.Params.StakeDenom = "stake" })
		}, []string{`stake_denom "stake" must be x/emission's denom "uaegis"`}},
		{"por reserve without the tokens", func(g app.GenesisState) {
			editSection(t, cdc, g, portypes.ModuleName, func(gs *portypes.GenesisState) { gs.Roles[0].Reserve = math.NewInt(1000) })
		}, []string{"balance of the por account", "owes 1000uaegis"}},
		{"por stake account holds more than the stakes", func(g app.GenesisState) {
			editSection(t, cdc, g, banktypes.ModuleName, func(gs *banktypes.GenesisState) {
				gs.Balances = append(gs.Balances, banktypes.Balance{
					Address: authtypes.NewModuleAddress(portypes.StakeAccount).String(), Coins: sdkCoins(5),
				})
				gs.Supply = gs.Supply.Add(sdkCoins(5)...)
			})
		}, []string{"por_stake account", "is 5uaegis", "sum to 0uaegis"}},
		{"node run by the governance account", func(g app.GenesisState) {
			gov := authtypes.NewModuleAddress("gov").String()
			editSection(t, cdc, g, portypes.ModuleName, func(gs *portypes.GenesisState) {
				gs.Nodes = []portypes.Node{{Operator: gov, Moniker: "m", WithdrawAddress: c.Accounts[0].Address.String(), Stake: math.ZeroInt()}}
			})
		}, []string{"x/por nodes[0]: operator", "is a module account"}},
		{"unbonding paid to a module account", func(g app.GenesisState) {
			editSection(t, cdc, g, portypes.ModuleName, func(gs *portypes.GenesisState) {
				gs.Unbonding = []portypes.UnbondingEntry{{Operator: porAddr, Amount: math.NewInt(5), Id: 1, CompletionTime: testutil.GenesisTime}}
				gs.NextUnbondingId = 2
			})
		}, []string{"unbonding[0] id 1", "is a module account"}},
		{"license owned by a module account", func(g app.GenesisState) {
			editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) {
				gs.Minted, gs.Licenses = 1, []licensetypes.License{{Id: 1, Owner: porAddr, Status: licensetypes.STATUS_ACTIVE, Backing: licensetypes.DefaultStakeEquivalent}}
			})
		}, []string{"x/license license 1", "is a module account"}},
		{"license bound to a validator without its delegation", func(g app.GenesisState) {
			editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) {
				gs.Minted, gs.Licenses = 1, []licensetypes.License{{Id: 1, Owner: c.Accounts[0].Address.String(), Status: licensetypes.STATUS_ACTIVE,
					Backing: licensetypes.DefaultStakeEquivalent, Binding: licensetypes.Binding{Kind: licensetypes.BINDING_VALIDATOR, Target: validatorOf(t, cdc, g)}}}
			})
		}, []string{"x/license license 1 is bound to", "has no delegation there"}},
		{"delegation from a license account with no license behind it", func(g app.GenesisState) {
			val := validatorOf(t, cdc, g)
			editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) {
				gs.Minted, gs.Licenses = 1, []licensetypes.License{{Id: 1, Owner: c.Accounts[0].Address.String(), Status: licensetypes.STATUS_ACTIVE, Backing: licensetypes.DefaultStakeEquivalent}}
			})
			editSection(t, cdc, g, stakingtypes.ModuleName, func(gs *stakingtypes.GenesisState) {
				gs.Delegations = append(gs.Delegations, stakingtypes.Delegation{DelegatorAddress: licensetypes.LicenseAccount(1).String(), ValidatorAddress: val, Shares: math.LegacyNewDec(5)})
			})
		}, []string{"delegation of license 1's account", "has no license bound to that validator"}},
		{"license unbonding with nothing on its way back", func(g app.GenesisState) {
			val := validatorOf(t, cdc, g)
			editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) {
				until := testutil.GenesisTime.Add(time.Hour)
				gs.Minted, gs.Licenses = 1, []licensetypes.License{{Id: 1, Owner: c.Accounts[0].Address.String(), Status: licensetypes.STATUS_ACTIVE,
					Backing: licensetypes.DefaultStakeEquivalent, UnbondingUntil: &until, UnbondingValidator: val}}
			})
		}, []string{"x/license license 1 is unbonding from", "no unbonding entry"}},
		{"license settlement counting more than its account holds", func(g app.GenesisState) {
			val := validatorOf(t, cdc, g)
			editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) {
				until := testutil.GenesisTime.Add(time.Hour)
				gs.Minted, gs.Licenses = 1, []licensetypes.License{{Id: 1, Owner: c.Accounts[0].Address.String(), Status: licensetypes.STATUS_ACTIVE,
					Backing: licensetypes.DefaultStakeEquivalent, UnbondingUntil: &until, UnbondingValidator: val,
					Settlement: &licensetypes.Settlement{Returned: licensetypes.DefaultStakeEquivalent}}}
			})
			editSection(t, cdc, g, banktypes.ModuleName, func(gs *banktypes.GenesisState) {
				gs.Balances = append(gs.Balances, banktypes.Balance{Address: licensetypes.LicenseAccount(1).String(), Coins: sdkCoins(5)})
				gs.Supply = gs.Supply.Add(sdkCoins(5)...)
			})
		}, []string{"x/license license 1's settlement counts 10000000000 returned", "holds 5"}},
		{"por rewards' dust not funded (1.2 uaegis owed, 0 held)", func(g app.GenesisState) {
			// Two retired node-roles each owed 0.6 uaegis: their floors sum to 0, but together
			// they are owed 1.2, which a later tick makes claimable.
			editSection(t, cdc, g, portypes.ModuleName, func(gs *portypes.GenesisState) {
				for _, a := range []sdk.AccAddress{c.Accounts[0].Address, sdk.AccAddress("another-node-operator")} {
					op := a.String()
					gs.Nodes = append(gs.Nodes, portypes.Node{Operator: op, Moniker: "m", WithdrawAddress: op, Stake: math.ZeroInt()})
					gs.NodeRoles = append(gs.NodeRoles, portypes.NodeRoleState{
						Operator: op, Role: portypes.NODE_ROLE_WORKER, Raw: math.LegacyZeroDec(), Capped: math.LegacyZeroDec(),
						Eff: math.LegacyZeroDec(), Accrued: math.LegacyNewDecWithPrec(6, 1),
					})
				}
			})
		}, []string{"balance of the por account", "owes 2uaegis in rewards (their exact sum rounded up)"}},
		{"a module's own genesis is invalid", func(g app.GenesisState) {
			editSection(t, cdc, g, portypes.ModuleName, func(gs *portypes.GenesisState) { gs.Carry = math.NewInt(-1) })
		}, []string{"x/por genesis", "carry"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := cloneGenesis(c.Genesis)
			require.NoError(t, app.ValidateGenesisCrossModule(cdc, g), "the unedited genesis is valid")
			tc.edit(g)
			err := app.ValidateGenesisCrossModule(cdc, g)
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}

			// InitChain refuses it too, before any module stores it.
			bz, err := json.Marshal(g)
			require.NoError(t, err)
			_, err = testutil.NewApp(t).InitChain(&abci.RequestInitChain{
				ChainId: testutil.ChainID, Time: testutil.GenesisTime,
				ConsensusParams: simtestutil.DefaultConsensusParams, AppStateBytes: bz,
			})
			require.ErrorContains(t, err, tc.want[0])
		})
	}
}

// validatorOf is the operator address of the genesis validator.
func validatorOf(t *testing.T, cdc codec.JSONCodec, g app.GenesisState) string {
	var gs stakingtypes.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(g[stakingtypes.ModuleName], &gs))
	require.NotEmpty(t, gs.Validators)
	return gs.Validators[0].OperatorAddress
}

func cloneGenesis(g app.GenesisState) app.GenesisState {
	out := make(app.GenesisState, len(g))
	for k, v := range g {
		out[k] = append(json.RawMessage(nil), v...)
	}
	return out
}

func sdkCoins(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, n)) }
