package lesson

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

// checkView holds what every front end relies on in a view.
func checkView(t *testing.T, v View, name string) {
	t.Helper()
	require.Empty(t, v.Fatal, name)
	require.NotEmpty(t, v.Hosts, name)
	assert.True(t, strings.HasPrefix(v.Title, fmt.Sprintf("%d. ", v.Lesson)), "%s: %q", name, v.Title)
	assert.GreaterOrEqual(t, v.Focus, 0, name)
	assert.Less(t, v.Focus, len(v.Hosts), name)
	for _, l := range v.Links {
		assert.True(t, l[0] >= 0 && l[0] < len(v.Hosts) && l[1] >= 0 && l[1] < len(v.Hosts), "%s: link %v", name, l)
	}
	assert.LessOrEqual(t, len(v.Packets), maxPackets, name)
	for _, p := range v.Packets {
		assert.True(t, p.From >= 0 && p.From < len(v.Hosts) && p.To >= 0 && p.To < len(v.Hosts), "%s: packet %+v", name, p)
		assert.True(t, p.Frac >= 0 && p.Frac <= 1, "%s: packet at %g of its link", name, p.Frac)
		assert.NotEmpty(t, p.Flags)
	}
	for _, h := range v.Hosts {
		assert.LessOrEqual(t, len(h.Rows), maxRows, "%s: %s", name, h.Name)
		assert.LessOrEqual(t, len(h.Rows), h.Total, "%s: %s", name, h.Name)
		assert.LessOrEqual(t, h.InTW, h.Conns, "%s: %s", name, h.Name)
		for _, r := range h.Rows {
			switch r.Kind {
			case RowListen:
				assert.True(t, r.Local.IsValid())
			case RowWaiting:
				assert.NotZero(t, r.Reason, "%s: a waiting row says why", name)
			case RowConn:
				assert.NotZero(t, r.State)
				assert.NotEqual(t, engine.Closed, r.State, "%s: a closed connection is not listed", name)
				assert.Equal(t, h.Addr, r.Local.Addr(), "%s: a host's rows are its own sockets", name)
				if r.State == engine.TimeWait {
					assert.GreaterOrEqual(t, r.TimeWaitLeft, 0*v.Clock.Now)
				}
			default:
				t.Errorf("%s: row kind %d", name, r.Kind)
			}
		}
		if h.Failure != nil {
			assert.Error(t, h.Failure.Err)
		}
	}
	require.NotNil(t, v.PortMap.States)
	assert.Equal(t, v.Hosts[v.Focus].Name, v.PortMap.Host)
	assert.LessOrEqual(t, v.Clock.Now, v.Clock.End)
	n := v.Narration
	assert.True(t, n.Step >= 0 && n.Step < n.Steps, "%s: step %d of %d", name, n.Step, n.Steps)
	assert.NotContains(t, n.Text, "{", "%s: every quantity filled", name)
	if q := n.Question; q != nil {
		assert.Equal(t, q.Text, n.Text)
		assert.True(t, len(q.Choices) >= 2 && len(q.Choices) <= 3, "%s: %d choices", name, len(q.Choices))
		for k, c := range q.Choices {
			assert.Equal(t, string(rune('A'+k)), c.Key)
			assert.Equal(t, ActAnswer(k), c.Action)
			assert.NotEmpty(t, c.Label)
		}
		assert.Equal(t, q.Verdict != Unjudged, q.Truth != "", name)
	} else if !n.Presenter {
		assert.NotEmpty(t, n.Text, name)
	}
	current := 0
	for _, l := range v.Lessons {
		if l.Current {
			current++
			assert.Equal(t, v.Lesson, l.Number)
		}
	}
	assert.Equal(t, 1, current, name)
}

// The view of every lesson at every step, as a learner reaches it and
// once its pause is reached.
func TestViewOfEveryLessonAtEveryStep(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		s := newSession(t, l.Number)
		checkView(t, s.View(), fmt.Sprintf("lesson %d overview", l.Number))
		for i := 1; i <= len(l.Steps); i++ {
			s.Do(ActNextStep)
			name := fmt.Sprintf("lesson %d step %d", l.Number, i)
			checkView(t, s.View(), name)
			if s.View().Narration.Question != nil {
				s.Do(ActAnswer(0))
			}
			s.PlayToPause(nil)
			checkView(t, s.View(), name+" at its pause")
			assert.False(t, s.Playing(), name)
		}
	}
}

func TestViewMenuAndControlsComeFromTheCatalogue(t *testing.T) {
	cat := builtin(t)
	for _, l := range cat.Lessons {
		v := newSession(t, l.Number).View()
		require.Len(t, v.Lessons, len(cat.Lessons))
		for i, b := range v.Lessons {
			assert.Equal(t, i+1, b.Number)
			assert.Equal(t, cat.Lessons[i].Short, b.Short)
		}
		hasProfile := false
		for _, c := range v.Controls {
			assert.NotEmpty(t, c.Label)
			assert.NotEmpty(t, c.Key)
			hasProfile = hasProfile || c.Action == ActProfile
		}
		assert.Equal(t, l.ProfileSwitch, hasProfile, "lesson %d: a Profile button only where P works", l.Number)
		assert.Equal(t, l.Sandbox, len(v.Knobs) > 0, "lesson %d", l.Number)
		assert.Contains(t, v.HelpLines[4][0], fmt.Sprint(len(cat.Lessons)), "the help names the last lesson")
	}
}

// The half-duplex picture of lesson 4 is the simulation's: the server's
// label turns to serving while it serves a conversation, and back.
func TestHalfDuplexFollowsTheSimulation(t *testing.T) {
	s := newSession(t, 4)
	seen := map[bool]bool{}
	for i := 0; i < 400 && !s.run.play.finished(); i++ {
		s.Do(ActStepForward)
		for _, h := range s.View().Hosts {
			if h.Server {
				require.True(t, h.HalfDuplex, h.Name)
				seen[h.Serving] = true
				for _, r := range h.Rows {
					if r.Kind == RowWaiting && r.Reason == sim.ServerBusy {
						assert.True(t, h.Serving, "%s: a SYN waits because the port is busy, so it is shown busy", h.Name)
					}
				}
			} else {
				assert.False(t, h.HalfDuplex, h.Name)
			}
		}
	}
	assert.True(t, seen[true] && seen[false], "both listening and serving were shown")
	for _, h := range newSession(t, 2).View().Hosts {
		assert.False(t, h.HalfDuplex, "with ephemeral ports there is no such picture")
	}
}

func TestPortMapIsTheEngines(t *testing.T) {
	s := newSession(t, 5)
	s.gotoStep(1)
	s.PlayToPause(nil)
	v := s.View()
	var want [65536]engine.PortState
	s.run.play.sim.Hosts()[v.Focus].PortStates(engine.TCP, &want)
	assert.Equal(t, want, *v.PortMap.States)
	gen := v.PortMap.Gen
	assert.Equal(t, gen, s.View().PortMap.Gen, "nothing moved, nothing reread")
	// Step by step: the map is reread exactly when the engine's ports
	// changed, and is then the engine's.
	prev, changed, same := want, 0, 0
	for range 40 {
		s.Do(ActStepForward)
		v := s.View()
		s.run.play.sim.Hosts()[v.Focus].PortStates(engine.TCP, &want)
		require.Equal(t, want, *v.PortMap.States)
		if want != prev {
			assert.NotEqual(t, gen, v.PortMap.Gen, "the ports changed, so does the generation")
			changed++
		} else {
			assert.Equal(t, gen, v.PortMap.Gen, "the ports did not change, nor does the generation")
			same++
		}
		prev, gen = want, v.PortMap.Gen
	}
	assert.Positive(t, changed, "steps that changed ports")
	assert.Positive(t, same, "steps that changed none")
	assert.True(t, v.PortMap.Strip, "a ten-port range is shown port by port")
	assert.False(t, newSession(t, 2).View().PortMap.Strip)
}

func TestInspectionDescribesThePort(t *testing.T) {
	s := newSession(t, 2)
	for range 12 {
		s.Do(ActStepForward)
	}
	v := s.View()
	require.NotEmpty(t, v.Connections)
	port := engine.Port(v.Connections[0].Local.Port())
	s.Point(port, true)
	in := s.View().Inspect
	require.True(t, in.OK)
	assert.Equal(t, port, in.Port)
	assert.Contains(t, in.Text, fmt.Sprintf("port %d (dynamic)", port))
	assert.Contains(t, in.Text, "in use")
	assert.Contains(t, in.Text, v.Connections[0].Remote.String())
	s.Point(0, false)
	assert.False(t, s.View().Inspect.OK)
	s.Pin(80)
	s.Point(port, true)
	assert.Equal(t, engine.Port(80), s.View().Inspect.Port, "a pinned port wins over the pointer")
	s.Pin(80)
	assert.Equal(t, port, s.View().Inspect.Port, "pinning again unpins")
}

// I walks the inspector over the focused host's ports in use, in order,
// wrapping round: the port map from the keyboard.
func TestInspectNextWalksThePortsInUse(t *testing.T) {
	s := newSession(t, 2)
	for range 12 {
		s.Do(ActStepForward)
	}
	s.View()
	var used []engine.Port
	for p, st := range s.ports {
		if st != engine.PortFree {
			used = append(used, engine.Port(p))
		}
	}
	require.NotEmpty(t, used, "the client has ports in use")
	for round := range 2 {
		for _, want := range used {
			s.Do(ActInspect)
			in := s.View().Inspect
			require.True(t, in.OK)
			assert.Equal(t, want, in.Port, "round %d", round)
			assert.Contains(t, in.Text, fmt.Sprintf("port %d ", want))
		}
	}
	// The client before its first connect: nothing to inspect.
	s = newSession(t, 2)
	require.Equal(t, "client", s.View().PortMap.Host)
	s.Do(ActInspect)
	assert.False(t, s.View().Inspect.OK)
}

func TestGenChangesOnlyWithTheStaticParts(t *testing.T) {
	s := newSession(t, 3)
	s.Do(ActPlay)
	s.Tick(time.Millisecond) // leaving the start enables Back: a change
	g := s.View().Gen
	s.Tick(time.Millisecond)
	assert.Equal(t, g, s.View().Gen, "time passing is a moving part")
	s.Do(ActFocus)
	assert.NotEqual(t, g, s.View().Gen)
}

// Controls that would do nothing now say so, and the static layer's
// generation changes when they do.
func TestControlsDisabledWhereTheyDoNothing(t *testing.T) {
	disabled := func(v View, cs []Control, a Action) bool {
		for _, c := range cs {
			if c.Action == a {
				return c.Disabled
			}
		}
		t.Fatalf("no control for action %d", a)
		return false
	}
	s := newSession(t, 5)
	v := s.View()
	assert.True(t, disabled(v, v.Controls, ActStepBack), "at the start")
	assert.False(t, disabled(v, v.Controls, ActStepForward))
	assert.True(t, disabled(v, v.StepControls, ActPrevStep), "at the overview")
	g := v.Gen
	s.Do(ActPlay)
	s.Tick(time.Second)
	v = s.View()
	assert.NotEqual(t, g, v.Gen)
	assert.False(t, disabled(v, v.Controls, ActStepBack))
	for range len(Speeds) {
		s.Do(ActFaster)
	}
	v = s.View()
	assert.True(t, disabled(v, v.Controls, ActFaster))
	assert.False(t, disabled(v, v.Controls, ActSlower))

	s.gotoStep(2)
	v = s.View()
	for _, c := range v.Narration.Question.Choices {
		assert.False(t, c.Disabled)
	}
	s.Do(ActAnswer(0))
	for _, c := range s.View().Narration.Question.Choices {
		assert.True(t, c.Disabled, "answered once")
	}
	s.gotoStep(len(s.steps()) - 1)
	v = s.View()
	assert.False(t, disabled(v, v.StepControls, ActNextStep), "at the last step, the next lesson")
	last := newSession(t, len(builtin(t).Lessons))
	last.gotoStep(len(last.steps()) - 1)
	v = last.View()
	assert.True(t, disabled(v, v.StepControls, ActNextStep), "at the last step of the last lesson")
}

// holds checks expectation e against the view at a pause (and, for a
// range, the engine's ports of the host).
func holds(t *testing.T, s *Session, e Expect) (bool, string) {
	v := s.View()
	count := 0
	found := e.Host == ""
	for i, h := range v.Hosts {
		if e.Host != "" && h.Name != e.Host || e.Host == "" && !h.Client && e.What != ExpectWaiting {
			continue
		}
		found = true
		switch e.What {
		case ExpectWaiting:
			for _, r := range h.Rows {
				if r.Kind == RowWaiting {
					count++
				}
			}
		case ExpectConnections:
			count += h.Conns - h.InTW
		case ExpectUDPSockets:
			count += h.UDP
		case ExpectTimeWait:
			count += h.InTW
		case ExpectFailures:
			count += h.Failures
		case ExpectRangeFull:
			free := 0
			for p := int(h.Range.Lo); p <= int(h.Range.Hi); p++ {
				if s.run.play.sim.Hosts()[i].PortState(engine.TCP, engine.Port(p)) == engine.PortFree {
					free++
				}
			}
			return free == 0, fmt.Sprintf("%d ports of %s's range are free", free, h.Name)
		}
	}
	if !found {
		return false, "no host " + e.Host
	}
	return count >= e.N, fmt.Sprintf("%d, want at least %d", count, e.N)
}

// Every step stops where its narration says: at each pause, what the
// lesson file expects there is what the view shows.
func TestEveryPauseShowsWhatItsStepSays(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		s := newSession(t, l.Number)
		for i, st := range l.Steps {
			s.Do(ActNextStep)
			if s.View().Narration.Question != nil {
				s.Do(ActAnswer(0))
			}
			s.PlayToPause(nil)
			if st.Until != nil && !s.run.play.finished() {
				assert.NotEmpty(t, st.Expect, "lesson %d step %d plays to a pause: say what it shows (expect)", l.Number, i+1)
			}
			for _, e := range st.Expect {
				ok, why := holds(t, s, e)
				assert.True(t, ok, "lesson %d step %d (%s): expect at %s: %s", l.Number, i+1, st.Say.Src, e.Pos, why)
			}
		}
	}
}

func TestViewIntoReusesAndEqualsAFreshView(t *testing.T) {
	for _, n := range []int{2, 5, 6} {
		t.Run(fmt.Sprintf("lesson %d", n), func(t *testing.T) {
			s := newSession(t, n)
			s.Do(ActPlay)
			var kept View
			for i := range 40 {
				s.Tick(time.Second / 10)
				if i == 20 {
					s.Do(ActFocus) // another Gen, another host
				}
				s.ViewInto(&kept)
				fresh, reused := s.View(), kept
				// An empty list kept for its room equals no list.
				for _, v := range []*View{&fresh, &reused} {
					v.Packets, v.Connections = emptyToNil(v.Packets), emptyToNil(v.Connections)
				}
				require.Equal(t, fresh, reused, "tick %d", i)
			}
		})
	}
}

// The chart's counts are this moment's, as the host boxes show it, and
// its time axis grows with the run.
func TestChartAgreesWithTheHostBoxes(t *testing.T) {
	s := newSession(t, 5)
	s.Do(ActPlay)
	seen := 0
	for range 60 {
		s.Tick(250 * time.Millisecond)
		v := s.View()
		tw := 0
		for _, h := range v.Hosts {
			if h.Client {
				tw += h.InTW
			}
		}
		require.Equal(t, tw, v.Chart.Now.Wait, "at %v: TIME_WAIT in the boxes and on the chart", v.Clock.Now)
		seen = max(seen, tw)
		assert.Equal(t, v.Clock.Now, v.Chart.Now.At)
		assert.GreaterOrEqual(t, v.Chart.Window, v.Clock.Now, "the axis reaches now")
		assert.LessOrEqual(t, v.Chart.Window, v.Chart.End)
	}
	assert.Positive(t, seen, "ports went into TIME_WAIT")
}

func TestChartWindow(t *testing.T) {
	end := 160 * time.Second
	for _, tc := range []struct{ now, want time.Duration }{
		{0, 10 * time.Second}, {10 * time.Second, 10 * time.Second}, {11 * time.Second, 20 * time.Second},
		{41 * time.Second, 80 * time.Second}, {100 * time.Second, end}, {end, end},
	} {
		assert.Equal(t, tc.want, chartWindow(tc.now, end), "at %v", tc.now)
	}
	assert.Equal(t, time.Millisecond, chartWindow(0, 0), "never a zero axis")
}

// The words every front end shows for the same fact, built here once.
func TestSharedWording(t *testing.T) {
	for _, tc := range []struct {
		n          Narration
		step, done string
	}{
		{Narration{Step: 0, Steps: 5}, "Step 1 of 5", ""},
		{Narration{Step: 4, Steps: 5, Learnt: "ports are per address"}, "Step 5 of 5", ""},
		{Narration{Step: 4, Steps: 5, Complete: true, Learnt: "ports are per address"}, "Step 5 of 5", "Lesson complete: ports are per address"},
	} {
		assert.Equal(t, tc.step, tc.n.StepText())
		assert.Equal(t, tc.done, tc.n.CompleteText())
	}
	for _, tc := range []struct {
		conns, tw int
		want      string
	}{
		{0, 0, "0 connections, 0 in TIME_WAIT"},
		{1, 1, "1 connection, 1 in TIME_WAIT"},
		{12, 3, "12 connections, 3 in TIME_WAIT"},
	} {
		h := HostView{Conns: tc.conns, InTW: tc.tw}
		assert.Equal(t, tc.want, h.Counts())
	}
}

// The port map calls out its ports in use while they are few (a server's
// :80, a client's one port), and none once they are many.
func TestPortMapCallsOutFewPorts(t *testing.T) {
	s := newSession(t, 2)
	for i, h := range s.View().Hosts {
		if h.Name == "web-a" {
			s.FocusHost(i)
		}
	}
	pm := s.View().PortMap
	require.Equal(t, "web-a", pm.Host)
	assert.Equal(t, []PortCallout{{80, engine.PortListening}}, pm.Callouts, "its listener")
	s.FocusHost(0)
	for range 12 {
		s.Do(ActStepForward)
	}
	pm = s.View().PortMap
	require.NotEmpty(t, pm.Callouts, "the client's ports in use")
	for _, c := range pm.Callouts {
		assert.Equal(t, pm.States[c.Port], c.State)
		assert.NotEqual(t, engine.PortFree, c.State)
	}
	n := 0
	for _, st := range pm.States {
		if st != engine.PortFree {
			n++
		}
	}
	assert.Len(t, pm.Callouts, n, "every port in use")
	// The sandbox's busy client: too many to call out.
	sb := newSession(t, 6)
	sb.Do(ActPlay)
	for range 50 {
		sb.Tick(100 * time.Millisecond)
	}
	assert.Empty(t, sb.View().PortMap.Callouts)
}

// Presenter mode takes the narration off the picture and gives it to the
// presenter's notes: the same words, at every step.
func TestPresenterNotesKeepTheNarration(t *testing.T) {
	plain, shown := newSession(t, 3), newSession(t, 3)
	shown.Do(ActPresenter)
	for {
		a, b := plain.View().Narration, shown.View().Narration
		require.True(t, b.Presenter)
		if a.Question == nil {
			assert.NotEmpty(t, a.Text, "step %d", a.Step)
			assert.Empty(t, b.Text, "step %d: off the projector", a.Step)
			assert.Equal(t, a.Text, b.Notes, "step %d: in the notes", a.Step)
			assert.Equal(t, a.Text, a.Notes, "step %d", a.Step)
		}
		if a.Step+1 >= a.Steps {
			break
		}
		for _, s := range []*Session{plain, shown} {
			if s.View().Narration.Question != nil {
				s.Do(ActAnswer(0))
			}
			s.PlayToPause(nil)
			s.Do(ActNextStep)
		}
	}
}
