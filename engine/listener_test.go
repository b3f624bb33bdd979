package engine

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var wildcard = netip.IPv4Unspecified()

// acceptedBy accepts t on h and says which socket took it: the one
// whose options the connection carries.
func acceptedBy(t *testing.T, h *Host, c FourTuple) SocketID {
	t.Helper()
	tb := h.tables[c.Proto]
	l := h.listener(tb, &c)
	require.NotNil(t, l, "nothing listens for %v", c)
	require.NoError(t, h.Accept(c))
	got, ok := h.get(tb, &c)
	require.True(t, ok)
	assert.Equal(t, l.opts.ReuseAddr, got.reuseAddr, "the connection carries its listener's options")
	return l.id
}

// coldListener is what listener finds without its cache.
func coldListener(h *Host, c FourTuple) *socket {
	g := h.listenGroup(c.Proto, c.Local, nil)
	switch len(g) {
	case 0:
		return nil
	case 1:
		return g[0]
	}
	return g[h.reuseportIndex(&c, len(g))]
}

// The listener bound to the address a connection arrives at takes it
// over one on the wildcard, whichever listened first (compute_score).
func TestListenerPrefersTheExactAddress(t *testing.T) {
	from := netip.MustParseAddrPort("10.1.1.1:5555")
	tests := []struct {
		name    string
		listens []netip.Addr // in order; all SO_REUSEPORT, so they coexist
		arrive  netip.Addr
		want    int // index in listens
	}{
		{"specific, then wildcard", []netip.Addr{secondIP, wildcard}, secondIP, 0},
		{"wildcard, then specific", []netip.Addr{wildcard, secondIP}, secondIP, 1},
		{"specific elsewhere, then wildcard", []netip.Addr{secondIP, wildcard}, clientIP, 1},
		{"wildcard, then specific elsewhere", []netip.Addr{wildcard, secondIP}, clientIP, 0},
		{"one on each address and the wildcard", []netip.Addr{wildcard, clientIP, secondIP}, clientIP, 1},
		{"the same, on the second address", []netip.Addr{wildcard, clientIP, secondIP}, secondIP, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, "linux", withSecondAddr)
			ids := make([]SocketID, len(tc.listens))
			for i, a := range tc.listens {
				// Options that tell the listeners apart in what they pass on.
				opts := SockOpts{ReusePort: true, Privileged: true, ReuseAddr: a == tc.listens[tc.want]}
				var err error
				ids[i], _, err = h.ListenOpts(TCP, netip.AddrPortFrom(a, 80), opts)
				require.NoError(t, err)
			}
			got := acceptedBy(t, h, FourTuple{TCP, netip.AddrPortFrom(tc.arrive, 80), from})
			assert.Equal(t, ids[tc.want], got)
			checkInvariants(t, h)
		})
	}
}

// A SO_REUSEPORT group shares its connections by the 4-tuple: the same
// 4-tuple always reaches the same member, and many spread over all.
func TestReuseportGroupSpreadsByFourTuple(t *testing.T) {
	local := netip.AddrPortFrom(clientIP, 8080)
	for _, members := range []int{2, 3, 5} {
		h := newHost(t, "linux", nil)
		ids := map[SocketID]int{}
		for range members {
			id, _, err := h.ListenOpts(TCP, local, SockOpts{ReusePort: true})
			require.NoError(t, err)
			ids[id] = 0
		}
		const conns = 600
		for i := range conns {
			c := FourTuple{TCP, local, netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i / 200), byte(i)}), uint16(20000+i))}
			id := acceptedBy(t, h, c)
			require.Contains(t, ids, id)
			ids[id]++
			// The cached group gives what a fresh lookup gives, for this
			// 4-tuple and for the one before it.
			require.Equal(t, coldListener(h, c), h.listener(h.tables[TCP], &c), "connection %d", i)
		}
		for id, n := range ids {
			// An even share is conns/members; a hash that ignored the
			// 4-tuple would give one member all.
			assert.Greater(t, n, conns/members/2, "%d members: socket %d took %d of %d", members, id, n, conns)
		}
	}
}

// The cache of the last group follows bind and close: a new member takes
// its share at once, a closed one takes nothing.
func TestListenerCacheFollowsTheGroup(t *testing.T) {
	local := netip.AddrPortFrom(clientIP, 8080)
	h := newHost(t, "linux", nil)
	rp := SockOpts{ReusePort: true}
	first, _, err := h.ListenOpts(TCP, local, rp)
	require.NoError(t, err)
	tuples := make([]FourTuple, 64)
	for i := range tuples {
		tuples[i] = FourTuple{TCP, local, netip.AddrPortFrom(netip.MustParseAddr("10.9.9.9"), uint16(30000+i))}
		require.Equal(t, first, h.listener(h.tables[TCP], &tuples[i]).id)
	}
	second, _, err := h.ListenOpts(TCP, local, rp)
	require.NoError(t, err)
	took := map[SocketID]int{}
	for _, c := range tuples {
		l := h.listener(h.tables[TCP], &c)
		require.Equal(t, coldListener(h, c), l)
		took[l.id]++
	}
	assert.Positive(t, took[second], "the new member takes a share")
	assert.Positive(t, took[first])

	require.NoError(t, h.CloseSocket(first))
	for _, c := range tuples {
		assert.Equal(t, second, h.listener(h.tables[TCP], &c).id, "the closed member takes nothing")
	}
	require.NoError(t, h.CloseSocket(second))
	for _, c := range tuples {
		assert.Nil(t, h.listener(h.tables[TCP], &c))
		assert.ErrorIs(t, h.Accept(c), ErrConnRefused)
	}
}

// Hosts built the same way choose the same listeners: the choice does not
// hang on a map's order (which Go randomises on every range).
func TestListenerChoiceIsTheSameOnEveryHost(t *testing.T) {
	build := func() *Host {
		h := newHost(t, "linux", withSecondAddr)
		for _, l := range []struct {
			addr netip.Addr
			port uint16
		}{
			{wildcard, 80}, {clientIP, 80}, {clientIP, 80}, {clientIP, 80}, {wildcard, 80},
			{wildcard, 443}, {wildcard, 443}, {wildcard, 443}, {secondIP, 443},
		} {
			_, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(l.addr, l.port), SockOpts{ReusePort: true, Privileged: true})
			require.NoError(t, err)
		}
		return h
	}
	choices := func(h *Host) []SocketID {
		var got []SocketID
		for i := range 40 {
			for _, at := range []netip.AddrPort{
				netip.AddrPortFrom(clientIP, 80), netip.AddrPortFrom(secondIP, 80),
				netip.AddrPortFrom(clientIP, 443), netip.AddrPortFrom(secondIP, 443),
			} {
				got = append(got, acceptedBy(t, h, FourTuple{TCP, at, netip.AddrPortFrom(netip.MustParseAddr("10.2.2.2"), uint16(40000+i))}))
			}
		}
		return got
	}
	want := choices(build())
	for range 50 {
		require.Equal(t, want, choices(build()))
	}
}

// A server listening on two ports takes each connection on the port it
// arrives at, however the arrivals alternate.
func TestListenerPerPort(t *testing.T) {
	h := newHost(t, "linux", nil)
	ids := map[uint16]SocketID{}
	for _, port := range []uint16{80, 8080} {
		id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, port), SockOpts{Privileged: true, ReuseAddr: port == 80})
		require.NoError(t, err)
		ids[port] = id
	}
	for i, port := range []uint16{80, 8080, 8080, 80, 8080} {
		c := FourTuple{TCP, netip.AddrPortFrom(clientIP, port), netip.AddrPortFrom(netip.MustParseAddr("10.1.1.1"), uint16(5000+i))}
		assert.Equal(t, ids[port], acceptedBy(t, h, c), "connection %d to :%d", i, port)
	}
}
