package game

import (
	"image/color"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// Scenes are laid out on a fixed design canvas of DesignW×DesignH units; the
// view maps it, centred and uniformly scaled, onto the real screen.
const (
	DesignW = 1280
	DesignH = 720
)

// view maps design units to screen pixels for one frame.
type view struct {
	dst        *ebiten.Image
	scale      float64
	offX, offY float64
	faces      *faces
}

func newView(dst *ebiten.Image, fc *faces) *view {
	b := dst.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	s := min(w/DesignW, h/DesignH)
	return &view{dst: dst, scale: s, offX: (w - DesignW*s) / 2, offY: (h - DesignH*s) / 2, faces: fc}
}

func (v *view) pt(x, y float64) (float32, float32) {
	return float32(v.offX + x*v.scale), float32(v.offY + y*v.scale)
}

func (v *view) fillRect(x, y, w, h float64, c color.Color) {
	sx, sy := v.pt(x, y)
	vector.FillRect(v.dst, sx, sy, float32(w*v.scale), float32(h*v.scale), c, false)
}

func (v *view) strokeRect(x, y, w, h, width float64, c color.Color) {
	sx, sy := v.pt(x, y)
	vector.StrokeRect(v.dst, sx, sy, float32(w*v.scale), float32(h*v.scale), float32(width*v.scale), c, false)
}

func (v *view) line(x0, y0, x1, y1, width float64, c color.Color) {
	ax, ay := v.pt(x0, y0)
	bx, by := v.pt(x1, y1)
	vector.StrokeLine(v.dst, ax, ay, bx, by, float32(width*v.scale), c, true)
}

// Alignment of text relative to the given point.
type align int

const (
	alignStart align = iota
	alignCenter
	alignEnd
)

// text draws s with its top at y; x is its left edge, centre or right edge.
func (v *view) text(s string, tf Typeface, size, x, y float64, a align, c color.Color) {
	face := v.faces.face(tf, size*v.scale)
	op := &text.DrawOptions{}
	switch a {
	case alignCenter:
		op.PrimaryAlign = text.AlignCenter
	case alignEnd:
		op.PrimaryAlign = text.AlignEnd
	}
	sx, sy := v.pt(x, y)
	op.GeoM.Translate(float64(sx), float64(sy))
	op.ColorScale.ScaleWithColor(c)
	text.Draw(v.dst, s, face, op)
}

// textWidth is the width of s in design units.
func (v *view) textWidth(s string, tf Typeface, size float64) float64 {
	w, _ := text.Measure(s, v.faces.face(tf, size*v.scale), 0)
	return w / v.scale
}

// wrap breaks s into lines no wider than maxW design units.
func (v *view) wrap(s string, tf Typeface, size, maxW float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && v.textWidth(try, tf, size) > maxW {
			lines = append(lines, line)
			try = word
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
