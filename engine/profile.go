package engine

import (
	"fmt"
	"strings"
	"time"
)

// Strategy is how a system picks an ephemeral port (RFC 6056 §3.3; facts/ports.md §1).
type Strategy uint8

const (
	// Sequential hands out ports from one global counter that only moves
	// forward and wraps: a freed port comes back only after every other free
	// port was handed out once (classic BSD, Windows XP; facts §3, fact 7).
	Sequential Strategy = iota + 1
	// RandomStart is RFC 6056 Algorithm 1: a random start, then a linear
	// probe with wrap-around (FreeBSD in_pcb_lport_dest, gVisor; facts §4, §5).
	RandomStart
	// RandomPick is RFC 6056 Algorithm 2: a fresh random port on each try,
	// at most range-size tries, so it can fail while free ports remain.
	RandomPick
	// LinuxConnect is Linux's __inet_hash_connect: a per-destination
	// perturbation table, ports of the range's low parity first, step 2
	// with a small random jitter (facts §2 [IH]).
	LinuxConnect
	// LinuxHint is __inet_hash_connect before Linux 4.2: RFC 6056
	// Algorithm 3 with one global counter (static u32 hint) for every
	// destination, step 1, no parity preference (facts §1, §2 [LXC]).
	LinuxHint
)

func (s Strategy) String() string {
	switch s {
	case Sequential:
		return "sequential"
	case RandomStart:
		return "random-start"
	case RandomPick:
		return "random-pick"
	case LinuxConnect:
		return "linux-connect"
	case LinuxHint:
		return "linux-hint"
	}
	return fmt.Sprintf("Strategy(%d)", s)
}

func (s Strategy) valid() bool { return s >= Sequential && s <= LinuxHint }

// Strategies lists every strategy by name, for flags and scenario files.
var Strategies = []Strategy{Sequential, RandomStart, RandomPick, LinuxConnect, LinuxHint}

// StrategyByName finds a strategy by its String name.
func StrategyByName(name string) (Strategy, error) {
	var names []string
	for _, s := range Strategies {
		if s.String() == name {
			return s, nil
		}
		names = append(names, s.String())
	}
	return 0, errorf("unknown strategy %q; want one of %s", name, strings.Join(names, ", "))
}

// Sockets names a family of socket semantics: the rules of bind(), of a
// bound socket's connect() and their errors, which an OS's kernel has
// and which its ports' numbers do not show (docs/facts-extra.md).
type Sockets uint8

const (
	// LinuxSockets: inet_csk_bind_conflict's bind rules, a bound
	// connect() that takes over TIME_WAIT at once, EADDRNOTAVAIL for a
	// 4-tuple in use (__inet_hash_connect, __inet_check_established).
	LinuxSockets Sockets = iota + 1
	// BSDSockets: FreeBSD's in_pcbbind_setup (in_pcbbind_avail since
	// FreeBSD 14) and XNU's in_pcbbind: with SO_REUSEADDR or
	// SO_REUSEPORT, only unconnected sockets on the identical address
	// conflict; a 4-tuple in use is EADDRINUSE (in_pcbconnect,
	// tcp_connect).
	BSDSockets
	// WindowsSockets: Winsock's bind rules (Microsoft, "Using
	// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"): a specific address beside
	// a wildcard bind is allowed unless either is exclusive.
	WindowsSockets
)

func (s Sockets) String() string {
	switch s {
	case LinuxSockets:
		return "linux"
	case BSDSockets:
		return "bsd"
	case WindowsSockets:
		return "windows"
	}
	return fmt.Sprintf("Sockets(%d)", s)
}

// TWReuse is Linux's net.ipv4.tcp_tw_reuse (facts §2 [DOC]).
type TWReuse uint8

const (
	TWReuseOff      TWReuse = 0
	TWReuseOn       TWReuse = 1
	TWReuseLoopback TWReuse = 2 // Linux's default
)

// Profile is an operating system's port-allocation behaviour with its
// documented defaults. Every number comes from facts/ports.md.
type Profile struct {
	Name  string // as in flags, URL parameters and scenario files
	Title string // for people
	// Ephemeral is the range autobind picks from.
	Ephemeral Range
	// TimeWait is how long the side that closes first holds the 4-tuple.
	TimeWait time.Duration
	// Connect is how connect() picks a local port.
	Connect Strategy
	// UDPConnect, if set, is how a UDP autobind picks instead (macOS:
	// XNU's in_pcbbind randomises UDP, udp_use_randomport = 1, but not
	// TCP). Linux's two TCP algorithms never serve UDP (Host.strategy).
	UDPConnect Strategy
	// Sockets is the family of the OS's bind and connect rules. On
	// Linux, bind(0) follows inet_csk_find_open_port (odd ports first,
	// SO_REUSEADDR lower half first) unless BindNoParity; elsewhere
	// bind(0) uses the autobind strategy.
	Sockets Sockets
	// BindNoParity: Linux's bind(0) as before the parity scheme, a random
	// start and step 1 ("rover = prandom_u32() % remaining + low; ...
	// if (++rover > high) rover = low" in inet_csk_get_port).
	BindNoParity bool
	// ShareAcrossDestinations: a port picked by connect() may be picked
	// again toward a different destination while still in use (facts
	// fact 3). When false, an autobind port is exclusive to one socket.
	ShareAcrossDestinations bool
	// BindNoPort: the OS has IP_BIND_ADDRESS_NO_PORT (Linux 4.2 and
	// later, commit 90c337da1524).
	BindNoPort bool
	// ShareUDPAcrossDestinations: the same for UDP's connect() (FreeBSD).
	ShareUDPAcrossDestinations bool
	// SharedCounter: TCP and UDP draw from one sequential counter (Windows XP).
	SharedCounter bool
	// PrivilegedBelow: binding a port below it needs privilege (EACCES
	// otherwise); 0 means no such rule.
	PrivilegedBelow Port
	// PrivilegedSpecificOnly: the privilege rule holds only for a bind
	// to a specific address, not to the wildcard (macOS: in_pcbbind
	// checks "ntohs(lport) < IPPORT_RESERVED && SIN(nam)->sin_addr.s_addr
	// != 0"; docs/facts-extra.md).
	PrivilegedSpecificOnly bool
	// Timestamps: the OS uses TCP timestamps (RFC 7323) when the peer
	// offers them and offers them itself, by default (Linux
	// net.ipv4.tcp_timestamps 1, FreeBSD and XNU tcp_do_rfc1323 1,
	// Windows' Tcp1323Opts).
	Timestamps bool
	// TWReuse is the default of tcp_tw_reuse (Linux only; Off elsewhere).
	TWReuse TWReuse
	// ExhaustedErr is the error connect() and bind(0) give when no
	// ephemeral port is left, where the OS has one for both; nil means
	// the Unix errors (Host.Connect, Host.Bind). Windows says WSAENOBUFS
	// (ErrNoBufs; Microsoft KB 196271, for TCP connect(): "When you try
	// to connect from TCP ports greater than 5000 you receive the error
	// 'WSAENOBUFS (10055)'"; UDP and bind(0) are assumed the same).
	ExhaustedErr *Errno
	// Winsock: errors carry Winsock's names and numbers (WSAEADDRINUSE
	// (10048) for EADDRINUSE, ...), as a Windows program sees them; each
	// still matches the POSIX errno with errors.Is.
	Winsock bool
	// TimeWaitAssumed: no primary source gives this OS's TIME_WAIT; the
	// figure is an assumption a screen must call one (facts §3).
	TimeWaitAssumed bool
	// Note says where the defaults come from and what is unverified.
	Note string
	// Unverified lists the profile's claims that no primary source
	// supports, separated by "; ", for a screen to show marked
	// "unverified" (as TimeWaitAssumed marks the TIME_WAIT length). A
	// string, not a slice, so that Profile stays comparable.
	Unverified string
}

// windowsTWBind is the Windows bind rule no Microsoft page states.
const windowsTWBind = "a bind beside TIME_WAIT entries whose socket was not exclusive succeeds (assumed; Microsoft documents only the exclusive case)"

var profiles = []Profile{
	{
		Name: "linux", Title: "Linux (4.2 and later)",
		Ephemeral: Range{32768, 60999}, TimeWait: 60 * time.Second, // facts §2 [DOC][TCPH]
		Connect: LinuxConnect, Sockets: LinuxSockets, ShareAcrossDestinations: true, BindNoPort: true,
		PrivilegedBelow: 1024, TWReuse: TWReuseLoopback,
		Timestamps: true, // net.ipv4.tcp_timestamps 1 (Documentation/networking/ip-sysctl.rst)
		Note:       "ip_local_port_range 32768-60999; TIME_WAIT fixed at 60 s; ports below 1024 need CAP_NET_BIND_SERVICE.",
	},
	{
		Name: "linux-old", Title: "Linux (before 4.2)",
		Ephemeral: Range{32768, 61000}, TimeWait: 60 * time.Second, // facts §2 [07F4]
		// __inet_hash_connect and inet_csk_get_port of Linux 3.x/4.1
		// (docs/facts-extra.md): one global hint, no parity.
		Connect: LinuxHint, Sockets: LinuxSockets, BindNoParity: true, ShareAcrossDestinations: true,
		// tcp_tw_reuse defaulted to 0 until the loopback-only value 2
		// became the default (Linux 4.20; Documentation/networking/ip-sysctl).
		PrivilegedBelow: 1024, TWReuse: TWReuseOff,
		Timestamps: true, // tcp_timestamps 1 since Linux 2.2
		Note: "the default range was 32768-61000 until commit 07f4c90062f8 (Linux 4.2); connect() walked the range " +
			"from a keyed hash of the destination plus one global counter (RFC 6056 Algorithm 3), with no even/odd preference; " +
			"tcp_tw_reuse was 0 (off) by default until Linux 4.20.",
	},
	{
		Name: "winxp", Title: "Windows XP / Server 2003",
		Ephemeral: Range{1025, 5000}, TimeWait: 240 * time.Second, // facts §3 [KB][HSC][Q149532][W2K]
		Connect: Sequential, SharedCounter: true, Sockets: WindowsSockets, ExhaustedErr: ErrNoBufs, Winsock: true, // KB 196271 (docs/facts-extra.md)
		Timestamps:      true, // Tcp1323Opts default 3, "Timestamps and window scaling are enabled" (Microsoft, Windows Server 2003 TCP/IP registry entries)
		TimeWaitAssumed: true, // NT's and 2000's default; the Server 2003 page contradicts itself (facts §3)
		Unverified:      "TIME_WAIT 240 s: the Server 2003 documentation contradicts itself (facts §3); one counter shared by TCP and UDP: observed by a third party (facts §3 [HSC]); " + windowsTWBind,
		Note: "range 1025-5000 (MaxUserPort 5000); one sequential counter shared by TCP and UDP; " +
			"TIME_WAIT 240 s (TcpTimedWaitDelay of NT and 2000; the Server 2003 page contradicts itself); " +
			"connect() with no port left fails with WSAENOBUFS (10055), KB 196271.",
	},
	{
		Name: "windows", Title: "Windows (Vista and later)",
		Ephemeral: Range{49152, 65535}, TimeWait: 240 * time.Second, // facts §3 [KB]
		Connect: RandomStart, Sockets: WindowsSockets, ExhaustedErr: ErrNoBufs, Winsock: true, // KB 196271 covers NT to Server 2003; assumed unchanged since
		Timestamps:      true, // assumed (Profile.Unverified): Tcp1323Opts is documented up to Server 2003
		TimeWaitAssumed: true, // facts §3: Vista+ TIME_WAIT UNVERIFIED
		Unverified: "TIME_WAIT 240 s (facts §3: no primary source for Vista and later); random-start allocation (facts §3: no primary source); WSAENOBUFS on exhaustion (KB 196271 covers Windows up to Server 2003); " +
			"answers TCP timestamps (Tcp1323Opts is documented up to Server 2003); " +
			"an autobound port serves one socket, not several destinations (SO_REUSE_UNICASTPORT, which shares, is not modelled); " + windowsTWBind,
		Note: "range 49152-65535 [KB]. UNVERIFIED: the order of allocation (random start is assumed) " +
			"and the TIME_WAIT length (240 s, the documented TcpTimedWaitDelay default of earlier Windows, is used); " +
			"connect() with no port left fails with WSAENOBUFS (10055) as KB 196271 documents for earlier Windows.",
	},
	{
		Name: "freebsd", Title: "FreeBSD (14 and later)",
		Ephemeral: Range{10000, 65535}, TimeWait: 60 * time.Second, // facts §4 [FB][FBT]
		Connect: RandomStart, Sockets: BSDSockets, ShareAcrossDestinations: true,
		ShareUDPAcrossDestinations: true, // udp_connect → in_pcbconnect → in_pcb_lport_dest with the foreign address
		PrivilegedBelow:            1024,
		Timestamps:                 true, // net.inet.tcp.rfc1323 (tcp_do_rfc1323) 1, sys/netinet/tcp_subr.c
		Note: "net.inet.ip.portrange 10000-65535, randomized (RFC 6056 Algorithm 1); TIME_WAIT 2×MSL = 60 s; " +
			"connect() looks ports up by 4-tuple, so one port serves several destinations (in_pcbconnect_setup passes the foreign address to in_pcb_lport_dest). " +
			"FreeBSD 13 and earlier also stopped randomising TCP ports for net.inet.ip.portrange.randomtime (45 s) after more than " +
			"randomcps (10) of them a second (ipport_tick, V_ipport_stoprandom), handing them out in order meanwhile; not modelled.",
	},
	{
		Name: "macos", Title: "macOS",
		Ephemeral: Range{49152, 65535}, TimeWait: 30 * time.Second, // facts §4 [XNU-pcb][XNU-tmr]
		// XNU in_pcbbind, port 0: "++*lastport" of one counter per
		// protocol (pcbinfo's ipi_lastport), wrapping to the range's
		// start, unless randomport; net.inet.tcp.randomize_ports
		// (tcp_use_randomport, tcp_subr.c) is 0 and
		// net.inet.udp.randomize_ports (udp_use_randomport,
		// udp_usrreq.c) is 1 (facts Additions 2026-12-07).
		Connect: Sequential, UDPConnect: RandomStart, Sockets: BSDSockets,
		Timestamps:      true,                               // XNU tcp_subr.c: tcp_do_rfc1323 = 1
		PrivilegedBelow: 1024, PrivilegedSpecificOnly: true, // XNU in_pcbbind (docs/facts-extra.md)
		Note: "range 49152-65535; TIME_WAIT 2×MSL = 30 s; TCP ports are handed out in order by one counter (net.inet.tcp.randomize_ports 0), " +
			"UDP ports from a random start (net.inet.udp.randomize_ports 1), both in XNU's in_pcbbind; " +
			"ports below 1024 need privilege only when bound to a specific address (XNU in_pcbbind).",
	},
	{
		Name: "iana", Title: "IANA / RFC 6056",
		Ephemeral: Range{49152, 65535}, TimeWait: 60 * time.Second, // facts §1 [R6335]
		Connect: RandomStart, Sockets: BSDSockets, Timestamps: true, // RFC 7323
		Note:       "the dynamic range 49152-65535 of RFC 6335 with RFC 6056's Algorithm 1, one of the algorithms it describes; TIME_WAIT 60 s is assumed (2×MSL with a 30 s MSL); bind() follows the BSD sockets' rules, from which the others descend.",
		Unverified: "TIME_WAIT 60 s: assumed, no system is modelled; Algorithm 1: one of RFC 6056's algorithms, chosen here, not one the RFC singles out; BSD bind rules: chosen, no system is modelled",
	},
}

// Profiles returns every profile: linux, linux-old, winxp, windows, freebsd,
// macos, iana.
func Profiles() []Profile { return append([]Profile(nil), profiles...) }

// ProfileByName finds a profile by name; the error lists the valid names.
func ProfileByName(name string) (Profile, error) {
	var names []string
	for _, p := range profiles {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, errorf("unknown profile %q; want one of %s", name, strings.Join(names, ", "))
}

// CheckOpts refuses a socket option the profile's OS does not have, as
// its setsockopt() would (ENOPROTOOPT): Windows has no SO_REUSEPORT, and
// only Windows has SO_EXCLUSIVEADDRUSE, only Linux 4.2 and later
// IP_BIND_ADDRESS_NO_PORT (docs/facts-extra.md).
func (p Profile) CheckOpts(o SockOpts) error {
	windows := p.Sockets == WindowsSockets
	switch {
	case o.ReusePort && windows:
		return errorf("SO_REUSEPORT: no such option on %s: %w", p.Name, ErrNoProtoOpt)
	case o.Exclusive && !windows:
		return errorf("SO_EXCLUSIVEADDRUSE: no such option on %s: %w", p.Name, ErrNoProtoOpt)
	case o.BindNoPort && !p.BindNoPort:
		return errorf("IP_BIND_ADDRESS_NO_PORT: no such option on %s: %w", p.Name, ErrNoProtoOpt)
	}
	return nil
}
