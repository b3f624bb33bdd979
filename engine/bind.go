package engine

import (
	"net/netip"
)

type socket struct {
	id        SocketID
	proto     Proto
	local     netip.AddrPort
	opts      SockOpts
	listening bool
	connected bool // a connection was made from it (ConnectFrom)
	// noPort: bound with IP_BIND_ADDRESS_NO_PORT to an address and port
	// 0; connect() picked its port, so it never counts as bound.
	noPort bool
}

// Listen binds a TCP or UDP socket to local and, for TCP, listens on it.
func (h *Host) Listen(proto Proto, local netip.AddrPort) error {
	_, _, err := h.ListenOpts(proto, local, SockOpts{})
	return err
}

// ListenOpts is Listen with socket options; port 0 listens on a port
// bind(0) picks. It returns the socket and its address.
func (h *Host) ListenOpts(proto Proto, local netip.AddrPort, opts SockOpts) (SocketID, netip.AddrPort, error) {
	id, addr, err := h.bind(proto, local, opts, proto == TCP)
	return id, addr, h.osErr(err)
}

// Bind binds a socket to local without listening; port 0 asks the system
// to pick one (bind(0)), which fails when none is free: EADDRINUSE on
// Linux, EADDRNOTAVAIL on FreeBSD and macOS, WSAENOBUFS on Windows.
func (h *Host) Bind(proto Proto, local netip.AddrPort, opts SockOpts) (SocketID, netip.AddrPort, error) {
	id, addr, err := h.bind(proto, local, opts, false)
	return id, addr, h.osErr(err)
}

// Autobind binds an unbound UDP socket to an ephemeral port, as its first
// sendto() does (Linux's inet_autobind; FreeBSD's and XNU's udp_output
// call in_pcbbind with no address): a port no other socket uses, on the
// wildcard address, held toward every destination until the socket is
// closed. With none free it fails as that send does: EAGAIN on Linux
// (inet_autobind turns udp_lib_get_port's failure into -EAGAIN; facts §2
// [UDP]), EADDRNOTAVAIL on FreeBSD and macOS, WSAENOBUFS on Windows.
// proto must be UDP (EINVAL otherwise).
func (h *Host) Autobind(proto Proto, opts SockOpts) (SocketID, netip.AddrPort, error) {
	if proto != UDP {
		return 0, netip.AddrPort{}, h.osErr(errorf("autobind on send: %v is not UDP: %w", proto, ErrInvalid))
	}
	// IP_BIND_ADDRESS_NO_PORT defers a bind()'s port to connect(); a
	// send takes one at once (inet_autobind calls get_port regardless).
	opts.BindNoPort = false
	id, addr, err := h.bindAs(proto, netip.AddrPortFrom(netip.IPv4Unspecified(), 0), opts, false, true)
	return id, addr, h.osErr(err)
}

// Receives says whether a UDP datagram that reaches this host at t.Local
// from t.Remote finds a socket, as __udp4_lib_lookup looks: a socket
// connected to exactly t, or an unconnected one bound to t.Local's port
// on its address or the wildcard. With none, Linux answers with an ICMP
// port unreachable (__udp4_lib_rcv; RFC 1122 §4.1.3.1). A listen line's
// UDP socket and an Autobind's are unconnected.
func (h *Host) Receives(t FourTuple) bool {
	if t.Proto != UDP {
		return false
	}
	tb := h.tables[UDP]
	if _, ok := h.get(tb, &t); ok {
		return true
	}
	if tb.peek(Port(t.Local.Port())).bound == 0 {
		return false
	}
	for _, s := range h.sockets {
		if s.proto == UDP && !s.connected && !s.noPort && s.local.Port() == t.Local.Port() &&
			(s.local.Addr() == t.Local.Addr() || s.local.Addr().IsUnspecified()) {
			return true
		}
	}
	return false
}

func (h *Host) bind(proto Proto, local netip.AddrPort, opts SockOpts, listen bool) (SocketID, netip.AddrPort, error) {
	return h.bindAs(proto, local, opts, listen, false)
}

// bindAs is bind; auto says it is a send's autobind, not bind(0), which
// fails with another errno when no port is left.
func (h *Host) bindAs(proto Proto, local netip.AddrPort, opts SockOpts, listen, auto bool) (SocketID, netip.AddrPort, error) {
	tb, err := h.table(proto)
	if err != nil {
		return 0, local, err
	}
	if err := h.prof.CheckOpts(opts); err != nil {
		return 0, local, errorf("bind %s: %w", local.String(), err)
	}
	addr := local.Addr().Unmap()
	if !addr.IsValid() {
		addr = netip.IPv4Unspecified()
	}
	if _, ok := h.addrIndex(addr); !ok && !addr.IsUnspecified() {
		return 0, local, errorf("bind %s: %s is not this host's address: %w", local.String(), addr.String(), ErrAddrNotAvail)
	}
	port := Port(local.Port())
	if port == 0 && opts.BindNoPort && !listen {
		// inet_bind_sk: "if (snum || !(inet->bind_address_no_port ...))
		// get_port", so no port is taken until connect().
		h.nextSock++
		s := &socket{id: h.nextSock, proto: proto, local: netip.AddrPortFrom(addr, 0), opts: opts, noPort: true}
		h.sockets[s.id] = s
		return s.id, s.local, nil
	}
	if port == 0 {
		port, err = h.pickBind(tb, opts, auto)
		if err != nil {
			return 0, local, errorf("bind %s (any port): %w", netip.AddrPortFrom(addr, 0).String(), err)
		}
	} else {
		if port < h.prof.PrivilegedBelow && !opts.Privileged && !(h.prof.PrivilegedSpecificOnly && addr.IsUnspecified()) {
			return 0, local, errorf("bind %s: ports below %d need privilege: %w", local.String(), h.prof.PrivilegedBelow, ErrAccess)
		}
		if err := h.bindConflict(tb, addr, port, opts); err != nil {
			return 0, local, errorf("bind %s: %w", netip.AddrPortFrom(addr, uint16(port)).String(), err)
		}
	}
	h.nextSock++
	id := h.nextSock
	s := &socket{id: id, proto: proto, local: netip.AddrPortFrom(addr, uint16(port)), opts: opts, listening: listen}
	h.sockets[id] = s
	h.groupValid = false
	tb.changes++
	pg, i := tb.page(port)
	pg.bound[i]++
	tb.bindHeld.set(port)
	tb.used.set(port)
	tb.opened(port)
	if listen {
		pg.listening[i]++
	}
	return id, s.local, nil
}

// bindConflict is the error, if any, of binding (addr, port) with opts
// beside the sockets and connections already using port, by the rules of
// the profile's Sockets.
func (h *Host) bindConflict(tb *table, addr netip.Addr, port Port, opts SockOpts) error {
	switch h.prof.Sockets {
	case BSDSockets:
		return h.bsdBindConflict(tb, addr, port, opts)
	case WindowsSockets:
		return h.windowsBindConflict(tb, addr, port, opts)
	}
	if h.linuxBindConflict(tb, addr, port, opts) {
		return ErrAddrInUse
	}
	return nil
}

// overlaps says whether two local addresses of one port clash: equal, or
// either the wildcard (Linux's inet_rcv_saddr_equal, BSD's wildcard
// in_pcblookup_local; docs/facts-extra.md).
func overlaps(a, b netip.Addr) bool {
	return a == b || a.IsUnspecified() || b.IsUnspecified()
}

// linuxBindConflict reports whether binding (addr, port) with opts clashes
// with a socket or connection already using port (facts §2 [SOCK7]; Linux's
// inet_csk_bind_conflict): addresses overlap when equal or either is the
// wildcard (inet_rcv_saddr_equal; docs/facts-extra.md), so a port taken
// on one of a host's addresses is free on another; SO_REUSEPORT on both
// sides shares, even with a listener and with its connections, since the
// engine's sockets all belong to one user ("uid_eq(uid,
// sock_i_uid(sk2))"); SO_REUSEADDR on both sides shares unless the other
// is listening. A connection counts with the options of the socket it
// came from (none for an autobind).
func (h *Host) linuxBindConflict(tb *table, addr netip.Addr, port Port, opts SockOpts) bool {
	u := tb.peek(port)
	if len(h.addrs) > 1 && !addr.IsUnspecified() && (u.est > 0 || u.tw > 0) {
		// The port's counts cover every address: look at this one's.
		i, _ := h.addrIndex(addr)
		conflict := false
		h.connsAt(tb, uint8(i), port, func(c conn) {
			conflict = conflict || !(opts.ReuseAddr && c.reuseAddr || opts.ReusePort && c.reusePort)
		})
		if conflict {
			return true
		}
	} else if u.est > 0 || u.tw > 0 {
		// Connections (TIME_WAIT ones too) stay in the port's bind bucket:
		// each must share by one option both sides set; without either,
		// the classic "Address already in use" after a server restart.
		var unshared uint32
		switch {
		case opts.ReuseAddr && opts.ReusePort:
			unshared = u.noReuseEither
		case opts.ReuseAddr:
			unshared = u.noReuse
		case opts.ReusePort:
			unshared = u.noReusePort
		default:
			unshared = u.est + u.tw
		}
		if unshared > 0 {
			return true
		}
	}
	if u.bound == 0 {
		return false
	}
	for _, s := range h.sockets {
		if s.proto != tb.proto || Port(s.local.Port()) != port || !overlaps(s.local.Addr(), addr) {
			continue
		}
		if opts.ReusePort && s.opts.ReusePort {
			continue
		}
		if opts.ReuseAddr && s.opts.ReuseAddr && !s.listening {
			continue
		}
		return true
	}
	return false
}

// bsdBindConflict is FreeBSD's in_pcbbind_setup (in_pcbbind_avail since
// FreeBSD 14) and XNU's in_pcbbind: without SO_REUSEADDR and SO_REUSEPORT
// the lookup is wildcard (INPLOOKUP_WILDCARD), so any socket or
// connection, TIME_WAIT included, on an overlapping address clashes; with
// either option the new socket's own flag is enough to leave out every
// connected one and every other address: in_pcblookup_local without
// the wildcard finds only unconnected sockets ("inp_faddr ==
// INADDR_ANY") on the identical address, which still clash unless both
// set SO_REUSEPORT ("reuseport & so_options"). The different-user
// check before it does not apply: the engine's sockets are one user's.
func (h *Host) bsdBindConflict(tb *table, addr netip.Addr, port Port, opts SockOpts) error {
	wild := !opts.ReuseAddr && !opts.ReusePort
	for _, s := range h.sockets {
		if s.proto != tb.proto || Port(s.local.Port()) != port {
			continue
		}
		switch {
		case wild && overlaps(s.local.Addr(), addr):
			return ErrAddrInUse
		case !wild && !s.connected && s.local.Addr() == addr && !(opts.ReusePort && s.opts.ReusePort):
			return ErrAddrInUse
		}
	}
	if wild && h.connsOverlap(tb, addr, port, func(netip.Addr, conn) bool { return true }) {
		return ErrAddrInUse
	}
	return nil
}

// windowsBindConflict is Winsock's bind as "Using SO_REUSEADDR and
// SO_EXCLUSIVEADDRUSE" (Microsoft Learn; docs/facts-extra.md) tells it,
// for sockets of one user: on the identical address, the new socket
// needs SO_REUSEADDR (the first socket need not set it when both are one
// user's, "solely to provide backward compatibility"); a specific address
// beside the wildcard, in either order, is allowed by default; a socket
// with SO_EXCLUSIVEADDRUSE, new or old, shares with none, and a
// SO_REUSEADDR bind over an exclusive one is WSAEACCES. A connection
// counts as its socket; one from an exclusive socket holds the port
// until it is no longer active ("another socket cannot bind to the same
// port ... until the accepted connection is no longer active"). Whether
// other TIME_WAIT entries block a bind is unverified (Profile.Unverified):
// they do not here.
func (h *Host) windowsBindConflict(tb *table, addr netip.Addr, port Port, opts SockOpts) error {
	clash := func(other netip.Addr, o SockOpts) error {
		switch {
		case !overlaps(other, addr):
			return nil
		case o.Exclusive && opts.ReuseAddr:
			return ErrAccess
		case o.Exclusive || opts.Exclusive:
			return ErrAddrInUse
		case other == addr && !opts.ReuseAddr:
			return ErrAddrInUse
		}
		return nil
	}
	for _, s := range h.sockets {
		if s.proto == tb.proto && Port(s.local.Port()) == port {
			if err := clash(s.local.Addr(), s.opts); err != nil {
				return err
			}
		}
	}
	var err error
	h.connsOverlap(tb, addr, port, func(local netip.Addr, c conn) bool {
		if c.sock != 0 || c.state == TimeWait && !c.exclusive {
			return false // a bound socket's was checked above
		}
		err = clash(local, SockOpts{ReuseAddr: c.reuseAddr, Exclusive: c.exclusive})
		return err != nil
	})
	return err
}

// connsOverlap calls fn with each connection on port whose local address
// overlaps addr (every address of the host for the wildcard), and that
// address, until fn returns true, and says whether one did.
func (h *Host) connsOverlap(tb *table, addr netip.Addr, port Port, fn func(netip.Addr, conn) bool) bool {
	if u := tb.peek(port); u.est == 0 && u.tw == 0 {
		return false
	}
	found := false
	for i, a := range h.addrs {
		if !found && overlaps(a, addr) {
			h.connsAt(tb, uint8(i), port, func(c conn) { found = found || fn(a, c) })
		}
	}
	return found
}

// connsAt calls fn for each connection with local address local (an
// index) and local port port. It walks the address's flows and every
// accepted connection: only a bind() on a host with several addresses
// needs it, and a scenario's tables are small.
func (h *Host) connsAt(tb *table, local uint8, port Port, fn func(conn)) {
	for _, d := range tb.dests[local] {
		if !d.est.has(port) && !d.tw.has(port) {
			continue
		}
		c, ok := tb.out.Get(d.key(port))
		if !ok { // a plain connection: no options
			c = conn{state: Established}
			if d.tw.has(port) {
				c.state = TimeWait
			}
		}
		fn(c)
	}
	tb.in.Each(func(k uint64, c conn) {
		if tb.peerAddrs[k>>32].local == local && Port(k>>16) == port {
			fn(c)
		}
	})
}

// CloseSocket closes a bound or listening socket. Connections accepted from
// a listener live on; a connection made from a bound socket keeps its port
// until it ends.
func (h *Host) CloseSocket(id SocketID) error {
	s, ok := h.sockets[id]
	if !ok {
		return h.osErr(errorf("socket %d: no such socket: %w", id, ErrBadF))
	}
	if s.connected {
		return h.osErr(errorf("socket %d is connected; close the connection: %w", id, ErrInvalid))
	}
	h.unbind(h.tables[s.proto], id, s)
	return nil
}

func (h *Host) unbind(tb *table, id SocketID, s *socket) {
	port := Port(s.local.Port())
	delete(h.sockets, id)
	h.groupValid = false
	if s.noPort {
		return // its port, if it got one, is its connection's alone
	}
	tb.changes++
	pg, i := tb.page(port)
	pg.bound[i]--
	if s.listening {
		pg.listening[i]--
	}
	if !s.connected {
		tb.closed(port)
	}
	tb.release(port)
}

// listener finds the socket that accepts a connection to t.Local from
// t.Remote, nil if none, as Linux's __inet_lookup_listener does
// (net/ipv4/inet_hashtables.c; docs/facts-extra.md): the listeners bound
// to t.Local's own address first, else those on the wildcard, so the
// exact address beats the wildcard whichever listened first; within that
// group, all SO_REUSEPORT, one chosen by a hash of the 4-tuple
// (reuseport_select_sock, net/core/sock_reuseport.c). The group is kept
// for the last local address: the 4-tuple changes with every connection,
// the group only with bind and unbind.
func (h *Host) listener(tb *table, t *FourTuple) *socket {
	if tb.peek(Port(t.Local.Port())).listening == 0 {
		return nil
	}
	// Only TCP sockets listen (ListenOpts), so a UDP table never gets here.
	if !h.groupValid || h.groupAt != t.Local {
		h.group = h.listenGroup(tb.proto, t.Local, h.group[:0])
		h.groupAt, h.groupValid = t.Local, true
	}
	switch len(h.group) {
	case 0:
		return nil
	case 1:
		return h.group[0]
	}
	return h.group[h.reuseportIndex(t, len(h.group))]
}

// listenGroup appends to g the sockets of proto listening on local's port
// and bound to local's address, or if there are none to the wildcard, in
// the order they were bound (socket IDs grow): the kernel's group keeps
// its members in the order they joined, and a map's order is random.
func (h *Host) listenGroup(proto Proto, local netip.AddrPort, g []*socket) []*socket {
	exact := false
	for _, s := range h.sockets {
		if s.proto != proto || !s.listening || s.local.Port() != local.Port() {
			continue
		}
		switch {
		case s.local.Addr() == local.Addr():
			if !exact { // the wildcard ones found so far lose
				g, exact = g[:0], true
			}
			g = append(g, s)
		case s.local.Addr().IsUnspecified() && !exact:
			g = append(g, s)
		}
	}
	// By ID, by insertion: a group is a few sockets, and slices.SortFunc
	// would mark *socket, and the netip types it holds, used in an
	// interface (HasAddr says why that matters).
	for i := 1; i < len(g); i++ {
		for j := i; j > 0 && g[j].id < g[j-1].id; j-- {
			g[j], g[j-1] = g[j-1], g[j]
		}
	}
	return g
}

// reuseportIndex picks one of n members of a SO_REUSEPORT group for t as
// reuseport_select_sock does: reciprocal_scale(hash, n), the hash of the
// 4-tuple keyed by a per-host secret (inet_ehashfn and its
// inet_ehash_secret). The hash is the engine's mix64, not the kernel's
// jhash, so the member a given 4-tuple reaches differs from Linux's; what
// holds is that the choice depends on the 4-tuple alone and spreads
// connections over the group.
func (h *Host) reuseportIndex(t *FourTuple, n int) int {
	x := h.secret
	for _, w := range [...]uint64{addrWord(t.Local.Addr()), addrWord(t.Remote.Addr()), uint64(t.Local.Port())<<16 | uint64(t.Remote.Port())} {
		x = mix64(x ^ w)
	}
	return int(uint64(uint32(x)) * uint64(n) >> 32)
}

// pickBind picks the port for bind(0), or a send's autobind (auto): a
// port with no user at all.
func (h *Host) pickBind(tb *table, opts SockOpts, auto bool) (Port, error) {
	bl := blocked{&h.reserved, &tb.used, &noPorts, &noPorts}
	rng := h.prof.Ephemeral
	var (
		p  Port
		ok bool
	)
	switch {
	case h.prof.Sockets == LinuxSockets && !h.prof.BindNoParity && tb.proto == TCP:
		p, ok = pickLinuxBind(rng, opts.ReuseAddr, h.rng.IntN, bl.firstFree)
	case h.strategy(tb.proto) == Sequential:
		p, ok = h.pickSequential(tb.proto, rng, bl.firstFree)
	default:
		p, ok = pickRandomStart(rng, h.rng.Uint32(), bl.firstFree)
	}
	if !ok {
		return 0, h.errExhausted(tb.proto, !auto)
	}
	return p, nil
}

// pickSequential runs the Sequential strategy on proto's counter (shared
// by TCP and UDP on Windows XP, facts §3 [HSC]).
func (h *Host) pickSequential(proto Proto, rng Range, find finder) (Port, bool) {
	i := int(proto)
	if h.prof.SharedCounter {
		i = 0
	}
	p, next, ok := pickSequential(rng, h.counters[i], find)
	if ok { // a failed call changes nothing
		h.counters[i] = next
	}
	return p, ok
}
