package lesson

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

// udpSandbox is a session on the sandbox with a UDP share, played to at.
func udpSandbox(t *testing.T, share int, at time.Duration) *Session {
	t.Helper()
	set := DefaultSettings()
	set.Lesson, set.LessonGiven, set.Paused, set.Seed = 6, true, true, 7
	set.Sandbox.UDP, set.Sandbox.Clients, set.Sandbox.Rate = share, 1, 10
	s := NewSession(builtin(t), set, nil, &MemStore{})
	require.Empty(t, s.View().Fatal)
	s.run.play.seek(at)
	return s
}

// The sandbox's UDP share: a resolver whose UDP socket is bound (no
// LISTEN), clients' query sockets bound (never ESTABLISHED), the
// datagrams labelled query and reply, and the share link keeps it.
func TestSandboxUDPShare(t *testing.T) {
	s := udpSandbox(t, 50, 2*time.Second)
	v := s.View()
	var dns *HostView
	for i := range v.Hosts {
		if v.Hosts[i].Name == "dns" {
			dns = &v.Hosts[i]
		}
	}
	require.NotNil(t, dns, "a resolver joins the sandbox")
	assert.Contains(t, v.Narration.Text, "Each client opens 5 connections (and 5 UDP queries to dns) per second", "the overview says both")
	require.NotEmpty(t, dns.Rows)
	assert.Equal(t, RowListen, dns.Rows[0].Kind)
	assert.Equal(t, engine.UDP, dns.Rows[0].Proto)
	assert.Equal(t, uint16(53), dns.Rows[0].Local.Port())
	link, err := s.ShareLink("http://school.example/")
	require.NoError(t, err)
	assert.Contains(t, link, "udp=50")
	link, err = udpSandbox(t, 0, 0).ShareLink("http://school.example/")
	require.NoError(t, err)
	assert.NotContains(t, link, "udp=", "no UDP share, no parameter: old links stay as they were")

	// Played on, the client's UDP sockets show as bound, and the
	// datagrams in flight as queries and replies.
	labels := map[string]bool{}
	bound := false
	for range 200 {
		s.Do(ActStepForward)
		v = s.View()
		for _, pk := range v.Packets {
			labels[pk.Flags] = true
		}
		for _, r := range v.Hosts[0].Rows {
			if r.Proto == engine.UDP {
				assert.Equal(t, engine.Bound, r.State, "a UDP socket is bound, never ESTABLISHED")
				bound = true
			}
		}
	}
	assert.True(t, bound, "a query's socket was seen")
	assert.True(t, labels["query"] && labels["reply"], "datagrams are labelled: %v", labels)
}

// H shows a host's UDP ports after its TCP ones; a host that has only
// UDP (the resolver) opens on its UDP ports. The inspector names the
// protocol, and a port's UDP sockets only on the UDP map.
func TestPortMapShowsUDPPorts(t *testing.T) {
	s := udpSandbox(t, 50, 0)
	require.Equal(t, "c1", s.View().PortMap.Host)
	assert.Equal(t, engine.TCP, s.View().PortMap.Proto)
	s.Do(ActFocus)
	assert.Equal(t, "c1", s.View().PortMap.Host, "the same host, its other port space")
	assert.Equal(t, engine.UDP, s.View().PortMap.Proto)
	// Play until the client holds a UDP port, and find it on the map.
	var port engine.Port
	for range 400 {
		s.Do(ActStepForward)
		pm := s.View().PortMap
		for p, st := range pm.States {
			if st == engine.PortInUse {
				port = engine.Port(p)
			}
		}
		if port != 0 {
			break
		}
	}
	require.NotZero(t, port, "a UDP port in use on the UDP map")
	assert.Equal(t, engine.PortInUse, s.run.play.engines[0].PortState(engine.UDP, port))
	s.Pin(port)
	in := s.View().Inspect
	assert.True(t, strings.HasPrefix(in.Text, "UDP port "), in.Text)
	require.NotEmpty(t, in.Sockets)
	assert.Contains(t, in.Sockets[0], "UDP 192.168.1.11:")
	assert.Contains(t, in.Sockets[0], "bound")

	s.Do(ActFocus) // the next host: web, TCP only
	assert.Equal(t, "web", s.View().PortMap.Host)
	assert.Equal(t, engine.TCP, s.View().PortMap.Proto)
	s.FocusHost(len(s.View().Hosts) - 1) // dns, UDP only
	assert.Equal(t, "dns", s.View().PortMap.Host)
	assert.Equal(t, engine.UDP, s.View().PortMap.Proto)
	assert.Equal(t, engine.PortInUse, s.View().PortMap.States[53], "its bound :53")
}

// The event log says what each UDP event means.
func TestDescribeUDP(t *testing.T) {
	s := udpSandbox(t, 100, 0)
	p := s.run.play
	var said []string
	for range 4 { // the log keeps the last LogSize lines
		p.stepForward()
	}
	for _, l := range s.Recent().Lines {
		said = append(said, l.Text)
	}
	text := strings.Join(said, "\n")
	assert.Contains(t, text, "dns binds UDP 10.0.0.53:53")
	assert.Contains(t, text, "got UDP port")
	assert.Contains(t, text, "sent query from port")
	assert.Contains(t, text, "c1's 1st query got its reply", "a query, not a connection")
	assert.Contains(t, text, "c1's 1st query: CLOSED")
	assert.Equal(t, "dns has no socket on UDP port 53: it answers 192.168.1.5 with ICMP port unreachable",
		p.describe(English(), sim.Event{Kind: sim.Unreachable, Host: "dns", Tuple: engine.FourTuple{Proto: engine.UDP, Local: netip.MustParseAddrPort("10.0.0.53:53"), Remote: netip.MustParseAddrPort("192.168.1.5:40000")}}))
	assert.Equal(t, "ICMP", flagName(sim.Event{Kind: sim.Unreachable}))
	assert.Equal(t, ErrorEvents, kindOf(&sim.Event{Kind: sim.GaveUp}))
	assert.Equal(t, PacketEvents, kindOf(&sim.Event{Kind: sim.Unreachable}))
}
