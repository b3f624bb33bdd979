package engine

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// eachConn calls fn for every connection in tb: the outbound ones found
// through their destinations' bit sets, then the accepted ones.
func eachConn(h *Host, tb *table, fn func(FourTuple, conn)) {
	for remote, d := range tb.dests {
		for p := range 65536 {
			if d.est.has(Port(p)) || d.tw.has(Port(p)) {
				c, ok := tb.out.Get(d.key(Port(p)))
				switch {
				case ok:
				case d.est.has(Port(p)): // a plain connection has no entry
					c = conn{state: Established}
				default:
					c = conn{state: TimeWait, since: d.since[p>>6][p&63]}
				}
				fn(FourTuple{tb.proto, netip.AddrPortFrom(h.addr, uint16(p)), remote}, c)
			}
		}
	}
	tb.in.Each(func(k uint64, c conn) {
		fn(FourTuple{tb.proto, netip.AddrPortFrom(h.addr, uint16(k>>16)), netip.AddrPortFrom(tb.peerAddrs[k>>32], uint16(k))}, c)
	})
}

// checkInvariants recomputes everything Host keeps incrementally and
// compares: the doc comment of Host lists what must stay true.
func checkInvariants(t *testing.T, h *Host) {
	t.Helper()
	for _, proto := range []Proto{TCP, UDP} {
		tb := h.tables[proto]
		var est, tw, noReuse, noReusePort, noReuseEither, fromBind, bound, listening [65536]uint32
		destN := map[netip.AddrPort]int{}
		seen := map[FourTuple]bool{}
		nEst, nTW, nOut := 0, 0, 0
		eachConn(h, tb, func(ft FourTuple, c conn) {
			require.Equal(t, proto, ft.Proto)
			require.False(t, seen[ft], "%v: two connections with one 4-tuple", ft)
			seen[ft] = true
			require.Equal(t, h.addr, ft.Local.Addr(), "%v: local address is the host's", ft)
			p := ft.Local.Port()
			if c.state == Established {
				est[p]++
			} else {
				require.Equal(t, TimeWait, c.state)
				require.Less(t, h.now, c.since+h.prof.TimeWait, "%v outlived TIME_WAIT", ft)
				tw[p]++
				nTW++
			}
			if c.state == Established {
				nEst++
			}
			if !c.reuseAddr {
				noReuse[p]++
			}
			if !c.reusePort {
				noReusePort[p]++
			}
			if !c.reuseAddr && !c.reusePort {
				noReuseEither[p]++
			}
			if c.fromBind {
				fromBind[p]++
			}
			if c.state == Established {
				require.Equal(t, c.accepted || c.sock != 0, c.fromBind, "%v: fromBind", ft)
			}
			if !c.accepted {
				if !c.plain() {
					nOut++
				}
				destN[ft.Remote]++
				d := tb.dests[ft.Remote]
				require.NotNil(t, d, "%v: no destination set", ft)
				require.Equal(t, c.state == Established, d.est.has(Port(p)))
				require.Equal(t, c.state == TimeWait, d.tw.has(Port(p)))
				require.Equal(t, !c.plain(), d.rec[p>>6]&(1<<(p&63)) != 0, "%v: rec", ft)
				if c.sock == 0 && c.state == Established {
					// An autobound port: inside the range, never reserved.
					require.True(t, h.prof.Ephemeral.Contains(Port(p)), "%v outside %v", ft, h.prof.Ephemeral)
					require.False(t, h.reserved.has(Port(p)), "%v is reserved", ft)
				}
			}
		})
		require.Equal(t, nEst, tb.nEst)
		require.Equal(t, nTW, tb.nTW)
		require.Equal(t, nOut, tb.out.Len(), "an entry for each connection with more than its existence to record, and no stray ones")
		for remote, d := range tb.dests {
			require.Equal(t, destN[remote], d.n, "destination %v count", remote)
			require.NotZero(t, d.n, "empty destination sets are removed")
		}
		require.Len(t, tb.dests, len(destN))
		for _, s := range h.sockets {
			if s.proto == proto {
				bound[s.local.Port()]++
				if s.listening {
					listening[s.local.Port()]++
				}
			}
		}
		// Every port the fuzzer touches lies in 39990-40030; outside it,
		// all counts must be zero, which the sums check cheaply.
		for _, counts := range [][]uint32{tb.est, tb.tw, tb.noReuse, tb.noReusePort, tb.noReuseEither, tb.fromBind, tb.bound, tb.listening} {
			var inside, all uint32
			for p, n := range counts {
				all += n
				if p >= 39990 && p <= 40030 {
					inside += n
				}
			}
			require.Equal(t, inside, all, "counts outside the ports in play")
		}
		for p := 39990; p <= 40030; p++ {
			if est[p] == tb.est[p] && tw[p] == tb.tw[p] && noReuse[p] == tb.noReuse[p] && noReusePort[p] == tb.noReusePort[p] &&
				noReuseEither[p] == tb.noReuseEither[p] && fromBind[p] == tb.fromBind[p] &&
				bound[p] == tb.bound[p] && listening[p] == tb.listening[p] && (bound[p]+fromBind[p] > 0) == tb.bindHeld.has(Port(p)) &&
				(bound[p]+est[p]+tw[p] > 0) == tb.used.has(Port(p)) {
				continue // the fast path; testify below says what differs
			}
			require.Equal(t, est[p], tb.est[p], "est[%d]", p)
			require.Equal(t, tw[p], tb.tw[p], "tw[%d]", p)
			require.Equal(t, noReuse[p], tb.noReuse[p], "noReuse[%d]", p)
			require.Equal(t, noReusePort[p], tb.noReusePort[p], "noReusePort[%d]", p)
			require.Equal(t, noReuseEither[p], tb.noReuseEither[p], "noReuseEither[%d]", p)
			require.Equal(t, fromBind[p], tb.fromBind[p], "fromBind[%d]", p)
			require.Equal(t, bound[p], tb.bound[p], "bound[%d]", p)
			require.Equal(t, listening[p], tb.listening[p], "listening[%d]", p)
			require.Equal(t, bound[p]+fromBind[p] > 0, tb.bindHeld.has(Port(p)), "bindHeld %d", p)
			require.Equal(t, bound[p]+est[p]+tw[p] > 0, tb.used.has(Port(p)), "used %d", p)
		}
	}
}

// FuzzHost applies a random sequence of operations to one host and checks
// the invariants after every step, and that a failed call changed nothing.
// Each operation is 3 bytes: what, and two arguments.
func FuzzHost(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0})
	f.Add(uint8(2), []byte{0, 1, 2, 0, 1, 2, 0, 1, 2, 4, 9, 9, 0, 1, 2, 5, 0, 0, 6, 3, 0})
	f.Add(uint8(5), []byte{7, 1, 0, 7, 1, 0, 8, 0, 0, 0, 3, 3, 3, 0, 0, 4, 200, 0, 0, 0, 0})
	profilesList := Profiles()
	dsts := []netip.AddrPort{dstA, dstB, netip.MustParseAddrPort("127.0.0.1:8080"), netip.MustParseAddrPort("10.0.0.10:443")}
	f.Fuzz(func(t *testing.T, profile uint8, ops []byte) {
		p := profilesList[int(profile)%len(profilesList)]
		h, err := NewHost(HostConfig{
			Name: "fuzz", Addr: clientIP, Profile: p, Seed: uint64(profile),
			Range:    Range{40000, 40011}, // small, so exhaustion is reached
			TimeWait: 5 * time.Second, Reserved: []Port{40003, 40008},
			TWReuse: TWReuse(profile % 3), HasTWReuse: true,
		})
		require.NoError(t, err)
		var conns []FourTuple
		var socks []SocketID
		for i := 0; i+2 < len(ops) && i < 3*200; i += 3 {
			op, a, b := ops[i]%10, int(ops[i+1]), int(ops[i+2])
			proto := []Proto{TCP, UDP}[b%2]
			before := snap(h)
			var err error
			what := ""
			switch op {
			case 0, 1: // connect, more often than anything else
				what = "connect"
				dst := dsts[a%len(dsts)]
				n := h.Available(proto, dst)
				var c FourTuple
				c, err = h.Connect(proto, dst)
				if err == nil {
					conns = append(conns, c)
				}
				// No profile uses RandomPick, the one strategy that can
				// fail with ports available.
				require.Equal(t, n == 0, err != nil, "step %d: connect to %v (%v) with %d available", i/3, dst, err, n)
			case 2: // connect with IP_LOCAL_PORT_RANGE, its ends near or in the range
				what = "connectRange"
				r := Range{Port(39998 + a%16), Port(39998 + b%16)}
				var c FourTuple
				c, err = h.ConnectRange(proto, dsts[(a>>4)%len(dsts)], r)
				if err == nil {
					conns = append(conns, c)
					require.True(t, socketRange(h.prof.Ephemeral, r).Contains(Port(c.Local.Port())), "step %d: %v outside %v", i/3, c, r)
				}
			case 3, 4: // close one side or the other
				if len(conns) > 0 {
					c := conns[a%len(conns)]
					what = "close " + c.String()
					if op == 3 {
						err = h.Close(c)
					} else {
						err = h.PassiveClose(c)
					}
				}
			case 5:
				what = "advance"
				h.Advance(time.Duration(a) * 50 * time.Millisecond)
				continue // time passing changes state by design
			case 6: // explicit bind or listen, near or inside the range
				what = "bind"
				port := uint16(39998 + a%16)
				if a%5 == 0 {
					port = 0
				}
				var id SocketID
				opts := SockOpts{ReuseAddr: b&2 != 0, ReusePort: b&4 != 0}
				if b&8 != 0 {
					id, _, err = h.ListenOpts(proto, netip.AddrPortFrom(clientIP, port), opts)
				} else {
					id, _, err = h.Bind(proto, netip.AddrPortFrom(clientIP, port), opts)
				}
				if err == nil {
					socks = append(socks, id)
				}
			case 7: // connect from a bound socket
				if len(socks) > 0 {
					what = "connectFrom"
					var c FourTuple
					c, err = h.ConnectFrom(socks[a%len(socks)], dsts[b%len(dsts)])
					if err == nil {
						conns = append(conns, c)
					}
				}
			case 8:
				if len(socks) > 0 {
					what = "closeSocket"
					err = h.CloseSocket(socks[a%len(socks)])
				}
			case 9: // a connection arrives at a listener
				what = "accept"
				remote := netip.AddrPortFrom(netip.MustParseAddr("10.1.1.1"), uint16(1000+b))
				if b&4 != 0 {
					remote = dsts[(b>>3)%len(dsts)] // a peer this host also connects to
				}
				c := FourTuple{proto, netip.AddrPortFrom(clientIP, uint16(39998+a%16)), remote}
				if err = h.Accept(c); err == nil {
					conns = append(conns, c)
				}
			}
			if err != nil {
				require.Equal(t, before, snap(h), "step %d (%s) failed with %v but changed the table", i/3, what, err)
				_, isErrno := IsErrno(err)
				require.True(t, isErrno, "step %d (%s): %v is not an Errno", i/3, what, err)
			}
			checkInvariants(t, h)
		}
	})
}
