package game

import (
	"image"
	"image/color"
	"math"
	"regexp"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// view maps layout units to the screen's pixels for one frame.
type view struct {
	dst   *ebiten.Image
	scale float64 // device pixels per unit (Layout.Scale)
	faces *faces
	// record, if set, is told of every text drawn and where: the layout
	// tests check that each fits the screen and covers no other.
	record func(s string, r rect)
	// book is the phrasebook of the language the view is drawn in: the
	// game's own words (headings, hints, counts) are its messages.
	book *phrase.Book
}

func newView(dst *ebiten.Image, fc *faces, scale float64, book *phrase.Book) *view {
	return &view{dst: dst, scale: scale, faces: fc, book: book}
}

// T is message id in the view's language (phrase.Book.T).
func (v *view) T(id string, args ...any) string { return v.book.T(id, args...) }

// phrases is lang's phrasebook (View.Lang), English where the session
// speaks a language whose phrasebook is not at hand.
func phrases(lang string) *phrase.Book {
	if b, err := lesson.Phrases(lang); err == nil {
		return b
	}
	return lesson.English()
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
	if s == "" {
		return // nothing to draw, nor to place
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
	for _, word := range breakLong(strings.Fields(s), maxW, width) {
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

// breakLong breaks each word of words wider than maxW (a long compound,
// an address) into pieces that are not, so that no line runs out of its
// box: the whole word stays readable over the lines.
func breakLong(words []string, maxW float64, width func(string) float64) []string {
	out := words[:0:0]
	for _, w := range words {
		for width(w) > maxW {
			r := []rune(w)
			n := len(r) - 1
			for n > 1 && width(string(r[:n])) > maxW {
				n--
			}
			out = append(out, string(r[:n]))
			w = string(r[n:])
		}
		out = append(out, w)
	}
	return out
}

// fit shortens s with an ellipsis until it is no wider than maxW;
// nothing where not even its first letter and the ellipsis fit.
func (v *view) fit(s string, tf Typeface, size, maxW float64) string {
	return fitWith(s, maxW, func(s string) float64 { return v.textWidth(s, tf, size) })
}

// fitSize is the size, from size down to least, at which s is no wider
// than maxW, and s, cut short at least if it fits at none: a legend's
// one-word label shows more of itself a little smaller (labels keep to
// 12 px at the least) than cut at full size.
func (v *view) fitSize(s string, tf Typeface, size, least, maxW float64) (string, float64) {
	for sz := size; sz >= least; sz-- {
		if v.textWidth(s, tf, sz) <= maxW {
			return s, sz
		}
	}
	return v.fit(s, tf, least, maxW), least
}

// fitWords shortens s, a line of a text cut short, to whole words and
// "…" no wider than maxW: a word (an error's name) is never cut inside.
func (v *view) fitWords(s string, tf Typeface, size, maxW float64) string {
	for {
		if v.textWidth(s+" …", tf, size) <= maxW {
			return s + " …"
		}
		i := strings.LastIndexByte(s, ' ')
		if i <= 0 {
			return v.fit(s+" …", tf, size, maxW)
		}
		s = s[:i]
	}
}

// fitFirst is the first of texts no wider than maxW (a message, then
// its shorter forms), else the last cut short to fit.
func (v *view) fitFirst(tf Typeface, size, maxW float64, texts ...string) string {
	for _, s := range texts {
		if v.textWidth(s, tf, size) <= maxW {
			return s
		}
	}
	return v.fit(texts[len(texts)-1], tf, size, maxW)
}

// fitWith is fit measuring with width.
func fitWith(s string, maxW float64, width func(string) float64) string {
	if width(s) <= maxW {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && width(string(r)+"…") > maxW {
		r = r[:len(r)-1]
	}
	if width(string(r)+"…") > maxW {
		return ""
	}
	return string(r) + "…"
}

// fitFailure shortens s as fit does, but never its error's name: a text
// that reports one ("… failed: ENAME", in any language) loses the words
// before the word that leads to the name first, then that word too;
// nothing where the name alone does not fit.
func (v *view) fitFailure(s string, tf Typeface, size, maxW float64) string {
	loc := errnoName.FindAllStringIndex(s, -1)
	if loc == nil || v.textWidth(s, tf, size) <= maxW {
		return v.fit(s, tf, size, maxW)
	}
	name := loc[len(loc)-1][0]
	i := strings.LastIndexByte(strings.TrimRight(s[:name], " "), ' ') + 1 // the word before the name: "failed:"
	tail := s[i:]
	if room := maxW - v.textWidth(" "+tail, tf, size); room > 0 && i > 0 {
		if head := v.fit(strings.TrimSpace(s[:i]), tf, size, room); head != "" {
			return head + " " + tail
		}
	}
	for _, t := range []string{tail, s[name:]} {
		if v.textWidth(t, tf, size) <= maxW {
			return t
		}
	}
	return ""
}

// errnoName finds an error's name, as the OS calls it (EADDRINUSE,
// WSAENOBUFS): the names stay untranslated in every language.
var errnoName = regexp.MustCompile(`\b(WSA)?E(ADDR|ACCES|AGAIN|CONN|NOT|INVAL|NOBUFS)[A-Z]*\b`)
