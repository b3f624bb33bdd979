package sim

import (
	"fmt"
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
)

const udpHosts = `host laptop 192.168.1.5
host dns 10.0.0.53
host other 10.0.0.54
listen dns 53 proto udp service 2ms
listen other 53 proto udp
`

// of returns the events of kind k, in order.
func of(evs []Event, k Kind) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// A connect line with proto udp opens a socket per query: a new port each
// time, no handshake (the query is the first packet), the port free as
// soon as the reply is in, with no TIME_WAIT.
func TestUDPSocketPerQuery(t *testing.T) {
	evs, st := run(t, udpHosts+"connect laptop -> dns:53 proto udp every 100ms count 5", 0)
	allocs := of(evs, PortAllocated)
	require.Len(t, allocs, 5)
	ports := map[uint16]bool{}
	for _, a := range allocs {
		assert.Equal(t, engine.UDP, a.Tuple.Proto)
		ports[a.Tuple.Local.Port()] = true
	}
	assert.Len(t, ports, 5, "a new port per query")
	for _, e := range evs {
		if e.Kind == Packet {
			assert.Equal(t, engine.UDP, e.Tuple.Proto)
			assert.Zero(t, e.Flags, "no TCP flags: %s", Trace(e))
		}
		if e.Kind == State {
			assert.Contains(t, []engine.ConnState{engine.Bound, engine.Closed}, e.State, "a UDP socket is bound or closed, never ESTABLISHED: %s", Trace(e))
		}
	}
	done, released := of(evs, Done), of(evs, PortReleased)
	require.Len(t, done, 5)
	require.Len(t, released, 5)
	for i := range done {
		assert.Equal(t, done[i].At, released[i].At, "freed at once, no TIME_WAIT: %v", released[i])
		// The query leaves at the start; the reply arrives two latencies
		// and the service time later.
		assert.Equal(t, allocs[i].At+2*5*time.Millisecond+2*time.Millisecond, done[i].At)
	}
	assert.Equal(t, Stats{Started: 5, Completed: 5, LastDone: done[4].At, PeakPorts: 1}, st)

	// The peak counts a UDP socket with the host's TCP ports, TIME_WAIT
	// included: the fetch's port is in TIME_WAIT (60 s on Linux) when the
	// query takes a second port.
	_, st = run(t, udpHosts+"host web 10.0.0.10\nlisten web 80\nconnect laptop -> web:80\nconnect laptop -> dns:53 proto udp at 1s\n", 0)
	assert.Equal(t, 2, st.PeakPorts)
}

// A send line's socket is bound on its first send and keeps its port for
// every query, to every server, until it has nothing left to wait for.
func TestUDPSharedSocket(t *testing.T) {
	evs, st := run(t, udpHosts+`send laptop -> dns:53 socket q every 100ms count 3
send laptop -> other:53 socket q at 50ms every 100ms count 2
`, 0)
	allocs := of(evs, PortAllocated)
	require.Len(t, allocs, 1, "bound once, on the first send")
	assert.Equal(t, "q", allocs[0].Socket)
	port := allocs[0].Tuple.Local.Port()
	dsts := map[string]bool{}
	queries := 0
	for _, e := range evs {
		if e.Kind == Packet && e.Host == "laptop" {
			queries++
			assert.Equal(t, port, e.Tuple.Local.Port(), "the socket's one port")
			dsts[e.Tuple.Remote.String()] = true
		}
	}
	assert.Equal(t, 5, queries)
	assert.Len(t, dsts, 2, "one socket, two servers")
	released := of(evs, PortReleased)
	require.Len(t, released, 1)
	last := of(evs, Done)[4]
	assert.Equal(t, last.At, released[0].At, "closed when the last reply is in")
	assert.Equal(t, allocs[0].Conn, released[0].Conn, "the socket's events carry the number of the query that bound it")
	assert.Equal(t, 5, st.Completed)
	assert.Equal(t, 1, st.PeakPorts)

	// Queries in flight together: the socket waits for every reply, not
	// only for the last query to be sent (its second and third go before
	// the first's reply is in, 12 ms after it left).
	evs, _ = run(t, udpHosts+"send laptop -> dns:53 socket q every 5ms count 3\n", 0)
	released = of(evs, PortReleased)
	require.Len(t, released, 1)
	assert.Equal(t, 22*time.Millisecond, released[0].At, "the third query's reply, 10 ms + 12 ms")

	// Two send lines without a socket name have a socket each.
	evs, _ = run(t, udpHosts+"send laptop -> dns:53 every 10ms count 2\nsend laptop -> other:53 every 10ms count 2\n", 0)
	assert.Len(t, of(evs, PortAllocated), 2)

	// Each is named after its line; in a scenario built in Go, which has
	// no lines, after its place among the connects, counted from 1.
	udp := scenario.Connect{From: "laptop", To: "dns", Port: 53, Proto: engine.UDP, Send: true, Count: 1}
	sc := &scenario.Scenario{Duration: time.Second, Hosts: []scenario.Host{
		{Name: "laptop", Addr: netip.MustParseAddr("192.168.1.5")},
		{Name: "dns", Addr: netip.MustParseAddr("10.0.0.53")},
	}, Listens: []scenario.Listen{{Host: "dns", Port: 53, Proto: engine.UDP}},
		Connects: []scenario.Connect{udp, udp}}
	evs, _ = runScenario(t, sc, 0)
	var names []string
	for _, e := range of(evs, PortAllocated) {
		names = append(names, e.Socket)
	}
	assert.Equal(t, []string{"of connect 1", "of connect 2"}, names)
}

// A reply that arrives after its client gave up finds no socket: the
// client's host answers ICMP port unreachable; a send line's socket that
// is still open takes it instead.
func TestUDPLateReply(t *testing.T) {
	evs, st := run(t, "host c 192.168.1.5\nhost s 10.0.0.53\nlisten s 53 proto udp service 300ms\nconnect c -> s:53 proto udp timeout 100ms\n", 0)
	gave := of(evs, GaveUp)
	require.Len(t, gave, 1)
	assert.Equal(t, 100*time.Millisecond, gave[0].At)
	assert.Equal(t, 1, st.Failed)
	un := of(evs, Unreachable)
	require.Len(t, un, 1)
	assert.Equal(t, "c", un[0].Host, "the client's host answers")
	assert.True(t, un[0].Reply, "the datagram it answers is the server's reply")
	assert.Equal(t, uint16(53), un[0].Tuple.Remote.Port())
	assert.Equal(t, 5*time.Millisecond+300*time.Millisecond+5*time.Millisecond, un[0].At)
	assert.False(t, un[0].Limited)
	assert.Contains(t, Trace(un[0]), "ICMP port unreachable 192.168.1.5 > 10.0.0.53")
	assert.Empty(t, of(evs, ConnectFailed), "the server's socket hears nothing of it")

	// The shared socket still waits for its second query's reply when the
	// first's arrives late.
	evs, _ = run(t, "host c 192.168.1.5\nhost s 10.0.0.53\nhost f 10.0.0.54\nlisten s 53 proto udp service 300ms\nlisten f 53 proto udp service 200ms\n"+
		"send c -> s:53 socket q timeout 100ms\nsend c -> f:53 socket q at 250ms\n", 0)
	assert.Empty(t, of(evs, Unreachable), "an open socket takes the late reply")
	assert.Len(t, of(evs, GaveUp), 1)
}

// A query to a port where no UDP socket is bound (a TCP listener is another
// port) is answered with ICMP port unreachable: a connected socket's
// recv() fails with ECONNREFUSED at once, an unconnected one waits out its
// timeout (Linux reports ICMP errors only to connected sockets).
func TestUDPPortUnreachable(t *testing.T) {
	src := "host c 192.168.1.5\nhost s 10.0.0.53\nlisten s 53\n%s c -> s:53 %s timeout 1s\n"
	evs, st := run(t, fmt.Sprintf(src, "connect", "proto udp"), 0)
	un := of(evs, Unreachable)
	require.Len(t, un, 1)
	assert.Equal(t, "s", un[0].Host)
	assert.False(t, un[0].Reply, "the datagram it answers is the client's query")
	failed := of(evs, ConnectFailed)
	require.Len(t, failed, 1)
	assert.ErrorIs(t, failed[0].Err, engine.ErrConnRefused)
	assert.Equal(t, un[0].Arrive, failed[0].At)
	assert.Empty(t, of(evs, GaveUp))
	assert.Equal(t, 1, st.Failed)
	assert.Equal(t, failed[0].At, of(evs, PortReleased)[0].At)

	// Queries in flight together each hear their own error: query k's
	// ICMP reaches it two latencies after it left.
	evs, _ = run(t, "host c 192.168.1.5\nhost s 10.0.0.53\nconnect c -> s:9 proto udp every 2ms count 5 timeout 1s\n", 0)
	var want, got []string
	for k := range 5 {
		want = append(want, fmt.Sprintf("#%d at %s", k+1, time.Duration(2*k+10)*time.Millisecond))
	}
	for _, f := range of(evs, ConnectFailed) {
		got = append(got, fmt.Sprintf("#%d at %s", f.Conn, f.At))
	}
	assert.Equal(t, want, got)
	assert.Empty(t, of(evs, GaveUp))

	evs, st = run(t, fmt.Sprintf(src, "send", ""), 0)
	require.Len(t, of(evs, Unreachable), 1)
	assert.Empty(t, of(evs, ConnectFailed), "an unconnected socket hears nothing")
	gave := of(evs, GaveUp)
	require.Len(t, gave, 1)
	assert.Equal(t, time.Second, gave[0].At)
	assert.Equal(t, 1, st.Failed)
}

// Linux limits ICMP errors toward a peer to a burst of 6, then one a
// second.
func TestUDPICMPRateLimit(t *testing.T) {
	evs, _ := run(t, "host c 192.168.1.5\nhost s 10.0.0.53\nconnect c -> s:9 proto udp every 100ms count 30 timeout 50ms\nduration 4s\n", 0)
	un := of(evs, Unreachable)
	require.Len(t, un, 30)
	var sent []time.Duration
	for _, e := range un {
		if !e.Limited {
			sent = append(sent, e.At)
		}
	}
	// The burst spends the bucket's 6 s to 0.5 s by the sixth (at
	// 505 ms); the seventh goes once it holds a whole second again, at
	// 1005 ms exactly, and each later one a second after the last.
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{5 * ms, 105 * ms, 205 * ms, 305 * ms, 405 * ms, 505 * ms, 1005 * ms, 2005 * ms}, sent)
	assert.Len(t, of(evs, ConnectFailed), len(sent), "each ICMP sent refuses its query")
	assert.Len(t, of(evs, GaveUp), 30-len(sent), "the rest time out")
}

// loss N% loses that share of datagrams, drawn from the seed: none at 0%,
// all at 100%, about a quarter at 25%, the same ones every run.
func TestUDPLoss(t *testing.T) {
	src := udpHosts + "loss %s\nconnect laptop -> dns:53 proto udp every 10ms count 2000 timeout 20ms\nduration 30s\n"
	count := func(loss string) (lost, datagrams int, st Stats) {
		evs, st := run(t, fmt.Sprintf(src, loss), 0)
		return len(of(evs, Lost)), len(of(evs, Packet)), st
	}
	lost, n, st := count("0%")
	assert.Zero(t, lost)
	assert.Equal(t, 4000, n)
	assert.Equal(t, 2000, st.Completed)
	lost, n, st = count("100%")
	assert.Equal(t, 2000, lost, "every query lost, so no reply is sent")
	assert.Equal(t, 2000, n)
	assert.Zero(t, st.Completed)
	assert.Equal(t, 2000, st.Failed)
	lost, n, st = count("25%")
	assert.InDelta(t, 0.25, float64(lost)/float64(n), 0.03, "%d of %d lost", lost, n)
	assert.Equal(t, 2000, st.Completed+st.Failed)
	again, _, _ := count("25%")
	assert.Equal(t, lost, again, "the same seed loses the same datagrams")

	// A scenario's other random choices do not move with loss.
	ports := func(loss string) []uint16 {
		evs, _ := run(t, fmt.Sprintf(src, loss), 0)
		var out []uint16
		for _, e := range of(evs, PortAllocated) {
			out = append(out, e.Tuple.Local.Port())
		}
		return out
	}
	assert.Equal(t, ports("0%"), ports("50%"))

	// A datagram is lost when its draw, from 0 to 1, is below the loss
	// rate: one whose draw is the rate exactly gets through, so that
	// loss N% loses N% of the draws. The query's draw is the first.
	sc, err := scenario.Parse(udpHosts + "loss 50%\nconnect laptop -> dns:53 proto udp\n")
	require.NoError(t, err)
	at := newLoss(sc).Float64() * 100
	queryLost := func(loss float64) bool {
		sc.Loss = loss
		evs, _ := runScenario(t, sc, 0)
		for _, e := range of(evs, Lost) {
			if !e.Reply {
				return true
			}
		}
		return false
	}
	assert.False(t, queryLost(at), "loss %v%%: the draw itself", at)
	assert.True(t, queryLost(math.Nextafter(at, 100)), "loss just above the draw")
}

// A finished query's slot is used again: a long run holds as many as it
// has queries under way (until their timeouts), not one per query (a
// simulated hour of DNS is millions of queries).
func TestUDPSlotsReused(t *testing.T) {
	sc, err := scenario.Parse(udpHosts + "connect laptop -> dns:53 proto udp every 10ms count 1000 timeout 25ms\nsend laptop -> other:53 every 10ms count 1000 timeout 25ms\n")
	require.NoError(t, err)
	s, err := New(sc)
	require.NoError(t, err)
	s.Run(sc.Duration, nil)
	require.Equal(t, 2000, s.Stats().Completed)
	// A query's timeout, 25 ms after it left, is its last action: at most
	// three of each line's are queued at once.
	assert.LessOrEqual(t, len(s.conns), 6)
}

// Running out of UDP ports on Linux is EAGAIN, for connect() and for a
// send's autobind alike; freed ports are taken again at once.
func TestUDPRunningOut(t *testing.T) {
	evs, _ := run(t, "host c 192.168.1.5 range 40000-40001\nhost s 10.0.0.53\nlisten s 53 proto udp\n"+
		"connect c -> s:53 proto udp every 10ms count 3 hold 100ms\nsend c -> s:53 at 25ms\nconnect c -> s:53 proto udp at 200ms\n", 0)
	failed := of(evs, ConnectFailed)
	require.Len(t, failed, 2)
	for _, f := range failed {
		assert.ErrorIs(t, f.Err, engine.ErrAgain, "%v", f)
	}
	assert.Equal(t, "of line 5", failed[1].Socket)
	assert.Contains(t, Trace(failed[1]), "send to 10.0.0.53:53 failed: EAGAIN")
	allocs := of(evs, PortAllocated)
	require.Len(t, allocs, 3)
	assert.Equal(t, 200*time.Millisecond, allocs[2].At, "a port again, 90 ms after the first closed")

	// A query's socket closes as its reply arrives, before anything else
	// happens at that moment: a query that starts then (12 ms) gets the
	// one port; the one at 8 ms found it taken.
	evs, _ = run(t, "host c 192.168.1.5 range 40000-40000\nhost s 10.0.0.53\nlisten s 53 proto udp service 2ms\n"+
		"connect c -> s:53 proto udp\nconnect c -> s:53 proto udp at 8ms every 4ms count 2\n", 0)
	failed = of(evs, ConnectFailed)
	require.Len(t, failed, 1)
	assert.Equal(t, 8*time.Millisecond, failed[0].At)
	allocs = of(evs, PortAllocated)
	require.Len(t, allocs, 2)
	assert.Equal(t, 12*time.Millisecond, of(evs, Done)[0].At)
	assert.Equal(t, 12*time.Millisecond, allocs[1].At, "the port the reply freed")
}

// Next names only moments when something happens: a query's timeout,
// once its reply is in, wakes nobody.
func TestUDPNextLandsOnEvents(t *testing.T) {
	for _, name := range []string{"dns", "udp-loss", "udp-running-out"} {
		t.Run(name, func(t *testing.T) {
			var src string
			for _, b := range examples(t) {
				if b.name == name {
					src = b.source
				}
			}
			sc, err := scenario.Parse(src)
			require.NoError(t, err)
			s, err := New(sc)
			require.NoError(t, err)
			for {
				at, ok := s.Next()
				if !ok {
					break
				}
				n := 0
				s.Run(at, func(Event) { n++ })
				require.Positive(t, n, "nothing happens at %s", at)
			}
			assert.True(t, s.Done())
		})
	}
}
