package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
)

// Kind says what an Event reports.
type Kind uint8

const (
	// Listen: a host listens on Tuple.Local. Err is set if it could not.
	Listen Kind = iota + 1
	// PortAllocated: a host took Tuple.Local's port for a connection.
	PortAllocated
	// ConnectFailed: a connect() failed; Err names the errno. With Bind,
	// it was the bind() before it that failed, and Tuple.Local has the
	// port bind() asked for (80 without ephemeral ports, 0 for a connect
	// line's bind); otherwise Tuple.Local is the client's address with
	// port 0 (no port was taken).
	ConnectFailed
	// Packet: a segment leaves Host at At and reaches the peer at Arrive;
	// Tuple is as the sender sees it (Local is the source).
	Packet
	// State: a host's side of a connection entered State.
	State
	// PortReleased: a connection ended on Host and its 4-tuple is free.
	// TakenOver: it was in TIME_WAIT and a new connection with the same
	// 4-tuple ended that early (the engine's takeover rule: a new SYN, on
	// Linux a socket bound first, or tcp_tw_reuse); the State CLOSED event
	// that follows says so too.
	PortReleased
	// Done: a connection completed its request and response; Wait is how
	// long it waited before its SYN could be sent.
	Done
	// Waiting (only without ephemeral ports): a connection cannot go on
	// yet; Reason says why.
	Waiting
	// Serving (only in the thought experiment, scenario.Serial): a
	// server's one port turned from listening to serving conversation
	// Conn (Busy) or back. It serves one conversation at a time, whole:
	// Busy from the moment it takes Conn's SYN until Conn's response has
	// arrived; then it listens again and takes the next waiting SYN.
	// Tuple is as the server sees it.
	Serving
	// Lost (a scenario's `lose` line): a segment Host sent was lost in the
	// network and never arrives; Tuple and Flags are the Packet's.
	Lost
	// OldDuplicate (a scenario's `duplicate` line): a copy of connection
	// Conn's segment, delayed in the network, reached Host long after the
	// original; Tuple (as Host sees it), Flags and Len are the segment's.
	// State is what the engine holds for that 4-tuple then, and Into that
	// connection's number: TIME_WAIT (RFC 9293 §3.10.7.4: acknowledged and
	// dropped), ESTABLISHED for any open connection (a newer one with the
	// same 4-tuple could take the old segment for its own), or 0 for none
	// (Host answers with a RST, §3.10.7.1).
	OldDuplicate
	// Unreachable: a UDP datagram reached Host at Tuple.Local (Tuple as
	// Host sees it) and found no socket there (engine.Host.Receives), and
	// Host answers Tuple.Remote with an ICMP port unreachable (RFC 1122
	// §4.1.3.1), which reaches it at Arrive; unless Limited: Linux's rate
	// limit for ICMP errors held it back (Sim.icmpAllowed).
	Unreachable
	// GaveUp: UDP query Conn got no reply within its line's timeout; the
	// client stops waiting for it.
	GaveUp
)

var kindNames = [...]string{"?", "listen", "port-allocated", "connect-failed", "packet", "state", "port-released", "done", "waiting", "serving", "lost", "old-duplicate", "unreachable", "gave-up"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// WaitReason says why a connection waits (without ephemeral ports).
type WaitReason uint8

const (
	// TupleInUse: on the client, the 4-tuple (client:80, server:80) is
	// still taken by this pair's last conversation (established, or in
	// TIME_WAIT on either side).
	TupleInUse WaitReason = iota + 1
	// ServerBusy (scenario.Serial only): on the server, its one port
	// serves one conversation at a time and is serving another: the SYN
	// waits.
	ServerBusy
)

func (r WaitReason) String() string {
	switch r {
	case TupleInUse:
		return "4-tuple in use"
	case ServerBusy:
		return "server busy"
	}
	return fmt.Sprintf("WaitReason(%d)", r)
}

// Flags are TCP header flags.
type Flags uint8

const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
)

func (f Flags) String() string {
	var parts []string
	for i, n := range []string{"FIN", "SYN", "RST", "PSH", "ACK"} {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

// Event is one thing that happened in the simulated network. Events come
// out in time order (ties in the order they were caused).
type Event struct {
	At     time.Duration
	Kind   Kind
	Host   string
	Conn   int // the connection's number, from 1 in scenario order; 0 for none
	Tuple  engine.FourTuple
	Flags  Flags
	Len    int              // payload bytes of a Packet
	Arrive time.Duration    // when a Packet reaches its peer
	State  engine.ConnState // for State
	Reason WaitReason       // for Waiting
	Busy   bool             // for Serving: serving a conversation rather than listening
	// Retransmit is for Packet: a segment sent again, its first copy lost
	// (the peer's FIN when the last ACK was lost).
	Retransmit bool
	// Delay is for Packet: a copy of the segment before it, held in the
	// network this much longer (a scenario's `duplicate`): it arrives at
	// Arrive as an OldDuplicate.
	Delay time.Duration
	// Upload is for the Packet carrying a request: the bytes of its body,
	// which follow in later segments of BodyLen (a connect line's upload).
	Upload int
	// Into is for OldDuplicate: the connection holding the 4-tuple when
	// the copy arrived; 0 for none.
	Into int
	// Bind is for ConnectFailed: the bind() before the connect() failed.
	Bind bool
	// TakenOver is for PortReleased and State CLOSED: a TIME_WAIT ended
	// early by a new connection with its 4-tuple, not by expiry.
	TakenOver bool
	// Err is for ConnectFailed and Listen: nil, or one of the engine's
	// *Errno values (engine.ErrAddrNotAvail, ...): compare with errors.Is,
	// show with engine.ErrnoName. For Waiting with TupleInUse it is what
	// the connect() that found its 4-tuple taken got (EADDRNOTAVAIL), as
	// the program that waits to try again sees it.
	Err error
	// Wait is for Done: time spent waiting to start; for GaveUp, the
	// timeout that ran out.
	Wait time.Duration
	// Reply is for a UDP Packet, Lost or Unreachable: the datagram is
	// the server's reply, not the client's query.
	Reply bool
	// Socket is for the events of a send line's unconnected UDP socket:
	// its name (a line's own socket is named "of line N").
	Socket string
	// Limited is for Unreachable: the ICMP message was not sent.
	Limited bool
}

// Trace is the event as one line of a readable trace (portsim's). A
// function, not a String method: the browser build links text/template
// (through Ebiten), whose reflective method calls keep every exported
// method of a type ever held in an interface, and the browser never
// prints a trace (13 KB less to download with phrase.Texts and the rest).
func Trace(e Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%12s  %-7s ", fmtTime(e.At), e.Host)
	switch e.Kind {
	case Listen:
		switch {
		case e.Tuple.Proto == engine.UDP && e.Err != nil:
			fmt.Fprintf(&b, "bind UDP %s failed: %s", e.Tuple.Local, engine.ErrnoName(e.Err))
		case e.Tuple.Proto == engine.UDP:
			fmt.Fprintf(&b, "bind UDP %s (no listen: it receives every datagram to the port)", e.Tuple.Local)
		case e.Err != nil:
			fmt.Fprintf(&b, "listen %s failed: %s", e.Tuple.Local, engine.ErrnoName(e.Err))
		default:
			fmt.Fprintf(&b, "listen %s", e.Tuple.Local)
		}
	case PortAllocated:
		switch {
		case e.Socket != "":
			fmt.Fprintf(&b, "#%d port %d allocated for UDP %s (socket %s, bound on its first send, to any destination)", e.Conn, e.Tuple.Local.Port(), e.Tuple.Local, e.Socket)
		case e.Tuple.Proto == engine.UDP:
			fmt.Fprintf(&b, "#%d port %d allocated for %s (connect(): no packet)", e.Conn, e.Tuple.Local.Port(), e.Tuple)
		default:
			fmt.Fprintf(&b, "#%d port %d allocated for %s", e.Conn, e.Tuple.Local.Port(), e.Tuple)
		}
	case ConnectFailed:
		switch {
		case e.Socket != "":
			fmt.Fprintf(&b, "#%d send to %s failed: %s (no port to bind socket %s)", e.Conn, e.Tuple.Remote, engine.ErrnoName(e.Err), e.Socket)
		case e.Tuple.Proto == engine.UDP && e.Tuple.Local.Port() != 0:
			fmt.Fprintf(&b, "#%d recv from %s failed: %s (ICMP port unreachable)", e.Conn, e.Tuple.Remote, engine.ErrnoName(e.Err))
		case e.Bind:
			fmt.Fprintf(&b, "#%d bind %s for a connection to %s failed: %s", e.Conn, e.Tuple.Local, e.Tuple.Remote, engine.ErrnoName(e.Err))
		default:
			fmt.Fprintf(&b, "#%d connect to %s failed: %s", e.Conn, e.Tuple.Remote, engine.ErrnoName(e.Err))
		}
	case Packet:
		if e.Tuple.Proto == engine.UDP {
			fmt.Fprintf(&b, "#%d %s > %s UDP %s len %d", e.Conn, e.Tuple.Local, e.Tuple.Remote, datagram(e.Reply), e.Len)
			break
		}
		fmt.Fprintf(&b, "#%d %s > %s [%s]", e.Conn, e.Tuple.Local, e.Tuple.Remote, e.Flags)
		if e.Len > 0 {
			fmt.Fprintf(&b, " len %d", e.Len)
		}
		switch {
		case e.Upload > 0:
			fmt.Fprintf(&b, " (request; a %d-byte body follows)", e.Upload)
		case e.Retransmit:
			b.WriteString(" (retransmission)")
		case e.Delay > 0:
			fmt.Fprintf(&b, " (a copy, delayed %s in the network)", fmtTime(e.Delay))
		}
	case Lost:
		if e.Tuple.Proto == engine.UDP {
			fmt.Fprintf(&b, "#%d %s > %s UDP %s lost in the network", e.Conn, e.Tuple.Local, e.Tuple.Remote, datagram(e.Reply))
			break
		}
		fmt.Fprintf(&b, "#%d %s > %s [%s] lost in the network", e.Conn, e.Tuple.Local, e.Tuple.Remote, e.Flags)
	case OldDuplicate:
		fmt.Fprintf(&b, "#%d old duplicate %s > %s [%s]", e.Conn, e.Tuple.Remote, e.Tuple.Local, e.Flags)
		if e.Len > 0 {
			fmt.Fprintf(&b, " len %d", e.Len)
		}
		switch {
		case e.State == engine.TimeWait:
			fmt.Fprintf(&b, " reaches #%d in TIME_WAIT: acknowledged and dropped", e.Into)
		case e.State != 0 && e.Into == e.Conn:
			fmt.Fprintf(&b, " reaches #%d, still open: a duplicate its sequence numbers discard", e.Into)
		case e.State != 0:
			fmt.Fprintf(&b, " reaches #%d, a newer connection with the same 4-tuple", e.Into)
		default:
			b.WriteString(" finds no connection: answered with RST")
		}
	case State:
		if e.Socket != "" {
			fmt.Fprintf(&b, "#%d UDP %s %s (socket %s, unconnected)", e.Conn, e.Tuple.Local, e.State, e.Socket)
			break
		}
		fmt.Fprintf(&b, "#%d %s %s", e.Conn, e.Tuple, e.State)
	case PortReleased:
		if e.Socket != "" {
			fmt.Fprintf(&b, "#%d UDP %s free again (socket %s closed)", e.Conn, e.Tuple.Local, e.Socket)
			break
		}
		fmt.Fprintf(&b, "#%d %s free again", e.Conn, e.Tuple)
		if e.TakenOver {
			b.WriteString(" (TIME_WAIT taken over by a new connection)")
		}
	case Waiting:
		fmt.Fprintf(&b, "#%d waits for %s: %s", e.Conn, e.Tuple.Remote, e.Reason)
	case Serving:
		if e.Busy {
			fmt.Fprintf(&b, "#%d serving on :%d", e.Conn, e.Tuple.Local.Port())
		} else {
			fmt.Fprintf(&b, "#%d served: listening on :%d", e.Conn, e.Tuple.Local.Port())
		}
	case Unreachable:
		fmt.Fprintf(&b, "#%d no socket on UDP %s: ", e.Conn, e.Tuple.Local)
		if e.Limited {
			fmt.Fprintf(&b, "no ICMP port unreachable to %s (rate limit)", e.Tuple.Remote.Addr())
		} else {
			fmt.Fprintf(&b, "ICMP port unreachable %s > %s", e.Tuple.Local.Addr(), e.Tuple.Remote.Addr())
		}
	case GaveUp:
		fmt.Fprintf(&b, "#%d no reply within %s: gives up", e.Conn, fmtTime(e.Wait))
	case Done:
		fmt.Fprintf(&b, "#%d done", e.Conn)
		if e.Wait > 0 {
			fmt.Fprintf(&b, " after waiting %s", fmtTime(e.Wait))
		}
	}
	return b.String()
}

// datagram names a UDP datagram: the client's query or the server's reply.
func datagram(reply bool) string {
	if reply {
		return "reply"
	}
	return "query"
}

// fmtTime prints a simulated time with millisecond precision.
func fmtTime(d time.Duration) string {
	return fmt.Sprintf("%.3fs", d.Seconds())
}
