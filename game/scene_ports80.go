package game

import (
	"fmt"
	"image/color"
	"math"
	"net/netip"

	"github.com/portplay/portplay/engine"
)

// The addresses of lesson 2's scene (DESIGN.md): one client, two web servers.
var (
	clientAddr = netip.MustParseAddr("192.168.1.5")
	webAAddr   = netip.MustParseAddr("10.0.0.10")
	webBAddr   = netip.MustParseAddr("10.0.0.20")
)

// ports80 is the scene "two web servers on port 80": both servers listen on
// :80 of their own address, and the client connects to each. Every port it
// shows was chosen by the engine.
type ports80 struct {
	profile engine.Profile
	hosts   [3]hostBox // client, web-a, web-b
	conns   [2]engine.FourTuple
	t       float64 // seconds of animation
}

// hostBox is a host as drawn: its box in design units and its socket rows.
type hostBox struct {
	name    string
	addr    netip.Addr
	profile string
	x, y    float64
	w, h    float64
	rows    []socketRow
}

type socketRow struct {
	state string // LISTEN, ESTABLISHED: a label, so colour is never the only cue
	text  string
	col   color.RGBA
}

func newPorts80(s Settings) (*ports80, error) {
	clientProfile, err := engine.ProfileByName(s.Profile)
	if err != nil {
		return nil, err
	}
	serverProfile, err := engine.ProfileByName("linux")
	if err != nil {
		return nil, err
	}
	client, err := engine.NewHost(engine.HostConfig{Name: "client", Addr: clientAddr, Profile: clientProfile, Seed: s.Seed})
	if err != nil {
		return nil, err
	}
	sc := &ports80{profile: clientProfile}
	sc.hosts[0] = hostBox{name: "client", addr: clientAddr, profile: clientProfile.Title, x: 50, y: 220, w: 380, h: 200}
	for i, addr := range []netip.Addr{webAAddr, webBAddr} {
		name := []string{"web-a", "web-b"}[i]
		server, err := engine.NewHost(engine.HostConfig{Name: name, Addr: addr, Profile: serverProfile, Seed: s.Seed})
		if err != nil {
			return nil, err
		}
		listen := netip.AddrPortFrom(addr, 80)
		// A web server starts as root to bind :80 (lesson 1's rule).
		if _, _, err := server.ListenOpts(engine.TCP, listen, engine.SockOpts{Privileged: true}); err != nil {
			return nil, fmt.Errorf("%s: listen on %s: %w", name, listen, err)
		}
		t, err := client.Connect(engine.TCP, listen)
		if err != nil {
			return nil, fmt.Errorf("client: connect to %s: %w", listen, err)
		}
		sc.conns[i] = t
		sc.hosts[i+1] = hostBox{
			name: name, addr: addr, profile: serverProfile.Title,
			x: 870, y: 90 + 240*float64(i), w: 370, h: 200,
			rows: []socketRow{
				{"LISTEN", fmt.Sprintf("%s:%d", addr, 80), colListen},
				{"ESTABLISHED", fmt.Sprintf(":80 ← %s", t.Local), colEphemeral},
			},
		}
		sc.hosts[0].rows = append(sc.hosts[0].rows, socketRow{"ESTABLISHED", fmt.Sprintf(":%d → %s", t.Local.Port(), t.Remote), colEphemeral})
	}
	return sc, nil
}

func (sc *ports80) name() string { return "ports80" }

func (sc *ports80) title() string { return "Two web servers, both on port 80" }

func (sc *ports80) narration() string {
	r := sc.profile.Ephemeral
	return fmt.Sprintf("Both servers listen on port 80, each on its own address: a listening socket is "+
		"(address, port), so %s:80 and %s:80 never conflict. For each connection the client's OS, "+
		"%s, picked an ephemeral source port from its range %s (%d ports); the server answers to that port.",
		webAAddr, webBAddr, sc.profile.Title, r, r.Size())
}

func (sc *ports80) connections() []engine.FourTuple { return sc.conns[:] }

func (sc *ports80) update(dt float64) { sc.t += dt }

// A packet's round trip on a link: the request travels for travel seconds,
// the server works for serve seconds, the response travels back, then the
// link rests. The second link runs half a period behind the first.
const (
	travel = 1.4
	serve  = 0.5
	period = 2*travel + serve + 1.2
)

func (sc *ports80) draw(v *view) {
	c := &sc.hosts[0]
	type link struct{ x0, y0, x1, y1 float64 }
	var links [2]link
	for i := range sc.conns {
		s := &sc.hosts[i+1]
		links[i] = link{c.x + c.w, c.y + c.h/2, s.x, s.y + s.h/2}
		v.line(links[i].x0, links[i].y0, links[i].x1, links[i].y1, 3, colLink)
	}
	for i := range sc.hosts {
		drawHost(v, &sc.hosts[i])
	}
	for i, t := range sc.conns {
		l := links[i]
		// The 4-tuple between the hosts: above the upper link, below the
		// lower one, clear of both lines and boxes.
		mx, y := (l.x0+l.x1)/2, min(l.y0, l.y1)-70.0
		if i == 1 {
			y = max(l.y0, l.y1) + 40
		}
		v.text(tupleLabel(t), Mono, 17, mx, y, alignCenter, colText)
		sc.drawPacket(v, t, math.Mod(sc.t+float64(i)*period/2, period), l.x0, l.y0, l.x1, l.y1)
	}
}

// tupleLabel writes a 4-tuple with an arrow from the client's side.
func tupleLabel(t engine.FourTuple) string {
	return fmt.Sprintf("%s %s → %s", t.Proto, t.Local, t.Remote)
}

// drawPacket draws the packet in flight at phase seconds into the period:
// requests go from the client's ephemeral port to :80, responses back.
func (sc *ports80) drawPacket(v *view, t engine.FourTuple, phase, x0, y0, x1, y1 float64) {
	var f float64
	var label string
	var col = colRequest
	switch {
	case phase < travel:
		f = phase / travel
		label = fmt.Sprintf("%d → %d", t.Local.Port(), t.Remote.Port())
	case phase < travel+serve:
		return
	case phase < 2*travel+serve:
		f = 1 - (phase-travel-serve)/travel
		label = fmt.Sprintf("%d → %d", t.Remote.Port(), t.Local.Port())
		col = colResponse
	default:
		return
	}
	px, py := x0+(x1-x0)*f, y0+(y1-y0)*f
	w := v.textWidth(label, Mono, 16) + 16
	v.fillRect(px-w/2, py-15, w, 30, col)
	v.text(label, Mono, 16, px, py-10, alignCenter, colBackground)
}

func drawHost(v *view, h *hostBox) {
	v.fillRect(h.x, h.y, h.w, h.h, colPanel)
	v.strokeRect(h.x, h.y, h.w, h.h, 2, colPanelEdge)
	v.text(h.name, Bold, 26, h.x+18, h.y+14, alignStart, colText)
	v.text(h.addr.String(), Mono, 24, h.x+h.w-18, h.y+16, alignEnd, colText)
	v.text(h.profile, Regular, 18, h.x+18, h.y+50, alignStart, colMuted)
	for i, r := range h.rows {
		y := h.y + 92 + float64(i)*48
		v.fillRect(h.x+18, y, 8, 36, r.col)
		v.text(r.state, Bold, 15, h.x+36, y, alignStart, r.col)
		v.text(r.text, Mono, 19, h.x+36, y+17, alignStart, colText)
	}
}
