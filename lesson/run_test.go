package lesson

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

// A step's pause condition meets the events it names and no others: a
// host excluded (not HOST), the connect that finds the range full (and
// not a failure after it), and the last connection's end, at that very
// moment.
func TestPauseConditionsMatch(t *testing.T) {
	r := runOf(t, 5, DefaultSettings())
	tw := func(host string) sim.Event {
		return sim.Event{Kind: sim.State, State: engine.TimeWait, Host: host}
	}
	notClient := &Cond{Kind: sim.State, State: engine.TimeWait, NotHost: "client"}
	assert.False(t, r.matches(notClient, tw("client")), "the host excluded")
	assert.True(t, r.matches(notClient, tw("web")), "any other host")
	onClient := &Cond{Kind: sim.State, State: engine.TimeWait, Host: "client"}
	assert.True(t, r.matches(onClient, tw("client")))
	assert.False(t, r.matches(onClient, tw("web")))

	full := &Cond{Special: RangeFull}
	e, ok := r.play.runUntil(func(e sim.Event) bool { return r.matches(full, e) })
	require.True(t, ok, "lesson 5's client fills its range")
	assert.Equal(t, sim.PortAllocated, e.Kind)
	failed := e
	failed.Kind = sim.ConnectFailed
	assert.False(t, r.matches(full, failed), "a failure once the range is full is not the connect that filled it")

	r = runOf(t, 4, DefaultSettings())
	require.Positive(t, r.Stats.LastDone)
	last := &Cond{Special: LastDone}
	assert.True(t, r.matches(last, sim.Event{Kind: sim.Done, At: r.Stats.LastDone}), "at the last connection's end")
	assert.False(t, r.matches(last, sim.Event{Kind: sim.Done, At: r.Stats.LastDone - 1}), "a moment before")
}

// The explanation of a port question names the port before the answer,
// as the engine handed it out: on lesson 5's Windows XP client, which
// counts up, the answer follows the port one below it.
func TestPortAnswerNamesThePortBefore(t *testing.T) {
	l, ok := builtin(t).Lesson(5)
	require.True(t, ok)
	step := 0
	for i, st := range l.Steps {
		if st.Name == "next-port" {
			step = i + 1
		}
	}
	require.NotZero(t, step, "lesson 5's next-port step")
	require.Equal(t, AnswerPort, l.Steps[step-1].Ask.Answer.Kind)
	q := answerAt(t, 5, step, 0).View().Narration.Question
	port, err := strconv.Atoi(q.Truth)
	require.NoError(t, err, q.Truth)
	assert.Contains(t, q.Why, "follows "+strconv.Itoa(port-1)+",", "the port the connection before it got")
}

// A port-step question (lesson 8) compares the port given with the one
// before it: the same, one up, or any other.
func TestPortStepTruth(t *testing.T) {
	s := newSession(t, 8)
	q := &Question{Answer: Answer{Kind: AnswerPortStep}}
	s.run.play.hitPrev = 40000
	for port, want := range map[uint16]string{40000: "same-port", 40001: "port-up", 40002: "other-port", 39999: "other-port"} {
		e := sim.Event{Kind: sim.PortAllocated, Tuple: engine.FourTuple{Proto: engine.UDP, Local: netip.AddrPortFrom(netip.MustParseAddr("192.168.1.5"), port)}}
		assert.Equal(t, want, s.truth(q, e), "port %d after 40000", port)
	}
}
