package sim

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden traces in testdata/golden")

func run(t testing.TB, src string, until time.Duration) ([]Event, Stats) {
	sc, err := scenario.Parse(src)
	require.NoError(t, err)
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
		b.WriteString(e.String())
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

// Every built-in scenario's trace is kept in testdata/golden and reviewed
// by eye when it changes: go test ./engine/sim -run Golden -update.
func TestGoldenTraces(t *testing.T) {
	for _, b := range assets.Scenarios() {
		t.Run(b.Name, func(t *testing.T) {
			evs, st := run(t, b.Source, goldenUntil(b.Name))
			got := trace(evs) + fmt.Sprintf("stats: %+v\n", st)
			path := filepath.Join("testdata", "golden", b.Name+".txt")
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

func TestDeterministicAndResumable(t *testing.T) {
	for _, b := range assets.Scenarios() {
		t.Run(b.Name, func(t *testing.T) {
			until := goldenUntil(b.Name)
			if until == 0 {
				until = 30 * time.Second
			}
			once, _ := run(t, b.Source, until)
			again, _ := run(t, b.Source, until)
			require.Equal(t, once, again, "same scenario, same events")

			sc, err := scenario.Parse(b.Source)
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
	for _, b := range assets.Scenarios() {
		t.Run(b.Name, func(t *testing.T) {
			sc, err := scenario.Parse(b.Source)
			require.NoError(t, err)
			closer := map[int]string{} // conn -> the closer's host
			open := map[int]bool{}
			evs, _ := run(t, b.Source, 3*time.Minute)
			var last time.Duration
			for _, e := range evs {
				require.GreaterOrEqual(t, e.At, last, "time goes forward: %v", e)
				last = e.At
				switch e.Kind {
				case PortAllocated:
					require.False(t, open[e.Conn])
					open[e.Conn] = true
				case Packet:
					require.True(t, open[e.Conn], "packet of a connection without a port: %v", e)
					require.Equal(t, e.At+sc.Latency, e.Arrive)
					if e.Flags&FIN != 0 && closer[e.Conn] == "" {
						closer[e.Conn] = e.Host
					}
				case State:
					if e.State == "TIME_WAIT" {
						require.Equal(t, closer[e.Conn], e.Host, "only the side that closed first holds TIME_WAIT: %v", e)
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

// Lesson 4: without ephemeral ports, the same 12 requests take far longer,
// and one client's conversations with a server never overlap.
func TestWithoutEphemeralPorts(t *testing.T) {
	withEvs, with := run(t, fmt.Sprintf(counterfactual, "on"), 0)
	withoutEvs, without := run(t, fmt.Sprintf(counterfactual, "off"), 0)
	require.Equal(t, 12, with.Completed)
	require.Equal(t, 12, without.Completed)
	assert.Zero(t, with.TotalWait)
	assert.Greater(t, without.TotalWait, time.Duration(0))
	// One port, one conversation at a time: 12 requests of 100 ms each
	// cannot finish in less than 1.2 s; with ephemeral ports they overlap.
	assert.GreaterOrEqual(t, without.LastDone, 1200*time.Millisecond)
	assert.Less(t, with.LastDone, 200*time.Millisecond)

	for _, evs := range [][]Event{withEvs, withoutEvs} {
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
	for _, e := range withoutEvs {
		if e.Kind == PortAllocated {
			assert.Equal(t, uint16(80), e.Tuple.Local.Port())
		}
	}
}

// A host that serves on :80 cannot also fetch from another :80 server
// when everything must use port 80.
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
	assert.Equal(t, "EADDRINUSE", failed[0].Err)
	assert.Equal(t, "proxy", failed[0].Host)

	_, st = run(t, strings.Replace(src, "ephemeral off", "ephemeral on", 1), 0)
	assert.Zero(t, st.Failed, "with ephemeral ports the proxy fetches from its own ephemeral port")
}

func TestRefusedWithoutListener(t *testing.T) {
	evs, st := run(t, "host a 10.0.0.1\nhost b 10.0.0.2\nconnect a -> b:8080\n", 0)
	require.Equal(t, 1, st.Failed)
	var kinds []string
	for _, e := range evs {
		if e.Kind != State {
			kinds = append(kinds, e.Kind.String()+" "+e.Flags.String()+e.Err)
		}
	}
	assert.Equal(t, []string{"port-allocated ", "packet SYN", "packet RST|ACK", "connect-failed ECONNREFUSED", "port-released "}, kinds)
}

// Lesson 5 in numbers: 10 ports and 20 s of TIME_WAIT allow 0.5 new
// connections per second; at 1 per second, 10 succeed, then connects fail
// until the first port's TIME_WAIT ends.
func TestRunningOut(t *testing.T) {
	b, err := assets.Scenario("5")
	require.NoError(t, err)
	evs, st := run(t, b.Source, 25*time.Second)
	var ports []uint16
	firstFail := time.Duration(-1)
	for _, e := range evs {
		if e.Kind == PortAllocated {
			ports = append(ports, e.Tuple.Local.Port())
		}
		if e.Kind == ConnectFailed && firstFail < 0 {
			firstFail = e.At
			assert.Equal(t, "EADDRNOTAVAIL", e.Err)
		}
	}
	require.GreaterOrEqual(t, len(ports), 11)
	assert.Equal(t, []uint16{1025, 1026, 1027, 1028, 1029, 1030, 1031, 1032, 1033, 1034, 1025}, ports[:11],
		"sequential, and 1025 again only after the whole range")
	assert.Equal(t, 10*time.Second, firstFail)
	assert.Equal(t, 11, st.Failed, "connects at 10 s to 20 s fail")
}

func TestNewRejectsBadHostSettings(t *testing.T) {
	sc, err := scenario.Parse("host a 10.0.0.1 timewait 0s\n")
	require.NoError(t, err)
	_, err = New(sc)
	assert.ErrorContains(t, err, "line 1")
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

func TestTimeWaitQueueEndsInOrderAndByTakeover(t *testing.T) {
	var w twQueue
	tuple := func(p uint16) engine.FourTuple {
		return engine.FourTuple{Proto: engine.TCP, Local: netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), p), Remote: netip.MustParseAddrPort("10.0.0.2:80")}
	}
	for i := range 4 {
		w.add(tuple(uint16(1000+i)), i+1)
	}
	assert.Equal(t, 3, w.end(tuple(1002)), "a takeover from the middle")
	assert.Equal(t, 1, w.end(tuple(1000)), "expiry from the front")
	assert.Equal(t, 2, w.end(tuple(1001)))
	assert.Equal(t, 4, w.end(tuple(1003)), "the taken-over entry is skipped")
	assert.Zero(t, w.end(tuple(1000)), "nothing left")
	assert.Empty(t, w.q, "storage reused once drained")
}
