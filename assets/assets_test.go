package assets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScenariosOneFileALessonInOrder(t *testing.T) {
	all := Scenarios()
	require.Len(t, all, 6, "one built-in scenario per lesson in DESIGN.md")
	for i, b := range all {
		assert.Equal(t, byte('1'+i), b.Name[0], "lesson order")
		assert.NotEmpty(t, b.Title, b.Name)
	}
}

func TestScenarioLookup(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{in: "2", want: "2-two-servers"},
		{in: "5-running-out", want: "5-running-out"},
		{in: "7", err: `no built-in scenario "7"`},
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
