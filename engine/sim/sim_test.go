package sim

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden traces in testdata/golden")

// builtin is one of the app's scenario files, read from the folder rather
// than through package assets, which the engine does not import.
type builtin struct{ name, source string }

func builtins(t testing.TB) []builtin {
	return scenarioFiles(t, filepath.Join("..", "..", "assets", "scenarios"))
}

// scenarioFiles reads every scenario file in dir; there is at least one.
func scenarioFiles(t testing.TB, dir string) []builtin {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	var out []builtin
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		out = append(out, builtin{strings.TrimSuffix(filepath.Base(p), ".txt"), string(src)})
	}
	return out
}

// builtinSource is the scenario file of lesson n.
func builtinSource(t testing.TB, n string) string {
	for _, b := range builtins(t) {
		if strings.HasPrefix(b.name, n+"-") {
			return b.source
		}
	}
	t.Fatalf("no scenario file for lesson %s", n)
	return ""
}

func run(t testing.TB, src string, until time.Duration) ([]Event, Stats) {
	sc, err := scenario.Parse(src)
	require.NoError(t, err)
	return runScenario(t, sc, until)
}

// runScenario runs sc until until (0: its duration).
func runScenario(t testing.TB, sc *scenario.Scenario, until time.Duration) ([]Event, Stats) {
	s, err := New(sc)
	require.NoError(t, err)
	if until == 0 {
		until = sc.Duration
	}
	var evs []Event
	s.Run(until, func(e Event) { evs = append(evs, e) })
	return evs, s.Stats()
}

func trace(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(Trace(e))
		b.WriteByte('\n')
	}
	return b.String()
}

// goldenUntil caps the sandbox's trace: thousands of connections make a
// file nobody reviews.
func goldenUntil(name string) time.Duration {
	if name == "6-sandbox" {
		return 300 * time.Millisecond
	}
	return 0
}

// examples are the scenarios of testdata/*.txt, shown in the docs but not
// lessons.
func examples(t testing.TB) []builtin {
	return scenarioFiles(t, "testdata")
}

// Every built-in and example scenario's trace is kept in testdata/golden
// and reviewed by eye when it changes: go test ./engine/sim -run Golden
// -update. A scenario without ephemeral ports is also kept as the thought
// experiment (NAME.serial.txt), the other column of lesson 4's comparison.
func TestGoldenTraces(t *testing.T) {
	type golden struct {
		name string
		sc   *scenario.Scenario
	}
	var goldens []golden
	for _, b := range append(builtins(t), examples(t)...) {
		sc, err := scenario.Parse(b.source)
		require.NoError(t, err)
		goldens = append(goldens, golden{b.name, sc})
		if sc.Ports == scenario.NoEphemeral {
			serial := *sc
			serial.Ports = scenario.Serial
			goldens = append(goldens, golden{b.name + ".serial", &serial})
		}
	}
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			evs, st := runScenario(t, g.sc, goldenUntil(g.name))
			got := trace(evs) + fmt.Sprintf("stats: %+v\n", st)
			path := filepath.Join("testdata", "golden", g.name+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden trace: run go test ./engine/sim -run Golden -update")
			assert.Equal(t, string(want), got)
		})
	}
}

// The same scenario and seed give the same events, in fresh simulations
// (fresh hosts, whose socket tables are maps) and when run in steps.
func TestDeterministicAndResumable(t *testing.T) {
	for _, b := range append(builtins(t), examples(t)...) {
		t.Run(b.name, func(t *testing.T) {
			until := goldenUntil(b.name)
			if until == 0 {
				until = 30 * time.Second
			}
			once, _ := run(t, b.source, until)
			again, _ := run(t, b.source, until)
			require.Equal(t, once, again, "same scenario, same events")

			sc, err := scenario.Parse(b.source)
			require.NoError(t, err)
			s, err := New(sc)
			require.NoError(t, err)
			var stepped []Event
			for at := time.Duration(0); at <= until; at += until / 7 {
				s.Run(at, func(e Event) { stepped = append(stepped, e) })
			}
			s.Run(until, func(e Event) { stepped = append(stepped, e) })
			assert.Equal(t, once, stepped, "running in steps gives the same events as at once")
		})
	}
}

// Every event is consistent with the connection's story: packets only on
// allocated 4-tuples, time never goes back, TIME_WAIT only on the side that
// closes first.
func TestEventsTellAConsistentStory(t *testing.T) {
	for _, b := range builtins(t) {
		t.Run(b.name, func(t *testing.T) {
			sc, err := scenario.Parse(b.source)
			require.NoError(t, err)
			closer := map[int]string{} // conn -> the closer's host
			open := map[int]bool{}
			// A send line's socket is bound once, on its first query's
			// send: its later queries use its port.
			sockets := map[string]bool{}
			evs, _ := run(t, b.source, 3*time.Minute)
			var last time.Duration
			for _, e := range evs {
				require.GreaterOrEqual(t, e.At, last, "time goes forward: %s", Trace(e))
				last = e.At
				switch e.Kind {
				case PortAllocated:
					require.False(t, open[e.Conn])
					open[e.Conn] = true
					if e.Socket != "" {
						sockets[e.Tuple.Local.String()] = true
					}
				case Packet:
					if e.Tuple.Proto == engine.UDP && sockets[e.Tuple.Local.String()] {
						open[e.Conn] = true // a query from a bound socket
					}
					require.True(t, open[e.Conn], "packet of a connection without a port: %s", Trace(e))
					// One latency along the link, a copy the network holds
					// its delay longer.
					require.Equal(t, e.At+sc.Latency+e.Delay, e.Arrive)
					if e.Flags&FIN != 0 && closer[e.Conn] == "" {
						closer[e.Conn] = e.Host
					}
				case State:
					if e.State == engine.TimeWait {
						require.Equal(t, closer[e.Conn], e.Host, "only the side that closed first holds TIME_WAIT: %s", Trace(e))
					}
				}
			}
		})
	}
}

const counterfactual = `
duration 60s
latency 10ms
ephemeral %s
host a 192.168.1.1
host b 192.168.1.2
host c 192.168.1.3
host web 10.0.0.10
listen web 80 service 100ms
connect a -> web:80 every 10ms count 4 hold 0s
connect b -> web:80 every 10ms count 4 hold 0s
connect c -> web:80 every 10ms count 4 hold 0s
`

// Lesson 4's three columns: the same 12 requests with ephemeral ports, in
// real TCP without them (one conversation per 4-tuple, clients at once),
// and in the thought experiment (one conversation at a time on the
// server's one port).
func TestWithoutEphemeralPorts(t *testing.T) {
	withEvs, with := run(t, fmt.Sprintf(counterfactual, "on"), 0)
	withoutEvs, without := run(t, fmt.Sprintf(counterfactual, "off"), 0)
	serialEvs, serial := run(t, fmt.Sprintf(counterfactual, "serial"), 0)
	for _, st := range []Stats{with, without, serial} {
		require.Equal(t, 12, st.Started)
		require.Equal(t, 12, st.Completed)
		require.Zero(t, st.Failed)
	}
	assert.Zero(t, with.TotalWait)
	assert.Zero(t, with.ServerWait)
	assert.Less(t, with.LastDone, 200*time.Millisecond, "with ephemeral ports they overlap")
	// Real TCP: each client's 4 conversations one after another (each
	// about 2 round trips + 100 ms), the three clients at the same time.
	assert.Greater(t, without.TotalWait, time.Duration(0))
	assert.Zero(t, without.ServerWait, "no server busy in real TCP")
	assert.Greater(t, without.LastDone, 4*140*time.Millisecond)
	assert.Less(t, without.LastDone, 1200*time.Millisecond)
	// One port, one conversation at a time: 12 requests of 100 ms each
	// cannot finish in less than 1.2 s.
	assert.GreaterOrEqual(t, serial.LastDone, 1200*time.Millisecond)
	assert.Greater(t, serial.ServerWait, time.Duration(0))

	for _, evs := range [][]Event{withEvs, withoutEvs, serialEvs} {
		// Per client, intervals from port allocation to release never
		// overlap when every connection is client:80 -> web:80.
		busy := map[string]bool{}
		for _, e := range evs {
			if e.Host == "web" {
				continue
			}
			switch e.Kind {
			case PortAllocated:
				if e.Tuple.Local.Port() == 80 {
					require.False(t, busy[e.Host], "%s opened a second conversation on the same 4-tuple", e.Host)
					busy[e.Host] = true
				}
			case PortReleased:
				busy[e.Host] = false
			}
		}
	}
	for i, evs := range [][]Event{withoutEvs, serialEvs} {
		established, most, takenOver := 0, 0, 0
		for _, e := range evs {
			switch {
			case e.Kind == PortAllocated:
				assert.Equal(t, uint16(80), e.Tuple.Local.Port())
			case e.Kind == State && e.Host == "web" && e.State == engine.Established:
				established++
				most = max(most, established)
			case e.Kind == PortReleased && e.Host == "web":
				established--
			case e.Kind == PortReleased && e.TakenOver:
				takenOver++
			}
		}
		if i == 0 {
			assert.Equal(t, 3, most, "real TCP: the server holds one ESTABLISHED :80 row per client at once")
		} else {
			// The thought experiment serves one conversation at a time; the
			// last one may still be closing as the next is taken.
			assert.Equal(t, 2, most, "thought experiment: one conversation served, one closing at most")
		}
		// Linux: a socket bound to :80 takes over its own TIME_WAIT at once
		// (facts §2 [TW], fact 9), and the trace says so.
		assert.Equal(t, 9, takenOver, "each client's 2nd to 4th conversation takes over the last one's TIME_WAIT")
	}
	waits := 0
	for _, e := range withoutEvs {
		if e.Kind == Waiting {
			// A real connect() to a 4-tuple in use fails: the program
			// waits and tries again (Linux's __inet_check_established).
			require.ErrorIs(t, e.Err, engine.ErrAddrNotAvail, "%s", Trace(e))
			waits++
		}
		require.NotEqual(t, Serving, e.Kind, "no server busy in real TCP")
		require.False(t, e.Kind == Waiting && e.Reason == ServerBusy, "no server busy in real TCP: %s", Trace(e))
	}
	assert.Positive(t, waits)
}

// Real TCP without ephemeral ports where the takeover rule does not apply
// (a FreeBSD client: only Linux lets a socket bound first take over a
// TIME_WAIT): a client's next connection to the same server waits out the
// last one's TIME_WAIT, and the waiting connections go in start order.
// When the server closes first, it holds the TIME_WAIT and the client's
// new SYN takes it over.
func TestTimeWaitHoldsTheFourTupleWithoutEphemeralPorts(t *testing.T) {
	const src = `
ephemeral off
latency 10ms
host a 192.168.1.1 profile freebsd
host web 10.0.0.10
listen web 80
connect a -> web:80 every 10ms count 3 hold 0s %s
`
	evs, st := run(t, fmt.Sprintf(src, ""), 3*time.Minute)
	require.Equal(t, 3, st.Completed)
	var allocated []int
	var at []time.Duration
	for _, e := range evs {
		require.False(t, e.TakenOver, "FreeBSD: no takeover of a TIME_WAIT by a bound socket: %s", Trace(e))
		if e.Kind == PortAllocated {
			allocated = append(allocated, e.Conn)
			at = append(at, e.At)
		}
	}
	assert.Equal(t, []int{1, 2, 3}, allocated, "in start order")
	require.Len(t, at, 3)
	for i := 1; i < 3; i++ {
		assert.GreaterOrEqual(t, at[i]-at[i-1], 60*time.Second, "each waits out the last one's TIME_WAIT")
	}
	assert.Greater(t, st.LastDone, 2*time.Minute)

	evs, st = run(t, fmt.Sprintf(src, "close server"), 3*time.Minute)
	require.Equal(t, 3, st.Completed)
	takenOver := 0
	for _, e := range evs {
		if e.Kind == PortReleased && e.TakenOver {
			assert.Equal(t, "web", e.Host, "the server held the TIME_WAIT: %s", Trace(e))
			takenOver++
		}
	}
	assert.Equal(t, 2, takenOver, "a new SYN takes over the server's TIME_WAIT")
	assert.Less(t, st.LastDone, time.Second)
}

// Complete runs each mode to its end, beyond the scenario's duration.
func TestComplete(t *testing.T) {
	sc, err := scenario.Parse(strings.Replace(fmt.Sprintf(counterfactual, "on"), "duration 60s", "duration 1ms", 1))
	require.NoError(t, err)
	for _, m := range scenario.PortModes {
		st, err := Complete(sc, m)
		require.NoError(t, err)
		assert.Equal(t, 12, st.Completed, "%v", m)
		_, want := run(t, strings.Replace(fmt.Sprintf(counterfactual, m), "duration 60s", "duration 10m", 1), 0)
		assert.Equal(t, want, st, "%v", m)
	}
	assert.Equal(t, scenario.Ephemeral, sc.Ports, "sc itself is left as it was")
	_, err = Complete(&scenario.Scenario{}, scenario.Ephemeral)
	assert.Error(t, err, "checked first")
}

// A host that serves on :80 cannot also fetch from another :80 server
// when everything must use port 80: its bind(:80) fails.
func TestServerCannotFetchFromPort80(t *testing.T) {
	src := `
ephemeral off
host proxy 10.0.0.5
host web 10.0.0.10
listen proxy 80
listen web 80
connect proxy -> web:80
`
	evs, st := run(t, src, 0)
	require.Equal(t, 1, st.Failed)
	var failed []Event
	for _, e := range evs {
		if e.Kind == ConnectFailed {
			failed = append(failed, e)
		}
	}
	require.Len(t, failed, 1)
	assert.Equal(t, engine.ErrAddrInUse, failed[0].Err)
	assert.Equal(t, "proxy", failed[0].Host)
	assert.True(t, failed[0].Bind, "it is the bind that fails")
	assert.Equal(t, "10.0.0.5:80", failed[0].Tuple.Local.String())
	assert.Equal(t, "#1 bind 10.0.0.5:80 for a connection to 10.0.0.10:80 failed: EADDRINUSE", Trace(failed[0])[22:])

	_, st = run(t, strings.Replace(src, "ephemeral off", "ephemeral serial", 1), 0)
	assert.Equal(t, 1, st.Failed, "the same in the thought experiment")
	_, st = run(t, strings.Replace(src, "ephemeral off", "ephemeral on", 1), 0)
	assert.Zero(t, st.Failed, "with ephemeral ports the proxy fetches from its own ephemeral port")
}

func TestRefusedWithoutListener(t *testing.T) {
	evs, st := run(t, "host a 10.0.0.1\nhost b 10.0.0.2\nconnect a -> b:8080\n", 0)
	require.Equal(t, 1, st.Failed)
	var kinds []string
	for _, e := range evs {
		if e.Kind != State {
			kinds = append(kinds, e.Kind.String()+" "+e.Flags.String()+engine.ErrnoName(e.Err))
		}
	}
	assert.Equal(t, []string{"port-allocated ", "packet SYN", "packet RST|ACK", "connect-failed ECONNREFUSED", "port-released "}, kinds)
}

// Lesson 5 in numbers: 10 ports and 20 s of TIME_WAIT allow 0.5 new
// connections per second; at 1 per second, 10 succeed, then connects fail
// until the first port's TIME_WAIT ends.
func TestRunningOut(t *testing.T) {
	evs, st := run(t, builtinSource(t, "5"), 25*time.Second)
	var ports []uint16
	firstFail := time.Duration(-1)
	for _, e := range evs {
		if e.Kind == PortAllocated {
			ports = append(ports, e.Tuple.Local.Port())
		}
		if e.Kind == ConnectFailed && firstFail < 0 {
			firstFail = e.At
			assert.ErrorIs(t, e.Err, engine.ErrNoBufs, "a Windows XP client: Winsock's error (KB 196271)")
		}
	}
	require.GreaterOrEqual(t, len(ports), 11)
	assert.Equal(t, []uint16{1025, 1026, 1027, 1028, 1029, 1030, 1031, 1032, 1033, 1034, 1025}, ports[:11],
		"sequential, and 1025 again only after the whole range")
	assert.Equal(t, 10*time.Second, firstFail)
	assert.Equal(t, 11, st.Failed, "connects at 10 s to 20 s fail")
}

func TestNewChecksTheScenario(t *testing.T) {
	sc := &scenario.Scenario{Duration: time.Minute, Hosts: []scenario.Host{
		{Name: "a", Addr: netip.MustParseAddr("10.0.0.1"), TimeWait: -time.Second},
	}}
	_, err := New(sc)
	assert.EqualError(t, err, `host "a": timewait -1s is negative`)
}

func TestHostStrategyOverride(t *testing.T) {
	const src = `
host c 192.168.1.5 range 40000-40100 strategy sequential
host s 10.0.0.10
listen s 80
connect c -> s:80 every 1s count 4 hold 10s
`
	evs, _ := run(t, src, 10*time.Second)
	var ports []uint16
	for _, e := range evs {
		if e.Kind == PortAllocated {
			ports = append(ports, e.Tuple.Local.Port())
		}
	}
	require.Len(t, ports, 4)
	for i := 1; i < len(ports); i++ {
		assert.Equal(t, ports[i-1]+1, ports[i], "a sequential counter on a Linux host: %v", ports)
	}
}

const fourTuple = `
host client 192.168.1.5 range 40000-40009
host web 10.0.0.10
host api 10.0.0.20
host db  10.0.0.30
listen web 80
listen api 80
listen db 80
connect client -> web:80 every 100ms count 12 hold 1m %[1]s
connect client -> api:80 every 100ms count 12 hold 1m %[1]s
connect client -> db:80 every 100ms count 12 hold 1m %[1]s
`

// A Linux connect() shares its ports across destinations (facts fact 3):
// 10 ports carry 10 connections to each of three servers. bind(0) before
// connect() holds each port toward every destination (fact 4): 10 in all,
// then bind() fails with EADDRINUSE.
func TestBindHoldsThePortTowardEveryDestination(t *testing.T) {
	tests := []struct {
		option        string
		allocated     int
		failed        int
		err           error
		oddPortsFirst bool
		distinctPorts int
	}{
		{"", 30, 6, engine.ErrAddrNotAvail, false, 10},
		{"bind", 10, 26, engine.ErrAddrInUse, true, 10},
	}
	for _, tc := range tests {
		t.Run("option "+tc.option, func(t *testing.T) {
			evs, st := run(t, fmt.Sprintf(fourTuple, tc.option), 30*time.Second)
			var ports []uint16
			failed := 0
			for _, e := range evs {
				switch e.Kind {
				case PortAllocated:
					ports = append(ports, e.Tuple.Local.Port())
				case ConnectFailed:
					failed++
					assert.ErrorIs(t, e.Err, tc.err, "%s", Trace(e))
					assert.Equal(t, tc.err, e.Err, "the Errno itself")
				}
			}
			assert.Len(t, ports, tc.allocated)
			assert.Equal(t, tc.failed, failed)
			assert.Equal(t, tc.failed, st.Failed)
			distinct := map[uint16]bool{}
			for _, p := range ports {
				distinct[p] = true
			}
			assert.Len(t, distinct, tc.distinctPorts)
			if tc.oddPortsFirst { // inet_csk_find_open_port (facts §2 [ICS])
				for i, p := range ports {
					assert.Equal(t, i < 5, p%2 == 1, "bind(0) %d got %d: odd ports first", i, p)
				}
			}
		})
	}
}

// In the thought experiment the server's one port serves one conversation
// at a time, whole: it takes a SYN only while listening, serves that
// conversation (handshake, request, response) and listens again once its
// response has arrived; a SYN that comes meanwhile waits. In real TCP,
// with or without ephemeral ports, it reports nothing.
func TestServingFollowsTheResponses(t *testing.T) {
	evs, _ := run(t, fmt.Sprintf(counterfactual, "serial"), 0)
	serving := 0 // the conversation the port serves; 0 while it listens
	served, waited := 0, 0
	for _, e := range evs {
		switch {
		case e.Kind == Serving:
			require.Equal(t, "web", e.Host)
			require.Equal(t, uint16(80), e.Tuple.Local.Port())
			if e.Busy {
				require.Zero(t, serving, "a conversation taken while serving another: %s", Trace(e))
				serving = e.Conn
			} else {
				require.Equal(t, serving, e.Conn, "listening again after another's: %s", Trace(e))
				serving = 0
				served++
			}
		case e.Kind == State && e.Host == "web" && e.State == engine.SynRcvd:
			require.Equal(t, serving, e.Conn, "a handshake the port is not serving: %s", Trace(e))
		case e.Kind == Packet && e.Host == "web" && e.Len == ResponseLen:
			require.Equal(t, serving, e.Conn, "a response the port is not serving: %s", Trace(e))
		case e.Kind == Waiting && e.Reason == ServerBusy:
			require.NotZero(t, serving, "a SYN waits only while the port serves: %s", Trace(e))
			waited++
		case e.Kind == Done:
			require.Equal(t, serving, e.Conn, "the port serves its conversation until the response arrives: %s", Trace(e))
		}
	}
	assert.Zero(t, serving)
	assert.Equal(t, 12, served)
	assert.Greater(t, waited, 0, "12 SYNs within 30 ms: most wait")
	for _, mode := range []string{"on", "off"} {
		evs, _ := run(t, fmt.Sprintf(counterfactual, mode), 0)
		for _, e := range evs {
			require.NotEqual(t, Serving, e.Kind, "ephemeral %s", mode)
		}
	}
	assert.Equal(t, "  0.000s  web     #3 serving on :80",
		Trace(Event{Kind: Serving, Host: "web", Conn: 3, Busy: true, Tuple: engine.FourTuple{Local: netip.MustParseAddrPort("10.0.0.10:80")}})[4:])
	assert.Equal(t, "  0.000s  web     #3 served: listening on :80",
		Trace(Event{Kind: Serving, Host: "web", Conn: 3, Tuple: engine.FourTuple{Local: netip.MustParseAddrPort("10.0.0.10:80")}})[4:])
}

// A TIME_WAIT ended by a new connection says so; one that expired does not.
func TestTakeoverIsNamed(t *testing.T) {
	tuple := engine.FourTuple{Proto: engine.TCP, Local: netip.MustParseAddrPort("192.168.1.5:80"), Remote: netip.MustParseAddrPort("10.0.0.10:80")}
	e := Event{Kind: PortReleased, Host: "alice", Conn: 1, Tuple: tuple, TakenOver: true}
	assert.Equal(t, "#1 TCP 192.168.1.5:80 -> 10.0.0.10:80 free again (TIME_WAIT taken over by a new connection)", Trace(e)[22:])
	e.TakenOver = false
	assert.Equal(t, "#1 TCP 192.168.1.5:80 -> 10.0.0.10:80 free again", Trace(e)[22:])
}

// A scenario built as a Go value runs as the same scenario parsed does.
func TestScenarioAsAGoValue(t *testing.T) {
	winxp, err := engine.ProfileByName("winxp")
	require.NoError(t, err)
	sc := &scenario.Scenario{
		Seed: 1, Duration: 70 * time.Second, Latency: 10 * time.Millisecond,
		Hosts: []scenario.Host{
			{Name: "client", Addr: netip.MustParseAddr("192.168.1.5"), Profile: winxp, Range: engine.Range{Lo: 1025, Hi: 1034}, TimeWait: 20 * time.Second},
			{Name: "web", Addr: netip.MustParseAddr("10.0.0.10")}, // the zero Profile: linux
		},
		Listens:  []scenario.Listen{{Host: "web", Port: 80, Service: 10 * time.Millisecond}},
		Connects: []scenario.Connect{{From: "client", To: "web", Port: 80, Every: time.Second, Count: 60}},
	}
	s, err := New(sc)
	require.NoError(t, err)
	var evs []Event
	s.Run(sc.Duration, func(e Event) { evs = append(evs, e) })
	parsed, _ := run(t, builtinSource(t, "5"), 0)
	assert.Equal(t, trace(parsed), trace(evs))
	assert.Equal(t, "linux", s.Hosts()[1].Profile().Name)
}

// A host with two addresses serves :80 on each (testdata/two-addresses.txt):
// the second address's :80 is free while the first's is taken, the
// wildcard's is not, and each connection reaches the address it names.
func TestSecondAddressServesTheSamePort(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "two-addresses.txt"))
	require.NoError(t, err)
	evs, st := run(t, string(src), 0)
	var listens []string
	reached := map[string]bool{}
	for _, e := range evs {
		switch {
		case e.Kind == Listen:
			listens = append(listens, fmt.Sprintf("%v %v", e.Tuple.Local, engine.ErrnoName(e.Err)))
		case e.Kind == State && e.Host == "web" && e.State == engine.Established:
			reached[e.Tuple.Local.String()] = true
		}
	}
	assert.Equal(t, []string{"10.0.0.10:80 ", "10.0.0.11:80 ", "0.0.0.0:80 EADDRINUSE"}, listens)
	assert.Equal(t, map[string]bool{"10.0.0.10:80": true, "10.0.0.11:80": true}, reached)
	assert.Equal(t, 2, st.Completed)
	assert.Zero(t, st.Failed)
}

// A connection is served at the pace of the listener that accepted it: a
// refused listener on the wildcard, though its line comes later, serves
// nobody, and a wildcard listener serves every address of its port.
func TestServiceTimeIsTheAcceptingListeners(t *testing.T) {
	src := `seed 1
duration 10s
latency 10ms
host client 192.168.1.5
host web 10.0.0.10,10.0.0.11
listen web 10.0.0.11:80 service 300ms
listen web 0.0.0.0:80 service 2s    # refused: 10.0.0.11:80 is taken
listen web 0.0.0.0:443 service 700ms
connect client -> 10.0.0.11:80 at 100ms
connect client -> web:443 at 100ms
connect client -> 10.0.0.11:443 at 100ms
`
	evs, st := run(t, src, 0)
	require.Equal(t, 3, st.Completed)
	for range 20 { // fresh hosts, a wildcard and a specific listener
		again, _ := run(t, src, 0)
		require.Equal(t, evs, again)
	}
	request := map[int]time.Duration{}
	served := map[string]time.Duration{}
	for _, e := range evs {
		switch {
		case e.Kind == State && e.Host == "web" && e.State == engine.Established:
			request[e.Conn] = e.At
		case e.Kind == Packet && e.Host == "web" && e.Len == ResponseLen:
			served[e.Tuple.Local.String()] = e.At - request[e.Conn]
		}
	}
	assert.Equal(t, map[string]time.Duration{
		"10.0.0.11:80":  300 * time.Millisecond,
		"10.0.0.10:443": 700 * time.Millisecond,
		"10.0.0.11:443": 700 * time.Millisecond,
	}, served)
}

// docs/scenarios.md's examples of socket options parse and run, and the
// listeners they mark "# refused" are refused, the others not.
func TestSocketOptionExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scenarios.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "### Socket options on each OS")
	require.True(t, ok)
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := regexp.MustCompile("(?s)```\n(.*?)```").FindAllStringSubmatch(section, -1)
	require.Len(t, blocks, 3, "Linux, FreeBSD and macOS, Windows")
	profiles := map[string]bool{}
	for _, b := range blocks {
		sc, err := scenario.Parse(b[1])
		require.NoError(t, err, b[1])
		for _, h := range sc.Hosts {
			profiles[h.Profile.Name] = true
		}
		lines := strings.Split(b[1], "\n")
		var refused []bool
		for _, l := range sc.Listens {
			refused = append(refused, strings.Contains(lines[l.Pos.Line-1], "# refused"))
		}
		evs, st := runScenario(t, sc, 0)
		var got []bool
		for _, e := range evs {
			if e.Kind == Listen {
				got = append(got, e.Err != nil)
			}
		}
		assert.Equal(t, refused, got, "%s: which listeners are refused", sc.Title)
		assert.Positive(t, st.Completed, sc.Title)
	}
	assert.Equal(t, map[string]bool{"linux": true, "freebsd": true, "macos": true, "windows": true}, profiles)
}

// Without ephemeral ports a Linux client's next connection reuses its
// 4-tuple at once (a bound socket takes TIME_WAIT over, tcp_twsk_unique's
// twp == NULL) only if the server answered TCP timestamps; toward a
// server with them off it waits TIME_WAIT out.
func TestTakeoverNeedsPeerTimestamps(t *testing.T) {
	for _, tc := range []struct {
		server string
		wait   time.Duration // the second connection's wait, at least
	}{
		{"host web 10.0.0.10", 0},
		{"host web 10.0.0.10 timestamps off", 5 * time.Second},
	} {
		sc, err := scenario.Parse(tc.server + "\nhost c 192.168.1.5 timewait 5s\nlisten web 80\n" +
			"connect c -> web:80 every 100ms count 2\nephemeral off\nduration 20s")
		require.NoError(t, err)
		_, st := runScenario(t, sc, 0)
		require.Equal(t, 2, st.Completed, tc.server)
		if tc.wait == 0 {
			assert.Less(t, st.TotalWait, time.Second, tc.server)
		} else {
			assert.GreaterOrEqual(t, st.TotalWait, tc.wait-200*time.Millisecond, tc.server)
		}
	}
}

// Every kind and wait reason has its name in a trace; a value past the
// last prints as its number rather than panicking.
func TestKindNames(t *testing.T) {
	names := map[string]bool{}
	for k := Listen; k <= GaveUp; k++ {
		assert.NotContains(t, k.String(), "Kind(")
		names[k.String()] = true
	}
	assert.Len(t, names, int(GaveUp), "one name each")
	assert.Equal(t, "serving", Serving.String())
	assert.Equal(t, "old-duplicate", OldDuplicate.String())
	assert.Equal(t, "unreachable", Unreachable.String())
	assert.Equal(t, fmt.Sprintf("Kind(%d)", GaveUp+1), (GaveUp + 1).String())
	assert.Equal(t, "4-tuple in use", TupleInUse.String())
	assert.Equal(t, "server busy", ServerBusy.String())
	assert.Equal(t, "WaitReason(3)", (ServerBusy + 1).String())
}

// Run reaches the time it was asked for, events or none, and never goes
// back: the clock the app shows is Now.
func TestRunReachesUntil(t *testing.T) {
	sc, err := scenario.Parse("host c 10.0.0.1\nhost s 10.0.0.2\nlisten s 80\nconnect c -> s:80 at 1s")
	require.NoError(t, err)
	s, err := New(sc)
	require.NoError(t, err)
	s.Run(500*time.Millisecond, nil)
	assert.Equal(t, 500*time.Millisecond, s.Now(), "no event before 1s")
	assert.False(t, s.Done())
	next, ok := s.Next()
	require.True(t, ok)
	assert.Equal(t, time.Second, next)
	s.Run(2500*time.Millisecond, nil)
	assert.Equal(t, 2500*time.Millisecond, s.Now(), "past the conversation's last packet")
	s.Run(time.Second, nil)
	assert.Equal(t, 2500*time.Millisecond, s.Now(), "never back")
	assert.False(t, s.Done(), "the client's TIME_WAIT is still to end")
	s.Run(5*time.Minute, nil) // past the 60 s TIME_WAIT
	assert.True(t, s.Done())
	_, ok = s.Next()
	assert.False(t, ok)
}

// A server that closes first holds a TIME_WAIT per client, here three
// with the same port: each is released under its own connection.
func TestServerTimeWaitsAreTheirConnections(t *testing.T) {
	evs, _ := run(t, `duration 2m
host s 10.0.0.10
host a 10.0.0.1 range 40000-40000
host b 10.0.0.2 range 40000-40000
host c 10.0.0.3 range 40000-40000
listen s 80
connect a -> s:80 close server
connect b -> s:80 close server
connect c -> s:80 close server
`, 0)
	client := map[int]netip.Addr{}
	released := 0
	for _, e := range evs {
		switch {
		case e.Kind == PortAllocated:
			client[e.Conn] = e.Tuple.Local.Addr()
		case e.Kind == PortReleased && e.Host == "s":
			released++
			assert.Equal(t, client[e.Conn], e.Tuple.Remote.Addr(), "%s", e)
		}
	}
	assert.Len(t, client, 3)
	assert.Equal(t, 3, released)
}

// An old duplicate's line gives its payload's length only when it has one,
// and says what the segment reached.
func TestOldDuplicateLine(t *testing.T) {
	e := Event{Kind: OldDuplicate, Host: "web", Conn: 1, Flags: ACK,
		Tuple: engine.FourTuple{Proto: engine.TCP, Local: netip.MustParseAddrPort("10.0.0.10:80"), Remote: netip.MustParseAddrPort("192.168.1.5:40000")}}
	assert.NotContains(t, Trace(e), " len ")
	assert.Contains(t, Trace(e), "finds no connection: answered with RST")
	e.Flags, e.Len = PSH|ACK, 9
	assert.Contains(t, Trace(e), "[PSH|ACK] len 9")
	e.State, e.Into = engine.Established, 1
	assert.Contains(t, Trace(e), "reaches #1, still open")
	e.Into = 2
	assert.Contains(t, Trace(e), "reaches #2, a newer connection with the same 4-tuple")
	e.State = engine.TimeWait
	assert.Contains(t, Trace(e), "reaches #2 in TIME_WAIT: acknowledged and dropped")
}

// With an upload, the client's body segments and the server's response are
// in flight on the same connection in opposite directions at the same
// instant (TCP is full duplex, RFC 9293 §3.1), with or without ephemeral
// ports; the thought experiment's half-duplex port answers only once the
// whole upload is in. Either way the client closes its hold after both
// the response and the last segment are in: with latency 20ms and service
// 100ms the response is back 140ms after the SYN-ACK, and the last of 10
// segments (BodyGap 18ms apart) arrives at 200ms, the last of 7 at 146ms,
// once the client has sent it.
func TestUploadFlowsWhileTheResponseComesBack(t *testing.T) {
	for _, tc := range []struct {
		upload int
		hold   string
	}{{10, "0s"}, {10, "50ms"}, {7, "0s"}, {7, "30ms"}} {
		src := fmt.Sprintf(`duration 10s
latency 20ms
host laptop 192.168.1.5
host web 10.0.0.10
listen web 80 service 100ms
connect laptop -> web:80 at 100ms upload %d hold %s
`, tc.upload, tc.hold)
		hold, err := time.ParseDuration(tc.hold)
		require.NoError(t, err)
		for _, ports := range scenario.PortModes {
			t.Run(fmt.Sprintf("upload %d hold %s %s", tc.upload, tc.hold, ports), func(t *testing.T) {
				sc, err := scenario.Parse(src)
				require.NoError(t, err)
				sc.Ports = ports
				evs, st := runScenario(t, sc, sc.Duration)
				require.Equal(t, 1, st.Completed)
				var up, down []Event
				var fin time.Duration
				for _, e := range evs {
					switch {
					case e.Kind == Packet && e.Len > 0 && e.Host == "laptop":
						up = append(up, e)
					case e.Kind == Packet && e.Len > 0 && e.Host == "web":
						down = append(down, e)
					case e.Kind == Packet && e.Flags&FIN != 0 && fin == 0:
						fin = e.At
					}
				}
				require.Len(t, up, tc.upload+1, "the request and its body segments")
				assert.Equal(t, tc.upload*BodyLen, up[0].Upload)
				for _, u := range up[1:] {
					assert.Equal(t, BodyLen, u.Len)
					assert.Zero(t, u.Upload)
				}
				require.Len(t, down, 1)
				resp, last := down[0], up[len(up)-1]
				both := 0
				for _, u := range up {
					// In flight at the same instant: each left before the
					// other arrived.
					if u.At < resp.Arrive && resp.At < u.Arrive {
						both++
					}
				}
				if ports == scenario.Serial {
					assert.Zero(t, both, "half duplex: one direction at a time")
					assert.GreaterOrEqual(t, resp.At, last.Arrive)
				} else {
					assert.Positive(t, both, "a body segment in flight while the response is")
					if tc.upload == 7 {
						assert.Less(t, last.At, resp.Arrive, "the last segment left before the response came back")
					}
				}
				assert.Equal(t, max(resp.Arrive, last.Arrive)+hold, fin, "the close: its hold after the response and the upload are in")
			})
		}
	}
}
