package lesson

import (
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
