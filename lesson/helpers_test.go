package lesson

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func builtin(t testing.TB) *Catalogue {
	t.Helper()
	cat, err := Builtin()
	require.NoError(t, err)
	return cat
}

// runOf builds lesson n with settings s.
func runOf(t testing.TB, n int, s Settings) *Run {
	t.Helper()
	l, ok := builtin(t).Lesson(n)
	require.True(t, ok, "lesson %d", n)
	r, err := NewRun(l, s)
	require.NoError(t, err)
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// newSession opens lesson n, paused, seed 7, with progress of its own.
func newSession(t testing.TB, n int) *Session {
	t.Helper()
	s := DefaultSettings()
	s.Lesson, s.LessonGiven, s.Paused, s.Seed = n, true, true, 7
	ss := NewSession(builtin(t), s, nil, &MemStore{})
	require.Empty(t, ss.View().Fatal)
	return ss
}
