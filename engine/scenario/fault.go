package scenario

import (
	"fmt"
	"strconv"
	"time"
)

// Fault is something the network does to one segment of one connection:
// a `lose N last-ack` or `duplicate N response D` line. They show what
// TIME_WAIT is for (RFC 9293 §3.6, RFC 1337): a last ACK lost, so that the
// peer retransmits its FIN, and an old duplicate segment that arrives long
// after its connection closed.
type Fault struct {
	Pos  Pos
	Conn int // the connection's number, from 1 in the order they start, as a trace numbers them (#N)
	Kind FaultKind
	// Delay is for DuplicateResponse: how long after the response its copy
	// arrives (more than 0).
	Delay time.Duration
}

// FaultKind says which segment a Fault acts on, and how.
type FaultKind uint8

const (
	// LoseLastAck: the ACK that the side closing first sends for its
	// peer's FIN is lost, once; the peer retransmits its FIN.
	LoseLastAck FaultKind = iota + 1
	// DuplicateResponse: the network delivers the server's response twice,
	// the copy Delay after the original: an old duplicate.
	DuplicateResponse
)

func (k FaultKind) String() string {
	switch k {
	case LoseLastAck:
		return "lose last-ack"
	case DuplicateResponse:
		return "duplicate response"
	}
	return fmt.Sprintf("FaultKind(%d)", k)
}

// fault reads `lose N last-ack` or `duplicate N response D`.
func (p *parser) fault() error {
	kw := p.toks[0]
	f := Fault{Pos: Pos{p.line, kw.col}}
	seg, want := "last-ack", "a connection's number, then last-ack"
	if kw.text == "duplicate" {
		seg, want = "response", "a connection's number, response, then how much later its copy arrives"
	}
	n, err := p.arg(1, want)
	if err != nil {
		return err
	}
	if f.Conn, err = strconv.Atoi(n.text); err != nil || f.Conn < 1 {
		return p.errAt(n, "%s: %q is not a connection's number (1 for the first to start, as a trace numbers them)", kw.text, n.text)
	}
	s, err := p.arg(2, want)
	if err != nil {
		return err
	}
	if s.text != seg {
		return p.errAt(s, "%s: want %s, not %q", kw.text, seg, s.text)
	}
	if kw.text == "lose" {
		f.Kind = LoseLastAck
		if err := p.exact(3, want); err != nil {
			return err
		}
	} else {
		f.Kind = DuplicateResponse
		if err := p.exact(4, want); err != nil {
			return err
		}
		if f.Delay, err = p.duration(p.toks[3], true); err != nil {
			return err
		}
	}
	p.sc.Faults = append(p.sc.Faults, f)
	return nil
}

// checkFaults checks the faults of a scenario: a connection's number,
// at most one of each kind per connection, and a copy's delay.
func (sc *Scenario) checkFaults() error {
	seen := map[[2]int]bool{}
	for _, f := range sc.Faults {
		what := fmt.Sprintf("%s of connection %d", f.Kind, f.Conn)
		switch {
		case f.Kind != LoseLastAck && f.Kind != DuplicateResponse:
			return errorf(f.Pos, "unknown fault %v; want lose last-ack or duplicate response", f.Kind)
		case f.Conn < 1:
			return errorf(f.Pos, "%s: connections are numbered from 1", what)
		case seen[[2]int{f.Conn, int(f.Kind)}]:
			return errorf(f.Pos, "%s is given twice", what)
		case f.Kind == DuplicateResponse:
			if err := checkDuration(f.Pos, what+": delay", f.Delay, true); err != nil {
				return err
			}
		}
		seen[[2]int{f.Conn, int(f.Kind)}] = true
	}
	return nil
}
