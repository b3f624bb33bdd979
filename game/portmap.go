package game

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// portMap draws all 65,536 ports of one host as a 256×256 image, one
// pixel a port, row-major (port = row*256 + column). The image is written
// once per frame with WritePixels and scaled with nearest filtering: one
// draw call however many ports change.
type portMap struct {
	img    *ebiten.Image
	pix    []byte
	states [65536]engine.PortState
	// portColour's answers as RGBA bytes: by state, and for free ports by
	// IANA class.
	palette [engine.PortReserved + 1][4]byte
	free    [engine.ClassDynamic + 1][4]byte
	// The view the image shows: its host and port-map generation.
	host string
	gen  uint64
}

func newPortMap() *portMap {
	m := &portMap{img: ebiten.NewImage(256, 256), pix: make([]byte, 4*65536), host: "\x00"}
	rgba := func(c color.RGBA) [4]byte { return [4]byte{c.R, c.G, c.B, c.A} }
	for s := range m.palette {
		m.palette[s] = rgba(portColour(engine.PortState(s), engine.DynamicPorts.Lo))
	}
	for _, r := range []engine.Range{engine.SystemPorts, engine.RegisteredPorts, engine.DynamicPorts} {
		m.free[engine.ClassOf(r.Lo)] = rgba(portColour(engine.PortFree, r.Lo))
	}
	return m
}

// portColour is the colour of port p in state s: free ports show their IANA
// class as a shade of grey; used ones their state.
func portColour(s engine.PortState, p engine.Port) color.RGBA {
	switch s {
	case engine.PortListening:
		return colListen
	case engine.PortInUse:
		return colInUse
	case engine.PortTimeWait:
		return colTimeWait
	case engine.PortReserved:
		return colReserved
	}
	switch engine.ClassOf(p) {
	case engine.ClassSystem:
		return colFreeSystem
	case engine.ClassRegistered:
		return colFreeRegistered
	}
	return colFreeDynamic
}

// update repaints the ports that changed since the view it last drew
// (all of them for another host).
func (m *portMap) update(pv lesson.PortMapView) {
	if pv.Gen == m.gen && pv.Host == m.host {
		return
	}
	all := pv.Host != m.host
	m.gen, m.host = pv.Gen, pv.Host
	// Only the rows from the first changed port's to the last's are
	// written: less to copy and to upload.
	first, last := 65536, -1
	if all {
		first, last = 0, 65535
	}
	for p, s := range pv.States {
		if !all && s == m.states[p] {
			continue
		}
		first, last = min(first, p), max(last, p)
		m.states[p] = s
		c := m.palette[s]
		if s == engine.PortFree {
			c = m.free[engine.ClassOf(engine.Port(p))]
		}
		*(*[4]byte)(m.pix[4*p : 4*p+4]) = c
	}
	if last >= 0 {
		r0, r1 := first/256, last/256+1
		rows := image.Rect(0, r0, 256, r1)
		m.img.SubImage(rows).(*ebiten.Image).WritePixels(m.pix[4*256*r0 : 4*256*r1])
	}
}

// portAt is the port under point (x, y), if the point is on the map.
func (l *Layout) portAt(x, y float64) (engine.Port, bool) {
	m := l.Map
	if !m.has(x, y) {
		return 0, false
	}
	col := int((x - m.x) / m.w * 256)
	row := int((y - m.y) / m.h * 256)
	return engine.Port(min(row, 255)*256 + min(col, 255)), true
}

// cellY is the y of the top of the map's row holding port p.
func (l *Layout) cellY(p int) float64 { return l.Map.y + float64(p/256)*l.Map.h/256 }

// draw draws the ports into m, and the ephemeral range's outline over them.
func (pm *portMap) draw(v *view, pv lesson.PortMapView, m rect) {
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterNearest}
	op.GeoM.Scale(m.w*v.scale/256, m.h*v.scale/256)
	x, y := v.pt(m.x, m.y)
	op.GeoM.Translate(float64(x), float64(y))
	v.dst.DrawImage(pm.img, op)
	outlineRange(v, pv.Range, m)
}

// legendStatesH is the height of the legend's state swatches in one
// column: six rows and the second line of "ephemeral range".
const legendStatesH = 6*22 + 16

// qrSlot is where presenter mode's QR code goes in legend lg: the right
// half of a two-column legend, else the top of the column above the
// states; the IANA classes' names make way for it (their bars stay
// beside the map's rows).
func qrSlot(lg rect) rect {
	if lg.w >= 200 {
		return rect{lg.x + lg.w/2, lg.y, lg.w / 2, min(lg.w/2, lg.h)}
	}
	return rect{lg.x, lg.y, lg.w, max(0, min(lg.w, lg.h-legendStatesH-8))}
}

// drawPortMapChrome draws the map's title, the IANA classes against their
// rows and the legend: what stays put while the ports change. With qr the
// legend leaves qrSlot to presenter mode's code.
func drawPortMapChrome(v *view, pv lesson.PortMapView, lay *Layout, qr bool) {
	m, lg := lay.Map, lay.Legend
	title := v.T("portmap.title", "host", pv.Host, "addr", pv.Addr.String(), "proto", pv.Proto.String())
	v.text(v.fit(title, Bold, 15, m.w+8+lg.w), Bold, 15, m.x, m.y-18, alignStart, colText)
	classes := []struct {
		r    engine.Range
		name string
	}{{engine.SystemPorts, v.T("portmap.class.system")}, {engine.RegisteredPorts, v.T("portmap.class.registered")}, {engine.DynamicPorts, v.T("portmap.class.dynamic")}}
	// The IANA classes: a bar beside the rows each occupies.
	for _, c := range classes {
		y0, y1 := lay.cellY(int(c.r.Lo)), lay.cellY(int(c.r.Hi))+m.h/256
		v.fillRect(m.right()+2, y0, 3, max(y1-y0-1, 2), colMuted)
	}
	// The legend: the classes, then the states, in one column or, in a
	// short legend, two.
	x, y := lg.x+6, lg.y
	col2 := lg.w >= 200
	switch {
	case qr && col2: // the states in the left half
	case qr:
		y = qrSlot(lg).bottom() + 8
	default:
		for _, c := range classes {
			v.text(v.fit(c.name, Bold, 12, lg.right()-x), Bold, 12, x, y, alignStart, colMuted)
			v.text(c.r.String(), Mono, 12, x, y+14, alignStart, colMuted)
			y += 32
		}
		if col2 {
			x, y = lg.x+6+lg.w/2, lg.y
		} else {
			y += 8
		}
	}
	step := 22.0
	if col2 {
		step = 18
	}
	nameW := lg.right() - x - 20
	if col2 {
		nameW = lg.w/2 - 26
	}
	label := func(st engine.PortState) {
		s, size := v.fitSize(portStateName(v.book, st), Regular, 14, 12, nameW)
		v.text(s, Regular, size, x+20, y+(14-size)/2, alignStart, colText)
		y += step
	}
	swatch := func(c color.RGBA, st engine.PortState) {
		v.fillRect(x, y+2, 14, 14, c)
		label(st)
	}
	// Free ports show their class as a shade: the swatch has both shades
	// used inside the ephemeral ranges (registered and dynamic).
	v.fillRect(x, y+2, 7, 14, colFreeRegistered)
	v.fillRect(x+7, y+2, 7, 14, colFreeDynamic)
	label(engine.PortFree)
	swatch(colListen, engine.PortListening)
	swatch(colInUse, engine.PortInUse)
	swatch(colTimeWait, engine.PortTimeWait)
	swatch(colReserved, engine.PortReserved)
	v.strokeRect(x, y+2, 14, 14, 2, colRange)
	// On two lines at most (legendStatesH has room for two).
	lines := v.wrap(v.T("portmap.ephemeral-range"), Regular, 14, nameW)
	if len(lines) > 2 {
		lines = append(lines[:1], v.fit(lines[1]+" …", Regular, 14, nameW))
	}
	for i, l := range lines {
		v.text(v.fit(l, Regular, 14, nameW), Regular, 14, x+20, y+float64(i)*16, alignStart, colText)
	}
}

// portStateNames are the port states' message IDs, by state.
var portStateNames = [...]string{engine.PortFree: "portmap.state.free", engine.PortListening: "portmap.state.listening",
	engine.PortInUse: "portmap.state.in-use", engine.PortTimeWait: "portmap.state.time-wait", engine.PortReserved: "portmap.state.reserved"}

// portStateName is a port state's name in b's language.
func portStateName(b *phrase.Book, st engine.PortState) string { return b.T(portStateNames[st]) }

// outlineRange draws the ephemeral range's outline over map m: in
// row-major order a range is a run of cells, so its outline has up to
// eight corners.
func outlineRange(v *view, r engine.Range, m rect) {
	cw, ch := m.w/256, m.h/256
	r0, c0 := float64(r.Lo/256), float64(r.Lo%256)
	r1, c1 := float64(r.Hi/256), float64(r.Hi%256)
	pts := [][2]float64{{c0, r0}, {256, r0}, {256, r1}, {c1 + 1, r1}, {c1 + 1, r1 + 1}, {0, r1 + 1}, {0, r0 + 1}, {c0, r0 + 1}}
	if r0 == r1 {
		pts = [][2]float64{{c0, r0}, {c1 + 1, r0}, {c1 + 1, r0 + 1}, {c0, r0 + 1}}
	}
	// Edges as lines, not a vector path: no stencil shaders to compile
	// before the first frame. Each edge runs on to the next corner's
	// outside, so the corners are closed.
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		v.line(m.x+p[0]*cw, m.y+p[1]*ch, m.x+q[0]*cw, m.y+q[1]*ch, 2, colRange)
		v.fillRect(m.x+p[0]*cw-1, m.y+p[1]*ch-1, 2, 2, colRange)
	}
}

// drawRangeStrip draws the host's ephemeral range port by port in r, each
// cell with its number and state: a port of a small range, a dot on the
// map, zoomed.
func (pm *portMap) drawRangeStrip(v *view, pv lesson.PortMapView, r rect) {
	rg := pv.Range
	n := rg.Size()
	w, rows := stripCells(n, r.w)
	per := (n + rows - 1) / rows
	x := r.x + (r.w-w*float64(per))/2
	title := v.fitFirst(Bold, 14, r.w, v.T("portmap.strip-title", "host", pv.Host, "range", rg.String()),
		v.T("portmap.strip-title-short", "host", pv.Host, "range", rg.String()))
	v.text(title, Bold, 14, r.x+r.w/2, r.y+6, alignCenter, colMuted)
	for i := range n {
		p := rg.Lo + engine.Port(i)
		st := pm.states[p]
		c := portColour(st, p)
		cx, y := x+float64(i%per)*w, r.y+6+float64(i/per)*stripRowH
		v.fillRect(cx+2, y+20, w-4, 50, c)
		fg := colBackground
		if st == engine.PortFree {
			fg = colText
		}
		// The number and the state's whole name (on two lines where one
		// is too wide) where the cell holds them; the colour always.
		if num := fmt.Sprint(p); v.textWidth(num, Mono, 13) <= w-6 {
			v.text(num, Mono, 13, cx+w/2, y+24, alignCenter, fg)
		}
		name := portStateName(v.book, st)
		if v.textWidth(name, Bold, 12) > w-6 {
			if i := strings.IndexByte(name, '_'); i > 0 && v.textWidth(name[:i+1], Bold, 12) <= w-6 && v.textWidth(name[i+1:], Bold, 12) <= w-6 {
				v.text(name[:i+1], Bold, 12, cx+w/2, y+40, alignCenter, fg)
				v.text(name[i+1:], Bold, 12, cx+w/2, y+54, alignCenter, fg)
			}
			continue
		}
		v.text(name, Bold, 12, cx+w/2, y+44, alignCenter, fg)
	}
}

// drawCallouts marks each port called out on map m with a ring in its
// state's colour and names it beside the ring (":80"): a port is a unit
// or less on the map. A name goes where it stays on the map and covers no
// other; with no such place, the ring alone.
func drawCallouts(v *view, cs []lesson.PortCallout, lay *Layout) {
	m := lay.Map
	cw, ch := m.w/256, m.h/256
	var labels []rect
	for _, c := range cs {
		col := portColour(c.State, c.Port)
		x, y := m.x+float64(c.Port%256)*cw, lay.cellY(int(c.Port))
		// The ring stays on the map (row 0 is at its top edge).
		rx, ry := max(x-4, m.x), max(y-4, m.y)
		v.strokeRect(rx, ry, min(x+cw+4, m.right())-rx, min(y+ch+4, m.bottom())-ry, 2, col)
		txt := fmt.Sprintf(":%d", c.Port)
		w := v.textWidth(txt, Mono, 12) + 8
		// Beside the ring, right or left, else a row above or below it
		// (neighbouring ports' names stack).
		ly := min(max(y+ch/2-8, m.y), m.bottom()-16)
	place:
		for _, dy := range []float64{0, 18, -18, 36, -36, 54} {
			for _, lx := range []float64{x + cw + 6, x - 6 - w} {
				r := rect{lx, ly + dy, w, 16}
				if !m.holds(r) || overlapsAny(r, labels) {
					continue
				}
				labels = append(labels, r)
				v.fillRect(r.x, r.y, r.w, r.h, colBackground)
				v.strokeRect(r.x, r.y, r.w, r.h, 1, col)
				v.text(txt, Mono, 12, r.x+4, r.y+2, alignStart, colText)
				break place
			}
		}
	}
}
