package game

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// newGame makes the game with the default settings changed by mod; it
// needs no window.
func newGame(t testing.TB, mod func(*Settings), problems ...string) *Game {
	t.Helper()
	s := DefaultSettings()
	if mod != nil {
		mod(&s)
	}
	g, err := New(s, problems)
	require.NoError(t, err)
	require.NotNil(t, g.run, "problems: %v", g.Status().Problems)
	return g
}

// simTime is the time Status reports, back as a Duration (seconds in a
// float64 hold every nanosecond of a run exactly enough to round back).
func simTime(st Status) time.Duration {
	return time.Duration(math.Round(st.Time * float64(time.Second)))
}

// eventsBy counts the events of the game's current scenario up to at, from
// a reference run.
func eventsBy(t testing.TB, g *Game, at time.Duration) int {
	t.Helper()
	return len(reference(t, g.run.sc, at))
}

// sameShown compares what two games show, apart from frame counts and
// timings.
func sameShown(t testing.TB, want, got Status, msg string) {
	t.Helper()
	want.Frames, got.Frames = 0, 0
	want.UpdateMs, got.UpdateMs = 0, 0
	want.DrawMs, got.DrawMs = 0, 0
	require.Equal(t, want, got, msg)
}

func TestNewWithoutAWindow(t *testing.T) {
	g := newGame(t, nil)
	st := g.Status()
	assert.Equal(t, 1, st.Scene)
	assert.Equal(t, scenes[0].scenario, st.SceneName)
	assert.Zero(t, st.Time)
	assert.True(t, st.Playing)
	assert.Equal(t, 1.0, st.Speed)
	assert.Empty(t, st.Profile)
	assert.False(t, st.Help)
	assert.Empty(t, st.Problems)
	assert.Equal(t, "client", st.Focus, "the port map starts on the first client")
	assert.Equal(t, eventsBy(t, g, 0), st.Events, "time 0's events are shown")
	assert.Empty(t, st.Connections)
	assert.Empty(t, st.Failures)

	paused := newGame(t, func(s *Settings) { s.Paused, s.Scene, s.Speed = true, 5, 4 }, `speed="3": …`)
	st = paused.Status()
	assert.False(t, st.Playing, "the paused setting opens paused")
	assert.Equal(t, 5, st.Scene)
	assert.Equal(t, 4.0, st.Speed)
	assert.Equal(t, []string{`speed="3": …`}, st.Problems, "rejected settings are shown")
	paused.tick(time.Second)
	assert.Zero(t, paused.Status().Time, "nothing plays while paused")
}

func TestSceneActions(t *testing.T) {
	g := newGame(t, nil)
	for _, n := range []int{3, 1, 6, 2, 5, 4, 4} {
		g.do(actPlay, 1) // pause, to see the scene action start it again
		g.do(actScene+action(n), 1)
		st := g.Status()
		require.Equal(t, n, st.Scene)
		assert.Equal(t, scenes[n-1].scenario, st.SceneName)
		assert.Zero(t, st.Time)
		assert.True(t, st.Playing, "a new scene plays")
		assert.Equal(t, eventsBy(t, g, 0), st.Events)
		assert.Empty(t, st.Problems)
		assert.True(t, g.run.play.hosts[g.focus].client, "scene %d: the map shows a client", n)
		assert.Len(t, g.boxes, len(g.run.play.hosts))
	}
	before := g.Status()
	g.do(actScene, 1)
	g.do(actScene+action(SceneCount+1), 1)
	sameShown(t, before, g.Status(), "no scene 0 or 7")
}

func TestPlayToggles(t *testing.T) {
	g := newGame(t, nil)
	g.do(actPlay, 1)
	assert.False(t, g.Status().Playing)
	g.do(actPlay, 1)
	assert.True(t, g.Status().Playing)
	// At the end, play starts over.
	g.run.play.seek(g.run.play.end())
	g.tick(time.Millisecond)
	require.False(t, g.Status().Playing, "the end stops playing")
	g.do(actPlay, 1)
	st := g.Status()
	assert.True(t, st.Playing)
	assert.Zero(t, st.Time, "play at the end plays again from the start")
}

func TestStepActions(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = 2 })
	times := eventTimes(reference(t, g.run.sc, g.run.sc.Duration))
	require.Greater(t, len(times), 4)
	require.Zero(t, times[0])
	for i := 1; i <= 4; i++ {
		g.do(actStepForward, 1)
		st := g.Status()
		assert.False(t, st.Playing, "stepping pauses")
		require.Equal(t, times[i], simTime(st), "step %d", i)
		assert.Equal(t, eventsBy(t, g, times[i]), st.Events)
	}
	g.do(actStepBack, 1)
	assert.Equal(t, times[3], simTime(g.Status()))
	g.do(actPlay, 1)
	g.do(actStepBack, 1)
	assert.False(t, g.Status().Playing, "stepping back pauses")
	assert.Equal(t, times[2], simTime(g.Status()))
	for range 5 {
		g.do(actStepBack, 1)
	}
	assert.Zero(t, g.Status().Time, "back stops at the start")
	g.run.play.seek(g.run.play.end())
	g.do(actStepForward, 1)
	assert.Equal(t, g.run.sc.Duration, simTime(g.Status()), "forward stops at the end")
}

func TestSpeedActions(t *testing.T) {
	g := newGame(t, nil)
	i := slices.Index(speeds, g.Status().Speed)
	require.GreaterOrEqual(t, i, 0)
	for range len(speeds) + 2 {
		g.do(actFaster, 1)
		i = min(i+1, len(speeds)-1)
		require.Equal(t, speeds[i], g.Status().Speed)
	}
	assert.Equal(t, slices.Max(speeds), g.Status().Speed, "faster stops at the fastest")
	for range len(speeds) + 2 {
		g.do(actSlower, 1)
		i = max(i-1, 0)
		require.Equal(t, speeds[i], g.Status().Speed)
	}
	assert.Equal(t, slices.Min(speeds), g.Status().Speed, "slower stops at the slowest")
	assert.True(t, slices.IsSorted(speeds))
}

func TestRestart(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = 3 })
	for range 6 {
		g.do(actStepForward, 1)
	}
	require.Positive(t, g.Status().Time)
	g.do(actRestart, 1)
	st := g.Status()
	assert.Zero(t, st.Time)
	assert.True(t, st.Playing)
	assert.Equal(t, eventsBy(t, g, 0), st.Events)
	assert.Empty(t, st.Connections)
}

func TestProfileAction(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = 3 })
	for range 9 {
		g.do(actStepForward, 1)
	}
	at := simTime(g.Status())
	require.Positive(t, at)
	g.do(actFocus, 1) // a host other than the first client
	focus := g.Status().Focus
	base := builtin(t, 3)
	clients := clientNames(base)
	profiles := engine.Profiles()
	for k := range len(profiles) + 1 {
		want := profiles[k%len(profiles)].Name
		g.do(actProfile, 1)
		st := g.Status()
		require.Equal(t, want, st.Profile, "P %d times", k+1)
		assert.Equal(t, at, simTime(st), "the same moment, another OS")
		assert.Equal(t, focus, st.Focus, "the map keeps its host")
		assert.Equal(t, eventsBy(t, g, at), st.Events)
		for i, h := range g.run.play.sim.Hosts() {
			if clients[h.Name()] {
				assert.Equal(t, want, h.Profile().Name, h.Name())
			} else {
				assert.Equal(t, base.Hosts[i].Profile, h.Profile().Name, "server %s keeps its profile", h.Name())
			}
		}
	}
	// Where P does nothing.
	for _, n := range []int{1, 2, 4} {
		g.do(actScene+action(n), 1)
		g.do(actStepForward, 1)
		before := g.Status()
		g.do(actProfile, 1)
		sameShown(t, before, g.Status(), fmt.Sprintf("P in scene %d", n))
	}
}

func TestHelpAndEscape(t *testing.T) {
	g := newGame(t, nil, `seed="x": …`)
	require.Len(t, g.Status().Problems, 1)
	g.do(actHelp, 1)
	assert.True(t, g.Status().Help)
	g.do(actHelp, 1)
	assert.False(t, g.Status().Help)
	g.do(actHelp, 1)
	before := g.Status()
	g.do(actEscape, 1)
	st := g.Status()
	assert.False(t, st.Help)
	assert.Empty(t, st.Problems, "Esc hides the problems")
	assert.Equal(t, before.Time, st.Time)
	assert.Equal(t, before.Playing, st.Playing, "Esc changes nothing else")
}

func TestFocusCycles(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = 3 })
	sc := builtin(t, 3)
	first := slices.IndexFunc(sc.Hosts, func(h scenario.Host) bool { return clientNames(sc)[h.Name] })
	require.Equal(t, sc.Hosts[first].Name, g.Status().Focus)
	for k := 1; k <= 2*len(sc.Hosts); k++ {
		g.do(actFocus, 1)
		assert.Equal(t, sc.Hosts[(first+k)%len(sc.Hosts)].Name, g.Status().Focus, "H %d times", k)
		assert.Equal(t, -1, g.mapHost, "the port map is repainted")
	}
}

func TestSandboxKnobActions(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = SceneCount })
	g.tick(time.Second)
	require.Positive(t, g.Status().Time)
	require.Equal(t, 0, g.knob)
	g.do(actKnobNext, 1)
	require.Equal(t, 1, g.knob)
	want := g.set
	knobs(want)[1].step(&want.Sandbox, &want.Profile, 1)
	require.NotEqual(t, g.set.Sandbox, want.Sandbox)
	g.do(actKnobUp, 1)
	assert.Equal(t, want, g.set, "↑ turns the selected knob forward")
	st := g.Status()
	assert.Zero(t, st.Time, "the sandbox restarts")
	assert.True(t, st.Playing)
	r, err := engine.ParseRange(want.Sandbox.Range)
	require.NoError(t, err)
	for i, h := range g.run.play.sim.Hosts() {
		if g.run.play.hosts[i].client {
			assert.Equal(t, r, h.Profile().Ephemeral, "%s runs with the new range", h.Name())
		}
	}
	g.do(actKnobDown, 1)
	assert.Equal(t, DefaultSandbox(), g.set.Sandbox, "↓ turns it back")
	for range len(knobs(g.set)) - 1 {
		g.do(actKnobNext, 1)
	}
	assert.Equal(t, 0, g.knob, "Tab wraps around the knobs")
	g.do(actKnobUp, 1)
	assert.Equal(t, engine.Profiles()[0].Name, g.Status().Profile, "the first knob is the profile")

	// Elsewhere the knob keys do nothing.
	g.do(actScene+1, 1)
	set, knob := g.set, g.knob
	for _, a := range []action{actKnobNext, actKnobUp, actKnobDown} {
		g.do(a, 1)
	}
	assert.Equal(t, set, g.set)
	assert.Equal(t, knob, g.knob)
}

func TestTick(t *testing.T) {
	g := newGame(t, nil)
	dt := time.Second / 60
	pc := g.run.pace
	require.Empty(t, g.run.play.flights)
	g.tick(dt)
	want := time.Duration(float64(dt) * pc.idle * g.set.Speed)
	assert.Equal(t, want, simTime(g.Status()), "quiet time runs at the scene's idle pace")
	g.do(actPlay, 1)
	g.tick(dt)
	assert.Equal(t, want, simTime(g.Status()), "paused: time stands still")
	g.do(actPlay, 1)
	for range len(speeds) {
		g.do(actFaster, 1)
	}
	end := g.run.sc.Duration
	var last time.Duration
	for i := 0; g.Status().Playing; i++ {
		require.Less(t, i, 100000, "the scene ends")
		g.tick(time.Second)
		now := simTime(g.Status())
		require.GreaterOrEqual(t, now, last, "time never runs back")
		last = now
	}
	assert.Equal(t, end, simTime(g.Status()), "playing stops at the end")
	assert.Equal(t, eventsBy(t, g, end), g.Status().Events)
	g.tick(time.Second)
	assert.Equal(t, end, simTime(g.Status()))
}

func TestClickingAButtonDoesItsAction(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		for _, b := range newGame(t, func(s *Settings) { s.Scene = n }).buttons() {
			if b.act == actFullscreen {
				continue // needs a window
			}
			clicked := newGame(t, func(s *Settings) { s.Scene = n })
			clicked.do(actStepForward, 1)
			pressed := newGame(t, func(s *Settings) { s.Scene = n })
			pressed.do(actStepForward, 1)
			x, y := centre(b.r)
			clicked.click(x, y, 1)
			pressed.do(b.act, 1)
			sameShown(t, pressed.Status(), clicked.Status(), fmt.Sprintf("scene %d: %s", n, b.label))
			if b.act > actScene {
				assert.Equal(t, int(b.act-actScene), clicked.Status().Scene)
			}
		}
	}
	// While help is shown, a click only closes it.
	g := newGame(t, nil)
	g.do(actHelp, 1)
	for _, b := range g.buttons() {
		if b.act == actScene+3 {
			x, y := centre(b.r)
			g.click(x, y, 1)
		}
	}
	assert.False(t, g.Status().Help)
	assert.Equal(t, 1, g.Status().Scene)
}

func TestClickingAHostFocusesIt(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = 4 })
	require.Len(t, g.boxes, len(g.run.play.hosts))
	for _, i := range []int{3, 0, 4, 2, 1} {
		g.mapHost = i
		x, y := centre(g.boxes[i])
		g.click(x, y, 1)
		assert.Equal(t, g.run.play.hosts[i].name, g.Status().Focus)
		assert.Equal(t, -1, g.mapHost, "the port map is repainted")
	}
}

func TestClickingThePortMapPinsAPort(t *testing.T) {
	g := newGame(t, nil)
	x := areaMap.x + (80%256+0.5)*areaMap.w/256
	y := cellY(80) + areaMap.h/512
	g.click(x, y, 1)
	assert.Equal(t, 81, g.pinned, "port 80 is pinned")
	g.click(x, y, 1)
	assert.Equal(t, 0, g.pinned, "a second click unpins it")
	x2, y2 := areaMap.x+areaMap.w-0.1, areaMap.y+areaMap.h-0.1
	g.click(x2, y2, -1)
	assert.Equal(t, 65536, g.pinned, "port 65535, by right click too")
	g.click(x, y, 1)
	assert.Equal(t, 81, g.pinned, "another port moves the pin")
	g.do(actRestart, 1)
	assert.Equal(t, 0, g.pinned, "a new run drops the pin")
	g.click(areaMap.x-5, y, 1)
	assert.Equal(t, 0, g.pinned, "beside the map pins nothing")
}

func TestClickingAKnobTurnsIt(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = SceneCount })
	ks := knobs(g.set)
	for i := range ks {
		start := g.set
		want := start
		knobs(want)[i].step(&want.Sandbox, &want.Profile, 1)
		x, y := centre(knobRect(i))
		g.click(x, y, 1)
		assert.Equal(t, i, g.knob, "clicking knob %d selects it", i)
		assert.Equal(t, want, g.set, "and turns it forward")
		assert.Zero(t, g.Status().Time)
		g.click(knobRect(i).x+1, knobRect(i).y+1, -1)
		assert.Equal(t, start, g.set, "right click turns knob %d back", i)
	}
	// Outside the sandbox the same place is just the narration.
	g.do(actScene+5, 1)
	set := g.set
	x, y := centre(knobRect(0))
	g.click(x, y, 1)
	assert.Equal(t, set, g.set)
}

// openConns are the client connections not (yet) in TIME_WAIT or closed at
// the end of evs, from the events alone.
func openConns(evs []sim.Event, clients map[string]bool) map[string]bool {
	open := map[int]string{}
	for _, e := range evs {
		if !clients[e.Host] {
			continue
		}
		switch {
		case e.Kind == sim.PortAllocated:
			open[e.Conn] = e.Tuple.String()
		case e.Kind == sim.ConnectFailed,
			e.Kind == sim.State && (e.State == "TIME_WAIT" || e.State == "CLOSED"):
			delete(open, e.Conn)
		}
	}
	out := map[string]bool{}
	for _, s := range open {
		out[s] = true
	}
	return out
}

func TestStatusConnectionsAreTheEngines(t *testing.T) {
	for _, n := range []int{2, 3, SceneCount} {
		g := newGame(t, func(s *Settings) { s.Scene = n })
		clients := clientNames(g.run.sc)
		most := 0
		for i := 0; i < 400 && !g.run.play.finished(); i++ {
			g.do(actStepForward, 1)
			st := g.Status()
			now := simTime(st)
			want := openConns(reference(t, g.run.sc, now), clients)
			got := map[string]bool{}
			for _, c := range st.Connections {
				require.False(t, got[c], "%s listed twice", c)
				got[c] = true
			}
			require.Equal(t, want, got, "scene %d at %s", n, now)
			established := 0
			for _, h := range g.run.play.sim.Hosts() {
				if clients[h.Name()] {
					est, _ := h.Conns(engine.TCP)
					established += est
				}
			}
			require.Equal(t, established, len(st.Connections), "scene %d at %s: the engine's open connections", n, now)
			most = max(most, len(got))
		}
		assert.Greater(t, most, 1, "scene %d has several connections open at once", n)
	}
}

func TestStatusFailures(t *testing.T) {
	g := newGame(t, func(s *Settings) { s.Scene = 5 })
	g.run.play.seek(g.run.sc.Duration)
	evs := reference(t, g.run.sc, g.run.sc.Duration)
	n := 0
	for _, e := range evs {
		if e.Kind == sim.ConnectFailed {
			n++
		}
	}
	require.Positive(t, n)
	assert.Equal(t, []string{fmt.Sprintf("client: %d × EADDRNOTAVAIL", n)}, g.Status().Failures)

	g.do(actScene+4, 1)
	g.run.play.seek(g.run.sc.Duration)
	assert.Equal(t, []string{"cache: 1 × EADDRINUSE"}, g.Status().Failures)
}

func TestStatusConnectionsAreCappedPerClient(t *testing.T) {
	// One client at 500/s holds each connection ~140 ms (handshake,
	// request, 5 ms service, response, 100 ms hold, close): ~70 open.
	g := newGame(t, func(s *Settings) {
		s.Scene = SceneCount
		s.Sandbox = Sandbox{Clients: 1, Rate: 500, Dests: 1}
	})
	at := time.Second
	g.run.play.advanceTo(at)
	est, _ := g.run.play.sim.Hosts()[0].Conns(engine.TCP)
	require.Greater(t, est, maxListed, "the engine holds more than Status lists")
	// The first maxListed open connections, in the order they began.
	open := map[int]string{}
	for _, e := range reference(t, g.run.sc, at) {
		switch {
		case e.Host != "c1":
		case e.Kind == sim.PortAllocated:
			open[e.Conn] = e.Tuple.String()
		case e.Kind == sim.ConnectFailed, e.Kind == sim.State && (e.State == "TIME_WAIT" || e.State == "CLOSED"):
			delete(open, e.Conn)
		}
	}
	require.Len(t, open, est)
	var want []string
	for _, id := range slices.Sorted(maps.Keys(open))[:maxListed] {
		want = append(want, open[id])
	}
	assert.Equal(t, want, g.Status().Connections)
}

// frame is one tick of Update at Ebiten's default 60 ticks per second.
const frame = time.Second / 60

// playToPause plays frame by frame until the game pauses (a lesson's pause
// or the end).
func playToPause(t testing.TB, g *Game) {
	t.Helper()
	for i := 0; g.Status().Playing; i++ {
		require.Less(t, i, 1000000, "the game pauses")
		g.tick(frame)
	}
}

// oneFrame is the most simulated time one frame can play in g's scene.
func oneFrame(g *Game) time.Duration {
	pc := g.run.pace
	return time.Duration(float64(frame)*max(pc.flight, pc.idle)*g.set.Speed) + 1
}

// firstAfter is the first event of evs after at that match accepts.
func firstAfter(evs []sim.Event, at time.Duration, match func(sim.Event) bool) (sim.Event, bool) {
	for _, e := range evs {
		if e.At > at && match(e) {
			return e, true
		}
	}
	return sim.Event{}, false
}

// Facts the lessons' questions rest on (facts/ports.md): an unprivileged
// bind below 1024 gets EACCES (§2); the side that closes first holds
// TIME_WAIT (§2, fact 9); a host listening on :80 cannot bind :80 again
// (§2 SO_REUSEADDR); connect() with every port held gets EADDRNOTAVAIL
// (fact 2).
var lessonTruths = map[string]string{
	"1-unprivileged-80":   "EACCES",
	"3-time-wait-side":    "the client",
	"4-cache-fetch":       "no: EADDRINUSE",
	"5-connect-when-full": "no: EADDRNOTAVAIL",
}

func TestLessonsAreJudgedByTheEngine(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		steps := lessonSteps(n)
		for _, pick := range []int{0, 1, 2} {
			g := newGame(t, func(s *Settings) { s.Scene, s.SceneGiven, s.Speed = n, true, 64 })
			require.Equal(t, len(steps), g.Status().Steps)
			var evs []sim.Event // the reference run, for scenes that ask
			if slices.ContainsFunc(steps, func(s step) bool { return s.ask != nil }) {
				evs = reference(t, g.run.sc, g.run.sc.Duration)
			}
			for i := 1; i < len(steps); i++ {
				start := g.run.play.now
				g.do(actNextStep, 1)
				st := g.Status()
				require.Equal(t, i, st.Step, "scene %d: PgDn goes to step %d", n, i)
				assert.Equal(t, i, g.prog.Steps[n], "the step is saved")
				q := steps[i].ask
				if q == nil {
					if steps[i].until != nil {
						playToPause(t, g)
						assert.False(t, g.Status().Playing)
					}
					continue
				}
				assert.Equal(t, q.text, st.Question)
				assert.False(t, st.Playing, "a question waits for its answer")
				require.NotEmpty(t, st.Choices, "scene %d step %d offers choices", n, i)
				if pick >= len(st.Choices) {
					continue
				}
				g.do(actAnswer+action(pick), 1)
				playToPause(t, g)
				st = g.Status()
				require.NotEmpty(t, st.Verdict, "scene %d: %s is judged", n, q.id)
				assert.Contains(t, st.Choices, st.Truth, "scene %d: %s: the engine's answer is one of the choices", n, q.id)
				assert.Equal(t, st.Choices[pick] == st.Truth, st.Verdict == "right", "scene %d: %s", n, q.id)
				assert.Equal(t, st.Verdict, st.Answers[q.id])
				if want, ok := lessonTruths[q.id]; ok {
					assert.Equal(t, want, st.Truth, q.id)
				}
				if q.resolve != nil {
					// The pause comes with the first event that answers the
					// question in the reference run, within the frame.
					e, ok := firstAfter(evs, start, func(e sim.Event) bool { return q.resolve(g.run, e) })
					require.True(t, ok, "%s is answered in the run", q.id)
					now := g.run.play.now
					assert.True(t, e.At <= now && now <= e.At+oneFrame(g), "%s: answered at %s, paused at %s", q.id, e.At, now)
					if q.answer != nil && e.Kind == sim.PortAllocated && q.id != "5-connect-when-full" {
						assert.Equal(t, fmt.Sprint(e.Tuple.Local.Port()), st.Truth, "%s: the port the engine allocated", q.id)
					}
				}
				g.do(actAnswer+action((pick+1)%len(st.Choices)), 1)
				assert.Equal(t, st.Verdict, g.Status().Verdict, "one answer per question")
			}
			g.do(actNextStep, 1)
			assert.Equal(t, len(steps)-1, g.Status().Step, "no step past the last")
		}
	}
}

func TestLessonStepsReplayTheSameWay(t *testing.T) {
	for n := 1; n < SceneCount; n++ {
		g := newGame(t, func(s *Settings) { s.Scene, s.SceneGiven, s.Speed = n, true, 4 })
		steps := lessonSteps(n)
		live := map[int]time.Duration{0: 0}
		for i := 1; i < len(steps); i++ {
			g.do(actNextStep, 1)
			live[i] = g.run.play.now
			if steps[i].ask != nil {
				g.do(actAnswer, 1)
			}
			playToPause(t, g)
		}
		// Back, and a fresh game restoring the saved step, both show each
		// step where the learner saw it (live, up to a frame later: a
		// frame's play goes on past the pause's event).
		replayed := map[int]time.Duration{}
		for i := len(steps) - 2; i >= 0; i-- {
			g.do(actPrevStep, 1)
			require.Equal(t, i, g.Status().Step)
			replayed[i] = g.run.play.now
			assert.True(t, replayed[i] <= live[i] && live[i] <= replayed[i]+oneFrame(g),
				"scene %d: back to step %d at %s; first seen at %s", n, i, replayed[i], live[i])
		}
		replayed[len(steps)-1] = live[len(steps)-1]
		for i := range steps {
			saved := &memStore{}
			require.NoError(t, saveProgress(saved, Progress{Scene: n, Steps: map[int]int{n: i}}))
			h := newGame(t, nil)
			h.store = saved
			var err error
			h.prog, err = loadProgress(saved)
			require.NoError(t, err)
			h.open(n)
			require.Equal(t, i, h.Status().Step)
			if i < len(steps)-1 {
				assert.Equal(t, replayed[i], h.run.play.now, "scene %d: step %d restored as Back shows it", n, i)
			}
		}
	}
}

// A teacher opens a lesson, talks over the overview while it plays (step 0
// plays freely), then goes on with PgDn. Every question must still offer
// choices and be answered by the engine.
func TestLessonQuestionsAfterTheOverviewPlayed(t *testing.T) {
	for n := 1; n < SceneCount; n++ {
		g := newGame(t, func(s *Settings) { s.Scene, s.SceneGiven = n, true })
		require.True(t, g.Status().Playing)
		for i := 0; i < 60*60 && g.Status().Playing; i++ {
			g.tick(frame) // a minute of the overview
		}
		for i := 1; i < len(lessonSteps(n)); i++ {
			g.do(actNextStep, 1)
			st := g.Status()
			if st.Question == "" {
				playToPause(t, g)
				continue
			}
			if !assert.NotEmpty(t, st.Choices, "scene %d step %d (at %s): %q offers no choices", n, i, fmtDur(g.run.play.now), st.Question) {
				continue
			}
			g.do(actAnswer, 1)
			playToPause(t, g)
			assert.NotEmpty(t, g.Status().Verdict, "scene %d step %d (at %s): %q is never answered", n, i, fmtDur(g.run.play.now), st.Question)
		}
	}
}
