package engine

import (
	"cmp"
	"math"
	"math/bits"
	"net/netip"
	"time"
)

// Connect opens a connection to remote from an ephemeral port the profile's
// strategy picks (autobind). With every usable port taken toward remote it
// fails with EADDRNOTAVAIL (EAGAIN for UDP on Linux, WSAENOBUFS on Windows:
// Profile.ExhaustedErr) and changes nothing.
func (h *Host) Connect(proto Proto, remote netip.AddrPort) (FourTuple, error) {
	return h.ConnectRange(proto, remote, Range{})
}

// ConnectRange is Connect from a socket with IP_LOCAL_PORT_RANGE set to r
// (a zero r means none): on Linux the pick then steps by 1 instead of 2,
// over every port of the range, odd-sized or not (facts §2 [2071]). Each
// end of r narrows the host's range only if it lies within it; an end
// outside it (or 0) leaves the host's end in place, as
// inet_sk_get_local_port_range does (docs/facts-extra.md). r.Lo > r.Hi
// (both non-zero) is EINVAL, as setsockopt() says.
func (h *Host) ConnectRange(proto Proto, remote netip.AddrPort, r Range) (FourTuple, error) {
	t, err := h.connectRange(proto, remote, r)
	return t, h.osErr(err)
}

func (h *Host) connectRange(proto Proto, remote netip.AddrPort, r Range) (FourTuple, error) {
	tb, err := h.table(proto)
	if err != nil {
		return FourTuple{}, err
	}
	remote, ok := destination(remote)
	if !ok {
		return FourTuple{}, errorf("connect to %s: %w", remote.String(), ErrInvalid)
	}
	rng, step := h.prof.Ephemeral, 2
	if r != (Range{}) {
		if r.Lo != 0 && r.Hi != 0 && r.Lo > r.Hi {
			return FourTuple{}, errorf("connect to %s: local port range %s is reversed: %w", remote.String(), r, ErrInvalid)
		}
		rng, step = socketRange(rng, r), 1
	}
	port, takeover, err := h.pickConnect(tb, 0, remote, rng, step)
	if err != nil {
		return FourTuple{}, errorf("connect to %s: %w", remote.String(), err)
	}
	t := FourTuple{Proto: proto, Local: netip.AddrPortFrom(h.addr, uint16(port)), Remote: remote}
	if takeover {
		c, _ := h.get(tb, &t)
		h.remove(tb, &t, c)
	}
	h.add(tb, &t, conn{state: Established})
	if takeover {
		h.tookOver(t)
	}
	return t, nil
}

// ConnectFrom connects the bound socket id to remote from its own port:
// bind() then connect(). It leaves from the socket's address, or the
// primary one if it is bound to the wildcard. The 4-tuple must be free; a
// TIME_WAIT entry with it is taken over at once on Linux (facts §2 [TW]:
// twp == NULL), and is a conflict elsewhere.
func (h *Host) ConnectFrom(id SocketID, remote netip.AddrPort) (FourTuple, error) {
	t, err := h.connectFrom(id, remote)
	return t, h.osErr(err)
}

func (h *Host) connectFrom(id SocketID, remote netip.AddrPort) (FourTuple, error) {
	s, ok := h.sockets[id]
	if !ok {
		return FourTuple{}, errorf("socket %d: no such socket: %w", id, ErrBadF)
	}
	if s.listening || s.connected {
		return FourTuple{}, errorf("socket %d is listening or connected: %w", id, ErrInvalid)
	}
	remote, ok = destination(remote)
	if !ok {
		return FourTuple{}, errorf("connect to %s: %w", remote.String(), ErrInvalid)
	}
	tb := h.tables[s.proto]
	local := s.local.Addr()
	if local.IsUnspecified() {
		local = h.addr
	}
	if s.noPort {
		return h.connectNoPort(tb, id, s, local, remote)
	}
	t := FourTuple{Proto: s.proto, Local: netip.AddrPortFrom(local, s.local.Port()), Remote: remote}
	c, exists := h.get(tb, &t)
	takeover := exists && c.state == TimeWait && canTakeOver(h.prof, byBoundSocket, local, remote.Addr(), h.now-c.since, h.timestamps(remote.Addr()))
	switch {
	case takeover:
		h.remove(tb, &t, c)
	case exists && c.state == TimeWait:
		return FourTuple{}, errorf("connect %s: the 4-tuple is in TIME_WAIT: %w", t.String(), ErrAddrInUse)
	case exists:
		return FourTuple{}, errorf("connect %s: the 4-tuple is in use: %w", t.String(), h.errTupleInUse())
	}
	s.connected = true
	tb.closed(Port(t.Local.Port()))
	// A socket bound to the wildcard now has the address it left from,
	// as tcp_v4_connect sets its rcv_saddr: another address's port stays
	// free of it.
	s.local = t.Local
	h.add(tb, &t, conn{state: Established, since: h.now, sock: id, fromBind: true, reuseAddr: s.opts.ReuseAddr, reusePort: s.opts.ReusePort, exclusive: s.opts.Exclusive})
	if takeover {
		h.tookOver(t)
	}
	return t, nil
}

// connectNoPort is connect() from socket s, bound with
// IP_BIND_ADDRESS_NO_PORT to local: __inet_hash_connect picks the port
// from local as for an unbound socket (inet_sk(sk)->inet_num is 0), so
// the port is shared by 4-tuple, and the bind bucket it makes is
// connect()'s, which other connects may share (fastreuse -1): the
// connection is not fromBind.
func (h *Host) connectNoPort(tb *table, id SocketID, s *socket, local netip.Addr, remote netip.AddrPort) (FourTuple, error) {
	li, _ := h.addrIndex(local)
	port, takeover, err := h.pickConnect(tb, li, remote, h.prof.Ephemeral, 2)
	if err != nil {
		return FourTuple{}, errorf("connect to %s from %s: %w", remote.String(), local.String(), err)
	}
	t := FourTuple{Proto: s.proto, Local: netip.AddrPortFrom(local, uint16(port)), Remote: remote}
	if takeover {
		c, _ := h.get(tb, &t)
		h.remove(tb, &t, c)
	}
	s.connected, s.local = true, t.Local
	h.add(tb, &t, conn{state: Established, since: h.now, sock: id, reuseAddr: s.opts.ReuseAddr, reusePort: s.opts.ReusePort})
	if takeover {
		h.tookOver(t)
	}
	return t, nil
}

// errTupleInUse is the error of a bound socket's connect() to a 4-tuple
// already in use: EADDRNOTAVAIL on Linux (__inet_check_established
// fails and __inet_hash_connect returns -EADDRNOTAVAIL), EADDRINUSE on
// FreeBSD (in_pcbconnect_setup's in_pcblookup_hash_locked finds the
// 4-tuple) and macOS (tcp_connect: in_pcblookup_hash finds it), and
// WSAEADDRINUSE on Windows (Microsoft, connect function, WSAEADDRINUSE:
// "The socket's local address is already in use and the socket was not
// marked to allow address reuse with SO_REUSEADDR").
func (h *Host) errTupleInUse() error {
	if h.prof.Sockets == LinuxSockets {
		return ErrAddrNotAvail
	}
	return ErrAddrInUse
}

// Accept records the server's side of a connection that arrived at a
// listener: t is as the server sees it (Local is the listener's address and
// port). Without a listener it fails with ECONNREFUSED; from a remote
// that no peer could send from (no address, 0.0.0.0, port 0), with
// EINVAL. An old TIME_WAIT entry for the same 4-tuple is replaced, as a
// new SYN does on Linux.
func (h *Host) Accept(t FourTuple) error { return h.osErr(h.accept(t)) }

func (h *Host) accept(t FourTuple) error {
	tb, err := h.table(t.Proto)
	if err != nil {
		return err
	}
	if _, ok := destination(t.Remote); !ok {
		return errorf("accept %s: %s is no peer's address: %w", t.String(), t.Remote.String(), ErrInvalid)
	}
	if _, ok := h.addrIndex(t.Local.Addr()); !ok {
		return errorf("accept %s: %s is not this host's address: %w", t.String(), t.Local.Addr().String(), ErrConnRefused)
	}
	l := h.listener(tb, &t)
	if l == nil {
		return errorf("accept %s: nothing listens on %s: %w", t.String(), t.Local.String(), ErrConnRefused)
	}
	c, takeover := h.get(tb, &t)
	if takeover {
		if c.state != TimeWait || !canTakeOver(h.prof, bySYN, t.Local.Addr(), t.Remote.Addr(), h.now-c.since, true) {
			return errorf("accept %s: the 4-tuple is in use: %w", t.String(), ErrAddrInUse)
		}
		h.remove(tb, &t, c)
	}
	h.add(tb, &t, conn{state: Established, since: h.now, accepted: true, fromBind: true, reuseAddr: l.opts.ReuseAddr, reusePort: l.opts.ReusePort, exclusive: l.opts.Exclusive})
	if takeover {
		h.tookOver(t)
	}
	return nil
}

// socketRange is inet_sk_get_local_port_range: the socket's ends replace
// the system's only where they lie within the system's range (the high
// end checked against the low end already chosen).
func socketRange(sys, r Range) Range {
	lo, hi := sys.Lo, sys.Hi
	if lo <= r.Lo && r.Lo <= hi {
		lo = r.Lo
	}
	if lo <= r.Hi && r.Hi <= hi {
		hi = r.Hi
	}
	return Range{lo, hi}
}

// destination unmaps remote and says whether a connection can go to it.
func destination(remote netip.AddrPort) (netip.AddrPort, bool) {
	remote = netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port())
	return remote, remote.Addr().IsValid() && !remote.Addr().IsUnspecified() && remote.Port() != 0
}

func (h *Host) tookOver(t FourTuple) {
	if h.onTakeover != nil {
		h.onTakeover(t)
	}
}

// opener is how a new connection came to want its 4-tuple.
type opener uint8

const (
	byAutobind    opener = iota + 1 // connect() picking its own port
	byBoundSocket                   // connect() from a socket bound first
	bySYN                           // a SYN arriving at a listener
)

// forever is an age older than any TIME_WAIT entry: canTakeOver with it
// says whether the rule could ever allow a takeover.
const forever = time.Duration(math.MaxInt64)

// canTakeOver is the rule for ending a TIME_WAIT entry of age age early, to
// give its 4-tuple (local to remote) to a new connection (Linux's
// tcp_twsk_unique, facts §2 [TW], fact 9). ts says the entry recorded the
// peer's TCP timestamps ("tcptw->tw_ts_recent_stamp &&"): without them a
// connect() never takes it over. A new SYN always replaces it; a socket
// bound first takes it at once on Linux (twp == NULL); an autobind
// connect() only with
// tcp_tw_reuse on (by default, 2: when the local or the remote address is
// loopback, "we require a loopback src or dst address") and once the
// entry is strictly more than TWReuseDelay old (time_after32(now,
// stamp + delay)). Otherwise TIME_WAIT runs its full length.
func canTakeOver(p Profile, by opener, local, remote netip.Addr, age time.Duration, ts bool) bool {
	switch by {
	case bySYN:
		return true
	case byBoundSocket:
		return p.Sockets == LinuxSockets && ts
	}
	if !ts {
		return false
	}
	switch p.TWReuse {
	case TWReuseOn:
		return age > TWReuseDelay
	case TWReuseLoopback:
		return (local.IsLoopback() || remote.IsLoopback()) && age > TWReuseDelay
	}
	return false
}

// timestamps says whether this host's connections toward remote carry TCP
// timestamps (RFC 7323): both ends must use them, this host by its
// profile, the peer by HostConfig.PeerTimestamps.
func (h *Host) timestamps(remote netip.Addr) bool {
	return h.prof.Timestamps && (h.peerTS == nil || h.peerTS(remote))
}

// noDest stands for a destination with no connections yet: read, never
// written.
var noDest destPorts

// connectSets are what blocks a connect() toward remote from a port: bl,
// and with reuse, also each port in d.tw whose TIME_WAIT entry toward
// remote cannot be taken over yet (twTakeable). Where ports are shared
// across destinations (facts fact 3: TCP on Linux, TCP and UDP on
// FreeBSD), only reserved ports, this destination's ports, and held ones
// block: on Linux those whose bind bucket bind() made (bindHeld, facts
// fact 4), on FreeBSD those with an unconnected socket (open), as
// in_pcb_lport_dest's lookup of the 4-tuple with INPLOOKUP_WILDCARD finds
// only those besides the 4-tuple itself (for which see tupleTaken).
// Elsewhere any port with a user blocks.
func (h *Host) connectSets(tb *table, li int, remote netip.AddrPort) (bl blocked, d *destPorts, reuse bool) {
	if !h.shares(tb.proto) {
		return blocked{&h.reserved, &tb.used, &noPorts, &noPorts}, &noDest, false
	}
	d = tb.dest(uint8(li), remote, false)
	if d == nil {
		d = &noDest
	}
	held := &tb.bindHeld
	if h.prof.Sockets != LinuxSockets {
		held = &tb.open
	}
	if canTakeOver(h.prof, byAutobind, h.addrs[li], remote.Addr(), forever, h.timestamps(remote.Addr())) {
		return blocked{&h.reserved, held, &d.est, &noPorts}, d, true
	}
	return blocked{&h.reserved, held, &d.est, &d.tw}, d, false
}

// shares says whether connect() shares a port across destinations for
// proto: Linux's UDP autobind is udp_lib_get_port's, exclusive; FreeBSD's
// udp_connect goes through in_pcbconnect to in_pcb_lport_dest with the
// foreign address, as TCP does.
func (h *Host) shares(proto Proto) bool {
	if proto == UDP {
		return h.prof.ShareUDPAcrossDestinations
	}
	return h.prof.ShareAcrossDestinations
}

// tupleTaken says whether port p's 4-tuple toward remote from local is an
// accepted connection's: FreeBSD's connect() skips it (the
// exact lookup of in_pcb_lport_dest), while Linux never gets there, as
// such a port's bind bucket is bind()'s. Only ports whose connections
// came from a bind can hold one.
func (h *Host) tupleTaken(tb *table, local netip.Addr, remote netip.AddrPort, p Port) bool {
	if h.prof.Sockets == LinuxSockets || !tb.bindHeld.has(p) {
		return false
	}
	_, ok := h.get(tb, &FourTuple{Proto: tb.proto, Local: netip.AddrPortFrom(local, uint16(p)), Remote: remote})
	return ok
}

// twTakeable says whether an autobind connect() may take over port p's
// TIME_WAIT entry toward remote now.
func (h *Host) twTakeable(tb *table, local netip.Addr, remote netip.AddrPort, p Port) bool {
	c, _ := h.get(tb, &FourTuple{Proto: tb.proto, Local: netip.AddrPortFrom(local, uint16(p)), Remote: remote})
	return canTakeOver(h.prof, byAutobind, local, remote.Addr(), h.now-c.since, h.timestamps(remote.Addr()))
}

// strategy is the strategy an autobind uses for proto (StrategyFor).
func (h *Host) strategy(proto Proto) Strategy { return h.prof.StrategyFor(proto) }

// StrategyFor is the strategy an autobind by p uses for proto: Connect
// for TCP; for UDP, UDPConnect where the profile has one, and Linux's UDP
// autobind is udp_lib_get_port, a random start over the whole range with
// no parity preference (facts §2 [UDP]), whatever the TCP strategy.
func (p Profile) StrategyFor(proto Proto) Strategy {
	if proto != UDP {
		return p.Connect
	}
	s := cmp.Or(p.UDPConnect, p.Connect)
	if s == LinuxConnect || s == LinuxHint {
		return RandomStart
	}
	return s
}

// linuxHash is __inet_hash_connect's view of remote: its table_perturb
// index, that entry, and the upper 32 bits of port_offset (facts §2 [IH]).
func (h *Host) linuxHash(remote netip.AddrPort) (index uint16, perturb, hash uint32) {
	x := h.portOffset(remote, true)
	index = uint16(x)
	if h.perturb != nil {
		perturb = h.perturb[index]
	}
	return index, perturb, uint32(x >> 32)
}

// pickConnect picks the local port for a connect() toward remote within
// rng. takeover says the port's TIME_WAIT entry toward remote is to be
// replaced (tcp_tw_reuse).
func (h *Host) pickConnect(tb *table, li int, remote netip.AddrPort, rng Range, step int) (Port, bool, error) {
	local := h.addrs[li]
	bl, d, reuse := h.connectSets(tb, li, remote)
	takeover := false
	find := func(from, to, step int) (Port, bool) {
		for from <= to {
			p, ok := bl.firstFree(from, to, step)
			if !ok {
				return 0, false
			}
			if h.tupleTaken(tb, local, remote, p) {
				from = int(p) + step
				continue
			}
			if !reuse || !d.tw.has(p) {
				return p, true
			}
			if h.twTakeable(tb, local, remote, p) {
				takeover = true
				return p, true
			}
			from = int(p) + step
		}
		return 0, false
	}
	var (
		port Port
		ok   bool
	)
	switch h.strategy(tb.proto) {
	case Sequential:
		port, ok = h.pickSequential(tb.proto, rng, find)
	case RandomStart:
		port, ok = pickRandomStart(rng, h.rng.Uint32(), find)
	case RandomPick:
		// A try tests one port: its bits, not a scan (find(p, p, 1)
		// answers the same, through the full-word summaries).
		random := func() uint32 { return uint32(h.pcg.Uint64() >> 32) }
		port, _, ok = pickRandomPick(rng, random, func(p Port) bool {
			switch {
			case bl.has(p) || h.tupleTaken(tb, local, remote, p):
				return false
			case !reuse || !d.tw.has(p):
				return true
			case h.twTakeable(tb, local, remote, p):
				takeover = true
				return true
			}
			return false
		})
	case LinuxConnect:
		index, perturb, hash := h.linuxHash(remote)
		var i int
		port, i, ok = pickLinuxConnect(rng, perturb, hash, step, find)
		if ok {
			if h.perturb == nil {
				h.perturb = make([]uint32, 1<<16)
			}
			// A little randomness for the next pick: max(i, rand(0..7)*step) + step.
			h.perturb[index] += uint32(max(i, h.rng.IntN(8)*step) + step)
		}
	case LinuxHint:
		// Before 4.2 the kernel's hash was secure_ipv4_port_ephemeral's
		// 32 bits, with no 10-second period.
		var i int
		port, i, ok = pickLinuxHint(rng, h.hint, uint32(h.portOffset(remote, false)), find)
		if ok {
			h.hint += uint32(i)
		}
	}
	if !ok {
		return 0, false, h.errExhausted(tb.proto, false)
	}
	return port, takeover, nil
}

// errExhausted is the error an autobind gives when no port is left, by
// connect() or by bind(0) (bind). Linux: connect() says EADDRNOTAVAIL for
// TCP (__inet_hash_connect) and EAGAIN for UDP (inet_autobind), bind(0)
// says EADDRINUSE for both (__inet_bind; facts §2 [IH][AF][UDP]).
// FreeBSD's in_pcb_lport_dest and XNU's in_pcbbind say EADDRNOTAVAIL for
// both (facts §4 [FB]; docs/facts-extra.md). Windows says WSAENOBUFS
// (Profile.ExhaustedErr, Microsoft KB 196271).
func (h *Host) errExhausted(proto Proto, bind bool) error {
	switch {
	case h.prof.ExhaustedErr != nil:
		return h.prof.ExhaustedErr
	case h.prof.Sockets == LinuxSockets && bind:
		return ErrAddrInUse
	case h.prof.Sockets == LinuxSockets && proto == UDP:
		return ErrAgain
	}
	return ErrAddrNotAvail
}

// Available is how many ports of the host's ephemeral range a Connect
// toward remote could take right now: not reserved, not held by bind(),
// not used toward remote (not used at all where the profile does not
// share ports across destinations), and not in TIME_WAIT toward it unless
// tcp_tw_reuse would take the entry over now. Linux's step-2 walk never
// reaches one port of an odd-sized range (which one depends on remote);
// that port is not counted. With 0, Connect fails with EADDRNOTAVAIL (or
// EAGAIN, or WSAENOBUFS); with more it succeeds, except with RandomPick, whose tries are
// random and can all miss (RFC 6056 Algorithm 2). It costs a scan of the
// range's bit words and allocates nothing.
func (h *Host) Available(proto Proto, remote netip.AddrPort) int {
	tb, err := h.table(proto)
	remote, ok := destination(remote)
	if err != nil || !ok {
		return 0
	}
	rng := h.prof.Ephemeral
	bl, d, reuse := h.connectSets(tb, 0, remote)
	lo, hi := int(rng.Lo), int(rng.Hi)
	n := 0
	for w := lo >> 6; w <= hi>>6; w++ {
		free := ^bl.word(w)
		if w == lo>>6 {
			free &= ^uint64(0) << (lo & 63)
		}
		if w == hi>>6 {
			free &= ^uint64(0) >> (63 - hi&63)
		}
		n += bits.OnesCount64(free)
		for held := free & tb.bindHeld.w[w]; held != 0 && bl[1] == &tb.open; held &= held - 1 {
			if h.tupleTaken(tb, h.addr, remote, Port(w<<6+bits.TrailingZeros64(held))) {
				n--
			}
		}
		if reuse {
			for tw := free & d.tw.w[w]; tw != 0; tw &= tw - 1 {
				if !h.twTakeable(tb, h.addr, remote, Port(w<<6+bits.TrailingZeros64(tw))) {
					n--
				}
			}
		}
	}
	if h.strategy(proto) == LinuxConnect {
		_, perturb, hash := h.linuxHash(remote)
		if p, missed := linuxMissed(rng, perturb, hash); missed && !bl.has(p) &&
			(!reuse || !d.tw.has(p) || h.twTakeable(tb, h.addr, remote, p)) {
			n--
		}
	}
	return n
}
