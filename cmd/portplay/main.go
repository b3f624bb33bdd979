// Command portplay is the Portplay app: the same main builds the native
// desktop window and the WebAssembly program that web/index.html loads.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
)

func main() {
	game.Mark("main")
	// No garbage collection until the first frame is drawn: starting
	// allocates about 5 MB, nearly all of it kept, and a collection on the
	// way would only make the learner wait longer for the picture.
	gc := debug.SetGCPercent(-1)
	cat, err := lesson.Builtin()
	if err != nil {
		fatal(err)
	}
	game.Mark("lessons")
	// Settings come from flags natively and from URL parameters in the
	// browser, under the same names (settings_*.go).
	s, problems, onFrame, base := settings(cat)
	// The language's phrasebook before the first frame: in the browser
	// the page fetches it (English's is in the wasm).
	if lang := lesson.StartLanguage(s, game.DefaultStore()); lang != "en" {
		if err := game.LoadPhrases(lang); err != nil {
			problems = append(problems, lesson.LanguageUnavailable(lang, err))
		}
	}
	game.Mark("phrases")
	g, err := game.New(cat, s, problems)
	if err != nil {
		fatal(err)
	}
	game.Mark("session")
	g.FirstFrame = func() { debug.SetGCPercent(gc) }
	g.OnFrame = onFrame
	g.LinkBase = base
	ebiten.SetWindowTitle("Portplay — how port numbers work")
	ebiten.SetWindowSize(game.DesignW, game.DesignH)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	// Every frame starts with the cached static layer over the whole
	// screen: clearing the screen first would be one more full-screen pass.
	ebiten.SetScreenClearedEveryFrame(false)
	// One Update per frame, playing the real time since the last: the
	// simulation's budget is then per frame, not per tick of a slow frame's
	// catch-up.
	ebiten.SetTPS(ebiten.SyncWithFPS)
	if err := ebiten.RunGame(runner{g.Update, g.Draw, g.Layout}); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	msg := fmt.Sprintf("Portplay could not start: %v", err)
	showFatal(msg)
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}

// runner hands RunGame the game's three methods as funcs. Passing *Game
// itself would put it in an interface, and the browser build (which links
// text/template through Ebiten, so the linker keeps every exported method
// of a type that reaches an interface) would keep the methods of every
// type Game holds: 15 KB of the brotli wasm.
type runner struct {
	update func() error
	draw   func(*ebiten.Image)
	layout func(int, int) (int, int)
}

func (r runner) Update() error              { return r.update() }
func (r runner) Draw(screen *ebiten.Image)  { r.draw(screen) }
func (r runner) Layout(w, h int) (int, int) { return r.layout(w, h) }
