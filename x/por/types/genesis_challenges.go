package types

import (
	"crypto/sha256"
	"fmt"
	"slices"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/aegis-chain/aegis/x/por/compute"
)

// validateChallenges checks the challenge state: every challenge on its own (ids issued
// and unique, a known node, a storage challenge's commitment and leaves in range), each
// pending one held by exactly the pair that points at it, the day receipts' id ranges,
// and the report log. State written before challenges existed (all of it empty, held and
// forfeited unset) is valid.
func (gs GenesisState) validateChallenges(nodes map[string]Node) error {
	type pair struct {
		op string
		r  NodeRole
	}
	if err := gs.validatePairPending(); err != nil {
		return err
	}
	pend := gs.pendingByPair()
	pending := make(map[uint64]pair)
	for i, ns := range gs.NodeRoles {
		if _, ok := pend[pairKey{ns.Operator, ns.Role}]; !ok {
			continue // nothing pending, nothing held
		}
		nr := pairOf(ns, pend)
		at := func(format string, args ...any) error {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node_roles[%d] (%s, %s) pending: "+format, append([]any{i, nr.Operator, nr.Role.Short()}, args...)...)
		}
		if !validDec(nr.Held) {
			return at("held must not be negative and at most 2^160")
		}
		if err := nr.validateVesting(); err != nil {
			return at("%v", err)
		}
		if nr.ChallengeId == 0 {
			if nr.ChallengeDay != 0 || nr.Held.IsPositive() {
				return at("challenge_day %d and held %s without a pending challenge; set both to zero", nr.ChallengeDay, nr.Held)
			}
			continue
		}
		if _, dup := pending[nr.ChallengeId]; dup {
			return at("challenge %d is pending on two pairs", nr.ChallengeId)
		}
		pending[nr.ChallengeId] = pair{nr.Operator, nr.Role}
	}
	for i, rs := range gs.Roles {
		if !rs.Forfeited.IsNil() && !validAmount(rs.Forfeited) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "roles[%d] %s: forfeited must not be negative and below 2^128", i, rs.Role.Short())
		}
	}
	stats := make(map[string]bool, len(gs.ChallengeStats))
	for i, st := range gs.ChallengeStats {
		switch _, known := nodes[st.Operator]; {
		case !known:
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_stats[%d]: %s is not a listed node", i, st.Operator)
		case stats[st.Operator]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_stats[%d]: %s listed twice; keep one", i, st.Operator)
		case !slices.IsSorted(st.RecentMisses):
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_stats[%d] %s: recent_misses must be in day order", i, st.Operator)
		}
		stats[st.Operator] = true
	}

	if err := gs.validateDatasets(nodes); err != nil {
		return err
	}
	// Far below int64's end, so that adding a window or a block's interval cannot overflow.
	if gs.Clock.ElapsedMs < 0 || gs.Clock.BlockTimeMs < 0 || gs.Clock.ElapsedMs > 1<<62 || gs.Clock.BlockTimeMs > 1<<62 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "clock (%d ms elapsed at block time %d ms) must be in [0, 2^62]", gs.Clock.ElapsedMs, gs.Clock.BlockTimeMs)
	}
	if gs.PruneCursor > gs.NextChallengeId {
		return errorsmod.Wrapf(ErrInvalidGenesis, "prune_cursor %d is past next_challenge_id %d", gs.PruneCursor, gs.NextChallengeId)
	}
	if gs.NextChallengeId > 1<<62 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "next_challenge_id %d is beyond any chain's history (at most 2^62)", gs.NextChallengeId)
	}
	byID := make(map[uint64]Challenge, len(gs.Challenges))
	for i, c := range gs.Challenges {
		at := func(format string, args ...any) error {
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenges[%d] id %d: "+format, append([]any{i, c.Id}, args...)...)
		}
		if c.Id == 0 || c.Id >= gs.NextChallengeId {
			return at("id must be in [1, next_challenge_id %d)", gs.NextChallengeId)
		}
		if _, dup := byID[c.Id]; dup {
			return at("listed twice; keep one")
		}
		byID[c.Id] = c
		if _, err := sdk.AccAddressFromBech32(c.Operator); err != nil {
			return at("operator %q is not an account address (%v)", c.Operator, err)
		}
		if _, ok := nodes[c.Operator]; !ok {
			return at("no node %s", c.Operator)
		}
		if !c.Role.Valid() || c.Day == 0 {
			return at("role %d and day %d must be a known role and a day from 1", c.Role, c.Day)
		}
		if !c.Forfeited.IsNil() && !validAmount(c.Forfeited) {
			return at("forfeited must not be negative and below 2^128")
		}
		if c.Kind != CHALLENGE_KIND_COMPUTE && (c.Tiles != 0 || len(c.ComputeRoot) != 0 || len(c.RevealTiles) != 0 || c.CommittedHeight != 0 || c.CommitDeadlineMs != 0 || c.Compute != (ComputeProofParams{})) {
			return at("a %s challenge has no compute fields", c.Kind)
		}
		switch c.Kind {
		case CHALLENGE_KIND_LIVENESS:
		case CHALLENGE_KIND_STORAGE:
			if err := c.Storage.Validate(); err != nil {
				return at("storage: %v", err)
			}
			if err := c.Dataset.Validate(c.Storage); err != nil {
				return at("dataset: %v", err)
			}
			if len(c.Value) != sha256.Size {
				return at("an open storage challenge has a %d-byte value", sha256.Size)
			}
		case CHALLENGE_KIND_COMPUTE:
			if c.Dataset != (Dataset{}) || c.Storage != (StorageProofParams{}) {
				return at("a compute challenge has no dataset or storage proof sizes")
			}
			if err := c.validateCompute(); err != nil {
				return at("%v", err)
			}
			// A root is never due further ahead than a window: the pair would stay
			// pending (and its license stake bound) indefinitely.
			if c.AwaitsRoot() && c.CommitDeadlineMs-gs.Clock.ElapsedMs > int64(c.Compute.CommitSeconds)*1000 {
				return at("commit_deadline_ms %d is more than commit_seconds (%d s) past the clock's %d ms", c.CommitDeadlineMs, c.Compute.CommitSeconds, gs.Clock.ElapsedMs)
			}
		default:
			return at("unknown kind %d", c.Kind)
		}
		switch c.Status {
		case CHALLENGE_STATUS_PENDING:
			p, ok := pending[c.Id]
			if !ok || p.op != c.Operator || p.r != c.Role {
				return at("pending, but the node-role (%s, %s) does not hold it as its challenge_id", c.Operator, c.Role.Short())
			}
			delete(pending, c.Id)
		case CHALLENGE_STATUS_PASSED, CHALLENGE_STATUS_MISSED, CHALLENGE_STATUS_FAILED:
		default:
			return at("unknown status %d", c.Status)
		}
	}
	for _, pp := range gs.PairPending {
		nr := pp.Pending
		if _, left := pending[nr.ChallengeId]; left {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node-role (%s, %s) holds challenge %d, which is not a pending challenge; clear challenge_id or add it", pp.Operator, pp.Role.Short(), nr.ChallengeId)
		}
		if c, ok := byID[nr.ChallengeId]; ok && nr.ChallengeId != 0 && c.Day != nr.ChallengeDay {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node-role (%s, %s): challenge_day %d differs from challenge %d's day %d", pp.Operator, pp.Role.Short(), nr.ChallengeDay, c.Id, c.Day)
		}
	}

	receipts := make(map[uint64]ChallengeDay, len(gs.ChallengeDays))
	for i, d := range gs.ChallengeDays {
		if _, dup := receipts[d.Day]; d.Day == 0 || dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_days[%d]: day %d must be from 1 and listed once", i, d.Day)
		}
		receipts[d.Day] = d
		if d.Opened > d.Count {
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_days[%d] day %d: opened %d above count %d", i, d.Day, d.Opened, d.Count)
		}
		if d.Count > uint64(len(gs.Challenges)) || d.FirstId > 1<<62 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_days[%d] day %d: %d challenges from id %d, but the genesis lists %d", i, d.Day, d.Count, d.FirstId, len(gs.Challenges))
		}
		if d.Count > d.Candidates {
			return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_days[%d] day %d: count %d above candidates %d", i, d.Day, d.Count, d.Candidates)
		}
		for id := d.FirstId; id < d.FirstId+d.Count; id++ {
			// A draw checks the pair's standing report: the day's, or one made since.
			if c, ok := byID[id]; !ok || c.Day < d.Day {
				return errorsmod.Wrapf(ErrInvalidGenesis, "challenge_days[%d] day %d: challenge %d of its range is missing or of an earlier day", i, d.Day, id)
			}
		}
	}

	return gs.validateReportLogs(receipts)
}

// validateReportLogs checks the two report logs: the day being logged writes buffer
// report_log.buffer, entries [0, count); the day being sampled (sampling_day) reads its
// receipt's buffer, entries [0, candidates), and must be the other one. Entries past a
// count are an older, longer day's tail, never read again.
func (gs GenesisState) validateReportLogs(receipts map[uint64]ChallengeDay) error {
	type key struct {
		buffer uint32
		index  uint64
	}
	have := make(map[key]bool, len(gs.ReportLogEntries))
	for i, t := range gs.ReportLogEntries {
		if _, err := sdk.AccAddressFromBech32(t.Operator); err != nil || !t.Role.Valid() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "report_log_entries[%d]: operator %q and role %d must be an account address and a known role", i, t.Operator, t.Role)
		}
		if t.Buffer > 1 || have[key{t.Buffer, t.Index}] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "report_log_entries[%d]: buffer %d index %d must be in buffer 0 or 1 and listed once", i, t.Buffer, t.Index)
		}
		have[key{t.Buffer, t.Index}] = true
	}
	complete := func(buffer uint32, n uint64) bool {
		if n > uint64(len(gs.ReportLogEntries)) {
			return false
		}
		for i := range n {
			if !have[key{buffer, i}] {
				return false
			}
		}
		return true
	}
	l := gs.ReportLog
	if l.Buffer > 1 || !complete(l.Buffer, l.Count) || (l.Day == 0 && l.Count != 0) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "report_log (day %d, %d pairs, buffer %d) needs entries 0 to count-1 in its buffer (0 or 1)", l.Day, l.Count, l.Buffer)
	}
	if gs.SamplingDay == 0 {
		return nil
	}
	d, ok := receipts[gs.SamplingDay]
	switch {
	case !ok:
		return errorsmod.Wrapf(ErrInvalidGenesis, "sampling_day %d has no challenge_days receipt", gs.SamplingDay)
	case d.Buffer > 1 || d.Target > d.Candidates || d.Count >= d.Target || !complete(d.Buffer, d.Candidates):
		return errorsmod.Wrapf(ErrInvalidGenesis, "sampling_day %d: its receipt needs count < target <= candidates and entries 0 to candidates-1 in its buffer", gs.SamplingDay)
	case l.Count > 0 && d.Buffer == l.Buffer:
		return errorsmod.Wrapf(ErrInvalidGenesis, "sampling_day %d reads buffer %d, which the day being logged writes", gs.SamplingDay, d.Buffer)
	case l.Day != 0 && l.Day <= gs.SamplingDay:
		return errorsmod.Wrapf(ErrInvalidGenesis, "report_log day %d must come after sampling_day %d", l.Day, gs.SamplingDay)
	}
	return nil
}

// validateDatasets checks the pairs' storage commitments: one per pair of a known node,
// each a dataset the proof sizes in force can prove.
func (gs GenesisState) validateDatasets(nodes map[string]Node) error {
	type key struct {
		op string
		r  NodeRole
	}
	seen := make(map[key]bool, len(gs.Datasets))
	for i, d := range gs.Datasets {
		at := func(format string, args ...any) error {
			return errorsmod.Wrapf(ErrInvalidGenesis, "datasets[%d] (%s, %s): "+format, append([]any{i, d.Operator, d.Role.Short()}, args...)...)
		}
		if _, ok := nodes[d.Operator]; !ok {
			return at("no node %s", d.Operator)
		}
		if !d.Role.Valid() || seen[key{d.Operator, d.Role}] {
			return at("a known role, listed once a node")
		}
		seen[key{d.Operator, d.Role}] = true
		if err := d.Dataset.Validate(gs.Params.Challenge.Storage); err != nil {
			return at("%v", err)
		}
	}
	return nil
}

// validatePairPending checks that each pair_pending entry is of a listed node-role, listed
// once, and holds something (a pair with nothing pending has no entry), and that has_pending
// marks exactly the pairs it lists.
func (gs GenesisState) validatePairPending() error {
	roles := make(map[pairKey]bool, len(gs.NodeRoles))
	for _, nr := range gs.NodeRoles {
		roles[pairKey{nr.Operator, nr.Role}] = true
	}
	seen := make(map[pairKey]bool, len(gs.PairPending))
	for i, pp := range gs.PairPending {
		k := pairKey{pp.Operator, pp.Role}
		switch {
		case !roles[k]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "pair_pending[%d] (%s, %s): no node_roles entry of that pair", i, pp.Operator, pp.Role.Short())
		case seen[k]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "pair_pending[%d] (%s, %s): listed twice; keep one", i, pp.Operator, pp.Role.Short())
		case pp.Pending.IsZero():
			return errorsmod.Wrapf(ErrInvalidGenesis, "pair_pending[%d] (%s, %s): holds nothing; remove it", i, pp.Operator, pp.Role.Short())
		}
		seen[k] = true
	}
	// has_pending says which pairs have an entry; a pair read without its entry would lose
	// what it has pending, and one looked up in vain would not boot.
	for i, nr := range gs.NodeRoles {
		if listed := seen[pairKey{nr.Operator, nr.Role}]; nr.HasPending != listed {
			return errorsmod.Wrapf(ErrInvalidGenesis, "node_roles[%d] (%s, %s): has_pending is %t but pair_pending %s; set has_pending to %t",
				i, nr.Operator, nr.Role.Short(), nr.HasPending, map[bool]string{true: "lists the pair", false: "does not list it"}[listed], listed)
		}
	}
	return nil
}

// maxAnswerWindowBlocks is ChallengeParams.answer_window_blocks' bound.
const maxAnswerWindowBlocks = 100_000

// validateCompute checks a compute challenge's proof sizes and where its answers stand:
// awaiting its root (no deadline height yet, nothing drawn) or committed (a 32-byte root,
// the drawn tiles, the reveal's deadline after the commit).
func (c Challenge) validateCompute() error {
	if !c.Compute.Enabled() {
		return fmt.Errorf("compute: tiles_per_unit_second must be positive")
	}
	if err := c.Compute.Validate(); err != nil {
		return fmt.Errorf("compute: %v", err)
	}
	switch {
	case c.AnswerWindowBlocks > maxAnswerWindowBlocks:
		return fmt.Errorf("answer_window_blocks must be at most %d, got %d", maxAnswerWindowBlocks, c.AnswerWindowBlocks)
	case len(c.Value) != sha256.Size:
		return fmt.Errorf("a compute challenge has a %d-byte value", sha256.Size)
	case c.Tiles == 0 || c.Tiles > compute.MaxTiles:
		return fmt.Errorf("tiles must be in [1, 2^40], got %d", c.Tiles)
	case c.CommitDeadlineMs < 0:
		return fmt.Errorf("commit_deadline_ms must not be negative, got %d", c.CommitDeadlineMs)
	}
	if len(c.ComputeRoot) == 0 {
		if c.CommittedHeight != 0 || len(c.RevealTiles) != 0 || c.DeadlineHeight != 0 {
			return fmt.Errorf("no root committed, so committed_height, reveal_tiles and deadline_height must be unset")
		}
		return nil
	}
	want := min(uint64(c.Compute.Samples), c.Tiles)
	switch {
	case len(c.ComputeRoot) != compute.HashSize:
		return fmt.Errorf("compute_root must have %d bytes, got %d", compute.HashSize, len(c.ComputeRoot))
	case uint64(len(c.RevealTiles)) != want:
		return fmt.Errorf("a committed root draws %d reveal_tiles, got %d", want, len(c.RevealTiles))
	case c.DeadlineHeight < c.CommittedHeight || c.DeadlineHeight-c.CommittedHeight > maxAnswerWindowBlocks:
		// Rebased heights may be negative; the reveal's window is what must be sane.
		return fmt.Errorf("deadline_height %d must be within %d blocks after committed_height %d", c.DeadlineHeight, maxAnswerWindowBlocks, c.CommittedHeight)
	}
	for i, j := range c.RevealTiles {
		if j >= c.Tiles || (i > 0 && j <= c.RevealTiles[i-1]) {
			return fmt.Errorf("reveal_tiles must be strictly increasing tiles below %d", c.Tiles)
		}
	}
	return nil
}
