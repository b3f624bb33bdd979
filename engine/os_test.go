package engine

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"testing"
	"time"

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

// bind() beside the sockets and connections already on a port, per OS
// family (Profile.Sockets). Each setup leaves something on :8080; the
// bind under test then asks for it.
func TestBindRulesPerOS(t *testing.T) {
	wild := netip.AddrPortFrom(netip.IPv4Unspecified(), 8080)
	spec := netip.AddrPortFrom(clientIP, 8080)
	ra, rp, ex := SockOpts{ReuseAddr: true}, SockOpts{ReusePort: true}, SockOpts{Exclusive: true}
	listen := func(at netip.AddrPort, o SockOpts) func(*testing.T, *Host) {
		return func(t *testing.T, h *Host) {
			_, _, err := h.ListenOpts(TCP, at, o)
			require.NoError(t, err)
		}
	}
	// A server restart: the listener accepted a connection, closed first
	// (TIME_WAIT on the server's side) and the listener is gone.
	restart := func(o SockOpts) func(*testing.T, *Host) {
		return func(t *testing.T, h *Host) {
			id, _, err := h.ListenOpts(TCP, wild, o)
			require.NoError(t, err)
			in := FourTuple{TCP, spec, dstA}
			require.NoError(t, h.Accept(in))
			require.NoError(t, h.CloseSocket(id))
			require.NoError(t, h.Close(in))
		}
	}
	// The same with the accepted connection still open.
	open := func(o SockOpts) func(*testing.T, *Host) {
		return func(t *testing.T, h *Host) {
			id, _, err := h.ListenOpts(TCP, wild, o)
			require.NoError(t, err)
			require.NoError(t, h.Accept(FourTuple{TCP, spec, dstA}))
			require.NoError(t, h.CloseSocket(id))
		}
	}
	// One connection the listener accepted is open, another in TIME_WAIT.
	openAndClosed := func(t *testing.T, h *Host) {
		id, _, err := h.ListenOpts(TCP, wild, ra)
		require.NoError(t, err)
		require.NoError(t, h.Accept(FourTuple{TCP, spec, dstA}))
		require.NoError(t, h.Accept(FourTuple{TCP, spec, dstB}))
		require.NoError(t, h.Close(FourTuple{TCP, spec, dstA}))
		require.NoError(t, h.CloseSocket(id))
	}
	const ok, inUse, noOpt, acces = "", "EADDRINUSE", "ENOPROTOOPT", "EACCES"
	tests := []struct {
		name                string
		setup               func(*testing.T, *Host)
		at                  netip.AddrPort
		opts                SockOpts
		linux, bsd, windows string
	}{
		// Linux inet_csk_bind_conflict: TIME_WAIT stays in the bind bucket;
		// BSD: the wildcard lookup finds it; Windows: only an exclusive
		// socket's connection holds the port (unverified for TIME_WAIT).
		{"restart, no options", restart(SockOpts{}), wild, SockOpts{}, inUse, inUse, ok},
		// Linux needs SO_REUSEADDR on both sides; BSD in_pcbbind_setup:
		// the new socket's flag turns the lookup exact, connected ones
		// are not found.
		{"restart, SO_REUSEADDR on the new socket only", restart(SockOpts{}), wild, ra, inUse, ok, ok},
		{"restart, SO_REUSEADDR on both", restart(ra), wild, ra, ok, ok, ok},
		{"an open accepted connection, SO_REUSEADDR on the new only", open(SockOpts{}), wild, ra, inUse, ok, ok},
		{"an open connection and a TIME_WAIT, no options", openAndClosed, wild, SockOpts{}, inUse, inUse, ok},
		// The address an open connection uses, without SO_REUSEADDR: in
		// use everywhere.
		{"an open accepted connection's address, no options", open(SockOpts{}), spec, SockOpts{}, inUse, inUse, inUse},
		// Windows' default: a specific address beside the wildcard, in
		// either order (Microsoft, "Using SO_REUSEADDR and
		// SO_EXCLUSIVEADDRUSE"); Linux inet_rcv_saddr_equal and BSD's
		// wildcard lookup: they overlap.
		{"specific beside a wildcard listener", listen(wild, SockOpts{}), spec, SockOpts{}, inUse, inUse, ok},
		{"wildcard beside a specific listener", listen(spec, SockOpts{}), wild, SockOpts{}, inUse, inUse, ok},
		// BSD: SO_REUSEADDR on the new socket alone (XNU in_pcbbind with
		// wild = 0); Linux: the other listens, so SO_REUSEADDR does not share.
		{"specific beside a wildcard listener, SO_REUSEADDR on the new", listen(wild, SockOpts{}), spec, ra, inUse, ok, ok},
		{"wildcard beside a specific listener, SO_REUSEADDR on both", listen(spec, ra), wild, ra, inUse, ok, ok},
		// The identical address: BSD still needs SO_REUSEPORT ("reuseport
		// & so_options"); Windows: SO_REUSEADDR on the second (one user).
		{"identical, SO_REUSEADDR on both", listen(spec, ra), spec, ra, inUse, inUse, ok},
		{"identical, no options", listen(spec, SockOpts{}), spec, SockOpts{}, inUse, inUse, inUse},
		{"identical, SO_REUSEPORT on both", listen(spec, rp), spec, rp, ok, ok, noOpt},
		// SO_EXCLUSIVEADDRUSE: Windows' alone; it shares with nothing, and
		// SO_REUSEADDR over it is WSAEACCES.
		{"specific beside an exclusive wildcard", listen(wild, ex), spec, SockOpts{}, noOpt, noOpt, inUse},
		{"an exclusive specific beside a wildcard", listen(wild, SockOpts{}), spec, ex, noOpt, noOpt, inUse},
		{"SO_REUSEADDR over an exclusive socket", listen(spec, ex), spec, ra, noOpt, noOpt, acces},
		// "another socket cannot bind to the same port ... until the
		// accepted connection is no longer active"
		{"an exclusive listener's open connection", open(ex), spec, SockOpts{}, noOpt, noOpt, inUse},
	}
	for _, tc := range tests {
		for _, profile := range []string{"linux", "freebsd", "macos", "windows"} {
			t.Run(tc.name+"/"+profile, func(t *testing.T) {
				want := map[Sockets]string{LinuxSockets: tc.linux, BSDSockets: tc.bsd, WindowsSockets: tc.windows}
				h := newHost(t, profile, nil)
				w := want[h.Profile().Sockets]
				if w == noOpt {
					// The case needs an option the OS lacks.
					lacking := SockOpts{Exclusive: true}
					if h.Profile().Sockets == WindowsSockets {
						lacking = rp
					}
					_, _, err := h.ListenOpts(TCP, spec, lacking)
					assert.ErrorIs(t, err, ErrNoProtoOpt)
					return
				}
				tc.setup(t, h)
				before := snap(h)
				_, _, err := h.Bind(TCP, tc.at, tc.opts)
				if w == ok {
					require.NoError(t, err)
					checkInvariants(t, h)
					return
				}
				require.Error(t, err)
				e, _ := IsErrno(err)
				posix := e
				if e.posix != nil {
					posix = e.posix
				}
				assert.Equal(t, w, posix.Name)
				assert.Equal(t, before, snap(h), "a failed bind changes nothing")
			})
		}
	}
}

// Linux takes over a TIME_WAIT entry only if it recorded the peer's TCP
// timestamps (tcp_twsk_unique: "if (tcptw->tw_ts_recent_stamp && (!twp ||
// (reuse && ...)))"): toward a peer without them, or with this host's
// own turned off, a connect() waits TIME_WAIT out.
func TestTakeoverNeedsTimestamps(t *testing.T) {
	tests := []struct {
		name     string
		peerTS   bool
		ownOff   bool
		takeover bool
	}{
		{"peer answers timestamps", true, false, true},
		{"peer without timestamps", false, false, false},
		{"own timestamps off", true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/bind then connect", func(t *testing.T) {
			h := newHost(t, "linux", func(c *HostConfig) {
				c.PeerTimestamps = func(netip.Addr) bool { return tc.peerTS }
				c.NoTimestamps = tc.ownOff
			})
			local := netip.AddrPortFrom(clientIP, 5000)
			id, _, err := h.Bind(TCP, local, SockOpts{ReuseAddr: true})
			require.NoError(t, err)
			first, err := h.ConnectFrom(id, dstA)
			require.NoError(t, err)
			require.NoError(t, h.Close(first))
			id, _, err = h.Bind(TCP, local, SockOpts{ReuseAddr: true})
			require.NoError(t, err)
			_, err = h.ConnectFrom(id, dstA)
			if tc.takeover {
				require.NoError(t, err, "twp == NULL: a bound socket takes the entry over at once")
				return
			}
			require.ErrorIs(t, err, ErrAddrInUse, "the 4-tuple stays in TIME_WAIT")
			h.Advance(h.Profile().TimeWait)
			_, err = h.ConnectFrom(id, dstA)
			require.NoError(t, err, "after TIME_WAIT ran out")
		})
		t.Run(tc.name+"/autobind with tcp_tw_reuse=1", func(t *testing.T) {
			h := newHost(t, "linux", func(c *HostConfig) {
				c.PeerTimestamps = func(netip.Addr) bool { return tc.peerTS }
				c.NoTimestamps = tc.ownOff
				c.Range = Range{40000, 40001} // one port of the walk's parity
				c.TWReuse, c.HasTWReuse = TWReuseOn, true
			})
			var ts []FourTuple
			for range 2 {
				tu, err := h.Connect(TCP, dstA)
				require.NoError(t, err)
				ts = append(ts, tu)
			}
			for _, tu := range ts {
				require.NoError(t, h.Close(tu))
			}
			h.Advance(2 * time.Second) // past tcp_tw_reuse's 1 s
			_, err := h.Connect(TCP, dstA)
			if tc.takeover {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrAddrNotAvail)
			assert.Zero(t, h.Available(TCP, dstA))
		})
	}
}

// Versions: Linux before 4.2 had tcp_tw_reuse 0 by default (2, loopback
// only, came with Linux 4.20), so a loopback client there waits TIME_WAIT
// out where a current one takes it over after a second.
func TestTWReuseDefaultPerVersion(t *testing.T) {
	loop := netip.MustParseAddrPort("127.0.0.1:8080")
	for _, tc := range []struct {
		profile  string
		want     TWReuse
		takeover bool
	}{
		{"linux", TWReuseLoopback, true},
		{"linux-old", TWReuseOff, false},
	} {
		h := newHost(t, tc.profile, func(c *HostConfig) {
			c.Addr = netip.MustParseAddr("127.0.0.1")
			c.Range = Range{40000, 40000}
		})
		assert.Equal(t, tc.want, h.Profile().TWReuse, tc.profile)
		first, err := h.Connect(TCP, loop)
		require.NoError(t, err)
		require.NoError(t, h.Close(first))
		h.Advance(2 * time.Second)
		_, err = h.Connect(TCP, loop)
		assert.Equal(t, tc.takeover, err == nil, "%s: %v", tc.profile, err)
	}
}

// FreeBSD's connect() looks a candidate port up by 4-tuple with the
// wildcard (in_pcb_lport_dest, from in_pcbconnect_setup): it skips a port
// only if an unconnected socket is bound to it or the exact 4-tuple is
// taken, so a port a bound socket connected from serves other
// destinations, where Linux skips the whole bind bucket (facts fact 4).
// Its UDP connect() goes the same way (udp_connect → in_pcbconnect), so
// UDP ports are shared across destinations there and not on Linux
// (udp_lib_get_port).
func TestFreeBSDConnect(t *testing.T) {
	tests := []struct {
		name           string
		setup          func(t *testing.T, h *Host)
		proto          Proto
		dst            netip.AddrPort
		linux, freeBSD bool // whether the connect from the one-port range succeeds
	}{
		{"toward another destination than a bound socket's connection", func(t *testing.T, h *Host) {
			id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
			require.NoError(t, err)
			_, err = h.ConnectFrom(id, dstA)
			require.NoError(t, err)
		}, TCP, dstB, false, true},
		{"toward the same destination: the 4-tuple is taken", func(t *testing.T, h *Host) {
			id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
			require.NoError(t, err)
			_, err = h.ConnectFrom(id, dstA)
			require.NoError(t, err)
		}, TCP, dstA, false, false},
		{"beside an unconnected bound socket", func(t *testing.T, h *Host) {
			_, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
			require.NoError(t, err)
		}, TCP, dstB, false, false},
		{"a listener's accepted connection, the listener closed, toward its peer", func(t *testing.T, h *Host) {
			id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
			require.NoError(t, err)
			require.NoError(t, h.Accept(FourTuple{TCP, netip.AddrPortFrom(clientIP, 40000), dstA}))
			require.NoError(t, h.CloseSocket(id))
		}, TCP, dstA, false, false},
		{"the same, toward another destination", func(t *testing.T, h *Host) {
			id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
			require.NoError(t, err)
			require.NoError(t, h.Accept(FourTuple{TCP, netip.AddrPortFrom(clientIP, 40000), dstA}))
			require.NoError(t, h.CloseSocket(id))
		}, TCP, dstB, false, true},
		{"UDP toward a second destination", func(t *testing.T, h *Host) {
			_, err := h.Connect(UDP, dstA)
			require.NoError(t, err)
		}, UDP, dstB, false, true},
		{"UDP toward the same destination", func(t *testing.T, h *Host) {
			_, err := h.Connect(UDP, dstA)
			require.NoError(t, err)
		}, UDP, dstA, false, false},
	}
	for _, tc := range tests {
		for _, profile := range []string{"linux", "freebsd"} {
			t.Run(tc.name+"/"+profile, func(t *testing.T) {
				h := newHost(t, profile, withRange(40000, 40000))
				tc.setup(t, h)
				want := tc.linux
				if profile == "freebsd" {
					want = tc.freeBSD
				}
				before := snap(h)
				assert.Equal(t, want, h.Available(tc.proto, tc.dst) == 1, "Available")
				tu, err := h.Connect(tc.proto, tc.dst)
				if want {
					require.NoError(t, err)
					assert.Equal(t, uint16(40000), tu.Local.Port())
					checkInvariants(t, h)
					return
				}
				require.Error(t, err)
				assert.Equal(t, before, snap(h))
			})
		}
	}
}

// IP_BIND_ADDRESS_NO_PORT (Linux 4.2 and later): bind(addr, 0) with it
// takes no port (inet_bind_sk skips get_port), and connect() picks one as
// for an unbound socket (__inet_hash_connect), shared by 4-tuple; without
// it bind(0) takes a port no other socket uses, held toward every
// destination (facts fact 4). Elsewhere the option does not exist.
func TestBindAddressNoPort(t *testing.T) {
	second := netip.MustParseAddr("192.168.1.6")
	tests := []struct {
		name  string
		opts  SockOpts
		ports []string // the port each bind-then-connect got, or its error
	}{
		{"without the option", SockOpts{}, []string{"40000", "bind: EADDRINUSE", "bind: EADDRINUSE"}},
		{"with IP_BIND_ADDRESS_NO_PORT", SockOpts{BindNoPort: true}, []string{"40000", "40000", "connect: EADDRNOTAVAIL"}},
	}
	dsts := []netip.AddrPort{dstA, dstB, dstA}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, "linux", func(c *HostConfig) {
				c.Range = Range{40000, 40000}
				c.More = []netip.Addr{second}
			})
			var got []string
			for _, dst := range dsts {
				before := snap(h)
				id, a, err := h.Bind(TCP, netip.AddrPortFrom(second, 0), tc.opts)
				if err != nil {
					got = append(got, "bind: "+ErrnoName(err))
					continue
				}
				assert.Equal(t, second, a.Addr())
				tu, err := h.ConnectFrom(id, dst)
				if err != nil {
					got = append(got, "connect: "+ErrnoName(err))
					require.NoError(t, h.CloseSocket(id))
					assert.Equal(t, before, snap(h), "a failed connect and close leave nothing")
					continue
				}
				assert.Equal(t, second, tu.Local.Addr(), "it leaves from the bound address")
				got = append(got, fmt.Sprint(tu.Local.Port()))
				checkInvariants(t, h)
			}
			assert.Equal(t, tc.ports, got)
		})
	}
	for _, profile := range []string{"linux-old", "freebsd", "macos", "windows"} {
		h := newHost(t, profile, nil)
		_, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 0), SockOpts{BindNoPort: true})
		assert.ErrorIs(t, err, ErrNoProtoOpt, profile)
	}
}

// Every socket has its own id, as every socket has its own descriptor,
// whether its bind took a port or (IP_BIND_ADDRESS_NO_PORT) did not: a
// connect() or close() names one socket, never another's.
func TestSocketIDsAreDistinct(t *testing.T) {
	h := newHost(t, "linux", nil)
	seen := map[SocketID]string{}
	for i, opts := range []SockOpts{{BindNoPort: true}, {}, {BindNoPort: true}, {}, {BindNoPort: true}} {
		id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 0), opts)
		require.NoError(t, err)
		what := fmt.Sprintf("bind %d (%+v)", i, opts)
		require.NotZero(t, id, what)
		require.NotContains(t, seen, id, "%s has the id of %s", what, seen[id])
		seen[id] = what
	}
	id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, 8080), SockOpts{})
	require.NoError(t, err)
	require.NotContains(t, seen, id, "the listener has the id of %s", seen[id])
}

// On a host with several addresses Linux's bind conflict looks at the
// connections on the address bound (inet_bind_conflict compares
// inet_rcv_saddr), so a connection from one address, open or in
// TIME_WAIT, leaves the port free on another; the wildcard overlaps both.
func TestLinuxBindConflictPerAddress(t *testing.T) {
	for _, state := range []string{"open", "TIME_WAIT"} {
		t.Run(state, func(t *testing.T) {
			h := newHost(t, "linux", func(c *HostConfig) { c.More = []netip.Addr{secondIP} })
			id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, 8080), SockOpts{})
			require.NoError(t, err)
			in := FourTuple{TCP, netip.AddrPortFrom(clientIP, 8080), dstA}
			require.NoError(t, h.Accept(in))
			require.NoError(t, h.CloseSocket(id))
			if state == "TIME_WAIT" {
				require.NoError(t, h.Close(in))
			}
			for at, want := range map[netip.Addr]error{secondIP: nil, clientIP: ErrAddrInUse, netip.IPv4Unspecified(): ErrAddrInUse} {
				id, _, err := h.Bind(TCP, netip.AddrPortFrom(at, 8080), SockOpts{})
				if want == nil {
					require.NoError(t, err, "bind %s:8080", at)
					require.NoError(t, h.CloseSocket(id))
				} else {
					assert.ErrorIs(t, err, want, "bind %s:8080", at)
				}
			}
		})
	}
}

// Windows: a connection accepted by an exclusive socket holds its port
// while it is active, whatever other connections share the port ("another
// socket cannot bind to the same port ... until the accepted connection
// is no longer active"): a wildcard bind meets it beside an ordinary one.
func TestWindowsExclusiveConnectionAmongOthers(t *testing.T) {
	h := newHost(t, "windows", func(c *HostConfig) { c.More = []netip.Addr{secondIP} })
	for _, l := range []struct {
		at   netip.AddrPort
		opts SockOpts
		peer netip.AddrPort
	}{
		{netip.AddrPortFrom(netip.IPv4Unspecified(), 8080), SockOpts{}, dstA},
		{netip.AddrPortFrom(secondIP, 8080), SockOpts{Exclusive: true}, dstB},
	} {
		id, _, err := h.ListenOpts(TCP, l.at, l.opts)
		require.NoError(t, err)
		local := l.at
		if local.Addr().IsUnspecified() {
			local = netip.AddrPortFrom(clientIP, 8080)
		}
		require.NoError(t, h.Accept(FourTuple{TCP, local, l.peer}))
		require.NoError(t, h.CloseSocket(id))
	}
	_, _, err := h.Bind(TCP, netip.AddrPortFrom(netip.IPv4Unspecified(), 8080), SockOpts{})
	assert.ErrorIs(t, err, ErrAddrInUse)
	id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 8080), SockOpts{ReuseAddr: true})
	require.NoError(t, err, "the exclusive connection is on the other address")
	require.NoError(t, h.CloseSocket(id))
}

// IsErrno finds the engine's errno wherever errors.As would: wrapped by
// %w, joined, or behind a Winsock name.
func TestIsErrnoFindsWhatErrorsAsFinds(t *testing.T) {
	winsock := &osError{errno: ErrAddrInUse, err: fmt.Errorf("bind: %w", ErrAddrInUse)}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"nil", nil},
		{"itself", ErrAddrNotAvail},
		{"wrapped", fmt.Errorf("connect: %w", ErrConnRefused)},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", ErrAccess))},
		{"joined", errors.Join(errors.New("other"), ErrInvalid)},
		{"winsock", winsock},
		{"winsock wrapped", fmt.Errorf("x: %w", winsock)},
		{"not an errno", errors.New("EADDRINUSE")},
		{"wrapped non-errno", fmt.Errorf("x: %w", io.EOF)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want *Errno
			wantOK := errors.As(tc.err, &want)
			got, ok := IsErrno(tc.err)
			assert.Equal(t, wantOK, ok)
			assert.Same(t, want, got)
		})
	}
}
