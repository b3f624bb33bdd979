//go:build js

// Command floor is an empty Ebiten program, built and loaded exactly like
// Portplay, so that Portplay's size and start-up time can be reported as a
// ratio to the least any Ebiten program costs on the same machine.
package main

import (
	"image/color"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

type empty struct{ frames int }

func (e *empty) Update() error { return nil }

func (e *empty) Draw(screen *ebiten.Image) {
	screen.Fill(color.RGBA{0x14, 0x16, 0x1c, 0xff})
	e.frames++
	hook := js.Global().Get("portplay")
	if hook.IsUndefined() {
		hook = js.Global().Get("Object").New()
		js.Global().Set("portplay", hook)
	}
	if e.frames == 1 {
		hook.Set("firstFrameMs", js.Global().Get("performance").Call("now"))
	}
	hook.Set("frames", e.frames)
}

func (e *empty) Layout(w, h int) (int, int) { return w, h }

func main() {
	if err := ebiten.RunGame(&empty{}); err != nil {
		panic(err)
	}
}
