package game

import (
	"fmt"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/portplay/portplay/lesson"
)

// keymap is lesson.Keymap as Ebiten's keys: for each scope, what each key
// does there.
var keymap = func() map[lesson.Scope]map[ebiten.Key]lesson.Action {
	m := map[lesson.Scope]map[ebiten.Key]lesson.Action{}
	for _, b := range lesson.Keymap {
		if m[b.Scope] == nil {
			m[b.Scope] = map[ebiten.Key]lesson.Action{}
		}
		for _, name := range b.Keys {
			var k ebiten.Key
			if err := k.UnmarshalText([]byte(name)); err != nil {
				panic(fmt.Sprintf("lesson.Keymap: %v", err)) // a test reads every name
			}
			m[b.Scope][k] = b.Action
		}
	}
	return m
}()

// keyAction is what key k does now: in the innermost scope that has the
// keyboard and binds k (the class panel, the timeline once clicked, the
// open event list), else anywhere.
func (g *Game) keyAction(k ebiten.Key) (lesson.Action, bool) {
	for _, s := range []struct {
		scope lesson.Scope
		on    bool
	}{{lesson.InClassPanel, g.class.shown}, {lesson.InYourPC, g.vm.YourPC.Shown}, {lesson.InTimeline, g.tl.focused}, {lesson.InEventList, g.vm.EventList.Open}, {lesson.Anywhere, true}} {
		if a, ok := keymap[s.scope][k]; ok && s.on {
			return a, true
		}
	}
	return lesson.ActNone, false
}

// keys carries out the keys pressed since the last frame. A key held
// with Ctrl or Meta is the browser's or the system's (Ctrl+V pastes a
// scenario, Ctrl+R reloads), not the app's.
func (g *Game) keys() {
	if ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyMeta) {
		return
	}
	g.pressed = inpututil.AppendJustPressedKeys(g.pressed[:0])
	for _, k := range g.pressed {
		g.press(k)
	}
}

// press carries out key k.
func (g *Game) press(k ebiten.Key) {
	if k == ebiten.KeyEscape && g.tl.focused {
		g.tl.focused = false // Esc gives the keyboard back first
		return
	}
	if a, ok := g.keyAction(k); ok {
		g.do(a)
	}
}

// button is an on-screen control where it is drawn.
type button struct {
	r     rect
	text  string // what the button shows: its label and key, or less where room is short
	label string
	key   string // the key that does the same
	act   lesson.Action
	on    bool // drawn highlighted (the current lesson, playing, help shown)
	off   bool // drawn muted: it would do nothing now
	big   bool // presenter mode's answers: larger text
}

// caption is what the button shows: its text, or else its label and key.
func (b button) caption() string {
	switch {
	case b.text != "":
		return b.text
	case b.key != "":
		return b.label + "  " + b.key
	}
	return b.label
}

// textSize is the size of the button's text.
func (b button) textSize() float64 {
	if b.big {
		return sizeButtonBig
	}
	return sizeButton
}

// hit finds the button at (x, y), in layout units.
func hit(bs []button, x, y float64) lesson.Action {
	for _, b := range bs {
		if b.r.has(x, y) {
			return b.act
		}
	}
	return lesson.ActNone
}
