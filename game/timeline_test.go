package game

import (
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"

	"github.com/portplay/portplay/lesson"
)

func TestTimeAt(t *testing.T) {
	r := rect{100, 0, 400, 20}
	end := 20 * time.Second
	for _, c := range []struct {
		x    float64
		want time.Duration
	}{
		{100, 0}, {50, 0}, {300, 10 * time.Second}, {200, 5 * time.Second}, {500, end}, {900, end},
	} {
		assert.Equal(t, c.want, timeAt(r, c.x, end), "x %g", c.x)
	}
}

func TestTimelineKeys(t *testing.T) {
	g := newGame(t, 3, nil)
	for _, c := range []struct {
		focused bool
		key     ebiten.Key
		want    lesson.Action
	}{
		{false, ebiten.KeyHome, lesson.ActTimeStart},
		{false, ebiten.KeyEnd, lesson.ActTimeEnd},
		{false, ebiten.KeyArrowLeft, lesson.ActStepBack}, // a step back, as ever
		{true, ebiten.KeyArrowLeft, lesson.ActTimeBack},
		{true, ebiten.KeyArrowRight, lesson.ActTimeForward},
		{true, ebiten.KeySpace, lesson.ActPlay},
		{true, ebiten.KeyHome, lesson.ActTimeStart},
	} {
		g.tl.focused = c.focused
		a, ok := g.keyAction(c.key)
		assert.True(t, ok)
		assert.Equal(t, c.want, a, "%v focused %v", c.key, c.focused)
	}
	g.tl.focused = true
	g.do(lesson.ActHelp)
	g.press(ebiten.KeyEscape)
	assert.False(t, g.tl.focused, "Esc gives the keyboard back")
	assert.True(t, g.sess.View().Help, "and does nothing else")
	g.press(ebiten.KeyEscape)
	assert.False(t, g.sess.View().Help, "then it is Esc again")
}
