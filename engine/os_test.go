package engine

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The rules that differ between the OS profiles, each with the kernel
// function (or Microsoft page) that says so beside its expectation
// (docs/facts-extra.md).

// macOS hands TCP ports out in order from one counter per protocol,
// across destinations, and wraps at the range's end; UDP's come from a
// random start (XNU in_pcbbind: "++*lastport" unless randomport,
// tcp_use_randomport = 0 in tcp_subr.c, udp_use_randomport = 1 in
// udp_usrreq.c).
func TestMacOSAutobindOrder(t *testing.T) {
	tests := []struct {
		name string
		do   func(h *Host) (Port, error)
		want []Port
	}{
		{"TCP connect climbs by one", func(h *Host) (Port, error) {
			tu, err := h.Connect(TCP, dstA)
			return Port(tu.Local.Port()), err
		}, []Port{49152, 49153, 49154, 49155}},
		{"TCP across destinations: one counter", func(h *Host) (Port, error) {
			dst := dstA
			if h.tables[TCP].nEst%2 == 1 {
				dst = dstB
			}
			tu, err := h.Connect(TCP, dst)
			return Port(tu.Local.Port()), err
		}, []Port{49152, 49153, 49154, 49155}},
		{"TCP bind(0) shares connect's counter", func(h *Host) (Port, error) {
			if len(h.sockets) == h.tables[TCP].nEst {
				_, a, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 0), SockOpts{})
				return Port(a.Port()), err
			}
			tu, err := h.Connect(TCP, dstA)
			return Port(tu.Local.Port()), err
		}, []Port{49152, 49153, 49154, 49155}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, "macos", nil)
			var got []Port
			for range tc.want {
				p, err := tc.do(h)
				require.NoError(t, err)
				got = append(got, p)
			}
			assert.Equal(t, tc.want, got)
		})
	}

	t.Run("TCP wraps at the range's end, skipping ports in use", func(t *testing.T) {
		h := newHost(t, "macos", withRange(40000, 40003))
		var ts []FourTuple
		for range 4 {
			tu, err := h.Connect(TCP, dstA)
			require.NoError(t, err)
			ts = append(ts, tu)
		}
		require.NoError(t, h.PassiveClose(ts[1])) // 40001 free again; 40000 still in use
		tu, err := h.Connect(TCP, dstB)
		require.NoError(t, err)
		assert.Equal(t, Port(40001), Port(tu.Local.Port()), "the counter wraps to 40000, in use, then takes 40001")
	})

	t.Run("UDP from a random start", func(t *testing.T) {
		h := newHost(t, "macos", nil)
		climbing := true
		var prev Port
		for i := range 6 {
			tu, err := h.Connect(UDP, dstA)
			require.NoError(t, err)
			p := Port(tu.Local.Port())
			if i > 0 && p != prev+1 {
				climbing = false
			}
			prev = p
		}
		assert.False(t, climbing, "UDP ports must not climb by one (udp_use_randomport = 1)")
	})

	t.Run("a strategy override serves TCP and UDP", func(t *testing.T) {
		h := newHost(t, "macos", func(c *HostConfig) { c.Strategy = Sequential })
		a, err := h.Connect(UDP, dstA)
		require.NoError(t, err)
		b, err := h.Connect(UDP, dstA)
		require.NoError(t, err)
		assert.Equal(t, []uint16{49152, 49153}, []uint16{a.Local.Port(), b.Local.Port()})
	})
}

// A bound socket's connect() to a 4-tuple already in use, and close() of
// a socket that does not exist, per OS.
func TestErrorsPerOS(t *testing.T) {
	tests := []struct {
		profile string
		inUse   string // connect() from a bound socket to a 4-tuple in use
		noSock  string // close() of no socket
	}{
		{"linux", "EADDRNOTAVAIL", "EBADF"},         // __inet_hash_connect: __inet_check_established fails
		{"linux-old", "EADDRNOTAVAIL", "EBADF"},     // the same before 4.2
		{"freebsd", "EADDRINUSE", "EBADF"},          // in_pcbconnect_setup: in_pcblookup_hash_locked finds it
		{"macos", "EADDRINUSE", "EBADF"},            // XNU tcp_connect: in_pcblookup_hash finds it
		{"windows", "WSAEADDRINUSE", "WSAENOTSOCK"}, // Microsoft, connect function; Windows Sockets Error Codes
		{"winxp", "WSAEADDRINUSE", "WSAENOTSOCK"},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			h := newHost(t, tc.profile, nil)
			opts := SockOpts{ReuseAddr: true, ReusePort: tc.profile != "windows" && tc.profile != "winxp"}
			local := netip.AddrPortFrom(clientIP, 5000)
			a, _, err := h.Bind(TCP, local, opts)
			require.NoError(t, err)
			b, _, err := h.Bind(TCP, local, opts)
			require.NoError(t, err)
			_, err = h.ConnectFrom(a, dstA)
			require.NoError(t, err)
			before := snap(h)
			_, err = h.ConnectFrom(b, dstA)
			require.Error(t, err)
			assert.Equal(t, tc.inUse, ErrnoName(err))
			assert.Equal(t, before, snap(h), "a failed connect changes nothing")

			err = h.CloseSocket(99)
			assert.Equal(t, tc.noSock, ErrnoName(err))
			assert.ErrorIs(t, err, ErrBadF)
		})
	}
}
