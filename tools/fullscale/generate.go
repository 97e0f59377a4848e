package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/math"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/privval"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	pruningtypes "github.com/cosmos/cosmos-sdk/store/v2/pruning/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/version"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/aegis-chain/aegis/app"
	licensekeeper "github.com/aegis-chain/aegis/x/license/keeper"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	porkeeper "github.com/aegis-chain/aegis/x/por/keeper"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

const chainID = "aegis-fullscale-1"

// genesisTime is the start of the built chain (and of day 1), fixed so that a generation
// is reproducible.
var genesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	// reportDays makes a report count at every tick the measurement runs (the default, 2,
	// would leave the ticks after the first two with no active node). It is a governance
	// parameter, not a cap.
	reportDays = 30
	// validatorSelfDelegation of each validator: 1,000,000 AEGIS (divided by -scale, so
	// that licenses stay most of the voting power).
	validatorSelfDelegation = 1_000_000_000_000
	// spare is what every funded account keeps beyond its stake (fees of later txs).
	spare = 1_000_000
)

// resources give raw 600 in every role with the default weights and meet every role's
// minimums, so every part's eff is the cap, 300 (as in x/por's keeper benchmark).
var resources = portypes.Resources{Compute: 200, Storage: 200, Bandwidth: 200}

// genMeta is what generate learned, kept beside the genesis for measure.
type genMeta struct {
	Stamp           string   `json:"stamp"`
	Nodes           int      `json:"nodes"`
	NodeRoleSlots   int      `json:"node_role_slots"`
	Licenses        int      `json:"licenses"`
	Validators      int      `json:"validators"`
	GenesisBytes    int64    `json:"genesis_bytes"`
	GenerateSeconds float64  `json:"generate_seconds"`
	Notes           []string `json:"notes"`
}

// validatorKey is validator i's consensus key, derived from a fixed secret.
func validatorKey(i int) cmted25519.PrivKey {
	return cmted25519.GenPrivKeyFromSecret(fmt.Appendf(nil, "aegis-fullscale/validator/%d", i))
}

// generate builds the full-scale state in-process and writes dir/genesis.json,
// dir/priv_validator_key.json (validator 0's key) and dir/generate.json.
// measure checks it with `aegisd genesis validate` (validating it here too would double
// the peak memory: the build's state is still live).
func generate(dir string, validators, scale int, stamp string, logf func(string, ...any)) (*genMeta, error) {
	start := time.Now()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// The build allocates a lot and keeps most of it: a larger GC target is faster (as
	// in x/por's keeper benchmark; 400 there, 200 here to stay within a few GB).
	defer debug.SetGCPercent(debug.SetGCPercent(200))

	home, err := os.MkdirTemp("", "fullscale-gen-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(home)
	// Pruning: the build commits a few dozen blocks, and an in-memory DB that kept every
	// version of the trees would hold gigabytes of dead nodes.
	c, err := newChain(dbm.NewMemDB(), home, chainID, baseapp.SetPruning(pruningtypes.NewPruningOptions(pruningtypes.PruningEverything)))
	if err != nil {
		return nil, err
	}
	cdc := c.app.AppCodec()
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()

	porParams := portypes.DefaultParams()
	l, err := newLayout(porParams, validators, scale)
	if err != nil {
		return nil, err
	}
	logf("layout: %s", l.describe())

	// What each node escrows: the stake its roles need less its licenses' backing.
	stakeEq := licensetypes.DefaultStakeEquivalent
	escrow := func(g group, i int) math.Int {
		need := porParams.RequiredStake(g.roles)
		if i < g.licensed {
			need = need.Sub(stakeEq.MulRaw(int64(len(g.roles))))
		}
		return math.MaxInt(need, math.ZeroInt())
	}
	faucetAmount := math.NewInt(spare)
	for _, g := range l.groups {
		for i := range g.count {
			faucetAmount = faucetAmount.Add(escrow(g, i)).AddRaw(spare)
		}
	}

	// The starting genesis: a faucet that funds the nodes, the validators' operators,
	// x/por's report_days raised (see reportDays). No validator yet: they are created by
	// MsgCreateValidator in the first block, as a chain's would be by gentxs.
	genesis := c.app.DefaultGenesis()
	faucet := addr("faucet", 0)
	var accounts []authtypes.GenesisAccount
	var balances []banktypes.Balance
	fund := func(a sdk.AccAddress, amt math.Int) {
		accounts = append(accounts, authtypes.NewBaseAccount(a, nil, uint64(len(accounts)), 0))
		balances = append(balances, banktypes.Balance{Address: a.String(), Coins: sdk.NewCoins(sdk.NewCoin(app.BondDenom, amt))})
	}
	fund(faucet, faucetAmount)
	for v := range validators {
		fund(addr("validator", v), math.NewInt(spare))
	}
	// The validators, unbonded with their self-delegations in the not-bonded pool, as
	// gentxs would leave them: InitGenesis bonds them (and the hooks set up x/slashing
	// and x/distribution).
	var stakingGen stakingtypes.GenesisState
	cdc.MustUnmarshalJSON(genesis[stakingtypes.ModuleName], &stakingGen)
	valopers := make([]string, validators)
	selfDel := math.NewInt(validatorSelfDelegation / int64(scale))
	for v := range validators {
		pub, err := cryptocodec.FromCmtPubKeyInterface(validatorKey(v).PubKey())
		if err != nil {
			return nil, err
		}
		valopers[v] = sdk.ValAddress(addr("validator", v)).String()
		val, err := stakingtypes.NewValidator(valopers[v], pub, stakingtypes.NewDescription(fmt.Sprintf("fullscale-%d", v), "", "", "", ""))
		if err != nil {
			return nil, err
		}
		val.Tokens, val.DelegatorShares = selfDel, math.LegacyNewDecFromInt(selfDel)
		val.Commission = stakingtypes.NewCommission(math.LegacyNewDecWithPrec(1, 1), math.LegacyNewDecWithPrec(2, 1), math.LegacyNewDecWithPrec(1, 2))
		val.MinSelfDelegation = math.OneInt()
		stakingGen.Validators = append(stakingGen.Validators, val)
		stakingGen.Delegations = append(stakingGen.Delegations, stakingtypes.NewDelegation(addr("validator", v).String(), valopers[v], val.DelegatorShares))
	}
	genesis[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&stakingGen)
	balances = append(balances, banktypes.Balance{
		Address: authtypes.NewModuleAddress(stakingtypes.NotBondedPoolName).String(),
		Coins:   sdk.NewCoins(sdk.NewCoin(app.BondDenom, selfDel.MulRaw(int64(validators)))),
	})
	packed, err := authtypes.PackAccounts(accounts)
	if err != nil {
		return nil, err
	}
	authGen := authtypes.NewGenesisState(authtypes.DefaultParams(), accounts)
	authGen.Accounts = packed
	genesis[authtypes.ModuleName] = cdc.MustMarshalJSON(authGen)
	var bankGen banktypes.GenesisState
	cdc.MustUnmarshalJSON(genesis[banktypes.ModuleName], &bankGen)
	bankGen.Balances = balances
	genesis[banktypes.ModuleName] = cdc.MustMarshalJSON(&bankGen)
	var porGen portypes.GenesisState
	cdc.MustUnmarshalJSON(genesis[portypes.ModuleName], &porGen)
	porGen.Params.ReportDays = reportDays
	genesis[portypes.ModuleName] = cdc.MustMarshalJSON(&porGen)
	stateBytes, err := json.Marshal(genesis)
	if err != nil {
		return nil, err
	}
	cons := cmttypes.DefaultConsensusParams().ToProto()
	if _, err := c.app.InitChain(&abci.RequestInitChain{
		ChainId: chainID, Time: genesisTime, ConsensusParams: &cons, AppStateBytes: stateBytes, InitialHeight: 1,
	}); err != nil {
		return nil, fmt.Errorf("InitChain: %w", err)
	}
	if _, _, err := c.block(genesisTime); err != nil {
		return nil, err
	}

	// Day 1: everything is done through the msg servers, straight on the state of the
	// block being built, committed every stepsPerBlock steps (IAVL iterators scan every
	// uncommitted write of their store: x/license's node index after 48,000 uncommitted
	// licenses made each node registration cost milliseconds).
	step := newStepper(c, genesisTime, logf)
	lic := licensekeeper.NewMsgServerImpl(c.app.LicenseKeeper)
	por := porkeeper.NewMsgServerImpl(c.app.PorKeeper)

	// Licenses: node-bound ones are minted to their node's operator and bound before the
	// node registers (x/por counts them as its stake); validator-bound ones to holders.
	nodeIdx := 0
	nextID := uint64(1)
	for _, g := range l.groups {
		for i := range g.count {
			op := addr("node", nodeIdx).String()
			nodeIdx++
			if i >= g.licensed {
				continue
			}
			n := uint64(len(g.roles))
			ids := make([]uint64, n)
			for j := range ids {
				ids[j] = nextID + uint64(j)
			}
			nextID += n
			if err := step.do("mint node licenses", func(ctx sdk.Context) error {
				if _, err := lic.MintLicenses(ctx, &licensetypes.MsgMintLicenses{Authority: gov, Owner: op, Count: n}); err != nil {
					return err
				}
				_, err := lic.BindToNode(ctx, &licensetypes.MsgBindToNode{Signer: op, Ids: ids, Node: op})
				return err
			}); err != nil {
				return nil, err
			}
		}
	}
	if err := step.flush(); err != nil {
		return nil, err
	}
	step.report("node licenses")
	for h := range l.holders {
		holder := addr("holder", h).String()
		n := uint64(l.holderLicenses)
		ids := make([]uint64, n)
		for j := range ids {
			ids[j] = nextID + uint64(j)
		}
		nextID += n
		val := valopers[l.holderValidator(h)]
		if err := step.do("mint and bind validator licenses", func(ctx sdk.Context) error {
			if _, err := lic.MintLicenses(ctx, &licensetypes.MsgMintLicenses{Authority: gov, Owner: holder, Count: n}); err != nil {
				return err
			}
			_, err := lic.BindToValidator(ctx, &licensetypes.MsgBindToValidator{Signer: holder, Ids: ids, Validator: val})
			return err
		}); err != nil {
			return nil, err
		}
		if h%20 == 19 { // a block per 2,000 delegations (see stepsPerBlock)
			if err := step.flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := step.flush(); err != nil {
		return nil, err
	}
	step.report("validator licenses")

	// Nodes: funded by the faucet, registered with their escrow, one report each. Nothing
	// here iterates a store it writes, so the blocks can be larger.
	step.perBlock = 25000
	nodeIdx = 0
	for _, g := range l.groups {
		for i := range g.count {
			opAddr := addr("node", nodeIdx)
			op := opAddr.String()
			moniker := fmt.Sprintf("%s-%d", g.name, i)
			nodeIdx++
			stake := escrow(g, i)
			parts := make([]portypes.RolePart, len(g.roles))
			for j, r := range g.roles {
				parts[j] = portypes.RolePart{Role: r, Resources: resources}
			}
			k := uint64(len(g.roles))
			totals := portypes.Resources{Compute: k * resources.Compute, Storage: k * resources.Storage, Bandwidth: k * resources.Bandwidth}
			if err := step.do("register and report", func(ctx sdk.Context) error {
				if err := c.app.BankKeeper.SendCoins(ctx, faucet, opAddr, sdk.NewCoins(sdk.NewCoin(app.BondDenom, stake.AddRaw(spare)))); err != nil {
					return err
				}
				if _, err := por.RegisterNode(ctx, &portypes.MsgRegisterNode{Operator: op, Moniker: moniker, Roles: g.roles,
					Stake: sdk.NewCoin(app.BondDenom, stake)}); err != nil {
					return err
				}
				_, err := por.SubmitReport(ctx, &portypes.MsgSubmitReport{Operator: op, Totals: totals, Parts: parts})
				return err
			}); err != nil {
				return nil, err
			}
		}
	}
	if err := step.flush(); err != nil {
		return nil, err
	}
	step.report("nodes")

	// The next block ends day 1: its tick pays every node. Then an ordinary block of day 2.
	res, took, err := c.block(genesisTime.Add(24*time.Hour + 5*time.Second))
	if err != nil {
		return nil, err
	}
	logf("block %d (tick of day 1) committed in %v", c.height, took.Round(time.Millisecond))
	if err := checkTick(c, res, l); err != nil {
		return nil, err
	}
	if _, _, err := c.block(c.time.Add(5 * time.Second)); err != nil {
		return nil, err
	}
	logf("state built in %v; exporting", time.Since(start).Round(time.Second))

	exportStart := time.Now()
	exported, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	logf("exported in %v", time.Since(exportStart).Round(time.Millisecond))
	c = nil
	runtime.GC()
	ag := &genutiltypes.AppGenesis{
		AppName: app.AppName, AppVersion: version.Version,
		// The restarted chain resumes 5 s after the last built block, in day 2.
		GenesisTime: genesisTime.Add(24*time.Hour + 15*time.Second), ChainID: chainID,
		InitialHeight: exported.Height, AppState: exported.AppState,
		Consensus: genutiltypes.NewConsensusGenesis(exported.ConsensusParams, exported.Validators),
	}
	genFile := filepath.Join(dir, "genesis.json")
	if err := ag.SaveAs(genFile); err != nil {
		return nil, err
	}
	logf("written in %v", time.Since(exportStart).Round(time.Millisecond))
	pv := privval.NewFilePV(validatorKey(0), filepath.Join(dir, "priv_validator_key.json"), filepath.Join(dir, "priv_validator_state.json"))
	pv.Key.Save()
	fi, err := os.Stat(genFile)
	if err != nil {
		return nil, err
	}
	meta := &genMeta{
		Stamp: stamp, Nodes: l.nodes(), NodeRoleSlots: l.slots(), Licenses: l.licenses(), Validators: validators,
		GenesisBytes: fi.Size(), GenerateSeconds: time.Since(start).Seconds(),
		Notes: []string{
			"layout: " + l.describe(),
			fmt.Sprintf("state built in-process through the msg servers (%d blocks of day 1, a block ticking day 1 that paid every node, one more block), exported at height %d; x/por report_days set to %d so the genesis reports count at every measured tick; license stage TESTNET",
				exported.Height-3, exported.Height-1, reportDays),
		},
	}
	if scale != 1 {
		meta.Notes = append(meta.Notes, fmt.Sprintf("SCALED DOWN: every count divided by %d", scale))
	}
	if err := writeJSON(filepath.Join(dir, "generate.json"), meta); err != nil {
		return nil, err
	}
	logf("wrote %s (%d bytes) in %v", genFile, fi.Size(), time.Since(start).Round(time.Second))
	return meta, nil
}

// checkTick fails unless the tick in res found every slot of every role active.
func checkTick(c *chain, res *abci.ResponseFinalizeBlock, l layout) error {
	want := map[portypes.NodeRole]uint64{}
	for _, g := range l.groups {
		for _, r := range g.roles {
			want[r] += uint64(g.count)
		}
	}
	q := porkeeper.NewQuerier(c.app.PorKeeper)
	ctx := c.app.NewContext(true)
	for _, r := range portypes.AllRoles {
		got, err := q.RoleDay(ctx, &portypes.QueryRoleDayRequest{Role: r, Day: 1})
		if err != nil {
			return fmt.Errorf("role day %s 1: %w", r.Short(), err)
		}
		if got.RoleDay.Active != want[r] || !got.RoleDay.Distributed.IsPositive() {
			return fmt.Errorf("tick of day 1, %s: %d active, distributed %s; want %d active and a payout", r.Short(),
				got.RoleDay.Active, got.RoleDay.Distributed, want[r])
		}
	}
	return nil
}

// stepper runs build steps on the state of the block being built, commits a block every
// stepsPerBlock steps and drops the events the steps emit (they are not under test and
// would pile up).
type stepper struct {
	c       *chain
	t       time.Time
	ctx     sdk.Context
	n       int
	pending int
	// perBlock is the number of steps per block: stepsPerBlock unless a phase says.
	perBlock int
	start    time.Time
	logf     func(string, ...any)
}

const stepsPerBlock = 2000

func newStepper(c *chain, t time.Time, logf func(string, ...any)) *stepper {
	s := &stepper{c: c, t: t, perBlock: stepsPerBlock, start: time.Now(), logf: logf}
	s.next()
	return s
}

// next starts the next block, a second after the last one.
func (s *stepper) next() {
	s.t = s.t.Add(time.Second)
	s.ctx = s.c.context(s.t)
	s.pending = 0
}

func (s *stepper) do(what string, f func(sdk.Context) error) error {
	if err := f(s.ctx); err != nil {
		return fmt.Errorf("%s (step %d): %w", what, s.n, err)
	}
	s.n++
	s.pending++
	if s.pending%512 == 0 {
		s.ctx = s.ctx.WithEventManager(sdk.NewEventManager())
	}
	if s.pending == s.perBlock {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if s.n%50000 == 0 {
		s.logf("  %d steps in %v", s.n, time.Since(s.start).Round(time.Second))
	}
	return nil
}

// flush commits the block of the steps so far.
func (s *stepper) flush() error {
	if s.pending == 0 {
		return nil
	}
	if _, _, err := s.c.block(s.t); err != nil {
		return err
	}
	s.next()
	return nil
}

func (s *stepper) report(what string) {
	s.logf("%s done: %d steps in %v (height %d)", what, s.n, time.Since(s.start).Round(time.Millisecond), s.c.height)
}

func writeJSON(file string, v any) error {
	bz, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(bz, '\n'), 0o644)
}
