package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

// faulty is one connection whose last ACK is lost and whose response
// arrives again later; the %s are the client's host options, the connect
// line's, and how much later.
const faulty = `
duration 120s
latency 20ms
host laptop 192.168.1.5 %s
host web 10.0.0.10
listen web 80 service 30ms
connect laptop -> web:80 at 100ms hold 500ms %s
lose 1 last-ack
duplicate 1 response %s
`

// first is the first event that matches, and its index.
func first(t *testing.T, evs []Event, what string, match func(Event) bool) (Event, int) {
	t.Helper()
	for i, e := range evs {
		if match(e) {
			return e, i
		}
	}
	require.Fail(t, "no such event", what)
	return Event{}, -1
}

// What TIME_WAIT is for (RFC 9293 §3.6, §3.10.7.4): the laptop closed
// first, its last ACK is lost, web retransmits its FIN after the RTO, and
// the laptop, still in TIME_WAIT, acknowledges it again and restarts its
// TIME_WAIT; web then closes cleanly. A copy of the response, delayed in
// the network, reaches the 4-tuple still in TIME_WAIT: acknowledged and
// dropped.
func TestTimeWaitAnswersARetransmittedFin(t *testing.T) {
	evs, st := run(t, fmt.Sprintf(faulty, "", "", "3s"), 0)
	assert.Equal(t, 1, st.Completed)
	tw, twAt := first(t, evs, "laptop enters TIME_WAIT", func(e Event) bool { return e.Kind == State && e.Host == "laptop" && e.State == engine.TimeWait })
	lost, lostAt := first(t, evs, "the last ACK lost", func(e Event) bool { return e.Kind == Lost })
	assert.Greater(t, lostAt, twAt)
	assert.Equal(t, "laptop", lost.Host)
	assert.Equal(t, ACK, lost.Flags)
	assert.Equal(t, tw.At+20*time.Millisecond, lost.At, "lost where it would have arrived")
	assert.Equal(t, fmt.Sprintf("#1 %s > 10.0.0.10:80 [ACK] lost in the network", tw.Tuple.Local), Trace(lost)[22:])

	fin, _ := first(t, evs, "web's FIN", func(e Event) bool { return e.Kind == Packet && e.Host == "web" && e.Flags == FIN|ACK })
	again, againAt := first(t, evs, "web's FIN again", func(e Event) bool { return e.Kind == Packet && e.Retransmit })
	assert.Equal(t, "web", again.Host)
	assert.Equal(t, FIN|ACK, again.Flags)
	assert.Equal(t, fin.At+RetransmitAfter(20*time.Millisecond), again.At, "after the RTO")
	assert.Equal(t, time.Second, RetransmitAfter(20*time.Millisecond), "RFC 6298 §2.4: at least 1 s")
	assert.Equal(t, 3*time.Second, RetransmitAfter(500*time.Millisecond), "3 round trips after one measurement (§2.2)")
	for _, e := range evs[:againAt] {
		require.False(t, e.Host == "web" && e.Kind == PortReleased, "web holds LAST_ACK until it is acknowledged: %s", Trace(e))
	}
	restart, _ := first(t, evs, "TIME_WAIT again", func(e Event) bool {
		return e.Kind == State && e.Host == "laptop" && e.State == engine.TimeWait && e.At > again.At
	})
	assert.Equal(t, again.Arrive, restart.At)
	ack, _ := first(t, evs, "the laptop's ACK again", func(e Event) bool { return e.Kind == Packet && e.Host == "laptop" && e.At == restart.At })
	assert.Equal(t, ACK, ack.Flags)
	closed, _ := first(t, evs, "web closes", func(e Event) bool { return e.Kind == PortReleased && e.Host == "web" })
	assert.Equal(t, ack.Arrive, closed.At)
	freed, _ := first(t, evs, "the laptop's TIME_WAIT ends", func(e Event) bool { return e.Kind == PortReleased && e.Host == "laptop" })
	assert.Equal(t, restart.At+60*time.Second, freed.At, "a whole TIME_WAIT from the restart")

	cp, _ := first(t, evs, "the copy", func(e Event) bool { return e.Kind == Packet && e.Delay > 0 })
	resp, _ := first(t, evs, "the response", func(e Event) bool { return e.Kind == Packet && e.Len == ResponseLen })
	assert.Equal(t, resp.At, cp.At)
	assert.Equal(t, resp.Arrive+3*time.Second, cp.Arrive)
	dup, dupAt := first(t, evs, "the old duplicate", func(e Event) bool { return e.Kind == OldDuplicate })
	assert.Equal(t, cp.Arrive, dup.At)
	assert.Equal(t, "laptop", dup.Host)
	assert.Equal(t, engine.TimeWait, dup.State)
	assert.Equal(t, 1, dup.Into)
	assert.Equal(t, ACK, evs[dupAt+1].Flags, "TIME_WAIT acknowledges it")
	assert.Contains(t, Trace(dup), fmt.Sprintf("#1 old duplicate 10.0.0.10:80 > %s [PSH|ACK] len 1400 reaches #1 in TIME_WAIT: acknowledged and dropped", tw.Tuple.Local))
}

// Without TIME_WAIT to answer them (here a TIME_WAIT shorter than the
// RTO), the retransmitted FIN and the old duplicate find no connection:
// the laptop answers each with a RST (RFC 9293 §3.10.7.1).
func TestWithoutTimeWaitTheyMeetARst(t *testing.T) {
	evs, _ := run(t, fmt.Sprintf(faulty, "timewait 500ms", "", "3s"), 0)
	again, _ := first(t, evs, "web's FIN again", func(e Event) bool { return e.Kind == Packet && e.Retransmit })
	rst, _ := first(t, evs, "a RST", func(e Event) bool { return e.Kind == Packet && e.Host == "laptop" && e.Flags == RST })
	assert.Equal(t, again.Arrive, rst.At)
	closed, _ := first(t, evs, "web closes", func(e Event) bool { return e.Kind == PortReleased && e.Host == "web" })
	assert.Equal(t, rst.Arrive, closed.At)
	dup, i := first(t, evs, "the old duplicate", func(e Event) bool { return e.Kind == OldDuplicate })
	assert.Zero(t, dup.State)
	assert.Zero(t, dup.Into)
	assert.Equal(t, RST, evs[i+1].Flags)
	assert.Contains(t, Trace(dup), "finds no connection: answered with RST")
}

// An old duplicate that arrives after the 4-tuple was given to a new
// connection (a one-port range and a TIME_WAIT shorter than the copy's
// delay) reaches that newer connection: what TIME_WAIT's 2×MSL prevents.
func TestAnOldDuplicateCanReachANewerConnection(t *testing.T) {
	src := fmt.Sprintf(faulty, "range 40000-40000 timewait 1s", "every 4s count 2", "4s")
	evs, st := run(t, src, 0)
	assert.Equal(t, 2, st.Completed)
	dup, i := first(t, evs, "the old duplicate", func(e Event) bool { return e.Kind == OldDuplicate })
	assert.Equal(t, 2, dup.Into, "the second connection has the same 4-tuple")
	assert.Equal(t, engine.Established, dup.State)
	assert.Contains(t, Trace(dup), "reaches #2, a newer connection with the same 4-tuple")
	assert.False(t, evs[i+1].Kind == Packet && evs[i+1].Host == "laptop" && evs[i+1].At == dup.At, "the open connection does not answer here")
}

// Next names only moments when something happens: a TIME_WAIT started
// over leaves no wake-up at its first end (a player steps event by event).
func TestNextSkipsATimeWaitThatStartedOver(t *testing.T) {
	sc, err := scenario.Parse(fmt.Sprintf(faulty, "", "", "3s"))
	require.NoError(t, err)
	s, err := New(sc)
	require.NoError(t, err)
	steps := 0
	for {
		at, ok := s.Next()
		if !ok || at > sc.Duration {
			break
		}
		n := 0
		s.Run(at, func(Event) { n++ })
		require.Positive(t, n, "nothing happens at %s", at)
		steps++
	}
	assert.Positive(t, steps)
}
