package lesson

import (
	"fmt"
	"slices"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
)

// Run is a lesson being played: its scenario (after the settings'
// overrides), the player, and what is computed once for it.
type Run struct {
	Lesson   *Lesson
	Scenario *scenario.Scenario
	// Title is the act's: the lesson's, or that of the step's Replay the
	// run was built for.
	Title string
	// For lessons that compare, each mode's whole run: the thought
	// experiment, real TCP without ephemeral ports, and with them.
	Serial, Without, With sim.Stats
	// WithoutTakeovers counts the TIME_WAITs taken over early in the run
	// without ephemeral ports.
	WithoutTakeovers int
	// Stats is the whole run's, computed once (the last completion is a
	// pause condition).
	Stats sim.Stats
	play  *player
	pace  pace
	// book is the phrasebook the run's texts are told in; title is the
	// act's title's message ID and English.
	book  *phrase.Book
	title [2]string
}

// SetBook tells the run's texts in b's language from now on.
func (r *Run) SetBook(b *phrase.Book) {
	r.book = b
	r.Title = b.Of(r.title[0], r.title[1])
	if r.Title == "" && r.Lesson.Source != "" {
		r.Title = b.T("yours.title") // a learner's file without a title
	}
}

// T is message id in the run's language (phrase.Book.T).
func (r *Run) T(id string, args ...any) string { return r.book.T(id, args...) }

// phrasesOr is lang's phrasebook, or English's if lang is not one the
// settings' checks let through (they name it to the learner).
func phrasesOr(lang string) *phrase.Book {
	if lang != "" {
		if b, err := Phrases(lang); err == nil {
			return b
		}
	}
	return English()
}

// NewRun builds lesson l with settings s. It fails only if the scenario
// cannot run, which the catalogue's and the settings' checks make
// unlikely; a front end then shows the error instead of a blank screen.
func NewRun(l *Lesson, s Settings) (*Run, error) { return newRunAt(l, s, 0) }

// newRunAt builds lesson l's act that begins at step act (as Lesson.act
// counts steps): a step with a Replay gets its ports and its title.
func newRunAt(l *Lesson, s Settings, act int) (*Run, error) {
	var sc *scenario.Scenario
	var err error
	switch {
	case l.Sandbox:
		sc, err = s.Sandbox.Scenario(s.Seed, s.Profile)
	case l.Source != "":
		// The learner's own keeps the seed its file names, unless one is
		// asked for: the same run as `portsim run FILE` gives.
		if sc, err = scenario.Parse(l.Source); err == nil && s.SeedGiven {
			sc.Seed = s.Seed
		}
	default:
		var b assets.Builtin
		if b, err = assets.Scenario(l.Scenario); err == nil {
			sc, err = scenario.Parse(b.Source)
		}
		if sc != nil {
			sc.Seed = s.Seed
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lesson %d: %w", l.Number, err)
	}
	if l.HasPorts {
		sc.Ports = l.Ports
	}
	title, titleID := l.Title, l.prefix()+"title"
	if act >= 1 && act <= len(l.Steps) && l.Steps[act-1].Replay != nil {
		rp := l.Steps[act-1].Replay
		sc.Ports, title, titleID = rp.Ports, rp.Title, l.prefix()+l.Steps[act-1].Name+".act"
	}
	if l.ProfileSwitch && s.Profile.Name != "" && !l.Sandbox {
		for i := range sc.Hosts {
			if isClient(sc, sc.Hosts[i].Name) {
				sc.Hosts[i].Profile = s.Profile
			}
		}
	}
	if l.Source != "" {
		// The sandbox's knobs that apply to the learner's own clients; a
		// knob at "the profile's own" keeps what the file says.
		sb := s.Sandbox
		for i := range sc.Hosts {
			h := &sc.Hosts[i]
			if !isClient(sc, h.Name) {
				continue
			}
			if sb.Range != (engine.Range{}) {
				h.Range = sb.Range
			}
			if sb.Strategy != 0 {
				h.Strategy = sb.Strategy
			}
			if sb.TimeWait > 0 {
				h.TimeWait = sb.TimeWait
			}
		}
	}
	p, err := newPlayer(sc)
	if err != nil {
		return nil, fmt.Errorf("lesson %d: %w", l.Number, err)
	}
	r := &Run{Lesson: l, Scenario: sc, title: [2]string{titleID, title}, play: p, pace: pace{idle: l.Idle, flight: l.Idle}}
	r.SetBook(phrasesOr(s.Lang))
	if l.Flight > 0 {
		r.pace.flight = sc.Latency.Seconds() / l.Flight
	}
	if l.Compare {
		if r.Serial, _, err = runAll(sc, scenario.Serial); err == nil {
			if r.Without, r.WithoutTakeovers, err = runAll(sc, scenario.NoEphemeral); err == nil {
				r.With, _, err = runAll(sc, scenario.Ephemeral)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if slices.ContainsFunc(l.Steps, func(st Step) bool { return st.Until != nil && st.Until.Special == LastDone }) {
		if r.Stats, _, err = runAll(sc, sc.Ports); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func isClient(sc *scenario.Scenario, name string) bool {
	for _, c := range sc.Connects {
		if c.From == name {
			return true
		}
	}
	return false
}

func isServer(sc *scenario.Scenario, name string) bool {
	for _, l := range sc.Listens {
		if l.Host == name {
			return true
		}
	}
	return false
}

// runAll runs a copy of sc to the end with its ports from mode, and
// counts the TIME_WAITs taken over on the way.
func runAll(sc *scenario.Scenario, mode scenario.Ports) (sim.Stats, int, error) {
	cp := *sc
	cp.Ports = mode
	s, err := sim.New(&cp)
	if err != nil {
		return sim.Stats{}, 0, err
	}
	takeovers := 0
	s.Run(cp.Duration, func(e sim.Event) {
		if e.Kind == sim.PortReleased && e.TakenOver {
			takeovers++
		}
	})
	return s.Stats(), takeovers, nil
}

func (r *Run) clients() []*hostState {
	var out []*hostState
	for i := range r.play.hosts {
		if r.play.hosts[i].client {
			out = append(out, &r.play.hosts[i])
		}
	}
	return out
}

func (r *Run) firstClient() *hostState {
	if c := r.clients(); len(c) > 0 {
		return c[0]
	}
	return &r.play.hosts[0]
}

func (r *Run) servers() []*hostState {
	var out []*hostState
	for i := range r.play.hosts {
		if r.play.hosts[i].server {
			out = append(out, &r.play.hosts[i])
		}
	}
	return out
}

// firstServer is the first server's name; "" if the scenario has none.
func (r *Run) firstServer() string {
	if s := r.servers(); len(s) > 0 {
		return s[0].Name
	}
	return ""
}

// connectRate is the first TCP connect line's rate per second.
func (r *Run) connectRate() float64 {
	rate, _ := r.rateOf(engine.TCP)
	return rate
}

// rateOf is the first proto line's rate per second (0 if none) and the
// server it goes to.
func (r *Run) rateOf(proto engine.Proto) (float64, string) {
	for _, c := range r.Scenario.Connects {
		if c.Transport() == proto {
			if c.Every == 0 {
				return 0, c.To
			}
			return 1 / c.Every.Seconds(), c.To
		}
	}
	return 0, ""
}

// matches says whether event e meets pause condition c, with the run's
// counts so far (e is already counted).
func (r *Run) matches(c *Cond, e sim.Event) bool {
	if c.Host != "" && e.Host != c.Host || c.NotHost != "" && e.Host == c.NotHost {
		return false
	}
	switch c.Special {
	case Connect:
		if e.Kind != sim.PortAllocated && e.Kind != sim.ConnectFailed {
			return false
		}
		return c.Nth == 0 || r.play.kinds[sim.PortAllocated]+r.play.kinds[sim.ConnectFailed] >= c.Nth
	case RangeFull:
		if e.Kind != sim.PortAllocated {
			return false
		}
		h := r.play.engines[r.play.hostIndex(e.Host)]
		return h.Available(engine.TCP, e.Tuple.Remote) == 0
	case LastDone:
		return e.At >= r.Stats.LastDone
	}
	if e.Kind != c.Kind || c.State != 0 && e.State != c.State {
		return false
	}
	return c.Nth == 0 || r.play.kinds[c.Kind] >= c.Nth
}
