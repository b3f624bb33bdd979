package engine

import (
	"net/netip"
	"time"

	"github.com/portplay/portplay/internal/u64map"
)

// table is one protocol's socket table on a host: its bound sockets'
// ports and its connections, with per-port counts and bit sets kept up to
// date on every change so that a pick scans words of bits, not tables.
//
// Invariants, for every port p (FuzzHost checks them after every step):
//   - bound[p] counts the sockets bound to p, listening[p] those of them
//     listening; est[p] and tw[p] count the connections with local port p
//     that are established and in TIME_WAIT; noReuse[p] those of the
//     connections without SO_REUSEADDR, noReusePort[p] those without
//     SO_REUSEPORT, noReuseEither[p] those with neither; fromBind[p] those whose port came
//     from bind() or a listener rather than from autobind;
//   - bindHeld has p iff bound[p]+fromBind[p] > 0, and used has p iff
//     bound[p]+est[p]+tw[p] > 0; open has p iff openN[p] > 0, the number
//     of unconnected sockets bound to p;
//   - every outbound connection has its local port in its flow's (local
//     address and destination's) est or tw set (by its state), and an
//     entry in out, and its port in its flow's rec, iff it is not plain;
//     every accepted one has an entry in in, and touches no flow;
//   - dests holds exactly the flows with connections, each with n its
//     number of connections; nEst and nTW count connections by state.
//
// The per-port counts and bit sets cover every address of the host, as
// Linux's bind bucket is one per port (bhash): what needs an address
// (a bind conflict on a host with several, a 4-tuple) looks further.
type table struct {
	proto Proto
	// changes counts the changes to the per-port counts, so that a view
	// of every port (PortStates) is read again only when it can differ.
	changes uint64
	// bindHeld: ports whose bind bucket bind() made (a bound or listening
	// socket, or a connection that came from one, TIME_WAIT included):
	// Linux's connect() never picks them (facts §2 [IH], fact 4).
	bindHeld bitset
	// used: ports with any user, bound or connected; exclusive autobind
	// and bind(0) pick only outside it.
	used bitset
	// open: ports with a bound or listening socket not connected, openN
	// their number per port: FreeBSD's connect() skips these
	// (in_pcb_lport_dest's wildcard 4-tuple lookup finds them).
	open  bitset
	openN map[Port]uint32
	// dests: per local address (by index) and destination, the local
	// ports in use from the one toward the other. A map per address keeps
	// the key a destination alone, as hashing it is the common connect's
	// main cost.
	dests  []map[netip.AddrPort]*destPorts
	nextID uint64
	// out holds the connections this host opened that are not plain
	// (ones from bound sockets, or with socket options), keyed by
	// destination id and local port; for the plain ones, the
	// destination's est or tw bit and, in TIME_WAIT, its since are the
	// whole record, so the common connect and close touch no map. in
	// holds the connections it accepted, keyed by inKey.
	out u64map.Map[conn]
	in  u64map.Map[conn]
	// peers numbers the pairs of local and remote address of accepted
	// connections for inKey (peerAddrs[n] is number n's); a number stays
	// with its pair for the table's life, as a scenario has a handful of
	// peers.
	peers     map[peer]uint32
	peerAddrs []peer
	// The last peer numbered or looked up: a server's connections come
	// from a few clients, often many in a row from one, and this saves
	// hashing its address.
	lastPeer   peer
	lastPeerN  uint32
	nEst, nTW  int
	spareDests []*destPorts // emptied sets, reused: their bits are all clear
	// The last destination looked up: a client often connects to the same
	// one many times in a row, and this saves hashing its address.
	lastLocal  uint8
	lastRemote netip.AddrPort
	lastDest   *destPorts
	// uses are the per-port counts behind the bit sets and PortState, in
	// pages of pagePorts ports made on first use: a table costs what its
	// ports in use cost, not 65,536 ports' worth, to make and to scan.
	uses [65536 / pagePorts]*usePage
}

// pagePorts is how many ports a page of table.uses counts: a host that
// uses a few ports makes one or two pages.
const pagePorts = 1024

// usePage is the counts of pagePorts ports, one array per count as the
// counts of neighbouring ports are touched one after another (a
// destination's picks step through the range) and share cache lines.
type usePage struct {
	bound, listening, est, tw, noReuse, noReusePort, noReuseEither, fromBind [pagePorts]uint32
}

// portUse is one port's counts (see the invariants above).
type portUse struct {
	bound, listening, est, tw, noReuse, noReusePort, noReuseEither, fromBind uint32
}

// page is port p's page and its index there, for changing its counts.
func (tb *table) page(p Port) (*usePage, int) {
	pg := tb.uses[p/pagePorts]
	if pg == nil {
		pg = new(usePage)
		tb.uses[p/pagePorts] = pg
	}
	return pg, int(p % pagePorts)
}

// peek is port p's counts, all zero if its page was never made.
func (tb *table) peek(p Port) portUse {
	if pg := tb.uses[p/pagePorts]; pg != nil {
		return pg.at(int(p % pagePorts))
	}
	return portUse{}
}

// at is the counts of the page's port i.
func (pg *usePage) at(i int) portUse {
	return portUse{pg.bound[i], pg.listening[i], pg.est[i], pg.tw[i], pg.noReuse[i], pg.noReusePort[i], pg.noReuseEither[i], pg.fromBind[i]}
}

func newTable(proto Proto, addrs int) *table {
	dests := make([]map[netip.AddrPort]*destPorts, addrs)
	for i := range dests {
		dests[i] = map[netip.AddrPort]*destPorts{}
	}
	return &table{
		proto: proto, dests: dests,
		peers: map[peer]uint32{},
	}
}

// eachFlow calls fn for every flow with connections and its ports.
func (tb *table) eachFlow(fn func(flow, *destPorts)) {
	for i, m := range tb.dests {
		for remote, d := range m {
			fn(flow{uint8(i), remote}, d)
		}
	}
}

// flow is a local address, by its index in the host's, and a
// destination: the 4-tuple but for the local port.
type flow struct {
	local  uint8
	remote netip.AddrPort
}

// peer is a local address, by its index, and a remote one.
type peer struct {
	local  uint8
	remote netip.Addr
}

// destPorts are the local ports of connections from one local address
// toward one destination.
type destPorts struct {
	est, tw bitset
	// rec: ports whose connection has an entry in the table's out, so
	// that finding a plain one costs a bit test, not a miss in out.
	rec [1024]uint64
	// since: when each port's plain TIME_WAIT connection began, in pages
	// of 64 ports made on first use (and kept, as the set is). Read only
	// where tw has the port and rec does not. At 8 bytes a port, ports
	// picked one after another share cache lines, which a map's slots,
	// each touched again a TIME_WAIT later, would not.
	since [1024]*[64]time.Duration
	n     int    // connections toward the destination; 0 removes it
	id    uint64 // unique while the set exists
}

func (d *destPorts) key(p Port) uint64 { return d.id<<16 | uint64(p) }

func (d *destPorts) setSince(p Port, t time.Duration) {
	pg := d.since[p>>6]
	if pg == nil {
		pg = new([64]time.Duration)
		d.since[p>>6] = pg
	}
	pg[p&63] = t
}

type conn struct {
	state ConnState     // Established or TimeWait
	since time.Duration // when the state was entered
	sock  SocketID      // the bound socket it was connected from, if any
	// accepted marks the server side of a connection; its local port is
	// the listener's, so it touches no per-destination set.
	accepted bool
	// fromBind: its port came from bind() (a bound socket or a listener),
	// not autobind; the port stays bind-held as long as the connection
	// lasts, as Linux keeps the bind bucket bind() made.
	fromBind bool
	// reuseAddr: the socket had SO_REUSEADDR (inherited from the listener
	// or the bound socket; never for an autobind).
	reuseAddr bool
	// reusePort: the socket had SO_REUSEPORT (inherited the same way).
	reusePort bool
	// exclusive: the socket had SO_EXCLUSIVEADDRUSE (Windows; inherited
	// the same way).
	exclusive bool
}

// plain: an autobound, outbound connection without socket options,
// with nothing to record beyond its state and, in TIME_WAIT, when that
// began (when an established one began is not needed).
func (c conn) plain() bool {
	return c.sock == 0 && !c.accepted && !c.fromBind && !c.reuseAddr && !c.reusePort && !c.exclusive
}

// local is the index of t's local address, if it is the host's. (Not a
// flow: building one to pass by value stalls a hot path.)
func (h *Host) local(t *FourTuple) (uint8, bool) {
	i, ok := h.addrIndex(t.Local.Addr())
	return uint8(i), ok
}

// get finds connection t.
func (h *Host) get(tb *table, t *FourTuple) (conn, bool) {
	local, ok := h.local(t)
	if !ok {
		return conn{}, false
	}
	if d := tb.dest(local, t.Remote, false); d != nil {
		p := Port(t.Local.Port())
		if d.rec[p>>6]&(1<<(p&63)) != 0 {
			return tb.out.Get(d.key(p))
		}
		if d.est.has(p) {
			return conn{state: Established}, true
		}
		if d.tw.has(p) {
			return conn{state: TimeWait, since: d.since[p>>6][p&63]}, true
		}
	}
	k, ok := tb.inKey(local, t, false)
	if !ok {
		return conn{}, false
	}
	return tb.in.Get(k)
}

// inKey is accepted connection t's key in in: the number of its pair of
// addresses (local, by its index, and remote) and both ports (its
// protocol is the table's). An unnumbered pair is numbered if create,
// else there is no key.
func (tb *table) inKey(local uint8, t *FourTuple, create bool) (uint64, bool) {
	pr := peer{local, t.Remote.Addr()}
	n, ok := tb.lastPeerN, len(tb.peerAddrs) > 0 && pr == tb.lastPeer
	if !ok {
		n, ok = tb.peers[pr]
	}
	if !ok {
		if !create {
			return 0, false
		}
		n = uint32(len(tb.peerAddrs))
		tb.peers[pr] = n
		tb.peerAddrs = append(tb.peerAddrs, pr)
	}
	tb.lastPeer, tb.lastPeerN = pr, n
	return uint64(n)<<32 | uint64(t.Local.Port())<<16 | uint64(t.Remote.Port()), true
}

func (h *Host) add(tb *table, t *FourTuple, c conn) {
	tb.changes++
	port := Port(t.Local.Port())
	local, _ := h.local(t) // every caller's t is the host's
	pg, i := tb.page(port)
	tb.used.set(port)
	if !c.reuseAddr {
		pg.noReuse[i]++
	}
	if !c.reusePort {
		pg.noReusePort[i]++
	}
	if !c.reuseAddr && !c.reusePort {
		pg.noReuseEither[i]++
	}
	if c.fromBind {
		pg.fromBind[i]++
		tb.bindHeld.set(port)
	}
	var d *destPorts
	if c.accepted {
		k, _ := tb.inKey(local, t, true)
		tb.in.Put(k, c)
	} else {
		d = tb.dest(local, t.Remote, true)
		if !c.plain() {
			tb.out.Put(d.key(port), c)
			d.rec[port>>6] |= 1 << (port & 63)
		} else if c.state == TimeWait {
			d.setSince(port, c.since)
		}
		d.n++
	}
	if c.state == Established {
		tb.nEst++
		pg.est[i]++
		if d != nil {
			d.est.set(port)
		}
	} else {
		tb.nTW++
		pg.tw[i]++
		if d != nil {
			d.tw.set(port)
		}
	}
}

func (h *Host) remove(tb *table, t *FourTuple, c conn) {
	tb.changes++
	port := Port(t.Local.Port())
	local, _ := h.local(t)
	pg, i := tb.page(port)
	if !c.reuseAddr {
		pg.noReuse[i]--
	}
	if !c.reusePort {
		pg.noReusePort[i]--
	}
	if !c.reuseAddr && !c.reusePort {
		pg.noReuseEither[i]--
	}
	if c.fromBind {
		pg.fromBind[i]--
	}
	var d *destPorts
	if c.accepted {
		k, _ := tb.inKey(local, t, false)
		tb.in.Delete(k)
	} else {
		d = tb.dest(local, t.Remote, false)
		if !c.plain() {
			tb.out.Delete(d.key(port))
			d.rec[port>>6] &^= 1 << (port & 63)
		}
	}
	if c.state == Established {
		tb.nEst--
		pg.est[i]--
		if d != nil {
			d.est.clear(port)
		}
	} else {
		tb.nTW--
		pg.tw[i]--
		if d != nil {
			d.tw.clear(port)
		}
	}
	if d != nil {
		if d.n--; d.n == 0 {
			delete(tb.dests[local], t.Remote)
			tb.spareDests = append(tb.spareDests, d)
			if tb.lastDest == d {
				tb.lastDest = nil
			}
		}
	}
	if c.sock != 0 {
		if s, ok := h.sockets[c.sock]; ok {
			h.unbind(tb, c.sock, s)
		}
	}
	tb.release(port)
}

// release clears port's bits once nothing holds it any more.
// Its port's page exists: a holder made it.
func (tb *table) release(port Port) {
	pg, i := tb.page(port)
	if pg.bound[i] != 0 {
		return
	}
	if pg.fromBind[i] == 0 {
		tb.bindHeld.clear(port)
	}
	if pg.est[i] == 0 && pg.tw[i] == 0 {
		tb.used.clear(port)
	}
}

// dest returns the port sets from local address local (an index) to
// remote, creating them if create.
func (tb *table) dest(local uint8, remote netip.AddrPort, create bool) *destPorts {
	if tb.lastDest != nil && remote == tb.lastRemote && local == tb.lastLocal {
		return tb.lastDest
	}
	d := tb.dests[local][remote]
	if d == nil && create {
		if n := len(tb.spareDests); n > 0 {
			d = tb.spareDests[n-1]
			tb.spareDests = tb.spareDests[:n-1]
		} else {
			d = &destPorts{}
		}
		tb.nextID++
		d.id = tb.nextID
		tb.dests[local][remote] = d
	}
	if d != nil {
		tb.lastLocal, tb.lastRemote, tb.lastDest = local, remote, d
	}
	return d
}

// opened and closed count a socket bound to port that is not connected,
// coming and going (table.open).
func (tb *table) opened(port Port) {
	if tb.openN == nil {
		tb.openN = map[Port]uint32{}
	}
	tb.openN[port]++
	tb.open.set(port)
}

func (tb *table) closed(port Port) {
	if tb.openN[port]--; tb.openN[port] == 0 {
		delete(tb.openN, port)
		tb.open.clear(port)
	}
}
