package lesson

import (
	"fmt"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

// LogSize is how many of the latest events the log keeps: about what a
// listener can take in at once, and what a page lists.
const LogSize = 20

// Log is the latest events in plain words: what a front end without
// pictures (the browser's text mirror, read by a screen reader) says
// happened.
type Log struct {
	// Lines are the latest events, oldest first, at most LogSize.
	Lines []LogLine
	// Total counts the events logged since the run started: Total minus
	// the Total of an earlier look is how many happened since, even when
	// most have scrolled out of Lines.
	Total int
	// Epoch changes whenever the run starts again (a lesson opened,
	// restarted, a step back replayed): Totals of different epochs do
	// not compare.
	Epoch uint64
	// Ports and Failures count the ports given and the connects that
	// failed since the run started, for a summary of many events.
	Ports, Failures int
}

// LogLine is one event.
type LogLine struct {
	At   time.Duration
	Text string // "laptop got port 32770 for a connection to 10.0.0.10:80"
}

// HistorySize is how many of the latest events the event list holds: a
// teacher's scenario whole, and a busy sandbox's last moments.
const HistorySize = 2048

// eventRing keeps the latest HistorySize events as they came, to be put
// into words only when someone looks: a busy sandbox sees a million
// events a second, and words for each would be garbage at that rate.
type eventRing struct {
	events [HistorySize]sim.Event
	total  int
}

func (r *eventRing) add(e sim.Event) {
	r.events[r.total%HistorySize] = e
	r.total++
}

// at is event i of the run, counted from 0, if the ring still holds it.
func (r *eventRing) at(i int) (*sim.Event, bool) {
	if i < 0 || i >= r.total || i < r.total-HistorySize {
		return nil, false
	}
	return &r.events[i%HistorySize], true
}

// Recent is the log of the run shown, up to the moment shown.
func (s *Session) Recent() Log {
	if s.run == nil {
		return Log{Epoch: s.logEpoch}
	}
	p := s.run.play
	r := &p.recent
	l := Log{Total: r.total, Epoch: s.logEpoch, Ports: p.kinds[sim.PortAllocated], Failures: p.kinds[sim.ConnectFailed]}
	for i := max(0, r.total-LogSize); i < r.total; i++ {
		e := r.events[i%HistorySize]
		l.Lines = append(l.Lines, LogLine{At: e.At, Text: p.describe(e)})
	}
	return l
}

// describe says what e means, in the words the rest of the app uses.
func (p *player) describe(e sim.Event) string {
	name := p.names[e.Conn].String()
	switch e.Kind {
	case sim.Listen:
		if e.Err != nil {
			return fmt.Sprintf("%s: listen on %s failed: %s", e.Host, e.Tuple.Local, engine.ErrnoName(e.Err))
		}
		return fmt.Sprintf("%s listens on %s", e.Host, e.Tuple.Local)
	case sim.PortAllocated:
		return fmt.Sprintf("%s got port %d for a connection to %s", e.Host, e.Tuple.Local.Port(), e.Tuple.Remote)
	case sim.ConnectFailed:
		if e.Bind {
			return fmt.Sprintf("%s: bind %s for a connection to %s failed: %s", e.Host, e.Tuple.Local, e.Tuple.Remote, engine.ErrnoName(e.Err))
		}
		return fmt.Sprintf("%s: connect to %s failed: %s", e.Host, e.Tuple.Remote, engine.ErrnoName(e.Err))
	case sim.Packet:
		if e.Delay > 0 {
			return fmt.Sprintf("the network holds a copy of %s's data to %s, to deliver %s late", e.Host, e.Tuple.Remote, FmtDur(e.Delay))
		}
		return fmt.Sprintf("%s sent %s from port %d to %s", e.Host, flagName(e), e.Tuple.Local.Port(), e.Tuple.Remote)
	case sim.Lost:
		return fmt.Sprintf("%s's %s to %s was lost in the network", e.Host, flagName(e), e.Tuple.Remote)
	case sim.OldDuplicate:
		old := fmt.Sprintf("an old copy of data from %s reached %s's port %d", e.Tuple.Remote, e.Host, e.Tuple.Local.Port())
		switch {
		case e.State == engine.TimeWait:
			return old + " in TIME_WAIT: acknowledged and dropped"
		case e.State != 0 && e.Into != e.Conn:
			return fmt.Sprintf("%s, now %s with the same 4-tuple", old, p.names[e.Into])
		case e.State != 0:
			return old + ", still open: its sequence numbers discard it"
		}
		return old + ": no connection, so a RST answers it"
	case sim.State:
		return fmt.Sprintf("%s: %s", p.side(e.Host, e.Conn), e.State)
	case sim.PortReleased:
		// On the client the port itself is free again; on the server only
		// the 4-tuple (its port still listens).
		freed := fmt.Sprintf("%s freed port %d", e.Host, e.Tuple.Local.Port())
		if p.names[e.Conn].client != e.Host {
			freed = fmt.Sprintf("%s: %s is over", e.Host, name)
		}
		if e.TakenOver {
			return freed + ": a new connection took over its TIME_WAIT"
		}
		return freed
	case sim.Done:
		return fmt.Sprintf("%s got its response", name)
	case sim.Waiting:
		if e.Err != nil {
			// The 4-tuple is taken: connect() failed, and it tries again.
			return fmt.Sprintf("%s waits: %s (connect: %s; tries again once free)", p.side(e.Host, e.Conn), e.Reason, engine.ErrnoName(e.Err))
		}
		return fmt.Sprintf("%s waits: %s", p.side(e.Host, e.Conn), e.Reason)
	case sim.Serving:
		if e.Busy {
			return fmt.Sprintf("%s's port %d serves %s", e.Host, e.Tuple.Local.Port(), name)
		}
		return fmt.Sprintf("%s's port %d listens again", e.Host, e.Tuple.Local.Port())
	}
	return e.Kind.String()
}

// side names host's side of connection conn: the connection itself on its
// client, "web's side of laptop's 1st connection" on the server.
func (p *player) side(host string, conn int) string {
	n := p.names[conn]
	if n.client == host {
		return n.String()
	}
	return host + "'s side of " + n.String()
}
