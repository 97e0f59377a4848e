package status

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	portypes "github.com/aegis-chain/aegis/x/por/types"
)

// TestChallengesShown: the text status and the page show the counts, the misses towards
// a slash and each pending challenge with its deadline; a chain without challenges says so.
func TestChallengesShown(t *testing.T) {
	st := &Status{Operator: "aegis1op", Challenges: Challenges{Enabled: true, Passed: 3, Missed: 1, RecentMissDays: []uint64{7},
		SlashAfter: 2, WindowDays: 10, Height: 120,
		Pending: []Open{{ID: 9, Role: "worker", Kind: "storage", Day: 8, DeadlineHeight: 125, BlocksLeft: 5}}}}
	var text strings.Builder
	st.Print(&text)
	require.Contains(t, text.String(), "challenges: 3 passed, 1 missed (1 of the 2 misses within 10 days that slash the stake)")
	require.Contains(t, text.String(), "pending challenge 9: storage, worker report of day 8, answer by height 125 (5 blocks left)")

	var html strings.Builder
	require.NoError(t, pageTmpl.Execute(&html, &PageData{Status: st}))
	for _, want := range []string{`id="challenges-passed">3<`, `class="bad">1<`, "<td>9</td><td>storage</td><td>worker</td><td>8</td><td>125</td><td>5</td>"} {
		require.Contains(t, html.String(), want)
	}

	st.Challenges = Challenges{}
	text.Reset()
	st.Print(&text)
	require.Contains(t, text.String(), "challenges: off on this chain")
	html.Reset()
	require.NoError(t, pageTmpl.Execute(&html, &PageData{Status: st}))
	require.Contains(t, html.String(), "Challenges are off on this chain.")
}

// TestComputeChallengeShown: a compute challenge awaiting its root shows its kind and
// "root due" with its commit window instead of a deadline height (which is 0 until the
// root lands: no negative blocks left); once committed, its reveal's deadline height.
func TestComputeChallengeShown(t *testing.T) {
	cp := portypes.DefaultComputeProofParams()
	c := portypes.Challenge{Id: 9, Role: portypes.NODE_ROLE_WORKER, Day: 8, Kind: portypes.CHALLENGE_KIND_COMPUTE,
		Status: portypes.CHALLENGE_STATUS_PENDING, OpenHeight: 118, Compute: cp, Tiles: 120_000, CommitDeadlineMs: 200_000}
	commit := openOf(c, 120)
	require.Equal(t, Open{ID: 9, Role: "worker", Kind: "compute", Day: 8, Phase: "commit", OpenHeight: 118, CommitSeconds: 150, Tiles: 120_000}, commit)
	bz, err := json.Marshal(commit)
	require.NoError(t, err)
	require.JSONEq(t, `{"id":9,"role":"worker","kind":"compute","day":8,"phase":"commit","deadline_height":0,"blocks_left":0,"open_height":118,"commit_seconds":150,"tiles":120000}`, string(bz))

	c.ComputeRoot, c.CommittedHeight, c.DeadlineHeight, c.RevealTiles = make([]byte, 32), 130, 180, []uint64{1, 2}
	reveal := openOf(c, 140)
	require.Equal(t, "reveal", reveal.Phase)
	require.Equal(t, int64(180), reveal.DeadlineHeight)
	require.Equal(t, int64(40), reveal.BlocksLeft)
	require.Zero(t, reveal.CommitSeconds)

	storage := openOf(portypes.Challenge{Id: 3, Role: portypes.NODE_ROLE_WORKER, Kind: portypes.CHALLENGE_KIND_STORAGE, DeadlineHeight: 125}, 130)
	require.Equal(t, Open{ID: 3, Role: "worker", Kind: "storage", DeadlineHeight: 125}, storage, "past its deadline: 0 blocks left")
	bz, err = json.Marshal(storage)
	require.NoError(t, err)
	require.NotContains(t, string(bz), "phase")

	st := &Status{Operator: "aegis1op", Challenges: Challenges{Enabled: true, Height: 140, Pending: []Open{commit, reveal}}}
	var text strings.Builder
	st.Print(&text)
	require.Contains(t, text.String(), "pending challenge 9: compute, worker report of day 8, root of 120000 tiles due 150 s of chain time after it opened at height 118")
	require.Contains(t, text.String(), "pending challenge 9: compute, worker report of day 8, root committed, reveal by height 180 (40 blocks left)")
	require.NotContains(t, text.String(), "height 0")

	var html strings.Builder
	require.NoError(t, pageTmpl.Execute(&html, &PageData{Status: st}))
	require.Contains(t, html.String(), `<td>9</td><td>compute (commit)</td><td>worker</td><td>8</td><td>root due</td><td title="120000 tiles">150 s of chain time after height 118</td>`)
	require.Contains(t, html.String(), "<td>9</td><td>compute (reveal)</td><td>worker</td><td>8</td><td>180</td><td>40</td>")
}
