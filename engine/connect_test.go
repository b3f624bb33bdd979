package engine

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnStateNames(t *testing.T) {
	var got []string
	for s := SynSent; s <= Closed; s++ {
		got = append(got, s.String())
	}
	assert.Equal(t, []string{"SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "LAST_ACK", "TIME_WAIT", "CLOSED"}, got)
	assert.Equal(t, "ConnState(0)", ConnState(0).String())
	assert.Equal(t, "bound", Bound.String(), "a UDP socket's, no TCP state")
	assert.Equal(t, "ConnState(10)", ConnState(10).String())
}

// The TIME_WAIT takeover rule (facts §2 [TW], fact 9).
func TestCanTakeOver(t *testing.T) {
	linux, err := ProfileByName("linux")
	require.NoError(t, err)
	freebsd, err := ProfileByName("freebsd")
	require.NoError(t, err)
	withReuse := func(p Profile, r TWReuse) Profile { p.TWReuse = r; return p }
	loop, remote := netip.MustParseAddr("127.0.0.1"), dstA.Addr()
	tests := []struct {
		name   string
		p      Profile
		by     opener
		remote netip.Addr
		age    time.Duration
		want   bool
	}{
		{"a new SYN, Linux", linux, bySYN, remote, 0, true},
		{"a new SYN, FreeBSD", freebsd, bySYN, remote, 0, true},
		{"bind then connect, Linux, at once", linux, byBoundSocket, remote, 0, true},
		{"bind then connect, FreeBSD", freebsd, byBoundSocket, remote, time.Minute, false},
		{"autobind, default, loopback, just over 1s", linux, byAutobind, loop, time.Second + time.Millisecond, true},
		{"autobind, default, loopback, exactly 1s is not enough", linux, byAutobind, loop, time.Second, false},
		{"autobind, default, loopback, 999ms", linux, byAutobind, loop, 999 * time.Millisecond, false},
		{"autobind, default, remote", linux, byAutobind, remote, forever, false},
		{"autobind, tcp_tw_reuse=1, remote, 1.5s", withReuse(linux, TWReuseOn), byAutobind, remote, 1500 * time.Millisecond, true},
		{"autobind, tcp_tw_reuse=1, remote, exactly 1s", withReuse(linux, TWReuseOn), byAutobind, remote, time.Second, false},
		{"autobind, tcp_tw_reuse=1, remote, 10ms", withReuse(linux, TWReuseOn), byAutobind, remote, 10 * time.Millisecond, false},
		{"autobind, tcp_tw_reuse=0, loopback", withReuse(linux, TWReuseOff), byAutobind, loop, forever, false},
		{"autobind, FreeBSD", freebsd, byAutobind, loop, forever, false},
	}
	// tcp_tw_reuse=2 wants a loopback source or destination: a loopback
	// local address toward any destination will do.
	assert.True(t, canTakeOver(linux, byAutobind, loop, remote, 2*time.Second, true), "loopback source")
	assert.False(t, canTakeOver(linux, byAutobind, clientIP, remote, 2*time.Second, true), "neither loopback")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, canTakeOver(tc.p, tc.by, clientIP, tc.remote, tc.age, true))
		})
	}
}

// A port whose bind bucket bind() made stays out of Linux's connect() as
// long as a connection from it lasts (facts fact 4): a listener's accepted
// connections after the listener closed, and a bound socket's connection
// in TIME_WAIT. Before, connect() could pick such a port and duplicate an
// accepted connection's 4-tuple.
func TestConnectSkipsPortsOfConnectionsFromBind(t *testing.T) {
	t.Run("accepted, listener closed", func(t *testing.T) {
		h := newHost(t, "linux", withRange(40000, 40000))
		id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
		require.NoError(t, err)
		in := FourTuple{TCP, netip.AddrPortFrom(clientIP, 40000), dstA}
		require.NoError(t, h.Accept(in))
		require.NoError(t, h.CloseSocket(id))
		for _, dst := range []netip.AddrPort{dstA, dstB} {
			assert.Zero(t, h.Available(TCP, dst))
			_, err = h.Connect(TCP, dst)
			assert.ErrorIs(t, err, ErrAddrNotAvail, "toward %v", dst)
		}
		require.NoError(t, h.PassiveClose(in))
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err, "free once the accepted connection ended")
		assert.Equal(t, in, c)
	})
	t.Run("bound socket's connection in TIME_WAIT", func(t *testing.T) {
		h := newHost(t, "linux", withRange(40000, 40000))
		id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
		require.NoError(t, err)
		c, err := h.ConnectFrom(id, dstA)
		require.NoError(t, err)
		require.NoError(t, h.Close(c))
		_, err = h.Connect(TCP, dstB)
		assert.ErrorIs(t, err, ErrAddrNotAvail, "the TIME_WAIT keeps bind()'s bucket")
		h.Advance(h.Profile().TimeWait)
		_, err = h.Connect(TCP, dstB)
		assert.NoError(t, err)
	})
}

// A port bind() took stays reserved against every connect() autobind,
// toward every destination, while the bound socket's connection lives,
// established or in TIME_WAIT (facts fact 4: the bind bucket bind() made
// is skipped by __inet_hash_connect until its last owner goes); it frees
// when the TIME_WAIT ends. FreeBSD skips fewer ports: TestFreeBSDConnect.
func TestBoundPortReservedWhileItsConnectionLives(t *testing.T) {
	other := netip.MustParseAddrPort("10.9.9.9:80")
	for _, profile := range []string{"linux", "linux-old"} {
		t.Run(profile, func(t *testing.T) {
			h := newHost(t, profile, withRange(40000, 40000))
			id, _, err := h.Bind(TCP, netip.AddrPortFrom(clientIP, 40000), SockOpts{})
			require.NoError(t, err)
			c, err := h.ConnectFrom(id, dstA)
			require.NoError(t, err)
			for _, dst := range []netip.AddrPort{dstB, other} {
				assert.Zero(t, h.Available(TCP, dst), "established, toward %v", dst)
				_, err = h.Connect(TCP, dst)
				assert.ErrorIs(t, err, ErrAddrNotAvail, "established, toward %v", dst)
			}
			require.NoError(t, h.Close(c))
			for _, dst := range []netip.AddrPort{dstB, other} {
				_, err = h.Connect(TCP, dst)
				assert.ErrorIs(t, err, ErrAddrNotAvail, "in TIME_WAIT, toward %v", dst)
			}
			h.Advance(h.Profile().TimeWait)
			_, err = h.Connect(TCP, other)
			assert.NoError(t, err, "free once the TIME_WAIT ended")
		})
	}
}

// Available is 0 exactly when the next Connect fails (RandomPick aside: it
// may miss the ports that are available), for every profile and strategy,
// even and odd ranges (Linux's walk misses a port of an odd one), with
// TIME_WAIT, tcp_tw_reuse, binds, reserved ports and accepted connections.
func TestAvailableMatchesConnect(t *testing.T) {
	loop := netip.MustParseAddrPort("127.0.0.1:8080")
	dsts := []netip.AddrPort{dstA, dstB, loop}
	for _, p := range Profiles() {
		for _, s := range Strategies {
			for _, rng := range []Range{{40000, 40009}, {40000, 40010}, {40001, 40001}} {
				t.Run(fmt.Sprintf("%s/%s/%s", p.Name, s, rng), func(t *testing.T) {
					for seed := range uint64(4) {
						checkAvailable(t, p, s, rng, seed, dsts)
					}
				})
			}
		}
	}
}

func checkAvailable(t *testing.T, p Profile, s Strategy, rng Range, seed uint64, dsts []netip.AddrPort) {
	h, err := NewHost(HostConfig{
		Name: "c", Addr: clientIP, Profile: p, Strategy: s, Range: rng, Seed: seed,
		TimeWait: 5 * time.Second, Reserved: []Port{40003},
		TWReuse: TWReuse(seed % 3), HasTWReuse: true,
	})
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(seed, 7))
	var conns []FourTuple
	connects, failures := 0, 0
	for step := range 400 {
		switch op := r.IntN(10); {
		case op < 6:
			proto := TCP
			if op == 0 {
				proto = UDP
			}
			dst := dsts[r.IntN(len(dsts))]
			n := h.Available(proto, dst)
			c, err := h.Connect(proto, dst)
			connects++
			switch {
			case err == nil:
				require.Positive(t, n, "step %d: %v succeeded with nothing available", step, c)
				conns = append(conns, c)
			case s == RandomPick:
				failures++
			default:
				failures++
				require.Zero(t, n, "step %d: connect to %v failed (%v) with %d available", step, dst, err, n)
			}
		case op < 8 && len(conns) > 0:
			i := r.IntN(len(conns))
			if r.IntN(2) == 0 {
				_ = h.Close(conns[i]) // already closed: an error, no change
			} else {
				_ = h.PassiveClose(conns[i])
			}
		case op == 8:
			h.Advance(time.Duration(r.IntN(2000)) * time.Millisecond)
		default:
			port := uint16(39999 + r.IntN(13))
			if r.IntN(3) == 0 {
				_, _, _ = h.Bind(TCP, netip.AddrPortFrom(clientIP, port), SockOpts{})
			} else if h.Listen(TCP, netip.AddrPortFrom(clientIP, port)) == nil {
				c := FourTuple{TCP, netip.AddrPortFrom(clientIP, port), dsts[r.IntN(len(dsts))]}
				if h.Accept(c) == nil {
					conns = append(conns, c)
				}
			}
		}
	}
	require.Positive(t, failures, "the range was exhausted at some point")
	require.Less(t, failures, connects)
}

// Ports of the range whose listeners accepted a connection from a
// destination and closed: Linux holds them against every connect()
// (bind() made their bucket, facts fact 4); FreeBSD skips only the exact
// 4-tuple (in_pcb_lport_dest), so toward another destination they serve
// again. Available counts what Connect then takes.
func TestAvailableBesideAcceptedConnections(t *testing.T) {
	for _, tc := range []struct {
		profile  string
		toA, toB int
	}{
		{"linux", 0, 0},
		{"freebsd", 0, 2},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			h := newHost(t, tc.profile, withRange(40000, 40001))
			for _, port := range []uint16{40000, 40001} {
				id, _, err := h.ListenOpts(TCP, netip.AddrPortFrom(clientIP, port), SockOpts{})
				require.NoError(t, err)
				require.NoError(t, h.Accept(FourTuple{TCP, netip.AddrPortFrom(clientIP, port), dstA}))
				require.NoError(t, h.CloseSocket(id))
			}
			for _, d := range []struct {
				dst  netip.AddrPort
				want int
			}{{dstA, tc.toA}, {dstB, tc.toB}} {
				require.Equal(t, d.want, h.Available(TCP, d.dst), "toward %s", d.dst)
				took := 0
				for ; took <= d.want; took++ {
					if _, err := h.Connect(TCP, d.dst); err != nil {
						break
					}
				}
				assert.Equal(t, d.want, took, "connects toward %s", d.dst)
			}
		})
	}
}

func TestAvailableAllocatesNothing(t *testing.T) {
	h := newHost(t, "linux", func(c *HostConfig) { c.TWReuse, c.HasTWReuse = TWReuseOn, true })
	for range 100 {
		c, err := h.Connect(TCP, dstA)
		require.NoError(t, err)
		require.NoError(t, h.Close(c))
	}
	h.Advance(2 * time.Second)
	n := 0
	allocs := testing.AllocsPerRun(100, func() { n = h.Available(TCP, dstA) })
	assert.Zero(t, allocs)
	assert.Equal(t, h.Profile().Ephemeral.Size(), n, "every TIME_WAIT entry may be taken over")
	assert.Equal(t, h.Profile().Ephemeral.Size(), h.Available(TCP, dstB))
	assert.Zero(t, h.Available(Proto(9), dstA))
	assert.Zero(t, h.Available(TCP, netip.MustParseAddrPort("10.0.0.10:0")))
}

func TestCapacity(t *testing.T) {
	tests := []struct {
		r    Range
		tw   time.Duration
		want float64
	}{
		{Range{32768, 60999}, 60 * time.Second, 28232.0 / 60}, // Linux: ≈ 470.5/s (facts §7)
		{Range{49152, 65535}, 240 * time.Second, 16384.0 / 240},
		{Range{1025, 1034}, 20 * time.Second, 0.5},
	}
	for _, tc := range tests {
		assert.InDelta(t, tc.want, Capacity(tc.r, tc.tw), 1e-9, "%v / %v", tc.r, tc.tw)
	}
	assert.True(t, Capacity(Range{1, 10}, 0) > 1e300, "no TIME_WAIT, no ceiling")
}

// TestRandomPickTriesAreTheSeedsNumbers pins random-pick (RFC 6056
// Algorithm 2) to its definition: each try is the next number of the
// host's seeded PCG (after the one that made its secret), lo + n%size,
// until one is free; with none free, size tries and EADDRNOTAVAIL. A
// faster try must not change which tries are made.
func TestRandomPickTriesAreTheSeedsNumbers(t *testing.T) {
	r := Range{40000, 40099}
	h, err := NewHost(HostConfig{Name: "c", Addr: clientIP, Seed: 7, Range: r, Strategy: RandomPick})
	require.NoError(t, err)
	ref := rand.New(rand.NewPCG(7, 0x706f7274706c6179))
	ref.Uint64() // the host's secret
	used := map[Port]bool{}
	for range r.Size() + 1 {
		want, tries := Port(0), 0
		for tries < r.Size() {
			tries++
			if p := r.Lo + Port(ref.Uint32()%uint32(r.Size())); !used[p] {
				want = p
				break
			}
		}
		c, err := h.Connect(TCP, dstA)
		if want == 0 {
			require.ErrorIs(t, err, ErrAddrNotAvail, "after %d tries", tries)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, want, Port(c.Local.Port()))
		used[want] = true
	}
}
