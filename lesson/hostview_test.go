package lesson

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

func TestCycle(t *testing.T) {
	tests := []struct{ i, dir, n, want int }{
		{0, 1, 3, 1},
		{2, 1, 3, 0},
		{0, -1, 3, 2},
		{1, -1, 3, 0},
		{0, -7, 3, 2},
		{0, 7, 3, 1},
		{5, 13, 6, 0},
		{0, 0, 1, 0},
		{0, -1, 1, 0},
		{4, -4, 4, 0},
		{0, -9, 4, 3},
	}
	for _, tc := range tests {
		got := cycle(tc.i, tc.dir, tc.n)
		assert.Equal(t, tc.want, got, "cycle(%d, %d, %d)", tc.i, tc.dir, tc.n)
		assert.True(t, got >= 0 && got < tc.n)
	}
}

func TestFmtDur(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.000 s"},
		{time.Millisecond, "0.001 s"},
		{1250 * time.Millisecond, "1.250 s"},
		{9999 * time.Millisecond, "9.999 s"},
		{10 * time.Second, "10.0 s"},
		{42 * time.Second, "42.0 s"},
		{42*time.Second + 350*time.Millisecond, "42.4 s"},
		{119*time.Second + 900*time.Millisecond, "119.9 s"},
		{2 * time.Minute, "2 min"},
		{2*time.Minute + 5*time.Second, "2 min 5 s"},
		{10 * time.Minute, "10 min"},
		{time.Hour + 59*time.Second + 999*time.Millisecond, "60 min 59 s"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, FmtDur(tc.d), "%v", tc.d)
	}
}

func TestFmtSpan(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{500 * time.Millisecond, "0.5 s"},
		{30 * time.Second, "30 s"},
		{60 * time.Second, "60 s"},
		{90 * time.Second, "90 s"},
		{2 * time.Minute, "2 min"},
		{4 * time.Minute, "4 min"},
		{150 * time.Second, "150 s"},
	} {
		assert.Equal(t, tc.want, FmtSpan(tc.d), "%v", tc.d)
	}
}

func TestFlagName(t *testing.T) {
	tests := []struct {
		flags sim.Flags
		n     int
		want  string
	}{
		{sim.SYN, 0, "SYN"},
		{sim.SYN | sim.ACK, 0, "SYN-ACK"},
		{sim.ACK, 0, "ACK"},
		{sim.PSH | sim.ACK, sim.RequestLen, "data"},
		{sim.ACK, sim.ResponseLen, "data"},
		{sim.FIN | sim.ACK, 0, "FIN"},
		{sim.RST | sim.ACK, 0, "RST"},
		{sim.RST | sim.SYN, 0, "RST"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, flagName(sim.Event{Kind: sim.Packet, Flags: tc.flags, Len: tc.n}), "%s", tc.flags)
	}
	// Every packet the simulation sends gets one of these names.
	evs := reference(t, lessonScenario(t, 3), 10*time.Second)
	names := map[string]bool{}
	for _, e := range evs {
		if e.Kind == sim.Packet {
			names[flagName(e)] = true
		}
	}
	assert.Equal(t, map[string]bool{"SYN": true, "SYN-ACK": true, "ACK": true, "data": true, "FIN": true, "FIN again": true, "copy": true}, names,
		"lesson 3's packets (nothing is refused there; its network sends a FIN again and a late copy)")
	assert.Equal(t, "FIN again", flagName(sim.Event{Kind: sim.Packet, Flags: sim.FIN | sim.ACK, Retransmit: true}))
	assert.Equal(t, "copy", flagName(sim.Event{Kind: sim.Packet, Flags: sim.PSH | sim.ACK, Len: sim.ResponseLen, Delay: time.Second}))
	assert.Equal(t, "ack", replyChoice(sim.Event{Kind: sim.Packet, Flags: sim.ACK}))
	assert.Equal(t, "rst", replyChoice(sim.Event{Kind: sim.Packet, Flags: sim.RST}))
	assert.Equal(t, "pkt:FIN again", replyChoice(sim.Event{Kind: sim.Packet, Flags: sim.FIN | sim.ACK, Retransmit: true}))
}

// The inspection of a port lists what the engine and the events say uses
// it: its class and state, whether it is in the host's ephemeral range,
// and its first socket with how many more there are.
func TestInspectListsTheSockets(t *testing.T) {
	s := newSession(t, 2)
	p := s.run.play
	ci := p.hostIndex("client")
	client := &p.hosts[ci]
	// On until a server has a connection too.
	for {
		served := false
		for _, h := range p.hosts {
			served = served || h.server && len(h.conns) > 0
		}
		if served && len(client.conns) > 0 {
			break
		}
		require.False(t, p.finished(), "the client connects and a server accepts")
		s.Do(ActStepForward)
	}
	inspect := func(host int, port engine.Port) string {
		t.Helper()
		s.FocusHost(host)
		s.Point(port, true)
		in := s.View().Inspect
		require.True(t, in.OK)
		require.Equal(t, port, in.Port)
		return in.Text
	}
	for _, c := range client.conns {
		port := engine.Port(c.tuple.Local.Port())
		st := p.sim.Hosts()[ci].PortState(engine.TCP, port)
		assert.Equal(t, engine.PortInUse, st, "a connection's local port is in use")
		text := inspect(ci, port)
		assert.Contains(t, text, fmt.Sprintf("port %d (%s) on client: %s", port, engine.ClassOf(port), st))
		assert.Contains(t, text, fmt.Sprintf("%s → %s %s", c.tuple.Local, c.tuple.Remote, c.state))
		assert.True(t, client.Profile.Ephemeral.Contains(port), "autobind picks from the range")
		assert.Contains(t, text, "ephemeral range")
		assert.NotContains(t, text, "more", "one socket on this port")
	}
	// A server's port 80: its listener, and the connections accepted on it.
	servers := 0
	for i := range p.hosts {
		h := &p.hosts[i]
		if !h.server {
			continue
		}
		servers++
		st := p.sim.Hosts()[i].PortState(engine.TCP, 80)
		assert.Equal(t, engine.PortListening, st)
		text := inspect(i, 80)
		assert.Contains(t, text, fmt.Sprintf("port 80 (system) on %s: listening", h.Name))
		assert.Contains(t, text, "LISTEN "+netip.AddrPortFrom(h.Addr, 80).String())
		assert.NotContains(t, text, "ephemeral range")
		in := s.View().Inspect
		require.NotEmpty(t, in.Sockets)
		assert.Equal(t, "LISTEN "+netip.AddrPortFrom(h.Addr, 80).String(), in.Sockets[0], "the listener first")
		assert.Equal(t, 1+len(h.conns), len(in.Sockets)+in.More, "%s: every socket on :80 listed or counted", h.Name)
		for _, c := range h.conns {
			if len(in.Sockets) == 1+len(h.conns) {
				assert.Contains(t, in.Sockets, fmt.Sprintf("%s → %s %s", c.tuple.Local, c.tuple.Remote, c.state), "%s: each connection accepted on :80", h.Name)
			}
		}
		if n := len(h.conns); n > 0 {
			assert.Contains(t, text, fmt.Sprintf("(+%d more)", n), "%s: the listener and %d connections", h.Name, n)
		} else {
			assert.NotContains(t, text, "more")
		}
	}
	assert.Equal(t, 2, servers)
	// Ports nobody uses: outside the range, and in it.
	assert.Equal(t, "port 7 (system) on client: free", inspect(ci, 7))
	lo := client.Profile.Ephemeral.Lo
	if p.sim.Hosts()[ci].PortState(engine.TCP, lo) == engine.PortFree {
		assert.Equal(t, fmt.Sprintf("port %d (%s) on client: free, in the ephemeral range", lo, engine.ClassOf(lo)), inspect(ci, lo))
	}
	s.Point(0, false)
	assert.False(t, s.View().Inspect.OK, "nothing pointed at, nothing pinned")
}

// wantRows are the rows host h's box lists at now: listeners,
// connections at work (by number), waiting connections (by number), then the
// first to have entered TIME_WAIT (by number among themselves), at most
// maxRows. The TIME_WAIT order and each countdown come from the events.
func wantRows(h *hostState, evs []sim.Event, now time.Duration) []SocketRow {
	// Connections are named by their client and the order each began in:
	// a connection's first event is its connect.
	names := map[int]string{}
	opened := map[string]int{}
	for _, e := range evs {
		if _, ok := names[e.Conn]; !ok && e.Conn > 0 && e.At <= now {
			opened[e.Host]++
			names[e.Conn] = connName{e.Host, opened[e.Host], false}.on(English(), h.Name)
		}
	}
	var rows []SocketRow
	for _, l := range h.listens {
		rows = append(rows, SocketRow{Kind: RowListen, StateName: "LISTEN", Local: l, Proto: engine.TCP, book: English()}) // the lessons listen on TCP
	}
	row := func(c connState) SocketRow {
		return SocketRow{Kind: RowConn, State: c.state, StateName: c.state.String(), Conn: c.id, Name: names[c.id], Local: c.tuple.Local, Remote: c.tuple.Remote,
			Proto: c.tuple.Proto, Inbound: slices.Contains(h.listens, c.tuple.Local), book: English()}
	}
	for _, id := range slices.Sorted(maps.Keys(h.conns)) {
		if c := h.conns[id]; c.state != engine.TimeWait {
			rows = append(rows, row(c))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(h.waiting)) {
		w := h.waiting[id]
		// In English, a wait's reason is the simulation's own.
		rows = append(rows, SocketRow{Kind: RowWaiting, StateName: "WAITING", ReasonText: w.Reason.String(), Conn: id, Name: names[id],
			Local: w.Tuple.Local, Remote: w.Tuple.Remote, Reason: w.Reason, book: English()})
	}
	var tw []SocketRow
	listed := map[int]bool{}
	for _, e := range evs {
		if e.At > now || len(rows)+len(tw) >= maxRows {
			break
		}
		if e.Kind == sim.State && e.State == engine.TimeWait && e.Host == h.Name && !listed[e.Conn] {
			if c, ok := h.conns[e.Conn]; ok && c.state == engine.TimeWait {
				// Listed once, in the order they first entered it, with
				// the time left since it last (re)started.
				listed[e.Conn] = true
				r := row(c)
				r.TimeWaitLeft = c.since + h.Profile.TimeWait - now
				tw = append(tw, r)
			}
		}
	}
	slices.SortFunc(tw, func(a, b SocketRow) int { return a.Conn - b.Conn })
	rows = append(rows, tw...)
	return rows[:min(len(rows), maxRows)]
}

func TestHostRows(t *testing.T) {
	checked := map[string]bool{}
	// One session through the lessons, there and back: the names a view
	// keeps from the last one must not outlive their run.
	s := newSession(t, 3)
	for _, n := range []int{3, 4, 6, 7, 3} {
		s.Do(ActOpen(n))
		p := s.run.play
		for _, at := range []time.Duration{150 * time.Millisecond, 300 * time.Millisecond, 1200 * time.Millisecond, 5 * time.Second, 25 * time.Second, 70 * time.Second} {
			if s.run.Lesson.Sandbox && at > 5*time.Second {
				break // thousands of connections: enough at 5 s
			}
			p.seek(at)
			evs := reference(t, s.run.Scenario, p.now)
			v := s.View()
			require.Len(t, v.Hosts, len(p.hosts))
			for i := range p.hosts {
				h := &p.hosts[i]
				hv := v.Hosts[i]
				name := fmt.Sprintf("lesson %d: %s at %s", n, h.Name, p.now)
				tw, udp := 0, 0
				for _, c := range h.conns {
					if c.state == engine.TimeWait {
						tw++
					}
					if c.tuple.Proto == engine.UDP {
						udp++
					}
				}
				require.Equal(t, len(h.listens)+len(h.waiting)+len(h.conns), hv.Total, name)
				require.Equal(t, len(h.conns)-udp, hv.Conns, name)
				require.Equal(t, udp, hv.UDP, name)
				require.Equal(t, tw, hv.InTW, name)
				want := wantRows(h, evs, p.now)
				require.Equal(t, want, hv.Rows, name)
				for _, r := range hv.Rows {
					switch r.Kind {
					case RowListen:
						checked["LISTEN"] = true
					case RowWaiting:
						checked["WAITING"] = true
					case RowConn:
						checked[r.State.String()] = true
						if r.State == engine.TimeWait {
							require.Positive(t, r.TimeWaitLeft, "%s: a TIME_WAIT still listed has time left", name)
							require.LessOrEqual(t, r.TimeWaitLeft, h.Profile.TimeWait, name)
						} else {
							require.Zero(t, r.TimeWaitLeft, name)
						}
						if r.Inbound {
							checked["inbound"] = true
						}
					}
				}
			}
		}
	}
	for _, st := range []string{"LISTEN", "WAITING", "SYN_SENT", "ESTABLISHED", "TIME_WAIT", "inbound"} {
		assert.True(t, checked[st], "a %s row was checked", st)
	}
}

func TestConnNamesReadAsPeopleCount(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th",
		21: "21st", 22: "22nd", 23: "23rd", 101: "101st", 111: "111th", 112: "112th"} {
		assert.Equal(t, "alice's "+want+" connection", connName{"alice", n, false}.in(English()))
		assert.Equal(t, want+" connection", connName{"alice", n, false}.on(English(), "alice"), "in alice's own box")
		assert.Equal(t, "alice's "+want, connName{"alice", n, false}.on(English(), "web"), "in another host's box")
		assert.Equal(t, "alice's "+want+" query", connName{"alice", n, true}.in(English()), "a UDP query is no connection")
		assert.Equal(t, want+" query", connName{"alice", n, true}.on(English(), "alice"))
	}
}

// A host's box names every address of a host with several, and a packet
// to its second address is drawn toward it.
func TestHostLabelShowsEveryAddress(t *testing.T) {
	sc, err := scenario.Parse("host client 192.168.1.5\nhost web 10.0.0.10,10.0.0.11\n" +
		"listen web 10.0.0.11:80\nconnect client -> 10.0.0.11:80")
	require.NoError(t, err)
	p, err := newPlayer(sc)
	require.NoError(t, err)
	assert.Equal(t, "192.168.1.5", p.hosts[0].addrText)
	assert.Equal(t, "10.0.0.10, 10.0.0.11", p.hosts[1].addrText)
	assert.Equal(t, 1, p.hostByAddr(netip.MustParseAddr("10.0.0.11")))
	assert.Equal(t, -1, p.hostByAddr(netip.MustParseAddr("10.0.0.12")))
}

// A profile's unverified claims are marked in the host's box and listed
// for the text mirror; a profile without any is not marked.
func TestHostLabelMarksUnverifiedClaims(t *testing.T) {
	for _, name := range []string{"linux", "linux-old", "winxp", "windows", "freebsd", "macos", "iana"} {
		t.Run(name, func(t *testing.T) {
			prof, err := engine.ProfileByName(name)
			require.NoError(t, err)
			s := DefaultSettings()
			s.Lesson, s.LessonGiven, s.Paused, s.Seed, s.Profile = 3, true, true, 7, prof
			v := NewSession(builtin(t), s, nil, &MemStore{}).View()
			require.Empty(t, v.Fatal)
			client := v.Hosts[slices.IndexFunc(v.Hosts, func(h HostView) bool { return h.Client })]
			assert.Equal(t, prof.Unverified, client.Unverified)
			if prof.Unverified == "" {
				assert.Equal(t, prof.Title, client.Profile)
			} else {
				assert.Equal(t, shortOSIn(English(), prof)+" (partly unverified)", client.Profile)
				assert.True(t, strings.HasPrefix(prof.Title, shortOSIn(English(), prof)), "the OS's proper name: %q", client.Profile)
			}
		})
	}
}

// A box's Keep counts its listeners, which lead its rows: what a server
// box shows before the count of the rest.
func TestHostKeepsItsListeners(t *testing.T) {
	for _, n := range []int{2, 4, 7} {
		s := newSession(t, n)
		s.PlayToPause(nil)
		for _, h := range s.View().Hosts {
			listens := 0
			for _, r := range h.Rows {
				if r.Kind == RowListen {
					listens++
				}
			}
			assert.Equal(t, listens, h.Keep, "lesson %d: %s", n, h.Name)
			for _, r := range h.Rows[:h.Keep] {
				assert.Equal(t, RowListen, r.Kind, "lesson %d: %s's listeners first", n, h.Name)
			}
			assert.Equal(t, h.Server, h.Keep > 0, "lesson %d: %s", n, h.Name)
		}
	}
}

// A UDP socket is named as bound in the inspector, in the session's
// language: UDP has no listen() and no connection states.
func TestInspectNamesUDPSocketsInEachLanguage(t *testing.T) {
	for _, lang := range LanguageCodes() {
		t.Run(lang, func(t *testing.T) {
			s := newSession(t, 8)
			require.NoError(t, s.SetLang(lang))
			b := s.run.book
			p := s.run.play
			dns := p.hostIndex("dns")
			// On until a client's query has its connected socket.
			var q *connState
			for q == nil {
				require.False(t, p.finished(), "a client sends a query")
				s.Do(ActStepForward)
				for i := range p.hosts {
					for _, c := range p.hosts[i].conns {
						if c.tuple.Proto == engine.UDP && c.tuple.Remote.IsValid() && i != dns {
							q = &c
						}
					}
				}
			}
			s.FocusHost(dns)
			s.Do(ActFocus) // dns's UDP ports, after its TCP ones
			require.True(t, s.focusUDP, "dns uses UDP and TCP")
			s.Point(53, true)
			in := s.View().Inspect
			require.NotEmpty(t, in.Sockets)
			bound := b.T("inspect.sock.udp-bound", "local", netip.AddrPortFrom(p.hosts[dns].Addr, 53).String())
			assert.Equal(t, bound, in.Sockets[0], "dns's socket on 53")
			assert.NotContains(t, in.Sockets[0], "LISTEN", "UDP has no listen()")
			if lang != "en" {
				assert.NotEqual(t, English().T("inspect.sock.udp-bound", "local", "x"), b.T("inspect.sock.udp-bound", "local", "x"), "translated")
			}
			s.FocusHost(p.hostIndex(p.names[q.id].client))
			s.Point(engine.Port(q.tuple.Local.Port()), true)
			in = s.View().Inspect
			require.NotEmpty(t, in.Sockets)
			assert.Equal(t, b.T("inspect.sock.udp", "local", q.tuple.Local.String(), "remote", q.tuple.Remote.String()), in.Sockets[0], "the query's connected socket")
			if lang != "en" {
				assert.NotContains(t, in.Sockets[0], engine.Bound.String(), "no engine state name in the sentence")
			}
		})
	}
}
