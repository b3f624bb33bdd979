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
	// ConnectFailed: a connect() failed; Err names the errno. Tuple.Local
	// is the client's address with port 0 (no port was taken).
	ConnectFailed
	// Packet: a segment leaves Host at At and reaches the peer at Arrive;
	// Tuple is as the sender sees it (Local is the source).
	Packet
	// State: a host's side of a connection entered State.
	State
	// PortReleased: a connection ended on Host and its 4-tuple is free.
	PortReleased
	// Done: a connection completed its request and response; Wait is how
	// long it waited before its SYN could be sent.
	Done
	// Waiting (only without ephemeral ports): a connection cannot go on
	// yet; State says why ("4-tuple in use" on the client, "server busy" on
	// the server, whose one port serves one conversation at a time).
	Waiting
)

var kindNames = [...]string{"?", "listen", "port-allocated", "connect-failed", "packet", "state", "port-released", "done", "waiting"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
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
	Len    int           // payload bytes of a Packet
	Arrive time.Duration // when a Packet reaches its peer
	State  string        // for State: SYN_SENT, ESTABLISHED, FIN_WAIT, TIME_WAIT, CLOSED, ...
	Err    string        // for ConnectFailed and Listen: the errno's name
	Wait   time.Duration // for Done: time spent waiting to start
}

// String is the event as one line of a readable trace.
func (e Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%12s  %-7s ", fmtTime(e.At), e.Host)
	switch e.Kind {
	case Listen:
		if e.Err != "" {
			fmt.Fprintf(&b, "listen %s failed: %s", e.Tuple.Local, e.Err)
		} else {
			fmt.Fprintf(&b, "listen %s", e.Tuple.Local)
		}
	case PortAllocated:
		fmt.Fprintf(&b, "#%d port %d allocated for %s", e.Conn, e.Tuple.Local.Port(), e.Tuple)
	case ConnectFailed:
		fmt.Fprintf(&b, "#%d connect to %s failed: %s", e.Conn, e.Tuple.Remote, e.Err)
	case Packet:
		fmt.Fprintf(&b, "#%d %s > %s [%s]", e.Conn, e.Tuple.Local, e.Tuple.Remote, e.Flags)
		if e.Len > 0 {
			fmt.Fprintf(&b, " len %d", e.Len)
		}
	case State:
		fmt.Fprintf(&b, "#%d %s %s", e.Conn, e.Tuple, e.State)
	case PortReleased:
		fmt.Fprintf(&b, "#%d %s free again", e.Conn, e.Tuple)
	case Waiting:
		fmt.Fprintf(&b, "#%d waits for %s: %s", e.Conn, e.Tuple.Remote, e.State)
	case Done:
		fmt.Fprintf(&b, "#%d done", e.Conn)
		if e.Wait > 0 {
			fmt.Fprintf(&b, " after waiting %s", fmtTime(e.Wait))
		}
	}
	return b.String()
}

// fmtTime prints a simulated time with millisecond precision.
func fmtTime(d time.Duration) string {
	return fmt.Sprintf("%.3fs", d.Seconds())
}
