package engine

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"
)

// HostConfig describes a host: its address, its OS profile and the seed of
// all its random choices. The optional fields override the profile's
// defaults, as the matching sysctl would.
type HostConfig struct {
	Name string
	// Addr is the host's first (primary) address: a connect() from an
	// unbound socket leaves from it (docs/facts-extra.md).
	Addr netip.Addr
	// More are further addresses of the host, as on an interface with
	// several: each has its own ports for a bind() to a specific address
	// and for the 4-tuples of its connections (docs/facts-extra.md).
	More []netip.Addr
	// Profile is the host's OS; the zero Profile means linux, the default
	// wherever a profile is not given.
	Profile Profile
	Seed    uint64
	// Range overrides Profile.Ephemeral (ip_local_port_range) when non-zero.
	Range Range
	// TimeWait overrides Profile.TimeWait when non-zero.
	TimeWait time.Duration
	// Strategy overrides Profile.Connect, for TCP and UDP alike, when
	// non-zero.
	Strategy Strategy
	// Reserved ports are never picked by autobind; an explicit bind still
	// gets them (ip_local_reserved_ports, facts §2 [DOC]).
	Reserved []Port
	// NoTimestamps turns the profile's TCP timestamps off
	// (net.ipv4.tcp_timestamps=0, net.inet.tcp.rfc1323=0, Tcp1323Opts 0).
	NoTimestamps bool
	// TWReuse overrides Profile.TWReuse when HasTWReuse is set.
	TWReuse    TWReuse
	HasTWReuse bool
	// PeerTimestamps, if not nil, says whether the host at a remote
	// address answers with TCP timestamps (its profile's Timestamps);
	// nil: every peer does. Linux takes over a TIME_WAIT entry toward a
	// peer only if it does (tcp_twsk_unique).
	PeerTimestamps func(remote netip.Addr) bool
	// OnTakeover, if not nil, is called with the 4-tuple of each TIME_WAIT
	// entry that Connect, ConnectRange, ConnectFrom or Accept ends early
	// (tcp_tw_reuse, bind then connect, a new SYN) to give its 4-tuple to
	// the new connection. It is called once the call has made its changes
	// and must not call back into the host. With AdvanceTo's expired
	// callback it tells a caller about every TIME_WAIT that ends.
	OnTakeover func(FourTuple)
}

// SockOpts are the options of a bind or listen request. What each does
// depends on the profile's Sockets; an option the OS does not have is
// ENOPROTOOPT (Profile.CheckOpts).
type SockOpts struct {
	ReuseAddr bool // SO_REUSEADDR
	ReusePort bool // SO_REUSEPORT (Linux, FreeBSD, macOS)
	// Exclusive is Windows' SO_EXCLUSIVEADDRUSE: no other socket may
	// bind the port on an overlapping address.
	Exclusive bool
	// BindNoPort is Linux's IP_BIND_ADDRESS_NO_PORT (4.2 and later): a
	// bind() to port 0 takes the address only, and connect() picks the
	// port as for an unbound socket, sharing it by 4-tuple.
	BindNoPort bool
	Privileged bool // the process runs as root or has CAP_NET_BIND_SERVICE
}

// SocketID names a bound or listening socket on its host.
type SocketID uint64

// ConnState is the TCP state of one side of a connection, named as in RFC
// 793 §3.2 (RFC 9293 §3.3.2). LISTEN is a socket's, not a connection's;
// CLOSE_WAIT and CLOSING are left out: the simulated peer answers a FIN
// with its own at once (one FIN|ACK segment), so it spends no time in
// CLOSE_WAIT, and the two sides never close at the same moment. A Host
// records only Established and TimeWait, the states that hold a 4-tuple;
// a simulation reports the others as its segments pass.
type ConnState uint8

const (
	SynSent ConnState = iota + 1
	SynRcvd
	Established
	// FinWait1: this side sent its FIN first (the active close) and waits
	// for it to be acknowledged. A FIN|ACK from the peer that acknowledges
	// it goes straight to TimeWait (RFC 793 §3.9, FIN-WAIT-1: "If our FIN
	// has been ACKed (perhaps in this segment), then enter TIME-WAIT").
	FinWait1
	// FinWait2: the FIN was acknowledged by a segment without the peer's
	// own FIN, which this side still waits for.
	FinWait2
	LastAck
	TimeWait
	Closed
	// Bound is no TCP state: it is what a UDP socket holding a port is
	// in. UDP has no connections (RFC 768): no handshake, no close, no
	// TIME_WAIT; the socket receives on its port from the moment it is
	// bound until it is closed. A simulation reports it for UDP sockets
	// and Closed when one closes. (Linux's ss prints such a socket as
	// UNCONN, or ESTAB once connect() has fixed its peer: a filter on the
	// datagrams it receives, with no packet sent.)
	Bound
)

var connStateNames = [...]string{"", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "LAST_ACK", "TIME_WAIT", "CLOSED", "bound"}

func (s ConnState) String() string {
	if s > 0 && int(s) < len(connStateNames) {
		return connStateNames[s]
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

// Host is one machine's socket table and port allocator. It is not safe
// for concurrent use; a simulation drives it from one goroutine.
//
// Invariants, checked after every step by the fuzz tests (and those of
// table):
//   - every connection's FourTuple is unique per protocol and its local
//     address is one of the host's;
//   - every port an autobind picked lies in the ephemeral range and is not
//     reserved;
//   - a call that returns an error changes nothing.
type Host struct {
	name string
	addr netip.Addr // addrs[0]
	// addrs are the host's addresses, the primary first; a connection's
	// local address is known inside the engine by its index here.
	addrs []netip.Addr
	prof  Profile
	rng   *rand.Rand
	// hashPrefix is portOffset's hash of hashRemote before the period is
	// mixed in, if hashValid.
	hashRemote netip.AddrPort
	hashPrefix uint64
	hashValid  bool
	// pcg is rng's source: random-pick draws from it directly, one number
	// per try, as rng.Uint32 would (the top 32 bits), without the call
	// through rand.Source.
	pcg      *rand.PCG
	secret   uint64
	now      time.Duration
	reserved bitset
	// counters are the Sequential strategy's next port, per protocol
	// (index 0 when TCP and UDP share one counter).
	counters [3]int
	// perturb is Linux's table_perturb, indexed by the low 16 bits of a
	// destination's hash.
	perturb []uint32 // 65536 entries, made on the first Linux connect()
	// hint is the LinuxHint strategy's one global counter (Linux before
	// 4.2's static u32 hint).
	hint    uint32
	tables  [3]*table // by Proto
	sockets map[SocketID]*socket
	// group is what listener last found for groupAt, if groupValid: the
	// TCP listeners (only TCP sockets listen) a connection there may
	// reach. A server accepts at one address many times in a row, and
	// this saves a pass over sockets. bind and unbind, the only changes
	// to sockets, forget it; the 4-tuple's choice within it is made on
	// every call.
	group      []*socket
	groupAt    netip.AddrPort
	groupValid bool
	nextSock   SocketID
	// twQueue holds TIME_WAIT expiries in time order (one length per
	// host); entries whose connection was taken over early are skipped.
	twQueue    []twEntry
	twHead     int
	onTakeover func(FourTuple)
	peerTS     func(netip.Addr) bool
}

// NewHost makes a host with an empty socket table at simulated time 0.
func NewHost(cfg HostConfig) (*Host, error) {
	addrs := make([]netip.Addr, 0, 1+len(cfg.More))
	for _, a := range append([]netip.Addr{cfg.Addr}, cfg.More...) {
		a = a.Unmap()
		switch {
		case !a.IsValid() || a.IsUnspecified():
			return nil, errorf("host %q: address %v is not a host address", cfg.Name, a.String())
		case HasAddr(addrs, a):
			return nil, errorf("host %q: address %v is given twice", cfg.Name, a.String())
		case len(addrs) == maxAddrs:
			return nil, errorf("host %q: more than %d addresses", cfg.Name, maxAddrs)
		}
		addrs = append(addrs, a)
	}
	p := cfg.Profile
	if p.Name == "" {
		p = profiles[0] // linux
	}
	if cfg.Range != (Range{}) {
		if _, err := NewRange(int(cfg.Range.Lo), int(cfg.Range.Hi)); err != nil {
			return nil, errorf("host %q: %w", cfg.Name, err)
		}
		p.Ephemeral = cfg.Range
	}
	if cfg.TimeWait < 0 {
		return nil, errorf("host %q: TIME_WAIT %v is negative", cfg.Name, cfg.TimeWait)
	}
	if cfg.TimeWait > 0 {
		p.TimeWait = cfg.TimeWait
	}
	if cfg.Strategy != 0 {
		if !cfg.Strategy.valid() {
			return nil, errorf("host %q: unknown strategy %d", cfg.Name, cfg.Strategy)
		}
		p.Connect, p.UDPConnect = cfg.Strategy, 0
	}
	if cfg.HasTWReuse {
		p.TWReuse = cfg.TWReuse
	}
	if cfg.NoTimestamps {
		p.Timestamps = false
	}
	pcg := rand.NewPCG(cfg.Seed, 0x706f7274706c6179) // "portplay"
	h := &Host{
		name: cfg.Name, addr: addrs[0], addrs: addrs, prof: p,
		rng: rand.New(pcg), pcg: pcg,
		sockets:    map[SocketID]*socket{},
		onTakeover: cfg.OnTakeover, peerTS: cfg.PeerTimestamps,
	}
	h.secret = h.rng.Uint64()
	for _, r := range cfg.Reserved {
		h.reserved.set(r)
	}
	for _, proto := range []Proto{TCP, UDP} {
		h.tables[proto] = newTable(proto, len(addrs))
	}
	return h, nil
}

// maxAddrs bounds a host's addresses: an index fits a byte of the
// tables' keys.
const maxAddrs = 256

// Name is the host's name; Addr its first (primary) address.
func (h *Host) Name() string     { return h.name }
func (h *Host) Addr() netip.Addr { return h.addr }

// Addrs are all the host's addresses, the primary first.
func (h *Host) Addrs() []netip.Addr { return append([]netip.Addr(nil), h.addrs...) }

// HasAddr reports whether a is among as. It is slices.Contains written
// out: a generic instantiation marks its type arguments used in an
// interface, and the browser build, which links text/template through
// Ebiten, then keeps every exported method of netip.Addr (about 50 KB).
// An address handed to fmt as itself does the same: hence the .String()
// in the engine's error messages.
func HasAddr(as []netip.Addr, a netip.Addr) bool {
	for _, b := range as {
		if a == b {
			return true
		}
	}
	return false
}

// addrIndex is a's index in the host's addresses, if it is one of them.
func (h *Host) addrIndex(a netip.Addr) (int, bool) {
	if a == h.addr { // nearly always
		return 0, true
	}
	for i, b := range h.addrs[1:] {
		if a == b {
			return i + 1, true
		}
	}
	return 0, false
}

// Profile is the host's profile with the HostConfig overrides applied.
func (h *Host) Profile() Profile { return h.prof }

// Now is the host's simulated time.
func (h *Host) Now() time.Duration { return h.now }

func (h *Host) table(proto Proto) (*table, error) {
	if !proto.valid() {
		return nil, errorf("protocol %v: %w", proto, ErrInvalid)
	}
	return h.tables[proto], nil
}

// Conn reports connection t's state, if it exists: Established or TimeWait.
func (h *Host) Conn(t FourTuple) (ConnState, bool) {
	if !t.Proto.valid() {
		return 0, false
	}
	c, ok := h.get(h.tables[t.Proto], &t)
	return c.state, ok
}

// Conns is the number of connections in each state for proto.
func (h *Host) Conns(proto Proto) (established, timeWait int) {
	if !proto.valid() {
		return 0, 0
	}
	return h.tables[proto].nEst, h.tables[proto].nTW
}

// Unconnected is how many of proto's sockets hold a port bound and are
// neither listening nor connected: a UDP socket bound by bind() or by its
// first send (Autobind), which takes datagrams from anyone. A pass over
// the host's sockets, which are few (connections are not sockets here).
func (h *Host) Unconnected(proto Proto) int {
	n := 0
	for _, s := range h.sockets {
		if s.proto == proto && !s.listening && !s.connected && !s.noPort {
			n++
		}
	}
	return n
}

// PortState is what port p is used for on this host for proto.
func (h *Host) PortState(proto Proto, p Port) PortState {
	if !proto.valid() {
		return PortFree
	}
	u := h.tables[proto].peek(p)
	return portState(u.listening, u.bound|u.est, u.tw, h.reserved.has(p))
}

// portState is PortState's rule for a port with these counts.
func portState(listening, boundOrEst, tw uint32, reserved bool) PortState {
	switch {
	case listening > 0:
		return PortListening
	case boundOrEst > 0:
		return PortInUse
	case tw > 0:
		return PortTimeWait
	case reserved:
		return PortReserved
	}
	return PortFree
}

// PortsChanged counts the changes to proto's ports on h: while it stays
// the same, so does what PortStates fills in.
func (h *Host) PortsChanged(proto Proto) uint64 {
	if !proto.valid() {
		return 0
	}
	return h.tables[proto].changes
}

// PortStates fills dst with every port's state for proto, for drawing all
// 65,536 ports each frame without a call per port.
func (h *Host) PortStates(proto Proto, dst *[65536]PortState) {
	if !proto.valid() {
		*dst = [65536]PortState{}
		return
	}
	// This runs every frame: a page never made is all free or reserved.
	tb := h.tables[proto]
	for i, pg := range tb.uses {
		out := dst[i*pagePorts : (i+1)*pagePorts]
		for j := range out {
			p := i*pagePorts + j
			reserved := h.reserved.w[p>>6]&(1<<(p&63)) != 0
			switch {
			case pg != nil:
				out[j] = portState(pg.listening[j], pg.bound[j]|pg.est[j], pg.tw[j], reserved)
			case reserved:
				out[j] = PortReserved
			default:
				out[j] = PortFree
			}
		}
	}
}
