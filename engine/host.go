package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"
)

// HostConfig describes a host: its address, its OS profile and the seed of
// all its random choices. The optional fields override the profile's
// defaults, as the matching sysctl would.
type HostConfig struct {
	Name    string
	Addr    netip.Addr
	Profile Profile
	Seed    uint64
	// Range overrides Profile.Ephemeral (ip_local_port_range) when non-zero.
	Range Range
	// TimeWait overrides Profile.TimeWait when non-zero.
	TimeWait time.Duration
	// Strategy overrides Profile.Connect when non-zero.
	Strategy Strategy
	// Reserved ports are never picked by autobind; an explicit bind still
	// gets them (ip_local_reserved_ports, facts §2 [DOC]).
	Reserved []Port
	// TWReuse overrides Profile.TWReuse when HasTWReuse is set.
	TWReuse    TWReuse
	HasTWReuse bool
}

// SockOpts are the options of a bind or listen request.
type SockOpts struct {
	ReuseAddr  bool // SO_REUSEADDR
	ReusePort  bool // SO_REUSEPORT
	Privileged bool // the process runs as root or has CAP_NET_BIND_SERVICE
}

// SocketID names a bound or listening socket on its host.
type SocketID uint64

// ConnState is the state of one side of a connection.
type ConnState uint8

const (
	Established ConnState = iota + 1
	TimeWait
)

func (s ConnState) String() string {
	switch s {
	case Established:
		return "ESTABLISHED"
	case TimeWait:
		return "TIME_WAIT"
	}
	return fmt.Sprintf("ConnState(%d)", s)
}

// PortState is what a port is used for on a host, as the port map shows it.
// When several apply, the first in this order wins: Listening, InUse,
// TimeWait, Reserved, Free.
type PortState uint8

const (
	PortFree PortState = iota
	PortListening
	PortInUse // bound, or the local port of an open connection
	PortTimeWait
	PortReserved
)

func (s PortState) String() string {
	return [...]string{"free", "listening", "in use", "TIME_WAIT", "reserved"}[s]
}

// TWReuseDelay is how old a TIME_WAIT entry must be before tcp_tw_reuse may
// take it over (tcp_tw_reuse_delay, default 1000 ms; facts §2 [TW][TWD]).
const TWReuseDelay = time.Second

// portShuffle is EPHEMERAL_PORT_SHUFFLE_PERIOD: Linux rehashes each
// destination's port offset every 10 s (facts §2 [SS]).
const portShuffle = 10 * time.Second

// Host is one machine's socket table and port allocator. It is not safe
// for concurrent use; a simulation drives it from one goroutine.
//
// Invariants, checked after every step by the fuzz tests:
//   - every connection's FourTuple is unique per protocol and its local
//     address is the host's;
//   - every port an autobind picked lies in the ephemeral range and is not
//     reserved;
//   - the per-port counts and bit sets agree with the connection and
//     socket tables;
//   - a call that returns an error changes nothing.
type Host struct {
	name     string
	addr     netip.Addr
	prof     Profile
	rng      *rand.Rand
	secret   uint64
	now      time.Duration
	reserved bitset
	// counters are the Sequential strategy's next port, per protocol
	// (index 0 when TCP and UDP share one counter).
	counters [3]int
	// perturb is Linux's table_perturb, indexed by the low 16 bits of a
	// destination's hash.
	perturb  []uint32  // 65536 entries, made on the first Linux connect()
	tables   [3]*table // by Proto
	sockets  map[SocketID]*socket
	nextSock SocketID
	// twQueue holds TIME_WAIT expiries in time order (one length per
	// host); entries whose connection was taken over early are skipped.
	twQueue []twEntry
	twHead  int
	// takeovers counts connects that ended a TIME_WAIT early (Takeovers).
	takeovers uint64
}

type table struct {
	proto Proto
	// bindHeld: ports held by a bound socket (bind, bind(0), listen);
	// connect() never picks them (facts fact 4).
	bindHeld bitset
	// used: ports with any user, bound or connected; exclusive autobind
	// and bind(0) pick only outside it.
	used bitset
	// dests: per destination, the local ports in use toward it.
	dests  map[netip.AddrPort]*destPorts
	nextID uint64
	// out holds the connections this host opened that carry more than
	// "established, autobound" (TIME_WAIT ones, ones from bound sockets),
	// keyed by destination id and local port; for the rest, the
	// destination's est bit is the whole record, so the common connect
	// touches no map. in holds the connections it accepted.
	out        map[uint64]conn
	in         map[FourTuple]conn
	nEst, nTW  int
	spareDests []*destPorts // emptied sets, reused: their bits are all clear
	// The last destination looked up: a client often connects to the same
	// one many times in a row, and this saves hashing its address.
	lastRemote netip.AddrPort
	lastDest   *destPorts
	// Per-port counts behind the bit sets and PortState; noReuse counts the
	// connections whose socket lacked SO_REUSEADDR.
	bound, listening, est, tw, noReuse []uint32
}

// destPorts are the local ports of connections toward one destination.
type destPorts struct {
	est, tw bitset
	n       int    // connections toward the destination; 0 removes it
	id      uint64 // unique while the set exists
}

func (d *destPorts) key(p Port) uint64 { return d.id<<16 | uint64(p) }

type conn struct {
	state ConnState
	since time.Duration // when the state was entered
	sock  SocketID      // the bound socket it was connected from, if any
	// accepted marks the server side of a connection; its local port is
	// the listener's, so it touches no per-destination set.
	accepted bool
	// reuseAddr: the socket had SO_REUSEADDR (inherited from the listener
	// or the bound socket; never for an autobind).
	reuseAddr bool
}

// plain: an established, autobound, outbound connection with nothing to
// record beyond its existence (when it began is not needed).
func (c conn) plain() bool {
	return c.state == Established && c.sock == 0 && !c.accepted && !c.reuseAddr
}

type socket struct {
	proto     Proto
	local     netip.AddrPort
	opts      SockOpts
	listening bool
	connected bool // a connection was made from it (ConnectFrom)
}

type twEntry struct {
	t       FourTuple
	expires time.Duration
}

// NewHost makes a host with an empty socket table at simulated time 0.
func NewHost(cfg HostConfig) (*Host, error) {
	if !cfg.Addr.IsValid() || cfg.Addr.IsUnspecified() {
		return nil, fmt.Errorf("host %q: address %v is not a host address", cfg.Name, cfg.Addr)
	}
	p := cfg.Profile
	if p.Name == "" {
		return nil, fmt.Errorf("host %q: no profile", cfg.Name)
	}
	if cfg.Range != (Range{}) {
		if _, err := NewRange(int(cfg.Range.Lo), int(cfg.Range.Hi)); err != nil {
			return nil, fmt.Errorf("host %q: %w", cfg.Name, err)
		}
		p.Ephemeral = cfg.Range
	}
	if cfg.TimeWait < 0 {
		return nil, fmt.Errorf("host %q: TIME_WAIT %v is negative", cfg.Name, cfg.TimeWait)
	}
	if cfg.TimeWait > 0 {
		p.TimeWait = cfg.TimeWait
	}
	if cfg.Strategy != 0 {
		if cfg.Strategy < Sequential || cfg.Strategy > LinuxConnect {
			return nil, fmt.Errorf("host %q: unknown strategy %d", cfg.Name, cfg.Strategy)
		}
		p.Connect = cfg.Strategy
	}
	if cfg.HasTWReuse {
		p.TWReuse = cfg.TWReuse
	}
	h := &Host{
		name: cfg.Name, addr: cfg.Addr.Unmap(), prof: p,
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0x706f7274706c6179)), // "portplay"
		sockets: map[SocketID]*socket{},
	}
	h.secret = h.rng.Uint64()
	for _, r := range cfg.Reserved {
		h.reserved.set(r)
	}
	for _, proto := range []Proto{TCP, UDP} {
		h.tables[proto] = &table{
			proto: proto, dests: map[netip.AddrPort]*destPorts{},
			out: map[uint64]conn{}, in: map[FourTuple]conn{},
			bound: make([]uint32, 65536), listening: make([]uint32, 65536),
			est: make([]uint32, 65536), tw: make([]uint32, 65536), noReuse: make([]uint32, 65536),
		}
	}
	return h, nil
}

// Name is the host's name; Addr its address.
func (h *Host) Name() string     { return h.name }
func (h *Host) Addr() netip.Addr { return h.addr }

// Profile is the host's profile with the HostConfig overrides applied.
func (h *Host) Profile() Profile { return h.prof }

// Now is the host's simulated time.
func (h *Host) Now() time.Duration { return h.now }

// Advance moves simulated time on by d and expires TIME_WAIT entries.
func (h *Host) Advance(d time.Duration) { h.AdvanceTo(h.now+d, nil) }

// AdvanceTo moves simulated time to now (never back) and ends every
// TIME_WAIT that has run its length, calling expired, if not nil, for each.
func (h *Host) AdvanceTo(now time.Duration, expired func(FourTuple)) {
	if now > h.now {
		h.now = now
	}
	for h.twHead < len(h.twQueue) && h.twQueue[h.twHead].expires <= h.now {
		e := h.twQueue[h.twHead]
		h.twHead++
		tb := h.tables[e.t.Proto]
		if c, ok := h.get(tb, e.t); ok && c.state == TimeWait && c.since+h.prof.TimeWait == e.expires {
			h.remove(tb, e.t, c)
			if expired != nil {
				expired(e.t)
			}
		}
	}
	// Reuse the queue's storage once it has drained.
	if h.twHead == len(h.twQueue) {
		h.twQueue, h.twHead = h.twQueue[:0], 0
	} else if h.twHead > 4096 && h.twHead*2 > len(h.twQueue) {
		n := copy(h.twQueue, h.twQueue[h.twHead:])
		h.twQueue, h.twHead = h.twQueue[:n], 0
	}
}

// Takeovers counts the connects and accepts so far that took over a
// 4-tuple in TIME_WAIT (tcp_tw_reuse, bind then connect, a new SYN): a
// caller that keeps its own record of TIME_WAIT entries need look one up
// only when it moves.
func (h *Host) Takeovers() uint64 { return h.takeovers }

// NextExpiry is when the earliest pending TIME_WAIT may end (a later
// AdvanceTo past it ends it, unless it was taken over), so that a caller
// can wake up for it rather than keep a timer per connection.
func (h *Host) NextExpiry() (time.Duration, bool) {
	if h.twHead == len(h.twQueue) {
		return 0, false
	}
	return h.twQueue[h.twHead].expires, true
}

func (h *Host) table(proto Proto) (*table, error) {
	if !proto.valid() {
		return nil, fmt.Errorf("protocol %v: %w", proto, ErrInvalid)
	}
	return h.tables[proto], nil
}

// Listen binds a TCP or UDP socket to local and, for TCP, listens on it.
func (h *Host) Listen(proto Proto, local netip.AddrPort) error {
	_, _, err := h.ListenOpts(proto, local, SockOpts{})
	return err
}

// ListenOpts is Listen with socket options; port 0 listens on a port
// bind(0) picks. It returns the socket and its address.
func (h *Host) ListenOpts(proto Proto, local netip.AddrPort, opts SockOpts) (SocketID, netip.AddrPort, error) {
	return h.bind(proto, local, opts, proto == TCP)
}

// Bind binds a socket to local without listening; port 0 asks the system
// to pick one (bind(0)), which fails with EADDRINUSE when none is free.
func (h *Host) Bind(proto Proto, local netip.AddrPort, opts SockOpts) (SocketID, netip.AddrPort, error) {
	return h.bind(proto, local, opts, false)
}

func (h *Host) bind(proto Proto, local netip.AddrPort, opts SockOpts, listen bool) (SocketID, netip.AddrPort, error) {
	tb, err := h.table(proto)
	if err != nil {
		return 0, local, err
	}
	addr := local.Addr().Unmap()
	if !addr.IsValid() {
		addr = netip.IPv4Unspecified()
	}
	if !addr.IsUnspecified() && addr != h.addr {
		return 0, local, fmt.Errorf("bind %s: %s is not this host's address: %w", local, addr, ErrAddrNotAvail)
	}
	port := Port(local.Port())
	if port == 0 {
		port, err = h.pickBind(tb, opts)
		if err != nil {
			return 0, local, fmt.Errorf("bind %s (any port): %w", netip.AddrPortFrom(addr, 0), err)
		}
	} else {
		if port < h.prof.PrivilegedBelow && !opts.Privileged {
			return 0, local, fmt.Errorf("bind %s: ports below %d need privilege: %w", local, h.prof.PrivilegedBelow, ErrAccess)
		}
		if h.bindConflict(tb, addr, port, opts) {
			return 0, local, fmt.Errorf("bind %s: %w", netip.AddrPortFrom(addr, uint16(port)), ErrAddrInUse)
		}
	}
	h.nextSock++
	id := h.nextSock
	s := &socket{proto: proto, local: netip.AddrPortFrom(addr, uint16(port)), opts: opts, listening: listen}
	h.sockets[id] = s
	tb.bound[port]++
	tb.bindHeld.set(port)
	tb.used.set(port)
	if listen {
		tb.listening[port]++
	}
	return id, s.local, nil
}

// bindConflict reports whether binding (addr, port) with opts clashes with
// a socket or connection already using port (facts §2 [SOCK7]): addresses
// overlap when equal or either is the wildcard; SO_REUSEPORT on both sides
// shares; SO_REUSEADDR on both sides shares unless the other is listening.
// Connections' local ports count as sockets without options.
func (h *Host) bindConflict(tb *table, addr netip.Addr, port Port, opts SockOpts) bool {
	if tb.est[port] > 0 || tb.tw[port] > 0 {
		// Connections (TIME_WAIT ones too) stay in the port's bind bucket:
		// rebinding needs SO_REUSEADDR on both sides, the classic
		// "Address already in use" after a server restart.
		if !opts.ReuseAddr || tb.noReuse[port] > 0 {
			return true
		}
	}
	if tb.bound[port] == 0 {
		return false
	}
	for _, s := range h.sockets {
		if s.proto != tb.proto || Port(s.local.Port()) != port {
			continue
		}
		if !(s.local.Addr() == addr || s.local.Addr().IsUnspecified() || addr.IsUnspecified()) {
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

// CloseSocket closes a bound or listening socket. Connections accepted from
// a listener live on; a connection made from a bound socket keeps its port
// until it ends.
func (h *Host) CloseSocket(id SocketID) error {
	s, ok := h.sockets[id]
	if !ok {
		return fmt.Errorf("socket %d: %w", id, ErrNotConn)
	}
	if s.connected {
		return fmt.Errorf("socket %d is connected; close the connection: %w", id, ErrInvalid)
	}
	h.unbind(h.tables[s.proto], id, s)
	return nil
}

func (h *Host) unbind(tb *table, id SocketID, s *socket) {
	port := Port(s.local.Port())
	delete(h.sockets, id)
	tb.bound[port]--
	if s.listening {
		tb.listening[port]--
	}
	if tb.bound[port] == 0 {
		tb.bindHeld.clear(port)
		if tb.est[port] == 0 && tb.tw[port] == 0 {
			tb.used.clear(port)
		}
	}
}

// Connect opens a connection to remote from an ephemeral port the profile's
// strategy picks (autobind). With every usable port taken toward remote it
// fails with EADDRNOTAVAIL (EAGAIN for UDP on Linux) and changes nothing.
func (h *Host) Connect(proto Proto, remote netip.AddrPort) (FourTuple, error) {
	return h.ConnectRange(proto, remote, Range{})
}

// ConnectRange is Connect from a socket with IP_LOCAL_PORT_RANGE set to r
// (a zero r means none): the pick is limited to r within the host's range
// and, on Linux, steps by 1 instead of 2 (facts §2 [2071]).
func (h *Host) ConnectRange(proto Proto, remote netip.AddrPort, r Range) (FourTuple, error) {
	tb, err := h.table(proto)
	if err != nil {
		return FourTuple{}, err
	}
	remote = netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port())
	if !remote.Addr().IsValid() || remote.Addr().IsUnspecified() || remote.Port() == 0 {
		return FourTuple{}, fmt.Errorf("connect to %s: %w", remote, ErrInvalid)
	}
	rng, step := h.prof.Ephemeral, 2
	if r != (Range{}) {
		lo, hi := max(r.Lo, rng.Lo), min(r.Hi, rng.Hi)
		if lo > hi || r.Lo == 0 {
			return FourTuple{}, fmt.Errorf("connect to %s: local port range %s is outside %s: %w", remote, r, rng, ErrInvalid)
		}
		rng, step = Range{lo, hi}, 1
	}
	port, takeover, err := h.pickConnect(tb, remote, rng, step)
	if err != nil {
		return FourTuple{}, fmt.Errorf("connect to %s: %w", remote, err)
	}
	t := FourTuple{Proto: proto, Local: netip.AddrPortFrom(h.addr, uint16(port)), Remote: remote}
	if takeover {
		c, _ := h.get(tb, t)
		h.remove(tb, t, c)
		h.takeovers++
	}
	h.add(tb, t, conn{state: Established})
	return t, nil
}

// ConnectFrom connects the bound socket id to remote from its own port:
// bind() then connect(). The 4-tuple must be free; a TIME_WAIT entry with
// it is taken over at once on Linux (facts §2 [TW]: twp == NULL), and is a
// conflict elsewhere.
func (h *Host) ConnectFrom(id SocketID, remote netip.AddrPort) (FourTuple, error) {
	s, ok := h.sockets[id]
	if !ok {
		return FourTuple{}, fmt.Errorf("socket %d: %w", id, ErrNotConn)
	}
	if s.listening || s.connected {
		return FourTuple{}, fmt.Errorf("socket %d is listening or connected: %w", id, ErrInvalid)
	}
	remote = netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port())
	if !remote.Addr().IsValid() || remote.Addr().IsUnspecified() || remote.Port() == 0 {
		return FourTuple{}, fmt.Errorf("connect to %s: %w", remote, ErrInvalid)
	}
	tb := h.tables[s.proto]
	t := FourTuple{Proto: s.proto, Local: netip.AddrPortFrom(h.addr, s.local.Port()), Remote: remote}
	c, exists := h.get(tb, t)
	switch {
	case exists && c.state == TimeWait && h.prof.LinuxBind:
		h.remove(tb, t, c)
		h.takeovers++
	case exists && c.state == TimeWait:
		return FourTuple{}, fmt.Errorf("connect %s: the 4-tuple is in TIME_WAIT: %w", t, ErrAddrInUse)
	case exists:
		return FourTuple{}, fmt.Errorf("connect %s: the 4-tuple is in use: %w", t, ErrAddrNotAvail)
	}
	s.connected = true
	h.add(tb, t, conn{state: Established, since: h.now, sock: id, reuseAddr: s.opts.ReuseAddr})
	return t, nil
}

// Accept records the server's side of a connection that arrived at a
// listener: t is as the server sees it (Local is the listener's address and
// port). Without a listener it fails with ECONNREFUSED. An old TIME_WAIT
// entry for the same 4-tuple is replaced, as a new SYN does on Linux.
func (h *Host) Accept(t FourTuple) error {
	tb, err := h.table(t.Proto)
	if err != nil {
		return err
	}
	if t.Local.Addr() != h.addr {
		return fmt.Errorf("accept %s: %s is not this host's address: %w", t, t.Local.Addr(), ErrConnRefused)
	}
	l := h.listener(tb, t.Local)
	if l == nil {
		return fmt.Errorf("accept %s: nothing listens on %s: %w", t, t.Local, ErrConnRefused)
	}
	if c, ok := h.get(tb, t); ok {
		if c.state != TimeWait {
			return fmt.Errorf("accept %s: the 4-tuple is in use: %w", t, ErrAddrInUse)
		}
		h.remove(tb, t, c)
		h.takeovers++
	}
	h.add(tb, t, conn{state: Established, since: h.now, accepted: true, reuseAddr: l.opts.ReuseAddr})
	return nil
}

// listener finds the socket listening on local, if any.
func (h *Host) listener(tb *table, local netip.AddrPort) *socket {
	if tb.listening[local.Port()] == 0 {
		return nil
	}
	for _, s := range h.sockets {
		if s.proto == tb.proto && s.listening && s.local.Port() == local.Port() &&
			(s.local.Addr() == local.Addr() || s.local.Addr().IsUnspecified()) {
			return s
		}
	}
	return nil
}

// Close is the active close of connection t: this side closed first, so
// it holds the 4-tuple in TIME_WAIT for the profile's length (facts §2
// [DFLY][VB]); UDP has no TIME_WAIT and frees the port at once.
func (h *Host) Close(t FourTuple) error {
	tb, c, err := h.lookup(t)
	if err != nil {
		return err
	}
	if c.state != Established {
		return fmt.Errorf("close %s: already closed: %w", t, ErrNotConn)
	}
	h.remove(tb, t, c)
	if t.Proto == UDP || h.prof.TimeWait == 0 {
		return nil
	}
	h.add(tb, t, conn{state: TimeWait, since: h.now, accepted: c.accepted, reuseAddr: c.reuseAddr})
	h.twQueue = append(h.twQueue, twEntry{t, h.now + h.prof.TimeWait})
	return nil
}

// PassiveClose ends connection t after the peer closed first: this side
// holds no TIME_WAIT and frees the 4-tuple at once.
func (h *Host) PassiveClose(t FourTuple) error {
	tb, c, err := h.lookup(t)
	if err != nil {
		return err
	}
	if c.state != Established {
		return fmt.Errorf("close %s: already closed: %w", t, ErrNotConn)
	}
	h.remove(tb, t, c)
	return nil
}

func (h *Host) lookup(t FourTuple) (*table, conn, error) {
	tb, err := h.table(t.Proto)
	if err != nil {
		return nil, conn{}, err
	}
	c, ok := h.get(tb, t)
	if !ok {
		return nil, conn{}, fmt.Errorf("%s: no such connection: %w", t, ErrNotConn)
	}
	return tb, c, nil
}

// Conn reports connection t's state, if it exists.
func (h *Host) Conn(t FourTuple) (ConnState, bool) {
	if !t.Proto.valid() {
		return 0, false
	}
	c, ok := h.get(h.tables[t.Proto], t)
	return c.state, ok
}

// Conns is the number of connections in each state for proto.
func (h *Host) Conns(proto Proto) (established, timeWait int) {
	if !proto.valid() {
		return 0, 0
	}
	return h.tables[proto].nEst, h.tables[proto].nTW
}

// PortState is what port p is used for on this host for proto.
func (h *Host) PortState(proto Proto, p Port) PortState {
	if !proto.valid() {
		return PortFree
	}
	tb := h.tables[proto]
	switch {
	case tb.listening[p] > 0:
		return PortListening
	case tb.bound[p] > 0 || tb.est[p] > 0:
		return PortInUse
	case tb.tw[p] > 0:
		return PortTimeWait
	case h.reserved.has(p):
		return PortReserved
	}
	return PortFree
}

// PortStates fills dst with every port's state for proto, for drawing all
// 65,536 ports each frame without a call per port.
func (h *Host) PortStates(proto Proto, dst *[65536]PortState) {
	if !proto.valid() {
		*dst = [65536]PortState{}
		return
	}
	// PortState's rules, over whole arrays at once: this runs every frame.
	tb := h.tables[proto]
	listening, bound, est, tw := tb.listening[:65536], tb.bound[:65536], tb.est[:65536], tb.tw[:65536]
	for p := range dst {
		switch {
		case listening[p] > 0:
			dst[p] = PortListening
		case bound[p]|est[p] > 0:
			dst[p] = PortInUse
		case tw[p] > 0:
			dst[p] = PortTimeWait
		case h.reserved.w[p>>6]&(1<<(p&63)) != 0:
			dst[p] = PortReserved
		default:
			dst[p] = PortFree
		}
	}
}

// get finds connection t.
func (h *Host) get(tb *table, t FourTuple) (conn, bool) {
	if t.Local.Addr() != h.addr {
		return conn{}, false
	}
	if d := tb.dest(t.Remote, false); d != nil {
		p := Port(t.Local.Port())
		if c, ok := tb.out[d.key(p)]; ok {
			return c, true
		}
		if d.est.has(p) {
			return conn{state: Established}, true
		}
	}
	c, ok := tb.in[t]
	return c, ok
}

func (h *Host) add(tb *table, t FourTuple, c conn) {
	port := Port(t.Local.Port())
	tb.used.set(port)
	if !c.reuseAddr {
		tb.noReuse[port]++
	}
	var d *destPorts
	if c.accepted {
		tb.in[t] = c
	} else {
		d = tb.dest(t.Remote, true)
		if !c.plain() {
			tb.out[d.key(port)] = c
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

func (h *Host) remove(tb *table, t FourTuple, c conn) {
	port := Port(t.Local.Port())
	if !c.reuseAddr {
		tb.noReuse[port]--
	}
	var d *destPorts
	if c.accepted {
		delete(tb.in, t)
	} else {
		d = tb.dest(t.Remote, false)
		if !c.plain() {
			delete(tb.out, d.key(port))
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

// errExhausted is the error an autobind gives when no port is left.
func (h *Host) errExhausted(proto Proto) error {
	if proto == UDP && h.prof.LinuxBind {
		return ErrAgain
	}
	return ErrAddrNotAvail
}

// pickConnect picks the local port for a connect() toward remote within
// rng. takeover says the port's TIME_WAIT entry toward remote is to be
// replaced (tcp_tw_reuse).
func (h *Host) pickConnect(tb *table, remote netip.AddrPort, rng Range, step int) (Port, bool, error) {
	strategy := h.prof.Connect
	shared := h.prof.ShareAcrossDestinations && tb.proto == TCP
	if tb.proto == UDP && strategy == LinuxConnect {
		// udp_lib_get_port: a random start over the whole range, no parity
		// preference, and an exclusive port (facts §2 [UDP]).
		strategy = RandomStart
	}
	bl := blocked{&h.reserved, &tb.used, &noPorts, &noPorts}
	var d *destPorts
	reuse := false
	if shared {
		d = tb.dest(remote, false)
		if d == nil {
			d = &destPorts{} // nothing toward remote yet: only bind-held ports block
		}
		reuse = tb.proto == TCP && h.twReuse(remote)
		bl = blocked{&h.reserved, &tb.bindHeld, &d.est, &d.tw}
		if reuse {
			bl[3] = &noPorts
		}
	}
	takeover := false
	find := func(from, to, step int) (Port, bool) {
		for from <= to {
			p, ok := bl.firstFree(from, to, step)
			if !ok {
				return 0, false
			}
			if !reuse || !d.tw.has(p) {
				return p, true
			}
			t := FourTuple{Proto: tb.proto, Local: netip.AddrPortFrom(h.addr, uint16(p)), Remote: remote}
			if c, _ := h.get(tb, t); h.now-c.since >= TWReuseDelay {
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
	switch strategy {
	case Sequential:
		i := int(tb.proto)
		if h.prof.SharedCounter {
			i = 0
		}
		port, h.counters[i], ok = pickSequential(rng, h.counters[i], find)
	case RandomStart:
		port, ok = pickRandomStart(rng, h.rng.Uint32(), find)
	case RandomPick:
		port, _, ok = pickRandomPick(rng, h.rng.Uint32, func(p Port) bool {
			q, found := find(int(p), int(p), 1)
			return found && q == p
		})
	case LinuxConnect:
		if h.perturb == nil {
			h.perturb = make([]uint32, 1<<16)
		}
		hash := h.portOffset(remote)
		index := uint16(hash)
		var i int
		port, i, ok = pickLinuxConnect(rng, h.perturb[index], uint32(hash>>32), step, find)
		if ok {
			// A little randomness for the next pick: max(i, rand(0..7)*step) + step.
			h.perturb[index] += uint32(max(i, h.rng.IntN(8)*step) + step)
		}
	}
	if !ok {
		return 0, false, h.errExhausted(tb.proto)
	}
	return port, takeover, nil
}

// twReuse says whether tcp_tw_reuse lets a connect() toward remote take
// over a TIME_WAIT entry (facts §2 [DOC]: 2 means loopback only).
func (h *Host) twReuse(remote netip.AddrPort) bool {
	switch h.prof.TWReuse {
	case TWReuseOn:
		return true
	case TWReuseLoopback:
		return remote.Addr().IsLoopback()
	}
	return false
}

// portOffset stands in for secure_ipv4_port_ephemeral: a keyed hash of the
// host's address, the destination and the current 10-second period (facts
// §2 [SS]). The low 16 bits index table_perturb; the high 32 offset the scan.
func (h *Host) portOffset(remote netip.AddrPort) uint64 {
	x := h.secret
	for _, w := range [...]uint64{addrWord(h.addr), addrWord(remote.Addr()), uint64(remote.Port()), uint64(h.now / portShuffle)} {
		x = mix64(x ^ w)
	}
	return x
}

func addrWord(a netip.Addr) uint64 {
	b := a.As16()
	return mix64(binary.LittleEndian.Uint64(b[:8])) ^ binary.LittleEndian.Uint64(b[8:])
}

// mix64 is SplitMix64's finalizer: a cheap, well-spread 64-bit mix.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// pickBind picks the port for bind(0): a port with no user at all.
func (h *Host) pickBind(tb *table, opts SockOpts) (Port, error) {
	bl := blocked{&h.reserved, &tb.used, &noPorts, &noPorts}
	rng := h.prof.Ephemeral
	var (
		p  Port
		ok bool
	)
	switch {
	case h.prof.LinuxBind && tb.proto == TCP:
		p, ok = pickLinuxBind(rng, opts.ReuseAddr, h.rng.IntN, bl.firstFree)
	case h.prof.Connect == Sequential:
		i := int(tb.proto)
		if h.prof.SharedCounter {
			i = 0
		}
		p, h.counters[i], ok = pickSequential(rng, h.counters[i], bl.firstFree)
	default:
		p, ok = pickRandomStart(rng, h.rng.Uint32(), bl.firstFree)
	}
	if !ok {
		if tb.proto == UDP {
			return 0, h.errExhausted(UDP)
		}
		return 0, ErrAddrInUse
	}
	return p, nil
}

// IsErrno reports whether err is, or wraps, one of the engine's Errno values.
func IsErrno(err error) (*Errno, bool) {
	var e *Errno
	ok := errors.As(err, &e)
	return e, ok
}

// ErrnoName is how err is shown to a learner: the errno's name (e.g.
// EADDRNOTAVAIL) for one of the engine's errors, the error's text
// otherwise, "" for nil.
func ErrnoName(err error) string {
	if e, ok := IsErrno(err); ok {
		return e.Name
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
