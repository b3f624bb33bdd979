package lesson

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine/sim"
)

// fakeClock is a clock that moves on by step each time it is read: the
// simulation's cost made deterministic.
func fakeClock(step time.Duration) func() time.Duration {
	var now time.Duration
	return func() time.Duration { now += step; return now }
}

// topSandbox is the sandbox with every knob at its maximum.
func topSandbox() Settings {
	s := DefaultSettings()
	s.Lesson, s.LessonGiven, s.Seed = 6, true, 7
	s.Sandbox = Sandbox{Clients: maxClients, Rate: maxRate, Dests: len(sandboxServers)}
	s.Speed = Speeds[len(Speeds)-1]
	return s
}

func TestBudgetCutsOnlyHowFarPlaybackGets(t *testing.T) {
	r := runOf(t, 6, topSandbox())
	sc := r.Scenario
	for _, tc := range []struct {
		name      string
		budget    Budget
		wantShort bool
	}{
		{"no budget", Budget{}, false},
		{"a budget without a clock", Budget{Work: time.Millisecond}, false},
		{"ample", Budget{Work: time.Hour, Clock: fakeClock(time.Microsecond)}, false},
		{"tight", Budget{Work: 4 * time.Millisecond, Clock: fakeClock(time.Millisecond)}, true},
		{"spent at the first look", Budget{Work: time.Millisecond, Clock: fakeClock(time.Second)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPlayer(t, sc)
			var seen []sim.Event
			p.tap = func(e sim.Event) { seen = append(seen, e) } // after time 0
			for i := range 3 {
				from := p.now
				got := p.play(time.Second/60, 64, r.pace, tc.budget)
				require.Greater(t, p.now, from, "tick %d: playback always moves", i)
				if tc.wantShort {
					require.Less(t, got, 1.0, "tick %d: the budget cut the tick short", i)
					require.Positive(t, got)
				} else {
					require.Equal(t, 1.0, got, "tick %d", i)
				}
			}
			// Whatever the budget, the player shows exactly what a plain
			// run to the moment reached shows, and saw the same events.
			direct := mustPlayer(t, sc)
			direct.advanceTo(p.now)
			requireSameState(t, direct, p, fmt.Sprintf("%s at %s", tc.name, p.now))
			ref := reference(t, sc, p.now)
			require.Len(t, ref, p.events)
			require.Equal(t, ref[len(ref)-len(seen):], seen, "the events seen after time 0")
		})
	}
}

func TestTheViewSaysWhenTheSimulationIsTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name        string
		budget      Budget
		wantLimited bool
	}{
		{"keeps up", Budget{}, false},
		{"cannot keep up", Budget{Work: 2 * time.Millisecond, Clock: fakeClock(time.Millisecond)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss := NewSession(builtin(t), topSandbox(), nil, &MemStore{})
			ss.SetBudget(tc.budget)
			require.True(t, ss.Playing())
			for range 30 {
				ss.Tick(time.Second / 60)
			}
			c := ss.View().Clock
			assert.Equal(t, 64.0, c.Speed, "the speed asked for")
			assert.Equal(t, tc.wantLimited, c.Limited)
			if tc.wantLimited {
				assert.Less(t, c.Reached, c.Speed)
				assert.Positive(t, c.Reached)
				assert.Equal(t, twoDigits(c.Reached), c.Reached, "two digits, so the line does not flicker")
			} else {
				assert.Equal(t, c.Speed, c.Reached)
			}
			ss.Do(ActPlay) // paused: nothing is limited
			assert.False(t, ss.View().Clock.Limited)
		})
	}
}

func TestTwoDigits(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{9.34, 9.3}, {13.4, 13}, {0.416, 0.42}, {64, 64}, {127, 130}, {0, 0},
	} {
		assert.Equal(t, tc.want, twoDigits(tc.in), "%g", tc.in)
	}
}
