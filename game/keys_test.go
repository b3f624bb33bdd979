package game

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson"
)

// keyFace is how a key is drawn on a button and named in
// aria-keyshortcuts (a KeyboardEvent key value), written here apart from
// the keymap so that a slip in either shows.
func keyFace(k ebiten.Key) (glyph, aria string) {
	switch k {
	case ebiten.KeyArrowRight:
		return "→", "ArrowRight"
	case ebiten.KeyArrowLeft:
		return "←", "ArrowLeft"
	case ebiten.KeyArrowUp:
		return "↑", "ArrowUp"
	case ebiten.KeyArrowDown:
		return "↓", "ArrowDown"
	case ebiten.KeyEqual:
		return "+", "+"
	case ebiten.KeyMinus:
		return "−", "-"
	case ebiten.KeySlash:
		return "?", "?"
	case ebiten.KeyPageDown:
		return "PgDn", "PageDown"
	case ebiten.KeyPageUp:
		return "PgUp", "PageUp"
	case ebiten.KeyEscape:
		return "Esc", "Escape"
	case ebiten.KeySpace, ebiten.KeyEnter, ebiten.KeyTab, ebiten.KeyHome, ebiten.KeyEnd, ebiten.KeyF1:
		return k.String(), k.String()
	}
	if k >= ebiten.KeyDigit0 && k <= ebiten.KeyDigit9 {
		d := fmt.Sprint(int(k - ebiten.KeyDigit0))
		return d, d
	}
	if k >= ebiten.KeyA && k <= ebiten.KeyZ {
		return k.String(), k.String()
	}
	return "", "" // the numeric keypad's: shown and named by their twins
}

// keysFor are the keys that do a in scope (or anywhere, where scope does
// not bind them), as the app watches for them.
func keysFor(scope lesson.Scope, a lesson.Action) []ebiten.Key {
	var out []ebiten.Key
	for _, s := range []lesson.Scope{scope, lesson.Anywhere} {
		for k, b := range keymap[s] {
			if b == a {
				out = append(out, k)
			}
		}
	}
	return out
}

// checkKey checks that a control's drawn glyph and aria-keyshortcuts
// name keys that do its action.
func checkKey(t *testing.T, where string, scope lesson.Scope, a lesson.Action, glyph, shortcut string) {
	t.Helper()
	keys := keysFor(scope, a)
	if glyph == "" {
		assert.Empty(t, shortcut, "%s: no key shown, none named", where)
		return
	}
	var glyphs, arias []string
	for _, k := range keys {
		g, ar := keyFace(k)
		glyphs, arias = append(glyphs, g), append(arias, ar)
	}
	assert.Contains(t, glyphs, glyph, "%s: %q drawn, keys %v do %v", where, glyph, keys, a)
	require.NotEmpty(t, shortcut, "%s: a key shown is named for a screen reader", where)
	for _, s := range strings.Fields(shortcut) {
		assert.Contains(t, arias, s, "%s: aria-keyshortcuts %q, keys %v do %v", where, shortcut, keys, a)
	}
}

// Every key glyph drawn on a button, and every aria-keyshortcuts the text
// mirror writes, names a key the app does that button's action for.
func TestEveryKeyShownIsBound(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	seen := map[lesson.Action]bool{}
	for _, l := range catalogue(t).Lessons {
		for i, vm := range moments(t, l.Number, "en") {
			where := fmt.Sprintf("lesson %d, moment %d", l.Number, i)
			for _, vp := range viewports {
				for _, b := range layoutFor(fc, vp.s, &vm, false).Buttons {
					checkKey(t, where+", "+vp.name+", button "+b.label, lesson.Anywhere, b.act, b.key, keyFace1(b.act))
					if b.key != "" && strings.Contains(b.text, "  ") {
						assert.True(t, strings.HasSuffix(b.text, "  "+b.key), "%s: %q shows its key", where, b.text)
					}
				}
			}
			cs := slices.Concat(vm.Controls, vm.StepControls)
			if q := vm.Narration.Question; q != nil {
				cs = append(cs, q.Choices...)
			}
			for _, c := range cs {
				checkKey(t, where+", control "+c.Label, lesson.Anywhere, c.Action, c.Key, c.Shortcut)
				seen[c.Action] = true
			}
			for _, b := range vm.Lessons {
				checkKey(t, where+", lesson "+b.Short, lesson.Anywhere, lesson.ActOpen(b.Number), b.Key, b.Shortcut)
			}
		}
	}
	assert.True(t, seen[lesson.ActAnswer(2)] && seen[lesson.ActEscape] && seen[lesson.ActClass], "the moments reach the answers, Skip and Class session")
	g := newGame(t, 3, nil)
	for _, c := range g.classControls() {
		checkKey(t, "class panel, "+c.Label, lesson.InClassPanel, c.Action, c.Key, c.Shortcut)
	}
	for _, a := range []lesson.Action{lesson.ActInspect, lesson.ActTextView, lesson.ActNotes, lesson.ActLanguage} {
		c := g.sess.Control(a)
		checkKey(t, "the page's "+c.Label, lesson.Anywhere, a, c.Key, c.Shortcut)
	}
	// The help's keys are keys bound to something.
	var glyphs []string
	for _, ks := range keymap {
		for k := range ks {
			gl, _ := keyFace(k)
			glyphs = append(glyphs, gl)
		}
	}
	for _, l := range g.sess.View().HelpLines[:len(g.sess.View().HelpLines)-1] {
		for _, k := range strings.Fields(l[0]) {
			if k != "…" {
				assert.Contains(t, glyphs, k, "help: %q", l)
			}
		}
	}
}

// keyFace1 is the aria-keyshortcuts of a's binding, which a drawn button
// has through its control.
func keyFace1(a lesson.Action) string {
	if b, ok := lesson.BindingOf(a); ok {
		return b.Shortcut()
	}
	return ""
}
