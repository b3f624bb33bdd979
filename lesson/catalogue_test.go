package lesson

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
)

// fakeScenarios serves scenario texts by name, as assets would.
func fakeScenarios(name string) (string, error) {
	switch name {
	case "1-x":
		return "title \"One\"\nhost c 10.0.0.1\nhost s 10.0.0.2\nlisten s 80\nconnect c -> s:80\n", nil
	case "2-broken":
		return "host c 10.0.0.1 profile nope\n", nil
	}
	return "", errors.New("no built-in scenario " + name)
}

const okLesson = "short One\nscenario 1-x\noverview Hi.\nlearnt Bye.\n"

func TestCatalogueChecksItsFiles(t *testing.T) {
	tests := []struct {
		name  string
		files []assets.Builtin
		want  string
	}{
		{"no number", []assets.Builtin{{Name: "x", Source: okLesson}}, "lessons/x.txt: the file name must start with the lesson's number, 1 to 9"},
		{"number too big", []assets.Builtin{{Name: "10-x", Source: okLesson}}, "lessons/10-x.txt: the file name must start"},
		{"twice", []assets.Builtin{{Name: "1-a", Source: okLesson}, {Name: "1-b", Source: okLesson}}, "lessons/1-b.txt: lesson 1 is also lessons/1-a.txt"},
		{"a gap", []assets.Builtin{{Name: "1-a", Source: okLesson}, {Name: "3-c", Source: okLesson}}, "lessons/3-c.txt: lessons are numbered 1 to 2 without gaps; 2 is missing"},
		{"none", nil, "no lessons"},
		{"a parse error names the file", []assets.Builtin{{Name: "1-a", Source: okLesson + "colour red\n"}}, "lessons/1-a.txt: line 5, column 1: unknown statement"},
		{"unknown scenario", []assets.Builtin{{Name: "1-a", Source: "short A\nscenario 9-nope\noverview x\nlearnt y\n"}}, "lessons/1-a.txt: line 1, column 1: no built-in scenario 9-nope"},
		{"broken scenario", []assets.Builtin{{Name: "1-a", Source: "short A\nscenario 2-broken\noverview x\nlearnt y\n"}}, "lessons/1-a.txt: line 1, column 1: scenario 2-broken: line 1"},
		{"until names no host", []assets.Builtin{{Name: "1-a", Source: okLesson + "step s1\nsay x\nuntil done on web\nexpect connections\n"}}, `lessons/1-a.txt: line 7, column 7: until: no host "web" in scenario 1-x; its hosts are c, s`},
		{"expect names no host", []assets.Builtin{{Name: "1-a", Source: okLesson + "step s1\nsay x\nuntil done\nexpect failures on web\n"}}, `lessons/1-a.txt: line 8, column 8: expect: no host "web"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCatalogue(tc.files, fakeScenarios)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	c, err := NewCatalogue([]assets.Builtin{{Name: "1-a", Source: okLesson}}, fakeScenarios)
	require.NoError(t, err)
	assert.Equal(t, "One", c.Lessons[0].Title, "the title comes from the scenario when the lesson has none")
	assert.Equal(t, "1 to 1", c.Range())
}
