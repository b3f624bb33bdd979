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
//     bound[p]+est[p]+tw[p] > 0;
//   - every outbound connection has its local port in its destination's
//     est or tw set (by its state), and an entry in out, and its port in
//     its destination's rec, iff it is not plain; every accepted one has an entry in in, and touches no
//     destination;
//   - dests holds exactly the destinations with connections, each with n
//     its number of connections; nEst and nTW count connections by state.
type table struct {
	proto Proto
	// bindHeld: ports whose bind bucket bind() made (a bound or listening
	// socket, or a connection that came from one, TIME_WAIT included):
	// Linux's connect() never picks them (facts §2 [IH], fact 4).
	bindHeld bitset
	// used: ports with any user, bound or connected; exclusive autobind
	// and bind(0) pick only outside it.
	used bitset
	// dests: per destination, the local ports in use toward it.
	dests  map[netip.AddrPort]*destPorts
	nextID uint64
	// out holds the connections this host opened that are not plain
	// (ones from bound sockets, or with socket options), keyed by
	// destination id and local port; for the plain ones, the
	// destination's est or tw bit and, in TIME_WAIT, its since are the
	// whole record, so the common connect and close touch no map. in
	// holds the connections it accepted, keyed by inKey.
	out u64map.Map[conn]
	in  u64map.Map[conn]
	// peers numbers the remote addresses of accepted connections for
	// inKey (peerAddrs[n] is number n's); a number stays with its address
	// for the table's life, as a scenario has a handful of peers.
	peers     map[netip.Addr]uint32
	peerAddrs []netip.Addr
	// The last peer numbered or looked up: a server's connections come
	// from a few clients, often many in a row from one, and this saves
	// hashing its address.
	lastPeer   netip.Addr
	lastPeerN  uint32
	nEst, nTW  int
	spareDests []*destPorts // emptied sets, reused: their bits are all clear
	// The last destination looked up: a client often connects to the same
	// one many times in a row, and this saves hashing its address.
	lastRemote netip.AddrPort
	lastDest   *destPorts
	// Per-port counts behind the bit sets and PortState.
	bound, listening, est, tw, noReuse, noReusePort, noReuseEither, fromBind []uint32
}

func newTable(proto Proto) *table {
	return &table{
		proto: proto, dests: map[netip.AddrPort]*destPorts{},
		peers: map[netip.Addr]uint32{},
		bound: make([]uint32, 65536), listening: make([]uint32, 65536),
		est: make([]uint32, 65536), tw: make([]uint32, 65536),
		noReuse: make([]uint32, 65536), noReusePort: make([]uint32, 65536),
		noReuseEither: make([]uint32, 65536), fromBind: make([]uint32, 65536),
	}
}

// destPorts are the local ports of connections toward one destination.
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
}

// plain: an autobound, outbound connection without socket options,
// with nothing to record beyond its state and, in TIME_WAIT, when that
// began (when an established one began is not needed).
func (c conn) plain() bool {
	return c.sock == 0 && !c.accepted && !c.fromBind && !c.reuseAddr && !c.reusePort
}

// get finds connection t.
func (h *Host) get(tb *table, t *FourTuple) (conn, bool) {
	if t.Local.Addr() != h.addr {
		return conn{}, false
	}
	if d := tb.dest(t.Remote, false); d != nil {
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
	k, ok := tb.inKey(t, false)
	if !ok {
		return conn{}, false
	}
	return tb.in.Get(k)
}

// inKey is accepted connection t's key in in: its peer's number and both
// ports (its local address is the host's, its protocol the table's). An
// unnumbered peer is numbered if create, else there is no key.
func (tb *table) inKey(t *FourTuple, create bool) (uint64, bool) {
	n, ok := tb.lastPeerN, len(tb.peerAddrs) > 0 && t.Remote.Addr() == tb.lastPeer
	if !ok {
		n, ok = tb.peers[t.Remote.Addr()]
	}
	if !ok {
		if !create {
			return 0, false
		}
		n = uint32(len(tb.peerAddrs))
		tb.peers[t.Remote.Addr()] = n
		tb.peerAddrs = append(tb.peerAddrs, t.Remote.Addr())
	}
	tb.lastPeer, tb.lastPeerN = t.Remote.Addr(), n
	return uint64(n)<<32 | uint64(t.Local.Port())<<16 | uint64(t.Remote.Port()), true
}

func (h *Host) add(tb *table, t *FourTuple, c conn) {
	port := Port(t.Local.Port())
	tb.used.set(port)
	if !c.reuseAddr {
		tb.noReuse[port]++
	}
	if !c.reusePort {
		tb.noReusePort[port]++
	}
	if !c.reuseAddr && !c.reusePort {
		tb.noReuseEither[port]++
	}
	if c.fromBind {
		tb.fromBind[port]++
		tb.bindHeld.set(port)
	}
	var d *destPorts
	if c.accepted {
		k, _ := tb.inKey(t, true)
		tb.in.Put(k, c)
	} else {
		d = tb.dest(t.Remote, true)
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
		tb.est[port]++
		if d != nil {
			d.est.set(port)
		}
	} else {
		tb.nTW++
		tb.tw[port]++
		if d != nil {
			d.tw.set(port)
		}
	}
}

func (h *Host) remove(tb *table, t *FourTuple, c conn) {
	port := Port(t.Local.Port())
	if !c.reuseAddr {
		tb.noReuse[port]--
	}
	if !c.reusePort {
		tb.noReusePort[port]--
	}
	if !c.reuseAddr && !c.reusePort {
		tb.noReuseEither[port]--
	}
	if c.fromBind {
		tb.fromBind[port]--
	}
	var d *destPorts
	if c.accepted {
		k, _ := tb.inKey(t, false)
		tb.in.Delete(k)
	} else {
		d = tb.dest(t.Remote, false)
		if !c.plain() {
			tb.out.Delete(d.key(port))
			d.rec[port>>6] &^= 1 << (port & 63)
		}
	}
	if c.state == Established {
		tb.nEst--
		tb.est[port]--
		if d != nil {
			d.est.clear(port)
		}
	} else {
		tb.nTW--
		tb.tw[port]--
		if d != nil {
			d.tw.clear(port)
		}
	}
	if d != nil {
		if d.n--; d.n == 0 {
			delete(tb.dests, t.Remote)
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
func (tb *table) release(port Port) {
	if tb.bound[port] == 0 && tb.fromBind[port] == 0 {
		tb.bindHeld.clear(port)
	}
	if tb.bound[port] == 0 && tb.est[port] == 0 && tb.tw[port] == 0 {
		tb.used.clear(port)
	}
}

// dest returns the port sets toward remote, creating them if create.
func (tb *table) dest(remote netip.AddrPort, create bool) *destPorts {
	if tb.lastDest != nil && remote == tb.lastRemote {
		return tb.lastDest
	}
	d := tb.dests[remote]
	if d == nil && create {
		if n := len(tb.spareDests); n > 0 {
			d = tb.spareDests[n-1]
			tb.spareDests = tb.spareDests[:n-1]
		} else {
			d = &destPorts{}
		}
		tb.nextID++
		d.id = tb.nextID
		tb.dests[remote] = d
	}
	if d != nil {
		tb.lastRemote, tb.lastDest = remote, d
	}
	return d
}
