package lesson

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// parseBuiltin is the built-in scenario name exactly as shipped.
func parseBuiltin(t testing.TB, name string) *scenario.Scenario {
	t.Helper()
	b, err := assets.Scenario(name)
	require.NoError(t, err)
	sc, err := scenario.Parse(b.Source)
	require.NoError(t, err)
	return sc
}

// unmodified is lesson l's scenario before the profile setting: the
// built-in file, or the sandbox's from its knobs with the mixed profiles.
func unmodified(t testing.TB, l *Lesson, s Settings) *scenario.Scenario {
	t.Helper()
	if l.Sandbox {
		sc, err := s.Sandbox.Scenario(s.Seed, engine.Profile{})
		require.NoError(t, err)
		return sc
	}
	return parseBuiltin(t, l.Scenario)
}

// profileChoices are the profile settings lesson l can be opened with: the
// scenario's own, and every profile where the lesson switches them.
func profileChoices(l *Lesson) []engine.Profile {
	out := []engine.Profile{{}}
	if l.ProfileSwitch {
		out = append(out, engine.Profiles()...)
	}
	return out
}

func TestEveryLessonBuilds(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		for _, prof := range profileChoices(l) {
			t.Run(fmt.Sprintf("%s/%s", l.Name, prof.Name), func(t *testing.T) {
				s := DefaultSettings()
				s.Profile = prof
				s.Seed = 42
				r, err := NewRun(l, s)
				require.NoError(t, err)
				assert.Same(t, l, r.Lesson)
				assert.Equal(t, time.Duration(0), r.play.now)
				assert.Equal(t, r.Scenario.Duration, r.play.end())
				assert.Equal(t, uint64(42), r.Scenario.Seed, "the seed setting reaches the scenario")
				assert.Equal(t, l.Idle, r.pace.idle)
				if l.Flight > 0 {
					assert.InDelta(t, r.Scenario.Latency.Seconds()/l.Flight, r.pace.flight, 1e-12, "a packet takes l.Flight real seconds along its link")
					assert.Less(t, r.pace.flight, r.pace.idle, "slow motion while packets fly")
				} else {
					assert.Equal(t, r.pace.idle, r.pace.flight, "no slow motion")
				}

				base := unmodified(t, l, s)
				clients := clientNames(base)
				require.Len(t, r.Scenario.Hosts, len(base.Hosts))
				engineHosts := r.play.sim.Hosts()
				for i, h := range r.Scenario.Hosts {
					want := base.Hosts[i].Profile
					if prof.Name != "" && clients[h.Name] {
						want = prof
					}
					assert.Equal(t, want, h.Profile, "host %s", h.Name)
					assert.Equal(t, want.Name, engineHosts[i].Profile().Name, "the engine runs host %s as %s", h.Name, want.Name)
					// Everything else about the host is the scenario's.
					h.Profile, base.Hosts[i].Profile = engine.Profile{}, engine.Profile{}
					assert.Equal(t, base.Hosts[i], h)
				}
				assert.Equal(t, base.Connects, r.Scenario.Connects)
				assert.Equal(t, base.Listens, r.Scenario.Listens)
				if l.HasPorts {
					base.Ports = l.Ports // the lesson animates another mode
				}
				assert.Equal(t, base.Ports, r.Scenario.Ports)
			})
		}
	}
}

// trace runs sc to until and writes its events one a line.
func trace(t testing.TB, sc *scenario.Scenario, until time.Duration) []string {
	t.Helper()
	var out []string
	for _, e := range reference(t, sc, until) {
		out = append(out, sim.Trace(e))
	}
	return out
}

// The sandbox with its knobs as it opens is the scenario in
// assets/scenarios/6-sandbox.txt, which docs and portsim run.
func TestDefaultSandboxIsTheBuiltinScenario(t *testing.T) {
	file := parseBuiltin(t, "6-sandbox")
	for _, seed := range []uint64{1, 77} {
		sc, err := DefaultSandbox().Scenario(seed, engine.Profile{})
		require.NoError(t, err)
		assert.Equal(t, seed, sc.Seed)
		assert.Equal(t, sandboxDuration, sc.Duration)
		f := *file
		f.Seed = seed
		// The same hosts, listeners and connects, wherever they were
		// written.
		require.Len(t, sc.Hosts, len(f.Hosts))
		for i := range f.Hosts {
			want := f.Hosts[i]
			want.Pos = scenario.Pos{}
			assert.Equal(t, want, sc.Hosts[i])
		}
		require.Len(t, sc.Listens, len(f.Listens))
		for i := range f.Listens {
			want := f.Listens[i]
			want.Pos = scenario.Pos{}
			assert.Equal(t, want, sc.Listens[i])
		}
		require.Len(t, sc.Connects, len(f.Connects))
		for i := range f.Connects {
			want := f.Connects[i]
			want.Pos = scenario.Pos{}
			assert.Equal(t, want, sc.Connects[i])
		}
		assert.Equal(t, f.Duration, sc.Duration)
		assert.Equal(t, f.Latency, sc.Latency)
		assert.Equal(t, f.Ports, sc.Ports)
		// And the engine does the same with both.
		want := trace(t, &f, 3*time.Second)
		require.Greater(t, len(want), 1000, "three seconds of three clients at 50/s")
		assert.Equal(t, want, trace(t, sc, 3*time.Second), "seed %d", seed)
	}
}

// knobChoices are every setting knob i gives, cycling it forward from s.
func knobChoices(t testing.TB, s Settings, i int) []Settings {
	t.Helper()
	out := []Settings{s}
	for range 100 {
		next := out[len(out)-1]
		_, steps := knobs(English(), next)
		steps[i](&next, 1)
		if next == s {
			return out
		}
		out = append(out, next)
	}
	t.Fatalf("knob %d never comes back to its start", i)
	return nil
}

// linkOf writes s as a link's parameters.
func linkOf(s Settings) map[string]string {
	given := map[string]string{
		"scene":   itoa(s.Lesson),
		"speed":   formatSpeed(s.Speed),
		"seed":    fmt.Sprint(s.Seed),
		"clients": itoa(s.Sandbox.Clients),
		"rate":    itoa(s.Sandbox.Rate),
		"dests":   itoa(s.Sandbox.Dests),
		"udp":     itoa(s.Sandbox.UDP),
	}
	if s.Paused {
		given["paused"] = "1"
	}
	if s.Profile.Name != "" {
		given["profile"] = s.Profile.Name
	}
	if s.Sandbox.Range != (engine.Range{}) {
		given["range"] = s.Sandbox.Range.String()
	}
	if s.Sandbox.Strategy != 0 {
		given["strategy"] = s.Sandbox.Strategy.String()
	}
	if s.Sandbox.TimeWait != 0 {
		given["timewait"] = s.Sandbox.TimeWait.String()
	}
	return given
}

// requireValidSettings checks s by the rules links are checked with: the
// same values given to ParseSettings come back unchanged and without a
// problem.
func requireValidSettings(t testing.TB, cat *Catalogue, s Settings, knob string) {
	t.Helper()
	got, problems := cat.ParseSettings(getter(linkOf(s)))
	require.Empty(t, problems, "%s: %+v", knob, s)
	s.LessonGiven, s.SeedGiven = true, true
	require.Equal(t, s, got, knob)
}

func TestKnobsCycleAndStayValid(t *testing.T) {
	cat := builtin(t)
	def := DefaultSettings()
	ks, steps := knobs(English(), def)
	require.Len(t, ks, 8)
	require.Len(t, steps, len(ks))
	for i, k := range ks {
		assert.NotEmpty(t, k.Name)
		assert.NotEmpty(t, k.Value, k.Name)
		// Forward through every choice comes back to the start.
		fwd := knobChoices(t, def, i)
		n := len(fwd)
		require.Greater(t, n, 1, k.Name)
		s := def
		for j := range n {
			require.Equal(t, fwd[j], s, "%s forward %d", k.Name, j)
			requireValidSettings(t, cat, s, k.Name)
			_, st := knobs(English(), s)
			st[i](&s, 1)
		}
		assert.Equal(t, def, s, "%s: %d steps forward come back", k.Name, n)
		// Backward visits the same choices in reverse.
		for j := range n {
			_, st := knobs(English(), s)
			st[i](&s, -1)
			require.Equal(t, fwd[(n-1-j+n)%n], s, "%s backward %d", k.Name, j)
		}
		// Only this knob's setting moves.
		for _, c := range fwd {
			other := c
			other.Sandbox, other.Profile = def.Sandbox, def.Profile
			assert.Equal(t, def, other, "%s changes nothing else", k.Name)
		}
		// Each choice is shown as a different value, under the same name.
		shown := map[string]bool{}
		for _, c := range fwd {
			cks, _ := knobs(English(), c)
			assert.Equal(t, k.Name, cks[i].Name)
			shown[cks[i].Value] = true
		}
		assert.Len(t, shown, n, "%s: every choice reads differently", k.Name)
	}
	assert.Equal(t, "Profile", ks[0].Name)
	assert.Equal(t, "mixed", ks[0].Value, "the sandbox opens with the mix of profiles")
	profiles := knobChoices(t, def, 0)
	assert.Len(t, profiles, len(engine.Profiles())+1, "every profile, and the scenario's mix")
	strategies := map[engine.Strategy]bool{}
	for _, c := range knobChoices(t, def, 2) {
		strategies[c.Sandbox.Strategy] = true
	}
	for _, st := range engine.Strategies {
		assert.True(t, strategies[st], "the strategy knob offers %s", st)
	}
	assert.Len(t, knobChoices(t, def, 4), maxClients, "1 to %d clients", maxClients)
	assert.Len(t, knobChoices(t, def, 6), len(sandboxServers), "1 to %d servers", len(sandboxServers))
}

// A range from a link that the knob does not offer is shown as it is, as
// a choice just before the knob's own: forward goes to the first of them,
// backward to the last. (Once left it is gone: Settings keep no memory of
// the link.)
func TestRangeKnobShowsALinksRange(t *testing.T) {
	cat := builtin(t)
	s := DefaultSettings()
	s.Sandbox.Range = engine.Range{Lo: 40000, Hi: 40049}
	require.NotContains(t, sandboxRanges, s.Sandbox.Range)
	ks, steps := knobs(English(), s)
	assert.Equal(t, "40000-40049", ks[1].Value)
	fwd, back := s, s
	steps[1](&fwd, 1)
	steps[1](&back, -1)
	assert.Equal(t, sandboxRanges[0], fwd.Sandbox.Range)
	assert.Equal(t, sandboxRanges[len(sandboxRanges)-1], back.Sandbox.Range)
	for _, c := range []Settings{s, fwd, back} {
		requireValidSettings(t, cat, c, "Range")
	}
}

// requireSandboxAsSet checks that the engine runs the sandbox as its knobs
// say.
func requireSandboxAsSet(t testing.TB, s Settings, r *Run) {
	t.Helper()
	sb := s.Sandbox
	var clients, servers int
	for i, h := range r.play.sim.Hosts() {
		pr := h.Profile()
		if r.play.hosts[i].client {
			clients++
			def := s.Profile
			if def.Name == "" {
				var err error
				def, err = engine.ProfileByName(sandboxMixed[(clients-1)%len(sandboxMixed)])
				require.NoError(t, err)
			}
			require.Equal(t, def.Name, pr.Name)
			wantRange := def.Ephemeral
			if sb.Range != (engine.Range{}) {
				wantRange = sb.Range
			}
			require.Equal(t, wantRange, pr.Ephemeral, "%s's range with %+v", h.Name(), sb)
			wantStrategy := def.Connect
			if sb.Strategy != 0 {
				wantStrategy = sb.Strategy
			}
			require.Equal(t, wantStrategy, pr.Connect, "%s's strategy with %+v", h.Name(), sb)
			wantTW := def.TimeWait
			if sb.TimeWait > 0 {
				wantTW = sb.TimeWait
			}
			require.Equal(t, wantTW, pr.TimeWait, "%s's TIME_WAIT with %+v", h.Name(), sb)
		} else {
			servers++
			require.Equal(t, "linux", pr.Name)
			if sb.TimeWait > 0 {
				require.Equal(t, sb.TimeWait, pr.TimeWait, "%s's TIME_WAIT with %+v", h.Name(), sb)
			}
		}
	}
	require.Equal(t, sb.Clients, clients)
	resolver := 0
	if sb.UDP > 0 {
		resolver = 1 // dns, the resolver the UDP queries go to
	}
	require.Equal(t, sb.Dests+resolver, servers)
	// Each client's rate, split between TCP connections and UDP queries
	// by the UDP share, in hundredths of a connection per second.
	var perClient [maxClients]float64
	for _, c := range r.Scenario.Connects {
		i := int(c.From[1] - '1')
		if c.Transport() == engine.UDP {
			require.Equal(t, "dns", c.To)
			require.Equal(t, uint16(53), c.Port)
		} else {
			require.Equal(t, sandboxServers[i%sb.Dests].name, c.To, "client %d's server", i+1)
			require.Equal(t, sandboxServers[i%sb.Dests].port, c.Port)
		}
		perSec := float64(time.Second) / float64(c.Every)
		perClient[i] += perSec
		require.InDelta(t, perSec*sandboxDuration.Seconds(), float64(c.Count), 1, "%s goes on all run long", c.From)
		want := float64(sb.Rate*sb.UDP) / 100
		if c.Transport() == engine.TCP {
			want = float64(sb.Rate) - float64(sb.Rate*sb.UDP)/100
		}
		require.InDelta(t, want, perSec, 0.001, "%v share of %d/s with %d%% UDP", c.Transport(), sb.Rate, sb.UDP)
	}
	for i := range sb.Clients {
		require.InDelta(t, float64(sb.Rate), perClient[i], 0.001, "client %d's rate", i+1)
	}
}

// withKnob is s with knob i's setting as in c.
func withKnob(s Settings, i int, c Settings) Settings {
	switch i {
	case 0:
		s.Profile = c.Profile
	case 1:
		s.Sandbox.Range = c.Sandbox.Range
	case 2:
		s.Sandbox.Strategy = c.Sandbox.Strategy
	case 3:
		s.Sandbox.TimeWait = c.Sandbox.TimeWait
	case 4:
		s.Sandbox.Clients = c.Sandbox.Clients
	case 5:
		s.Sandbox.Rate = c.Sandbox.Rate
	case 6:
		s.Sandbox.Dests = c.Sandbox.Dests
	case 7:
		s.Sandbox.UDP = c.Sandbox.UDP
	}
	return s
}

func sandboxLesson(t testing.TB) *Lesson {
	t.Helper()
	for _, l := range builtin(t).Lessons {
		if l.Sandbox {
			return l
		}
	}
	t.Fatal("no sandbox lesson")
	return nil
}

func TestEverySandboxCombinationBuilds(t *testing.T) {
	l := sandboxLesson(t)
	def := DefaultSettings()
	ks, _ := knobs(English(), def)
	// Every knob's choices, as cycling it from the defaults gives them.
	choices := make([][]Settings, len(ks))
	for i := range choices {
		choices[i] = knobChoices(t, def, i)
	}
	build := func(s Settings) *Run {
		r, err := NewRun(l, s)
		require.NoError(t, err, "%+v", s)
		return r
	}
	// Each knob through all its values, the others at their defaults,
	// run by the engine.
	for i := range choices {
		for _, s := range choices[i] {
			requireSandboxAsSet(t, s, build(s))
		}
	}
	// The knobs that change the same hosts' numbers together, on six
	// clients (every profile of the mix), run by the engine.
	six := def
	six.Sandbox.Clients = maxClients
	for _, rg := range choices[1] {
		for _, st := range choices[2] {
			for _, tw := range choices[3] {
				s := withKnob(withKnob(withKnob(six, 1, rg), 2, st), 3, tw)
				requireSandboxAsSet(t, s, build(s))
			}
		}
	}
	// Every combination of the knobs makes a scenario that passes the
	// scenario's checks (running each would take long: every engine host
	// has its per-port tables).
	combos := 0
	var walk func(i int, s Settings)
	walk = func(i int, s Settings) {
		if i == len(choices) {
			combos++
			// Plain comparisons: 100,000 of testify's would take seconds.
			sc, err := s.Sandbox.Scenario(s.Seed, s.Profile)
			if err != nil {
				t.Fatalf("%+v: %v", s, err)
			}
			hosts, lines := s.Sandbox.Clients+s.Sandbox.Dests, s.Sandbox.Clients
			switch s.Sandbox.UDP {
			case 0:
			case 100:
				hosts++
			default:
				hosts, lines = hosts+1, 2*lines
			}
			if len(sc.Hosts) != hosts || len(sc.Connects) != lines {
				t.Fatalf("%+v: %d hosts, %d connects", s, len(sc.Hosts), len(sc.Connects))
			}
			for _, h := range sc.Hosts[:s.Sandbox.Clients] {
				if h.Range != s.Sandbox.Range || h.Strategy != s.Sandbox.Strategy || h.TimeWait != s.Sandbox.TimeWait ||
					s.Profile.Name != "" && h.Profile != s.Profile {
					t.Fatalf("%+v: client %+v", s, h)
				}
			}
			return
		}
		for _, c := range choices[i] {
			walk(i+1, withKnob(s, i, c))
		}
	}
	walk(0, def)
	want := 1
	for _, c := range choices {
		want *= len(c)
	}
	assert.Equal(t, want, combos)
}

// statsOf runs sc to its end with its ports from mode.
func statsOf(t testing.TB, sc *scenario.Scenario, mode scenario.Ports) (sim.Stats, []sim.Event) {
	t.Helper()
	cp := *sc
	cp.Ports = mode
	s, err := sim.New(&cp)
	require.NoError(t, err)
	var evs []sim.Event
	s.Run(cp.Duration, func(e sim.Event) { evs = append(evs, e) })
	return s.Stats(), evs
}

func TestCompareLessons(t *testing.T) {
	compared := 0
	for _, l := range builtin(t).Lessons {
		r := runOf(t, l.Number, DefaultSettings())
		if !l.Compare {
			assert.Zero(t, r.With, "lesson %d does not compare", l.Number)
			assert.Zero(t, r.Without, "lesson %d does not compare", l.Number)
			assert.Zero(t, r.Serial, "lesson %d does not compare", l.Number)
			continue
		}
		compared++
		t.Run(l.Name, func(t *testing.T) {
			sc := parseBuiltin(t, l.Scenario)
			serial, _ := statsOf(t, sc, scenario.Serial)
			without, evs := statsOf(t, sc, scenario.NoEphemeral)
			with, _ := statsOf(t, sc, scenario.Ephemeral)
			assert.Equal(t, serial, r.Serial)
			assert.Equal(t, without, r.Without)
			assert.Equal(t, with, r.With)
			total := 0
			for _, c := range sc.Connects {
				total += c.Count
			}
			assert.Equal(t, total, r.With.Started)
			assert.Equal(t, total, r.With.Completed, "with ephemeral ports every connection completes")
			assert.Zero(t, r.With.Failed)
			for _, st := range []sim.Stats{r.Serial, r.Without} {
				assert.Greater(t, st.LastDone, r.With.LastDone, "everything through port 80 is slower")
			}
			assert.Positive(t, r.Serial.ServerWait, "the thought experiment queues for the server's one port")
			assert.Zero(t, r.Without.ServerWait, "real TCP serves clients side by side")
			// A host that listens on :80 cannot bind :80 to fetch.
			var failed []string
			for _, e := range evs {
				if e.Kind == sim.ConnectFailed {
					failed = append(failed, e.Host+" "+engine.ErrnoName(e.Err))
					i := slices.IndexFunc(sc.Listens, func(li scenario.Listen) bool { return li.Host == e.Host })
					assert.GreaterOrEqual(t, i, 0, "%s fails because it listens", e.Host)
				}
			}
			assert.Equal(t, []string{"cache EADDRINUSE"}, failed)
			assert.Equal(t, len(failed), r.Without.Failed)

			// The chart is the answer to what the steps ask the learner to
			// watch: it is shown from the step that discusses it, not before.
			s := newSession(t, l.Number)
			show := slices.IndexFunc(l.Steps, func(st Step) bool { return st.ShowCompare })
			require.Positive(t, show, "a later step shows the comparison")
			s.gotoStep(show)
			assert.Nil(t, s.View().Chart.Compare, "the step before the one that shows it")
			s.gotoStep(show + 1)
			// The view compares the same three runs, in PortModes' order.
			cmp := s.View().Chart.Compare
			require.NotNil(t, cmp)
			assert.Equal(t, total, cmp.Connections)
			require.Len(t, cmp.Runs, len(scenario.PortModes))
			for i, m := range scenario.PortModes {
				assert.Equal(t, m.Title(), cmp.Runs[i].Title)
			}
			assert.Equal(t, []sim.Stats{serial, without, with}, []sim.Stats{cmp.Runs[0].Stats, cmp.Runs[1].Stats, cmp.Runs[2].Stats})
		})
	}
	assert.Positive(t, compared, "a lesson compares")
}
