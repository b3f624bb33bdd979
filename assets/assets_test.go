package assets

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Lessons and scenarios are numbered 1, 2, 3, … in order, one scenario a
// lesson: the catalogue and portsim list rely on it.
func TestFilesAreNumberedInOrder(t *testing.T) {
	lessons, scenarios := Lessons(), Scenarios()
	require.NotEmpty(t, lessons)
	require.Len(t, scenarios, len(lessons), "one built-in scenario per lesson")
	for i := range lessons {
		assert.Equal(t, i+1, Number(lessons[i].Name), "lesson order: %s", lessons[i].Name)
		assert.Equal(t, i+1, Number(scenarios[i].Name), "scenario order: %s", scenarios[i].Name)
		assert.NotEmpty(t, scenarios[i].Title, scenarios[i].Name)
		assert.NotEmpty(t, lessons[i].Source, lessons[i].Name)
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{{"5-running-out", 5}, {"12-more", 12}, {"7", 7}, {"sandbox", 0}, {"", 0}, {"-1", 0}, {"12345-x", 12345}, {"99999999999999999999-x", 0}} {
		assert.Equal(t, tc.want, Number(tc.in), tc.in)
	}
}

func TestScenarioLookup(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{in: "2", want: "2-two-servers"},
		{in: "5-running-out", want: "5-running-out"},
		{in: "7", want: "7-four-tuple"},
		{in: "99", err: `no built-in scenario "99"`},
		{in: "two-servers", err: "want one of 1-well-known-ports"},
		{in: "", err: `no built-in scenario ""`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			b, err := Scenario(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, b.Name)
		})
	}
}

// The browser's build embeds its files one by one (files_js.go): every
// scenario and English's catalogue, each listed in jsFiles by its path.
func TestBrowserEmbedsEveryScenario(t *testing.T) {
	src, err := os.ReadFile("files_js.go")
	require.NoError(t, err)
	want := []string{"i18n/en.json", "i18n/languages.txt"}
	for _, f := range dirFiles("scenarios") {
		want = append(want, "scenarios/"+f.name)
	}
	var embedded, listed []string
	for _, m := range regexp.MustCompile(`(?m)^//go:embed (\S+)$`).FindAllStringSubmatch(string(src), -1) {
		embedded = append(embedded, m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^\t\{"([^"]+)", \w+\},$`).FindAllStringSubmatch(string(src), -1) {
		listed = append(listed, m[1])
	}
	assert.ElementsMatch(t, want, embedded, "files_js.go's //go:embed lines: a scenario added to scenarios/ needs one")
	assert.ElementsMatch(t, want, listed, "files_js.go's jsFiles")
}
