// Package scenario reads Portplay's scenario files: a small line-based text
// format that a teacher can write by hand (docs/scenarios.md). A scenario
// names hosts, what listens where, and which clients connect when; package
// sim runs it. Parsing resolves names (profiles, strategies, ranges) to the
// engine's values and checks everything that can be checked without
// running, reporting the first problem with its line and column. A
// scenario can also be built as a Go value; Check gives it the same checks.
package scenario

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/portplay/portplay/engine"
)

// Scenario is a scenario, parsed from a file or built as a Go value. Once
// Check accepts it, every host named by a Listen or Connect exists in
// Hosts, and addresses and names are unique.
type Scenario struct {
	Title    string        // `title "..."`; empty if not given
	Seed     uint64        // `seed N`; 1 if not given
	Duration time.Duration // `duration D`: how long to simulate; 60s if not given
	Latency  time.Duration // `latency D`: one-way delay of every link; 5ms if not given
	// Ports is `ephemeral on|off|serial`: where connections get their
	// local ports. The zero value, Ephemeral, is ordinary TCP.
	Ports    Ports
	Hosts    []Host
	Listens  []Listen
	Connects []Connect
	// Faults are segments the network loses or delivers twice (`lose`,
	// `duplicate`): what TIME_WAIT is for.
	Faults []Fault
	// Loss is `loss N%`: the share of UDP datagrams, in percent from 0 to
	// 100, that the network loses, each drawn at random from the seed.
	// TCP segments are not lost by it: TCP would retransmit them, which
	// the simulation models only for a `lose` line's FIN.
	Loss float64
}

// Addrs are h's addresses, the first first.
func (h *Host) Addrs() []netip.Addr { return append([]netip.Addr{h.Addr}, h.More...) }

// At is the address l listens on: its own, or its host's first.
func (l *Listen) At(hosts []Host) netip.Addr {
	if l.Addr.IsValid() {
		return l.Addr
	}
	return hostNamed(hosts, l.Host).Addr
}

// Dst is the address c connects to: its own, or its server's first.
func (c *Connect) Dst(hosts []Host) netip.Addr {
	if c.Addr.IsValid() {
		return c.Addr
	}
	return hostNamed(hosts, c.To).Addr
}

func hostNamed(hosts []Host, name string) *Host {
	for i := range hosts {
		if hosts[i].Name == name {
			return &hosts[i]
		}
	}
	return &Host{} // Check refuses a scenario that names no host
}

// Ports says where connections get their local ports: from the ephemeral
// range, as real systems do, or (lesson 4's counterfactuals) all from port
// 80, in real TCP or in the thought experiment of a server that serves its
// one port one conversation at a time.
type Ports uint8

const (
	// Ephemeral (`ephemeral on`, the default): connect() picks an
	// ephemeral port; the zero value.
	Ephemeral Ports = iota
	// NoEphemeral (`ephemeral off`): real TCP without ephemeral ports.
	// Every connection binds port 80 (SO_REUSEADDR) and connects from it:
	// one conversation per 4-tuple, so a client's next connection to the
	// same server waits until the last one's 4-tuple is free, TIME_WAIT
	// included unless the engine's takeover rule ends it; different
	// clients talk to the server at the same time; a host that listens on
	// :80 cannot bind :80 to fetch (EADDRINUSE), except on Windows, where
	// SO_REUSEADDR binds beside a listener that is not exclusive.
	NoEphemeral
	// Serial (`ephemeral serial`): the thought experiment of a server
	// whose one port serves one conversation at a time, whole, listening
	// and serving in turn while other clients' SYNs wait; otherwise as
	// NoEphemeral.
	Serial
)

// PortModes lists the modes in the order lesson 4 compares them: the
// thought experiment, real TCP without ephemeral ports, and with them.
var PortModes = []Ports{Serial, NoEphemeral, Ephemeral}

// String is the mode's word in a scenario file: on, off or serial.
func (p Ports) String() string {
	switch p {
	case Ephemeral:
		return "on"
	case NoEphemeral:
		return "off"
	case Serial:
		return "serial"
	}
	return fmt.Sprintf("Ports(%d)", p)
}

// Title is the mode for people, as a comparison names it.
func (p Ports) Title() string {
	switch p {
	case Ephemeral:
		return "with ephemeral ports"
	case NoEphemeral:
		return "real TCP without ephemeral ports"
	case Serial:
		return "one conversation at a time (thought experiment)"
	}
	return p.String()
}

// Pos is a place in a scenario file; lines and columns start at 1.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Col) }

// Host is a `host NAME ADDRESS[,ADDRESS...] [profile P] [range LO-HI]
// [timewait D] [strategy S] [timestamps on|off]` line. Zero values keep the profile's own
// settings.
type Host struct {
	Pos  Pos
	Name string
	Addr netip.Addr // the first address: connect() leaves from it
	// More are the host's further addresses, after the first.
	More []netip.Addr
	// Profile is the host's OS; the zero Profile is linux, as in a file
	// without `profile` (and as engine.NewHost takes it).
	Profile engine.Profile
	// Range overrides the profile's ephemeral port range; zero keeps it.
	Range engine.Range
	// TimeWait overrides the profile's TIME_WAIT length; zero keeps it.
	TimeWait time.Duration
	// Strategy overrides the profile's connect() strategy; zero keeps it.
	Strategy engine.Strategy
	// NoTimestamps turns the profile's TCP timestamps off
	// (`timestamps off`).
	NoTimestamps bool
}

// Listen is a `listen HOST [ADDRESS:]PORT [proto tcp|udp] [service D]
// [reuseaddr] [reuseport] [exclusive]` line: a TCP listener, or a UDP
// socket bound to the port (UDP has no listen(): a bound socket receives
// every datagram to its port), on one of the host's addresses, its first
// if not given, or on all of them (the wildcard, 0.0.0.0 or ::), with
// socket options its host's OS has.
type Listen struct {
	Pos  Pos
	Host string
	Addr netip.Addr // zero: the host's first address
	Port uint16
	// Proto is engine.TCP or engine.UDP; zero is TCP.
	Proto   engine.Proto
	Service time.Duration // server time per request; 0 if not given
	// Opts are the listener's socket options (SO_REUSEADDR, SO_REUSEPORT,
	// SO_EXCLUSIVEADDRUSE); the simulation adds the privilege to bind
	// below 1024.
	Opts engine.SockOpts
}

// Transport is l's protocol: TCP unless it says UDP.
func (l *Listen) Transport() engine.Proto { return transport(l.Proto) }

// Transport is c's protocol: TCP unless it says UDP.
func (c *Connect) Transport() engine.Proto { return transport(c.Proto) }

func transport(p engine.Proto) engine.Proto {
	if p == 0 {
		return engine.TCP
	}
	return p
}

// Side says which end of a connection closes first (and so holds TIME_WAIT).
type Side int

const (
	Client Side = iota
	Server
)

func (s Side) String() string {
	if s == Server {
		return "server"
	}
	return "client"
}

// Connect is a `connect CLIENT -> SERVER:PORT [at D] [every D | rate N/s]
// [count N] [hold D] [close client|server] [upload N] [bind [reuseaddr] [reuseport]
// [exclusive] [bind-no-port]]` line: count connections, the first at At, then one every
// Every. The destination may be written ADDRESS:PORT, one of a host's
// addresses.
type Connect struct {
	Pos    Pos
	From   string
	To     string
	Addr   netip.Addr // which of To's addresses; zero: its first
	Port   uint16
	At     time.Duration
	Every  time.Duration // 0 with Count 1
	Count  int
	Hold   time.Duration // how long the connection stays open after the response
	Closer Side
	// Upload is how many body segments the client sends after its
	// request, one every 18 ms (sim.BodyGap), while the server answers
	// after its service time without waiting for them: both directions
	// of the connection carry data at once (TCP is full duplex). 0: none.
	Upload int
	// Bind: the client calls bind() with port 0 and then connect() from
	// that socket, rather than connect() alone. bind(0) takes a port no
	// other socket uses, so the port is held toward every destination
	// (facts/ports.md fact 4), and running out is bind()'s EADDRINUSE.
	Bind bool
	// Opts are the bound socket's options; only with Bind. With
	// BindNoPort (`bind-no-port`) bind() takes no port and connect()
	// picks one shared by 4-tuple, as without bind.
	Opts engine.SockOpts
	// Proto is engine.TCP or engine.UDP (`proto udp`); zero is TCP. A
	// UDP connect line is one query per count, each from a new socket:
	// socket(), connect() (which binds an ephemeral port: no handshake,
	// no packet), send the query, take the reply, close; the port is
	// free at once (no TIME_WAIT), as a stub resolver does (glibc's
	// res_send connects each UDP query's socket). Bind, Opts, Upload and
	// Closer are TCP's.
	Proto engine.Proto
	// Send: a `send` line, UDP datagrams from an unconnected socket
	// (sendto()), which is bound to an ephemeral port on its first send
	// and keeps it while it is open; Proto is engine.UDP.
	Send bool
	// Socket names a send line's socket: send lines of one client that
	// name the same socket send from it, one port for several servers.
	// Empty: the line's own socket, for its count datagrams.
	Socket string
	// Timeout is how long a UDP query waits for its reply before the
	// client gives up (DefaultTimeout if 0); a UDP socket with no query
	// waiting is closed.
	Timeout time.Duration
}

// DefaultTimeout is a UDP query's wait for its reply when its line gives
// none: glibc's resolver waits RES_TIMEOUT, 5 s (resolv/resolv.h), per
// try; the simulation makes one try.
const DefaultTimeout = 5 * time.Second
