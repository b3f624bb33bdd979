package game

import (
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

func TestWrapKeepsLinesWithinWidth(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	v := newView(ebiten.NewImage(1280, 720), fc, 1, lesson.English())
	s := "Both servers listen on port 80, each on its own address: a listening socket is (address, port), so they never conflict."
	for _, width := range []float64{200, 400, 800} {
		lines := v.wrap(s, Regular, 22, width)
		require.NotEmpty(t, lines)
		for _, l := range lines {
			assert.LessOrEqual(t, v.textWidth(l, Regular, 22), width, "line %q", l)
		}
		assert.Equal(t, s, strings.Join(lines, " "), "no word is lost")
	}
	// A word longer than the width (a long compound, the pseudo-language's
	// padding) is broken over lines of the width rather than running out
	// of its box, and none of it vanishes.
	lines := v.wrap("a extraordinarily b", Regular, 22, 40)
	assert.Greater(t, len(lines), 3)
	for _, l := range lines {
		assert.LessOrEqual(t, v.textWidth(l, Regular, 22), 40.0, "line %q", l)
	}
	assert.Equal(t, "aextraordinarilyb", strings.ReplaceAll(strings.Join(lines, ""), " ", ""))
}
