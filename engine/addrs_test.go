package engine

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var secondIP = netip.MustParseAddr("192.168.1.6")

func withSecondAddr(c *HostConfig) { c.More = []netip.Addr{secondIP} }

// A port taken on one of a host's addresses is free on another; the
// wildcard overlaps every address (inet_rcv_saddr_equal, BSD's wildcard
// in_pcblookup_local; docs/facts-extra.md), except on Windows, where by
// default a specific address may stand beside the wildcard in either
// order (Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE").
func TestBindConflictsPerAddress(t *testing.T) {
	wild := netip.IPv4Unspecified()
	tests := []struct {
		name         string
		first, again netip.Addr
		want         *Errno // for the second listen on :80
		windows      *Errno // the same on Windows
	}{
		{"the second address's :80 while the first's is taken", clientIP, secondIP, nil, nil},
		{"the first address's :80 while the second's is taken", secondIP, clientIP, nil, nil},
		{"the same address twice", secondIP, secondIP, ErrAddrInUse, ErrAddrInUse},
		{"the wildcard while one address's is taken", clientIP, wild, ErrAddrInUse, nil},
		{"an address while the wildcard's is taken", wild, secondIP, ErrAddrInUse, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, profile := range []string{"linux", "freebsd", "macos", "windows"} {
				h := newHost(t, profile, withSecondAddr)
				opts := SockOpts{Privileged: true}
				_, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(tc.first, 80), opts)
				require.NoError(t, err, profile)
				before := snap(h)
				_, _, err = h.ListenOpts(TCP, netip.AddrPortFrom(tc.again, 80), opts)
				want := tc.want
				if profile == "windows" {
					want = tc.windows
				}
				if want == nil {
					require.NoError(t, err, profile)
					continue
				}
				require.ErrorIs(t, err, want, profile)
				assert.Equal(t, before, snap(h), "%s: a failed bind changes nothing", profile)
			}
		})
	}
}

// A connection holds its port on its own local address only: a bind of
// the same port on the other address succeeds, on the same one it does
// not.
func TestConnectionHoldsItsPortOnItsAddressOnly(t *testing.T) {
	h := newHost(t, "linux", withSecondAddr)
	id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
	require.NoError(t, err)
	_, err = h.ConnectFrom(id, dstA)
	require.NoError(t, err)
	_, _, err = h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
	require.ErrorIs(t, err, ErrAddrInUse)
	_, _, err = h.Bind(TCP, netip.AddrPortFrom(secondIP, 40000), SockOpts{})
	require.NoError(t, err)
	checkInvariants(t, h)
}

// connect() from an unbound socket leaves from the primary address; from
// a socket bound to an address, from that one; from the wildcard, from
// the primary.
func TestConnectPicksTheLocalAddress(t *testing.T) {
	h := newHost(t, "linux", withSecondAddr)
	c, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.Equal(t, clientIP, c.Local.Addr())
	for _, tc := range []struct{ bound, want netip.Addr }{
		{secondIP, secondIP},
		{clientIP, clientIP},
		{netip.IPv4Unspecified(), clientIP},
	} {
		id, _, err := h.Bind(TCP, netip.AddrPortFrom(tc.bound, 0), SockOpts{})
		require.NoError(t, err)
		c, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err)
		assert.Equal(t, tc.want, c.Local.Addr(), "bound to %v", tc.bound)
	}
	checkInvariants(t, h)
}

// Two connections that differ only in their local address are two
// 4-tuples: both exist, each is found and closed on its own.
func TestSamePortFromTwoAddressesToOneDestination(t *testing.T) {
	h := newHost(t, "linux", withSecondAddr)
	var conns []FourTuple
	for _, a := range []netip.Addr{clientIP, secondIP} {
		id, _, err := h.Bind(TCP, netip.AddrPortFrom(a, 40000), SockOpts{})
		require.NoError(t, err)
		c, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	require.NotEqual(t, conns[0], conns[1])
	est, _ := h.Conns(TCP)
	assert.Equal(t, 2, est)
	require.NoError(t, h.Close(conns[1]))
	st, ok := h.Conn(conns[0])
	require.True(t, ok)
	assert.Equal(t, Established, st, "closing one leaves the other")
	st, _ = h.Conn(conns[1])
	assert.Equal(t, TimeWait, st)
	checkInvariants(t, h)
}

// A connection arrives on the address its listener is bound to, or on
// any with a wildcard listener.
func TestAcceptOnTheListenersAddress(t *testing.T) {
	from := netip.MustParseAddrPort("10.1.1.1:5555")
	tests := []struct {
		name     string
		listen   netip.Addr
		arriveAt netip.Addr
		want     *Errno
	}{
		{"on the listener's address", secondIP, secondIP, nil},
		{"on the other address", secondIP, clientIP, ErrConnRefused},
		{"on any with the wildcard", netip.IPv4Unspecified(), secondIP, nil},
		{"on an address not the host's", netip.IPv4Unspecified(), netip.MustParseAddr("192.168.1.7"), ErrConnRefused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, "linux", withSecondAddr)
			_, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(tc.listen, 80), SockOpts{Privileged: true})
			require.NoError(t, err)
			err = h.Accept(FourTuple{TCP, netip.AddrPortFrom(tc.arriveAt, 80), from})
			if tc.want == nil {
				require.NoError(t, err)
				checkInvariants(t, h)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestHostAddressesAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		more []netip.Addr
		want string
	}{
		{"twice", []netip.Addr{clientIP}, "given twice"},
		{"the wildcard", []netip.Addr{netip.IPv4Unspecified()}, "not a host address"},
		{"none", []netip.Addr{{}}, "not a host address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewHost(HostConfig{Name: "h", Addr: clientIP, More: tc.more})
			require.ErrorContains(t, err, tc.want)
		})
	}
	h := newHost(t, "linux", withSecondAddr)
	assert.Equal(t, []netip.Addr{clientIP, secondIP}, h.Addrs())
	third := netip.MustParseAddr("fd00::7")
	h = newHost(t, "linux", func(c *HostConfig) { c.More = []netip.Addr{secondIP, third} })
	assert.Equal(t, []netip.Addr{clientIP, secondIP, third}, h.Addrs(), "three addresses, in order")
}

// A datagram to one of a host's addresses finds a UDP socket bound to
// that address or the wildcard, never one bound to its other address,
// and never a TCP socket on the same port (__udp4_lib_lookup looks in
// UDP's table only).
func TestReceivesOnOneAddress(t *testing.T) {
	h := newHost(t, "linux", withSecondAddr)
	from := netip.MustParseAddrPort("10.0.0.9:40001")
	to := func(a netip.Addr) FourTuple { return FourTuple{UDP, netip.AddrPortFrom(a, 53), from} }
	_, _, err := h.Bind(UDP, netip.AddrPortFrom(secondIP, 53), SockOpts{Privileged: true})
	require.NoError(t, err)
	_, _, err = h.ListenOpts(TCP, netip.AddrPortFrom(netip.IPv4Unspecified(), 53), SockOpts{Privileged: true})
	require.NoError(t, err)
	assert.True(t, h.Receives(to(secondIP)), "the socket bound to that address")
	assert.False(t, h.Receives(to(clientIP)), "the UDP socket is bound to the other address; the TCP listener on the wildcard takes no datagram")
}

// A socket bound to the wildcard and then connected holds its port on the
// address it left from only, as Linux sets its receive address on
// connect(): the other address's same port stays free.
func TestConnectedWildcardSocketHoldsOneAddress(t *testing.T) {
	h := newHost(t, "linux", withSecondAddr)
	id, _, err := h.Bind(TCP, netip.AddrPortFrom(netip.IPv4Unspecified(), 40000), SockOpts{})
	require.NoError(t, err)
	_, _, err = h.Bind(TCP, netip.AddrPortFrom(secondIP, 40000), SockOpts{})
	require.ErrorIs(t, err, ErrAddrInUse, "before connect(), the wildcard holds every address")
	c, err := h.ConnectFrom(id, dstA)
	require.NoError(t, err)
	require.Equal(t, clientIP, c.Local.Addr())
	_, _, err = h.Bind(TCP, netip.AddrPortFrom(secondIP, 40000), SockOpts{})
	require.NoError(t, err)
	_, _, err = h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
	require.ErrorIs(t, err, ErrAddrInUse)
	checkInvariants(t, h)
}
