package game

import (
	"math"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// eventRowH is one row's height. The header above the rows is
// eventHeaderH high in a column (landscape): its text on two lines (the
// count of events dropped on the second where the first has no room for
// it), the filter buttons under them; in a strip wider than tall
// (portrait, where height is short), eventHeaderSlim: one line.
const (
	eventRowH       = 27.0
	eventHeaderH    = 78.0
	eventHeaderSlim = 58.0
)

// eventHead is the height of the list's header in r.
func eventHead(r rect) float64 {
	if r.h < r.w {
		return eventHeaderSlim
	}
	return eventHeaderH
}

// The save buttons: a row along the list's bottom after the "Save:" label,
// or, where that leaves a button less than saveMinW (room for "JSON"), the
// label on a line of its own above them.
const (
	saveLabelW = 80.0
	saveMinW   = 56.0
	saveRowH   = 36.0
	saveTallH  = 56.0
)

// saveTall says whether the save buttons in r have their label above.
func saveTall(l *lesson.EventList, r rect) bool {
	return (r.w-saveLabelW-8)/float64(max(1, len(l.Saves)))-6 < saveMinW
}

// saveH is the height of the save buttons' area at the list's bottom.
func saveH(l *lesson.EventList, r rect) float64 {
	if saveTall(l, r) {
		return saveTallH
	}
	return saveRowH
}

// eventButtons are the list's filter buttons, in r, in b's language:
// "Host: every host", or where that is too wide for its button the
// filter's value alone, cut short only where even that is (the text
// mirror's buttons say them whole).
func eventButtons(fc *faces, b *phrase.Book, l *lesson.EventList, r rect) []button {
	if !l.Open {
		return nil
	}
	w := (r.w - 24) / 2
	y := r.y + eventHead(r) - 38
	host, kind := filterNames(b, l)
	width := func(s string) float64 { return measure(fc, s, Bold, sizeButton) }
	var bs []button
	for i, c := range filterControls(b, l) {
		text := c.Label
		if width(text) > w-8 {
			text = fitWith([]string{host, kind}[i], w-8, width)
		}
		bs = append(bs, button{r: rect{r.x + 8 + float64(i)*(w+8), y, w, 30}, text: text, label: c.Label, act: c.Action})
	}
	return bs
}

// saveButtons are the list's save buttons, along its bottom.
func saveButtons(l *lesson.EventList, r rect) []button {
	var bs []button
	x := r.x + saveLabelW
	if saveTall(l, r) {
		x = r.x + 8
	}
	w := (r.right() - 8 - x + 6) / float64(max(1, len(l.Saves)))
	for i, c := range l.Saves {
		bs = append(bs, button{r: rect{x + float64(i)*w, r.y + r.h - 32, w - 6, 26}, label: c.Label, act: c.Action})
	}
	return bs
}

// eventRowRect is row i's place in r.
func eventRowRect(r rect, i int) rect {
	return rect{r.x + 4, r.y + eventHead(r) + float64(i)*eventRowH, r.w - 8, eventRowH - 2}
}

// shownRows are the rows of l that panel r holds: all of them, or in a
// shorter panel as many, ending a row or two after the selected row (else
// the current one), so that it stays in view as the session keeps it in
// its own longer window.
func shownRows(l *lesson.EventList, r rect) []lesson.EventRow {
	// Row i fits where its bottom is above the save buttons.
	fit := int(math.Floor((r.h-saveH(l, r)-eventHead(r)-(eventRowH-2))/eventRowH)) + 1
	if fit <= 0 {
		return nil
	}
	if len(l.Rows) <= fit {
		return l.Rows
	}
	focus, sel := len(l.Rows)-1, -1
	for i, row := range l.Rows {
		switch {
		case row.Selected:
			sel = i
		case row.Current:
			focus = i
		}
	}
	if sel >= 0 {
		focus = sel
	}
	ahead := min(2, (fit-1)/2) // what comes next appears below it
	start := max(0, min(focus-fit+1+ahead, len(l.Rows)-fit))
	return l.Rows[start : start+fit]
}

// drawEventHeader draws the counts, and the keys' hint beside them on the
// first line with room for it (none: no hint). A count too long for one
// line puts how many were dropped on the second, or in a slim header cuts
// it short.
func drawEventHeader(v *view, l *lesson.EventList, r rect) {
	head, rest := v.T("events.head", "n", l.Total), ""
	if l.Dropped > 0 {
		head, rest = v.T("events.head-latest", "n", l.Total), v.T("events.before", "n", l.Dropped)
	}
	w := r.w - 16
	hint := l.Hint
	hintW := v.textWidth(hint, Regular, 13)
	lines := []string{head}
	switch full := v.T("events.head-full", "head", head, "before", rest); {
	case rest == "":
	case v.textWidth(full, Bold, 15) <= w && (eventHead(r) == eventHeaderSlim || v.textWidth(full, Bold, 15)+16+hintW <= w):
		lines[0] = full
	case eventHead(r) == eventHeaderSlim:
		// A narrow strip: the count of events dropped whole, in fewer
		// words, where it fits, else that count alone.
		lines[0] = v.fit(full, Bold, 15, w)
		if short := v.T("events.head-short", "n", l.Total, "before", rest); v.textWidth(short, Bold, 15) <= w {
			lines[0] = short
		} else if v.textWidth(rest, Bold, 15) <= w {
			lines[0] = rest
		}
	default:
		lines = append(lines, rest)
	}
	hinted := false
	for i, s := range lines {
		tf, size, y := Bold, 15.0, r.y+6
		if eventHead(r) == eventHeaderSlim {
			y = r.y + 3
		}
		if i == 1 {
			tf, size, y = Regular, 13, r.y+23
		}
		s = v.fit(s, tf, size, w)
		v.text(s, tf, size, r.x+8, y, alignStart, colText)
		if !hinted && v.textWidth(s, tf, size)+16+hintW <= w {
			v.text(hint, Regular, 13, r.right()-8, y+(size-13)/2, alignEnd, colMuted)
			hinted = true
		}
	}
}

// drawEvents draws the open event list into r: a header with the counts
// and the filters, then the rows in view, the current one highlighted and
// the cursor's outlined.
func drawEvents(v *view, l *lesson.EventList, r rect) {
	v.fillRect(r.x, r.y, r.w, r.h, colPanel)
	v.strokeRect(r.x, r.y, r.w, r.h, 1, colPanelEdge)
	drawEventHeader(v, l, r)
	for _, b := range append(eventButtons(v.faces, v.book, l, r), saveButtons(l, r)...) {
		drawButton(v, b)
	}
	label := v.T("events.save")
	if !saveTall(l, r) {
		label = v.fit(label, Bold, 14, saveLabelW-16) // the formats' buttons say it too
	}
	v.text(label, Bold, 14, r.x+12, r.y+r.h-saveH(l, r)+9, alignStart, colMuted)
	if len(l.Rows) == 0 {
		v.text(v.fit(v.T("events.none"), Regular, 14, r.w-16), Regular, 14, r.x+8, r.y+eventHead(r)+4, alignStart, colMuted)
	}
	for i, row := range shownRows(l, r) {
		rr := eventRowRect(r, i)
		fg, time := colText, colMuted
		if row.Current {
			v.fillRect(rr.x, rr.y, rr.w, rr.h, colListen)
			fg, time = colBackground, colBackground
		}
		if row.Selected {
			v.strokeRect(rr.x, rr.y, rr.w, rr.h, 2, colText)
		}
		at := lesson.FmtDurIn(v.book, row.At)
		v.text(at, Mono, 12, rr.x+4, rr.y+5, alignStart, time)
		x := rr.x + 4 + v.textWidth(at+"  ", Mono, 12)
		v.text(v.fitFailure(row.Text, Regular, 13, rr.x+rr.w-x-4), Regular, 13, x, rr.y+4, alignStart, fg)
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
	if a := hit(append(eventButtons(g.faces, phrases(g.vm.Lang), l, r), saveButtons(l, r)...), x, y); a != lesson.ActNone {
		g.do(a)
		return true
	}
	for i, row := range shownRows(l, r) {
		if eventRowRect(r, i).has(x, y) {
			g.sess.SeekEvent(row.N)
		}
	}
	return true
}
