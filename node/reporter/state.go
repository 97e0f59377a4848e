// Package reporter is aegis-node's daily schedule: once per chain day, at the node's own
// offset into the day, it measures (cached), splits the resources across the node's roles
// and submits one report through the hot key; it never reports a day twice, retries with
// backoff, and claims above a threshold.
package reporter

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// StateFile keeps what the reporter has done, in the node's home, across restarts.
const StateFile = "reporter-state.json"

// State is the reporter's memory. The chain's own last_report_day is the authority; the
// file only avoids asking it twice and records what was sent.
type State struct {
	LastReportedDay uint64 `json:"last_reported_day"`
	LastTxHash      string `json:"last_tx_hash"`
	Reports         uint64 `json:"reports"`
	// History is the eff of each report per role, for the status page's charts.
	History []DayEff `json:"history"`
	// DatasetNonce is the nonce of the challenge datasets the reports commit (x/por/post's
	// seed): 0 unless the operator starts new datasets (`aegis-node dataset build --nonce`).
	DatasetNonce uint64 `json:"dataset_nonce"`
	path         string
}

// LoadState reads dir/StateFile (a missing file is an empty state).
func LoadState(dir string) (*State, error) {
	s := &State{path: filepath.Join(dir, StateFile)}
	bz, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(bz, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Save writes the state atomically (write then rename), so a crash never leaves half a file.
func (s *State) Save() error {
	bz, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, bz, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}
