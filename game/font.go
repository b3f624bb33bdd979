package game

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// Typeface is one of the Go fonts shipped inside golang.org/x/image, so the
// app needs no web font and works offline.
type Typeface int

const (
	Regular Typeface = iota
	Bold
	Mono // ports and addresses: digits line up in columns
)

// faces caches one text.Face per typeface and pixel size. Text is drawn at
// the window's real resolution (not scaled up afterwards), so it stays
// sharp on a projector and on HiDPI screens.
type faces struct {
	fonts [3]*opentype.Font
	cache map[faceKey]text.Face
}

type faceKey struct {
	tf   Typeface
	size int
}

func newFaces() (*faces, error) {
	f := &faces{cache: map[faceKey]text.Face{}}
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF, gomono.TTF} {
		parsed, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parsing built-in font %d: %w", i, err)
		}
		f.fonts[i] = parsed
	}
	return f, nil
}

// face returns the face for tf at size pixels. GoXFace, not GoTextFace:
// Latin text needs no shaping engine, and it keeps the wasm ~5 MB smaller
// (EBITEN-NOTES.md).
func (f *faces) face(tf Typeface, size float64) text.Face {
	px := max(int(size+0.5), 6)
	k := faceKey{tf, px}
	if fc, ok := f.cache[k]; ok {
		return fc
	}
	of, err := opentype.NewFace(f.fonts[tf], &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		// The fonts were parsed in newFaces; NewFace fails only for a
		// non-positive size, which px excludes.
		panic(fmt.Sprintf("font face %d at %dpx: %v", tf, px, err))
	}
	fc := text.NewGoXFace(of)
	f.cache[k] = fc
	return fc
}
