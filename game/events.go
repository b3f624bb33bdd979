package game

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/lesson"
)

// eventRowH is one row's height; the rows start below the header.
const (
	eventRowH    = 27.0
	eventHeaderH = 78.0
)

// eventButtons are the list's filter buttons, in r.
func eventButtons(l *lesson.EventList, r rect) []button {
	if !l.Open {
		return nil
	}
	host := l.Host
	if host == "" {
		host = "every host"
	}
	w := (r.w - 24) / 2
	return []button{
		{r: rect{r.x + 8, r.y + 40, w, 30}, label: "Host: " + host, act: lesson.ActEventHost},
		{r: rect{r.x + 16 + w, r.y + 40, w, 30}, label: "Kind: " + l.Kind.String(), act: lesson.ActEventKind},
	}
}

// saveButtons are the list's save buttons, along its bottom.
func saveButtons(l *lesson.EventList, r rect) []button {
	var bs []button
	w := (r.w - 80 - 8) / float64(max(1, len(l.Saves)))
	for i, c := range l.Saves {
		bs = append(bs, button{r: rect{r.x + 80 + float64(i)*w, r.y + r.h - 32, w - 6, 26}, label: c.Label, act: c.Action})
	}
	return bs
}

// eventRowRect is row i's place in r.
func eventRowRect(r rect, i int) rect {
	return rect{r.x + 4, r.y + eventHeaderH + float64(i)*eventRowH, r.w - 8, eventRowH - 2}
}

// drawEvents draws the open event list into r: a header with the counts
// and the filters, then the rows in view, the current one highlighted and
// the cursor's outlined.
func drawEvents(v *view, l *lesson.EventList, r rect) {
	v.fillRect(r.x, r.y, r.w, r.h, colPanel)
	v.strokeRect(r.x, r.y, r.w, r.h, 1, colPanelEdge)
	head := fmt.Sprintf("Events: %d", l.Total)
	if l.Dropped > 0 {
		head = fmt.Sprintf("Events: the latest %d (%d before)", l.Total, l.Dropped)
	}
	v.text(head, Bold, 15, r.x+8, r.y+6, alignStart, colText)
	v.text("↑ ↓  Enter: go there", Regular, 13, r.x+r.w-8, r.y+8, alignEnd, colMuted)
	for _, b := range append(eventButtons(l, r), saveButtons(l, r)...) {
		drawButton(v, b)
	}
	v.text("Save:", Bold, 14, r.x+12, r.y+r.h-27, alignStart, colMuted)
	if len(l.Rows) == 0 {
		v.text("No event passes the filter yet.", Regular, 14, r.x+8, r.y+eventHeaderH+4, alignStart, colMuted)
	}
	for i, row := range l.Rows {
		rr := eventRowRect(r, i)
		if rr.bottom() > r.bottom()-36 {
			break // a short panel (portrait) shows the rows it holds
		}
		fg, time := colText, colMuted
		if row.Current {
			v.fillRect(rr.x, rr.y, rr.w, rr.h, colListen)
			fg, time = colBackground, colBackground
		}
		if row.Selected {
			v.strokeRect(rr.x, rr.y, rr.w, rr.h, 2, colText)
		}
		at := lesson.FmtDur(row.At)
		v.text(at, Mono, 12, rr.x+4, rr.y+5, alignStart, time)
		x := rr.x + 4 + v.textWidth(at+"  ", Mono, 12)
		v.text(v.fit(row.Text, Regular, 13, rr.x+rr.w-x-4), Regular, 13, x, rr.y+4, alignStart, fg)
	}
}

// clickEvents handles a click in the open list at (x, y): a filter, or a
// row, which seeks to its event. It says whether the click was the list's.
func (g *Game) clickEvents(x, y float64) bool {
	l := &g.vm.EventList
	r := g.layout().Events
	if !l.Open || !r.has(x, y) {
		return false
	}
	if a := hit(append(eventButtons(l, r), saveButtons(l, r)...), x, y); a != lesson.ActNone {
		g.do(a)
		return true
	}
	for i, row := range l.Rows {
		if eventRowRect(r, i).has(x, y) {
			g.sess.SeekEvent(row.N)
		}
	}
	return true
}

// eventKey is what key k does while the list is open: ↑ and ↓ move its
// cursor and Enter goes to that moment (PageDown still turns the step).
func eventKey(l *lesson.EventList, k ebiten.Key) (lesson.Action, bool) {
	if !l.Open {
		return lesson.ActNone, false
	}
	switch k {
	case ebiten.KeyArrowUp:
		return lesson.ActEventUp, true
	case ebiten.KeyArrowDown:
		return lesson.ActEventDown, true
	case ebiten.KeyEnter, ebiten.KeyNumpadEnter:
		return lesson.ActEventSeek, true
	}
	return lesson.ActNone, false
}
