package mutscope

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const src = `package p

var table = map[string]int{
	"a": 1,
}

type T struct{}

func (T) judge(n int) bool {
	return n > 0
}

func other() {}
`

func TestResolve(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "p"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "p", "a.go"), []byte(src), 0o644))

	s, err := Resolve(root, "p/a.go:judge,table")
	require.NoError(t, err)
	assert.Equal(t, Scope{{"p/a.go", 9, 11}, {"p/a.go", 3, 5}}, s)
	for line, in := range map[int]bool{2: false, 3: true, 5: true, 7: false, 9: true, 10: true, 11: true, 13: false} {
		assert.Equal(t, in, s.Holds("p/a.go", line), "line %d", line)
	}
	assert.False(t, s.Holds("p/b.go", 10), "another file")

	s, err = Resolve(root, "")
	require.NoError(t, err)
	assert.Nil(t, s)
	assert.True(t, s.Holds("p/b.go", 1), "no scope holds everything")

	for spec, msg := range map[string]string{
		"p/a.go:T":      `scope "p/a.go:T": p/a.go declares no function or variable T`,
		"p/a.go":        `scope "p/a.go": want FILE:NAME,NAME`,
		"p/a.go:":       `scope "p/a.go:": want FILE:NAME,NAME`,
		"p/nosuch.go:f": `scope "p/nosuch.go:f": open`,
	} {
		_, err := Resolve(root, spec)
		assert.ErrorContains(t, err, msg, spec)
	}
}
