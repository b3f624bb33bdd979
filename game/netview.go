package game

import (
	"fmt"
	"image/color"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// Host boxes: clients (hosts that only open connections) on the left,
// hosts that listen on the right, each column spread over the network's
// area, with room between the columns for the links and their packets.
const (
	hostMaxW   = 318.0
	hostGap    = 10.0
	hostMaxH   = 214.0
	hostMinH   = 40.0 // a box's name and its counts
	hostHeader = 52.0
	rowH       = 26.0
	linksMinW  = 56.0
	// A box narrower than this puts its address under its name and each
	// socket row on two lines.
	hostNarrow = 300.0
)

// layoutHosts gives each host its box in the network's area.
func layoutHosts(hosts []lesson.HostView, net rect) []rect {
	var left, right []int
	for i, h := range hosts {
		if h.Server {
			right = append(right, i)
		} else {
			left = append(left, i)
		}
	}
	out := make([]rect, len(hosts))
	w := min(hostMaxW, (net.w-16-linksMinW)/2)
	// A column too short for its boxes at hostMinH each becomes a grid.
	column := func(idx []int, x float64) {
		n := len(idx)
		avail := net.h - 16
		cols := 1
		for rows := n; cols < n && float64(rows)*(hostMinH+hostGap)-hostGap > avail; rows = (n + cols - 1) / cols {
			cols++
		}
		rows := (n + cols - 1) / max(cols, 1)
		bw := (w - float64(cols-1)*6) / float64(cols)
		h := min(hostMaxH, (avail-float64(rows-1)*hostGap)/float64(rows))
		y0 := net.y + (net.h-(float64(rows)*h+float64(rows-1)*hostGap))/2
		for k, i := range idx {
			out[i] = rect{x + float64(k/rows)*(bw+6), y0 + float64(k%rows)*(h+hostGap), bw, h}
		}
	}
	column(left, net.x+8)
	column(right, net.right()-8-w)
	return out
}

// linkEnds is where the link between hosts a and b meets their boxes.
func linkEnds(a, b rect) (x0, y0, x1, y1 float64) {
	y0, y1 = a.y+a.h/2, b.y+b.h/2
	if a.x < b.x {
		return a.x + a.w, y0, b.x, y1
	}
	if a.x > b.x {
		return a.x, y0, b.x + b.w, y1
	}
	// Same column (a server that is also a client): a link down the
	// column's side, apart from the boxes' edges so that it shows.
	return a.right() + sideLink, y0, b.right() + sideLink, y1
}

// sideLink is how far right of its column a link within the column runs.
const sideLink = 6.0

// rowColour is the colour of a socket row; its state's name is always
// written next to it.
func rowColour(r lesson.SocketRow) color.RGBA {
	switch {
	case r.Kind == lesson.RowListen && r.Proto == engine.UDP:
		return colInUse // bound, as the port map shows it: UDP has no listen()
	case r.Kind == lesson.RowListen:
		return colListen
	case r.Kind == lesson.RowWaiting:
		return colError
	case r.State == engine.TimeWait:
		return colTimeWait
	case r.State == engine.FinWait1, r.State == engine.FinWait2, r.State == engine.LastAck:
		return colMuted
	}
	return colInUse
}

// drawNetworkChrome draws what stays put while the lesson plays: links and
// the host boxes with their names, addresses and profiles.
func drawNetworkChrome(v *view, vm *lesson.View, lay *Layout) {
	boxes := lay.Hosts
	for _, l := range vm.Links {
		a, b := boxes[l[0]], boxes[l[1]]
		x0, y0, x1, y1 := linkEnds(a, b)
		v.line(x0, y0, x1, y1, 3, colLink)
		if a.x == b.x {
			// The stubs from the boxes out to the link.
			v.fillRect(a.right(), y0-1.5, sideLink+1.5, 3, colLink)
			v.fillRect(b.right(), y1-1.5, sideLink+1.5, 3, colLink)
		}
	}
	for i, h := range vm.Hosts {
		b := boxes[i]
		v.fillRect(b.x, b.y, b.w, b.h, colPanel)
		edge, width := colPanelEdge, 2.0
		if i == vm.Focus {
			edge, width = colText, 3
		}
		v.strokeRect(b.x, b.y, b.w, b.h, width, edge)
		hd := headerOf(b)
		if hd.tiny {
			drawTinyBox(v, h, b)
			continue
		}
		if hd.narrow {
			v.text(v.fit(h.Name, Bold, 17, b.w-24), Bold, 17, b.x+12, b.y+6, alignStart, colText)
			v.text(v.fit(h.AddrText, Mono, 14, b.w-24), Mono, 14, b.x+12, b.y+27, alignStart, colText)
		} else {
			addr := v.fit(h.AddrText, Mono, 17, b.w*0.6) // several addresses may be long
			aw := v.textWidth(addr, Mono, 17)
			v.text(v.fit(h.Name, Bold, 20, b.w-36-aw), Bold, 20, b.x+12, b.y+8, alignStart, colText)
			v.text(addr, Mono, 17, b.right()-12, b.y+10, alignEnd, colText)
		}
		subW := b.w - 24
		if w := badgeW(v); h.HalfDuplex && !hd.narrow && w <= b.w-16 {
			subW = b.w - w - 28 // the LISTENING or SERVING badge beside it
		}
		v.text(v.fit(hostSubtitle(v.book, h), Regular, 13, subW), Regular, 13, b.x+12, hd.subY, alignStart, colMuted)
	}
}

// boxHeader is how a host box's header is laid out, which depends on the
// box's size: the subtitle's top and where the socket rows start. A tiny
// box (too short for a header and a row) shows only its name, address
// and counts.
type boxHeader struct {
	narrow, tiny bool
	subY, rows   float64
	rowH         float64
}

func headerOf(b rect) boxHeader {
	h := boxHeader{false, false, b.y + 32, b.y + hostHeader, rowH}
	if b.w < hostNarrow {
		h = boxHeader{true, false, b.y + 45, b.y + hostHeader + 16, 2 * rowH * 0.8}
	}
	h.tiny = b.h < h.rows-b.y+18
	return h
}

// drawTinyBox is a tiny box's chrome: its name, and its address where
// there is room.
func drawTinyBox(v *view, h lesson.HostView, b rect) {
	addr := h.AddrText
	aw := v.textWidth(addr, Mono, 12)
	nameW := b.w - 16
	if b.w-24-aw >= v.textWidth(h.Name, Bold, 14) {
		v.text(addr, Mono, 12, b.right()-8, b.y+6, alignEnd, colText)
		nameW = b.w - 24 - aw
	}
	v.text(v.fit(h.Name, Bold, 14, nameW), Bold, 14, b.x+8, b.y+4, alignStart, colText)
}

func hostSubtitle(b *phrase.Book, h lesson.HostView) string {
	if h.Client && !h.Server {
		return b.T("join.dot", "first", h.Profile, "then", h.Range.String())
	}
	return h.Profile
}

// drawNetwork draws what moves in the network's area net: the hosts'
// sockets and the packets.
func drawNetwork(v *view, vm *lesson.View, boxes []rect, net rect) {
	for i, h := range vm.Hosts {
		drawHostBox(v, h, boxes[i])
	}
	drawPackets(v, vm, boxes, net)
}

func drawHostBox(v *view, h lesson.HostView, b rect) {
	hd := headerOf(b)
	if hd.tiny {
		// Its counts on one line under the name, the failures first.
		msg, col := h.Counts(), colMuted
		if h.Keep > 0 {
			// A server's listener first: what it is.
			l := h.Rows[0]
			if short := v.T("hostbox.listen-counts", "state", l.StateName, "port", int(l.Local.Port()), "counts", msg); v.textWidth(short, Bold, 12) <= b.w-16 {
				msg = short
			} else if short := v.T("hostbox.listen", "state", l.StateName, "port", int(l.Local.Port())); v.textWidth(msg, Bold, 12) > b.w-16 {
				msg = short
			}
		}
		if h.Failures > 0 {
			msg, col = v.T("hostbox.failed", "n", h.Failures), colError
		}
		if h.Failures > 0 && v.textWidth(msg, Bold, 12) > b.w-16 {
			msg = "" // a count is not cut short
		}
		if h.Failures == 0 && v.textWidth(msg, Bold, 12) > b.w-16 {
			msg = v.T("hostbox.connections", "n", h.Conns) // in a narrower box, the connections alone
		}
		if b.h >= 38 && msg != "" && v.textWidth(msg, Bold, 12) <= b.w-16 {
			v.text(msg, Bold, 12, b.x+8, b.y+21, alignStart, col) // a count is not cut short: whole, or not at all
		}
		return
	}
	y := hd.rows
	label, col := v.T("hostbox.listening", "port", 80), colListen
	if h.Serving {
		label, col = v.T("hostbox.serving", "port", 80), colInUse
	}
	// The half-duplex picture of lesson 4: the one port either listens or
	// serves one conversation; left out of a box too narrow
	// for it (a small frame's grid of boxes), whose rows say as much.
	if w := badgeW(v); h.HalfDuplex && w <= b.w-16 {
		ly := b.y + 30
		if hd.narrow {
			// Under the header: beside the subtitle there is no room.
			ly, y = y, y+22
		}
		v.fillRect(b.right()-w-8, ly, w, 19, col)
		v.text(label, Bold, 13, b.right()-8-w/2, ly+2, alignCenter, colBackground)
	}
	var banner []string
	if f := h.Failure; f != nil {
		banner = failureLines(v, f, b, b.bottom()-y)
	}
	// The rows stop above the failure's banner and the counts' line; the
	// listeners (Keep) stay before the counts where they fit at all.
	limit := b.bottom() - bannerH(banner) - 4
	lines := make([]hostRow, 0, len(h.Rows))
	for _, rw := range h.Rows {
		lines = append(lines, layRow(v, h, rw, b, hd))
	}
	fit := rowsWithin(lines, limit-y)
	n := fit
	if h.Total > fit || h.Failures > 0 {
		n = max(rowsWithin(lines, limit-17-y), min(h.Keep, fit))
	}
	// One row left over where the counts' line would go: the row itself,
	// as tall as that line, says more than "+ 1 more" (a phone's small
	// server box shows its LISTEN).
	if used := rowsHeight(lines[:n]); n < len(lines) && h.Total == n+1 && h.Failures == 0 && !lines[n].two && y+used+compactRowH <= limit {
		lines[n].h = compactRowH
		n++
	}
	for _, rw := range lines[:n] {
		// The state's name after its colour's bar, or in a box too
		// narrow for both (a longer language's layout) in the bar's
		// place: its colour is the bar's.
		sx := b.x + 22
		if sx+v.textWidth(rw.state, Bold, 12) > b.right()-8 {
			sx = b.x + 8
		} else {
			v.fillRect(b.x+10, y+2, 6, rw.h-6, rw.col)
		}
		v.text(rw.state, Bold, 12, sx, y+1, alignStart, rw.col)
		// A row stays inside its box: on two lines in a narrow one where
		// one does not hold it.
		tx, ty := sx+v.textWidth(rw.state, Bold, 12)+8, y+1
		if rw.two {
			tx, ty = b.x+22, y+17
		}
		// A row a little too long shrinks to the 12 px floor before it
		// is cut short.
		txt, size := v.fitSize(rw.text, Mono, 13, 12, b.right()-8-tx)
		v.text(txt, Mono, size, tx, ty+13-size, alignStart, colText)
		y += rw.h
	}
	rows := lines[:n]
	if y+17 <= limit {
		// The counts: the rows not shown (a box too short for any row,
		// with six clients, still gets them) and the failures so far.
		right := b.right() - 8
		if h.Failures > 0 {
			msg := v.T("hostbox.failed", "n", h.Failures)
			v.text(msg, Bold, 12, right, y+2, alignEnd, colError)
			right -= v.textWidth(msg, Bold, 12) + 8
		}
		if more := h.Total - len(rows); more > 0 {
			// The longest of these that fits a narrow box, so that the
			// numbers are never cut short.
			room := right - b.x - 22
			msg := v.T("hostbox.more-counts", "n", more, "counts", h.Counts())
			for _, short := range []string{v.T("hostbox.more-tw", "n", more, "tw", h.InTW), v.T("hostbox.more", "n", more)} {
				if v.textWidth(msg, Regular, 12) > room {
					msg = short
				}
			}
			if v.textWidth(msg, Regular, 12) <= room {
				v.text(msg, Regular, 12, b.x+22, y+2, alignStart, colMuted) // whole, or not at all
			}
		}
	}
	drawFailure(v, banner, b)
}

// badgeW is the width of lesson 4's LISTENING or SERVING badge: the
// wider's, so that it stays put as the port changes.
func badgeW(v *view) float64 {
	return max(v.textWidth(v.T("hostbox.listening", "port", 80), Bold, 13), v.textWidth(v.T("hostbox.serving", "port", 80), Bold, 13)) + 12
}

// hostRow is a socket row as a box draws it: its state, its text, on
// one line or two, and its height.
type hostRow struct {
	state, text string
	col         color.RGBA
	two         bool
	h           float64
}

// layRow lays out row rw in box b: on one line where the box is wide or
// the row fits one (a listener on the host's own address as ":80" where
// its whole address does not), else on two.
func layRow(v *view, h lesson.HostView, rw lesson.SocketRow, b rect, hd boxHeader) hostRow {
	state, text := rw.StateName, rw.Text()
	r := hostRow{state: state, text: text, col: rowColour(rw), h: hd.rowH}
	if !hd.narrow {
		return r
	}
	room := b.right() - 8 - (b.x + 22 + v.textWidth(state, Bold, 12) + 8)
	if rw.Kind == lesson.RowListen && rw.Local.Addr() == h.Addr && v.textWidth(text, Mono, 13) > room {
		r.text = fmt.Sprintf(":%d", rw.Local.Port())
	}
	if v.textWidth(r.text, Mono, 13) <= room {
		r.h = rowH
		return r
	}
	r.text, r.two = text, true
	return r
}

// compactRowH is a row drawn in the counts' line's place.
const compactRowH = 18.0

// rowsHeight is how tall rows are together.
func rowsHeight(rows []hostRow) float64 {
	h := 0.0
	for _, r := range rows {
		h += r.h
	}
	return h
}

// rowsWithin is how many of rows, from the first, fit in height room.
func rowsWithin(rows []hostRow, room float64) int {
	for i, r := range rows {
		if room -= r.h; room < 0 {
			return i
		}
	}
	return len(rows)
}

// failureLines is the latest failure's message, on two lines where one is
// too wide for box b and its free height h holds two: the whole message,
// else fewer words (never a cut error name: "connect failed: EADDRNOTAVAIL",
// "failed: …", the name alone); none where not even that fits.
func failureLines(v *view, f *lesson.Failure, b rect, h float64) []string {
	name := f.ErrName
	what, addr := "failure.connect", f.Tuple.Remote.String()
	switch {
	case f.Bind:
		what, addr = "failure.bind", f.Tuple.Local.String()
	case f.Listen:
		what, addr = "failure.listen", f.Tuple.Local.String()
	}
	w := b.w - 24
	for _, msg := range []string{v.T(what, "addr", addr, "err", name), v.T(what+"-short", "err", name), v.T("failure.short", "err", name), name} {
		lines := v.wrap(msg, Bold, 14, w)
		if len(lines) > 2 || bannerH(lines) > h {
			continue
		}
		fits := true
		for _, l := range lines {
			fits = fits && v.textWidth(l, Bold, 14) <= w
		}
		if fits {
			return lines
		}
	}
	return nil // the count of failures says it
}

// bannerH is the room a failure's banner takes at the bottom of its box.
func bannerH(lines []string) float64 {
	if len(lines) == 0 {
		return 0
	}
	return 12 + 18*float64(len(lines))
}

// drawFailure draws the banner of lines at the bottom of box b, inside it.
func drawFailure(v *view, lines []string, b rect) {
	if len(lines) == 0 {
		return
	}
	w := 0.0
	for _, l := range lines {
		w = max(w, v.textWidth(l, Bold, 14))
	}
	w += 16
	h := bannerH(lines) - 4
	y := b.bottom() - h - 4
	v.fillRect(b.x+b.w/2-w/2, y, w, h, colError)
	for i, l := range lines {
		v.text(l, Bold, 14, b.x+b.w/2, y+4+18*float64(i), alignCenter, colBackground)
	}
}

// drawPackets draws the packets on their links; with reduced motion none
// (a packet drawn still would sit where it never is), and the socket rows
// and the text mirror's log say what they did. Nothing is drawn outside
// net, the network's area: a label with no room there is left out.
func drawPackets(v *view, vm *lesson.View, boxes []rect, net rect) {
	if vm.ReducedMotion {
		return
	}
	var labels []rect
	for _, f := range vm.Packets {
		x0, y0, x1, y1 := linkEnds(boxes[f.From], boxes[f.To])
		x, y := x0+(x1-x0)*f.Frac, y0+(y1-y0)*f.Frac
		if overlapsAny(rect{x - 5, y - 5, 10, 10}, boxes) && f.Frac > 0.05 && f.Frac < 0.95 {
			continue // behind a box its link passes (a grid of small boxes)
		}
		col := colRequest
		if f.Response {
			col = colResponse
		}
		if vm.PacketsLabelled {
			// A label goes where it covers neither a box nor another
			// label; a packet with no such place is a square.
			ly := y + float64(f.Conn%3-1)*24 // packets of different connections side by side
			txt := v.T("packet.label", "packet", f.Label, "from", int(f.SrcPort), "to", int(f.DstPort))
			w := v.textWidth(txt, Mono, 14) + 12
			r := rect{x - w/2, ly - 11, w, 22}
			if net.holds(r) && !overlapsAny(r, boxes) && !overlapsAny(r, labels) {
				labels = append(labels, r)
				v.fillRect(r.x, r.y, r.w, r.h, col)
				v.text(txt, Mono, 14, x, ly-9, alignCenter, colBackground)
				continue
			}
		}
		if net.holds(rect{x - 5, y - 5, 10, 10}) {
			v.fillRect(x-5, y-5, 10, 10, col)
		}
	}
}

func overlapsAny(r rect, rs []rect) bool {
	for _, o := range rs {
		if r.x < o.right() && o.x < r.right() && r.y < o.bottom() && o.y < r.bottom() {
			return true
		}
	}
	return false
}
