package game

import (
	"fmt"
	"image/color"
	"maps"
	"slices"
	"time"

	"github.com/portplay/portplay/engine/sim"
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
func layoutHosts(hosts []hostState) []rect {
	var left, right []int
	for i, h := range hosts {
		if h.server {
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

// stateColour is the colour of a socket state; the state's name is always
// written next to it.
func stateColour(state string) color.RGBA {
	switch state {
	case "LISTEN":
		return colListen
	case "TIME_WAIT":
		return colTimeWait
	case "FIN_WAIT", "LAST_ACK":
		return colMuted
	case "WAITING":
		return colError
	}
	return colInUse
}

// failShown is how long a failed connect stays marked on its host.
const failShown = 3 * time.Second

// drawNetworkChrome draws what stays put while the scene plays: links and
// the host boxes with their names, addresses and profiles.
func drawNetworkChrome(v *view, r *sceneRun, boxes []rect, focus int) {
	p := r.play
	seen := map[[2]int]bool{}
	for _, c := range r.sc.Connects {
		a, b := p.hostIndex(c.From), p.hostIndex(c.To)
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		x0, y0, x1, y1 := linkEnds(boxes[a], boxes[b])
		v.line(x0, y0, x1, y1, 3, colLink)
	}
	for i := range p.hosts {
		h, b := &p.hosts[i], boxes[i]
		v.fillRect(b.x, b.y, b.w, b.h, colPanel)
		edge, width := colPanelEdge, 2.0
		if i == focus {
			edge, width = colText, 3
		}
		v.strokeRect(b.x, b.y, b.w, b.h, width, edge)
		v.text(h.name, Bold, 20, b.x+12, b.y+8, alignStart, colText)
		v.text(h.addr.String(), Mono, 17, b.x+b.w-12, b.y+10, alignEnd, colText)
		v.text(hostSubtitle(h), Regular, 13, b.x+12, b.y+32, alignStart, colMuted)
	}
}

func hostSubtitle(h *hostState) string {
	if h.client && !h.server {
		return h.profile.Title + "  ·  " + h.profile.Ephemeral.String()
	}
	return h.profile.Title
}

// drawNetwork draws what moves: the hosts' sockets and the packets.
func drawNetwork(v *view, r *sceneRun, boxes []rect) {
	for i := range r.play.hosts {
		drawHostBox(v, r, i, boxes[i])
	}
	drawFlights(v, r.play, boxes)
}

type row struct {
	state, text string
}

// hostRows are the first limit socket rows a host box lists (listeners,
// connections that wait, connections at work, then those in TIME_WAIT: in
// a busy host the rows that fit show what is happening now), and how many
// rows there are in all.
func hostRows(h *hostState, now time.Duration, limit int) ([]row, int) {
	var rows []row
	for _, l := range h.listens {
		rows = append(rows, row{"LISTEN", l.String()})
	}
	for _, id := range slices.Sorted(maps.Keys(h.waiting)) {
		rows = append(rows, row{"WAITING", fmt.Sprintf("#%d %s", id, h.waiting[id].State)})
	}
	total := len(rows) + len(h.conns)
	rows = rows[:min(len(rows), limit)]
	active, waiting := h.firstRows(max(limit-len(rows), 0))
	shown := append(active, waiting...)
	for _, c := range shown[:min(len(shown), max(limit-len(rows), 0))] {
		text := fmt.Sprintf(":%d → %s", c.tuple.Local.Port(), c.tuple.Remote)
		if slices.Contains(h.listens, c.tuple.Local) {
			text = fmt.Sprintf(":%d ← %s", c.tuple.Local.Port(), c.tuple.Remote)
		}
		if c.state == "TIME_WAIT" {
			text += fmt.Sprintf(" %.0fs", h.timeWaitLeft(c.since, now).Seconds())
		}
		rows = append(rows, row{c.state, text})
	}
	return rows, total
}

func drawHostBox(v *view, r *sceneRun, i int, b rect) {
	p := r.play
	h := &p.hosts[i]
	if h.failures > 0 {
		v.text(fmt.Sprintf("%d failed", h.failures), Bold, 13, b.x+18+v.textWidth(hostSubtitle(h), Regular, 13), b.y+32, alignStart, colError)
	}
	if !r.sc.Ephemeral && h.server {
		// The half-duplex picture of lesson 4: the one port either waits
		// for a request or is busy sending a response.
		label, col := "LISTENING :80", colListen
		for _, f := range p.flights {
			if f.Host == h.name && f.Len > 0 && f.Tuple.Local.Port() == 80 {
				label, col = "TRANSMITTING :80", colInUse
			}
		}
		w := v.textWidth(label, Bold, 13) + 12
		v.fillRect(b.x+b.w-w-8, b.y+30, w, 19, col)
		v.text(label, Bold, 13, b.x+b.w-8-w/2, b.y+32, alignCenter, colBackground)
	}

	fit := int((b.h - hostHeader - 4) / rowH)
	rows, total := hostRows(h, p.now, fit)
	more := 0
	if total > fit {
		rows = rows[:max(fit-1, 0)]
		more = total - len(rows)
	}
	y := b.y + hostHeader
	for _, rw := range rows {
		col := stateColour(rw.state)
		v.fillRect(b.x+10, y+2, 6, rowH-6, col)
		v.text(rw.state, Bold, 12, b.x+22, y+1, alignStart, col)
		v.text(rw.text, Mono, 13, b.x+22+v.textWidth(rw.state, Bold, 12)+8, y+1, alignStart, colText)
		y += rowH
	}
	if more > 0 {
		// A box too short for any row (six clients) still gets the counts,
		// on its last line.
		y = min(y, b.y+b.h-17)
		v.text(fmt.Sprintf("+ %d more  (%d connections, %d in TIME_WAIT)", more, len(h.conns), h.nTW), Regular, 12, b.x+22, y+2, alignStart, colMuted)
	}
	if h.fail.Kind != 0 && p.now-h.fail.At < failShown {
		msg := fmt.Sprintf("connect to %s failed: %s", h.fail.Tuple.Remote, h.fail.Err)
		if h.fail.Kind == sim.Listen {
			msg = fmt.Sprintf("listen on %s failed: %s", h.fail.Tuple.Local, h.fail.Err)
		}
		w := v.textWidth(msg, Bold, 14) + 16
		y := b.y + b.h - 30
		v.fillRect(b.x+b.w/2-w/2, y, w, 26, colError)
		v.text(msg, Bold, 14, b.x+b.w/2, y+4, alignCenter, colBackground)
	}
}

// labelledFlights: above this many packets in flight, packets are drawn as
// plain squares; their labels would only cover each other.
const labelledFlights = 8

// maxFlightsDrawn: at high speed hundreds of packets are in flight at once,
// more than anyone can follow; an even sample of them shows the traffic.
const maxFlightsDrawn = 48

func drawFlights(v *view, p *player, boxes []rect) {
	label := len(p.flights) <= labelledFlights
	every := max(1, (len(p.flights)+maxFlightsDrawn-1)/maxFlightsDrawn)
	for i, f := range p.flights {
		if i%every != 0 {
			continue
		}
		from := p.hostIndex(f.Host)
		to := p.hostByAddr(f.Tuple.Remote.Addr())
		if to < 0 {
			continue
		}
		x0, y0, x1, y1 := linkEnds(boxes[from], boxes[to])
		k := float64(p.now-f.At) / float64(f.Arrive-f.At)
		x, y := x0+(x1-x0)*k, y0+(y1-y0)*k
		col := colRequest
		if slices.Contains(p.hosts[from].listens, f.Tuple.Local) {
			col = colResponse
		}
		if !label {
			v.fillRect(x-5, y-5, 10, 10, col)
			continue
		}
		y += float64(f.Conn%3-1) * 16 // packets of different connections side by side
		txt := fmt.Sprintf("%s %d→%d", flagName(f), f.Tuple.Local.Port(), f.Tuple.Remote.Port())
		w := v.textWidth(txt, Mono, 14) + 12
		v.fillRect(x-w/2, y-11, w, 22, col)
		v.text(txt, Mono, 14, x, y-9, alignCenter, colBackground)
	}
}

// flagName is how a packet is labelled: by what it does in TCP.
func flagName(f sim.Event) string {
	switch {
	case f.Flags&sim.RST != 0:
		return "RST"
	case f.Flags&sim.SYN != 0 && f.Flags&sim.ACK != 0:
		return "SYN-ACK"
	case f.Flags&sim.SYN != 0:
		return "SYN"
	case f.Flags&sim.FIN != 0:
		return "FIN"
	case f.Len > 0:
		return "data"
	}
	return "ACK"
}
