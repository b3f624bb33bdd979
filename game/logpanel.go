package game

import (
	"github.com/portplay/portplay/lesson"
)

// The event log as a panel (key L): natively no screen reader reaches an
// Ebiten window, so the log the browser's text mirror writes (lesson/log.go)
// is shown on the canvas too, in the layout's event-list place.

// logPanel holds the log as last put into lines, made again only when
// an event was added or the panel's width changed: a frame draws at most
// a panel's height of lines.
type logPanel struct {
	shown bool
	total int
	epoch uint64
	w     float64
	// events are the log's events, each wrapped into its lines.
	events [][]string
}

// draw draws the latest events that fit whole, newest at the bottom,
// each wrapped to the panel's width, its later lines indented.
func (lp *logPanel) draw(v *view, log lesson.Log, title string, r rect) {
	const size, step, indent = 13.0, 17.0, 12.0
	v.fillRect(r.x, r.y, r.w, r.h, colPanel)
	v.text(v.fit(title, Bold, 14, r.w-16), Bold, 14, r.x+8, r.y+6, alignStart, colText)
	if log.Total != lp.total || log.Epoch != lp.epoch || r.w != lp.w || lp.events == nil {
		lp.total, lp.epoch, lp.w = log.Total, log.Epoch, r.w
		lp.events = lp.events[:0]
		for _, l := range log.Lines {
			lines := v.wrap(v.T("event.at", "t", lesson.FmtDurIn(v.book, l.At), "event", l.Text), Regular, size, r.w-16-indent)
			lp.events = append(lp.events, lines)
		}
	}
	room := int((r.h - 30) / step)
	first := len(lp.events)
	for n := 0; first > 0 && n+len(lp.events[first-1]) <= room; first-- {
		n += len(lp.events[first-1])
	}
	if len(lp.events) == 0 {
		v.text(v.fit(v.T("log.empty"), Regular, size, r.w-16), Regular, size, r.x+8, r.y+28, alignStart, colMuted)
	}
	first = min(first, max(len(lp.events)-1, 0)) // the newest, if cut short
	y := r.y + 28
	for _, lines := range lp.events[first:] {
		for i, l := range lines[:min(len(lines), room)] {
			x := r.x + 8
			if i > 0 {
				x += indent
			}
			v.text(v.fit(l, Regular, size, r.right()-8-x), Regular, size, x, y, alignStart, colText)
			y += step
		}
	}
}
