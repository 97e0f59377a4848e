// Package app wires the Aegis application: the SDK modules every chain needs plus the Aegis
// modules, by hand (no depinject), so every keeper dependency is visible in one place.
package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cast"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/auth/vesting"
	vestingtypes "github.com/cosmos/cosmos-sdk/x/auth/vesting/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	authzmodule "github.com/cosmos/cosmos-sdk/x/authz/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensuskeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensustypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/evidence"
	evidencekeeper "github.com/cosmos/cosmos-sdk/x/evidence/keeper"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	feegrantkeeper "github.com/cosmos/cosmos-sdk/x/feegrant/keeper"
	feegrantmodule "github.com/cosmos/cosmos-sdk/x/feegrant/module"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1beta1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1beta1"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/upgrade"
	upgradekeeper "github.com/cosmos/cosmos-sdk/x/upgrade/keeper"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/aegis-chain/aegis/client/openapi"
	"github.com/aegis-chain/aegis/x/emission"
	emissionkeeper "github.com/aegis-chain/aegis/x/emission/keeper"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	"github.com/aegis-chain/aegis/x/license"
	licensekeeper "github.com/aegis-chain/aegis/x/license/keeper"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	"github.com/aegis-chain/aegis/x/por"
	porkeeper "github.com/aegis-chain/aegis/x/por/keeper"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// maccPerms are the module accounts and what each may do with tokens.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:          nil,
	distrtypes.ModuleName:               nil,
	stakingtypes.BondedPoolName:         {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName:      {authtypes.Burner, authtypes.Staking},
	stakingtypes.KeyRotationFeePoolName: {authtypes.Burner},
	govtypes.ModuleName:                 {authtypes.Burner},
	emissiontypes.ModuleName:            {authtypes.Minter},
	portypes.ModuleName:                 nil,
	portypes.StakeAccount:               nil,
	licensetypes.ModuleName:             {authtypes.Minter, authtypes.Burner},
}

var _ servertypes.Application = (*App)(nil)

// App is the Aegis ABCI application.
type App struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry
	keys              map[string]*storetypes.KVStoreKey
	supplyKey         *storetypes.TransientStoreKey

	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.BaseKeeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        slashingkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             govkeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	AuthzKeeper           authzkeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	FeeGrantKeeper        feegrantkeeper.Keeper
	ConsensusParamsKeeper consensuskeeper.Keeper

	EmissionKeeper emissionkeeper.Keeper
	PorKeeper      porkeeper.Keeper
	LicenseKeeper  licensekeeper.Keeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	configurator       module.Configurator
	sm                 *module.SimulationManager

	closeOnce sync.Once
	closeErr  error
}

// Close closes the app's databases, once. The SDK's start command calls it from two cleanups
// when the node stops (cosmos/cosmos-sdk#26558), and a second close of the PebbleDB that
// holds the application state panics ("pebble: closed"): every stop of aegisd exited with a
// panic.
func (app *App) Close() error {
	app.closeOnce.Do(func() { app.closeErr = app.BaseApp.Close() })
	return app.closeErr
}

// New builds the application. It returns an error rather than panicking so that the
// daemon and the tests can report a wiring mistake cleanly.
func New(
	logger log.Logger,
	db dbm.DB,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	baseAppOptions ...func(*baseapp.BaseApp),
) (*App, error) {
	interfaceRegistry, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32AccountAddrPrefix()},
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: sdk.GetConfig().GetBech32ValidatorAddrPrefix()},
		},
	})
	if err != nil {
		return nil, err
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	legacyAmino := codec.NewLegacyAmino()
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)
	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	bApp := baseapp.NewBaseApp(AppName, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(
		authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey, distrtypes.StoreKey,
		slashingtypes.StoreKey, govtypes.StoreKey, upgradetypes.StoreKey, feegrant.StoreKey,
		evidencetypes.StoreKey, authzkeeper.StoreKey, consensustypes.StoreKey,
		emissiontypes.StoreKey, portypes.StoreKey, licensetypes.StoreKey,
	)
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		return nil, err
	}

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys:              keys,
		supplyKey:         storetypes.NewTransientStoreKey(SupplyStoreKey),
	}
	govAuthority := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	store := func(name string) corestore.KVStoreService { return runtime.NewKVStoreService(keys[name]) }

	app.ConsensusParamsKeeper = consensuskeeper.NewKeeper(appCodec, store(consensustypes.StoreKey), govAuthority, runtime.EventService{})
	bApp.SetParamStore(app.ConsensusParamsKeeper.ParamsStore)

	app.AccountKeeper = authkeeper.NewAccountKeeper(appCodec, store(authtypes.StoreKey), authtypes.ProtoBaseAccount,
		maccPerms, authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix()), sdk.GetConfig().GetBech32AccountAddrPrefix(), govAuthority)
	app.BankKeeper = bankkeeper.NewBaseKeeper(appCodec, store(banktypes.StoreKey), app.AccountKeeper,
		BlockedAddresses(), govAuthority, logger)
	// The modules that mint or burn do it through supplyRecorder, which records each block's
	// mints and burns for the block checker's supply identity.
	recorder := supplyRecorder{BaseKeeper: app.BankKeeper, key: app.supplyKey}
	app.StakingKeeper = stakingkeeper.NewKeeper(appCodec, store(stakingtypes.StoreKey), app.AccountKeeper, recorder,
		govAuthority, authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()))
	app.DistrKeeper = distrkeeper.NewKeeper(appCodec, store(distrtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		app.StakingKeeper, authtypes.FeeCollectorName, govAuthority)
	app.SlashingKeeper = slashingkeeper.NewKeeper(appCodec, legacyAmino, store(slashingtypes.StoreKey), app.StakingKeeper, govAuthority)
	app.FeeGrantKeeper = feegrantkeeper.NewKeeper(appCodec, store(feegrant.StoreKey), app.AccountKeeper)
	app.AuthzKeeper = authzkeeper.NewKeeper(store(authzkeeper.StoreKey), appCodec, app.MsgServiceRouter(), app.AccountKeeper)

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get(flags.FlagHome))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights, store(upgradetypes.StoreKey), appCodec, homePath, app.BaseApp, govAuthority)

	govKeeper := govkeeper.NewKeeper(appCodec, store(govtypes.StoreKey), app.AccountKeeper, recorder, app.DistrKeeper,
		app.MsgServiceRouter(), govtypes.DefaultConfig(), govAuthority,
		govkeeper.NewDefaultCalculateVoteResultsAndVotingPower(app.StakingKeeper))
	// Without a legacy router a MsgExecLegacyContent proposal (a v1beta1 text proposal,
	// which any holder may submit) dereferences a nil router: route text proposals.
	govKeeper.SetLegacyRouter(govv1beta1.NewRouter().AddRoute(govtypes.RouterKey, govv1beta1.ProposalHandler))
	app.GovKeeper = *govKeeper

	app.EvidenceKeeper = *evidencekeeper.NewKeeper(appCodec, store(evidencetypes.StoreKey), app.StakingKeeper, app.SlashingKeeper,
		app.AccountKeeper.AddressCodec(), runtime.ProvideCometInfoService())

	app.EmissionKeeper = emissionkeeper.NewKeeper(appCodec, store(emissiontypes.StoreKey), app.AccountKeeper, recorder)
	// x/por and x/license refer to each other: licenses count as node stake, and
	// liquidated license backing goes to the por reserves.
	app.LicenseKeeper = licensekeeper.NewKeeper(appCodec, store(licensetypes.StoreKey), app.AccountKeeper, recorder,
		app.StakingKeeper, app.DistrKeeper, nil, govAuthority)
	app.PorKeeper = porkeeper.NewKeeper(appCodec, store(portypes.StoreKey), app.AccountKeeper, app.BankKeeper, app.EmissionKeeper, govAuthority)
	app.PorKeeper.SetExternalStake(app.LicenseKeeper)
	app.LicenseKeeper.SetPorKeeper(app.PorKeeper)
	app.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(
		app.DistrKeeper.Hooks(), app.SlashingKeeper.Hooks(), app.LicenseKeeper.Hooks()))
	// Each day's issuance goes to x/por, which splits it across the role pools.
	app.EmissionKeeper.SetDayDistributor(portypes.ModuleName, app.PorKeeper)

	app.ModuleManager = module.NewManager(
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts),
		vesting.NewAppModule(app.AccountKeeper, app.BankKeeper),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper),
		feegrantmodule.NewAppModule(appCodec, app.AccountKeeper, app.BankKeeper, app.FeeGrantKeeper, interfaceRegistry),
		gov.NewAppModule(appCodec, &app.GovKeeper, app.AccountKeeper, app.BankKeeper),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, interfaceRegistry),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper),
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		evidence.NewAppModule(app.EvidenceKeeper),
		authzmodule.NewAppModule(appCodec, app.AuthzKeeper, app.AccountKeeper, app.BankKeeper, interfaceRegistry),
		consensus.NewAppModule(appCodec, app.ConsensusParamsKeeper),
		emission.NewAppModule(appCodec, app.EmissionKeeper),
		por.NewAppModule(appCodec, app.PorKeeper),
		license.NewAppModule(appCodec, app.LicenseKeeper, govAuthority).
			WithSimulationKeepers(app.StakingKeeper, porkeeper.NewQuerier(app.PorKeeper), app.AccountKeeper),
	)
	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
		banktypes.ModuleName:    bankBasic{app.ModuleManager.Modules[banktypes.ModuleName].(bank.AppModule).AppModuleBasic},
	})
	app.BasicModuleManager.RegisterLegacyAminoCodec(legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(interfaceRegistry)

	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName, authtypes.ModuleName)
	// Distribution pays out the previous block's fees before slashing can change stake.
	app.ModuleManager.SetOrderBeginBlockers(
		distrtypes.ModuleName, slashingtypes.ModuleName, evidencetypes.ModuleName,
		stakingtypes.ModuleName, genutiltypes.ModuleName, authz.ModuleName, portypes.ModuleName,
		licensetypes.ModuleName, // records what x/staking returns for license unbondings maturing now
	)
	// Emission runs last so a day's issuance sees every state change of the block.
	app.ModuleManager.SetOrderEndBlockers(
		govtypes.ModuleName, stakingtypes.ModuleName, genutiltypes.ModuleName,
		feegrant.ModuleName, banktypes.ModuleName, emissiontypes.ModuleName, portypes.ModuleName,
		licensetypes.ModuleName, // after staking: completes license unbondings staking paid out
	)
	// genutil runs after staking (gentxs need the pools) and after auth (it needs its params).
	genesisOrder := []string{
		authtypes.ModuleName, banktypes.ModuleName, distrtypes.ModuleName, stakingtypes.ModuleName,
		slashingtypes.ModuleName, govtypes.ModuleName, genutiltypes.ModuleName, evidencetypes.ModuleName,
		authz.ModuleName, feegrant.ModuleName, upgradetypes.ModuleName, vestingtypes.ModuleName,
		consensustypes.ModuleName, emissiontypes.ModuleName, portypes.ModuleName, licensetypes.ModuleName,
	}
	// InitChainer stores these three itself, after the module manager has run the rest.
	if !slices.Equal(genesisOrder[len(genesisOrder)-len(CrossCheckedModules):], CrossCheckedModules) {
		return nil, fmt.Errorf("genesis order must end with %v (InitChainer stores them last)", CrossCheckedModules)
	}
	app.ModuleManager.SetOrderInitGenesis(genesisOrder...)
	app.ModuleManager.SetOrderExportGenesis(genesisOrder...)

	app.configurator = module.NewConfigurator(appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		return nil, err
	}
	if err := app.registerUpgrades(); err != nil {
		return nil, err
	}

	app.sm = app.newSimulationManager()

	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		return nil, err
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)

	app.MountKVStores(keys)
	app.MountStore(app.supplyKey, storetypes.StoreTypeTransient)
	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)
	if err := app.setAnteHandler(); err != nil {
		return nil, err
	}
	if err := app.setPostHandler(); err != nil {
		return nil, err
	}

	protoFiles, err := proto.MergedRegistry()
	if err != nil {
		return nil, err
	}
	if err := msgservice.ValidateProtoAnnotations(protoFiles); err != nil {
		return nil, fmt.Errorf("invalid proto annotations: %w", err)
	}

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			return nil, fmt.Errorf("loading latest version: %w", err)
		}
		// Queries read through queryStore (app/querystore.go); x/upgrade's store is its probe.
		if rs, ok := app.CommitMultiStore().(*rootmulti.Store); ok {
			app.SetQueryMultiStore(newQueryStore(rs, upgradetypes.StoreKey))
		}
	}
	return app, nil
}

// PreBlocker runs the upgrade check before anything else in the block.
func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

// BeginBlocker runs every module's BeginBlock in the configured order.
func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// EndBlocker runs every module's EndBlock in the configured order.
func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// CrossCheckedModules are the modules whose sections the cross-module check decodes and
// validates (with each module's own ValidateGenesis) and InitChainer then stores, in this
// order, after every other module.
var CrossCheckedModules = []string{emissiontypes.ModuleName, portypes.ModuleName, licensetypes.ModuleName}

// InitChainer initialises every module from the genesis app state.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesis GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &genesis); err != nil {
		return nil, fmt.Errorf("decoding genesis app state: %w", err)
	}
	// Refuse a genesis that would boot into a halt, before any module stores it.
	sections, err := checkGenesis(app.appCodec, genesis)
	if err != nil {
		return nil, fmt.Errorf("invalid genesis: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	// x/emission, x/por and x/license come last in the genesis order (checked by NewApp).
	// The module manager runs the others; then these are stored from the sections the check
	// above decoded and validated: the x/por one is the largest of a genesis (~300 MB at
	// full scale, where parsing it again took a quarter of InitChain), and a section the
	// genesis leaves out is stored as its module's default, as the check judged it, instead
	// of skipped (an x/por with no params halts the first block).
	others := make(GenesisState, len(genesis))
	for name, bz := range genesis {
		if !slices.Contains(CrossCheckedModules, name) {
			others[name] = bz
		}
	}
	res, err := app.ModuleManager.InitGenesis(ctx, newDecodedCodec(app.appCodec,
		decodedSection{genesis[banktypes.ModuleName], sections.bank}, decodedSection{genesis[stakingtypes.ModuleName], sections.staking}), others)
	if err != nil {
		return nil, err
	}
	if err := app.EmissionKeeper.InitGenesis(ctx, *sections.emission); err != nil {
		return nil, fmt.Errorf("%s genesis: %w", emissiontypes.ModuleName, err)
	}
	if err := app.PorKeeper.InitGenesis(ctx, *sections.por); err != nil {
		return nil, fmt.Errorf("%s genesis: %w", portypes.ModuleName, err)
	}
	if err := app.LicenseKeeper.InitGenesis(ctx, *sections.license); err != nil {
		return nil, fmt.Errorf("%s genesis: %w", licensetypes.ModuleName, err)
	}
	return res, nil
}

// LoadHeight loads the state at a past height (used by export).
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// Configurator exposes the module configurator (for upgrade migrations).
func (app *App) Configurator() module.Configurator { return app.configurator }

// LegacyAmino is the amino codec, kept for legacy JSON signing.
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec is the protobuf codec.
func (app *App) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry holds every registered interface implementation.
func (app *App) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig is the transaction encoding configuration.
func (app *App) TxConfig() client.TxConfig { return app.txConfig }

// GetKey returns the store key of a module (tests and upgrades).
func (app *App) GetKey(name string) *storetypes.KVStoreKey { return app.keys[name] }

// DefaultGenesis is the genesis of every module, with Aegis's denom settings.
func (app *App) DefaultGenesis() GenesisState {
	return NewDefaultGenesisState(app.appCodec, app.BasicModuleManager)
}

// AutoCliOpts lets client/v2 build tx and query commands from each module's services.
func (app *App) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.ModuleManager.Modules {
		named, ok := m.(module.HasName)
		if !ok {
			continue
		}
		if am, ok := named.(appmodule.AppModule); ok {
			modules[named.Name()] = am
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix()),
		ValidatorAddressCodec: authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		ConsensusAddressCodec: authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()),
	}
}

// RegisterAPIRoutes registers the REST (grpc-gateway) routes and, when api.swagger is on,
// swagger-ui at /swagger/ with the Aegis OpenAPI document (client/openapi) rather than the
// SDK's stock one, which lacks the Aegis modules and lists modules Aegis does not run.
// client/openapi's tests check the document against exactly these routes.
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	if !apiConfig.Swagger {
		return
	}
	swagger, err := openapi.Handler()
	if err != nil {
		app.Logger().Error("registering swagger API", "err", err)
		return
	}
	apiSvr.Router.Handle(strings.TrimSuffix(openapi.Prefix, "/"), http.RedirectHandler(openapi.Prefix, http.StatusMovedPermanently))
	apiSvr.Router.PathPrefix(openapi.Prefix).Handler(swagger)
}

// RegisterTxService serves the tx simulation and broadcast gRPC service.
func (app *App) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.simulate, app.interfaceRegistry)
}

// RegisterTendermintService serves the CometBFT gRPC query service.
func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtApp := server.NewCometABCIWrapper(app)
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, cmtApp.Query)
}

// RegisterNodeService serves the node gRPC service (config, status).
func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg, func() int64 {
		return app.CommitMultiStore().EarliestVersion()
	})
}

// ModuleAccountPermissions returns a copy of the module account permissions.
func ModuleAccountPermissions() map[string][]string {
	return maps.Clone(maccPerms)
}

// BlockedAddresses are the module accounts that may not receive tokens by a send: their
// balances are accounted by their modules. Gov is open so anyone can fund a proposal.
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool, len(maccPerms))
	for name := range maccPerms {
		blocked[authtypes.NewModuleAddress(name).String()] = true
	}
	delete(blocked, authtypes.NewModuleAddress(govtypes.ModuleName).String())
	return blocked
}
