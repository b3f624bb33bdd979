package game

import (
	"github.com/hajimehoshi/ebiten/v2"

	"github.com/portplay/portplay/lesson"
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
	{[]ebiten.Key{ebiten.KeyI}, lesson.ActInspect},
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
