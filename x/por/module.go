// Package por is the x/por module: Proof-of-Resources node roles, reports and the daily
// split of the emission across role pools, with lazily settled node rewards.
package por

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
	"github.com/aegis-chain/aegis/x/por/client/cli"
	"github.com/aegis-chain/aegis/x/por/keeper"
	"github.com/aegis-chain/aegis/x/por/simulation"
	"github.com/aegis-chain/aegis/x/por/types"
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

// AppModule is the x/por module.
type AppModule struct {
	cdc    codec.Codec
	keeper keeper.Keeper
	// What the simulation's attacks (escaping a challenge) did (SimulationCounts).
	simCounts *simcount.Counts
}

// NewAppModule returns the module for k.
func NewAppModule(cdc codec.Codec, k keeper.Keeper) AppModule {
	return AppModule{cdc: cdc, keeper: k, simCounts: simcount.New()}
}

// SimulationCounts is what the simulation's attacks (simulation/attacks.go) did in this
// app's simulation: each one's messages built, accepted and refused as expected.
func (am AppModule) SimulationCounts() *simcount.Counts { return am.simCounts }

func (AppModule) IsOnePerModuleType() {}
func (AppModule) IsAppModule()        {}

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

// GetTxCmd is `aegisd tx por`: report and claim are hand-written (client/cli); autocli
// adds the other messages (EnhanceCustomCommand).
func (AppModule) GetTxCmd() *cobra.Command { return cli.GetTxCmd() }

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQuerier(am.keeper))
}

// DefaultGenesis is the default params with empty roles.
func (AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis checks the params and the module's invariants.
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

// ExportGenesis exports the whole module state.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(fmt.Errorf("%s export: %w", types.ModuleName, err))
	}
	return cdc.MustMarshalJSON(gs)
}

// ConsensusVersion returns the module's state version.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

// BeginBlock samples a finished day's challenges, before the block's reports.
func (am AppModule) BeginBlock(ctx context.Context) error { return am.keeper.BeginBlocker(ctx) }

// EndBlock releases matured unbonding stake and resolves closed challenge windows.
func (am AppModule) EndBlock(ctx context.Context) error { return am.keeper.EndBlocker(ctx) }

// GenerateGenesisState writes a random genesis with hundreds of nodes for the simulation.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	simulation.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes the module's store for simulation diffs.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	sdr[types.StoreKey] = simtypes.NewStoreDecoderFuncFromCollectionsSchema(am.keeper.Schema)
}

// WeightedOperations is empty: the operations are registered by WeightedOperationsX.
func (AppModule) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation { return nil }

// WeightedOperationsX registers a factory for every message a node operator sends, valid
// ones and ones the keeper must refuse, and the attacks of simulation/attacks.go, counted
// in SimulationCounts.
func (am AppModule) WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry) {
	k := am.keeper
	reg.Add(weights.Get("msg_register_node", 40), simulation.MsgRegisterNodeFactory(k))
	reg.Add(weights.Get("msg_register_node_full_role", 5), simulation.MsgRegisterNodeInFullRoleFactory(k))
	reg.Add(weights.Get("msg_activate_role", 20), simulation.MsgActivateRoleFactory(k))
	reg.Add(weights.Get("msg_deactivate_role", 10), simulation.MsgDeactivateRoleFactory(k))
	reg.Add(weights.Get("msg_add_stake", 15), simulation.MsgAddStakeFactory(k))
	reg.Add(weights.Get("msg_unbond_stake", 15), simulation.MsgUnbondStakeFactory(k))
	reg.Add(weights.Get("msg_set_withdraw_address", 10), simulation.MsgSetWithdrawAddressFactory(k))
	reg.Add(weights.Get("msg_submit_report", 100), simulation.MsgSubmitReportFactory(k))
	reg.Add(weights.Get("msg_submit_report_invalid", 10), simulation.MsgSubmitReportInvalidFactory(k))
	reg.Add(weights.Get("msg_claim_rewards", 40), simulation.MsgClaimRewardsFactory(k))
	reg.Add(weights.Get("msg_answer_challenge", 60), simulation.MsgAnswerChallengeFactory(k))

	// Attacks (issue 22): a node with a challenge pending frees its roles and unbonds its
	// stake before the deadline.
	c := am.simCounts
	reg.Add(weights.Get("msg_deactivate_role_challenged", 15), c.Wrap("deactivate_role_challenged", simulation.MsgDeactivateRoleChallengedFactory(k)))
	reg.Add(weights.Get("msg_unbond_stake_challenged", 20), c.Wrap("unbond_stake_challenged", simulation.MsgUnbondStakeChallengedFactory(k)))
}

// ProposalMsgsX registers the governance messages: slashing a node and new params.
func (am AppModule) ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get("msg_slash_node", 20), simulation.MsgSlashNodeFactory(am.keeper))
	reg.Add(weights.Get("msg_update_params", 10), simulation.MsgUpdateParamsFactory(am.keeper))
}
