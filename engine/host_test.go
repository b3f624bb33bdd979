package engine

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	clientIP = netip.MustParseAddr("192.168.1.5")
	dstA     = netip.MustParseAddrPort("10.0.0.10:80")
	dstB     = netip.MustParseAddrPort("10.0.0.20:80")
)

func newHost(t testing.TB, profile string, mod func(*HostConfig)) *Host {
	p, err := ProfileByName(profile)
	require.NoError(t, err)
	cfg := HostConfig{Name: "client", Addr: clientIP, Profile: p, Seed: 1}
	if mod != nil {
		mod(&cfg)
	}
	h, err := NewHost(cfg)
	require.NoError(t, err)
	return h
}

func withRange(lo, hi Port) func(*HostConfig) {
	return func(c *HostConfig) { c.Range = Range{lo, hi} }
}

func TestErrnoName(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrAddrNotAvail, "EADDRNOTAVAIL"},
		{fmt.Errorf("connect to 10.0.0.10:80: %w", ErrNoBufs), "WSAENOBUFS"},
		{fmt.Errorf("connect to 10.0.0.10:80: %w", ErrAddrInUse), "EADDRINUSE"},
		{errors.New("not an errno"), "not an errno"},
	} {
		assert.Equal(t, tc.want, ErrnoName(tc.err))
	}
}

// snapshot is everything a failed call must leave as it was.
type snapshot struct {
	conns   [3]map[FourTuple]conn
	sockets map[SocketID]socket
	count   [3]int
}

func snap(h *Host) snapshot { return snapIn(h, allPorts) }

// snapIn is snap of the connections whose local ports lie in r.
func snapIn(h *Host, r Range) snapshot {
	var s snapshot
	s.fill(h, r)
	return s
}

// fill makes s a snapshot of h's connections whose local ports lie in r,
// reusing s's maps.
func (s *snapshot) fill(h *Host, r Range) {
	if s.sockets == nil {
		s.sockets = map[SocketID]socket{}
	}
	clear(s.sockets)
	s.count = h.counters
	for _, p := range []Proto{TCP, UDP} {
		if s.conns[p] == nil {
			s.conns[p] = map[FourTuple]conn{}
		}
		clear(s.conns[p])
		eachConn(h, h.tables[p], r, func(k FourTuple, v conn) { s.conns[p][k] = v })
	}
	for id, so := range h.sockets {
		s.sockets[id] = *so
	}
}

func (s *snapshot) equal(o *snapshot) bool {
	return s.count == o.count && maps.Equal(s.sockets, o.sockets) &&
		maps.Equal(s.conns[TCP], o.conns[TCP]) && maps.Equal(s.conns[UDP], o.conns[UDP])
}

// Facts a simulator must get right, 2: exhaustion errors, and a failed
// call leaves no reservation behind.
func TestExhaustionErrors(t *testing.T) {
	tests := []struct {
		profile string
		proto   Proto
		bind0   bool
		want    *Errno
	}{
		{"linux", TCP, false, ErrAddrNotAvail},
		{"linux", TCP, true, ErrAddrInUse},
		{"linux", UDP, false, ErrAgain},    // inet_autobind
		{"linux", UDP, true, ErrAddrInUse}, // udp_lib_get_port via __inet_bind
		{"freebsd", TCP, false, ErrAddrNotAvail},
		{"freebsd", TCP, true, ErrAddrNotAvail}, // in_pcb_lport_dest
		{"macos", TCP, true, ErrAddrNotAvail},   // XNU in_pcbbind
		{"windows", TCP, true, ErrNoBufs},
		{"winxp", TCP, false, ErrNoBufs},
		{"windows", TCP, false, ErrNoBufs},
		{"windows", UDP, false, ErrNoBufs},
		{"macos", TCP, false, ErrAddrNotAvail},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %v bind0=%v", tc.profile, tc.proto, tc.bind0), func(t *testing.T) {
			h := newHost(t, tc.profile, withRange(40000, 40015))
			do := func() error {
				if tc.bind0 {
					_, _, err := h.Bind(tc.proto, netip.AddrPortFrom(clientIP, 0), SockOpts{})
					return err
				}
				_, err := h.Connect(tc.proto, dstA)
				return err
			}
			for i := 0; i < 16; i++ {
				require.NoError(t, do(), "call %d of 16", i+1)
			}
			before := snap(h)
			err := do()
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, before, snap(h), "a failed call changes nothing")
		})
	}
}

// Windows profiles name errors as Winsock does, with their numbers, and
// each still matches its POSIX errno.
func TestWindowsErrorsHaveWinsockNames(t *testing.T) {
	for _, name := range []string{"winxp", "windows"} {
		h := newHost(t, name, nil)
		a := netip.AddrPortFrom(clientIP, 8080)
		require.NoError(t, h.Listen(TCP, a))
		err := h.Listen(TCP, a)
		assert.ErrorIs(t, err, ErrAddrInUse, name)
		assert.NotErrorIs(t, err, ErrAddrNotAvail, "%s: a Winsock error is its own POSIX errno's, no other's", name)
		assert.Equal(t, "WSAEADDRINUSE", ErrnoName(err), name)
		assert.Contains(t, err.Error(), "WSAEADDRINUSE (Address already in use (10048))", name)
		err = h.Close(FourTuple{TCP, a, dstA})
		assert.ErrorIs(t, err, ErrNotConn, name)
		assert.Equal(t, "WSAENOTCONN", ErrnoName(err), name)
	}
	err := newHost(t, "linux", nil).Close(FourTuple{TCP, netip.AddrPortFrom(clientIP, 1), dstA})
	assert.Equal(t, "ENOTCONN", ErrnoName(err), "Unix names elsewhere")
}

// A Winsock errno, as errors.As finds it in a Windows profile's error,
// matches the POSIX errno it stands for and no other.
func TestWinsockErrnoIsItsPOSIXErrno(t *testing.T) {
	require.NotEmpty(t, winsock)
	for posix, w := range winsock {
		assert.ErrorIs(t, w, posix, w.Name)
		for other := range winsock {
			if other != posix {
				assert.NotErrorIs(t, w, other, "%s is not %s", w.Name, other.Name)
			}
		}
	}
	h := newHost(t, "windows", nil)
	require.NoError(t, h.Listen(TCP, netip.AddrPortFrom(clientIP, 8080)))
	err := h.Listen(TCP, netip.AddrPortFrom(clientIP, 8080))
	var w *Errno
	require.ErrorAs(t, err, &w)
	assert.Equal(t, "WSAEADDRINUSE", w.Name, "errors.As finds the Winsock errno first")
	assert.ErrorIs(t, w, ErrAddrInUse)
}

// exhausted is the error p's connect() gives with no port left: Winsock's
// WSAENOBUFS on Windows (KB 196271), EADDRNOTAVAIL elsewhere (facts §2, §4).
func exhausted(p Profile) *Errno {
	if p.ExhaustedErr != nil {
		return p.ExhaustedErr
	}
	return ErrAddrNotAvail
}

// Facts fact 3: uniqueness is per 4-tuple where the system shares connect()
// ports across destinations (Linux, FreeBSD); elsewhere a port is exclusive.
func TestConnectUniquenessPerFourTuple(t *testing.T) {
	const n = 64
	for _, p := range Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			h := newHost(t, p.Name, withRange(50000, 50000+n-1))
			portsA := map[uint16]bool{}
			for i := 0; i < n; i++ {
				c, err := h.Connect(TCP, dstA)
				require.NoError(t, err)
				portsA[c.Local.Port()] = true
			}
			assert.Len(t, portsA, n, "n distinct ports toward A")
			_, errB := h.Connect(TCP, dstB)
			if p.ShareAcrossDestinations {
				require.NoError(t, errB, "B is another destination: the ports can be shared")
				for i := 1; i < n; i++ {
					_, err := h.Connect(TCP, dstB)
					require.NoError(t, err)
				}
				est, _ := h.Conns(TCP)
				assert.Equal(t, 2*n, est)
			} else {
				assert.ErrorIs(t, errB, exhausted(p))
			}
			_, err := h.Connect(TCP, dstA)
			assert.ErrorIs(t, err, exhausted(p), "the (n+1)-th toward A fails")
		})
	}
}

// Facts fact 4: a port held by bind() is never chosen by a Linux connect().
func TestConnectSkipsBindHeldPorts(t *testing.T) {
	h := newHost(t, "linux", withRange(40000, 40009))
	for p := 40000; p <= 40009; p++ {
		if p == 40007 {
			continue
		}
		_, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, uint16(p)), SockOpts{})
		require.NoError(t, err)
	}
	c, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.Equal(t, uint16(40007), c.Local.Port())
	_, err = h.Connect(TCP, dstB)
	require.NoError(t, err, "40007 is shared toward another destination")
	_, err = h.Connect(TCP, dstA)
	assert.ErrorIs(t, err, ErrAddrNotAvail)

	// A bind(0) port too.
	h2 := newHost(t, "linux", withRange(40000, 40001))
	_, got, err := h2.Bind(TCP, netip.AddrPortFrom(clientIP, 0), SockOpts{})
	require.NoError(t, err)
	c, err = h2.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.NotEqual(t, got.Port(), c.Local.Port())
	_, err = h2.Connect(TCP, dstB)
	require.NoError(t, err)
	assert.Equal(t, TCP, c.Proto)
	_, err = h2.Connect(TCP, netip.MustParseAddrPort("10.0.0.30:443"))
	require.NoError(t, err)
	st := h2.PortState(TCP, Port(got.Port()))
	assert.Equal(t, PortInUse, st)
}

// Facts fact 5: reserved ports are never auto-assigned; an explicit bind
// still gets them; reserving the whole range makes autobind fail.
func TestReservedPorts(t *testing.T) {
	for _, p := range Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			h := newHost(t, p.Name, func(c *HostConfig) {
				c.Range = Range{40000, 40009}
				c.Reserved = []Port{40000, 40002, 40003, 40009}
			})
			for i := 0; i < 6; i++ {
				c, err := h.Connect(TCP, dstA)
				require.NoError(t, err)
				assert.NotContains(t, []uint16{40000, 40002, 40003, 40009}, c.Local.Port())
			}
			_, err := h.Connect(TCP, dstA)
			assert.ErrorIs(t, err, exhausted(p))
			_, _, err = h.Bind(TCP, netip.AddrPortFrom(clientIP, 40002), SockOpts{})
			assert.NoError(t, err, "explicit bind to a reserved port")
			assert.Equal(t, PortReserved, h.PortState(TCP, 40003))
		})
	}
	h := newHost(t, "linux", func(c *HostConfig) {
		c.Range = Range{40000, 40003}
		c.Reserved = []Port{40000, 40001, 40002, 40003}
	})
	_, err := h.Connect(TCP, dstA)
	assert.ErrorIs(t, err, ErrAddrNotAvail)
	_, _, err = h.Bind(TCP, netip.AddrPortFrom(clientIP, 0), SockOpts{})
	assert.ErrorIs(t, err, ErrAddrInUse)
}

// Facts fact 6: one random-start scan reaches every port in the range.
func TestRandomStartAllocatesTheWholeRange(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		h := newHost(t, "freebsd", func(c *HostConfig) { c.Range = Range{65436, 65535}; c.Seed = seed })
		seen := map[uint16]bool{}
		for i := 0; i < 100; i++ {
			c, err := h.Connect(TCP, dstA)
			require.NoError(t, err)
			seen[c.Local.Port()] = true
		}
		assert.Len(t, seen, 100)
		assert.True(t, seen[65535], "no loss at the 65535 boundary")
	}
}

// Facts fact 7 on a host: Windows XP's counter.
func TestSequentialHostReusesOnlyAfterWrap(t *testing.T) {
	h := newHost(t, "winxp", withRange(1025, 1029))
	first, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.Equal(t, uint16(1025), first.Local.Port())
	require.NoError(t, h.PassiveClose(first)) // freed at once, no TIME_WAIT
	var got []uint16
	for i := 0; i < 5; i++ {
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err)
		got = append(got, c.Local.Port())
	}
	assert.Equal(t, []uint16{1026, 1027, 1028, 1029, 1025}, got)
}

// Windows XP: one counter for TCP and UDP (facts §3 [HSC]).
func TestWinXPSharesTheCounterAcrossProtocols(t *testing.T) {
	h := newHost(t, "winxp", nil)
	a, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	b, err := h.Connect(UDP, netip.MustParseAddrPort("10.0.0.53:53"))
	require.NoError(t, err)
	assert.Equal(t, uint16(1025), a.Local.Port())
	assert.Equal(t, uint16(1026), b.Local.Port())
}

// Facts fact 8 on a host: even ports until every even one is used toward
// that destination; bind(0) the mirror image; IP_LOCAL_PORT_RANGE: step 1.
func TestLinuxHostParity(t *testing.T) {
	h := newHost(t, "linux", withRange(40000, 40099))
	for i := 0; i < 100; i++ {
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err)
		assert.Equal(t, uint16(i/50^1), c.Local.Port()%2^1, "connect %d got %d", i, c.Local.Port())
	}
	h = newHost(t, "linux", withRange(40000, 40099))
	for i := 0; i < 50; i++ {
		_, a, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 0), SockOpts{})
		require.NoError(t, err)
		assert.Equal(t, uint16(1), a.Port()%2, "bind(0) %d got %d", i, a.Port())
	}
	h = newHost(t, "linux", nil)
	odd := false
	for i := 0; i < 200 && !odd; i++ {
		c, err := h.ConnectRange(TCP, dstA, Range{40000, 40999})
		require.NoError(t, err)
		require.True(t, Range{40000, 40999}.Contains(Port(c.Local.Port())))
		odd = c.Local.Port()%2 == 1
	}
	assert.True(t, odd, "with a per-socket range, odd ports come without exhausting the even ones")
}

// After each connect() the kernel moves the destination's perturbation
// on by max(i, rand(0..7)*step) + step (__inet_hash_connect): in a range
// with room, consecutive connections toward one destination are 2 to 16
// ports apart, every even gap turning up.
func TestLinuxConnectGaps(t *testing.T) {
	h := newHost(t, "linux", nil)
	gaps := map[int]int{}
	prev := -1
	for range 200 {
		// 200 ms in all: one 10-second period of the port offset.
		h.Advance(time.Millisecond)
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err)
		p := int(c.Local.Port())
		if prev >= 0 && p > prev {
			gaps[p-prev]++
		}
		prev = p
	}
	var seen []int
	for g := range gaps {
		seen = append(seen, g)
	}
	assert.ElementsMatch(t, []int{2, 4, 6, 8, 10, 12, 14, 16}, seen, "gaps %v", gaps)
}

// A connect() that had to probe i ports moves the perturbation on by at
// least i + 2 (max(i, rand(0..7)*2) + 2, __inet_hash_connect): after
// skipping 9 held ports, the next connect toward that destination starts
// past them, even once they are free again.
func TestLinuxPerturbationSkipsWhatWasProbed(t *testing.T) {
	first, err := newHost(t, "linux", nil).Connect(TCP, dstA)
	require.NoError(t, err)
	p0 := first.Local.Port()
	h := newHost(t, "linux", nil)
	var held []SocketID
	for k := range uint16(9) {
		id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, p0+2*k), SockOpts{})
		require.NoError(t, err)
		held = append(held, id)
	}
	c, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	require.Equal(t, p0+18, c.Local.Port(), "the first port past the 9 held")
	for _, id := range held {
		require.NoError(t, h.CloseSocket(id))
	}
	c, err = h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.Equal(t, p0+20, c.Local.Port())
}

// Each destination has its own offset (secure_ipv4_port_ephemeral hashes
// the destination): the first connect toward one picks the same port
// whatever was connected to elsewhere before.
func TestLinuxDestinationsHaveTheirOwnOffset(t *testing.T) {
	for _, before := range []int{0, 1, 3} {
		alone := newHost(t, "linux", nil)
		want, err := alone.Connect(TCP, dstB)
		require.NoError(t, err)
		mixed := newHost(t, "linux", nil)
		for range before {
			_, err := mixed.Connect(TCP, dstA)
			require.NoError(t, err)
		}
		got, err := mixed.Connect(TCP, dstB)
		require.NoError(t, err)
		assert.Equal(t, want.Local.Port(), got.Local.Port(), "after %d connects toward %s", before, dstA)
	}
}

// IP_LOCAL_PORT_RANGE (inet_sk_get_local_port_range, __inet_hash_connect):
// step 1 over every port of the socket's range, an odd-sized one too; an
// end outside the system's range falls back to the system's end.
func TestPerSocketRangeStepsByOneAndFallsBack(t *testing.T) {
	t.Run("odd size: every port", func(t *testing.T) {
		h := newHost(t, "linux", nil)
		var got []Port
		for {
			c, err := h.ConnectRange(TCP, dstA, Range{40100, 40102})
			if err != nil {
				assert.ErrorIs(t, err, ErrAddrNotAvail)
				break
			}
			got = append(got, Port(c.Local.Port()))
		}
		assert.ElementsMatch(t, []Port{40100, 40101, 40102}, got, "3 ports, as the kernel gives")
	})
	for _, tc := range []struct {
		name string
		r    Range
		want Range
	}{
		{"both ends outside: the system range", Range{1, 100}, Range{40000, 40009}},
		{"low end outside", Range{1, 40004}, Range{40000, 40004}},
		{"high end outside", Range{40005, 65000}, Range{40005, 40009}},
		{"a 0 end is no limit", Range{40007, 0}, Range{40007, 40009}},
		// One port, at either end of the system's range or inside it.
		{"one port, the system's lowest", Range{40000, 40000}, Range{40000, 40000}},
		{"one port, the system's highest", Range{40009, 40009}, Range{40009, 40009}},
		{"one port inside", Range{40004, 40004}, Range{40004, 40004}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, "linux", withRange(40000, 40009))
			seen := map[Port]bool{}
			for {
				c, err := h.ConnectRange(TCP, dstA, tc.r)
				if err != nil {
					require.ErrorIs(t, err, ErrAddrNotAvail)
					break
				}
				seen[Port(c.Local.Port())] = true
			}
			assert.Len(t, seen, tc.want.Size())
			for p := range seen {
				assert.True(t, tc.want.Contains(p), "%d outside %v", p, tc.want)
			}
		})
	}
}

// linux-old is the connect() of Linux before 4.2 (docs/facts-extra.md):
// no even/odd preference, consecutive ports toward one destination from
// one global hint, which connects to other destinations move on too.
func TestLinuxOldHasNoParityAndOneGlobalHint(t *testing.T) {
	h := newHost(t, "linux-old", withRange(40000, 40009))
	var ports []Port
	for {
		c, err := h.Connect(TCP, dstA)
		if err != nil {
			assert.ErrorIs(t, err, ErrAddrNotAvail)
			break
		}
		ports = append(ports, Port(c.Local.Port()))
	}
	require.Len(t, ports, 10, "every port of the range, the odd-sized kind too")
	for i := 1; i < len(ports); i++ {
		assert.Equal(t, 40000+(ports[i-1]-40000+1)%10, ports[i], "consecutive ports, odd and even alike: %v", ports)
	}

	h = newHost(t, "linux-old", withRange(40000, 40099))
	a1, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	for range 3 {
		_, err = h.Connect(TCP, dstB)
		require.NoError(t, err)
	}
	a2, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.Equal(t, a1.Local.Port()+4, a2.Local.Port(), "the hint moved on with the 3 connects to another destination")

	_, a, err := newHost(t, "linux-old", withRange(40000, 40001)).Bind(TCP, netip.AddrPortFrom(clientIP, 0), SockOpts{})
	require.NoError(t, err)
	assert.True(t, Range{40000, 40001}.Contains(Port(a.Port())), "bind(0): a random start, no parity")
}

// Linux's connect() continues past the last port toward a destination
// (table_perturb), rather than restarting after a close.
func TestLinuxConnectContinuesAfterClose(t *testing.T) {
	h := newHost(t, "linux", nil)
	a, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	require.NoError(t, h.PassiveClose(a))
	b, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.NotEqual(t, a.Local.Port(), b.Local.Port(), "the freed port is not simply taken again")
	d := int(b.Local.Port()) - int(a.Local.Port())
	assert.True(t, d > 0 && d <= 16, "the next pick is just past the last one (got +%d)", d)
}

// Facts fact 9: TIME_WAIT ties up the 4-tuple on the side that closes first.
func TestTimeWait(t *testing.T) {
	for _, p := range Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			h := newHost(t, p.Name, withRange(40000, 40000))
			c, err := h.Connect(TCP, dstA)
			require.NoError(t, err)
			require.NoError(t, h.Close(c))
			st, ok := h.Conn(c)
			require.True(t, ok)
			assert.Equal(t, TimeWait, st)
			assert.Equal(t, PortTimeWait, h.PortState(TCP, 40000))

			h.Advance(p.TimeWait - time.Millisecond)
			_, err = h.Connect(TCP, dstA)
			assert.ErrorIs(t, err, exhausted(p), "still in TIME_WAIT just before %v", p.TimeWait)
			if p.ShareAcrossDestinations {
				other, err := h.Connect(TCP, dstB)
				require.NoError(t, err, "reusable at once toward another destination")
				require.NoError(t, h.PassiveClose(other))
			}
			var expired []FourTuple
			h.AdvanceTo(h.Now()+time.Millisecond, func(t FourTuple) { expired = append(expired, t) })
			assert.Equal(t, []FourTuple{c}, expired)
			_, ok = h.Conn(c)
			assert.False(t, ok)
			again, err := h.Connect(TCP, dstA)
			require.NoError(t, err, "free after %v", p.TimeWait)
			assert.Equal(t, c, again)
		})
	}
}

// A retransmitted FIN answered in TIME_WAIT starts the 2×MSL again: the
// 4-tuple stays held a whole TIME_WAIT from then, and only then ends
// (RFC 9293 §3.10.7.4).
func TestRestartTimeWait(t *testing.T) {
	for _, p := range Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			h := newHost(t, p.Name, withRange(40000, 40000))
			c, err := h.Connect(TCP, dstA)
			require.NoError(t, err)
			require.NoError(t, h.Close(c))
			h.Advance(p.TimeWait / 2)
			require.NoError(t, h.RestartTimeWait(c))
			restarted := h.Now()
			at, ok := h.NextExpiry()
			require.True(t, ok)
			assert.Equal(t, restarted+p.TimeWait, at, "no wake-up for the TIME_WAIT that started over")

			var expired []FourTuple
			h.AdvanceTo(p.TimeWait+time.Millisecond, func(t FourTuple) { expired = append(expired, t) })
			assert.Empty(t, expired, "not at the first TIME_WAIT's end")
			st, ok := h.Conn(c)
			require.True(t, ok)
			assert.Equal(t, TimeWait, st)
			at, ok = h.NextExpiry()
			require.True(t, ok)
			assert.Equal(t, restarted+p.TimeWait, at)
			h.AdvanceTo(at, func(t FourTuple) { expired = append(expired, t) })
			assert.Equal(t, []FourTuple{c}, expired, "a whole TIME_WAIT after the restart")
			_, err = h.Connect(TCP, dstA)
			require.NoError(t, err)
		})
	}
	h := newHost(t, "linux", nil)
	c, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	assert.ErrorIs(t, h.RestartTimeWait(c), ErrNotConn, "an established connection is not in TIME_WAIT")
	assert.ErrorIs(t, h.RestartTimeWait(FourTuple{Proto: TCP, Local: c.Local, Remote: dstB}), ErrNotConn, "no such connection")
}

func TestNextExpiryFollowsTheTimeWaitQueue(t *testing.T) {
	h := newHost(t, "linux", nil)
	_, ok := h.NextExpiry()
	assert.False(t, ok, "nothing in TIME_WAIT")
	a, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	b, err := h.Connect(TCP, dstB)
	require.NoError(t, err)
	require.NoError(t, h.Close(a))
	h.Advance(10 * time.Second)
	require.NoError(t, h.Close(b))

	at, ok := h.NextExpiry()
	require.True(t, ok)
	assert.Equal(t, h.Profile().TimeWait, at, "a's TIME_WAIT ends first")
	h.AdvanceTo(at, nil)
	at, ok = h.NextExpiry()
	require.True(t, ok)
	assert.Equal(t, 10*time.Second+h.Profile().TimeWait, at, "then b's")
	h.AdvanceTo(at, nil)
	_, ok = h.NextExpiry()
	assert.False(t, ok)
}

func TestPassiveCloserHoldsNoTimeWait(t *testing.T) {
	h := newHost(t, "linux", withRange(40000, 40000))
	c, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	require.NoError(t, h.PassiveClose(c))
	_, ok := h.Conn(c)
	assert.False(t, ok)
	_, err = h.Connect(TCP, dstA)
	assert.NoError(t, err)
	assert.ErrorIs(t, h.PassiveClose(FourTuple{Proto: TCP, Local: netip.MustParseAddrPort("192.168.1.5:1"), Remote: dstA}), ErrNotConn)
}

func TestServerClosingFirstHoldsTimeWaitOnTheServer(t *testing.T) {
	server, took := newHostWatched(t, "linux", func(c *HostConfig) { c.Addr = dstA.Addr(); c.Name = "server" })
	_, _, err := server.ListenOpts(TCP, dstA, SockOpts{Privileged: true})
	require.NoError(t, err)
	client := newHost(t, "linux", nil)
	c, err := client.Connect(TCP, dstA)
	require.NoError(t, err)
	require.NoError(t, server.Accept(c.Reverse()))
	require.NoError(t, server.Close(c.Reverse()))
	require.NoError(t, client.PassiveClose(c))
	st, ok := server.Conn(c.Reverse())
	require.True(t, ok)
	assert.Equal(t, TimeWait, st)
	assert.Equal(t, PortListening, server.PortState(TCP, 80), "the listener still shows")
	_, tw := server.Conns(TCP)
	assert.Equal(t, 1, tw)
	// A new SYN for the same 4-tuple ends the TIME_WAIT: a takeover.
	require.NoError(t, server.Accept(c.Reverse()))
	st, _ = server.Conn(c.Reverse())
	assert.Equal(t, Established, st)
	assert.Equal(t, []FourTuple{c.Reverse()}, *took)
}

func newHostAt(t testing.TB, profile string, addr netip.Addr) *Host {
	return newHost(t, profile, func(c *HostConfig) { c.Addr = addr; c.Name = addr.String() })
}

// newHostWatched is newHost with an OnTakeover hook that records each
// TIME_WAIT 4-tuple taken over, in order.
func newHostWatched(t testing.TB, profile string, mod func(*HostConfig)) (*Host, *[]FourTuple) {
	took := &[]FourTuple{}
	return newHost(t, profile, func(c *HostConfig) {
		c.OnTakeover = func(t FourTuple) { *took = append(*took, t) }
		if mod != nil {
			mod(c)
		}
	}), took
}

// tcp_tw_reuse (facts §2 [TW]): with it on, an autobind connect() takes
// over a TIME_WAIT 4-tuple once it is strictly more than 1 s old; the
// default (2) allows that only with a loopback source or destination.
// bind() then connect() reuses at once.
func TestTimeWaitReuse(t *testing.T) {
	loop := netip.MustParseAddrPort("127.0.0.1:8080")
	tests := []struct {
		name   string
		reuse  TWReuse
		dst    netip.AddrPort
		start  time.Duration // when the first connection opens
		after  time.Duration
		wantOK bool
	}{
		{"default, loopback, 1.001s", TWReuseLoopback, loop, 0, time.Second + time.Millisecond, true},
		{"default, loopback, exactly 1s", TWReuseLoopback, loop, 0, time.Second, false},
		{"default, loopback, 999ms", TWReuseLoopback, loop, 0, 999 * time.Millisecond, false},
		{"default, remote", TWReuseLoopback, dstA, 0, 5 * time.Second, false},
		{"on, remote, 1.5s", TWReuseOn, dstA, 0, 1500 * time.Millisecond, true},
		{"off, loopback", TWReuseOff, loop, 0, 30 * time.Second, false},
		// The age counts from the close, not from the host's start.
		{"on, remote, closed at 10s, 999ms", TWReuseOn, dstA, 10 * time.Second, 999 * time.Millisecond, false},
		{"on, remote, closed at 10s, 1.001s", TWReuseOn, dstA, 10 * time.Second, time.Second + time.Millisecond, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, took := newHostWatched(t, "linux", func(c *HostConfig) {
				c.Range = Range{40000, 40000}
				c.TWReuse, c.HasTWReuse = tc.reuse, true
			})
			h.Advance(tc.start)
			c, err := h.Connect(TCP, tc.dst)
			require.NoError(t, err)
			require.NoError(t, h.Close(c))
			h.Advance(tc.after)
			c2, err := h.Connect(TCP, tc.dst)
			if !tc.wantOK {
				assert.ErrorIs(t, err, ErrAddrNotAvail)
				assert.Empty(t, *took)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c, c2)
			assert.Equal(t, []FourTuple{c}, *took, "the caller learns which TIME_WAIT ended")
			st, _ := h.Conn(c2)
			assert.Equal(t, Established, st)
			_, tw := h.Conns(TCP)
			assert.Zero(t, tw)
			// The old entry's expiry must not end the new connection.
			h.Advance(h.Profile().TimeWait)
			st, ok := h.Conn(c2)
			assert.True(t, ok)
			assert.Equal(t, Established, st)
		})
	}
	t.Run("default, loopback source toward a remote destination", func(t *testing.T) {
		h := newHost(t, "linux", func(c *HostConfig) {
			c.Addr, c.Range = netip.MustParseAddr("127.0.0.2"), Range{40000, 40000}
		})
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err)
		require.NoError(t, h.Close(c))
		h.Advance(1500 * time.Millisecond)
		c2, err := h.Connect(TCP, dstA)
		require.NoError(t, err, "tcp_tw_reuse=2 accepts a loopback source")
		assert.Equal(t, c, c2)
	})
	t.Run("bind then connect", func(t *testing.T) {
		h := newHost(t, "linux", nil)
		local := netip.AddrPortFrom(clientIP, 45000)
		reuse := SockOpts{ReuseAddr: true}
		id, _, err := h.Bind(TCP, local, reuse)
		require.NoError(t, err)
		c, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err)
		require.NoError(t, h.Close(c))
		_, _, err = h.Bind(TCP, local, SockOpts{})
		require.ErrorIs(t, err, ErrAddrInUse, "TIME_WAIT holds the port against a bind without SO_REUSEADDR")
		id, _, err = h.Bind(TCP, local, reuse)
		require.NoError(t, err, "SO_REUSEADDR on both sides")
		c2, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err, "taken over at once")
		assert.Equal(t, c, c2)
	})
	t.Run("bind then connect, FreeBSD", func(t *testing.T) {
		h := newHost(t, "freebsd", nil)
		local := netip.AddrPortFrom(clientIP, 45000)
		id, _, err := h.Bind(TCP, local, SockOpts{ReuseAddr: true})
		require.NoError(t, err)
		c, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err)
		require.NoError(t, h.Close(c))
		id, _, err = h.Bind(TCP, local, SockOpts{ReuseAddr: true})
		require.NoError(t, err)
		_, err = h.ConnectFrom(id, dstA)
		assert.ErrorIs(t, err, ErrAddrInUse)
	})
}

// Facts fact 10: at a steady rate r toward one destination, connects start
// failing once r exceeds range / TIME_WAIT.
func TestThroughputCeiling(t *testing.T) {
	const ports = 100
	tw := 10 * time.Second // ceiling: 100 / 10 s = 10 per second
	run := func(rate float64) (failures int) {
		h := newHost(t, "linux", func(c *HostConfig) { c.Range = Range{40000, 40000 + ports - 1}; c.TimeWait = tw })
		step := time.Duration(float64(time.Second) / rate)
		for now := time.Duration(0); now < 60*time.Second; now += step {
			h.AdvanceTo(now, nil)
			c, err := h.Connect(TCP, dstA)
			if err != nil {
				require.ErrorIs(t, err, ErrAddrNotAvail)
				failures++
				continue
			}
			require.NoError(t, h.Close(c)) // short request; the client closes first
		}
		return failures
	}
	assert.Zero(t, run(9), "below the ceiling nothing fails")
	assert.Zero(t, run(10), "at the ceiling every port comes free just in time")
	assert.Greater(t, run(11), 0, "above the ceiling connects fail")
	assert.Greater(t, run(20), run(11), "further above, more fail")
}

// EACCES for an unprivileged bind below 1024 (facts §2 [DOC][AF]).
func TestPrivilegedPorts(t *testing.T) {
	tests := []struct {
		profile    string
		port       uint16
		privileged bool
		want       error
	}{
		{"linux", 80, false, ErrAccess},
		{"linux", 80, true, nil},
		{"linux", 1023, false, ErrAccess},
		{"linux", 1024, false, nil},
		{"freebsd", 22, false, ErrAccess},
		{"macos", 443, false, ErrAccess},
		{"winxp", 80, false, nil},
		{"windows", 80, false, nil},
	}
	for _, tc := range tests {
		h := newHost(t, tc.profile, nil)
		before := snap(h)
		_, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, tc.port), SockOpts{Privileged: tc.privileged})
		if tc.want == nil {
			assert.NoError(t, err, "%s :%d", tc.profile, tc.port)
			assert.Equal(t, PortListening, h.PortState(TCP, Port(tc.port)))
			continue
		}
		assert.ErrorIs(t, err, tc.want, "%s :%d", tc.profile, tc.port)
		assert.Equal(t, before, snap(h))
	}
	// macOS checks privilege only for a specific address (XNU in_pcbbind).
	mac := newHost(t, "macos", nil)
	_, _, err := mac.ListenOpts(TCP, netip.AddrPortFrom(netip.IPv4Unspecified(), 443), SockOpts{})
	assert.NoError(t, err, "macOS: the wildcard address below 1024 needs no privilege")
	lin := newHost(t, "linux", nil)
	_, _, err = lin.ListenOpts(TCP, netip.AddrPortFrom(netip.IPv4Unspecified(), 443), SockOpts{})
	assert.ErrorIs(t, err, ErrAccess, "Linux: it does")
}

// Claims without a primary source are listed for a screen to mark.
func TestUnverifiedClaimsAreListed(t *testing.T) {
	for _, p := range Profiles() {
		if p.TimeWaitAssumed {
			assert.NotEmpty(t, p.Unverified, "%s: an assumed TIME_WAIT is an unverified claim", p.Name)
		}
	}
	for _, name := range []string{"windows", "iana"} {
		p, err := ProfileByName(name)
		require.NoError(t, err)
		assert.NotEmpty(t, p.Unverified, name)
	}
	// macOS's allocation order is now read from XNU's in_pcbbind.
	p, err := ProfileByName("macos")
	require.NoError(t, err)
	assert.Empty(t, p.Unverified, "macos")
	p, err = ProfileByName("iana")
	require.NoError(t, err)
	assert.NotContains(t, p.Note, "recommended", "RFC 6056 is not shown to recommend Algorithm 1")
}

// SO_REUSEPORT: sockets of one user that all set it share the address and
// port, also once the first listener has accepted connections and those
// are in TIME_WAIT (inet_csk_bind_conflict: the connections carry the
// listener's flag). A socket without it is still refused.
func TestReusePortSharesWithConnections(t *testing.T) {
	h := newHost(t, "linux", nil)
	local := netip.AddrPortFrom(clientIP, 8080)
	rp := SockOpts{ReusePort: true}
	_, _, err := h.ListenOpts(TCP, local, rp)
	require.NoError(t, err)
	in := FourTuple{TCP, local, dstA}
	require.NoError(t, h.Accept(in))
	_, _, err = h.ListenOpts(TCP, local, rp)
	assert.NoError(t, err, "a second SO_REUSEPORT listener beside an accepted connection")
	require.NoError(t, h.Close(in))
	_, _, err = h.ListenOpts(TCP, local, rp)
	assert.NoError(t, err, "and beside its TIME_WAIT")
	_, _, err = h.ListenOpts(TCP, local, SockOpts{})
	assert.ErrorIs(t, err, ErrAddrInUse, "without SO_REUSEPORT")
	_, _, err = h.ListenOpts(TCP, local, SockOpts{ReuseAddr: true})
	assert.ErrorIs(t, err, ErrAddrInUse, "SO_REUSEADDR does not share with listeners")

	// A connection from a socket without SO_REUSEPORT blocks it.
	h = newHost(t, "linux", nil)
	_, _, err = h.ListenOpts(TCP, local, SockOpts{})
	require.NoError(t, err)
	require.NoError(t, h.Accept(in))
	_, _, err = h.ListenOpts(TCP, local, rp)
	assert.ErrorIs(t, err, ErrAddrInUse)
}

// Listeners: (protocol, address, port) with the wildcard and reuse rules
// of socket(7) (facts §2 [SOCK7]).
func TestBindConflicts(t *testing.T) {
	other := netip.MustParseAddr("10.9.9.9")
	any := netip.IPv4Unspecified()
	type bind struct {
		proto  Proto
		addr   netip.Addr
		port   uint16
		opts   SockOpts
		listen bool
		want   error
	}
	tests := []struct {
		name  string
		binds []bind
	}{
		{"same address and port", []bind{{TCP, clientIP, 8080, SockOpts{}, true, nil}, {TCP, clientIP, 8080, SockOpts{}, true, ErrAddrInUse}}},
		{"TCP and UDP are separate", []bind{{TCP, clientIP, 8080, SockOpts{}, true, nil}, {UDP, clientIP, 8080, SockOpts{}, false, nil}}},
		{"wildcard then specific", []bind{{TCP, any, 8080, SockOpts{}, true, nil}, {TCP, clientIP, 8080, SockOpts{}, true, ErrAddrInUse}}},
		{"specific then wildcard", []bind{{TCP, clientIP, 8080, SockOpts{}, true, nil}, {TCP, any, 8080, SockOpts{}, true, ErrAddrInUse}}},
		{"an address the host lacks", []bind{{TCP, other, 8080, SockOpts{}, true, ErrAddrNotAvail}}},
		{"SO_REUSEPORT on both", []bind{{TCP, clientIP, 8080, SockOpts{ReusePort: true}, true, nil}, {TCP, clientIP, 8080, SockOpts{ReusePort: true}, true, nil}}},
		{"SO_REUSEPORT on one", []bind{{TCP, clientIP, 8080, SockOpts{ReusePort: true}, true, nil}, {TCP, clientIP, 8080, SockOpts{}, true, ErrAddrInUse}}},
		{"SO_REUSEADDR, not listening", []bind{{TCP, clientIP, 8080, SockOpts{ReuseAddr: true}, false, nil}, {TCP, clientIP, 8080, SockOpts{ReuseAddr: true}, false, nil}}},
		{"SO_REUSEADDR, listening", []bind{{TCP, clientIP, 8080, SockOpts{ReuseAddr: true}, true, nil}, {TCP, clientIP, 8080, SockOpts{ReuseAddr: true}, false, ErrAddrInUse}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, "linux", nil)
			for i, b := range tc.binds {
				before := snap(h)
				var err error
				if b.listen {
					_, _, err = h.ListenOpts(b.proto, netip.AddrPortFrom(b.addr, b.port), b.opts)
				} else {
					_, _, err = h.Bind(b.proto, netip.AddrPortFrom(b.addr, b.port), b.opts)
				}
				if b.want == nil {
					require.NoError(t, err, "bind %d", i)
				} else {
					require.ErrorIs(t, err, b.want, "bind %d", i)
					assert.Equal(t, before, snap(h))
				}
			}
		})
	}
	t.Run("a port a connection autobound", func(t *testing.T) {
		h := newHost(t, "linux", withRange(40000, 40000))
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err)
		_, _, err = h.Bind(TCP, c.Local, SockOpts{})
		assert.ErrorIs(t, err, ErrAddrInUse)
		_, _, err = h.Bind(TCP, c.Local, SockOpts{ReuseAddr: true})
		assert.ErrorIs(t, err, ErrAddrInUse, "the autobound socket has no SO_REUSEADDR")
		require.NoError(t, h.PassiveClose(c))
		_, _, err = h.Bind(TCP, c.Local, SockOpts{})
		assert.NoError(t, err)
	})
	t.Run("a server restarting while its connections are in TIME_WAIT", func(t *testing.T) {
		h := newHostAt(t, "linux", dstA.Addr())
		for _, opts := range []SockOpts{{ReuseAddr: true, Privileged: true}, {Privileged: true}} {
			id, _, err := h.ListenOpts(TCP, dstA, opts)
			require.NoError(t, err)
			c := FourTuple{TCP, dstA, netip.AddrPortFrom(clientIP, 40000)}
			require.NoError(t, h.Accept(c))
			require.NoError(t, h.Close(c)) // the server closes first
			require.NoError(t, h.CloseSocket(id))
			_, _, err = h.ListenOpts(TCP, dstA, SockOpts{Privileged: true})
			assert.ErrorIs(t, err, ErrAddrInUse, "without SO_REUSEADDR: %+v", opts)
			id, _, err = h.ListenOpts(TCP, dstA, SockOpts{ReuseAddr: true, Privileged: true})
			if opts.ReuseAddr {
				require.NoError(t, err, "SO_REUSEADDR on both")
				require.NoError(t, h.CloseSocket(id))
			} else {
				assert.ErrorIs(t, err, ErrAddrInUse)
			}
			h.Advance(h.Profile().TimeWait)
		}
	})
	t.Run("closing a listener frees the port", func(t *testing.T) {
		h := newHost(t, "linux", nil)
		id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, 8080), SockOpts{})
		require.NoError(t, err)
		require.NoError(t, h.CloseSocket(id))
		assert.Equal(t, PortFree, h.PortState(TCP, 8080))
		assert.NoError(t, h.Listen(TCP, netip.AddrPortFrom(clientIP, 8080)))
		assert.ErrorIs(t, h.CloseSocket(id), ErrBadF) // close() of no socket
	})
}

// Lesson 2: two hosts both listen on :80; a socket is (address, port).
func TestTwoServersOnPort80(t *testing.T) {
	a := newHostAt(t, "linux", dstA.Addr())
	b := newHostAt(t, "linux", dstB.Addr())
	_, _, err := a.ListenOpts(TCP, dstA, SockOpts{Privileged: true})
	require.NoError(t, err)
	_, _, err = b.ListenOpts(TCP, dstB, SockOpts{Privileged: true})
	require.NoError(t, err)
	client := newHost(t, "linux", nil)
	for _, s := range []struct {
		h   *Host
		dst netip.AddrPort
	}{{a, dstA}, {b, dstB}} {
		c, err := client.Connect(TCP, s.dst)
		require.NoError(t, err)
		require.NoError(t, s.h.Accept(c.Reverse()))
	}
	assert.ErrorIs(t, a.Accept(FourTuple{TCP, netip.MustParseAddrPort("10.0.0.10:81"), netip.MustParseAddrPort("192.168.1.5:40000")}), ErrConnRefused)
}

func TestInvalidRequests(t *testing.T) {
	h := newHost(t, "linux", nil)
	_, err := h.Connect(TCP, netip.MustParseAddrPort("10.0.0.10:0"))
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = h.Connect(Proto(9), dstA)
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = h.ConnectRange(TCP, dstA, Range{40100, 40000})
	assert.ErrorIs(t, err, ErrInvalid, "a reversed per-socket range, as setsockopt() refuses it")
	require.NoError(t, h.Listen(TCP, netip.AddrPortFrom(clientIP, 8080)))
	for _, remote := range []netip.AddrPort{{}, netip.MustParseAddrPort("0.0.0.0:40000"), netip.MustParseAddrPort("10.0.0.10:0")} {
		tu := FourTuple{TCP, netip.AddrPortFrom(clientIP, 8080), remote}
		assert.ErrorIs(t, h.Accept(tu), ErrInvalid, "a SYN from %s: no peer sends from there", remote)
		_, ok := h.Conn(tu)
		assert.False(t, ok, "no connection from %s", remote)
	}
	_, err = NewHost(HostConfig{Name: "x", Profile: Profiles()[0]})
	assert.Error(t, err)
	h, err = NewHost(HostConfig{Name: "x", Addr: clientIP})
	require.NoError(t, err, "the zero profile is linux")
	assert.Equal(t, "linux", h.Profile().Name)
	_, err = NewHost(HostConfig{Name: "x", Addr: clientIP, Strategy: Strategy(99)})
	assert.ErrorContains(t, err, "unknown strategy")
	_, err = NewHost(HostConfig{Name: "x", Addr: clientIP, Profile: Profiles()[0], Range: Range{0, 10}})
	assert.ErrorContains(t, err, "outside 1-65535")
	var e *Errno
	assert.True(t, errors.As(fmt.Errorf("wrapped: %w", ErrAgain), &e))
	assert.Equal(t, "EAGAIN (Resource temporarily unavailable)", ErrAgain.Error())
}

// The same seed and calls give the same ports; another seed, others.
func TestDeterminism(t *testing.T) {
	run := func(profile string, seed uint64) []uint16 {
		h := newHost(t, profile, func(c *HostConfig) { c.Seed = seed })
		var out []uint16
		for i := 0; i < 50; i++ {
			dst := []netip.AddrPort{dstA, dstB}[i%2]
			c, err := h.Connect(TCP, dst)
			require.NoError(t, err)
			out = append(out, c.Local.Port())
			if i%3 == 0 {
				require.NoError(t, h.Close(c))
			}
			h.Advance(300 * time.Millisecond)
		}
		return out
	}
	for _, p := range []string{"linux", "freebsd", "windows"} {
		assert.Equal(t, run(p, 7), run(p, 7), p)
		assert.NotEqual(t, run(p, 7), run(p, 8), p)
	}
}

func TestPortStates(t *testing.T) {
	h := newHost(t, "linux", func(c *HostConfig) { c.Reserved = []Port{50000} })
	require.NoError(t, h.Listen(TCP, netip.AddrPortFrom(clientIP, 8080)))
	c, err := h.Connect(TCP, dstA)
	require.NoError(t, err)
	d, err := h.Connect(TCP, dstB)
	require.NoError(t, err)
	require.NoError(t, h.Close(d))
	var all [65536]PortState
	h.PortStates(TCP, &all)
	assert.Equal(t, PortListening, all[8080])
	assert.Equal(t, PortInUse, all[c.Local.Port()])
	if d.Local.Port() != c.Local.Port() {
		assert.Equal(t, PortTimeWait, all[d.Local.Port()])
	}
	assert.Equal(t, PortReserved, all[50000])
	assert.Equal(t, PortFree, all[9999])
	h.PortStates(UDP, &all)
	assert.Equal(t, PortFree, all[8080], "UDP is another port space")
}

func TestOnTakeoverReportsTimeWaitEndedEarly(t *testing.T) {
	h, took := newHostWatched(t, "linux", nil)
	local := netip.AddrPortFrom(clientIP, 80)
	open := func() FourTuple {
		id, _, err := h.Bind(TCP, local, SockOpts{Privileged: true, ReuseAddr: true})
		require.NoError(t, err)
		c, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err)
		return c
	}
	c := open()
	assert.Empty(t, *took, "a fresh 4-tuple takes nothing over")
	require.NoError(t, h.Close(c))
	again := open()
	assert.Equal(t, c, again, "bind then connect reuses the 4-tuple at once on Linux")
	assert.Equal(t, []FourTuple{c}, *took)
	_, err := h.Connect(TCP, dstB)
	require.NoError(t, err)
	assert.Len(t, *took, 1, "an ordinary connect takes nothing over")
	var expired []FourTuple
	h.AdvanceTo(h.Profile().TimeWait, func(t FourTuple) { expired = append(expired, t) })
	assert.Empty(t, expired, "a TIME_WAIT taken over does not expire later")
}

// Linux's connect() walks an even count of ports by 2 ("remaining &= ~1",
// __inet_hash_connect): in a range of 3 ports one is never reached, so
// toward any destination 2 connections succeed and the third fails.
func TestLinuxConnectReachesAnEvenCount(t *testing.T) {
	for _, dst := range []netip.AddrPort{dstA, dstB, netip.MustParseAddrPort("10.0.0.30:443")} {
		h := newHost(t, "linux", withRange(40000, 40002))
		got := 0
		for range 3 {
			if _, err := h.Connect(TCP, dst); err != nil {
				assert.ErrorIs(t, err, ErrAddrNotAvail)
				break
			}
			got++
		}
		assert.Equal(t, 2, got, "toward %s", dst)
		assert.Zero(t, h.Available(TCP, dst))
	}
}

// Linux's bind(0) (inet_csk_find_open_port): odd ports first; with
// SO_REUSEADDR the lower half of the range first, once the range has 4
// ports or more; a one-port range gives its port.
func TestLinuxBindZeroSmallRanges(t *testing.T) {
	for _, tc := range []struct {
		r    Range
		opts SockOpts
		want Port
	}{
		{Range{40000, 40003}, SockOpts{ReuseAddr: true}, 40001},
		{Range{40000, 40000}, SockOpts{}, 40000},
		{Range{40000, 40000}, SockOpts{ReuseAddr: true}, 40000},
		{Range{40000, 40001}, SockOpts{}, 40001},
	} {
		for seed := range uint64(8) {
			h := newHost(t, "linux", func(c *HostConfig) { c.Range, c.Seed = tc.r, seed })
			_, a, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 0), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, Port(a.Port()), "%v %+v seed %d", tc.r, tc.opts, seed)
		}
	}
}
