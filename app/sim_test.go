//go:build sims

package app_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"
	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	simcli "github.com/cosmos/cosmos-sdk/x/simulation/client/cli"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/x/license"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	"github.com/aegis-chain/aegis/x/por"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// The simulation runs only with -tags sims (make sim, make sim-short): it is long.
var (
	flagSeeds = flag.String("Seeds", "2,20,30", "comma-separated simulation seeds (see simSeeds)")
	flagRuns  = flag.Int("Runs", 2, "runs per seed in TestAppStateDeterminism (identical app hashes)")
)

func init() { simcli.GetSimulatorFlags() }

// simGenesisTime is the genesis time unless -GenesisTime is given: the SDK's default is the
// wall clock, and a failing seed must replay exactly.
var simGenesisTime = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

func simConfig(t *testing.T) simtypes.Config {
	cfg := simcli.NewConfigFromFlags()
	cfg.ChainID = simsx.SimAppChainID
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "GenesisTime" })
	if !set {
		cfg.GenesisTime = simGenesisTime
	}
	return cfg
}

// simSeeds are the -Seeds. The SDK draws each run's rate of double-sign evidence uniformly
// in [0, 1) from the seed, and its mock CometBFT takes validators down and up at random
// (downtime jails them); neither is ours — no Aegis module jails or tombstones. Above ~0.3
// the evidence tombstones every validator within a few dozen blocks and the run stops early
// (a failure here). Seed 30 (0.196, 214 accounts) lasts 500 blocks, but the second run of
// TestAppSimulationAfterImport starts from the first run's survivors (28 of 214 bonded, 120
// tombstoned for good) and empties the set at its block 332 (SIM_TRACE=1: 154 tombstoned,
// the rest jailed for downtime). So make sim's seeds draw rates below 0.1: 2 (0.051, 512
// accounts), 13 (0.072, 1165), 15 (0.099, 866), 20 (0.047, 378), 36 (0.027, 1104); seed 30
// stays in make sim-short (50 blocks), where its many slashes are what it is for.
func simSeeds(t *testing.T) []int64 {
	var seeds []int64
	for _, s := range strings.Split(*flagSeeds, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		require.NoError(t, err, "-Seeds %q", *flagSeeds)
		seeds = append(seeds, n)
	}
	return seeds
}

// checkedApp is an app whose every committed block is checked against every invariant
// (app.BlockChecker: the section-7 invariants plus the ones across blocks). A broken
// invariant fails the test at the block that broke it, with the simulation's log.
type checkedApp struct {
	tb      testing.TB
	mu      sync.Mutex
	last    time.Time
	checker *app.BlockChecker
}

// simIAVLCacheSize is the IAVL node cache of each store of a simulated app. An app's memory
// is mostly this cache, which fills with every node a block writes up to its size (the
// SDK's 500,000 nodes per store unless set; a node's iavl-cache-size, 781,250). The
// simulation's state is far smaller than a network's, so a smaller cache holds what it
// reads again.
const simIAVLCacheSize = 50_000

// appOptions are the options every simulated app is built with: its cache, and IAVL's
// synchronous pruning. With asynchronous pruning (a node's default) each store's tree runs a
// goroutine that nothing stops — the SDK's BaseApp.Close closes the database, not the
// trees — so every app a run built stayed reachable with its caches until the process
// ended: 5 seeds × 2 runs of 500 blocks held 12 GB.
var appOptions = []func(*baseapp.BaseApp){baseapp.SetIAVLCacheSize(simIAVLCacheSize), baseapp.SetIAVLSyncPruning(true)}

func (c *checkedApp) factory(logger log.Logger, db dbm.DB, loadLatest bool, appOpts servertypes.AppOptions, opts ...func(*baseapp.BaseApp)) *app.App {
	var a *app.App
	opts = append(append(opts, appOptions...), func(b *baseapp.BaseApp) {
		b.SetPrecommiter(func(ctx sdk.Context) {
			if os.Getenv("SIM_TRACE") != "" {
				vals, _ := a.StakingKeeper.GetLastValidators(ctx)
				all, _ := a.StakingKeeper.GetAllValidators(ctx)
				jailed, tomb := 0, 0
				for _, v := range all {
					if v.Jailed {
						jailed++
					}
					if consAddr, err := v.GetConsAddr(); err == nil && a.SlashingKeeper.IsTombstoned(ctx, consAddr) {
						tomb++
					}
				}
				fmt.Printf("height %d: %d bonded of %d validators, %d jailed, %d tombstoned\n", ctx.BlockHeight(), len(vals), len(all), jailed, tomb)
			}
			if err := c.checker.Check(ctx); err != nil {
				panic(fmt.Sprintf("invariant broken at height %d (%s): %v", ctx.BlockHeight(), ctx.BlockTime(), err))
			}
			c.mu.Lock()
			c.last = ctx.BlockTime()
			c.mu.Unlock()
		})
	})
	a, err := app.New(logger, db, loadLatest, appOpts, opts...)
	require.NoError(c.tb, err)
	c.checker = app.NewBlockChecker(a)
	return a
}

func stateFactory(a *app.App) simsx.SimStateFactory {
	return simsx.SimStateFactory{
		Codec:         a.AppCodec(),
		AppStateFn:    simtestutil.AppStateFn(a.AppCodec(), a.SimulationManager(), a.DefaultGenesis()),
		BlockedAddr:   app.BlockedAddresses(),
		AccountSource: a.AccountKeeper,
		BalanceSource: a.BankKeeper,
	}
}

// runSeeds runs fn for each seed as a parallel subtest. The SDK's simulation skips a run whose
// validator set empties; a skipped seed would pass while checking nothing, so it fails.
func runSeeds(t *testing.T, fn func(t *testing.T, cfg simtypes.Config, seed int64)) {
	cfg := simConfig(t)
	for _, seed := range simSeeds(t) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel() // seeds are independent: use every core (-parallel)
			defer func() {
				if t.Skipped() {
					t.Errorf("seed %d: the simulation stopped early (skipped) instead of running %d blocks", seed, cfg.NumBlocks)
				}
			}()
			fn(t, cfg, seed)
		})
	}
}

// TestFullAppSimulation runs the whole app — the SDK modules and x/emission, x/por and
// x/license — under random operations, checking every invariant after every block. (make
// sim leaves it out: TestAppImportExport runs the same simulation of each seed, then more.)
func TestFullAppSimulation(t *testing.T) {
	runSeeds(t, func(t *testing.T, cfg simtypes.Config, seed int64) {
		c := &checkedApp{tb: t}
		simsx.RunWithSeed(t, cfg, c.factory, stateFactory, seed, nil, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
			c.requireChecked(tb, seed, ti.App)
		})
	})
}

// requireChecked requires that every block of the run was checked, the supply identity at
// every block after the first, and logs what the run's challenges and attacks did.
func (c *checkedApp) requireChecked(tb testing.TB, seed int64, a *app.App) {
	require.Positive(tb, c.checker.Blocks(), "no block was checked")
	require.Equal(tb, c.checker.Blocks()-1, c.checker.SupplyChecks(), "the supply identity is proved at every block after the first")
	tb.Logf("seed %d: %d blocks checked (supply identity at %d), last block time %s", seed, c.checker.Blocks(), c.checker.SupplyChecks(), c.last)
	tb.Logf("seed %d: %s", seed, challengeSummary(tb, a, a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})))
	tb.Logf("seed %d: %s", seed, attackSummary(a))
}

// attackSummary tells what the simulation's attacks on license and node stake (issue 22:
// x/license/simulation/attacks.go, x/por/simulation/attacks.go) did in a run, so a run in
// which one was never delivered shows it.
func attackSummary(a *app.App) string {
	lic := a.ModuleManager.Modules[licensetypes.ModuleName].(license.AppModule).SimulationCounts()
	por := a.ModuleManager.Modules[portypes.ModuleName].(por.AppModule).SimulationCounts()
	return fmt.Sprintf("attacks: %s; %s", lic, por)
}

// challengeSummary tells what x/por's challenges on record (the receipts not yet pruned) did in a run: how many were issued, of
// which kind, and how they ended (so a run that never exercised them shows it).
func challengeSummary(tb testing.TB, a *app.App, ctx sdk.Context) string {
	k := a.PorKeeper
	params, err := k.Params.Get(ctx)
	require.NoError(tb, err)
	days, kinds, status := 0, map[portypes.ChallengeKind]int{}, map[portypes.ChallengeStatus]int{}
	forfeited := math.ZeroInt()
	require.NoError(tb, k.ChallengeDays.Walk(ctx, nil, func(uint64, portypes.ChallengeDay) (bool, error) {
		days++
		return false, nil
	}))
	require.NoError(tb, k.Challenges.Walk(ctx, nil, func(_ uint64, c portypes.Challenge) (bool, error) {
		kinds[c.Kind]++
		status[c.Status]++
		forfeited = forfeited.Add(c.Forfeited)
		return false, nil
	}))
	return fmt.Sprintf("challenges (now %d a day, receipts kept %d days): %d days and %d challenges on record (%d liveness, %d storage, %d compute): %d passed, %d missed, %d failed (%s uaegis forfeited), %d pending",
		params.Challenge.ChallengesPerDay, params.Challenge.ReceiptDays, days,
		kinds[portypes.CHALLENGE_KIND_LIVENESS]+kinds[portypes.CHALLENGE_KIND_STORAGE]+kinds[portypes.CHALLENGE_KIND_COMPUTE], kinds[portypes.CHALLENGE_KIND_LIVENESS],
		kinds[portypes.CHALLENGE_KIND_STORAGE], kinds[portypes.CHALLENGE_KIND_COMPUTE], status[portypes.CHALLENGE_STATUS_PASSED], status[portypes.CHALLENGE_STATUS_MISSED],
		status[portypes.CHALLENGE_STATUS_FAILED], forfeited, status[portypes.CHALLENGE_STATUS_PENDING])
}

// storeSkips are the store prefixes left out of the raw comparison (DiffKVStores drops
// their pairs), as an export does not carry them verbatim: staking's queues
// and pending validator updates are rebuilt (in another order) by its InitGenesis, bank
// balances are compared through the export (the supply is), and authz's grant queue.
var storeSkips = map[string][][]byte{
	stakingtypes.StoreKey: {
		stakingtypes.UnbondingQueueKey, stakingtypes.RedelegationQueueKey, stakingtypes.ValidatorQueueKey,
		stakingtypes.HistoricalInfoKey, stakingtypes.UnbondingIDKey, stakingtypes.UnbondingIndexKey,
		stakingtypes.UnbondingTypeKey, stakingtypes.ValidatorUpdatesKey,
	},
	banktypes.StoreKey: {banktypes.BalancesPrefix},
	// Missed-block bitmaps are compared by the blocks they mark (sameMissedBlocks): x/slashing
	// keeps a chunk whose bits were all cleared again, which an export need not carry.
	slashingtypes.StoreKey: {slashingtypes.ValidatorMissedBlockBitmapKeyPrefix},
	authzkeeper.StoreKey:   {authzkeeper.GrantKey, authzkeeper.GrantQueuePrefix},
}

// simStores are the stores compared after export → import: every store with state an
// export carries (upgrade's plan and consensus params are not in the app state).
var simStores = []string{
	"acc", banktypes.StoreKey, stakingtypes.StoreKey, "distribution", "slashing", "gov",
	"evidence", "feegrant", authzkeeper.StoreKey, "emission", "por", "license",
}

// TestAppImportExport: after a simulation, the export imported into a new app (through
// the InitChainer, with its cross-module genesis checks) gives every store the same
// contents, key by key.
func TestAppImportExport(t *testing.T) {
	runSeeds(t, func(t *testing.T, cfg simtypes.Config, seed int64) {
		c := &checkedApp{tb: t}
		simsx.RunWithSeed(t, cfg, c.factory, stateFactory, seed, nil, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
			a := ti.App
			c.requireChecked(tb, seed, a)
			exported, err := a.ExportAppStateAndValidators(false, nil, nil)
			require.NoError(tb, err)

			c2 := &checkedApp{tb: tb}
			b := simsx.NewSimulationAppInstance(tb, ti.Cfg, c2.factory).App
			header := cmtproto.Header{Height: a.LastBlockHeight(), ChainID: ti.Cfg.ChainID, Time: c.last}
			ctxA := a.NewContextLegacy(true, header)
			ctxB := b.NewContextLegacy(true, header)
			_, err = b.InitChainer(ctxB, &abci.RequestInitChain{AppStateBytes: exported.AppState, ChainId: ti.Cfg.ChainID})
			require.NoError(tb, err, "importing the export")
			require.NoError(tb, b.StoreConsensusParams(ctxB, exported.ConsensusParams))
			require.NoError(tb, b.CheckInvariants(ctxB), "invariants after import")

			decoders := a.SimulationManager().StoreDecoders
			for _, name := range simStores {
				ka, kb := a.GetKey(name), b.GetKey(name)
				require.NotNil(tb, ka, name)
				diffA, diffB := simtestutil.DiffKVStores(ctxA.KVStore(ka), ctxB.KVStore(kb), storeSkips[name])
				require.Equal(tb, len(diffA), len(diffB), "store %s: unequal sets of keys", name)
				require.Empty(tb, diffA, "store %s differs after export → import:\n%s", name,
					simtestutil.GetSimulationLog(name, decoders, diffA, diffB))
				tb.Logf("store %s: equal after export → import", name)
			}
			sameMissedBlocks(tb, a, b, ctxA, ctxB)
		})
	})
}

// sameMissedBlocks: every validator's missed blocks are the same in both apps.
func sameMissedBlocks(tb testing.TB, a, b *app.App, ctxA, ctxB sdk.Context) {
	n := 0
	require.NoError(tb, a.SlashingKeeper.IterateValidatorSigningInfos(ctxA, func(addr sdk.ConsAddress, _ slashingtypes.ValidatorSigningInfo) bool {
		missedA, err := a.SlashingKeeper.GetValidatorMissedBlocks(ctxA, addr)
		require.NoError(tb, err)
		missedB, err := b.SlashingKeeper.GetValidatorMissedBlocks(ctxB, addr)
		require.NoError(tb, err)
		require.Equal(tb, missedA, missedB, "validator %s: missed blocks differ after export → import", addr)
		n++
		return false
	}))
	tb.Logf("missed blocks of %d validators: equal after export → import", n)
}

// TestAppSimulationAfterImport: a simulation, a zero-height export, and a second simulation
// that boots from that export (as a chain restarting from an exported genesis does) and
// runs as long, invariants checked after every block of both.
func TestAppSimulationAfterImport(t *testing.T) {
	runSeeds(t, func(t *testing.T, cfg simtypes.Config, seed int64) {
		c := &checkedApp{tb: t}
		var exported servertypes.ExportedApp
		simsx.RunWithSeed(t, cfg, c.factory, stateFactory, seed, nil, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
			var err error
			exported, err = ti.App.ExportAppStateAndValidators(true, nil, nil)
			require.NoError(tb, err)
		})
		require.NotEmpty(t, exported.AppState)

		restart := c.last.Add(time.Minute)
		fromExport := func(a *app.App) simsx.SimStateFactory {
			f := stateFactory(a)
			f.AppStateFn = func(_ *rand.Rand, accs []simtypes.Account, cfg simtypes.Config) (json.RawMessage, []simtypes.Account, string, time.Time) {
				return exported.AppState, accs, cfg.ChainID, restart
			}
			return f
		}
		c2 := &checkedApp{tb: t}
		simsx.RunWithSeed(t, cfg, c2.factory, fromExport, seed, nil, func(tb testing.TB, _ simsx.TestInstance[*app.App], _ []simtypes.Account) {
			require.Positive(tb, c2.checker.Blocks())
		})
	})
}

// TestAppStateDeterminism runs each seed several times: every run must end with the same
// app hash (no map iteration, wall clock or randomness reaches the state).
func TestAppStateDeterminism(t *testing.T) {
	runSeeds(t, func(t *testing.T, cfg simtypes.Config, seed int64) {
		var hashes []string
		for run := 0; run < *flagRuns; run++ {
			c := &checkedApp{tb: t}
			simsx.RunWithSeed(t, cfg, c.factory, stateFactory, seed, nil, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
				hashes = append(hashes, fmt.Sprintf("%X", ti.App.LastCommitID().Hash))
			})
		}
		for run, h := range hashes {
			require.Equal(t, hashes[0], h, "seed %d: run %d ended with app hash %s, run 1 with %s", seed, run+1, h, hashes[0])
		}
		t.Logf("seed %d: %d runs, app hash %s", seed, len(hashes), hashes[0])
	})
}
