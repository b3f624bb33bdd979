package game

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

func catalogue(t testing.TB) *lesson.Catalogue {
	t.Helper()
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	return cat
}

// newGame makes the game on lesson n (paused, seed 7) with mod applied to
// its settings; it needs no window.
func newGame(t testing.TB, n int, mod func(*lesson.Settings), problems ...string) *Game {
	t.Helper()
	s := lesson.DefaultSettings()
	s.Lesson, s.LessonGiven, s.Paused, s.Seed = n, true, true, 7
	if mod != nil {
		mod(&s)
	}
	g, err := New(catalogue(t), s, problems)
	require.NoError(t, err)
	require.Empty(t, g.vm.Fatal)
	return g
}

func centre(r rect) (float64, float64) { return r.x + r.w/2, r.y + r.h/2 }

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
	g, err := New(catalogue(t), lesson.DefaultSettings(), nil)
	require.NoError(t, err)
	st := g.Status()
	assert.Equal(t, 1, st.Scene)
	assert.Equal(t, "1-well-known-ports", st.SceneName)
	assert.Zero(t, st.Time)
	assert.True(t, st.Playing, "the overview plays as it opens")
	assert.Equal(t, 1.0, st.Speed)
	assert.Empty(t, st.Problems)
	assert.Equal(t, "client", st.Focus, "the port map starts on the first client")
	assert.Positive(t, st.Events, "time 0's listeners are shown")

	paused := newGame(t, 5, func(s *lesson.Settings) { s.Speed = 4 }, `speed="3": …`)
	st = paused.Status()
	assert.False(t, st.Playing)
	assert.Equal(t, 5, st.Scene)
	assert.Equal(t, 4.0, st.Speed)
	assert.Equal(t, []string{`speed="3": …`}, st.Problems, "rejected settings are shown")
}

func TestClickingAButtonDoesItsAction(t *testing.T) {
	for _, l := range catalogue(t).Lessons {
		g := newGame(t, l.Number, nil)
		for _, b := range g.layout().Buttons {
			if b.act == lesson.ActFullscreen {
				continue // needs a window
			}
			clicked, pressed := newGame(t, l.Number, nil), newGame(t, l.Number, nil)
			x, y := centre(b.r)
			clicked.click(x, y, 1)
			pressed.do(b.act)
			clicked.vm, pressed.vm = clicked.sess.View(), pressed.sess.View()
			sameShown(t, pressed.Status(), clicked.Status(), fmt.Sprintf("lesson %d: %s", l.Number, b.label))
		}
	}
	// While help is shown, a click only closes it.
	g := newGame(t, 1, nil)
	g.do(lesson.ActHelp)
	g.vm = g.sess.View()
	for _, b := range g.layout().Buttons {
		if b.act == lesson.ActOpen(3) {
			x, y := centre(b.r)
			g.click(x, y, 1)
		}
	}
	g.vm = g.sess.View()
	assert.False(t, g.Status().Help)
	assert.Equal(t, 1, g.Status().Scene)
}

func TestClickingAHostFocusesIt(t *testing.T) {
	g := newGame(t, 4, nil)
	boxes := g.layout().Hosts
	for _, i := range []int{3, 0, 4, 2, 1} {
		x, y := centre(boxes[i])
		g.click(x, y, 1)
		g.vm = g.sess.View()
		assert.Equal(t, g.vm.Hosts[i].Name, g.Status().Focus)
	}
}

func TestClickingThePortMapPinsAPort(t *testing.T) {
	g := newGame(t, 1, nil)
	m := g.layout().Map
	x := m.x + (80%256+0.5)*m.w/256
	y := g.layout().cellY(80) + m.h/512
	g.click(x, y, 1)
	assert.Equal(t, 80, int(g.sess.View().Inspect.Port), "port 80 is pinned")
	g.click(x, y, 1)
	assert.False(t, g.sess.View().Inspect.OK, "a second click unpins it")
	g.click(m.x+m.w-0.1, m.y+m.h-0.1, -1)
	assert.Equal(t, 65535, int(g.sess.View().Inspect.Port), "port 65535, by right click too")
}

func TestClickingAKnobTurnsIt(t *testing.T) {
	g := newGame(t, 6, nil)
	for i := range g.vm.Knobs {
		start := g.sess.Settings()
		k := g.layout().Knobs[i]
		x, y := centre(k)
		g.click(x, y, 1)
		g.vm = g.sess.View()
		assert.True(t, g.vm.Knobs[i].Selected, "clicking knob %d selects it", i)
		assert.NotEqual(t, start, g.sess.Settings(), "and turns it")
		g.click(k.x+1, k.y+1, -1)
		g.vm = g.sess.View()
		assert.Equal(t, start.Sandbox, g.sess.Settings().Sandbox, "right click turns knob %d back", i)
		assert.Equal(t, start.Profile.Name, g.sess.Settings().Profile.Name)
	}
	// Outside the sandbox the same place is just the narration.
	x, y := centre(g.layout().Knobs[0])
	g = newGame(t, 5, nil)
	set := g.sess.Settings()
	g.click(x, y, 1)
	assert.Equal(t, set, g.sess.Settings())
}

// Status reports the engine's 4-tuples and errors, not the drawing's.
func TestStatusIsTheEngines(t *testing.T) {
	g := newGame(t, 5, nil)
	tuples := map[string]bool{}
	for range 400 {
		g.sess.Do(lesson.ActStepForward)
	}
	g.vm = g.sess.View()
	st := g.Status()
	for _, c := range g.vm.Connections {
		tuples[c.String()] = true
	}
	for _, c := range st.Connections {
		assert.True(t, tuples[c])
	}
	require.NotEmpty(t, st.Failures, "lesson 5 runs out")
	assert.Contains(t, st.Failures[0], "WSAENOBUFS", "its Windows XP client's own error")
	assert.Positive(t, st.Time)
}
