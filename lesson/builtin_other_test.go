//go:build !js

package lesson

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
)

// The built-in catalogue: every lesson file, numbered in order, each with
// a lesson's worth of steps.
func TestBuiltinCatalogue(t *testing.T) {
	cat := builtin(t)
	require.Len(t, cat.Lessons, len(assets.Lessons()))
	for i, l := range cat.Lessons {
		assert.Equal(t, i+1, l.Number)
		assert.NotEmpty(t, l.Title)
		assert.NotEmpty(t, l.Steps, "lesson %d has steps", l.Number)
	}
	_, ok := cat.Lesson(0)
	assert.False(t, ok)
	_, ok = cat.Lesson(len(cat.Lessons) + 1)
	assert.False(t, ok)
}

// The browser's lessons are the lesson files as they are now: the
// committed lessons_gen.go is what the generator writes from them, and
// its literal holds every field of every parsed lesson.
func TestGeneratedLessonsAreCurrent(t *testing.T) {
	want, err := GenerateBuiltin()
	require.NoError(t, err)
	got, err := os.ReadFile("lessons_gen.go")
	require.NoError(t, err)
	if !bytes.Equal(got, want) {
		g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < min(len(g), len(w)) && g[line] == w[line] {
			line++
		}
		t.Fatalf("lesson/lessons_gen.go is stale: the lesson files (or the generator) changed since it was written; "+
			"run `go generate ./lesson` (or `make lessons`) and commit it. First difference at line %d.", line+1)
	}
	assert.Equal(t, builtin(t).Lessons, builtinLessons)
}

// The generator writes only what the compiler can lay out as data, and
// names only lesson's own types; anything else is an error, not a file
// that does not compile or runs code at start.
func TestGoLiteral(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string // "" for an error
	}{
		{"a struct of numbers on one line", Pos{Line: 3, Col: 7}, "Pos{Line: 3, Col: 7}"},
		{"zero fields left out", Expect{What: ExpectTimeWait, N: 2}, "Expect{What: 2, N: 2}"},
		{"a pointer", &Replay{Title: "a \"b\"\n"}, `&Replay{Title: "a \"b\"\n"}`},
		{"unexported fields", Text{Src: "x", answer: true}, `Text{Src: "x", answer: true}`},
		{"elements untyped", []*Cond{nil, {Nth: 2}}, "[]*Cond{\nnil,\n{Nth: 2},\n}"},
		{"an empty slice is not nil", Choices{Fixed: []Text{}}, "Choices{\nFixed: []Text{\n},\n}"},
		{"a float", Lesson{Flight: 0.15}, "Lesson{Flight: 0.15}"},
		{"a map needs code at start", map[string]int{"a": 1}, ""},
		{"a func", func() {}, ""},
		{"another package's struct", assets.Builtin{Name: "x"}, ""},
		{"a pointer to a string", new(string), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := goLiteral(&b, reflect.ValueOf(tc.v), true)
			if tc.want == "" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, b.String())
		})
	}
}
