package game

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// builtin is scene n's built-in scenario exactly as shipped (no settings
// applied).
func builtin(t testing.TB, n int) *scenario.Scenario {
	t.Helper()
	b, err := assets.Scenario(scenes[n-1].scenario)
	require.NoError(t, err)
	sc, err := scenario.Parse(b.Source)
	require.NoError(t, err)
	return sc
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

// horizon is how far a test follows scene n: the whole run, except in the
// sandbox, whose full run holds over a million events; its first 75 s
// include the first TIME_WAITs ending (60 s on Linux and FreeBSD).
func horizon(n int, sc *scenario.Scenario) time.Duration {
	if n == SceneCount {
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
		if e.Kind == sim.Packet && e.At <= now && now < e.Arrive {
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

// requireSameState compares everything a player shows.
func requireSameState(t testing.TB, want, got *player, msg string) {
	t.Helper()
	require.Equal(t, want.now, got.now, "%s: now", msg)
	require.Equal(t, want.events, got.events, "%s: events", msg)
	require.Equal(t, want.last, got.last, "%s: last event", msg)
	require.Equal(t, want.sampleEvery, got.sampleEvery, "%s: sampleEvery", msg)
	require.Equal(t, want.samples, got.samples, "%s: samples", msg)
	require.Equal(t, emptyToNil(want.flights), emptyToNil(got.flights), "%s: flights", msg)
	require.Equal(t, len(want.hosts), len(got.hosts), msg)
	for i := range want.hosts {
		w, g := want.hosts[i], got.hosts[i]
		require.Equal(t, w.name, g.name, msg)
		require.Equal(t, w.listens, g.listens, "%s: %s listens", msg, w.name)
		require.Equal(t, w.conns, g.conns, "%s: %s conns", msg, w.name)
		require.Equal(t, w.waiting, g.waiting, "%s: %s waiting", msg, w.name)
		require.Equal(t, w.fail, g.fail, "%s: %s fail", msg, w.name)
		require.Equal(t, w.failures, g.failures, "%s: %s failures", msg, w.name)
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
	if n > 0 {
		require.Equal(t, ref[n-1], p.last, "%s: latest event", msg)
	}
	require.Equal(t, emptyToNil(inFlight(ref, p.now)), emptyToNil(p.flights), "%s: packets in flight at %s", msg, p.now)
	for _, f := range p.flights {
		require.True(t, f.At <= p.now && p.now < f.Arrive, "%s: flight %v at %s", msg, f, p.now)
	}
	for i, e := range p.sim.Hosts() {
		h := &p.hosts[i]
		require.Equal(t, e.Name(), h.name)
		require.Equal(t, e.Profile(), h.profile, "%s: %s's profile is the engine's", msg, h.name)
		est, tw := e.Conns(engine.TCP)
		var gotTW int
		for id, c := range h.conns {
			require.Equal(t, id, c.id)
			st, ok := e.Conn(c.tuple)
			require.True(t, ok, "%s: %s shows #%d %s (%s) that the engine does not have", msg, h.name, id, c.tuple, c.state)
			if c.state == "TIME_WAIT" {
				gotTW++
				require.Equal(t, engine.TimeWait, st, "%s: %s #%d", msg, h.name, id)
			} else {
				require.Equal(t, engine.Established, st, "%s: %s #%d %s", msg, h.name, id, c.state)
			}
		}
		require.Equal(t, est+tw, len(h.conns), "%s: %s's connections at %s", msg, h.name, p.now)
		require.Equal(t, tw, gotTW, "%s: %s's TIME_WAITs at %s", msg, h.name, p.now)
	}
}

func TestNewPlayerObservesTimeZero(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		t.Run(scenes[n-1].scenario, func(t *testing.T) {
			sc := builtin(t, n)
			p := mustPlayer(t, sc)
			assert.Equal(t, time.Duration(0), p.now)
			assert.Equal(t, sc.Duration, p.end())
			assert.False(t, p.finished())
			requireMatchesEngine(t, p, reference(t, sc, 0), "time 0")
			clients := clientNames(sc)
			for i, hs := range sc.Hosts {
				h := p.hosts[i]
				require.Equal(t, hs.Name, h.name, "hosts keep the scenario's order")
				require.Equal(t, hs.Addr, h.addr)
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
			assert.Equal(t, time.Duration(0), p.samples[0].at)
			assert.Equal(t, max(sc.Duration/samplesPerRun, time.Millisecond), p.sampleEvery)
		})
	}
}

// steps cuts the way to t into uneven pieces, some far below and some far
// above sampleEvery.
func stepsTo(p *player, t time.Duration) {
	pieces := []time.Duration{time.Millisecond, 37 * time.Millisecond, p.sampleEvery / 2, 250 * time.Millisecond, 3*p.sampleEvery + 1}
	for i := 0; p.now < t; i++ {
		p.advanceTo(min(p.now+pieces[i%len(pieces)], t))
	}
}

func TestAdvanceToIsIndependentOfChunking(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		t.Run(scenes[n-1].scenario, func(t *testing.T) {
			sc := builtin(t, n)
			end := horizon(n, sc)
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
}

func TestAdvanceToAndSeekStayWithinTheRun(t *testing.T) {
	sc := builtin(t, 1)
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
}

func TestSeekBackEqualsAFreshRun(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		t.Run(scenes[n-1].scenario, func(t *testing.T) {
			sc := builtin(t, n)
			end := horizon(n, sc)
			evs := reference(t, sc, end)
			times := eventTimes(evs)
			p := mustPlayer(t, sc)
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
			}
		})
	}
}

// maxSteps bounds the stepping tests in the sandbox's many event times.
func maxSteps(n int) int {
	if n == SceneCount {
		return 600
	}
	return 1 << 30
}

func TestStepForwardLandsOnTheNextEvent(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		t.Run(scenes[n-1].scenario, func(t *testing.T) {
			sc := builtin(t, n)
			evs := reference(t, sc, horizon(n, sc))
			times := eventTimes(evs)
			p := mustPlayer(t, sc)
			for i := 0; !p.finished() && i < maxSteps(n); i++ {
				prev := p.now
				p.stepForward()
				want := sc.Duration
				if k, _ := slices.BinarySearch(times, prev+1); k < len(times) {
					want = times[k]
				} else {
					require.Equal(t, sc.Duration, horizon(n, sc), "stepped past the reference")
				}
				require.Equal(t, want, p.now, "step %d from %s", i, prev)
				require.Greater(t, p.now, prev, "a step always moves on")
				if i%25 == 0 || n != SceneCount {
					requireMatchesEngine(t, p, evs, fmt.Sprintf("step %d", i))
				}
			}
			if n != SceneCount {
				require.True(t, p.finished())
				p.stepForward()
				assert.Equal(t, p.end(), p.now, "stepping at the end stays at the end")
			}
		})
	}
}

func TestStepBackLandsOnThePreviousEvent(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		t.Run(scenes[n-1].scenario, func(t *testing.T) {
			sc := builtin(t, n)
			evs := reference(t, sc, horizon(n, sc))
			times := eventTimes(evs)
			p := mustPlayer(t, sc)
			start := sc.Duration
			if n == SceneCount {
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
}

func TestWaitingWithoutEphemeralPorts(t *testing.T) {
	sc := builtin(t, 4)
	require.False(t, sc.Ephemeral, "scene 4 is the counterfactual")
	evs := reference(t, sc, sc.Duration)
	reasons := map[string]int{}
	for i, w := range evs {
		if w.Kind != sim.Waiting {
			continue
		}
		reasons[w.State]++
		// What ends the wait: the client gets its port, or the busy
		// server starts sending this connection's response.
		var clear *sim.Event
		for j := i + 1; j < len(evs); j++ {
			e := evs[j]
			if e.Host == w.Host && e.Conn == w.Conn && (e.Kind == sim.PortAllocated || e.Kind == sim.Packet && e.Len > 0) {
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
	assert.Positive(t, reasons["4-tuple in use"], "alice's 3 connections share (alice:80, web:80): they wait for each other")
	assert.Positive(t, reasons["server busy"], "web's one port serves one conversation at a time")
	p := mustPlayer(t, sc)
	p.advanceTo(sc.Duration)
	for _, h := range p.hosts {
		assert.Empty(t, h.waiting, "%s: everyone is served by the end", h.name)
	}
}

func TestConnectFailures(t *testing.T) {
	tests := []struct {
		scene int
		host  string
		errno *engine.Errno
	}{
		// Lesson 5: the range is used up; connect() has no port.
		{5, "client", engine.ErrAddrNotAvail},
		// Lesson 4: cache listens on :80, so it cannot bind :80 to fetch.
		{4, "cache", engine.ErrAddrInUse},
	}
	for _, tc := range tests {
		t.Run(scenes[tc.scene-1].scenario, func(t *testing.T) {
			sc := builtin(t, tc.scene)
			evs := reference(t, sc, sc.Duration)
			var fails []sim.Event
			for _, e := range evs {
				if e.Kind == sim.ConnectFailed {
					require.Equal(t, tc.host, e.Host, "only %s fails", tc.host)
					require.Equal(t, tc.errno.Name, e.Err)
					fails = append(fails, e)
				}
			}
			require.NotEmpty(t, fails)
			p := mustPlayer(t, sc)
			p.advanceTo(fails[0].At - 1)
			assert.Zero(t, p.hosts[p.hostIndex(tc.host)].failures, "no failure before the first")
			assert.Zero(t, p.hosts[p.hostIndex(tc.host)].fail.Kind)
			p.advanceTo(fails[0].At)
			assert.Equal(t, 1, p.hosts[p.hostIndex(tc.host)].failures)
			assert.Equal(t, fails[0], p.hosts[p.hostIndex(tc.host)].fail)
			p.advanceTo(sc.Duration)
			h := &p.hosts[p.hostIndex(tc.host)]
			assert.Equal(t, len(fails), h.failures)
			assert.Equal(t, fails[len(fails)-1], h.fail)
			for _, o := range p.hosts {
				if o.name != tc.host {
					assert.Zero(t, o.failures, o.name)
				}
			}
		})
	}
}

// Lesson 5 from first principles: a range of N ports, one connect every
// Every, each port then held in TIME_WAIT far longer than N×Every: the first
// N connects get the N ports and the (N+1)-th fails (facts/ports.md fact 10).
func TestRunningOutFailsExactlyWhenTheRangeIsUsedUp(t *testing.T) {
	sc := builtin(t, 5)
	require.Len(t, sc.Connects, 1)
	r, err := engine.ParseRange(sc.Hosts[0].Range)
	require.NoError(t, err)
	every := sc.Connects[0].Every
	require.Greater(t, sc.Hosts[0].TimeWait, time.Duration(r.Size())*every, "ports stay held while the range is used up")
	p := mustPlayer(t, sc)
	first := time.Duration(r.Size()) * every
	p.advanceTo(first - 1)
	assert.Zero(t, p.hosts[0].failures, "the first %d connects each get a port", r.Size())
	p.advanceTo(first)
	assert.Equal(t, 1, p.hosts[0].failures)
	assert.Equal(t, "EADDRNOTAVAIL", p.hosts[0].fail.Err)
}

func TestSamplesMatchTheEngine(t *testing.T) {
	for n := 1; n <= SceneCount; n++ {
		t.Run(scenes[n-1].scenario, func(t *testing.T) {
			sc := builtin(t, n)
			p := mustPlayer(t, sc)
			end := horizon(n, sc)
			stepsTo(p, end)
			every := max(sc.Duration/samplesPerRun, time.Millisecond)
			require.Len(t, p.samples, int(end/every)+1)
			clients := clientNames(sc)
			ref, err := sim.New(sc)
			require.NoError(t, err)
			busy := 0
			for k, s := range p.samples {
				require.Equal(t, time.Duration(k)*every, s.at, "sample %d", k)
				ref.Run(s.at, nil)
				var inUse, wait int
				for _, h := range ref.Hosts() {
					if clients[h.Name()] {
						est, tw := h.Conns(engine.TCP)
						inUse += est
						wait += tw
					}
				}
				require.Equal(t, inUse, s.inUse, "in use at %s", s.at)
				require.Equal(t, wait, s.wait, "TIME_WAIT at %s", s.at)
				busy += s.inUse + s.wait
			}
			assert.Positive(t, busy, "the clients hold ports at some sample")
		})
	}
}

func TestPlayPacesPacketsInFlight(t *testing.T) {
	sc := builtin(t, 1)
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
		p.play(dt, speed, pc)
		require.Equal(t, before+step, p.now, "while a packet flies time runs at pace.flight × speed")
		moves++
	}
	assert.Greater(t, moves, 1, "a packet is followed over several frames")
}

func TestPlayStopsAtTheNextEventWhenIdle(t *testing.T) {
	sc := builtin(t, 1)
	times := eventTimes(reference(t, sc, sc.Duration))
	require.Greater(t, len(times), 1)
	next := times[1] // times[0] is 0: the listener
	require.Greater(t, next, 100*time.Millisecond)
	pc := pace{flight: 0.01, idle: 4}

	p := mustPlayer(t, sc)
	require.Empty(t, p.flights)
	p.play(time.Second, 1, pc)
	assert.Equal(t, next, p.now, "a quiet stretch ends at the next event")

	p = mustPlayer(t, sc)
	dt := 10 * time.Millisecond
	p.play(dt, 1, pc)
	want := time.Duration(float64(dt) * pc.idle)
	require.Less(t, want, next)
	assert.Equal(t, want, p.now, "before the next event, quiet time runs at pace.idle × speed")

	p = mustPlayer(t, sc)
	p.play(time.Second, 1, pace{flight: 4, idle: 4}) // no slow motion (the sandbox)
	assert.Equal(t, 4*time.Second, p.now, "without slow motion there is no stop at events")
}

func TestPlayAlwaysMovesAndStopsAtTheEnd(t *testing.T) {
	sc := builtin(t, 1)
	p := mustPlayer(t, sc)
	pc := pace{flight: 0.01, idle: 0.5}
	p.play(0, 1, pc)
	assert.Equal(t, time.Duration(1), p.now, "zero real time still moves one nanosecond")
	p.play(time.Nanosecond, 0.25, pc)
	assert.Equal(t, time.Duration(2), p.now, "a speed too low for a nanosecond still moves one")
	for i := 0; !p.finished(); i++ {
		require.Less(t, i, 100000, "play reaches the end")
		p.play(time.Second, 64, pc)
		require.LessOrEqual(t, p.now, p.end())
	}
	assert.Equal(t, p.end(), p.now)
	p.play(time.Second, 64, pc)
	p.play(0, 1, pc)
	assert.Equal(t, p.end(), p.now, "nothing plays beyond the end")
}

func TestFirstConnsAndTimeWaitLeft(t *testing.T) {
	sc := builtin(t, 3)
	p := mustPlayer(t, sc)
	p.advanceTo(sc.Duration / 9)
	all := func(connState) bool { return true }
	isTW := func(c connState) bool { return c.state == "TIME_WAIT" }
	var twSeen, several bool
	for i := range p.hosts {
		h := &p.hosts[i]
		var ids []int
		for id := range h.conns {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		several = several || len(ids) > 2
		for _, k := range []int{0, 1, 2, len(ids), len(ids) + 3} {
			got, n := h.firstConns(k, all)
			require.Equal(t, len(ids), n, "%s: all are counted", h.name)
			require.Len(t, got, min(k, len(ids)), "%s: at most k", h.name)
			for j, c := range got {
				require.Equal(t, ids[j], c.id, "%s: the first %d in the order they began", h.name, k)
				require.Equal(t, h.conns[c.id], c)
			}
		}
		tws, n := h.firstConns(len(ids), isTW)
		require.Len(t, tws, n)
		for _, c := range tws {
			require.Equal(t, "TIME_WAIT", c.state)
			twSeen = true
			left := h.timeWaitLeft(c.since, p.now)
			assert.Equal(t, h.profile.TimeWait-(p.now-c.since), left)
			assert.Positive(t, left, "a TIME_WAIT still shown has time left")
			assert.Equal(t, time.Duration(0), h.timeWaitLeft(c.since, c.since+h.profile.TimeWait+time.Second), "never negative")
		}
	}
	assert.True(t, twSeen, "lesson 3 shows TIME_WAIT at %s", p.now)
	assert.True(t, several, "some host has several connections at %s", p.now)
}

// nTW is kept as the events come, so a frame need not count: it must
// always equal the TIME_WAIT connections the host lists.
func TestTimeWaitCountFollowsTheConnections(t *testing.T) {
	for _, name := range []string{"3-ephemeral-ports", "5-running-out", "6-sandbox"} {
		b, err := assets.Scenario(name)
		require.NoError(t, err)
		sc, err := scenario.Parse(b.Source)
		require.NoError(t, err)
		p := mustPlayer(t, sc)
		for at := time.Duration(0); at <= 75*time.Second; at += 5 * time.Second {
			p.advanceTo(at)
			for _, h := range p.hosts {
				_, n := h.firstConns(0, func(c connState) bool { return c.state == "TIME_WAIT" })
				require.Equal(t, n, h.nTW, "%s: %s at %v", name, h.name, at)
			}
		}
	}
}
