package cmd

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/aegis-chain/aegis/app"
)

// validateGenesisCmd replaces the SDK's `genesis validate`: every module's
// ValidateGenesis, then the cross-module checks InitChainer runs, so that what this
// command accepts is what the chain boots.
func validateGenesisCmd(basics module.BasicManager) *cobra.Command {
	return &cobra.Command{
		Use:     "validate [file]",
		Aliases: []string{"validate-genesis"},
		Args:    cobra.RangeArgs(0, 1),
		Short:   "Validates the genesis file at the default location or at the location passed as an arg, including the facts that span modules",
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			path := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
			if len(args) == 1 {
				path = args[0]
			}
			appGenesis, err := genutiltypes.AppGenesisFromFile(path)
			if err != nil {
				return err
			}
			if err := appGenesis.ValidateAndComplete(); err != nil {
				return fmt.Errorf("genesis file %s: %w", path, err)
			}
			var state app.GenesisState
			if err := json.Unmarshal(appGenesis.AppState, &state); err != nil {
				return fmt.Errorf("genesis file %s: decoding app_state: %w", path, err)
			}
			// The sections of app.CrossCheckedModules are decoded and validated by
			// ValidateGenesisCrossModule (the same gs.Validate() their modules run): not
			// twice, as parsing a full-scale x/por section takes ~15 s.
			others := make(module.BasicManager, len(basics))
			for name, b := range basics {
				if !slices.Contains(app.CrossCheckedModules, name) {
					others[name] = b
				}
			}
			if err := others.ValidateGenesis(clientCtx.Codec, clientCtx.TxConfig, state); err != nil {
				return fmt.Errorf("genesis file %s: %w", path, err)
			}
			if err := app.ValidateGenesisCrossModule(clientCtx.Codec, state); err != nil {
				return fmt.Errorf("genesis file %s: %w", path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "File at %s is a valid genesis file\n", path)
			return nil
		},
	}
}
