//go:build js

// Command fontfloor is the least a program that draws Portplay's text can
// be: Ebiten drawing a line in each of the app's three fonts (the Go fonts
// through opentype and text/v2's GoXFace, as game/font.go does) and
// nothing else. The size and start-up targets are ratios to it;
// e2e/floor, the empty program, is the floor without text.
package main

import (
	"image/color"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

type fonts struct {
	faces  []text.Face
	frames int
}

func (f *fonts) Update() error { return nil }

func (f *fonts) Draw(screen *ebiten.Image) {
	screen.Fill(color.RGBA{0x14, 0x16, 0x1c, 0xff})
	for i, fc := range f.faces {
		op := &text.DrawOptions{}
		op.GeoM.Translate(20, float64(20+40*i))
		text.Draw(screen, "Portplay: port 49152 → 10.0.0.10:80", fc, op)
	}
	f.frames++
	hook := js.Global().Get("portplay")
	if hook.IsUndefined() {
		hook = js.Global().Get("Object").New()
		js.Global().Set("portplay", hook)
	}
	if f.frames == 1 {
		hook.Set("firstFrameMs", js.Global().Get("performance").Call("now"))
	}
	hook.Set("frames", f.frames)
}

func (f *fonts) Layout(w, h int) (int, int) { return w, h }

func main() {
	f := &fonts{}
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF, gomono.TTF} {
		parsed, err := opentype.Parse(ttf)
		if err != nil {
			panic(err)
		}
		face, err := opentype.NewFace(parsed, &opentype.FaceOptions{Size: 24, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			panic(err)
		}
		f.faces = append(f.faces, text.NewGoXFace(face))
	}
	if err := ebiten.RunGame(f); err != nil {
		panic(err)
	}
}
