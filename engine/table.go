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
	// bindHeld: ports whose bind bucket bind() made (a bound or listening
	// socket, or a connection that came from one, TIME_WAIT included):
	// Linux's connect() never picks them (facts §2 [IH], fact 4).
	bindHeld bitset
	// used: ports with any user, bound or connected; exclusive autobind
	// and bind(0) pick only outside it.
	used bitset
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
	lastFlow flow
	lastDest *destPorts
	// uses are the per-port counts behind the bit sets and PortState, in
	// pages of 64 ports made on first use: a table costs what its ports
	// in use cost, not 65,536 ports' worth, to make and to scan.
	uses [1024]*[64]portUse
}

// portUse is one port's counts (see the invariants above).
type portUse struct {
	bound, listening, est, tw, noReuse, noReusePort, noReuseEither, fromBind uint32
}

// use is port p's counts, for changing them.
func (tb *table) use(p Port) *portUse {
	pg := tb.uses[p>>6]
	if pg == nil {
		pg = new([64]portUse)
		tb.uses[p>>6] = pg
	}
	return &pg[p&63]
}

// peek is port p's counts, all zero if its page was never made.
func (tb *table) peek(p Port) portUse {
	if pg := tb.uses[p>>6]; pg != nil {
		return pg[p&63]
	}
	return portUse{}
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
}

// plain: an autobound, outbound connection without socket options,
// with nothing to record beyond its state and, in TIME_WAIT, when that
// began (when an established one began is not needed).
func (c conn) plain() bool {
	return c.sock == 0 && !c.accepted && !c.fromBind && !c.reuseAddr && !c.reusePort
}

// flow is t's local address index and destination, if its local address
// is the host's.
func (h *Host) flow(t *FourTuple) (flow, bool) {
	i, ok := h.addrIndex(t.Local.Addr())
	return flow{uint8(i), t.Remote}, ok
}

// get finds connection t.
func (h *Host) get(tb *table, t *FourTuple) (conn, bool) {
	f, ok := h.flow(t)
	if !ok {
		return conn{}, false
	}
	if d := tb.dest(f, false); d != nil {
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
	k, ok := tb.inKey(f.local, t, false)
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
	port := Port(t.Local.Port())
	f, _ := h.flow(t) // every caller's t is the host's
	u := tb.use(port)
	tb.used.set(port)
	if !c.reuseAddr {
		u.noReuse++
	}
	if !c.reusePort {
		u.noReusePort++
	}
	if !c.reuseAddr && !c.reusePort {
		u.noReuseEither++
	}
	if c.fromBind {
		u.fromBind++
		tb.bindHeld.set(port)
	}
	var d *destPorts
	if c.accepted {
		k, _ := tb.inKey(f.local, t, true)
		tb.in.Put(k, c)
	} else {
		d = tb.dest(f, true)
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
		u.est++
		if d != nil {
			d.est.set(port)
		}
	} else {
		tb.nTW++
		u.tw++
		if d != nil {
			d.tw.set(port)
		}
	}
}

func (h *Host) remove(tb *table, t *FourTuple, c conn) {
	port := Port(t.Local.Port())
	f, _ := h.flow(t)
	u := tb.use(port)
	if !c.reuseAddr {
		u.noReuse--
	}
	if !c.reusePort {
		u.noReusePort--
	}
	if !c.reuseAddr && !c.reusePort {
		u.noReuseEither--
	}
	if c.fromBind {
		u.fromBind--
	}
	var d *destPorts
	if c.accepted {
		k, _ := tb.inKey(f.local, t, false)
		tb.in.Delete(k)
	} else {
		d = tb.dest(f, false)
		if !c.plain() {
			tb.out.Delete(d.key(port))
			d.rec[port>>6] &^= 1 << (port & 63)
		}
	}
	if c.state == Established {
		tb.nEst--
		u.est--
		if d != nil {
			d.est.clear(port)
		}
	} else {
		tb.nTW--
		u.tw--
		if d != nil {
			d.tw.clear(port)
		}
	}
	if d != nil {
		if d.n--; d.n == 0 {
			delete(tb.dests[f.local], f.remote)
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
	u := tb.peek(port)
	if u.bound == 0 && u.fromBind == 0 {
		tb.bindHeld.clear(port)
	}
	if u.bound == 0 && u.est == 0 && u.tw == 0 {
		tb.used.clear(port)
	}
}

// dest returns the port sets of flow f, creating them if create.
func (tb *table) dest(f flow, create bool) *destPorts {
	if tb.lastDest != nil && f == tb.lastFlow {
		return tb.lastDest
	}
	d := tb.dests[f.local][f.remote]
	if d == nil && create {
		if n := len(tb.spareDests); n > 0 {
			d = tb.spareDests[n-1]
			tb.spareDests = tb.spareDests[:n-1]
		} else {
			d = &destPorts{}
		}
		tb.nextID++
		d.id = tb.nextID
		tb.dests[f.local][f.remote] = d
	}
	if d != nil {
		tb.lastFlow, tb.lastDest = f, d
	}
	return d
}
