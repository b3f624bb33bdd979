package assets

import (
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
