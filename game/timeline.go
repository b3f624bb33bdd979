package game

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/portplay/portplay/lesson"
)

// timeline is the scrubber's input state: whether it has the keyboard,
// and where a drag in progress is (the run is sought when it ends: each
// seek back replays the run, too much work for every frame of a drag).
type timeline struct {
	focused  bool
	dragging bool
	dragAt   time.Duration
}

// timeAt is the moment of the run at x in r.
func timeAt(r rect, x float64, end time.Duration) time.Duration {
	f := max(0, min(1, (x-r.x)/r.w))
	return time.Duration(f * float64(end))
}

// update handles the pointer on the timeline: a press there takes the
// keyboard and seeks, a drag moves the thumb and seeks where it is let
// go. It says whether the pointer was the timeline's.
func (tl *timeline) update(g *Game, x, y float64) bool {
	end := g.vm.Clock.End
	r := g.layout().Timeline // between the network and the narration
	if tl.dragging {
		tl.dragAt = timeAt(r, x, end)
		if !ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
			tl.dragging = false
			g.sess.SeekTo(tl.dragAt)
		}
		return true
	}
	if !inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		return false
	}
	tl.focused = r.has(x, y)
	if tl.focused {
		tl.dragging, tl.dragAt = true, timeAt(r, x, end)
		g.sess.SeekTo(tl.dragAt)
	}
	return tl.focused
}

// drawTimeline draws the run from its start to its end in r, the part
// played filled, the thumb at now (or where a drag holds it), and a ring
// while it has the keyboard.
func drawTimeline(v *view, c lesson.Clock, tl *timeline, r rect) {
	v.fillRect(r.x, r.y+6, r.w, r.h-12, colPanel)
	now := c.Now
	if tl.dragging {
		now = tl.dragAt
	}
	f := 0.0
	if c.End > 0 {
		f = float64(now) / float64(c.End)
	}
	v.fillRect(r.x, r.y+6, r.w*f, r.h-12, colListen)
	v.fillRect(r.x+r.w*f-3, r.y, 6, r.h, colText)
	if tl.focused {
		v.strokeRect(r.x-2, r.y-2, r.w+4, r.h+4, 1.5, colText)
	}
}
