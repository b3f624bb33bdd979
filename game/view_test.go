package game

import (
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
)

func TestViewFitsTheDesignCanvas(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	tests := []struct {
		w, h              int
		scale, offX, offY float64
	}{
		{1280, 720, 1, 0, 0},
		{1920, 1080, 1.5, 0, 0},
		{2560, 1440, 2, 0, 0},
		{1280, 1024, 1, 0, 152}, // taller: letterboxed top and bottom
		{1600, 720, 1, 160, 0},  // wider: bars left and right
		{640, 360, 0.5, 0, 0},
	}
	for _, tc := range tests {
		v := newView(ebiten.NewImage(tc.w, tc.h), fc)
		assert.InDelta(t, tc.scale, v.scale, 1e-9, "%dx%d", tc.w, tc.h)
		assert.InDelta(t, tc.offX, v.offX, 1e-9, "%dx%d", tc.w, tc.h)
		assert.InDelta(t, tc.offY, v.offY, 1e-9, "%dx%d", tc.w, tc.h)
		// The design canvas's far corner lands on the screen's edge.
		x, y := v.pt(DesignW, DesignH)
		assert.InDelta(t, float64(tc.w)-tc.offX, float64(x), 1e-3)
		assert.InDelta(t, float64(tc.h)-tc.offY, float64(y), 1e-3)
	}
}

func TestWrapKeepsLinesWithinWidth(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	v := newView(ebiten.NewImage(1280, 720), fc)
	s := "Both servers listen on port 80, each on its own address: a listening socket is (address, port), so they never conflict."
	for _, width := range []float64{200, 400, 800} {
		lines := v.wrap(s, Regular, 22, width)
		require.NotEmpty(t, lines)
		for _, l := range lines {
			assert.LessOrEqual(t, v.textWidth(l, Regular, 22), width, "line %q", l)
		}
		assert.Equal(t, s, strings.Join(lines, " "), "no word is lost")
	}
	// A word longer than the width stands alone rather than vanishing.
	assert.Equal(t, []string{"a", "extraordinarily", "b"}, v.wrap("a extraordinarily b", Regular, 22, 30))
}

// Every overview, step and question fits the lesson panel, for every OS
// a lesson can switch to: nothing a learner should read is cut off.
func TestLessonTextsFitThePanel(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	v := newView(ebiten.NewImage(DesignW, DesignH), fc)
	profiles := append([]engine.Profile{{}}, engine.Profiles()...)
	for _, l := range catalogue(t).Lessons {
		for _, prof := range profiles {
			if prof.Name != "" && !l.ProfileSwitch {
				continue
			}
			g := newGame(t, l.Number, func(s *lesson.Settings) { s.Profile = prof })
			for i := 0; i <= len(l.Steps); i++ {
				vm := g.sess.View()
				lines := v.wrap(vm.Narration.Text, Regular, 17, narrationWidth(&vm))
				assert.LessOrEqual(t, len(lines), vm.Narration.MaxLines, "lesson %d (%s) step %d: %q", l.Number, prof.Name, i, lines)
				if vm.Narration.Question != nil {
					g.do(lesson.ActAnswer)
				}
				g.sess.PlayToPause(nil)
				if n := g.sess.View().Narration; n.Complete {
					line := "Lesson complete: " + n.Learnt + "  PageDown: " + n.Next + "."
					assert.LessOrEqual(t, v.textWidth(line, Bold, 15), narrationWidth(&vm), "lesson %d: %q", l.Number, line)
				}
				g.do(lesson.ActNextStep)
			}
		}
	}
}
