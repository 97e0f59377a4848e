package cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	cmtconfig "github.com/cometbft/cometbft/config"
	cmttime "github.com/cometbft/cometbft/types/time"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/server"
	srvconfig "github.com/cosmos/cosmos-sdk/server/config"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
)

const (
	flagNumValidators    = "v"
	flagOutputDir        = "output-dir"
	flagNodeDirPrefix    = "node-dir-prefix"
	flagNodeDaemonHome   = "node-daemon-home"
	flagStartingIPAddr   = "starting-ip-address"
	flagStartingP2PPort  = "starting-p2p-port"
	flagAccountTokens    = "account-tokens"
	flagStakingTokens    = "staking-tokens"
	flagCommitTimeoutSec = "commit-timeout"
)

type testnetArgs struct {
	numValidators  int
	outputDir      string
	chainID        string
	minGasPrices   string
	nodeDirPrefix  string
	nodeDaemonHome string
	startingIP     string
	p2pPort        int
	keyringBackend string
	accountTokens  math.Int
	stakingTokens  math.Int
	commitTimeout  time.Duration
}

func testnetCmd(basics module.BasicManager) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "testnet",
		Short:                      "Create configuration for a multi-validator test network",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(testnetInitFilesCmd(basics))
	return cmd
}

func testnetInitFilesCmd(basics module.BasicManager) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init-files",
		Short: "Write the home directories of N validators that share one genesis",
		Long: `Writes <output-dir>/node<i>/aegisd for every validator: CometBFT and app config, node and
validator keys, a funded operator key (printed to key_seed.json), and a genesis with every
validator's gentx. Peers are set so the nodes find each other on consecutive IPs (or on one
host with distinct ports when --starting-ip-address is 127.0.0.1).`,
		Example: "aegisd testnet init-files --v 4 --output-dir ./.testnet --chain-id aegis-testnet-1",
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			a := testnetArgs{}
			a.numValidators, _ = cmd.Flags().GetInt(flagNumValidators)
			a.outputDir, _ = cmd.Flags().GetString(flagOutputDir)
			a.chainID, _ = cmd.Flags().GetString(flags.FlagChainID)
			a.minGasPrices, _ = cmd.Flags().GetString(server.FlagMinGasPrices)
			a.nodeDirPrefix, _ = cmd.Flags().GetString(flagNodeDirPrefix)
			a.nodeDaemonHome, _ = cmd.Flags().GetString(flagNodeDaemonHome)
			a.startingIP, _ = cmd.Flags().GetString(flagStartingIPAddr)
			a.p2pPort, _ = cmd.Flags().GetInt(flagStartingP2PPort)
			a.keyringBackend, _ = cmd.Flags().GetString(flags.FlagKeyringBackend)
			a.commitTimeout, _ = cmd.Flags().GetDuration(flagCommitTimeoutSec)
			accountTokens, _ := cmd.Flags().GetString(flagAccountTokens)
			stakingTokens, _ := cmd.Flags().GetString(flagStakingTokens)
			var ok bool
			if a.accountTokens, ok = math.NewIntFromString(accountTokens); !ok || !a.accountTokens.IsPositive() {
				return fmt.Errorf("--%s must be a positive integer, got %q", flagAccountTokens, accountTokens)
			}
			if a.stakingTokens, ok = math.NewIntFromString(stakingTokens); !ok || !a.stakingTokens.IsPositive() {
				return fmt.Errorf("--%s must be a positive integer, got %q", flagStakingTokens, stakingTokens)
			}
			if a.stakingTokens.GT(a.accountTokens) {
				return fmt.Errorf("--%s must not exceed --%s", flagStakingTokens, flagAccountTokens)
			}
			if a.numValidators < 1 {
				return fmt.Errorf("--%s must be at least 1", flagNumValidators)
			}
			if net.ParseIP(a.startingIP).To4() == nil {
				return fmt.Errorf("--%s must be an IPv4 address, got %q", flagStartingIPAddr, a.startingIP)
			}
			if a.chainID == "" {
				a.chainID = "aegis-testnet-1"
			}
			return initTestnetFiles(clientCtx, cmd, basics, a)
		},
	}
	cmd.Flags().Int(flagNumValidators, 4, "number of validators")
	cmd.Flags().StringP(flagOutputDir, "o", "./.testnet", "directory to write the node homes into")
	cmd.Flags().String(flagNodeDirPrefix, "node", "prefix of each node's directory name")
	cmd.Flags().String(flagNodeDaemonHome, "aegisd", "home directory name inside each node directory")
	cmd.Flags().String(flagStartingIPAddr, "127.0.0.1", "IP of the first node; others count up (on 127.0.0.1 ports count up instead)")
	cmd.Flags().Int(flagStartingP2PPort, 26656, "P2P port of the first node")
	cmd.Flags().String(flags.FlagChainID, "", "chain ID (default aegis-testnet-1)")
	cmd.Flags().String(server.FlagMinGasPrices, app.DefaultMinGasPrices, "minimum gas prices each validator accepts")
	cmd.Flags().String(flags.FlagKeyringBackend, keyring.BackendTest, "keyring backend of the operator keys")
	cmd.Flags().String(flagAccountTokens, "1000000000000", "uaegis each validator operator account holds at genesis")
	cmd.Flags().String(flagStakingTokens, "100000000000", "uaegis each validator self-delegates")
	cmd.Flags().Duration(flagCommitTimeoutSec, 2*time.Second, "CometBFT commit timeout")
	return cmd
}

// nodeAddr is where node i listens: consecutive IPs, or consecutive ports on loopback so
// every node runs on one machine.
func nodeAddr(a testnetArgs, i int) (ip string, portOffset int) {
	if a.startingIP == "127.0.0.1" {
		return a.startingIP, i * 10
	}
	base := net.ParseIP(a.startingIP).To4()
	next := make(net.IP, len(base))
	copy(next, base)
	next[3] += byte(i)
	return next.String(), 0
}

func initTestnetFiles(clientCtx client.Context, cmd *cobra.Command, basics module.BasicManager, a testnetArgs) error {
	cfgs := make([]cmtconfig.Config, a.numValidators)
	nodeIDs := make([]string, a.numValidators)
	valPubKeys := make([]cryptotypes.PubKey, a.numValidators)
	var genAccounts []authtypes.GenesisAccount
	var genBalances []banktypes.Balance
	var peers []string
	gentxsDir := filepath.Join(a.outputDir, "gentxs")

	appCfg := defaultAppConfig()
	appCfg.MinGasPrices = a.minGasPrices
	appCfg.API.Enable = true
	appCfg.GRPC.Enable = true

	for i := 0; i < a.numValidators; i++ {
		nodeName := fmt.Sprintf("%s%d", a.nodeDirPrefix, i)
		home := filepath.Join(a.outputDir, nodeName, a.nodeDaemonHome)
		ip, off := nodeAddr(a, i)

		// A fresh config per node: Config holds its sections by pointer, so a copy would share them.
		cfg := *cmtconfig.DefaultConfig()
		cfg.SetRoot(home)
		cfg.Moniker = nodeName
		cfg.Consensus.TimeoutCommit = a.commitTimeout
		cfg.P2P.ListenAddress = fmt.Sprintf("tcp://0.0.0.0:%d", a.p2pPort+off)
		cfg.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", 26657+off)
		cfg.P2P.AllowDuplicateIP = true
		cfg.RPC.PprofListenAddress = ""
		appCfg.API.Address = fmt.Sprintf("tcp://127.0.0.1:%d", 1317+off)
		appCfg.GRPC.Address = fmt.Sprintf("127.0.0.1:%d", 9090+off)
		if err := os.MkdirAll(filepath.Join(home, "config"), 0o755); err != nil {
			return err
		}
		cfgs[i] = cfg

		var err error
		nodeIDs[i], valPubKeys[i], err = genutil.InitializeNodeValidatorFiles(&cfg)
		if err != nil {
			return err
		}
		peers = append(peers, fmt.Sprintf("%s@%s:%d", nodeIDs[i], ip, a.p2pPort+off))

		kb, err := keyring.New(sdk.KeyringServiceName(), a.keyringBackend, home, bufio.NewReader(cmd.InOrStdin()), clientCtx.Codec)
		if err != nil {
			return err
		}
		algo, err := keyring.NewSigningAlgoFromString(string(hd.Secp256k1Type), keyring.SigningAlgoList{hd.Secp256k1})
		if err != nil {
			return err
		}
		rec, secret, err := kb.NewMnemonic(nodeName, keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, algo)
		if err != nil {
			return err
		}
		addr, err := rec.GetAddress()
		if err != nil {
			return err
		}
		seed, err := json.MarshalIndent(map[string]string{"secret": secret, "address": addr.String()}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(home, "key_seed.json"), seed, 0o600); err != nil {
			return err
		}

		coins := sdk.NewCoins(sdk.NewCoin(app.BondDenom, a.accountTokens))
		genBalances = append(genBalances, banktypes.Balance{Address: addr.String(), Coins: coins})
		genAccounts = append(genAccounts, authtypes.NewBaseAccount(addr, nil, 0, 0))

		valAddr, err := clientCtx.TxConfig.SigningContext().ValidatorAddressCodec().BytesToString(addr)
		if err != nil {
			return err
		}
		msg, err := stakingtypes.NewMsgCreateValidator(valAddr, valPubKeys[i],
			sdk.NewCoin(app.BondDenom, a.stakingTokens), stakingtypes.NewDescription(nodeName, "", "", "", ""),
			stakingtypes.NewCommissionRates(math.LegacyNewDecWithPrec(5, 2), math.LegacyNewDecWithPrec(20, 2), math.LegacyNewDecWithPrec(1, 2)),
			math.OneInt())
		if err != nil {
			return err
		}
		txb := clientCtx.TxConfig.NewTxBuilder()
		if err := txb.SetMsgs(msg); err != nil {
			return err
		}
		txb.SetMemo(peers[i])
		txf := tx.Factory{}.WithChainID(a.chainID).WithKeybase(kb).WithTxConfig(clientCtx.TxConfig).WithMemo(peers[i])
		if err := tx.Sign(cmd.Context(), txf, nodeName, txb, true); err != nil {
			return err
		}
		txBz, err := clientCtx.TxConfig.TxJSONEncoder()(txb.GetTx())
		if err != nil {
			return err
		}
		if err := os.MkdirAll(gentxsDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(gentxsDir, nodeName+".json"), txBz, 0o600); err != nil {
			return err
		}
		srvconfig.WriteConfigFile(filepath.Join(home, "config", "app.toml"), appCfg)
	}

	genesis, err := testnetGenesis(clientCtx, basics, a.chainID, genAccounts, genBalances)
	if err != nil {
		return err
	}
	for i := range cfgs {
		cfg := &cfgs[i]
		if err := genesis.SaveAs(cfg.GenesisFile()); err != nil {
			return err
		}
		initCfg := genutiltypes.NewInitConfig(a.chainID, gentxsDir, nodeIDs[i], valPubKeys[i])
		g, err := genutiltypes.AppGenesisFromFile(cfg.GenesisFile())
		if err != nil {
			return err
		}
		// GenAppStateFromConfig also writes config.toml, with the peers from the gentx memos.
		if _, err := genutil.GenAppStateFromConfig(clientCtx.Codec, clientCtx.TxConfig, cfg, initCfg, g,
			banktypes.GenesisBalancesIterator{}, genutiltypes.DefaultMessageValidator,
			clientCtx.TxConfig.SigningContext().ValidatorAddressCodec()); err != nil {
			return err
		}
	}
	cmd.PrintErrf("Wrote %d validator homes under %s (chain %s)\nPeers: %s\n", a.numValidators, a.outputDir, a.chainID, strings.Join(peers, ","))
	return nil
}

func testnetGenesis(clientCtx client.Context, basics module.BasicManager, chainID string,
	accounts []authtypes.GenesisAccount, balances []banktypes.Balance,
) (*genutiltypes.AppGenesis, error) {
	cdc := clientCtx.Codec
	state := app.NewDefaultGenesisState(cdc, basics)

	var authGen authtypes.GenesisState
	cdc.MustUnmarshalJSON(state[authtypes.ModuleName], &authGen)
	packed, err := authtypes.PackAccounts(accounts)
	if err != nil {
		return nil, err
	}
	authGen.Accounts = packed
	state[authtypes.ModuleName] = cdc.MustMarshalJSON(&authGen)

	var bankGen banktypes.GenesisState
	cdc.MustUnmarshalJSON(state[banktypes.ModuleName], &bankGen)
	bankGen.Balances = banktypes.SanitizeGenesisBalances(balances)
	supply := sdk.NewCoins()
	for _, b := range balances {
		supply = supply.Add(b.Coins...)
	}
	bankGen.Supply = supply
	state[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)

	appState, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return nil, err
	}
	g := genutiltypes.NewAppGenesisWithVersion(chainID, appState)
	g.GenesisTime = cmttime.Now()
	return g, g.ValidateAndComplete()
}
