package app_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/aegis-chain/aegis/app"
	"github.com/aegis-chain/aegis/testutil"
	emissiontypes "github.com/aegis-chain/aegis/x/emission/types"
	licensetypes "github.com/aegis-chain/aegis/x/license/types"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// fuzzBase is a genesis exported after real activity in x/emission, x/por and x/license:
// nodes in several roles reporting over eight 10-second days, a claim, a deactivated role,
// a paid and a queued unbonding entry, reports not yet ticked; licenses bound to the
// validator, to a node, unbonding and unbound.
type fuzzBase struct {
	appState json.RawMessage
	height   int64
	time     time.Time
	valSet   *cmttypes.ValidatorSet
	accounts []testutil.Account
}

var (
	fuzzBaseOnce sync.Once
	fuzzBaseVal  fuzzBase
)

func baseGenesis(t *testing.T) fuzzBase {
	fuzzBaseOnce.Do(func() { fuzzBaseVal = buildBase(t) })
	require.NotNil(t, fuzzBaseVal.appState, "building the base genesis failed")
	return fuzzBaseVal
}

func buildBase(t *testing.T) fuzzBase {
	const day = 10 * time.Second
	c := testutil.NewTestChainWithAccounts(t, 3, func(cdc codec.JSONCodec, g app.GenesisState, accs []testutil.Account) {
		editSection(t, cdc, g, emissiontypes.ModuleName, func(gs *emissiontypes.GenesisState) { gs.Params.DaySeconds = 10 })
		editSection(t, cdc, g, licensetypes.ModuleName, func(gs *licensetypes.GenesisState) { gs.Params.Authority = accs[0].Address.String() })
	})
	a, b, n := c.Accounts[0], c.Accounts[1], c.Accounts[2]
	w, del, da := portypes.NODE_ROLE_WORKER, portypes.NODE_ROLE_DELEGATE, portypes.NODE_ROLE_DA
	deliver := func(from testutil.Account, msg sdk.Msg) {
		res := c.DeliverMsgs(time.Second, from, msg)
		require.Zero(t, res.Code, res.Log)
	}
	stake := func(k int64, extra int64) sdk.Coin {
		return sdk.NewCoin(app.BondDenom, portypes.DefaultMinStake.MulRaw(k).AddRaw(extra))
	}
	deliver(a, &portypes.MsgRegisterNode{Operator: a.Address.String(), Moniker: "a", Roles: []portypes.NodeRole{w, da}, Stake: stake(2, 9000)})
	deliver(b, &portypes.MsgRegisterNode{Operator: b.Address.String(), Moniker: "b", Roles: []portypes.NodeRole{w}, Stake: stake(1, 0)})
	deliver(n, &portypes.MsgRegisterNode{Operator: n.Address.String(), Moniker: "n", Roles: []portypes.NodeRole{del}, Stake: stake(1, 0)})
	report := func(acc testutil.Account, parts ...portypes.RolePart) {
		deliver(acc, &portypes.MsgSubmitReport{Operator: acc.Address.String(), Totals: portypes.Resources{Compute: 400, Storage: 400, Bandwidth: 400}, Parts: parts})
	}
	part := func(r portypes.NodeRole, c, s, bw uint64) portypes.RolePart {
		return portypes.RolePart{Role: r, Resources: portypes.Resources{Compute: c, Storage: s, Bandwidth: bw}}
	}
	// Licenses: five to b, two bound to the validator (one then unbinding), one to node n.
	val := c.App.StakingKeeper
	vals, err := val.GetAllValidators(c.Context())
	require.NoError(t, err)
	deliver(a, &licensetypes.MsgMintLicenses{Authority: a.Address.String(), Owner: b.Address.String(), Count: 5})
	deliver(b, &licensetypes.MsgBindToValidator{Signer: b.Address.String(), Ids: []uint64{1, 2, 3}, Validator: vals[0].OperatorAddress})
	deliver(b, &licensetypes.MsgBindToNode{Signer: b.Address.String(), Ids: []uint64{4}, Node: n.Address.String()})
	deliver(b, &licensetypes.MsgUnbind{Signer: b.Address.String(), Ids: []uint64{3}})
	for d := 1; d <= 8; d++ {
		report(a, part(w, 150, 100, 80), part(da, 40, 130, 50))
		if d%2 == 1 {
			report(b, part(w, 130, 80, 60))
		}
		switch d {
		case 1:
			report(n, part(del, 110, 80, 110))
		case 2:
			deliver(a, &portypes.MsgUnbondStake{Operator: a.Address.String(), Amount: sdk.NewInt64Coin(app.BondDenom, 1000)})
		case 4:
			deliver(n, &portypes.MsgDeactivateRole{Operator: n.Address.String(), Role: del})
		case 5:
			deliver(b, &portypes.MsgClaimRewards{Operator: b.Address.String()})
		case 7:
			deliver(a, &portypes.MsgUnbondStake{Operator: a.Address.String(), Amount: sdk.NewInt64Coin(app.BondDenom, 2000)})
		}
		if d < 8 {
			c.NextBlock(testutil.GenesisTime.Add(time.Duration(d) * day).Sub(c.Time))
			require.NoError(t, c.App.CheckInvariants(c.Context()))
		}
	}
	appState, height := c.Export()
	return fuzzBase{appState: appState, height: height, time: c.Time, valSet: c.ValSet, accounts: c.Accounts}
}

// sections are the parts of the genesis the mutations edit.
type sections struct {
	em      emissiontypes.GenesisState
	por     portypes.GenesisState
	bank    banktypes.GenesisState
	license licensetypes.GenesisState
}

// mutation edits the sections and says what it did ("" when it did nothing).
type mutation func(r *rand.Rand, s *sections) string

func pick(r *rand.Rand, n int) int { return r.Intn(n) }

func garble(r *rand.Rand) string {
	return []string{"", "aegis1", "cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "not-an-address",
		authtypes.NewModuleAddress(portypes.ModuleName).String(), authtypes.NewModuleAddress("gov").String(),
		sdk.AccAddress([]byte("some-other-account-1")).String()}[r.Intn(7)]
}

func smallDec(r *rand.Rand) math.LegacyDec {
	return math.LegacyNewDecWithPrec(r.Int63n(2001)-1000, int64(r.Intn(3)))
}

var mutations = []mutation{
	func(r *rand.Rand, s *sections) string {
		s.em.LastDayIssued = uint64(max(0, int64(s.em.LastDayIssued)+int64(r.Intn(5))-2))
		return "emission last_day_issued"
	},
	func(r *rand.Rand, s *sections) string {
		s.em.LastDayIssued += uint64(r.Intn(3))
		s.em.TotalIssued = s.em.Params.Schedule().Cumulative(s.em.LastDayIssued)
		return "emission progress"
	},
	func(r *rand.Rand, s *sections) string {
		s.por.LastTickDay = uint64(max(0, int64(s.por.LastTickDay)+int64(r.Intn(5))-2))
		return "por last_tick_day"
	},
	func(r *rand.Rand, s *sections) string {
		s.em.Params.DaySeconds = uint64(1 + r.Intn(30))
		return "emission day_seconds"
	},
	func(r *rand.Rand, s *sections) string {
		s.em.Params.MaxDaysPerBlock = uint32(r.Intn(4))
		return "emission max_days_per_block"
	},
	func(r *rand.Rand, s *sections) string {
		s.em.Params.StartTime = s.em.Params.StartTime.Add(time.Duration(r.Int63n(400)-200) * time.Second)
		return "emission start_time"
	},
	func(r *rand.Rand, s *sections) string {
		s.em.Params.Total = math.NewInt(r.Int63n(1_000_000) + 1)
		s.em.TotalIssued = s.em.Params.Schedule().Cumulative(s.em.LastDayIssued)
		return "emission total (tiny schedule)"
	},
	func(r *rand.Rand, s *sections) string {
		s.em.Params.EpochDays = uint64(1 + r.Intn(4))
		s.em.TotalIssued = s.em.Params.Schedule().Cumulative(s.em.LastDayIssued)
		return "emission epoch_days (schedule ended)"
	},
	func(r *rand.Rand, s *sections) string {
		s.por.Carry = s.por.Carry.AddRaw(r.Int63n(5) - 2)
		return "por carry"
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.Roles))
		rs := &s.por.Roles[i]
		switch r.Intn(6) {
		case 0:
			rs.Reserve = rs.Reserve.AddRaw(r.Int63n(2001) - 1000)
		case 1:
			rs.EffSum = rs.EffSum.Add(smallDec(r))
		case 2:
			rs.Count = uint64(int64(rs.Count) + int64(r.Intn(3)) - 1)
		case 3:
			rs.SlotsHeld = uint64(int64(rs.SlotsHeld) + int64(r.Intn(3)) - 1)
		case 4:
			rs.HighWater = uint64(r.Intn(5))
		default:
			rs.Index = rs.Index.Add(smallDec(r))
		}
		return fmt.Sprintf("por roles[%d]", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.Nodes))
		s.por.Nodes[i].Operator = garble(r)
		return fmt.Sprintf("por nodes[%d] operator", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.Nodes))
		s.por.Nodes[i].WithdrawAddress = garble(r)
		return fmt.Sprintf("por nodes[%d] withdraw_address", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.Nodes))
		n := &s.por.Nodes[i]
		switch r.Intn(4) {
		case 0:
			if len(n.Roles) > 0 {
				n.Roles = append(n.Roles, n.Roles[0])
			}
		case 1:
			n.Roles = append(n.Roles, portypes.NodeRole(r.Intn(7)))
		case 2:
			if len(n.Roles) > 0 {
				n.Roles = n.Roles[1:]
			}
		default:
			for a, b := 0, len(n.Roles)-1; a < b; a, b = a+1, b-1 {
				n.Roles[a], n.Roles[b] = n.Roles[b], n.Roles[a]
			}
		}
		return fmt.Sprintf("por nodes[%d] roles", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.Nodes))
		s.por.Nodes[i].Stake = s.por.Nodes[i].Stake.AddRaw(r.Int63n(2001) - 1000)
		return fmt.Sprintf("por nodes[%d] stake", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.Nodes))
		s.por.Nodes[i].LastReportDay = uint64(r.Intn(12))
		return fmt.Sprintf("por nodes[%d] last_report_day", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.NodeRoles))
		switch r.Intn(3) {
		case 0:
			s.por.NodeRoles = append(s.por.NodeRoles[:i:i], s.por.NodeRoles[i+1:]...)
			return fmt.Sprintf("por node_roles[%d] removed", i)
		case 1:
			s.por.NodeRoles = append(s.por.NodeRoles, s.por.NodeRoles[i])
			return fmt.Sprintf("por node_roles[%d] duplicated", i)
		}
		s.por.NodeRoles[i].Active = !s.por.NodeRoles[i].Active
		return fmt.Sprintf("por node_roles[%d] active", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.NodeRoles))
		nr := &s.por.NodeRoles[i]
		switch r.Intn(5) {
		case 0:
			nr.Eff = nr.Eff.Add(smallDec(r))
		case 1:
			nr.FromDay, nr.ToDay = uint64(r.Intn(12)), uint64(r.Intn(12))
		case 2:
			nr.SettledDay = uint64(r.Intn(12))
		case 3:
			nr.Accrued = nr.Accrued.Add(smallDec(r))
		default:
			s.por.PendingFor(i).Prev = portypes.Segment{Eff: math.LegacyNewDec(r.Int63n(400)), FromDay: uint64(r.Intn(12)), ToDay: uint64(r.Intn(12))}
		}
		return fmt.Sprintf("por node_roles[%d] report", i)
	},
	func(r *rand.Rand, s *sections) string {
		if len(s.por.Deltas) > 0 && r.Intn(2) == 0 {
			i := pick(r, len(s.por.Deltas))
			if r.Intn(2) == 0 {
				s.por.Deltas = append(s.por.Deltas[:i:i], s.por.Deltas[i+1:]...)
				return fmt.Sprintf("por deltas[%d] removed", i)
			}
			s.por.Deltas[i].Delta.Count += int64(r.Intn(3)) - 1
			s.por.Deltas[i].Delta.Eff = s.por.Deltas[i].Delta.Eff.Add(smallDec(r))
			return fmt.Sprintf("por deltas[%d] changed", i)
		}
		s.por.Deltas = append(s.por.Deltas, portypes.GenesisRoleDelta{
			Role: portypes.NodeRole(1 + r.Intn(5)), Day: uint64(r.Intn(14)),
			Delta: portypes.RoleDelta{Eff: smallDec(r), Count: int64(r.Intn(3)) - 1},
		})
		return "por deltas added"
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.RoleDays))
		if r.Intn(2) == 0 {
			s.por.RoleDays = append(s.por.RoleDays[:i:i], s.por.RoleDays[i+1:]...)
			return fmt.Sprintf("por role_days[%d] removed", i)
		}
		s.por.RoleDays[i].Index = s.por.RoleDays[i].Index.Add(smallDec(r))
		return fmt.Sprintf("por role_days[%d] index", i)
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.por.DayTicks))
		s.por.DayTicks[i].Day = uint64(r.Intn(14))
		return fmt.Sprintf("por day_ticks[%d] day", i)
	},
	func(r *rand.Rand, s *sections) string {
		if len(s.por.Unbonding) == 0 {
			return ""
		}
		i := pick(r, len(s.por.Unbonding))
		u := &s.por.Unbonding[i]
		switch r.Intn(5) {
		case 0:
			u.Operator = garble(r)
		case 1:
			u.Amount = u.Amount.AddRaw(r.Int63n(2001) - 1000)
		case 2:
			u.Id = uint64(r.Intn(5))
		case 3:
			u.CompletionTime = u.CompletionTime.Add(time.Duration(r.Int63n(200)-100) * time.Second)
		default: // set aside: still owed, valid
			s.por.SetAside = append(s.por.SetAside, *u)
			s.por.Unbonding = append(s.por.Unbonding[:i:i], s.por.Unbonding[i+1:]...)
		}
		return fmt.Sprintf("por unbonding[%d]", i)
	},
	func(r *rand.Rand, s *sections) string {
		s.por.NextUnbondingId = uint64(r.Intn(5))
		return "por next_unbonding_id"
	},
	func(r *rand.Rand, s *sections) string {
		p := &s.por.Params
		i := pick(r, len(p.Roles))
		switch r.Intn(5) {
		case 0:
			p.ReportDays = uint32(r.Intn(6))
		case 1:
			p.Roles[i].SlotCap = uint64(r.Intn(4))
		case 2:
			p.Roles[i].AllocBps = uint32(r.Intn(10001))
		case 3:
			p.StakeDenom = []string{"stake", "uaegis", "u"}[r.Intn(3)]
		default:
			p.UnbondingDays = uint32(r.Intn(3))
		}
		return "por params"
	},
	func(r *rand.Rand, s *sections) string {
		i := pick(r, len(s.license.Licenses))
		l := &s.license.Licenses[i]
		switch r.Intn(8) {
		case 0:
			l.Owner = garble(r)
		case 1:
			l.Binding.Target = []string{garble(r), l.Binding.Target, sdk.ValAddress([]byte("some-other-validator")).String()}[r.Intn(3)]
		case 2:
			l.Binding.Kind = licensetypes.BindingKind(r.Intn(4))
		case 3:
			l.Status = licensetypes.Status(r.Intn(4))
		case 4:
			l.Backing = l.Backing.AddRaw(r.Int63n(20_000_000_001) - 10_000_000_000)
		case 5:
			t := testutil.GenesisTime.Add(time.Duration(r.Intn(100)) * time.Second)
			l.UnbondingUntil, l.UnbondingValidator = &t, []string{"", garble(r), l.Binding.Target}[r.Intn(3)]
		case 6:
			l.Id = uint64(r.Intn(8))
		default:
			s.license.Licenses = append(s.license.Licenses, *l)
			return fmt.Sprintf("license licenses[%d] duplicated", i)
		}
		return fmt.Sprintf("license licenses[%d]", i)
	},
	func(r *rand.Rand, s *sections) string {
		switch r.Intn(3) {
		case 0:
			s.license.Minted = uint64(r.Intn(8))
		case 1:
			s.license.Params.Stage = licensetypes.Stage(r.Intn(3))
		default:
			s.license.SlashScans = append(s.license.SlashScans, licensetypes.SlashScan{Validator: []string{garble(r), sdk.ValAddress([]byte("some-other-validator")).String()}[r.Intn(2)], NextId: uint64(r.Intn(5))})
		}
		return "license minted, stage or slash scans"
	},
	func(r *rand.Rand, s *sections) string {
		module := []string{portypes.ModuleName, portypes.StakeAccount}[r.Intn(2)]
		addr := authtypes.NewModuleAddress(module).String()
		delta := sdk.NewInt64Coin(app.BondDenom, r.Int63n(5)+1)
		for i, b := range s.bank.Balances {
			if b.Address == addr {
				if r.Intn(2) == 0 && b.Coins.IsAllGTE(sdk.NewCoins(delta)) {
					s.bank.Balances[i].Coins = b.Coins.Sub(delta)
					s.bank.Supply = s.bank.Supply.Sub(delta)
				} else {
					s.bank.Balances[i].Coins = b.Coins.Add(delta)
					s.bank.Supply = s.bank.Supply.Add(delta)
				}
				return "bank balance of " + module
			}
		}
		return ""
	},
}

// checkMutatedGenesis applies the mutations data selects to the base genesis. A genesis
// the validation refuses must say which module is wrong; one it accepts must boot, run
// several day ticks with user transactions, and keep every section 7 invariant.
func checkMutatedGenesis(t *testing.T, data []byte) {
	base := baseGenesis(t)
	seed := sha256.Sum256(data)
	r := rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:8]))))

	shell := &testutil.TestChain{T: t, Time: base.time, ValSet: base.valSet, Accounts: base.accounts}
	a := testutil.NewApp(t)
	cdc := a.AppCodec()
	var genesis app.GenesisState
	require.NoError(t, json.Unmarshal(base.appState, &genesis))
	var s sections
	require.NoError(t, cdc.UnmarshalJSON(genesis[emissiontypes.ModuleName], &s.em))
	require.NoError(t, cdc.UnmarshalJSON(genesis[portypes.ModuleName], &s.por))
	require.NoError(t, cdc.UnmarshalJSON(genesis["bank"], &s.bank))
	require.NoError(t, cdc.UnmarshalJSON(genesis[licensetypes.ModuleName], &s.license))
	var did []string
	for n := 1 + r.Intn(3); n > 0; n-- {
		if d := mutations[r.Intn(len(mutations))](r, &s); d != "" {
			did = append(did, d)
		}
	}
	var err error
	if genesis[emissiontypes.ModuleName], err = cdc.MarshalJSON(&s.em); err != nil {
		return // a mutation the codec cannot encode is no genesis
	}
	if genesis[portypes.ModuleName], err = cdc.MarshalJSON(&s.por); err != nil {
		return
	}
	if genesis["bank"], err = cdc.MarshalJSON(&s.bank); err != nil {
		return
	}
	if genesis[licensetypes.ModuleName], err = cdc.MarshalJSON(&s.license); err != nil {
		return
	}
	what := strings.Join(did, "; ")

	// What `aegisd genesis validate` runs.
	err = a.BasicModuleManager.ValidateGenesis(cdc, a.TxConfig(), genesis)
	if err == nil {
		err = app.ValidateGenesisCrossModule(cdc, genesis)
	}
	if err != nil {
		msg := err.Error()
		require.True(t, strings.Contains(msg, "emission") || strings.Contains(msg, "por") || strings.Contains(msg, "bank") || strings.Contains(msg, "license"),
			"mutations [%s]: the error must name the module: %s", what, msg)
		t.Logf("refused [%s]: %s", what, msg)
		return
	}

	appState, err := json.Marshal(genesis)
	require.NoError(t, err)
	var next *testutil.TestChain
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("mutations [%s]: a validated genesis panicked at InitChain: %v", what, p)
			}
		}()
		next, err = shell.Import(appState, base.height)
	}()
	require.NoError(t, err, "mutations [%s]: a validated genesis was refused at InitChain", what)
	day := time.Duration(s.em.Params.DaySeconds) * time.Second
	for i := 0; i < 6; i++ {
		if i == 1 || i == 3 {
			for _, acc := range next.Accounts {
				next.DeliverMsgs(time.Second, acc, &portypes.MsgSubmitReport{
					Operator: acc.Address.String(), Totals: portypes.Resources{Compute: 150, Storage: 100, Bandwidth: 80},
					Parts: []portypes.RolePart{{Role: portypes.NODE_ROLE_WORKER, Resources: portypes.Resources{Compute: 150, Storage: 100, Bandwidth: 80}}},
				})
				next.DeliverMsgs(time.Second, acc, &portypes.MsgClaimRewards{Operator: acc.Address.String()})
				next.DeliverMsgs(time.Second, acc, &licensetypes.MsgClaimLicenseRewards{Owner: acc.Address.String()})
				next.DeliverMsgs(time.Second, acc, &licensetypes.MsgUnbind{Signer: acc.Address.String(), Ids: []uint64{uint64(i)}})
			}
		}
		next.NextBlock(day) // fails on an EndBlocker error
		require.NoError(t, next.App.CheckInvariants(next.Context()), "mutations [%s]: block %d", what, i)
	}
	// A later start time may leave the six blocks inside one day: end two more days.
	if end := s.em.Params.StartTime.Add(time.Duration(s.por.LastTickDay+2) * day); next.Time.Before(end) {
		next.NextBlock(end.Sub(next.Time))
		require.NoError(t, next.App.CheckInvariants(next.Context()), "mutations [%s]: last block", what)
	}
	last, err := next.App.PorKeeper.LastTickDay.Get(next.Context())
	require.NoError(t, err)
	require.Greater(t, last, s.por.LastTickDay, "mutations [%s]: days ticked after the boot", what)
	t.Logf("booted [%s] and ticked days %d..%d", what, s.por.LastTickDay+1, last)
}

// FuzzGenesis mutates a genesis exported after real activity (issue #10, done-when 2).
// Its seed corpus runs with every `go test`; `go test -fuzz FuzzGenesis ./app/` runs it
// for longer.
func FuzzGenesis(f *testing.F) {
	for i := 0; i < 40; i++ {
		f.Add([]byte(fmt.Sprintf("seed-%d", i)))
	}
	f.Fuzz(checkMutatedGenesis)
}
