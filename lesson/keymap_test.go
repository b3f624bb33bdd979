package lesson

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/lesson/phrase"
)

// Every binding has keys, and every message it names is in English.
func TestKeymapMessages(t *testing.T) {
	en := English()
	for _, k := range Keymap {
		require.NotEmpty(t, k.Keys, "%v", k.Action)
		for _, id := range []string{k.Label, k.Help} {
			if id != "" {
				assert.True(t, en.Has(id), "%v: %s is in en.json", k.Action, id)
			}
		}
		for _, key := range k.Keys {
			if glyph, _, ok := keyFace(key); ok && glyph == "" {
				assert.True(t, en.Has("key."+strings.ToLower(key)), "key %s has its name in en.json", key)
			}
		}
	}
}

// keyGlyphs are what a key is written as on screen and for a screen
// reader: a string literal that is one of these, or prose that names one
// after "press" or in brackets, is a key written outside the keymap.
var (
	keyGlyphs = []string{"←", "→", "↑", "↓", "−", "PgDn", "PgUp", "Esc", "Escape", "Space", "PageDown", "PageUp",
		"ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "Tab", "Enter", "F1"}
	keyProse = regexp.MustCompile(`(?i:\b(press|pressing|key|keys)\b)\s+(?:[A-Z?+]|Space|Esc|Escape|Enter|PgDn|PgUp|Page ?Down|Page ?Up|Tab|Home|End)\b|\([A-Z?]\)|\b[A-Z] (?:plays|switches|opens|shows|hides|steps)\b|(?:Space|Esc|Enter|PgDn|PageDown|Page Down) (?:plays|skips|goes|waits|hides|closes)`)
)

// No key is written outside the keymap: not in the Go source of lesson/
// and game/ (a literal that is a key's glyph or aria name, a single
// capital letter, prose that names a key), not in the English phrasebook
// (a message names a key with {a name} the program fills from the keymap)
// nor the lesson files ({key.NAME}).
func TestNoKeyOutsideTheKeymap(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	game, err := filepath.Glob("../game/*.go")
	require.NoError(t, err)
	// Letters that are not the app's keys: an errno name's first letter,
	// the system's paste (Ctrl+V, a scenario pasted into the page), the C
	// locale.
	notKeys := map[string]string{"choice.go": "E", "../game/load_js.go": "V", "language.go": "C"}
	fset := token.NewFileSet()
	scanned := 0
	for _, f := range append(files, game...) {
		if strings.HasSuffix(f, "_test.go") || f == "keymap.go" {
			continue
		}
		file, err := goparser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		scanned++
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			pos := fset.Position(lit.Pos())
			single := len(s) == 1 && s[0] >= 'A' && s[0] <= 'Z' && notKeys[f] != s
			assert.False(t, slices.Contains(keyGlyphs, s) || single, "%s: %q is a key: take it from the keymap (Session.Key, Control)", pos, s)
			assert.False(t, keyProse.MatchString(s), "%s: %q names a key: fill it in from the keymap", pos, s)
			return true
		})
	}
	assert.Greater(t, scanned, 40, "the sources were found")
	en := English()
	for _, id := range phrase.IDs(en) {
		if strings.HasPrefix(id, "key.") {
			continue
		}
		for _, text := range phrase.Texts(en, id) {
			assert.False(t, keyProse.MatchString(text), "en.json %s: %q names a key: use a {name} filled from the keymap", id, text)
		}
	}
	for _, l := range builtin(t).Lessons {
		texts := []Text{l.Overview, l.Learnt}
		for _, st := range l.Steps {
			texts = append(texts, st.Say)
			if q := st.Ask; q != nil {
				texts = append(texts, q.Text, q.Why)
			}
		}
		for _, text := range texts {
			assert.False(t, keyProse.MatchString(text.Src), "lesson %d: %q names a key: write {key.NAME}", l.Number, text.Src)
		}
	}
}
