package engine

import (
	"bytes"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// allPorts is every port, for eachConn.
var allPorts = Range{0, 65535}

// eachConn calls fn for every connection in tb whose local port lies in
// r (or near: the 64-port words around r): the outbound ones found
// through their flows' bit sets, a word at a time, then the accepted ones.
func eachConn(h *Host, tb *table, r Range, fn func(FourTuple, conn)) {
	tb.eachFlow(func(f flow, d *destPorts) {
		for w := int(r.Lo) >> 6; w <= int(r.Hi)>>6; w++ {
			for set := d.est.w[w] | d.tw.w[w]; set != 0; set &= set - 1 {
				p := Port(w<<6 + bits.TrailingZeros64(set))
				c, ok := tb.out.Get(d.key(p))
				switch {
				case ok:
				case d.est.has(p): // a plain connection has no entry
					c = conn{state: Established}
				default:
					c = conn{state: TimeWait, since: d.since[p>>6][p&63]}
				}
				fn(FourTuple{tb.proto, netip.AddrPortFrom(h.addrs[f.local], uint16(p)), f.remote}, c)
			}
		}
	})
	tb.in.Each(func(k uint64, c conn) {
		pr := tb.peerAddrs[k>>32]
		if !r.Contains(Port(k >> 16)) {
			return
		}
		fn(FourTuple{tb.proto, netip.AddrPortFrom(h.addrs[pr.local], uint16(k>>16)), netip.AddrPortFrom(pr.remote, uint16(k))}, c)
	})
}

// checkInvariants recomputes what Host keeps incrementally and compares:
// the doc comments of Host and table list what must stay true. With
// ports, it checks only those ports (the ones a step touched: it costs
// what the step did, not the table's size); with none, the whole host,
// counts outside the ports in use included.
func checkInvariants(t testing.TB, h *Host, ports ...Port) {
	t.Helper()
	full := len(ports) == 0
	touched := map[Port]bool{}
	for _, p := range ports {
		touched[p] = true
	}
	for _, proto := range []Proto{TCP, UDP} {
		tb := h.tables[proto]
		want := map[Port]*portUse{}
		at := func(p Port) *portUse {
			if want[p] == nil {
				want[p] = &portUse{}
			}
			return want[p]
		}
		seen := map[FourTuple]bool{}
		destN := map[flow]int{}
		nEst, nTW, nOut := 0, 0, 0
		// Plain tests, with testify only to report a failure: this runs
		// for every connection after every step.
		r := allPorts
		if !full {
			r = Range{slices.Min(ports), slices.Max(ports)}
		}
		eachConn(h, tb, r, func(ft FourTuple, c conn) {
			p := Port(ft.Local.Port())
			if !full && !touched[p] {
				return
			}
			// The 4-tuple invariant: no two connections, outbound or
			// accepted, share one.
			if seen[ft] {
				require.Fail(t, "two connections with one 4-tuple", "%v", ft)
			}
			seen[ft] = true
			pc := at(p)
			switch c.state {
			case Established:
				pc.est++
				nEst++
				if c.fromBind != (c.accepted || c.sock != 0 && !h.sockets[c.sock].noPort) {
					require.Fail(t, "fromBind", "%v: %+v", ft, c)
				}
			case TimeWait:
				if h.now >= c.since+h.prof.TimeWait {
					require.Fail(t, "outlived TIME_WAIT", "%v since %v, now %v", ft, c.since, h.now)
				}
				pc.tw++
				nTW++
			default:
				require.Fail(t, "a recorded state is Established or TimeWait", "%v: %v", ft, c.state)
			}
			if !c.reuseAddr {
				pc.noReuse++
			}
			if !c.reusePort {
				pc.noReusePort++
			}
			if !c.reuseAddr && !c.reusePort {
				pc.noReuseEither++
			}
			if c.fromBind {
				pc.fromBind++
			}
			if c.accepted {
				return
			}
			if !c.plain() {
				nOut++
			}
			local, ok := h.local(&ft)
			f := flow{local, ft.Remote}
			d := tb.dests[f.local][f.remote]
			if !ok || d == nil {
				require.Fail(t, "an outbound connection has its flow", "%v", ft)
			}
			destN[f]++
			if c.state == Established != d.est.has(p) || c.state == TimeWait != d.tw.has(p) || !c.plain() != (d.rec[p>>6]&(1<<(p&63)) != 0) {
				require.Fail(t, "the flow's bits say the connection's state and record", "%v: %+v", ft, c)
			}
			if c.sock == 0 && c.state == Established && (!h.prof.Ephemeral.Contains(p) || h.reserved.has(p)) {
				require.Fail(t, "an autobound port lies in the range and is not reserved", "%v, range %v", ft, h.prof.Ephemeral)
			}
		})
		for _, s := range h.sockets {
			p := Port(s.local.Port())
			if s.proto != proto || s.noPort || !full && !touched[p] {
				continue
			}
			at(p).bound++
			if s.listening {
				at(p).listening++
			}
		}
		// open and openN: the unconnected sockets of each port.
		openN := map[Port]uint32{}
		for _, s := range h.sockets {
			if s.proto == proto && !s.connected && !s.noPort {
				openN[Port(s.local.Port())]++
			}
		}
		for p, n := range tb.openN {
			if openN[p] != n || !tb.open.has(p) {
				require.Fail(t, "openN and open count the unconnected sockets", "port %d: %d, want %d; open %v", p, n, openN[p], tb.open.has(p))
			}
		}
		if full {
			require.Equal(t, len(openN), len(tb.openN), "openN has every port with an unconnected socket")
			n := 0
			for _, w := range tb.open.w {
				n += bits.OnesCount64(w)
			}
			require.Equal(t, len(openN), n, "open has exactly those ports")
		}
		check := func(p Port, w portUse) {
			if tb.peek(p) != w {
				require.Equal(t, w, tb.peek(p), "port %d's counts", p)
			}
			if w.bound+w.fromBind > 0 != tb.bindHeld.has(p) || w.bound+w.est+w.tw > 0 != tb.used.has(p) {
				require.Fail(t, "bindHeld and used follow the counts", "port %d: %+v, bindHeld %v, used %v", p, w, tb.bindHeld.has(p), tb.used.has(p))
			}
		}
		if !full {
			for p := range touched {
				check(p, *at(p))
			}
			continue
		}
		for p, w := range want {
			check(p, *w)
		}
		require.Equal(t, nEst, tb.nEst)
		require.Equal(t, nTW, tb.nTW)
		require.Equal(t, nOut, tb.out.Len(), "an entry for each connection with more than its existence to record, and no stray ones")
		flows := 0
		tb.eachFlow(func(f flow, d *destPorts) {
			flows++
			require.Equal(t, destN[f], d.n, "flow %v count", f)
			require.NotZero(t, d.n, "empty flow sets are removed")
		})
		require.Equal(t, len(destN), flows)
		// Outside the ports in use every count is zero.
		for i, pg := range tb.uses {
			if pg == nil {
				continue
			}
			for j := range pagePorts {
				if p := Port(i*pagePorts + j); want[p] == nil && pg.at(j) != (portUse{}) {
					require.Fail(t, "counts on a port with no user", "port %d: %+v", p, pg.at(j))
				}
			}
		}
		var inUse bitset
		for p := range want {
			inUse.set(p)
		}
		for w := range tb.used.w {
			if (tb.used.w[w]|tb.bindHeld.w[w])&^inUse.w[w] != 0 {
				require.Fail(t, "used or bind-held ports with no user", "word %d: %x, %x", w, tb.used.w[w], tb.bindHeld.w[w])
			}
		}
	}
}

// fuzzPorts holds every port FuzzHost names or lets the host pick; a
// failed step's "nothing changed" is checked there, and the full check at
// the end of each input finds anything outside.
var fuzzPorts = Range{39998, 40013}

// Addresses of the fuzzed host: the primary, a second one, and a peer
// that both connects to the host and is connected to.
var (
	fuzzSecond = netip.MustParseAddr("192.168.1.6")
	fuzzPeer   = netip.MustParseAddrPort("9.9.9.9:5555")
	fuzzDsts   = []netip.AddrPort{dstA, dstB, netip.MustParseAddrPort("127.0.0.1:8080"), fuzzPeer}
)

// FuzzHost applies a random sequence of operations to one host with two
// addresses and checks the invariants of what each step touched, the
// whole host at the end, and that a failed call changed nothing. Each
// operation is 3 bytes: what, and two arguments.
func FuzzHost(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0})
	f.Add(uint8(2), []byte{0, 1, 2, 0, 1, 2, 0, 1, 2, 4, 9, 9, 0, 1, 2, 5, 0, 0, 6, 3, 0})
	f.Add(uint8(5), []byte{7, 1, 0, 7, 1, 0, 8, 0, 0, 0, 3, 3, 3, 0, 0, 4, 200, 0, 0, 0, 0})
	// The duplicate 4-tuple of issue 14: listen on :40000, accept from
	// 9.9.9.9:5555, close the listener, connect to 9.9.9.9:5555.
	f.Add(uint8(0), []byte{6, 2, 8, 9, 2, 28, 8, 0, 0, 0, 3, 0})
	// The same, then connect to the peer until the range runs out: one
	// pick would be :40000 if the accepted connection did not hold it.
	f.Add(uint8(0), append([]byte{6, 2, 8, 9, 2, 28, 8, 0, 0}, bytes.Repeat([]byte{0, 3, 0}, 11)...))
	// Issue 22's per-OS rules: Windows binds beside the wildcard and
	// exclusive ones (profile 3), FreeBSD's bound connects and UDP
	// sharing (4), macOS's climbing counter (5), Linux's
	// IP_BIND_ADDRESS_NO_PORT and a peer without timestamps (14: linux, bit 8).
	f.Add(uint8(3), []byte{6, 2, 32, 6, 2, 0, 6, 34, 10, 6, 2, 42, 9, 2, 8, 7, 0, 0, 7, 1, 2})
	f.Add(uint8(4), []byte{6, 1, 0, 7, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 3, 1, 6, 2, 2, 3, 0, 0, 6, 2, 2})
	f.Add(uint8(5), []byte{0, 0, 0, 0, 1, 0, 0, 2, 0, 3, 0, 0, 0, 0, 1, 6, 2, 16, 6, 2, 18})
	f.Add(uint8(14), []byte{6, 64, 0, 6, 65, 0, 7, 0, 0, 7, 1, 1, 3, 0, 0, 6, 64, 0, 7, 2, 1, 0, 1, 0, 3, 1, 0, 0, 1, 0})
	f.Fuzz(fuzzHost)
}

// fuzzHost is FuzzHost's body: runHostOps, checking what each step touched.
func fuzzHost(t *testing.T, profile uint8, ops []byte) { runHostOps(t, profile, ops, false) }

// runHostOps runs ops on a fresh host. everyStepFull checks the whole
// host after every step rather than what the step touched: the cost
// BenchmarkFuzzHost compares with.
func runHostOps(t testing.TB, profile uint8, ops []byte, everyStepFull bool) {
	profilesList := Profiles()
	p := profilesList[int(profile)%len(profilesList)]
	// Every other input's peer dstB answers no TCP timestamps: no
	// connect() may take a TIME_WAIT toward it over.
	peerTS := func(a netip.Addr) bool { return profile&8 == 0 || a != dstB.Addr() }
	h, err := NewHost(HostConfig{
		Name: "fuzz", Addr: clientIP, More: []netip.Addr{fuzzSecond}, Profile: p, Seed: uint64(profile),
		Range:    Range{40000, 40011}, // small, so exhaustion is reached
		TimeWait: 5 * time.Second, Reserved: []Port{40003, 40008},
		TWReuse: TWReuse(profile % 3), HasTWReuse: true,
		PeerTimestamps: peerTS,
	})
	require.NoError(t, err)
	addrs := []netip.Addr{clientIP, fuzzSecond, netip.IPv4Unspecified()}
	var conns []FourTuple
	var socks []SocketID
	var touched []Port
	var before, after snapshot // reused: a snapshot a step
	touch := func(ts ...FourTuple) {
		for _, c := range ts {
			touched = append(touched, Port(c.Local.Port()))
		}
	}
	what := ""
	h.onTakeover = func(c FourTuple) {
		touch(c)
		if what != "accept" && !peerTS(c.Remote.Addr()) {
			require.Fail(t, "a connect() took over a TIME_WAIT toward a peer without timestamps", "%s: %v", what, c)
		}
	}
	for i := 0; i+2 < len(ops) && i < 3*200; i += 3 {
		op, a, b := ops[i]%10, int(ops[i+1]), int(ops[i+2])
		proto := []Proto{TCP, UDP}[b%2]
		before.fill(h, fuzzPorts)
		changes, states := portsChanged(h), portStates(h)
		touched = touched[:0]
		var err error
		what = ""
		switch op {
		case 0, 1: // connect, more often than anything else
			what = "connect"
			dst := fuzzDsts[a%len(fuzzDsts)]
			n := h.Available(proto, dst)
			var c FourTuple
			c, err = h.Connect(proto, dst)
			if err == nil {
				conns = append(conns, c)
				touch(c)
				require.Equal(t, clientIP, c.Local.Addr(), "step %d: connect() leaves from the primary address", i/3)
			}
			// No profile uses RandomPick, the one strategy that can
			// fail with ports available.
			require.Equal(t, n == 0, err != nil, "step %d: connect to %v (%v) with %d available", i/3, dst, err, n)
		case 2: // connect with IP_LOCAL_PORT_RANGE, its ends near or in the range
			what = "connectRange"
			r := Range{Port(39998 + a%16), Port(39998 + b%16)}
			var c FourTuple
			c, err = h.ConnectRange(proto, fuzzDsts[(a>>4)%len(fuzzDsts)], r)
			if err == nil {
				conns = append(conns, c)
				touch(c)
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
				touch(c)
			}
		case 5:
			what = "advance"
			h.AdvanceTo(h.now+time.Duration(a)*50*time.Millisecond, func(c FourTuple) { touch(c) })
		case 6: // explicit bind or listen on either address or the wildcard, near or inside the range
			what = "bind"
			port := uint16(39998 + a%16)
			if a%5 == 0 {
				port = 0
			}
			var id SocketID
			var local netip.AddrPort
			opts := SockOpts{ReuseAddr: b&2 != 0, ReusePort: b&4 != 0, Exclusive: a&32 != 0, BindNoPort: a&64 != 0}
			at := netip.AddrPortFrom(addrs[(b>>4)%len(addrs)], port)
			switch {
			case port == 0 && a&128 != 0: // a UDP send's autobind (TCP's refused)
				what = "autobind"
				id, local, err = h.Autobind(proto, opts)
				if proto == TCP {
					require.ErrorIs(t, err, ErrInvalid, "step %d: autobind on TCP", i/3)
				} else if err == nil {
					require.True(t, h.prof.Ephemeral.Contains(Port(local.Port())) && !h.reserved.has(Port(local.Port())), "step %d: autobind took %v", i/3, local)
				}
			case b&8 != 0:
				id, local, err = h.ListenOpts(proto, at, opts)
			default:
				id, local, err = h.Bind(proto, at, opts)
			}
			if err == nil {
				socks = append(socks, id)
				touched = append(touched, Port(local.Port()))
			}
			if what == "autobind" {
				opts.BindNoPort = false // a send's autobind ignores it
			}
			// An option the OS lacks is refused as setsockopt() would
			// (an autobind on TCP is refused before: EINVAL).
			if (what != "autobind" || proto == UDP) && h.prof.CheckOpts(opts) != nil {
				require.ErrorIs(t, err, ErrNoProtoOpt, "step %d: %+v on %s", i/3, opts, h.prof.Name)
			}
		case 7: // connect from a bound socket
			if len(socks) > 0 {
				what = "connectFrom"
				var c FourTuple
				id := socks[a%len(socks)]
				s, open := h.sockets[id]
				c, err = h.ConnectFrom(id, fuzzDsts[b%len(fuzzDsts)])
				if err == nil {
					conns = append(conns, c)
					touch(c)
				}
				// A 4-tuple in use is EADDRNOTAVAIL on Linux alone.
				if e, ok := IsErrno(err); ok && open && !s.noPort && (e == ErrAddrNotAvail || e.posix == ErrAddrNotAvail) {
					require.Equal(t, LinuxSockets, h.prof.Sockets, "step %d: %v", i/3, err)
				}
				if !open {
					require.ErrorIs(t, err, ErrBadF, "step %d: connect from a closed socket", i/3)
				}
			}
		case 8:
			if len(socks) > 0 {
				what = "closeSocket"
				id := socks[a%len(socks)]
				if s, ok := h.sockets[id]; ok {
					touched = append(touched, Port(s.local.Port()))
				}
				err = h.CloseSocket(id)
			}
		case 9: // a connection arrives at a listener, on either address
			what = "accept"
			remote := netip.AddrPortFrom(netip.MustParseAddr("10.1.1.1"), uint16(1000+b))
			if b&4 != 0 {
				remote = fuzzDsts[(b>>3)%len(fuzzDsts)] // a peer this host also connects to
			}
			c := FourTuple{proto, netip.AddrPortFrom(addrs[(b>>7)%2], uint16(39998+a%16)), remote}
			checkListener(t, h, c)
			if err = h.Accept(c); err == nil {
				conns = append(conns, c)
				touch(c)
			}
		}
		if err != nil {
			if after.fill(h, fuzzPorts); !before.equal(&after) {
				require.Equal(t, before, after, "step %d (%s) failed with %v but changed the table", i/3, what, err)
			}
			_, isErrno := IsErrno(err)
			require.True(t, isErrno, "step %d (%s): %v is not an Errno", i/3, what, err)
		}
		// PortsChanged counts: it never goes back to a value a view may
		// have cached.
		now := portsChanged(h)
		require.True(t, now[0] >= changes[0] && now[1] >= changes[1], "step %d (%s): PortsChanged went from %v back to %v", i/3, what, changes, now)
		if now == changes && portStates(h) != states {
			require.Equal(t, states, portStates(h), "step %d (%s) changed port states but not PortsChanged", i/3, what)
		}
		switch {
		case everyStepFull:
			checkInvariants(t, h)
		case len(touched) > 0:
			checkInvariants(t, h, touched...)
		}
	}
	checkInvariants(t, h)
}

// checkListener checks the listener a connection to c would reach: the
// cached lookup agrees with a fresh one, and it is bound to c's address
// if any listener is, else to the wildcard.
func checkListener(t testing.TB, h *Host, c FourTuple) {
	tb := h.tables[c.Proto]
	l := h.listener(tb, &c)
	g := h.listenGroup(c.Proto, c.Local, nil)
	if len(g) == 0 || tb.peek(Port(c.Local.Port())).listening == 0 {
		require.Nil(t, l, "listener for %v", c)
		return
	}
	require.Same(t, g[h.reuseportIndex(&c, len(g))], l, "listener for %v: the cache is stale", c)
	exact := false
	for _, s := range h.sockets {
		exact = exact || s.proto == c.Proto && s.listening && s.local == c.Local
	}
	require.Equal(t, exact, l.local.Addr() == c.Local.Addr(), "listener for %v is %v", c, l.local)
}

// portsChanged is PortsChanged for both protocols.
func portsChanged(h *Host) [2]uint64 { return [2]uint64{h.PortsChanged(TCP), h.PortsChanged(UDP)} }

// portStates are the states of fuzzPorts for both protocols.
func portStates(h *Host) (s [2][16]PortState) {
	for i, proto := range []Proto{TCP, UDP} {
		for j := range s[i] {
			s[i][j] = h.PortState(proto, fuzzPorts.Lo+Port(j))
		}
	}
	return s
}

// BenchmarkFuzzHost runs FuzzHost's body over its seed corpus and random
// inputs, checking what each step touched (as FuzzHost does) and, as the
// baseline, the whole host after every step.
func BenchmarkFuzzHost(b *testing.B) {
	type input struct {
		profile uint8
		ops     []byte
	}
	var inputs []input
	files, _ := filepath.Glob("testdata/fuzz/FuzzHost/*")
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(b, err)
		profile, ops, err := parseHostCorpus(string(data))
		require.NoError(b, err, name)
		inputs = append(inputs, input{profile, ops})
	}
	rng := rand.New(rand.NewPCG(14, 14))
	for range 64 {
		ops := make([]byte, 3*rng.IntN(200))
		for i := range ops {
			ops[i] = byte(rng.Uint32())
		}
		inputs = append(inputs, input{uint8(rng.Uint32()), ops})
	}
	for _, mode := range []struct {
		name string
		full bool
	}{{"check=touched", false}, {"check=full-every-step", true}} {
		b.Run(mode.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				in := inputs[n%len(inputs)]
				runHostOps(b, in.profile, in.ops, mode.full)
				n++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e3, "µs/input")
		})
	}
}

// parseHostCorpus reads a FuzzHost corpus file: "go test fuzz v1", then
// byte('…') and []byte("…").
func parseHostCorpus(data string) (uint8, []byte, error) {
	lines := strings.Split(strings.TrimSpace(data), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" {
		return 0, nil, fmt.Errorf("not a FuzzHost corpus file")
	}
	arg := func(line, prefix string) (string, error) {
		lit, ok := strings.CutPrefix(line, prefix+"(")
		if lit, ok = strings.CutSuffix(lit, ")"); !ok {
			return "", fmt.Errorf("want %s(...), not %q", prefix, line)
		}
		return strconv.Unquote(lit)
	}
	// A byte is written as a rune literal: '\x00', 'H' or '\u0089'.
	profile, err := arg(lines[1], "byte")
	r := []rune(profile)
	if err != nil || len(r) != 1 || r[0] > 0xff {
		return 0, nil, fmt.Errorf("profile %q is not a byte (%v)", lines[1], err)
	}
	ops, err := arg(lines[2], "[]byte")
	return uint8(r[0]), []byte(ops), err
}
