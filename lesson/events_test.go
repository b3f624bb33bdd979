package lesson

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// playedTo is lesson n played, paused, to at least moment at.
func playedTo(t *testing.T, n int, at time.Duration) *Session {
	ss := newSession(t, n)
	for ss.View().Clock.Now < at && ss.View().Clock.State != Finished {
		ss.Do(ActStepForward)
	}
	return ss
}

func TestEventListRowsAndFilters(t *testing.T) {
	ss := playedTo(t, 2, 3*time.Second)
	assert.False(t, ss.View().EventList.Open)
	assert.Empty(t, ss.View().EventList.Rows, "a closed list costs nothing")
	ss.Do(ActEvents)
	now := ss.View().Clock.Now
	hint := ss.View().EventList.Hint
	for _, a := range []Action{ActEventUp, ActEventDown, ActEventSeek} {
		assert.Contains(t, hint, ss.Key(a), "the hint names the key the keymap binds")
	}

	for _, c := range []struct {
		name string
		host int // how many times the host filter is cycled
		kind EventKind
	}{
		{"all", 0, AllEvents},
		{"ports", 0, PortEvents},
		{"packets", 0, PacketEvents},
		{"states", 0, StateEvents},
		{"the client's", 1, AllEvents},
		{"web-b's packets", 3, PacketEvents},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := playedTo(t, 2, 3*time.Second)
			s.Do(ActEvents)
			for range c.host {
				s.Do(ActEventHost)
			}
			for range int(c.kind) {
				s.Do(ActEventKind)
			}
			l := s.View().EventList
			require.True(t, l.Open)
			require.NotEmpty(t, l.Rows)
			assert.LessOrEqual(t, len(l.Rows), EventRows)
			assert.Equal(t, c.kind, l.Kind)
			currents := 0
			for i, r := range l.Rows {
				if c.kind != AllEvents {
					assert.Equal(t, c.kind, r.Kind, r.Text)
				}
				if l.Host != "" {
					assert.Equal(t, l.Host, r.Host, r.Text)
				}
				assert.LessOrEqual(t, r.At, now)
				assert.NotEmpty(t, r.Text)
				if i > 0 {
					assert.Greater(t, r.N, l.Rows[i-1].N, "in the run's order")
					assert.GreaterOrEqual(t, r.At, l.Rows[i-1].At)
				}
				if r.Current {
					currents++
					assert.Equal(t, l.First+i, l.Total-1, "the current is the latest that passes")
				}
			}
			assert.Equal(t, 1, currents, "the current row is in view")
		})
	}
	l := ss.View().EventList
	assert.Equal(t, "", l.Host)
	ss.Do(ActEventHost)
	assert.Equal(t, ss.View().Hosts[0].Name, ss.View().EventList.Host)
}

func TestEventListSeeks(t *testing.T) {
	ss := playedTo(t, 2, 3*time.Second)
	ss.Do(ActEvents)
	l := ss.View().EventList
	require.Greater(t, len(l.Rows), 5)
	// Back up the list with the keys, then go to that moment.
	for range 5 {
		ss.Do(ActEventUp)
	}
	l = ss.View().EventList
	var sel EventRow
	for _, r := range l.Rows {
		if r.Selected {
			sel = r
		}
	}
	require.NotZero(t, sel.Text, "a row is selected: %+v", l.Rows)
	ss.Do(ActEventSeek)
	v := ss.View()
	assert.Equal(t, sel.At, v.Clock.Now, "time is the event's")
	assert.Equal(t, Paused, v.Clock.State)
	found := false
	for _, r := range v.EventList.Rows {
		if r.N == sel.N {
			found = true
			assert.Equal(t, sel.Text, r.Text, "the replay numbers the events as before")
			assert.True(t, r.Selected)
		}
		assert.LessOrEqual(t, r.At, sel.At, "nothing after the moment is listed")
	}
	assert.True(t, found)

	// The list holds the events so far: one after the moment shown is
	// not there to seek to until time plays to it.
	later := l.Rows[len(l.Rows)-1]
	ss.SeekEvent(later.N)
	assert.Equal(t, sel.At, ss.View().Clock.Now)
	for ss.View().Clock.Now < later.At {
		ss.Do(ActStepForward)
	}
	ss.SeekEvent(sel.N)
	assert.Equal(t, sel.At, ss.View().Clock.Now, "back again")
}

// A busy sandbox: the list holds the latest HistorySize events, shows
// EventRows of them, and says how many came before.
func TestEventListIsBoundedInABusySandbox(t *testing.T) {
	ss := newSession(t, 6)
	ss.SetBudget(Budget{})
	ss.Do(ActEvents)
	ss.Do(ActPlay)
	for range 20 {
		ss.Tick(100 * time.Millisecond)
	}
	v := ss.View()
	require.Greater(t, v.Events, HistorySize)
	l := v.EventList
	assert.Len(t, l.Rows, EventRows)
	assert.Equal(t, v.Events-HistorySize, l.Dropped)
	assert.Equal(t, HistorySize, l.Total)
	assert.True(t, l.Rows[len(l.Rows)-1].Current || l.Rows[len(l.Rows)-3].Current, "the current row is kept in view near the bottom")
}

func TestTimelineSeeks(t *testing.T) {
	for _, c := range []struct {
		name string
		do   func(*Session)
		want func(now, end time.Duration) time.Duration
	}{
		{"home", func(s *Session) { s.Do(ActTimeStart) }, func(_, _ time.Duration) time.Duration { return 0 }},
		{"end", func(s *Session) { s.Do(ActTimeEnd) }, func(_, end time.Duration) time.Duration { return end }},
		{"back", func(s *Session) { s.Do(ActTimeBack) }, func(now, end time.Duration) time.Duration { return now - end/100 }},
		{"forward", func(s *Session) { s.Do(ActTimeForward) }, func(now, end time.Duration) time.Duration { return now + end/100 }},
		{"tap", func(s *Session) { s.SeekTo(2345 * time.Millisecond) }, func(_, _ time.Duration) time.Duration { return 2345 * time.Millisecond }},
		{"before the start", func(s *Session) { s.SeekTo(-time.Second) }, func(_, _ time.Duration) time.Duration { return 0 }},
		{"past the end", func(s *Session) { s.SeekTo(time.Hour) }, func(_, end time.Duration) time.Duration { return end }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ss := newSession(t, 2)
			ss.SeekTo(3 * time.Second)
			ss.Do(ActPlay)
			before := ss.View().Clock
			require.Equal(t, 3*time.Second, before.Now)
			require.Equal(t, Playing, before.State)
			c.do(ss)
			v := ss.View()
			assert.Equal(t, c.want(before.Now, before.End), v.Clock.Now)
			assert.NotEqual(t, Playing, v.Clock.State, "a seek pauses")
			// The picture follows: it is what playing there shows.
			fresh := newSession(t, 2)
			fresh.SeekTo(v.Clock.Now)
			assert.Equal(t, fresh.View().Connections, v.Connections)
			assert.Equal(t, fresh.View().Events, v.Events)
		})
	}
}

func TestTimelineWaitsForAnAnswer(t *testing.T) {
	ss := newSession(t, 5)
	for ss.View().Narration.Question == nil {
		ss.Do(ActNextStep)
	}
	before := ss.View().Clock.Now
	ss.Do(ActTimeEnd)
	ss.SeekTo(before + time.Second)
	assert.Equal(t, before, ss.View().Clock.Now)
	assert.NotEmpty(t, ss.View().Notice)
}
