package lesson

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// lessonScenario is lesson n's scenario as it runs with the default
// settings: the built-in file, or the sandbox's from its default knobs.
func lessonScenario(t testing.TB, n int) *scenario.Scenario {
	t.Helper()
	return runOf(t, n, DefaultSettings()).Scenario
}

func mustPlayer(t testing.TB, sc *scenario.Scenario) *player {
	t.Helper()
	p, err := newPlayer(sc)
	require.NoError(t, err)
	return p
}

// reference runs a fresh simulation of sc to until and returns its events:
// the truth every player check is compared with.
func reference(t testing.TB, sc *scenario.Scenario, until time.Duration) []sim.Event {
	t.Helper()
	s, err := sim.New(sc)
	require.NoError(t, err)
	var evs []sim.Event
	s.Run(until, func(e sim.Event) { evs = append(evs, e) })
	return evs
}

// eventTimes are the distinct times at which events happen, in order.
func eventTimes(evs []sim.Event) []time.Duration {
	var ts []time.Duration
	for _, e := range evs {
		if len(ts) == 0 || ts[len(ts)-1] != e.At {
			ts = append(ts, e.At)
		}
	}
	return ts
}

// clientNames are the hosts that open connections in sc.
func clientNames(sc *scenario.Scenario) map[string]bool {
	out := map[string]bool{}
	for _, c := range sc.Connects {
		out[c.From] = true
	}
	return out
}

// horizon is how far a test follows lesson l: the whole run, except in the
// sandbox, whose full run holds over a million events; its first 75 s
// include the first TIME_WAITs ending (60 s on Linux and FreeBSD).
func horizon(l *Lesson, sc *scenario.Scenario) time.Duration {
	if l.Sandbox {
		return min(sc.Duration, 75*time.Second)
	}
	return sc.Duration
}

// inFlight are the reference's packets sent at or before now that have not
// arrived by now.
func inFlight(evs []sim.Event, now time.Duration) []sim.Event {
	var out []sim.Event
	for _, e := range evs {
		if e.At > now {
			break
		}
		// Packets, and the ICMP messages that answer a datagram that
		// found no socket.
		if (e.Kind == sim.Packet || e.Kind == sim.Unreachable && !e.Limited) && now < e.Arrive {
			out = append(out, e)
		}
	}
	return out
}

func emptyToNil[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// eachLesson runs f on every built-in lesson with its default scenario.
func eachLesson(t *testing.T, f func(t *testing.T, l *Lesson, sc *scenario.Scenario)) {
	for _, l := range builtin(t).Lessons {
		t.Run(l.Name, func(t *testing.T) { f(t, l, lessonScenario(t, l.Number)) })
	}
}

// requireSameState compares everything a player shows.
func requireSameState(t testing.TB, want, got *player, msg string) {
	t.Helper()
	require.Equal(t, want.now, got.now, "%s: now", msg)
	require.Equal(t, want.events, got.events, "%s: events", msg)
	require.Equal(t, want.kinds, got.kinds, "%s: events by kind", msg)
	require.Equal(t, want.sampleEvery, got.sampleEvery, "%s: sampleEvery", msg)
	require.Equal(t, want.samples, got.samples, "%s: samples", msg)
	require.Equal(t, emptyToNil(want.flights), emptyToNil(got.flights), "%s: flights", msg)
	require.Equal(t, len(want.hosts), len(got.hosts), msg)
	for i := range want.hosts {
		w, g := &want.hosts[i], &got.hosts[i]
		require.Equal(t, w.Name, g.Name, msg)
		require.Equal(t, w.Addr, g.Addr, msg)
		require.Equal(t, w.Profile, g.Profile, "%s: %s profile", msg, w.Name)
		require.Equal(t, w.client, g.client, "%s: %s client", msg, w.Name)
		require.Equal(t, w.server, g.server, "%s: %s server", msg, w.Name)
		require.Equal(t, w.listens, g.listens, "%s: %s listens", msg, w.Name)
		require.Equal(t, w.conns, g.conns, "%s: %s conns", msg, w.Name)
		require.Equal(t, w.nTW, g.nTW, "%s: %s nTW", msg, w.Name)
		require.Equal(t, w.active, g.active, "%s: %s active", msg, w.Name)
		require.Equal(t, w.waiting, g.waiting, "%s: %s waiting", msg, w.Name)
		require.Equal(t, w.busy, g.busy, "%s: %s busy", msg, w.Name)
		require.Equal(t, w.fail, g.fail, "%s: %s fail", msg, w.Name)
		require.Equal(t, w.failures, g.failures, "%s: %s failures", msg, w.Name)
	}
}

// requireMatchesEngine checks the player's picture against the engine's
// socket tables and a reference run's events at the player's time.
func requireMatchesEngine(t testing.TB, p *player, ref []sim.Event, msg string) {
	t.Helper()
	n := 0
	for n < len(ref) && ref[n].At <= p.now {
		n++
	}
	require.Equal(t, n, p.events, "%s: events seen by %s", msg, p.now)
	var kinds [len(p.kinds)]int
	failures := map[string][]sim.Event{}
	busy := map[string]bool{}
	for _, e := range ref[:n] {
		kinds[e.Kind]++
		if e.Kind == sim.ConnectFailed || e.Kind == sim.Listen && e.Err != nil {
			failures[e.Host] = append(failures[e.Host], e)
		}
		if e.Kind == sim.Serving {
			busy[e.Host] = e.Busy
		}
	}
	require.Equal(t, kinds, p.kinds, "%s: events by kind at %s", msg, p.now)
	require.Equal(t, emptyToNil(inFlight(ref, p.now)), emptyToNil(p.flights), "%s: packets in flight at %s", msg, p.now)
	for _, f := range p.flights {
		require.True(t, f.At <= p.now && p.now < f.Arrive, "%s: flight %v at %s", msg, f, p.now)
	}
	for i, e := range p.sim.Hosts() {
		h := &p.hosts[i]
		require.Equal(t, e.Name(), h.Name)
		require.Equal(t, e.Addr(), h.Addr)
		require.Equal(t, e.Profile(), h.Profile, "%s: %s's profile is the engine's", msg, h.Name)
		est, tw := e.Conns(engine.TCP)
		udp, _ := e.Conns(engine.UDP) // connected UDP sockets
		est += udp
		var gotTW int
		for id, c := range h.conns {
			require.Equal(t, id, c.id)
			if c.tuple.Proto == engine.UDP && !c.tuple.Remote.IsValid() {
				// An unconnected UDP socket: no 4-tuple, its port bound.
				require.Equal(t, engine.Bound, c.state)
				require.Equal(t, engine.PortInUse, e.PortState(engine.UDP, engine.Port(c.tuple.Local.Port())), "%s: %s #%d", msg, h.Name, id)
				est++
				require.Contains(t, h.active, id)
				continue
			}
			st, ok := e.Conn(c.tuple)
			require.True(t, ok, "%s: %s shows #%d %s (%s) that the engine does not have", msg, h.Name, id, c.tuple, c.state)
			_, isActive := h.active[id]
			if c.state == engine.TimeWait {
				gotTW++
				require.Equal(t, engine.TimeWait, st, "%s: %s #%d", msg, h.Name, id)
				require.False(t, isActive, "%s: %s #%d is in TIME_WAIT, not at work", msg, h.Name, id)
			} else {
				require.Equal(t, engine.Established, st, "%s: %s #%d %s", msg, h.Name, id, c.state)
				require.True(t, isActive, "%s: %s #%d (%s) is at work", msg, h.Name, id, c.state)
			}
		}
		require.Equal(t, est+tw, len(h.conns), "%s: %s's connections at %s", msg, h.Name, p.now)
		require.Equal(t, tw, gotTW, "%s: %s's TIME_WAITs at %s", msg, h.Name, p.now)
		require.Equal(t, tw, h.nTW, "%s: %s's TIME_WAIT count at %s", msg, h.Name, p.now)
		require.Equal(t, est, len(h.active), "%s: %s's connections at work at %s", msg, h.Name, p.now)
		fails := failures[h.Name]
		require.Equal(t, len(fails), h.failures, "%s: %s's failures at %s", msg, h.Name, p.now)
		if len(fails) > 0 {
			require.Equal(t, fails[len(fails)-1], h.fail, "%s: %s's latest failure", msg, h.Name)
		} else {
			require.Zero(t, h.fail.Kind, "%s: %s has not failed", msg, h.Name)
		}
		require.Equal(t, busy[h.Name], h.busy, "%s: %s serving at %s", msg, h.Name, p.now)
	}
}

func TestNewPlayerObservesTimeZero(t *testing.T) {
	eachLesson(t, func(t *testing.T, _ *Lesson, sc *scenario.Scenario) {
		p := mustPlayer(t, sc)
		assert.Equal(t, time.Duration(0), p.now)
		assert.Equal(t, sc.Duration, p.end())
		assert.False(t, p.finished())
		requireMatchesEngine(t, p, reference(t, sc, 0), "time 0")
		clients := clientNames(sc)
		for i, hs := range sc.Hosts {
			h := p.hosts[i]
			require.Equal(t, hs.Name, h.Name, "hosts keep the scenario's order")
			require.Equal(t, hs.Addr, h.Addr)
			assert.Equal(t, clients[hs.Name], h.client, hs.Name)
			// Every listen line is a listener from time 0: servers
			// start as root, so even port 80 can be bound.
			var want []string
			for _, l := range sc.Listens {
				if l.Host == hs.Name {
					want = append(want, fmt.Sprintf("%s:%d", hs.Addr, l.Port))
				}
			}
			var got []string
			for _, l := range h.listens {
				got = append(got, l.String())
			}
			assert.Equal(t, want, got, "%s listens", hs.Name)
			assert.Equal(t, len(want) > 0, h.server, hs.Name)
			assert.Zero(t, h.failures, "%s: nothing fails at time 0", hs.Name)
		}
		require.Len(t, p.samples, 1, "one sample at time 0")
		assert.Equal(t, time.Duration(0), p.samples[0].At)
		assert.Equal(t, max(sc.Duration/samplesPerRun, time.Millisecond), p.sampleEvery)
	})
}

// stepsTo cuts the way to t into uneven pieces, some far below and some
// far above sampleEvery.
func stepsTo(p *player, t time.Duration) {
	pieces := []time.Duration{time.Millisecond, 37 * time.Millisecond, p.sampleEvery / 2, 250 * time.Millisecond, 3*p.sampleEvery + 1}
	for i := 0; p.now < t; i++ {
		p.advanceTo(min(p.now+pieces[i%len(pieces)], t))
	}
}

func TestAdvanceToIsIndependentOfChunking(t *testing.T) {
	eachLesson(t, func(t *testing.T, l *Lesson, sc *scenario.Scenario) {
		end := horizon(l, sc)
		ref := reference(t, sc, end)
		direct, chunked := mustPlayer(t, sc), mustPlayer(t, sc)
		for _, at := range []time.Duration{end / 7, end / 3, end/2 + 13*time.Millisecond, end} {
			direct.advanceTo(at)
			stepsTo(chunked, at)
			requireSameState(t, direct, chunked, fmt.Sprintf("at %s", at))
			requireMatchesEngine(t, direct, ref, fmt.Sprintf("at %s", at))
		}
		assert.Equal(t, end == sc.Duration, direct.finished())
	})
}

func TestAdvanceToAndSeekStayWithinTheRun(t *testing.T) {
	sc := lessonScenario(t, 1)
	p := mustPlayer(t, sc)
	p.advanceTo(sc.Duration + time.Hour)
	assert.Equal(t, sc.Duration, p.now, "advanceTo stops at the end")
	assert.True(t, p.finished())
	p.advanceTo(time.Second)
	assert.Equal(t, sc.Duration, p.now, "advanceTo never goes back")
	p.seek(-time.Second)
	assert.Equal(t, time.Duration(0), p.now, "seek before the start shows the start")
	requireSameState(t, mustPlayer(t, sc), p, "seek(-1s)")
	p.seek(sc.Duration + time.Minute)
	assert.Equal(t, sc.Duration, p.now, "seek past the end shows the end")
	p.stepForward()
	assert.Equal(t, sc.Duration, p.now, "no step beyond the end")
	_, ok := p.nextEvent()
	assert.False(t, ok, "no event after the end")
}

func TestSeekBackEqualsAFreshRun(t *testing.T) {
	eachLesson(t, func(t *testing.T, l *Lesson, sc *scenario.Scenario) {
		end := horizon(l, sc)
		evs := reference(t, sc, end)
		times := eventTimes(evs)
		p := mustPlayer(t, sc)
		watch := func(sim.Event) bool { return false }
		p.watch = watch
		p.advanceTo(end * 4 / 5)
		// Backward to arbitrary moments, to an event's exact time, to
		// just before it, and to the start; then forward again.
		mid := times[len(times)/2]
		for _, at := range []time.Duration{end / 2, mid, mid - 1, end / 5, 0, end * 3 / 4} {
			p.seek(at)
			fresh := mustPlayer(t, sc)
			fresh.advanceTo(at)
			requireSameState(t, fresh, p, fmt.Sprintf("seek to %s", at))
			requireMatchesEngine(t, p, evs, fmt.Sprintf("seek to %s", at))
			require.NotNil(t, p.watch, "a lesson's pause condition survives a seek back")
		}
	})
}

// maxSteps bounds the stepping tests in the sandbox's many event times.
func maxSteps(l *Lesson) int {
	if l.Sandbox {
		return 600
	}
	return 1 << 30
}

func TestStepForwardLandsOnTheNextEvent(t *testing.T) {
	eachLesson(t, func(t *testing.T, l *Lesson, sc *scenario.Scenario) {
		evs := reference(t, sc, horizon(l, sc))
		times := eventTimes(evs)
		p := mustPlayer(t, sc)
		for i := 0; !p.finished() && i < maxSteps(l); i++ {
			prev := p.now
			p.stepForward()
			want := sc.Duration
			if k, _ := slices.BinarySearch(times, prev+1); k < len(times) {
				want = times[k]
			} else {
				require.Equal(t, sc.Duration, horizon(l, sc), "stepped past the reference")
			}
			require.Equal(t, want, p.now, "step %d from %s", i, prev)
			require.Greater(t, p.now, prev, "a step always moves on")
			if i%25 == 0 || !l.Sandbox {
				requireMatchesEngine(t, p, evs, fmt.Sprintf("step %d", i))
			}
		}
		if !l.Sandbox {
			require.True(t, p.finished())
			p.stepForward()
			assert.Equal(t, p.end(), p.now, "stepping at the end stays at the end")
		}
	})
}

func TestStepBackLandsOnThePreviousEvent(t *testing.T) {
	eachLesson(t, func(t *testing.T, l *Lesson, sc *scenario.Scenario) {
		evs := reference(t, sc, horizon(l, sc))
		times := eventTimes(evs)
		p := mustPlayer(t, sc)
		start := sc.Duration
		if l.Sandbox {
			start = times[40] + time.Millisecond // a few steps; each replays the run
		}
		p.advanceTo(start)
		for i := 0; p.now > 0; i++ {
			prev := p.now
			p.stepBack()
			want := time.Duration(0)
			if k, _ := slices.BinarySearch(times, prev); k > 0 {
				want = times[k-1]
			}
			require.Equal(t, want, p.now, "step back %d from %s", i, prev)
			if i%10 == 0 {
				fresh := mustPlayer(t, sc)
				fresh.advanceTo(want)
				requireSameState(t, fresh, p, fmt.Sprintf("back to %s", want))
			}
		}
		p.stepBack()
		assert.Equal(t, time.Duration(0), p.now, "nothing before the start")
	})
}

// runUntil stops at the first event its condition accepts, wherever in a
// moment's events it comes, and leaves no condition behind.
func TestRunUntilStopsAtTheFirstMatch(t *testing.T) {
	sc := lessonScenario(t, 5)
	evs := reference(t, sc, sc.Duration)
	nth := func(n int) func() func(sim.Event) bool {
		return func() func(sim.Event) bool {
			seen := 0
			return func(e sim.Event) bool {
				if e.Kind == sim.PortAllocated {
					seen++
				}
				return seen == n
			}
		}
	}
	tests := []struct {
		name  string
		match func() func(sim.Event) bool // a fresh condition: some count
	}{
		{"the first port", nth(1)},
		{"the fourth port", nth(4)},
		{"the first failure", func() func(sim.Event) bool {
			return func(e sim.Event) bool { return e.Kind == sim.ConnectFailed }
		}},
		{"the first TIME_WAIT", func() func(sim.Event) bool {
			return func(e sim.Event) bool { return e.Kind == sim.State && e.State == engine.TimeWait }
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A new player has seen time 0 already; the condition sees
			// what comes after.
			p := mustPlayer(t, sc)
			after := evs[p.events:]
			require.Positive(t, after[0].At)
			i := slices.IndexFunc(after, tc.match())
			require.GreaterOrEqual(t, i, 0, "lesson 5 has %s", tc.name)
			got, ok := p.runUntil(tc.match())
			require.True(t, ok)
			assert.Equal(t, after[i], got)
			assert.Equal(t, after[i].At, p.now, "the player stops at the moment of the match")
			assert.Nil(t, p.watch, "no condition is left watching")
		})
	}
	p := mustPlayer(t, sc)
	_, ok := p.runUntil(func(sim.Event) bool { return false })
	assert.False(t, ok, "a condition nothing meets plays to the end")
	assert.True(t, p.finished())
}

func TestWaitingWithoutEphemeralPorts(t *testing.T) {
	var l *Lesson
	for _, x := range builtin(t).Lessons {
		if x.Compare {
			l = x
		}
	}
	require.NotNil(t, l, "a lesson compares with and without ephemeral ports")
	sc := lessonScenario(t, l.Number)
	require.Equal(t, scenario.Serial, sc.Ports, "lesson %d animates the thought experiment", l.Number)
	evs := reference(t, sc, sc.Duration)
	reasons := map[sim.WaitReason]int{}
	for i, w := range evs {
		if w.Kind != sim.Waiting {
			continue
		}
		reasons[w.Reason]++
		// What ends the wait: the client gets its port, or the busy
		// server's one port takes this connection's SYN.
		var clear *sim.Event
		for j := i + 1; j < len(evs); j++ {
			e := evs[j]
			if e.Host == w.Host && e.Conn == w.Conn && (e.Kind == sim.PortAllocated || e.Kind == sim.State && e.State == engine.SynRcvd) {
				clear = &evs[j]
				break
			}
		}
		require.NotNil(t, clear, "wait %v never ends", w)
		p := mustPlayer(t, sc)
		p.advanceTo(w.At)
		h := &p.hosts[p.hostIndex(w.Host)]
		if clear.At > w.At {
			require.Contains(t, h.waiting, w.Conn, "%s at %s", w, w.At)
			assert.Equal(t, w, h.waiting[w.Conn])
			p.advanceTo(clear.At - 1)
			require.Contains(t, h.waiting, w.Conn, "still waiting just before %s", clear)
		}
		p.advanceTo(clear.At)
		require.NotContains(t, h.waiting, w.Conn, "wait cleared by %s", clear)
	}
	assert.Positive(t, reasons[sim.TupleInUse], "alice's 3 connections share (alice:80, web:80): they wait for each other")
	assert.Positive(t, reasons[sim.ServerBusy], "web's one port serves one conversation at a time")
	p := mustPlayer(t, sc)
	p.advanceTo(sc.Duration)
	for _, h := range p.hosts {
		assert.Empty(t, h.waiting, "%s: everyone is served by the end", h.Name)
	}
}

// The server's one port is either listening or serving: busy follows
// the simulation's Serving events, and it was busy at some point.
func TestBusyFollowsServing(t *testing.T) {
	sc := lessonScenario(t, 4)
	evs := reference(t, sc, sc.Duration)
	var serving []sim.Event
	for _, e := range evs {
		if e.Kind == sim.Serving {
			serving = append(serving, e)
		}
	}
	require.NotEmpty(t, serving, "without ephemeral ports the server says when it serves")
	p := mustPlayer(t, sc)
	sawBusy := false
	for _, e := range serving {
		p.advanceTo(e.At)
		h := &p.hosts[p.hostIndex(e.Host)]
		// The last Serving event at this moment for this host decides.
		want := e.Busy
		for _, o := range serving {
			if o.At == e.At && o.Host == e.Host {
				want = o.Busy
			}
		}
		require.Equal(t, want, h.busy, "%s at %s", e.Host, e.At)
		require.True(t, h.server, "%s serves: it listens", e.Host)
		sawBusy = sawBusy || h.busy
	}
	assert.True(t, sawBusy)
	p.advanceTo(sc.Duration)
	for _, h := range p.hosts {
		assert.False(t, h.busy, "%s: nothing is sent after the last response", h.Name)
	}
}

func TestConnectFailures(t *testing.T) {
	tests := []struct {
		lesson int
		host   string
		errno  *engine.Errno
	}{
		// Lesson 5: the range is used up; connect() has no port.
		// Lesson 5's client runs Windows XP: Winsock's WSAENOBUFS
		// (docs/facts-extra.md).
		{5, "client", engine.ErrNoBufs},
		// Lesson 4: cache listens on :80, so it cannot bind :80 to fetch.
		{4, "cache", engine.ErrAddrInUse},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("lesson %d", tc.lesson), func(t *testing.T) {
			sc := lessonScenario(t, tc.lesson)
			evs := reference(t, sc, sc.Duration)
			var fails []sim.Event
			for _, e := range evs {
				if e.Kind == sim.ConnectFailed {
					require.Equal(t, tc.host, e.Host, "only %s fails", tc.host)
					require.ErrorIs(t, e.Err, tc.errno)
					fails = append(fails, e)
				}
			}
			require.NotEmpty(t, fails)
			p := mustPlayer(t, sc)
			h := &p.hosts[p.hostIndex(tc.host)]
			p.advanceTo(fails[0].At - 1)
			assert.Zero(t, h.failures, "no failure before the first")
			assert.Zero(t, h.fail.Kind)
			p.advanceTo(fails[0].At)
			assert.Equal(t, 1, h.failures)
			assert.Equal(t, fails[0], h.fail)
			p.advanceTo(sc.Duration)
			assert.Equal(t, len(fails), h.failures)
			assert.Equal(t, fails[len(fails)-1], h.fail)
			for _, o := range p.hosts {
				if o.Name != tc.host {
					assert.Zero(t, o.failures, o.Name)
				}
			}
		})
	}
}

// Lesson 5 from first principles: a range of N ports, one connect every
// Every, each port then held in TIME_WAIT far longer than N×Every: the first
// N connects get the N ports and the (N+1)-th fails (facts/ports.md fact 10).
func TestRunningOutFailsExactlyWhenTheRangeIsUsedUp(t *testing.T) {
	sc := lessonScenario(t, 5)
	require.Len(t, sc.Connects, 1)
	r := sc.Hosts[0].Range
	require.NotZero(t, r, "lesson 5's client has a small range of its own")
	every := sc.Connects[0].Every
	require.Equal(t, time.Duration(0), sc.Connects[0].At)
	require.Greater(t, sc.Hosts[0].TimeWait, time.Duration(r.Size())*every, "ports stay held while the range is used up")
	p := mustPlayer(t, sc)
	first := time.Duration(r.Size()) * every
	p.advanceTo(first - 1)
	assert.Zero(t, p.hosts[0].failures, "the first %d connects each get a port", r.Size())
	assert.Equal(t, r.Size(), p.kinds[sim.PortAllocated])
	p.advanceTo(first)
	assert.Equal(t, 1, p.hosts[0].failures)
	assert.ErrorIs(t, p.hosts[0].fail.Err, p.hosts[0].Profile.ExhaustedErr, "Windows XP's own error")
}

func TestSamplesMatchTheEngine(t *testing.T) {
	eachLesson(t, func(t *testing.T, l *Lesson, sc *scenario.Scenario) {
		p := mustPlayer(t, sc)
		end := horizon(l, sc)
		stepsTo(p, end)
		every := max(sc.Duration/samplesPerRun, time.Millisecond)
		require.Len(t, p.samples, int(end/every)+1)
		clients := clientNames(sc)
		ref, err := sim.New(sc)
		require.NoError(t, err)
		busy := 0
		for k, s := range p.samples {
			require.Equal(t, time.Duration(k)*every, s.At, "sample %d", k)
			ref.Run(s.At, nil)
			var inUse, wait int
			for _, h := range ref.Hosts() {
				if clients[h.Name()] {
					est, tw := h.Conns(engine.TCP)
					udp, _ := h.Conns(engine.UDP)
					inUse += est + udp + h.Unconnected(engine.UDP)
					wait += tw
				}
			}
			require.Equal(t, inUse, s.InUse, "in use at %s", s.At)
			require.Equal(t, wait, s.Wait, "TIME_WAIT at %s", s.At)
			busy += s.InUse + s.Wait
		}
		assert.Positive(t, busy, "the clients hold ports at some sample")
	})
}

func TestPlayPacesPacketsInFlight(t *testing.T) {
	sc := lessonScenario(t, 1)
	p := mustPlayer(t, sc)
	p.stepForward()
	require.NotEmpty(t, p.flights, "the first thing after time 0 is the client's SYN")
	pc := pace{flight: 0.02, idle: 4}
	const speed = 2.0
	dt := 16 * time.Millisecond
	step := time.Duration(float64(dt) * pc.flight * speed)
	require.Positive(t, step)
	moves := 0
	for len(p.flights) > 0 {
		before := p.now
		p.play(dt, speed, pc, Budget{})
		require.Equal(t, before+step, p.now, "while a packet flies time runs at pace.flight × speed")
		moves++
	}
	assert.Greater(t, moves, 1, "a packet is followed over several frames")
}

func TestPlayStopsAtTheNextEventWhenIdle(t *testing.T) {
	sc := lessonScenario(t, 1)
	times := eventTimes(reference(t, sc, sc.Duration))
	require.Greater(t, len(times), 1)
	next := times[1] // times[0] is 0: the listener
	require.Greater(t, next, 100*time.Millisecond)
	pc := pace{flight: 0.01, idle: 4}

	p := mustPlayer(t, sc)
	require.Empty(t, p.flights)
	p.play(time.Second, 1, pc, Budget{})
	assert.Equal(t, next, p.now, "a quiet stretch ends at the next event")

	p = mustPlayer(t, sc)
	dt := 10 * time.Millisecond
	p.play(dt, 1, pc, Budget{})
	want := time.Duration(float64(dt) * pc.idle)
	require.Less(t, want, next)
	assert.Equal(t, want, p.now, "before the next event, quiet time runs at pace.idle × speed")

	p = mustPlayer(t, sc)
	p.play(time.Second, 1, pace{flight: 4, idle: 4}, Budget{}) // no slow motion (the sandbox)
	assert.Equal(t, 4*time.Second, p.now, "without slow motion there is no stop at events")
}

func TestPlayAlwaysMovesAndStopsAtTheEnd(t *testing.T) {
	sc := lessonScenario(t, 1)
	p := mustPlayer(t, sc)
	pc := pace{flight: 0.01, idle: 0.5}
	p.play(0, 1, pc, Budget{})
	assert.Equal(t, time.Duration(1), p.now, "zero real time still moves one nanosecond")
	p.play(time.Nanosecond, 0.25, pc, Budget{})
	assert.Equal(t, time.Duration(2), p.now, "a speed too low for a nanosecond still moves one")
	for i := 0; !p.finished(); i++ {
		require.Less(t, i, 100000, "play reaches the end")
		p.play(time.Second, 64, pc, Budget{})
		require.LessOrEqual(t, p.now, p.end())
	}
	assert.Equal(t, p.end(), p.now)
	p.play(time.Second, 64, pc, Budget{})
	p.play(0, 1, pc, Budget{})
	assert.Equal(t, p.end(), p.now, "nothing plays beyond the end")
}

func TestFirstConns(t *testing.T) {
	sc := lessonScenario(t, 3)
	p := mustPlayer(t, sc)
	p.advanceTo(sc.Duration / 9)
	all := func(connState) bool { return true }
	isTW := func(c connState) bool { return c.state == engine.TimeWait }
	var twSeen, several bool
	for i := range p.hosts {
		h := &p.hosts[i]
		ids := slices.Sorted(maps.Keys(h.conns))
		several = several || len(ids) > 2
		for _, k := range []int{0, 1, 2, len(ids), len(ids) + 3} {
			got, n := h.firstConns(k, all)
			require.Equal(t, len(ids), n, "%s: all are counted", h.Name)
			require.Len(t, got, min(k, len(ids)), "%s: at most k", h.Name)
			for j, c := range got {
				require.Equal(t, ids[j], c.id, "%s: the first %d in the order they began", h.Name, k)
				require.Equal(t, h.conns[c.id], c)
			}
		}
		tws, n := h.firstConns(len(ids), isTW)
		require.Len(t, tws, n)
		require.Equal(t, h.nTW, n)
		for _, c := range tws {
			require.Equal(t, engine.TimeWait, c.state)
			twSeen = true
		}
	}
	assert.True(t, twSeen, "lesson 3 shows TIME_WAIT at %s", p.now)
	assert.True(t, several, "some host has several connections at %s", p.now)
}

// connsFromEvents is what the events up to now say each host's
// connections are: the state of each (its latest State event, dropped
// when CLOSED or failed), and the order in which they entered TIME_WAIT.
func connsFromEvents(evs []sim.Event, now time.Duration) (state map[string]map[int]engine.ConnState, twOrder map[string][]int) {
	state, twOrder = map[string]map[int]engine.ConnState{}, map[string][]int{}
	for _, e := range evs {
		if e.At > now {
			break
		}
		if state[e.Host] == nil {
			state[e.Host] = map[int]engine.ConnState{}
		}
		switch {
		case e.Kind == sim.ConnectFailed, e.Kind == sim.State && e.State == engine.Closed:
			delete(state[e.Host], e.Conn)
		case e.Kind == sim.State:
			// A TIME_WAIT that starts over (the peer's FIN came again) is
			// still the one entry.
			if e.State == engine.TimeWait && state[e.Host][e.Conn] != engine.TimeWait {
				twOrder[e.Host] = append(twOrder[e.Host], e.Conn)
			}
			state[e.Host][e.Conn] = e.State
		}
	}
	return state, twOrder
}

// firstRows picks, without sorting them all, the first k connections at
// work by number and the first k to have entered TIME_WAIT. A busy host
// holds thousands, and its TIME_WAIT list is compacted as they leave: a
// sandbox with a 1 s TIME_WAIT at 500 connections a second does that
// within seconds.
func TestFirstRowsMatchesTheEvents(t *testing.T) {
	busy := DefaultSettings()
	busy.Sandbox = Sandbox{TimeWait: time.Second, Clients: 2, Rate: 500, Dests: 1}
	tests := []struct {
		lesson  int
		set     Settings
		horizon time.Duration // 0: the whole run
		compact bool          // the TIME_WAIT list must have been compacted
	}{
		{3, DefaultSettings(), 0, false},
		{5, DefaultSettings(), 0, false},
		{7, DefaultSettings(), 0, false},
		{6, busy, 10 * time.Second, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("lesson %d", tc.lesson), func(t *testing.T) {
			sc := runOf(t, tc.lesson, tc.set).Scenario
			end := sc.Duration
			if tc.horizon > 0 {
				end = tc.horizon
			}
			evs := reference(t, sc, end)
			p := mustPlayer(t, sc)
			var seenActive, seenTW, compacted bool
			for at := time.Duration(0); at <= end; at += end / 40 {
				p.advanceTo(at)
				state, order := connsFromEvents(evs, p.now)
				for i := range p.hosts {
					h := &p.hosts[i]
					var active []int
					for id, st := range state[h.Name] {
						if st != engine.TimeWait {
							active = append(active, id)
						}
					}
					slices.Sort(active)
					var tw []int
					for _, id := range order[h.Name] {
						if state[h.Name][id] == engine.TimeWait {
							tw = append(tw, id)
						}
					}
					for _, k := range []int{0, 1, 3, maxRows} {
						gotA, gotTW := h.firstRows(k, nil, nil)
						wantTW := slices.Sorted(slices.Values(tw[:min(k, len(tw))]))
						require.Equal(t, ids2(active[:min(k, len(active))]), ids(gotA), "%s at %s: the first %d at work", h.Name, p.now, k)
						require.Equal(t, ids2(wantTW), ids(gotTW), "%s at %s: the first %d to enter TIME_WAIT", h.Name, p.now, k)
						for _, c := range append(gotA, gotTW...) {
							require.Equal(t, h.conns[c.id], c)
						}
					}
					seenActive = seenActive || len(active) > 0
					seenTW = seenTW || len(tw) > 0
					compacted = compacted || len(h.twOrder) < len(order[h.Name])
				}
			}
			assert.True(t, seenActive, "connections at work were checked")
			assert.True(t, seenTW, "TIME_WAITs were checked")
			assert.Equal(t, tc.compact, compacted, "the TIME_WAIT list was compacted")
		})
	}
}

// ids2 is xs, never nil, to compare with ids.
func ids2(xs []int) []int { return append([]int{}, xs...) }

func ids(cs []connState) []int {
	out := []int{}
	for _, c := range cs {
		out = append(out, c.id)
	}
	return out
}

// nTW is kept as the events come, so a frame need not count: it must
// always equal the TIME_WAIT connections the host lists.
func TestTimeWaitCountFollowsTheConnections(t *testing.T) {
	for _, n := range []int{3, 5, 6} {
		sc := lessonScenario(t, n)
		p := mustPlayer(t, sc)
		for at := time.Duration(0); at <= min(75*time.Second, sc.Duration); at += 5 * time.Second {
			p.advanceTo(at)
			for _, h := range p.hosts {
				_, tw := h.firstConns(0, func(c connState) bool { return c.state == engine.TimeWait })
				require.Equal(t, tw, h.nTW, "lesson %d: %s at %v", n, h.Name, at)
				require.Equal(t, len(h.conns)-tw, len(h.active), "lesson %d: %s at %v", n, h.Name, at)
			}
		}
	}
}
