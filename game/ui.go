package game

import (
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/lesson"
)

// rect is an area of the design canvas.
type rect struct{ x, y, w, h float64 }

func (r rect) has(x, y float64) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// The screen's regions on the 1280×720 design canvas.
var (
	areaNet       = rect{16, 58, 820, 434}
	areaMap       = rect{852, 74, 288, 288} // 256×256 ports, scaled 1.125
	areaLegend    = rect{1148, 74, 120, 288}
	areaInspect   = rect{852, 366, 412, 24}
	areaChart     = rect{852, 396, 412, 120}
	areaNarration = rect{16, 524, DesignW - 32, 124}
	areaControls  = rect{16, 656, DesignW - 32, 52}
)

// keyActions map keys to actions. Keys are physical (US layout names):
// + is the = key with or without Shift, ? the / key. The digits open
// lessons; the session ignores a digit with no lesson.
var keyActions = append([]struct {
	keys []ebiten.Key
	act  lesson.Action
}{
	{[]ebiten.Key{ebiten.KeySpace}, lesson.ActPlay},
	{[]ebiten.Key{ebiten.KeyArrowRight}, lesson.ActStepForward},
	{[]ebiten.Key{ebiten.KeyArrowLeft}, lesson.ActStepBack},
	{[]ebiten.Key{ebiten.KeyEqual, ebiten.KeyNumpadAdd}, lesson.ActFaster},
	{[]ebiten.Key{ebiten.KeyMinus, ebiten.KeyNumpadSubtract}, lesson.ActSlower},
	{[]ebiten.Key{ebiten.KeyR}, lesson.ActRestart},
	{[]ebiten.Key{ebiten.KeyF}, lesson.ActFullscreen},
	{[]ebiten.Key{ebiten.KeySlash, ebiten.KeyF1}, lesson.ActHelp},
	{[]ebiten.Key{ebiten.KeyEscape}, lesson.ActEscape},
	{[]ebiten.Key{ebiten.KeyP}, lesson.ActProfile},
	{[]ebiten.Key{ebiten.KeyH}, lesson.ActFocus},
	{[]ebiten.Key{ebiten.KeyTab}, lesson.ActKnobNext},
	{[]ebiten.Key{ebiten.KeyArrowUp}, lesson.ActKnobUp},
	{[]ebiten.Key{ebiten.KeyArrowDown}, lesson.ActKnobDown},
	{[]ebiten.Key{ebiten.KeyPageDown, ebiten.KeyEnter, ebiten.KeyNumpadEnter}, lesson.ActNextStep},
	{[]ebiten.Key{ebiten.KeyPageUp}, lesson.ActPrevStep},
	{[]ebiten.Key{ebiten.KeyM}, lesson.ActPresenter},
	{[]ebiten.Key{ebiten.KeyK}, lesson.ActCopyLink},
	{[]ebiten.Key{ebiten.KeyE}, lesson.ActEvents},
	// Home and End: the timeline's ends (timeline.key); listed so that
	// the loop sees them.
	{[]ebiten.Key{ebiten.KeyHome}, lesson.ActTimeStart},
	{[]ebiten.Key{ebiten.KeyEnd}, lesson.ActTimeEnd},
	{[]ebiten.Key{ebiten.KeyA}, lesson.ActAnswer},
	{[]ebiten.Key{ebiten.KeyB}, lesson.ActAnswer + 1},
	{[]ebiten.Key{ebiten.KeyC}, lesson.ActAnswer + 2},
}, digitKeys()...)

func digitKeys() (out []struct {
	keys []ebiten.Key
	act  lesson.Action
}) {
	for n := 1; n <= 9; n++ {
		out = append(out, struct {
			keys []ebiten.Key
			act  lesson.Action
		}{[]ebiten.Key{ebiten.KeyDigit0 + ebiten.Key(n), ebiten.KeyNumpad0 + ebiten.Key(n)}, lesson.ActOpen + lesson.Action(n)})
	}
	return out
}

// button is an on-screen control where it is drawn.
type button struct {
	r     rect
	label string
	key   string // the key that does the same, shown on the button
	act   lesson.Action
	on    bool // drawn highlighted (the current lesson, playing, help shown)
	off   bool // drawn muted: it would do nothing now
}

// buttons lays out the view's controls: the lesson menu in the title bar,
// the control bar, and the lesson panel's step and answer buttons.
func buttons(vm *lesson.View) []button {
	var bs []button
	n := float64(len(vm.Lessons))
	w := min(100, (DesignW-480)/n-6)
	x := DesignW - 8 - n*(w+6)
	for _, l := range vm.Lessons {
		bs = append(bs, button{r: rect{x, 8, w, 38}, label: l.Short, key: l.Key, act: lesson.ActOpen + lesson.Action(l.Number), on: l.Current})
		x += w + 6
	}
	x = areaControls.x
	for _, c := range vm.Controls {
		w := 24 + 8*float64(len([]rune(c.Label))+len([]rune(c.Key)))
		bs = append(bs, button{r: rect{x, areaControls.y + 6, w, 40}, label: c.Label, key: c.Key, act: c.Action, on: c.Pressed, off: c.Disabled})
		x += w + 6
	}
	if vm.Lesson == 0 {
		return bs
	}
	a := areaNarration
	if q := vm.Narration.Question; q != nil {
		for i, c := range q.Choices {
			bs = append(bs, button{r: rect{a.x + 16 + float64(i)*170, a.y + 58, 160, 30}, label: c.Label, key: c.Key, act: c.Action, on: c.Pressed, off: c.Disabled})
		}
	}
	for i, c := range vm.StepControls {
		b := button{label: c.Label, key: c.Key, act: c.Action, off: c.Disabled}
		switch {
		case len(vm.Knobs) > 0:
			b.r = rect{a.x + 470 + float64(1-i)*110, a.y + a.h - 30, 104, 26}
		default:
			b.r = rect{a.x + a.w - 170, a.y + 8 + float64(i)*36, 160, 30}
		}
		bs = append(bs, b)
	}
	return bs
}

// narrationWidth is how wide the lesson's text may run: left of the step
// buttons, or of the sandbox's knobs.
func narrationWidth(vm *lesson.View) float64 {
	if len(vm.Knobs) > 0 {
		return 670
	}
	return areaNarration.w - 210
}

// hit finds the button at (x, y), in design units.
func hit(bs []button, x, y float64) lesson.Action {
	for _, b := range bs {
		if b.r.has(x, y) {
			return b.act
		}
	}
	return lesson.ActNone
}

// knobRect is where knob i is drawn, in the narration panel's right part.
func knobRect(i int) rect {
	col, row := i%2, i/2
	return rect{areaNarration.x + 700 + float64(col)*276, areaNarration.y + 8 + float64(row)*29, 268, 26}
}
