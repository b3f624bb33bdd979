package game

import (
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

// The log panel (L) shows the latest events of the mirror's log, newest
// last, inside its place, at every viewport.
func TestLogPanelShowsTheLatestEvents(t *testing.T) {
	g := newGame(t, 3, nil)
	for range 30 {
		g.do(lesson.ActStepForward)
	}
	g.vm = g.sess.View()
	log := g.sess.Recent()
	require.NotEmpty(t, log.Lines)
	latest := log.Lines[len(log.Lines)-1].Text

	assert.False(t, g.layout().EventsShown, "hidden at first")
	g.log.shown = true
	assert.True(t, g.layout().EventsShown, "L shows it")

	screen := ebiten.NewImage(1, 1)
	for _, vp := range viewports {
		lay := layoutFor(g.faces, vp.s, &g.vm, true)
		var texts []string
		v := newView(screen, g.faces, lay.Scale, lesson.English())
		v.record = func(s string, r rect) {
			texts = append(texts, s)
			assert.True(t, inside(r, lay.Events), "%s: %q inside the panel", vp.name, s)
		}
		var lp logPanel
		lp.draw(v, log, "Event log (L hides it)", lay.Events)
		require.Greater(t, len(texts), 1, vp.name)
		assert.True(t, strings.HasPrefix(texts[1], "t = "), "%s: whole events only, from their start: %q", vp.name, texts[1])
		// The last line drawn ends the latest event (wrapped, it may be
		// the event's tail).
		last := strings.TrimSuffix(texts[len(texts)-1], "…")
		assert.True(t, strings.Contains(latest, last) || strings.Contains(last, latest), "%s: %q ends %q", vp.name, last, latest)
	}
}
