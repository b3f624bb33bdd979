package scenario

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The "write your own" tutorial's examples parse, and its error is the
// parser's.
func TestTutorialExamplesParse(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scenarios.md")
	require.NoError(t, err)
	_, tutorial, ok := strings.Cut(string(doc), "## Write your own")
	require.True(t, ok)
	tutorial, _, _ = strings.Cut(tutorial, "\n## ")
	blocks := regexp.MustCompile("(?s)```\n(.*?)```").FindAllStringSubmatch(tutorial, -1)
	require.Len(t, blocks, 3, "two examples and an error")
	for _, b := range blocks[:2] {
		sc, err := Parse(b[1])
		require.NoError(t, err, b[1])
		assert.NotEmpty(t, sc.Title)
		assert.NotEmpty(t, sc.Connects)
	}
	_, err = Parse("host a 10.0.0.1\nlisten a 70000\n")
	require.Error(t, err)
	assert.Contains(t, blocks[2][1], "mine.txt: "+err.Error())
}
