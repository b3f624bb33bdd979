//go:build display

package game

import (
	"os"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// With -tags display (and an X server: `make bench` uses Xvfb), the tests
// run inside a real Ebiten game, so that drawing can be measured.
func TestMain(m *testing.M) {
	code := 0
	err := ebiten.RunGame(&runTests{run: func() { code = m.Run() }})
	if err != nil {
		panic(err)
	}
	os.Exit(code)
}

type runTests struct{ run func() }

func (r *runTests) Update() error {
	r.run()
	return ebiten.Termination
}
func (r *runTests) Draw(*ebiten.Image)         {}
func (r *runTests) Layout(w, h int) (int, int) { return w, h }

// BenchmarkDrawSandbox is a whole frame of the busiest scene at 1280×720:
// a tick of the simulation, Draw, and the GPU's work, waited for by
// reading a pixel back (Mesa's software GL under Xvfb).
func BenchmarkDrawSandbox(b *testing.B) {
	g := sandboxAtTopSpeed(b)
	screen := ebiten.NewImage(DesignW, DesignH)
	for b.Loop() {
		g.sess.Tick(time.Second / 60)
		g.Draw(screen)
		screen.At(0, 0)
	}
}

// BenchmarkDrawFloor is the same for a frame that only clears the screen:
// the baseline the sandbox's figure is a ratio to.
func BenchmarkDrawFloor(b *testing.B) {
	screen := ebiten.NewImage(DesignW, DesignH)
	for b.Loop() {
		screen.Fill(colBackground)
		screen.At(0, 0)
	}
}

// BenchmarkPortMapUpdate is repainting the whole port map from the view,
// inside a frame as the game does it: outside one, Ebiten copies every
// write to replay it later.
func BenchmarkPortMapUpdate(b *testing.B) {
	g := sandboxAtTopSpeed(b)
	g.sess.Tick(20 * time.Second)
	pv := g.sess.View().PortMap
	for b.Loop() {
		g.pm.host = "" // another host: every port is repainted
		g.pm.update(pv)
	}
}
