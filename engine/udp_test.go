package engine

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A UDP socket's first sendto() binds it (Autobind): a port no other
// socket uses, which runs out with the send's errno, not bind(0)'s, and
// changes nothing when it fails.
func TestAutobindUDP(t *testing.T) {
	tests := []struct {
		profile string
		want    *Errno
	}{
		{"linux", ErrAgain}, // inet_autobind
		{"freebsd", ErrAddrNotAvail},
		{"macos", ErrAddrNotAvail},
		{"windows", ErrNoBufs},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			h := newHost(t, tc.profile, withRange(40000, 40007))
			seen := map[uint16]bool{}
			for i := range 8 {
				_, a, err := h.Autobind(UDP, SockOpts{})
				require.NoError(t, err, "send %d of 8", i+1)
				assert.True(t, a.Addr().IsUnspecified(), "bound to the wildcard")
				assert.True(t, Range{40000, 40007}.Contains(Port(a.Port())), "port %d in the range", a.Port())
				assert.False(t, seen[a.Port()], "port %d given twice", a.Port())
				seen[a.Port()] = true
				assert.Equal(t, PortInUse, h.PortState(UDP, Port(a.Port())))
				assert.Equal(t, PortFree, h.PortState(TCP, Port(a.Port())), "UDP's port space is its own")
			}
			before := snap(h)
			_, _, err := h.Autobind(UDP, SockOpts{})
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, before, snap(h), "a failed send changes nothing")
			if tc.profile == "linux" {
				_, _, err = h.Bind(UDP, netip.AddrPortFrom(clientIP, 0), SockOpts{})
				assert.ErrorIs(t, err, ErrAddrInUse, "bind(0) says EADDRINUSE where a send says EAGAIN")
			}
		})
	}
	_, _, err := newHost(t, "linux", nil).Autobind(TCP, SockOpts{})
	assert.ErrorIs(t, err, ErrInvalid, "only UDP sends bind on their own")
}

// An autobound port is held toward every destination until its socket
// closes, then free at once: UDP has no TIME_WAIT.
func TestAutobindHeldThenFreed(t *testing.T) {
	h := newHost(t, "linux", withRange(40000, 40001))
	id, a, err := h.Autobind(UDP, SockOpts{})
	require.NoError(t, err)
	tu, err := h.Connect(UDP, dstA)
	require.NoError(t, err)
	assert.NotEqual(t, a.Port(), tu.Local.Port(), "connect() does not take the socket's port")
	_, err = h.Connect(UDP, dstB)
	assert.ErrorIs(t, err, ErrAgain, "two ports, both taken, whatever the destination")
	assert.Equal(t, 1, h.Unconnected(UDP), "the autobound socket; the connected one is a connection")
	assert.Zero(t, h.Unconnected(TCP))
	require.NoError(t, h.CloseSocket(id))
	assert.Zero(t, h.Unconnected(UDP))
	assert.Equal(t, PortFree, h.PortState(UDP, Port(a.Port())))
	require.NoError(t, h.Close(tu))
	assert.Equal(t, PortFree, h.PortState(UDP, Port(tu.Local.Port())), "no TIME_WAIT for UDP")
	_, tw := h.Conns(UDP)
	assert.Zero(t, tw)
}

// Receives finds the socket a datagram reaches, or none (ICMP port
// unreachable).
func TestReceives(t *testing.T) {
	server := newHostAt(t, "linux", netip.MustParseAddr("10.0.0.53"))
	from := netip.MustParseAddrPort("192.168.1.5:40001")
	at := func(port uint16) FourTuple {
		return FourTuple{UDP, netip.AddrPortFrom(netip.MustParseAddr("10.0.0.53"), port), from}
	}
	assert.False(t, server.Receives(at(53)), "nothing bound yet")
	_, _, err := server.Bind(UDP, netip.MustParseAddrPort("0.0.0.0:53"), SockOpts{Privileged: true})
	require.NoError(t, err)
	assert.True(t, server.Receives(at(53)), "the wildcard socket takes it")
	assert.False(t, server.Receives(at(54)))
	tcp := at(53)
	tcp.Proto = TCP
	assert.False(t, server.Receives(tcp), "UDP only")
	_, _, err = server.ListenOpts(TCP, netip.MustParseAddrPort("10.0.0.53:80"), SockOpts{Privileged: true})
	require.NoError(t, err)
	assert.False(t, server.Receives(at(80)), "a TCP listener on :80 is no UDP socket")

	client := newHost(t, "linux", withRange(40000, 40009))
	tu, err := client.Connect(UDP, netip.MustParseAddrPort("10.0.0.53:53"))
	require.NoError(t, err)
	assert.True(t, client.Receives(tu), "its peer's reply reaches the connected socket")
	other := tu
	other.Remote = netip.MustParseAddrPort("10.0.0.54:53")
	assert.False(t, client.Receives(other), "a connected socket takes only its peer's datagrams")
	require.NoError(t, client.Close(tu))
	assert.False(t, client.Receives(tu), "closed: a late reply finds no socket")

	id, a, err := client.Autobind(UDP, SockOpts{})
	require.NoError(t, err)
	any := FourTuple{UDP, netip.AddrPortFrom(clientIP, a.Port()), netip.MustParseAddrPort("10.9.9.9:53")}
	assert.True(t, client.Receives(any), "an unconnected socket takes datagrams from anyone")
	require.NoError(t, client.CloseSocket(id))
	assert.False(t, client.Receives(any))
}
