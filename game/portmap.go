package game

import (
	"fmt"
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
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

// portAt is the port under design point (x, y), if the point is on the map.
func portAt(x, y float64) (engine.Port, bool) {
	if !areaMap.has(x, y) {
		return 0, false
	}
	col := int((x - areaMap.x) / areaMap.w * 256)
	row := int((y - areaMap.y) / areaMap.h * 256)
	return engine.Port(min(row, 255)*256 + min(col, 255)), true
}

// cellY is the design y of the top of the map's row holding port p.
func cellY(p int) float64 { return areaMap.y + float64(p/256)*areaMap.h/256 }

// draw draws the ports, and the ephemeral range's outline over them.
func (m *portMap) draw(v *view, pv lesson.PortMapView) {
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterNearest}
	op.GeoM.Scale(areaMap.w*v.scale/256, areaMap.h*v.scale/256)
	x, y := v.pt(areaMap.x, areaMap.y)
	op.GeoM.Translate(float64(x), float64(y))
	v.dst.DrawImage(m.img, op)
	m.outlineRange(v, pv.Range)
}

// drawPortMapChrome draws the map's title, the IANA classes against their
// rows and the legend: what stays put while the ports change.
func drawPortMapChrome(v *view, pv lesson.PortMapView) {
	v.text(fmt.Sprintf("Port map of %s (%s), TCP", pv.Host, pv.Addr), Bold, 15, areaMap.x, areaMap.y-18, alignStart, colText)

	// The IANA classes, against the rows they occupy.
	lx := areaLegend.x
	for _, c := range []struct {
		r    engine.Range
		name string
	}{{engine.SystemPorts, "system"}, {engine.RegisteredPorts, "registered"}, {engine.DynamicPorts, "dynamic"}} {
		y0, y1 := cellY(int(c.r.Lo)), cellY(int(c.r.Hi))+areaMap.h/256
		v.fillRect(areaMap.x+areaMap.w+2, y0, 3, max(y1-y0-1, 2), colMuted)
		ty := y0 // each label beside its band; the system band is too thin to hold one
		switch c.name {
		case "registered":
			ty = areaLegend.y + 34
		case "dynamic":
			ty = y1 - 30
		}
		v.text(c.name, Bold, 12, lx, ty, alignStart, colMuted)
		v.text(c.r.String(), Mono, 12, lx, ty+14, alignStart, colMuted)
	}
	legend := []struct {
		col  color.RGBA
		name string
	}{{colFreeDynamic, engine.PortFree.String()}, {colListen, engine.PortListening.String()}, {colInUse, engine.PortInUse.String()},
		{colTimeWait, engine.PortTimeWait.String()}, {colReserved, engine.PortReserved.String()}}
	ly := areaLegend.y + 84
	for _, e := range legend {
		v.fillRect(lx, ly+2, 14, 14, e.col)
		v.text(e.name, Regular, 14, lx+20, ly, alignStart, colText)
		ly += 22
	}
	v.strokeRect(lx, ly+2, 14, 14, 2, colRange)
	v.text("ephemeral", Regular, 14, lx+20, ly, alignStart, colText)
	v.text("range", Regular, 14, lx+20, ly+16, alignStart, colText)
}

// outlineRange draws the ephemeral range's outline: in row-major order a
// range is a run of cells, so its outline has up to eight corners.
func (m *portMap) outlineRange(v *view, r engine.Range) {
	cw, ch := areaMap.w/256, areaMap.h/256
	r0, c0 := float64(r.Lo/256), float64(r.Lo%256)
	r1, c1 := float64(r.Hi/256), float64(r.Hi%256)
	pts := [][2]float64{{c0, r0}, {256, r0}, {256, r1}, {c1 + 1, r1}, {c1 + 1, r1 + 1}, {0, r1 + 1}, {0, r0 + 1}, {c0, r0 + 1}}
	if r0 == r1 {
		pts = [][2]float64{{c0, r0}, {c1 + 1, r0}, {c1 + 1, r0 + 1}, {c0, r0 + 1}}
	}
	var path vector.Path
	for i, p := range pts {
		x, y := v.pt(areaMap.x+p[0]*cw, areaMap.y+p[1]*ch)
		if i == 0 {
			path.MoveTo(x, y)
		} else {
			path.LineTo(x, y)
		}
	}
	path.Close()
	op := &vector.DrawPathOptions{}
	op.ColorScale.ScaleWithColor(colRange)
	vector.StrokePath(v.dst, &path, &vector.StrokeOptions{Width: float32(2 * v.scale)}, op)
}

// drawRangeStrip draws the host's ephemeral range port by port, each cell
// with its number and state, below the host boxes (top is the lowest box
// bottom), when the view asks for it and there is room.
func (m *portMap) drawRangeStrip(v *view, pv lesson.PortMapView, top float64) {
	r := pv.Range
	n := r.Size()
	y := top + 14
	if !pv.Strip || y+74 > areaNet.y+areaNet.h {
		return
	}
	w := min(76, (areaNet.w-16)/float64(n))
	x := areaNet.x + (areaNet.w-w*float64(n))/2
	v.text(fmt.Sprintf("%s's ephemeral range %s, port by port", pv.Host, r), Bold, 14, areaNet.x+areaNet.w/2, y, alignCenter, colMuted)
	for i := range n {
		p := r.Lo + engine.Port(i)
		st := m.states[p]
		c := portColour(st, p)
		cx := x + float64(i)*w
		v.fillRect(cx+2, y+20, w-4, 50, c)
		fg := colBackground
		if st == engine.PortFree {
			fg = colText
		}
		v.text(fmt.Sprint(p), Mono, 13, cx+w/2, y+26, alignCenter, fg)
		v.text(shortState(st), Bold, 11, cx+w/2, y+46, alignCenter, fg)
	}
}

func shortState(s engine.PortState) string {
	if s == engine.PortTimeWait {
		return "TIME_W"
	}
	return s.String()
}
