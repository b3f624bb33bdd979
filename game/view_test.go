package game

import (
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
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

// Every overview and lesson step fits the narration panel: nothing a
// learner should read is cut off.
func TestLessonTextsFitThePanel(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	v := newView(ebiten.NewImage(DesignW, DesignH), fc)
	profiles := []string{""}
	for _, p := range engine.Profiles() {
		profiles = append(profiles, p.Name)
	}
	for n := 1; n <= SceneCount; n++ {
		for _, prof := range profiles {
			s := DefaultSettings()
			s.Profile = prof
			r, err := buildScene(n, s)
			require.NoError(t, err)
			for i, st := range lessonSteps(n) {
				text := ""
				if st.say != nil {
					text = st.say(r)
				}
				lines := v.wrap(text, Regular, 17, lessonTextWidth(n))
				assert.LessOrEqual(t, len(lines), lessonLines, "scene %d (%s) step %d: %q", n, prof, i, lines)
			}
		}
	}
}
