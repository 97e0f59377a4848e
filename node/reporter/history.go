package reporter

// DayEff is the eff PoR the chain gave one of the node's reports: it counts at the ticks
// from its day on (until the next report replaces it, or report_days pass).
type DayEff struct {
	Day  uint64 `json:"day"`
	Role string `json:"role"`
	Eff  string `json:"eff"`
}

// maxHistory keeps about two months of five roles.
const maxHistory = 5 * 64

// record adds the node's report effs of a day, dropping the oldest beyond maxHistory.
func (s *State) record(effs []DayEff) {
	s.History = append(s.History, effs...)
	if n := len(s.History) - maxHistory; n > 0 {
		s.History = append([]DayEff(nil), s.History[n:]...)
	}
}
