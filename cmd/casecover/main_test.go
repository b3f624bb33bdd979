package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const src = `package p

func f(n int) string {
	switch {
	case n > 10:
		return "big"
	case n > 0:
		return "small"
	default:
		return "none"
	}
}

func g(n int) bool {
	switch {
	case n < 0:
		return true
	}
	return false
}

const limit = 2 * 5
`

// The case conditions of a switch the tests reached get the count of the
// block holding the switch; those of a switch never reached get none; a
// file's package-level declarations are in effect once any of it ran.
func TestCaseConditionsGetTheirSwitchsCount(t *testing.T) {
	prof := "mode: set\n" +
		"m/p/p.go:3.24,4.9 1 1\n" + // f's switch, run
		"m/p/p.go:5.14,6.15 1 1\n" +
		"m/p/p.go:7.13,8.17 1 0\n" +
		"m/p/p.go:9.10,10.16 1 0\n" +
		"m/p/p.go:14.22,15.9 1 0\n" + // g, never run
		"m/p/p.go:16.13,17.14 1 0\n" +
		"m/p/p.go:19.2,19.14 1 0\n"
	got, err := extend([]byte(prof), func(file string) ([]byte, error) {
		require.Equal(t, "m/p/p.go", file)
		return []byte(src), nil
	})
	require.NoError(t, err)
	assert.Equal(t, prof+"m/p/p.go:22.1,22.20 1 1\nm/p/p.go:5.2,5.13 1 1\nm/p/p.go:7.2,7.12 1 1\n", string(got))
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "p"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p", "p.go"), []byte(src), 0o644))
	name := filepath.Join(dir, "cover.out")
	require.NoError(t, os.WriteFile(name, []byte("mode: set\nm/p/p.go:14.22,15.9 1 2\n"), 0o644))
	require.Equal(t, 0, run([]string{"-module", "m", "-root", dir, name}, io.Discard))
	got, err := os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, "mode: set\nm/p/p.go:14.22,15.9 1 2\nm/p/p.go:22.1,22.20 1 1\nm/p/p.go:16.2,16.12 1 2\n", string(got))

	// -scope g: f's blocks go, so gremlins tests only g's mutants; g's
	// case condition is added first and kept.
	prof := "mode: set\nm/p/p.go:3.24,4.9 1 1\nm/p/p.go:5.14,6.15 1 1\nm/p/p.go:14.22,15.9 1 2\n"
	require.NoError(t, os.WriteFile(name, []byte(prof), 0o644))
	require.Equal(t, 0, run([]string{"-module", "m", "-root", dir, "-scope", "p/p.go:g", name}, io.Discard))
	got, err = os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, "mode: set\nm/p/p.go:14.22,15.9 1 2\nm/p/p.go:16.2,16.12 1 2\n", string(got))
	assert.Equal(t, 1, run([]string{"-module", "m", "-root", dir, "-scope", "p/p.go:h", name}, io.Discard), "no function h")

	require.NoError(t, os.WriteFile(name, []byte("mode: set\nother/p.go:1.1,1.2 1 1\n"), 0o644))
	assert.Equal(t, 1, run([]string{"-module", "m", "-root", dir, name}, io.Discard), "a file outside the module")
	require.NoError(t, os.WriteFile(name, []byte("mode: set\nm/p/p.go 1 1\n"), 0o644))
	assert.Equal(t, 1, run([]string{"-module", "m", "-root", dir, name}, io.Discard), "not a profile")
	assert.Equal(t, 2, run([]string{name}, io.Discard), "no module")
}
