package lesson

import "time"

// Budget bounds the simulation work one Tick does, so that a frame never
// waits for the simulation: when the asked speed needs more work than the
// budget, playback gets as far as the budget allows and the view says how
// fast it really plays. Only how far a Tick gets depends on the clock,
// never which events happen: the simulation is cut only between whole runs
// to a moment, and a run to t does the same whether it is cut or not.
type Budget struct {
	Work  time.Duration        // simulation work per Tick; 0: no limit
	Clock func() time.Duration // a monotonic clock; tests inject their own
}

// DefaultBudget is 4 ms of simulation per frame, measured against the
// browser on a 2-core machine with software WebGL: an empty Ebiten frame
// there takes about 39 ms and Portplay's own Draw about 3.3 ms, so 4 ms of
// simulation keeps a frame within 0.8 of the empty program's rate.
func DefaultBudget() Budget {
	start := time.Now()
	return Budget{Work: 4 * time.Millisecond, Clock: func() time.Duration { return time.Since(start) }}
}

// minSlice is the least simulated time one cut of the run covers.
const minSlice = 100 * time.Microsecond

// advanceWithin is advanceTo(t) within budget b. The run is cut into
// slices sized from the cost measured so far (what half of the rest of
// the budget buys), so the last slice overshoots the budget by little.
// It reports whether the budget stopped it short of t.
func (p *player) advanceWithin(t time.Duration, b Budget) (short bool) {
	t = min(t, p.end())
	if b.Work <= 0 || b.Clock == nil {
		p.advanceTo(t)
		return false
	}
	start, from := b.Clock(), p.now
	slice := time.Millisecond
	for p.now < t {
		p.advanceTo(min(p.now+slice, t))
		spent := b.Clock() - start
		if spent >= b.Work {
			break
		}
		perSimNs := float64(spent) / float64(p.now-from)
		slice = max(minSlice, time.Duration(float64(b.Work-spent)/2/max(perSimNs, 1e-9)))
	}
	return p.now < t
}
