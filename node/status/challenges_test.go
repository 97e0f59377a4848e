package status

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
