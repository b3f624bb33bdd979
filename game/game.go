// Package game is the Ebiten program: it draws what the engine computed and
// turns keys and clicks into requests to it. It never chooses a port or
// decides whether a connect succeeds; those come from package engine.
package game

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// Game wires the scene, input and drawing together; it holds no rules.
type Game struct {
	faces    *faces
	scene    *ports80
	problems []string // bad settings, shown on screen until dismissed
	fatal    string   // set when the scene could not be built
	frames   int

	// OnFrame, if set, is called after each frame is drawn with the number
	// of frames drawn so far; returning true ends the program. The native
	// screenshot test uses it to capture the real window.
	OnFrame func(frame int, screen *ebiten.Image) bool
	stop    bool
}

// New builds the game from settings; problems are messages about settings
// that were rejected (see ParseSettings), shown in a banner. An engine error
// is shown on screen too: a bad setting never leaves a blank canvas.
func New(s Settings, problems []string) (*Game, error) {
	fc, err := newFaces()
	if err != nil {
		return nil, err
	}
	g := &Game{faces: fc, problems: problems}
	sc, err := newPorts80(s)
	if err != nil {
		g.fatal = fmt.Sprintf("The scene could not be built: %v", err)
	} else {
		g.scene = sc
	}
	publish(g)
	return g, nil
}

// Update advances the animation by one tick and handles keys.
func (g *Game) Update() error {
	if g.stop {
		return ebiten.Termination
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF) {
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		g.problems = nil
	}
	if g.scene != nil {
		g.scene.update(1 / float64(ebiten.TPS()))
	}
	return nil
}

// Draw renders the current frame.
func (g *Game) Draw(screen *ebiten.Image) {
	screen.Fill(colBackground)
	v := newView(screen, g.faces)
	if g.scene != nil {
		v.text(g.scene.title(), Bold, 36, DesignW/2, 22, alignCenter, colText)
		g.scene.draw(v)
		drawNarration(v, g.scene.narration())
	}
	if g.fatal != "" {
		drawMessage(v, []string{g.fatal}, DesignH/2-40)
	}
	if len(g.problems) > 0 {
		drawMessage(v, append(g.problems, "(Esc hides this message)"), 80)
	}
	g.frames++
	publish(g)
	if g.OnFrame != nil && g.OnFrame(g.frames, screen) {
		g.stop = true
	}
}

// Layout asks for the full device resolution so that text stays sharp on
// HiDPI screens; the view scales the design canvas to fit.
func (g *Game) Layout(w, h int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	return int(float64(w) * s), int(float64(h) * s)
}

func drawNarration(v *view, s string) {
	const x, y, w, h = 40.0, 560.0, DesignW - 80.0, 140.0
	v.fillRect(x, y, w, h, colPanel)
	for i, line := range v.wrap(s, Regular, 22, w-40) {
		v.text(line, Regular, 22, x+20, y+16+float64(i)*30, alignStart, colText)
	}
}

// drawMessage shows lines in a band that stands out from the scene.
func drawMessage(v *view, msgs []string, y float64) {
	var lines []string
	for _, m := range msgs {
		lines = append(lines, v.wrap(m, Bold, 20, DesignW-160)...)
	}
	h := 24 + float64(len(lines))*28
	v.fillRect(60, y, DesignW-120, h, colError)
	for i, l := range lines {
		v.text(l, Bold, 20, 80, y+12+float64(i)*28, alignStart, colBackground)
	}
}

// Status is the state a test (or the browser's JS hook) can read back.
type Status struct {
	Frames      int      // frames drawn so far
	Scene       string   // the scene's name
	Connections []string // each connection's 4-tuple, as the engine made it
	Problems    []string // rejected settings and errors shown on screen
}

// Status reports what the game currently shows.
func (g *Game) Status() Status {
	st := Status{Frames: g.frames, Problems: append([]string(nil), g.problems...)}
	if g.fatal != "" {
		st.Problems = append(st.Problems, g.fatal)
	}
	if g.scene != nil {
		st.Scene = g.scene.name()
		for _, t := range g.scene.connections() {
			st.Connections = append(st.Connections, t.String())
		}
	}
	return st
}
