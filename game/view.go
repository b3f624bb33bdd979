package game

import (
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// view maps layout units to the screen's pixels for one frame.
type view struct {
	dst   *ebiten.Image
	scale float64 // device pixels per unit (Layout.Scale)
	faces *faces
	// record, if set, is told of every text drawn and where: the layout
	// tests check that each fits the screen and covers no other.
	record func(s string, r rect)
}

func newView(dst *ebiten.Image, fc *faces, scale float64) *view {
	return &view{dst: dst, scale: scale, faces: fc}
}

func (v *view) pt(x, y float64) (float32, float32) {
	return float32(x * v.scale), float32(y * v.scale)
}

// pixel is one white pixel, the middle of a 3×3 image so that scaling it
// never samples past its edge. Rectangles and lines are this pixel scaled
// and tinted: the same kind of draw as the text's glyphs, from the same
// texture atlas, so Ebiten merges a frame's boxes and text into a few draw
// calls. Vector fills use another shader and would split every batch,
// which costs most on the software GL that classrooms often end up with.
var pixel = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

func (v *view) fillRect(x, y, w, h float64, c color.Color) {
	sx, sy := v.pt(x, y)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(w*v.scale, h*v.scale)
	op.GeoM.Translate(float64(sx), float64(sy))
	op.ColorScale.ScaleWithColor(c)
	v.dst.DrawImage(pixel, op)
}

func (v *view) strokeRect(x, y, w, h, width float64, c color.Color) {
	v.fillRect(x, y, w, width, c)
	v.fillRect(x, y+h-width, w, width, c)
	v.fillRect(x, y+width, width, h-2*width, c)
	v.fillRect(x+w-width, y+width, width, h-2*width, c)
}

// line draws a segment as a rotated rectangle.
func (v *view) line(x0, y0, x1, y1, width float64, c color.Color) {
	dx, dy := (x1-x0)*v.scale, (y1-y0)*v.scale
	sx, sy := v.pt(x0, y0)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Scale(math.Hypot(dx, dy), width*v.scale)
	op.GeoM.Translate(0, -width*v.scale/2)
	op.GeoM.Rotate(math.Atan2(dy, dx))
	op.GeoM.Translate(float64(sx), float64(sy))
	op.ColorScale.ScaleWithColor(c)
	v.dst.DrawImage(pixel, op)
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
	if v.record != nil {
		w := v.textWidth(s, tf, size)
		v.record(s, rect{x - w*float64(a)/2, y, w, size})
	}
	sx, sy := v.pt(x, y)
	op.GeoM.Translate(float64(sx), float64(sy))
	op.ColorScale.ScaleWithColor(c)
	text.Draw(v.dst, s, face, op)
}

// textWidth is the width of s in units.
func (v *view) textWidth(s string, tf Typeface, size float64) float64 {
	w, _ := text.Measure(s, v.faces.face(tf, size*v.scale), 0)
	return w / v.scale
}

// wrap breaks s into lines no wider than maxW units.
func (v *view) wrap(s string, tf Typeface, size, maxW float64) []string {
	return wrapWith(s, maxW, func(s string) float64 { return v.textWidth(s, tf, size) })
}

// measure is the width of s at size units, drawn one pixel a unit: what
// the layout plans with (drawn at another scale, hinting moves it by a
// fraction of a unit).
func measure(fc *faces, s string, tf Typeface, size float64) float64 {
	w, _ := text.Measure(s, fc.face(tf, size), 0)
	return w
}

// wrapText is wrap for the layout, measuring with measure.
func wrapText(fc *faces, s string, tf Typeface, size, maxW float64) []string {
	return wrapWith(s, maxW, func(s string) float64 { return measure(fc, s, tf, size) })
}

func wrapWith(s string, maxW float64, width func(string) float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && width(try) > maxW {
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

// fit shortens s with an ellipsis until it is no wider than maxW;
// nothing where not even its first letter and the ellipsis fit.
func (v *view) fit(s string, tf Typeface, size, maxW float64) string {
	if v.textWidth(s, tf, size) <= maxW {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && v.textWidth(string(r)+"…", tf, size) > maxW {
		r = r[:len(r)-1]
	}
	if v.textWidth(string(r)+"…", tf, size) > maxW {
		return ""
	}
	return string(r) + "…"
}

// fitFailure shortens s as fit does, but never its error's name: a text
// that ends "failed: ENAME" loses the words before that first, then all
// of them but the name; nothing where the name alone does not fit.
func (v *view) fitFailure(s string, tf Typeface, size, maxW float64) string {
	i := strings.LastIndex(s, failedSep)
	if i < 0 || v.textWidth(s, tf, size) <= maxW {
		return v.fit(s, tf, size, maxW)
	}
	tail := s[i:]
	if room := maxW - v.textWidth(" "+tail, tf, size); room > 0 {
		if head := v.fit(strings.TrimSpace(s[:i]), tf, size, room); head != "" {
			return head + " " + tail
		}
	}
	for _, t := range []string{tail, s[i+len(failedSep):]} {
		if v.textWidth(t, tf, size) <= maxW {
			return t
		}
	}
	return ""
}

// failedSep comes before an error's name in the texts that report one.
const failedSep = "failed: "
