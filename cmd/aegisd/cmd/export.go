package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/version"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// leanExport gives the SDK's `export` command (its flags, help and output unchanged) a run
// that does not waste the work of a full-scale export: the SDK's copies and keeps the app
// state of the node's genesis file (~400 MB at full scale) only to replace it, and marshals
// the exported document once more than it writes when the output is a file. The genesis
// header is read before the export, so its file is garbage before the export's peak.
func leanExport(root *cobra.Command, appExporter servertypes.AppExporter) error {
	if appExporter == nil {
		return errors.New("leanExport needs the app's exporter")
	}
	i := slices.IndexFunc(root.Commands(), func(c *cobra.Command) bool { return c.Name() == "export" })
	if i < 0 {
		return errors.New("the SDK's export command is missing")
	}
	root.Commands()[i].RunE = func(cmd *cobra.Command, _ []string) error {
		serverCtx := server.GetServerContextFromCmd(cmd)
		config := serverCtx.Config
		homeDir, _ := cmd.Flags().GetString(flags.FlagHome)
		config.SetRoot(homeDir)
		appGenesis, err := genesisHeaderFromFile(config.GenesisFile())
		if err != nil {
			return err
		}
		db, err := dbm.NewDB("application", server.GetAppDBBackend(serverCtx.Viper), filepath.Join(config.RootDir, "data"))
		if err != nil {
			return err
		}

		height, _ := cmd.Flags().GetInt64(server.FlagHeight)
		forZeroHeight, _ := cmd.Flags().GetBool(server.FlagForZeroHeight)
		jailAllowedAddrs, _ := cmd.Flags().GetStringSlice(server.FlagJailAllowedAddrs)
		modulesToExport, _ := cmd.Flags().GetStringSlice(server.FlagModulesToExport)
		outputDocument, _ := cmd.Flags().GetString(flags.FlagOutputDocument)
		exported, err := appExporter(serverCtx.Logger, db, height, forZeroHeight, jailAllowedAddrs, serverCtx.Viper, modulesToExport)
		if err != nil {
			return fmt.Errorf("error exporting state: %w", err)
		}

		appGenesis.AppName = version.AppName
		appGenesis.AppVersion = version.Version
		appGenesis.AppState = exported.AppState
		appGenesis.InitialHeight = exported.Height
		appGenesis.Consensus = genutiltypes.NewConsensusGenesis(exported.ConsensusParams, exported.Validators)

		if outputDocument != "" {
			return appGenesis.SaveAs(outputDocument)
		}
		out, err := json.Marshal(appGenesis)
		if err != nil {
			return err
		}
		_, err = cmd.OutOrStdout().Write(out)
		return err
	}
	return nil
}

// genesisHeaderFromFile is genutiltypes.AppGenesisFromFile without the app state (left
// empty): the export replaces it. A file that is not an AppGenesis (a CometBFT genesis,
// which the SDK reads as a fallback) is read by the SDK's function.
func genesisHeaderFromFile(file string) (*genutiltypes.AppGenesis, error) {
	bz, err := os.ReadFile(filepath.Clean(file))
	if err != nil {
		return nil, err
	}
	var header struct {
		genutiltypes.AppGenesis
		AppState skippedJSON `json:"app_state,omitempty"` // shadows AppGenesis.AppState
	}
	if err := json.Unmarshal(bz, &header); err != nil {
		return genutiltypes.AppGenesisFromFile(file)
	}
	return &header.AppGenesis, nil
}

// skippedJSON accepts any JSON value (json.Unmarshal has checked it is valid) and keeps none.
type skippedJSON struct{}

func (*skippedJSON) UnmarshalJSON([]byte) error { return nil }
