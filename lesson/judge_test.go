package lesson

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

// ownRun builds the learner's own scenario src with the default settings.
func ownRun(t *testing.T, src string) *Run {
	t.Helper()
	r, err := NewRun(&Lesson{Source: src}, DefaultSettings())
	require.NoError(t, err)
	return r
}

// The answers worked out on a host of their own ask the OS of the run's
// first server, not its clients': a listen on :80 needs privilege where
// ports below 1024 are privileged (Linux, macOS, FreeBSD: EACCES,
// facts/ports.md §2 "Privileged ports"), not on Windows; a second listen
// on the same address and port is refused on every OS. A run without a
// server still gets an answer, from a host of the first client's OS.
// tcp_tw_reuse and SO_REUSEADDR's restart are the same everywhere.
func TestProbesAskTheServersOS(t *testing.T) {
	for _, tc := range []struct {
		client, server string // profiles; no server: no listen line
		listen, again  string
	}{
		{"linux", "linux", "EACCES", "EADDRINUSE"},
		{"windows", "linux", "EACCES", "EADDRINUSE"},
		{"linux", "windows", "port", "WSAEADDRINUSE"},
		{"macos", "winxp", "port", "WSAEADDRINUSE"},
		{"windows", "freebsd", "EACCES", "EADDRINUSE"},
		{"windows", "", "port", "WSAEADDRINUSE"},
		{"linux", "", "EACCES", "EADDRINUSE"},
	} {
		t.Run(tc.client+" to "+tc.server, func(t *testing.T) {
			src := fmt.Sprintf("duration 10s\nhost laptop 192.168.1.5 profile %s\n", tc.client)
			if tc.server != "" {
				src += fmt.Sprintf("host web 10.0.0.10 profile %s\nlisten web 80\nconnect laptop -> web:80 at 1s\n", tc.server)
			} else {
				src += "host web 10.0.0.10\nconnect laptop -> web:80 at 1s\n"
			}
			r := ownRun(t, src)
			assert.Equal(t, tc.listen, listenOutcome(r, 80, false))
			assert.Equal(t, tc.again, listenOutcome(r, 80, true))
			assert.Equal(t, "port", listenOutcome(r, 8080, false), "an unprivileged port")
			assert.Equal(t, "yes", twReuseOutcome(r))
			assert.Equal(t, "port", reuseAddrOutcome(r))
		})
	}
}

// A question takes one answer: a choice past the last is no answer, and a
// second one changes nothing once the first was taken.
func TestAQuestionTakesOneAnswer(t *testing.T) {
	short := 0
	for _, l := range builtin(t).Lessons {
		for _, i := range questionSteps(t, l.Number) {
			s := newSession(t, l.Number)
			s.gotoStep(i)
			n := len(s.View().Narration.Question.Choices)
			if n < 3 { // the keys answer A to C
				short++
				s.Do(ActAnswer(n))
				q := s.View().Narration.Question
				assert.Equal(t, -1, q.Chosen, "lesson %d step %d: choice %d of %d", l.Number, i, n+1, n)
				assert.Equal(t, Unjudged, q.Verdict)
				assert.False(t, s.Playing())
			}
			s.Do(ActAnswer(0))
			s.PlayToPause(nil)
			first := *s.View().Narration.Question
			require.Equal(t, 0, first.Chosen)
			require.NotEqual(t, Unjudged, first.Verdict)
			s.Do(ActAnswer(1))
			s.PlayToPause(nil)
			assert.Equal(t, first, *s.View().Narration.Question, "lesson %d step %d: a second answer", l.Number, i)
		}
	}
	assert.Positive(t, short, "some question has fewer choices than keys")
}

// A port question offers three ports of the client's range: the one the
// engine gives next, and others it could plausibly have been.
func TestPortQuestionsOfferThreePorts(t *testing.T) {
	asked := 0
	for _, l := range builtin(t).Lessons {
		for _, i := range questionSteps(t, l.Number) {
			if l.Steps[i-1].Ask.Choices.From != ChoicesNextPort {
				continue
			}
			asked++
			s := newSession(t, l.Number)
			s.gotoStep(i)
			rng := s.run.firstClient().Profile.Ephemeral
			seen := map[string]bool{}
			for _, c := range s.View().Narration.Question.Choices {
				p := atoi(c.Label)
				assert.True(t, rng.Contains(engine.Port(p)), "lesson %d step %d: %s in %v", l.Number, i, c.Label, rng)
				assert.False(t, seen[c.Label], "lesson %d step %d: %s twice", l.Number, i, c.Label)
				seen[c.Label] = true
			}
			assert.Len(t, seen, 3, "lesson %d step %d", l.Number, i)
			assert.True(t, seen[truthOf(t, l.Number, i)], "lesson %d step %d: the engine's port is offered", l.Number, i)
		}
	}
	assert.Positive(t, asked)
}
