package status

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The role table stays aligned whatever the figures' lengths: every column starts at the
// same offset on every row, the header's included.
func TestPrintAlignsTheRoleTable(t *testing.T) {
	st := &Status{Operator: "aegis1op", CurrentDay: 12, LastReportDay: 11, Pending: "123456789012345678", EstMonthly: "9",
		Roles: []RoleStatus{
			{Role: "worker", SlotHeld: true, Eff: "0.000000000000000001", Pending: "123456789012345678", Vesting: "0", EstDaily: "1", MissedMinimum: nil},
			{Role: "sequencer", SlotHeld: false, Eff: "12.5", Penalized: true, Pending: "0", Vesting: "3000000000000", EstDaily: "98765432109876543210",
				MissedMinimum: []string{"compute 2 < 140", "bandwidth 10 < 1000"}},
			{Role: "da", Eff: "1", Pending: "7", Vesting: "21", EstDaily: "7", DisqualifiedUntil: 40},
		}}
	var b bytes.Buffer
	st.Print(&b)
	lines := strings.Split(b.String(), "\n")
	var table []string
	for i, l := range lines {
		if strings.HasPrefix(l, "ROLE") {
			table = lines[i : i+1+len(st.Roles)]
		}
	}
	require.Len(t, table, 4, b.String())
	header := table[0]
	for _, col := range []string{"SLOT", "EFF", "PENALTY", "CLAIMABLE", "VESTING", "EST/DAY", "MISSED"} {
		at := strings.Index(header, col)
		require.Positive(t, at, col)
		for _, row := range table[1:] {
			require.Greater(t, len(row), at, "%q\n%s", row, b.String())
			require.NotEqual(t, byte(' '), row[at], "column %s starts at %d in %q\n%s", col, at, row, b.String())
			require.Equal(t, byte(' '), row[at-1], "column %s is preceded by padding in %q\n%s", col, row, b.String())
		}
	}
	require.Contains(t, table[2], "compute 2 < 140, bandwidth 10 < 1000")
	require.Contains(t, table[2], "98765432109876543210")
	require.Contains(t, b.String(), "da: DISQUALIFIED through day 40")
}
