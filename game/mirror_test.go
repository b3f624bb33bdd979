package game

import (
	"fmt"
	"image/color"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/lesson"
)

// logOf is a log of n events in epoch 1, the latest last.
func logOf(n, ports, failures int) lesson.Log {
	l := lesson.Log{Total: n, Epoch: 1, Ports: ports, Failures: failures}
	for i := max(0, n-lesson.LogSize); i < n; i++ {
		l.Lines = append(l.Lines, lesson.LogLine{At: time.Duration(i) * time.Millisecond, Text: fmt.Sprintf("event %d", i+1)})
	}
	return l
}

// The live region reads a few new events one by one, sums up many, says
// nothing when nothing happened, and after the run started again says
// only where it is now.
func TestAnnouncement(t *testing.T) {
	en := lesson.English()
	last := logOf(10, 2, 0)
	assert.Equal(t, "", announcement(en, last, last), "nothing new")
	assert.Equal(t, "t = 0.011 s: event 11; event 12", announcement(en, logOf(12, 2, 0), last))
	assert.Equal(t, "t = 0.509 s: 500 events, 40 ports given, 1 connect failed; the latest: event 510",
		announcement(en, logOf(510, 42, 1), last), "a summary, never a flood")
	again := logOf(3, 0, 0)
	again.Epoch = 2
	assert.Equal(t, "t = 0.002 s: event 3", announcement(en, again, last), "a step back or another lesson")
	assert.Equal(t, "", announcement(en, lesson.Log{}, last), "no lesson")
}

func TestVerdictText(t *testing.T) {
	h := newGame(t, 1, nil).vm.Hints
	en := lesson.English()
	q := &lesson.QuestionView{Choices: []lesson.Control{{Label: "1025"}, {Label: "1028"}}, Chosen: -1}
	assert.Equal(t, "Predict, then see: choose an answer (keys A, B, C); PgDn waits for it. Esc or the Skip question button skips the question.", verdictText(en, q, h))
	q.Chosen = 1
	assert.Equal(t, "Your answer: 1028. Watch what happens…", verdictText(en, q, h))
	q.Verdict, q.Lead, q.Why = lesson.Wrong, "Not this time: the answer is 1025.", "the counter starts at the range's start."
	assert.Equal(t, "Not this time: the answer is 1025. the counter starts at the range's start.", verdictText(en, q, h))
	assert.Equal(t, "", verdictText(en, nil, h))
}

// The text mirror's inspector says the port and lists every socket on
// it, as the picture's list in the chart's place does.
func TestInspectorInWords(t *testing.T) {
	g := lastStep(t, 7, "en")
	for i, h := range g.sess.View().Hosts {
		if h.Server {
			g.sess.FocusHost(i)
			break
		}
	}
	g.sess.Pin(80)
	in := g.sess.View().Inspect
	assert.True(t, in.OK)
	en := lesson.English()
	assert.Regexp(t, `^port 80 \(system\) on \w+: listening; \d+ sockets\.$`, inspectText(en, in, g.vm.Hints))
	lines := inspectLines(en, in)
	assert.Equal(t, in.Sockets, lines[:len(in.Sockets)], "every socket listed")
	assert.Contains(t, lines[0], "LISTEN ")
	assert.Greater(t, len(in.Sockets), 2, "the listener and the connections accepted on :80")
	assert.Contains(t, inspectText(en, lesson.Inspection{}, g.sess.View().Hints), "press I")
}

// A UDP socket's row names its protocol and says bound: a server's is no
// LISTEN (UDP has no listen()), a query's is never ESTABLISHED, and an
// unconnected one has no peer.
func TestUDPRowsInWords(t *testing.T) {
	ap := netip.MustParseAddrPort
	tests := []struct {
		row         lesson.SocketRow
		state, text string
		colour      color.RGBA
	}{
		{lesson.SocketRow{Kind: lesson.RowListen, Proto: engine.UDP, StateName: "UDP", Local: ap("10.0.0.53:53")}, "UDP", "10.0.0.53:53 bound", colInUse},
		{lesson.SocketRow{Kind: lesson.RowListen, Proto: engine.TCP, StateName: "LISTEN", Local: ap("10.0.0.53:53")}, "LISTEN", "10.0.0.53:53", colListen},
		{lesson.SocketRow{Kind: lesson.RowConn, Proto: engine.UDP, State: engine.Bound, StateName: "UDP", Local: ap("192.168.1.5:40001"), Remote: ap("10.0.0.53:53")},
			"UDP", ":40001 → 10.0.0.53:53 bound", colInUse},
		{lesson.SocketRow{Kind: lesson.RowConn, Proto: engine.UDP, State: engine.Bound, StateName: "UDP", Local: ap("192.168.1.5:40001")},
			"UDP", ":40001 bound, to anyone", colInUse},
	}
	for _, tc := range tests {
		state, text := tc.row.StateName, tc.row.Text()
		assert.Equal(t, tc.state, state)
		assert.Equal(t, tc.text, text)
		assert.Equal(t, tc.colour, rowColour(tc.row), "%s %s", state, text)
	}
}

// The text mirror's status line says the time, the end, the speed and
// whether it plays, and the speed reached where the simulation limits it.
func TestClockInWords(t *testing.T) {
	c := lesson.Clock{Now: 1500 * time.Millisecond, End: 12 * time.Second, Speed: 2, Reached: 2}
	states := map[string]bool{}
	for _, st := range []lesson.PlayState{lesson.Paused, lesson.Playing, lesson.Finished} {
		c.State = st
		s := clockText(lesson.English(), c)
		assert.Contains(t, s, lesson.FmtDur(c.Now))
		assert.Contains(t, s, lesson.FmtDur(c.End))
		assert.Contains(t, s, "2×")
		states[s] = true
	}
	assert.Len(t, states, 3, "each state said its own way")
	c.State, c.Limited, c.Reached = lesson.Playing, true, 1.3
	assert.Contains(t, clockText(lesson.English(), c), "1.3×", "the speed reached")
}

// The text mirror lists a host's sockets as its box does: a line a row,
// then how many more, then its failures and the latest errno.
func TestSocketsInWords(t *testing.T) {
	g := lastStep(t, 5, "en")
	seen := 0
	for _, h := range g.sess.View().Hosts {
		lines := socketLines(lesson.English(), h)
		require.GreaterOrEqual(t, len(lines), len(h.Rows), h.Name)
		for i, r := range h.Rows {
			assert.Contains(t, lines[i], fmt.Sprint(r.Local.Port()), "%s row %d", h.Name, i)
		}
		rest := lines[len(h.Rows):]
		if more := h.Total - len(h.Rows); more > 0 {
			require.NotEmpty(t, rest, h.Name)
			assert.Contains(t, rest[0], fmt.Sprint(more), "%s: how many more", h.Name)
			rest = rest[1:]
			seen |= 1
		}
		if h.Failures > 0 {
			require.Len(t, rest, 1, h.Name)
			assert.Contains(t, rest[0], engine.ErrnoName(h.LastErr), h.Name)
			seen |= 2
		} else {
			assert.Empty(t, rest, h.Name)
		}
	}
	assert.Equal(t, 3, seen, "lesson 5's end has a host with more rows than shown, and failures")
}

// sentences joins what was said, skipping what was not, in the
// language's way (join.sentences).
func TestSentences(t *testing.T) {
	en := lesson.English()
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"", ""}, ""},
		{[]string{"One.", ""}, "One."},
		{[]string{"", "Two."}, "Two."},
		{[]string{"One.", "", "Two.", "Three."}, "One. Two. Three."},
	} {
		assert.Equal(t, tc.want, sentences(en, tc.in...), "%q", tc.in)
	}
}
