// Package license is the x/license module: 48,000 staking-equivalent licenses that back
// validators (as delegations) and resource nodes (as stake).
package license

import (
	"context"
	"encoding/json"
	"fmt"

	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"

	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	cdctypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/aegis-chain/aegis/testutil/simcount"
	"github.com/aegis-chain/aegis/x/license/client/cli"
	"github.com/aegis-chain/aegis/x/license/keeper"
	"github.com/aegis-chain/aegis/x/license/simulation"
	"github.com/aegis-chain/aegis/x/license/types"
)

// ConsensusVersion is the module's state version, bumped with every state migration.
const ConsensusVersion = 1

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}
	_ appmodule.AppModule        = AppModule{}
	_ appmodule.HasEndBlocker    = AppModule{}
	_ appmodule.HasBeginBlocker  = AppModule{}
	_ module.HasConsensusVersion = AppModule{}
	_ module.AppModuleSimulation = AppModule{}
)

// AppModule is the x/license module.
type AppModule struct {
	cdc       codec.Codec
	keeper    keeper.Keeper
	authority string
	// Read by the simulation's message factories only (see WithSimulationKeepers).
	simStaking  simulation.StakingKeeper
	simPor      simulation.PorKeeper
	simAccounts simulation.AccountKeeper
	// What the simulation's attacks on license stake did (SimulationCounts).
	simCounts *simcount.Counts
}

// NewAppModule returns the module for k; authority (gov) is the default license authority.
func NewAppModule(cdc codec.Codec, k keeper.Keeper, authority string) AppModule {
	return AppModule{cdc: cdc, keeper: k, authority: authority, simCounts: simcount.New()}
}

func (AppModule) IsOnePerModuleType() {}
func (AppModule) IsAppModule()        {}

// WithSimulationKeepers gives the simulation's message factories what they read outside
// x/license: the validators and the x/por nodes licenses bind to, and the accounts (an
// attack plants one at a license's stake account).
func (am AppModule) WithSimulationKeepers(sk simulation.StakingKeeper, pk simulation.PorKeeper, ak simulation.AccountKeeper) AppModule {
	am.simStaking, am.simPor, am.simAccounts = sk, pk, ak
	return am
}

// SimulationCounts is what the simulation's attacks on license stake (issue 22) did in
// this app's simulation: each one's messages built, accepted and refused as expected.
func (am AppModule) SimulationCounts() *simcount.Counts { return am.simCounts }

// Name returns the module name.
func (AppModule) Name() string { return types.ModuleName }

// RegisterLegacyAminoCodec registers the messages for amino JSON signing.
func (AppModule) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterInterfaces registers the messages.
func (AppModule) RegisterInterfaces(r cdctypes.InterfaceRegistry) { types.RegisterInterfaces(r) }

// RegisterGRPCGatewayRoutes serves the queries over REST.
func (AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	if err := types.RegisterQueryHandlerClient(context.Background(), mux, types.NewQueryClient(clientCtx)); err != nil {
		panic(err)
	}
}

// GetTxCmd is `aegisd tx license`: claim-rewards is hand-written (client/cli); autocli adds
// the other messages (EnhanceCustomCommand).
func (AppModule) GetTxCmd() *cobra.Command { return cli.GetTxCmd() }

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQuerier(am.keeper))
}

// DefaultGenesis is TESTNET with gov as the license authority and no licenses.
func (am AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis(am.authority))
}

// ValidateGenesis checks the params and the license set.
func (AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	var gs types.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return fmt.Errorf("decoding %s genesis: %w", types.ModuleName, err)
	}
	return gs.Validate()
}

// InitGenesis stores the genesis state; ValidateGenesis has already run on it.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	var gs types.GenesisState
	cdc.MustUnmarshalJSON(bz, &gs)
	if err := am.keeper.InitGenesis(ctx, gs); err != nil {
		panic(fmt.Errorf("%s genesis: %w", types.ModuleName, err))
	}
}

// ExportGenesis exports the license state.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(fmt.Errorf("%s export: %w", types.ModuleName, err))
	}
	return cdc.MustMarshalJSON(gs)
}

// ConsensusVersion returns the module's state version.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

// BeginBlock records what x/staking returns for the license unbondings maturing now.
func (am AppModule) BeginBlock(ctx context.Context) error { return am.keeper.BeginBlocker(ctx) }

// EndBlock acts on the block's slashes and settles matured license unbondings.
func (am AppModule) EndBlock(ctx context.Context) error { return am.keeper.EndBlocker(ctx) }

// GenerateGenesisState writes a random license genesis for the simulation.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	simulation.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes the module's store for simulation diffs.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	sdr[types.StoreKey] = simtypes.NewStoreDecoderFuncFromCollectionsSchema(am.keeper.Schema)
}

// WeightedOperations is empty: the operations are the message factories of
// WeightedOperationsX.
func (AppModule) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation { return nil }

// ProposalMsgsX registers the governance proposals' params update.
func (am AppModule) ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get("msg_license_update_params", 100), simulation.MsgUpdateParamsFactory(am.keeper))
}

// WeightedOperationsX registers a factory for every user message (MsgUpdateParams comes
// through governance proposals: ProposalMsgsX), and the attacks on license stake
// accounts (simulation/attacks.go), counted in SimulationCounts. It needs
// WithSimulationKeepers.
func (am AppModule) WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry) {
	if am.simStaking == nil || am.simPor == nil || am.simAccounts == nil {
		panic("x/license simulation: call WithSimulationKeepers when wiring the module")
	}
	k := am.keeper
	reg.Add(weights.Get("msg_mint_licenses", 20), simulation.MsgMintLicensesFactory(k))
	reg.Add(weights.Get("msg_mint_licenses_rejected", 5), simulation.MsgMintLicensesRejectedFactory(k))
	reg.Add(weights.Get("msg_transfer_licenses", 20), simulation.MsgTransferLicensesFactory(k))
	reg.Add(weights.Get("msg_authorize_operator", 15), simulation.MsgAuthorizeOperatorFactory(k))
	reg.Add(weights.Get("msg_revoke_operator", 10), simulation.MsgRevokeOperatorFactory(k))
	reg.Add(weights.Get("msg_bind_to_validator", 50), simulation.MsgBindToValidatorFactory(k, am.simStaking))
	reg.Add(weights.Get("msg_bind_to_node", 25), simulation.MsgBindToNodeFactory(k, am.simPor))
	reg.Add(weights.Get("msg_unbind", 40), simulation.MsgUnbindFactory(k))
	reg.Add(weights.Get("msg_redeem_licenses", 15), simulation.MsgRedeemLicensesFactory(k))
	reg.Add(weights.Get("msg_claim_license_rewards", 20), simulation.MsgClaimLicenseRewardsFactory(k))

	// Attacks (issue 22): planted and funded stake accounts, top-ups during unbonding,
	// unbinding from a node with a challenge pending.
	c, ak := am.simCounts, am.simAccounts
	reg.Add(weights.Get("msg_plant_permanent_locked_account", 10), c.Wrap("plant_permanent_locked", simulation.MsgPlantPermanentLockedAccountFactory(k, ak)))
	reg.Add(weights.Get("msg_plant_vesting_account", 5), c.Wrap("plant_vesting", simulation.MsgPlantVestingAccountFactory(k, ak)))
	reg.Add(weights.Get("msg_plant_periodic_vesting_account", 5), c.Wrap("plant_periodic_vesting", simulation.MsgPlantPeriodicVestingAccountFactory(k, ak)))
	reg.Add(weights.Get("msg_send_to_license_account", 10), c.Wrap("send_to_license_account", simulation.MsgSendToLicenseAccountFactory(k)))
	reg.Add(weights.Get("msg_node_withdraw_to_license_account", 5), c.Wrap("node_withdraw_to_license_account", simulation.MsgSetNodeWithdrawToLicenseAccountFactory(k, am.simPor)))
	reg.Add(weights.Get("msg_mint_over_planted", 10), c.Wrap("mint_over_planted", simulation.MsgMintOverPlantedFactory(k, ak)))
	reg.Add(weights.Get("msg_top_up_unbonding", 20), c.Wrap("top_up_unbonding", simulation.MsgTopUpUnbondingFactory(k)))
	reg.Add(weights.Get("msg_unbind_challenged", 20), c.Wrap("unbind_challenged", simulation.MsgUnbindChallengedFactory(k, am.simPor)))
}
