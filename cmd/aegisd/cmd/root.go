// Package cmd builds the aegisd command tree.
package cmd

import (
	"errors"
	"os"
	runtimedebug "runtime/debug"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"cosmossdk.io/log/v2"
	confixcmd "cosmossdk.io/tools/confix/cmd"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/config"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"

	"github.com/aegis-chain/aegis/app"
)

// NewRootCmd builds the aegisd root command. A throwaway in-memory app supplies the codecs
// and the module list that autocli turns into tx and query commands.
func NewRootCmd() (*cobra.Command, error) {
	tmpHome, err := os.MkdirTemp("", "aegisd")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmpHome)
	// Synchronous pruning: this app only lends its codecs and module list, and IAVL's
	// asynchronous pruning would leave a goroutine per store running (and the app
	// reachable) for the whole life of the process, aegisd start included.
	tempApp, err := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(tmpHome), baseapp.SetIAVLSyncPruning(true))
	if err != nil {
		return nil, err
	}

	initClientCtx := client.Context{}.
		WithCodec(tempApp.AppCodec()).
		WithInterfaceRegistry(tempApp.InterfaceRegistry()).
		WithTxConfig(tempApp.TxConfig()).
		WithLegacyAmino(tempApp.LegacyAmino()).
		WithInput(os.Stdin).
		WithAccountRetriever(authtypes.AccountRetriever{}).
		WithHomeDir(app.DefaultNodeHome).
		WithViper("AEGISD")

	rootCmd := &cobra.Command{
		Use:           "aegisd",
		Short:         "Aegis: the app-chain for decentralized AI infrastructure",
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.OutOrStdout())
			cmd.SetErr(cmd.ErrOrStderr())

			clientCtx := initClientCtx.WithCmdContext(cmd.Context())
			clientCtx, err := client.ReadPersistentCommandFlags(clientCtx, cmd.Flags())
			if err != nil {
				return err
			}
			clientCtx, err = config.ReadFromClientConfig(clientCtx)
			if err != nil {
				return err
			}
			if err := client.SetCmdClientContextHandler(clientCtx, cmd); err != nil {
				return err
			}
			// Queries and txs are clients: binding the node's config files to their flags
			// would feed app.toml sections into same-named flags (e.g. --storage).
			if isClientCommand(cmd) {
				return nil
			}
			appTemplate, appConfig := initAppConfig()
			return server.InterceptConfigsPreRunHandler(cmd, appTemplate, appConfig, cmtcfg.DefaultConfig())
		},
	}

	sdk.GetConfig().Seal()
	basics := tempApp.BasicModuleManager
	rootCmd.AddCommand(
		genutilcli.InitCmd(basics, app.DefaultNodeHome),
		debug.Cmd(),
		confixcmd.ConfigCommand(),
		pruning.Cmd(newApp, app.DefaultNodeHome),
		snapshot.Cmd(newApp),
		server.QueryBlockResultsCmd(),
		testnetCmd(basics),
	)
	server.AddCommands(rootCmd, app.DefaultNodeHome, newApp, appExport, func(*cobra.Command) {})
	if err := leanExport(rootCmd, appExport); err != nil {
		return nil, err
	}
	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCommand(tempApp, basics),
		queryCommand(),
		txCommand(),
		keys.Commands(),
	)

	// autocli reads the per-command client context at run time; reading client.toml here
	// would pin viper to the default home before --home is parsed.
	autoCliOpts := tempApp.AutoCliOpts()
	autoCliOpts.ClientCtx = initClientCtx
	if err := autoCliOpts.EnhanceRootCommand(rootCmd); err != nil {
		return nil, err
	}
	codespaces := make([]string, 0, len(autoCliOpts.ModuleOptions))
	for name := range autoCliOpts.ModuleOptions {
		codespaces = append(codespaces, name)
	}
	makeReadable(rootCmd, autoCliOpts, codespaces)
	return rootCmd, nil
}

// isClientCommand reports whether cmd is under `aegisd query` or `aegisd tx`.
func isClientCommand(cmd *cobra.Command) bool {
	for c := cmd; c != nil && c.HasParent(); c = c.Parent() {
		if c.Parent().Parent() == nil && (c.Name() == "query" || c.Name() == "tx") {
			return true
		}
	}
	return false
}

// initAppConfig sets the app.toml defaults (see defaultAppConfig).
func initAppConfig() (string, any) {
	return serverconfig.DefaultConfigTemplate, *defaultAppConfig()
}

// defaultAppConfig is the SDK's app.toml with Aegis's defaults:
//   - a non-zero minimum gas price in uaegis, so a validator that never edits app.toml does
//     not run an open, free mempool;
//   - the application state in PebbleDB (app-db-backend; CometBFT's own stores keep
//     db_backend). Under the daily report load its compactions and cold reads cost less
//     CPU than goleveldb's: make bench measured a bank send at 740 tx/s against 605 and a
//     report at 615 against 463 on the same machine (docs/performance.md). A home created
//     before keeps the backend its app.toml names, which must stay the one its data was
//     written with.
func defaultAppConfig() *serverconfig.Config {
	srvCfg := serverconfig.DefaultConfig()
	srvCfg.MinGasPrices = app.DefaultMinGasPrices
	srvCfg.AppDBBackend = string(dbm.PebbleDBBackend)
	return srvCfg
}

func queryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Querying subcommands",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		rpc.ValidatorCommand(),
		server.QueryBlockCmd(),
		server.QueryBlocksCmd(),
		authcmd.QueryTxsByEventsCmd(),
		authcmd.QueryTxCmd(),
	)
	return cmd
}

func txCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Transactions subcommands",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetMultiSignBatchCmd(),
		authcmd.GetValidateSignaturesCommand(),
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}

func newApp(logger log.Logger, db dbm.DB, appOpts servertypes.AppOptions) servertypes.Application {
	a, err := app.New(logger, db, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
	if err != nil {
		// The server's AppCreator has no error return; a wiring failure must stop the node.
		panic(err)
	}
	// The Aegis figures on the node's Prometheus endpoints (app/metrics.go).
	if err := a.RegisterMetrics(prometheus.DefaultRegisterer); err != nil {
		panic(err)
	}
	return a
}

// appExport exports the app state for `aegisd export`. The SDK's command then loads the
// node's genesis file and marshals the whole document again: at full scale (~460 MB each)
// that came on top of the export's garbage — the app, its stores, every module's decoded
// state and JSON — still in the heap. Collecting it first lets those allocations reuse the
// memory (peak RSS of a full-scale export: docs/performance.md).
func appExport(
	logger log.Logger, db dbm.DB, height int64, forZeroHeight bool,
	jailAllowedAddrs []string, appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	exported, err := exportApp(logger, db, height, forZeroHeight, jailAllowedAddrs, appOpts, modulesToExport)
	runtimedebug.FreeOSMemory()
	return exported, err
}

func exportApp(
	logger log.Logger, db dbm.DB, height int64, forZeroHeight bool,
	jailAllowedAddrs []string, appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	homePath, ok := appOpts.Get(flags.FlagHome).(string)
	if !ok || homePath == "" {
		return servertypes.ExportedApp{}, errors.New("application home is not set")
	}
	if v, ok := appOpts.(*viper.Viper); ok {
		v.Set(server.FlagInvCheckPeriod, 1)
	}

	a, err := app.New(logger, db, height == -1, appOpts)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	if height != -1 {
		if err := a.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	return a.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}

// genesisCommand is the SDK's genesis commands, with a validate that also runs the
// cross-module checks, plus import-licenses.
func genesisCommand(a *app.App, basics module.BasicManager) *cobra.Command {
	cmd := genutilcli.Commands(a.TxConfig(), basics, app.DefaultNodeHome)
	for _, c := range cmd.Commands() {
		if c.Name() == "validate" {
			cmd.RemoveCommand(c)
		}
	}
	cmd.AddCommand(validateGenesisCmd(basics), importLicensesCmd(), chainRegistryCmd())
	return cmd
}
