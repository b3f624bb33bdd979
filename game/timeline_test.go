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
	var tl timeline
	for _, c := range []struct {
		focused bool
		key     ebiten.Key
		want    lesson.Action
		ok      bool
	}{
		{false, ebiten.KeyHome, lesson.ActTimeStart, true},
		{false, ebiten.KeyEnd, lesson.ActTimeEnd, true},
		{false, ebiten.KeyArrowLeft, lesson.ActNone, false}, // a step back, as ever
		{true, ebiten.KeyArrowLeft, lesson.ActTimeBack, true},
		{true, ebiten.KeyArrowRight, lesson.ActTimeForward, true},
		{true, ebiten.KeySpace, lesson.ActNone, false},
	} {
		tl.focused = c.focused
		a, ok := tl.key(c.key)
		assert.Equal(t, c.want, a, "%v focused %v", c.key, c.focused)
		assert.Equal(t, c.ok, ok)
	}
	tl.focused = true
	_, ok := tl.key(ebiten.KeyEscape)
	assert.True(t, ok)
	assert.False(t, tl.focused, "Esc gives the keyboard back")
}
