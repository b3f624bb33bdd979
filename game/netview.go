package game

import (
	"fmt"
	"image/color"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
)

// Host boxes: clients (hosts that only open connections) on the left,
// hosts that listen on the right, each column spread over the view.
const (
	hostW      = 318.0
	hostGap    = 10.0
	hostMaxH   = 214.0
	hostHeader = 52.0
	rowH       = 26.0
)

// layoutHosts gives each host its box.
func layoutHosts(hosts []lesson.HostView) []rect {
	var left, right []int
	for i, h := range hosts {
		if h.Server {
			right = append(right, i)
		} else {
			left = append(left, i)
		}
	}
	out := make([]rect, len(hosts))
	column := func(idx []int, x float64) {
		n := float64(len(idx))
		h := min(hostMaxH, (areaNet.h-16-(n-1)*hostGap)/n)
		y := areaNet.y + (areaNet.h-(n*h+(n-1)*hostGap))/2
		for _, i := range idx {
			out[i] = rect{x, y, hostW, h}
			y += h + hostGap
		}
	}
	column(left, areaNet.x+8)
	column(right, areaNet.x+areaNet.w-8-hostW)
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
	// Same column (a server that is also a client): a link down the side.
	return a.x + a.w, y0, b.x + b.w, y1
}

// rowColour is the colour of a socket row; its state's name is always
// written next to it.
func rowColour(r lesson.SocketRow) color.RGBA {
	switch {
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

// rowText is a socket row's state name and its description.
func rowText(r lesson.SocketRow) (string, string) {
	switch r.Kind {
	case lesson.RowListen:
		return "LISTEN", r.Local.String()
	case lesson.RowWaiting:
		return "WAITING", fmt.Sprintf("%s: %s", r.Name, r.Reason)
	}
	text := fmt.Sprintf(":%d → %s", r.Local.Port(), r.Remote)
	if r.Inbound {
		text = fmt.Sprintf(":%d ← %s", r.Local.Port(), r.Remote)
	}
	if r.State == engine.TimeWait {
		text += fmt.Sprintf(" %.0fs", r.TimeWaitLeft.Seconds())
	}
	return r.State.String(), text
}

// drawNetworkChrome draws what stays put while the lesson plays: links and
// the host boxes with their names, addresses and profiles.
func drawNetworkChrome(v *view, vm *lesson.View) {
	boxes := layoutHosts(vm.Hosts)
	for _, l := range vm.Links {
		x0, y0, x1, y1 := linkEnds(boxes[l[0]], boxes[l[1]])
		v.line(x0, y0, x1, y1, 3, colLink)
	}
	for i, h := range vm.Hosts {
		b := boxes[i]
		v.fillRect(b.x, b.y, b.w, b.h, colPanel)
		edge, width := colPanelEdge, 2.0
		if i == vm.Focus {
			edge, width = colText, 3
		}
		v.strokeRect(b.x, b.y, b.w, b.h, width, edge)
		v.text(h.Name, Bold, 20, b.x+12, b.y+8, alignStart, colText)
		v.text(h.AddrText, Mono, 17, b.x+b.w-12, b.y+10, alignEnd, colText)
		v.text(hostSubtitle(h), Regular, 13, b.x+12, b.y+32, alignStart, colMuted)
	}
}

func hostSubtitle(h lesson.HostView) string {
	if h.Client && !h.Server {
		return h.Profile + "  ·  " + h.Range.String()
	}
	return h.Profile
}

// drawNetwork draws what moves: the hosts' sockets and the packets.
func drawNetwork(v *view, vm *lesson.View, boxes []rect) {
	for i, h := range vm.Hosts {
		drawHostBox(v, h, boxes[i])
	}
	drawPackets(v, vm, boxes)
}

func drawHostBox(v *view, h lesson.HostView, b rect) {
	if h.Failures > 0 {
		v.text(fmt.Sprintf("%d failed", h.Failures), Bold, 13, b.x+18+v.textWidth(hostSubtitle(h), Regular, 13), b.y+32, alignStart, colError)
	}
	if h.HalfDuplex {
		// The half-duplex picture of lesson 4: the one port either waits
		// for a request or is busy sending a response.
		label, col := "LISTENING :80", colListen
		if h.Transmitting {
			label, col = "TRANSMITTING :80", colInUse
		}
		w := v.textWidth(label, Bold, 13) + 12
		v.fillRect(b.x+b.w-w-8, b.y+30, w, 19, col)
		v.text(label, Bold, 13, b.x+b.w-8-w/2, b.y+32, alignCenter, colBackground)
	}
	fit := int((b.h - hostHeader - 4) / rowH)
	rows := h.Rows[:min(len(h.Rows), fit)]
	more := 0
	if h.Total > fit {
		rows = rows[:max(fit-1, 0)]
		more = h.Total - len(rows)
	}
	y := b.y + hostHeader
	for _, rw := range rows {
		col := rowColour(rw)
		state, text := rowText(rw)
		v.fillRect(b.x+10, y+2, 6, rowH-6, col)
		v.text(state, Bold, 12, b.x+22, y+1, alignStart, col)
		tx := b.x + 22 + v.textWidth(state, Bold, 12) + 8
		v.text(v.fit(text, Mono, 13, b.x+b.w-8-tx), Mono, 13, tx, y+1, alignStart, colText) // a row stays inside its box
		y += rowH
	}
	if more > 0 {
		// A box too short for any row (six clients) still gets the counts,
		// on its last line.
		y = min(y, b.y+b.h-17)
		v.text(fmt.Sprintf("+ %d more  (%d connections, %d in TIME_WAIT)", more, h.Conns, h.InTW), Regular, 12, b.x+22, y+2, alignStart, colMuted)
	}
	if f := h.Failure; f != nil {
		msg := fmt.Sprintf("connect to %s failed: %s", f.Tuple.Remote, engine.ErrnoName(f.Err))
		switch {
		case f.Bind:
			msg = fmt.Sprintf("bind %s failed: %s", f.Tuple.Local, engine.ErrnoName(f.Err))
		case f.Listen:
			msg = fmt.Sprintf("listen on %s failed: %s", f.Tuple.Local, engine.ErrnoName(f.Err))
		}
		w := v.textWidth(msg, Bold, 14) + 16
		y := b.y + b.h - 30
		v.fillRect(b.x+b.w/2-w/2, y, w, 26, colError)
		v.text(msg, Bold, 14, b.x+b.w/2, y+4, alignCenter, colBackground)
	}
}

// drawPackets draws the packets on their links; with reduced motion none
// (a packet drawn still would sit where it never is), and the socket rows
// and the text mirror's log say what they did.
func drawPackets(v *view, vm *lesson.View, boxes []rect) {
	if vm.ReducedMotion {
		return
	}
	for _, f := range vm.Packets {
		x0, y0, x1, y1 := linkEnds(boxes[f.From], boxes[f.To])
		x, y := x0+(x1-x0)*f.Frac, y0+(y1-y0)*f.Frac
		col := colRequest
		if f.Response {
			col = colResponse
		}
		if !vm.PacketsLabelled {
			v.fillRect(x-5, y-5, 10, 10, col)
			continue
		}
		y += float64(f.Conn%3-1) * 16 // packets of different connections side by side
		txt := fmt.Sprintf("%s %d→%d", f.Flags, f.SrcPort, f.DstPort)
		w := v.textWidth(txt, Mono, 14) + 12
		v.fillRect(x-w/2, y-11, w, 22, col)
		v.text(txt, Mono, 14, x, y-9, alignCenter, colBackground)
	}
}
