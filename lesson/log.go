package lesson

import (
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
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
		l.Lines = append(l.Lines, LogLine{At: e.At, Text: p.describe(s.book(), e)})
	}
	return l
}

// Describe says what event e of the run shown means, in the session's
// language and the event log's words: a terminal's way to show the
// events PlayToPause and Replay pass it, once they have been played (the
// log names connections as it meets them).
func (s *Session) Describe(e sim.Event) string {
	if s.run == nil {
		return ""
	}
	return s.run.play.describe(s.book(), e)
}

// Dur writes d as the session's language does (FmtDurIn): a terminal's
// times.
func (s *Session) Dur(d time.Duration) string { return FmtDurIn(s.book(), d) }

// describe says what e means in b's language, in the words the rest of
// the app uses.
func (p *player) describe(b *phrase.Book, e sim.Event) string {
	name := p.names[e.Conn].in(b)
	local, remote, port := e.Tuple.Local.String(), e.Tuple.Remote.String(), e.Tuple.Local.Port()
	switch e.Kind {
	case sim.Listen:
		switch {
		case e.Tuple.Proto == engine.UDP && e.Err != nil:
			return b.T("event.udp-bind-failed", "host", e.Host, "local", local, "err", engine.ErrnoName(e.Err))
		case e.Tuple.Proto == engine.UDP:
			return b.T("event.udp-bind", "host", e.Host, "local", local)
		case e.Err != nil:
			return b.T("event.listen-failed", "host", e.Host, "local", local, "err", engine.ErrnoName(e.Err))
		}
		return b.T("event.listen", "host", e.Host, "local", local)
	case sim.PortAllocated:
		switch {
		case e.Socket != "":
			return b.T("event.udp-autobind", "host", e.Host, "port", port)
		case e.Tuple.Proto == engine.UDP:
			return b.T("event.udp-port-allocated", "host", e.Host, "port", port, "remote", remote)
		}
		return b.T("event.port-allocated", "host", e.Host, "port", port, "remote", remote)
	case sim.ConnectFailed:
		switch {
		case e.Socket != "":
			return b.T("event.udp-send-failed", "host", e.Host, "remote", remote, "err", engine.ErrnoName(e.Err))
		case e.Tuple.Proto == engine.UDP && e.Tuple.Local.Port() != 0:
			return b.T("event.udp-refused", "host", e.Host, "remote", remote, "err", engine.ErrnoName(e.Err))
		}
		if e.Bind {
			return b.T("event.bind-failed", "host", e.Host, "local", local, "remote", remote, "err", engine.ErrnoName(e.Err))
		}
		return b.T("event.connect-failed", "host", e.Host, "remote", remote, "err", engine.ErrnoName(e.Err))
	case sim.Packet:
		if e.Delay > 0 {
			return b.T("event.packet-held", "host", e.Host, "remote", remote, "delay", FmtDurIn(b, e.Delay))
		}
		return b.T("event.packet", "host", e.Host, "packet", packetText(b, flagName(e)), "port", port, "remote", remote)
	case sim.Lost:
		return b.T("event.lost", "host", e.Host, "packet", packetText(b, flagName(e)), "remote", remote)
	case sim.OldDuplicate:
		args := []any{"host", e.Host, "port", port, "remote", remote}
		switch {
		case e.State == engine.TimeWait:
			return b.T("event.old-duplicate.time-wait", args...)
		case e.State != 0 && e.Into != e.Conn:
			return b.T("event.old-duplicate.new-connection", append(args, "conn", p.names[e.Into].in(b))...)
		case e.State != 0:
			return b.T("event.old-duplicate.open", args...)
		}
		return b.T("event.old-duplicate.none", args...)
	case sim.State:
		return b.T("event.state", "side", p.side(b, e.Host, e.Conn), "state", e.State.String())
	case sim.PortReleased:
		// On the client the port itself is free again; on the server only
		// the 4-tuple (its port still listens).
		id := "event.port-released"
		if p.names[e.Conn].client != e.Host {
			id = "event.conn-over"
		}
		if e.TakenOver {
			id += ".taken-over"
		}
		return b.T(id, "host", e.Host, "port", port, "conn", name)
	case sim.Unreachable:
		args := []any{"host", e.Host, "port", port, "remote", e.Tuple.Remote.Addr().String()}
		if e.Limited {
			return b.T("event.unreachable.limited", args...)
		}
		return b.T("event.unreachable", args...)
	case sim.GaveUp:
		return b.T("event.gave-up", "conn", name, "timeout", FmtDurIn(b, e.Wait))
	case sim.Done:
		if e.Tuple.Proto == engine.UDP {
			return b.T("event.done.udp", "conn", name)
		}
		return b.T("event.done", "conn", name)
	case sim.Waiting:
		if e.Err != nil {
			// The 4-tuple is taken: connect() failed, and it tries again.
			return b.T("event.waiting.retry", "side", p.side(b, e.Host, e.Conn), "reason", reasonText(b, e.Reason), "err", engine.ErrnoName(e.Err))
		}
		return b.T("event.waiting", "side", p.side(b, e.Host, e.Conn), "reason", reasonText(b, e.Reason))
	case sim.Serving:
		if e.Busy {
			return b.T("event.serving", "host", e.Host, "port", port, "conn", name)
		}
		return b.T("event.listening-again", "host", e.Host, "port", port)
	}
	return e.Kind.String()
}

// reasonText says in b's language why a connection waits.
func reasonText(b *phrase.Book, r sim.WaitReason) string {
	switch r {
	case sim.TupleInUse:
		return b.T("socket.waiting.tuple-in-use")
	case sim.ServerBusy:
		return b.T("socket.waiting.server-busy")
	}
	return r.String()
}

// side names host's side of connection conn: the connection itself on its
// client, "web's side of laptop's 1st connection" on the server.
func (p *player) side(b *phrase.Book, host string, conn int) string {
	n := p.names[conn]
	if n.client == host {
		return n.in(b)
	}
	return b.T("conn.side", "host", host, "conn", n.in(b))
}
