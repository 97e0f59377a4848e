package status

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aegis-chain/aegis/node/chain"
	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// Challenges is how the node does in the chain's liveness, storage and compute challenges: the
// chain's counts, the misses that count towards a slash, and what is open now.
type Challenges struct {
	Enabled bool   `json:"enabled"`
	Passed  uint64 `json:"passed"`
	Missed  uint64 `json:"missed"`
	// RecentMissDays are the report days of the misses inside the failure window: at
	// SlashAfter of them the stake is slashed.
	RecentMissDays []uint64 `json:"recent_miss_days"`
	SlashAfter     uint32   `json:"slash_after_misses"`
	WindowDays     uint32   `json:"failure_window_days"`
	Height         int64    `json:"height,omitempty"`
	Pending        []Open   `json:"pending"`
}

// Open is a pending challenge.
type Open struct {
	ID   uint64 `json:"id"`
	Role string `json:"role"`
	Kind string `json:"kind"`
	Day  uint64 `json:"day"`
	// Phase is a compute challenge's: "commit" while its root is due, "reveal" once the
	// root is committed and the paths of its reveal tiles are due by DeadlineHeight.
	Phase string `json:"phase,omitempty"`
	// DeadlineHeight and BlocksLeft are 0 while a compute root is due: that deadline is
	// on the chain clock, CommitSeconds of chain time after the challenge opened.
	DeadlineHeight int64  `json:"deadline_height"`
	BlocksLeft     int64  `json:"blocks_left"`
	OpenHeight     int64  `json:"open_height,omitempty"`
	CommitSeconds  uint32 `json:"commit_seconds,omitempty"`
	Tiles          uint64 `json:"tiles,omitempty"`
}

// Compute challenge phases.
const (
	PhaseCommit = "commit"
	PhaseReveal = "reveal"
)

// openOf is pending challenge p at chain height.
func openOf(p portypes.Challenge, height int64) Open {
	o := Open{ID: p.Id, Role: roleName(p.Role), Day: p.Day, OpenHeight: p.OpenHeight,
		Kind: strings.ToLower(strings.TrimPrefix(p.Kind.String(), "CHALLENGE_KIND_"))}
	if p.Kind == portypes.CHALLENGE_KIND_COMPUTE {
		o.Phase, o.Tiles = PhaseReveal, p.Tiles
	}
	if p.AwaitsRoot() {
		o.Phase, o.CommitSeconds = PhaseCommit, p.Compute.CommitSeconds
		return o
	}
	o.DeadlineHeight, o.BlocksLeft = p.DeadlineHeight, max(p.DeadlineHeight-height, 0)
	return o
}

// collectChallenges reads the node's challenge figures (stats are the chain's).
func collectChallenges(ctx context.Context, c *chain.Client, params portypes.Params, stats portypes.NodeChallengeStats) (Challenges, error) {
	cp := params.Challenge
	out := Challenges{Enabled: cp.Enabled(), Passed: stats.Passed, Missed: stats.Missed,
		RecentMissDays: append([]uint64{}, stats.RecentMisses...), SlashAfter: cp.SlashFailures, WindowDays: cp.FailureWindowDays,
		Pending: []Open{}}
	pending, err := c.PendingChallenges(ctx)
	if err != nil || len(pending) == 0 {
		return out, err
	}
	if out.Height, err = c.LatestHeight(ctx); err != nil {
		return out, err
	}
	for _, p := range pending {
		out.Pending = append(out.Pending, openOf(p, out.Height))
	}
	return out, nil
}

// print writes the challenge lines of the text status.
func (c Challenges) print(w io.Writer) {
	if !c.Enabled && c.Passed == 0 && c.Missed == 0 && len(c.Pending) == 0 {
		fmt.Fprintln(w, "challenges: off on this chain")
		return
	}
	fmt.Fprintf(w, "challenges: %d passed, %d missed", c.Passed, c.Missed)
	if c.SlashAfter > 0 {
		fmt.Fprintf(w, " (%d of the %d misses within %d days that slash the stake)", len(c.RecentMissDays), c.SlashAfter, c.WindowDays)
	}
	fmt.Fprintln(w)
	for _, p := range c.Pending {
		switch p.Phase {
		case PhaseCommit:
			fmt.Fprintf(w, "  pending challenge %d: %s, %s report of day %d, root of %d tiles due %d s of chain time after it opened at height %d\n",
				p.ID, p.Kind, p.Role, p.Day, p.Tiles, p.CommitSeconds, p.OpenHeight)
		case PhaseReveal:
			fmt.Fprintf(w, "  pending challenge %d: %s, %s report of day %d, root committed, reveal by height %d (%d blocks left)\n",
				p.ID, p.Kind, p.Role, p.Day, p.DeadlineHeight, p.BlocksLeft)
		default:
			fmt.Fprintf(w, "  pending challenge %d: %s, %s report of day %d, answer by height %d (%d blocks left)\n",
				p.ID, p.Kind, p.Role, p.Day, p.DeadlineHeight, p.BlocksLeft)
		}
	}
}

func roleName(r portypes.NodeRole) string {
	return strings.ToLower(strings.TrimPrefix(r.String(), "NODE_ROLE_"))
}
