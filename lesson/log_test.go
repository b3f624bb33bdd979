package lesson

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

// stepUntil steps s forward, event by event, until done says so.
func stepUntil(t *testing.T, s *Session, done func(Log) bool) Log {
	t.Helper()
	for range 10000 {
		if l := s.Recent(); done(l) {
			return l
		}
		s.Do(ActStepForward)
	}
	t.Fatal("the run never got there")
	return Log{}
}

// The log says, in plain words, what the engine did: the ports it gave
// (the same as the connections the view lists) and the errno of a failed
// connect; it keeps only the latest LogSize events, oldest first.
func TestLogSaysWhatTheEngineDid(t *testing.T) {
	s := newSession(t, 5)
	l := s.Recent()
	require.NotEmpty(t, l.Lines, "the listeners at time 0")
	assert.Equal(t, "web listens on 10.0.0.10:80", l.Lines[0].Text)

	l = stepUntil(t, s, func(l Log) bool { return l.Ports == 1 })
	conns := s.View().Connections
	require.Len(t, conns, 1)
	got := fmt.Sprintf("client got port %d for a connection to %s", conns[0].Local.Port(), conns[0].Remote)
	assert.Contains(t, joinLog(l), got+"\n", "the port the engine gave")

	l = stepUntil(t, s, func(l Log) bool { return l.Failures == 1 })
	last := l.Lines[len(l.Lines)-1]
	client := s.View().Hosts[s.View().Focus]
	require.True(t, client.Client)
	assert.Equal(t, "client: connect to 10.0.0.10:80 failed: "+engine.ErrnoName(client.LastErr), last.Text, "the client OS's errno")
	assert.Equal(t, s.View().Clock.Now, last.At, "the failure is the latest moment")
	assert.Len(t, l.Lines, LogSize, "only the latest are kept")
	assert.Greater(t, l.Total, LogSize)
	for i := 1; i < len(l.Lines); i++ {
		assert.LessOrEqual(t, l.Lines[i-1].At, l.Lines[i].At, "oldest first")
	}
	text := joinLog(l)
	assert.Contains(t, text, "client's 10th connection: TIME_WAIT", "a state, named by the connection")
}

// A step back replays the run: the log is that of the earlier moment, in
// a new epoch, so that no one counts its events as new.
func TestLogAfterAStepBack(t *testing.T) {
	s := newSession(t, 2)
	before := stepUntil(t, s, func(l Log) bool { return l.Ports == 2 })
	s.Do(ActStepBack)
	after := s.Recent()
	assert.NotEqual(t, before.Epoch, after.Epoch)
	gone := before.Total - after.Total
	require.Positive(t, gone, "the events of the latest moment are gone")
	kept := len(before.Lines) - gone
	assert.Equal(t, before.Lines[:kept], after.Lines[len(after.Lines)-kept:], "and the rest are as they were")
	s.Do(ActOpen(3))
	assert.NotEqual(t, after.Epoch, s.Recent().Epoch, "another lesson")
}

func joinLog(l Log) string {
	var b strings.Builder
	for _, x := range l.Lines {
		b.WriteString(x.Text + "\n")
	}
	return b.String()
}

// Reduced motion is the system's preference: it is in the view, and a
// change of it is a change of what is drawn.
func TestReducedMotionInTheView(t *testing.T) {
	s := newSession(t, 2)
	v := s.View()
	assert.False(t, v.ReducedMotion)
	s.SetReducedMotion(true)
	w := s.View()
	assert.True(t, w.ReducedMotion)
	assert.NotEqual(t, v.Gen, w.Gen)
}
