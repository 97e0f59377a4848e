package cmd

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	licensekeeper "github.com/aegis-chain/aegis/x/license/keeper"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
)

const flagLicenseAuthority = "license-authority"

// importLicensesCmd writes the licenses of an exported TESTNET genesis into the MAINNET
// genesis being prepared in --home.
func importLicensesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import-licenses <testnet-export.json>",
		Short: "Carry the licenses of an exported testnet into this (mainnet) genesis",
		Long: `Reads the license state of an exported TESTNET genesis (aegisd export) and writes it into
the genesis file in --home as a MAINNET license state: ids, owners and operators are kept;
bindings are cleared (mainnet validators and nodes are new); backing is reset; liquidated or
redeemed licenses are dropped; the stage becomes MAINNET, so no license can ever be minted.
Prints the license count and the license-set commitment, which 'aegisd q license commitment'
returns on either chain.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			cdc := clientCtx.Codec
			serverCtx := server.GetServerContextFromCmd(cmd)
			genFile := serverCtx.Config.GenesisFile()

			testnet, err := genutiltypes.AppGenesisFromFile(args[0])
			if err != nil {
				return fmt.Errorf("reading testnet export %s: %w", args[0], err)
			}
			var testnetState map[string]json.RawMessage
			if err := json.Unmarshal(testnet.AppState, &testnetState); err != nil {
				return fmt.Errorf("decoding testnet app state: %w", err)
			}
			var testnetLicenses licensetypes.GenesisState
			if err := cdc.UnmarshalJSON(testnetState[licensetypes.ModuleName], &testnetLicenses); err != nil {
				return fmt.Errorf("decoding testnet license state: %w", err)
			}
			if testnetLicenses.Params.Stage != licensetypes.STAGE_TESTNET {
				return fmt.Errorf("%s is a %s export: licenses are carried from a TESTNET", args[0], testnetLicenses.Params.Stage)
			}

			mainnet, err := genutiltypes.AppGenesisFromFile(genFile)
			if err != nil {
				return fmt.Errorf("reading %s: %w", genFile, err)
			}
			var state map[string]json.RawMessage
			if err := json.Unmarshal(mainnet.AppState, &state); err != nil {
				return err
			}
			var current licensetypes.GenesisState
			if err := cdc.UnmarshalJSON(state[licensetypes.ModuleName], &current); err != nil {
				return err
			}
			authority, _ := cmd.Flags().GetString(flagLicenseAuthority)
			if authority == "" {
				authority = current.Params.Authority
			}
			imported := licensekeeper.MainnetGenesis(testnetLicenses, authority)
			if err := imported.Validate(); err != nil {
				return fmt.Errorf("imported license state: %w", err)
			}
			if state[licensetypes.ModuleName], err = cdc.MarshalJSON(&imported); err != nil {
				return err
			}
			if mainnet.AppState, err = json.MarshalIndent(state, "", "  "); err != nil {
				return err
			}
			if err := mainnet.SaveAs(genFile); err != nil {
				return err
			}
			sum, n := licensetypes.CommitmentOf(imported.Licenses)
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d licenses into %s (stage MAINNET)\ncommitment %s\n", n, genFile, sum)
			return nil
		},
	}
	cmd.Flags().String(flagLicenseAuthority, "", "license authority on the mainnet (default: the one in the target genesis)")
	return cmd
}
