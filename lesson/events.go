package lesson

import (
	"time"

	"github.com/portplay/portplay/engine/sim"
)

// The event list: the run's events so far, in order, in plain words (the
// log's), filtered by host and by kind; the current one (the latest at or
// before the moment shown) highlighted; activating one seeks there, by
// replay as Back does. Only the rows in view are put into words, so a
// frame's work is bounded by EventRows, not by the run.

// EventRows is how many rows of the list are in view.
const EventRows = 13

// EventKind is a filter of the event list by what events report.
type EventKind uint8

const (
	AllEvents    EventKind = iota
	PortEvents             // ports taken, freed, listened on
	PacketEvents           // segments sent
	StateEvents            // TCP states, waits, responses
	ErrorEvents            // failed connects, binds and listens
	eventKinds
)

func (k EventKind) String() string {
	return [...]string{"all", "ports", "packets", "states", "errors"}[k]
}

// kindOf is the filter e belongs to.
func kindOf(e *sim.Event) EventKind {
	switch e.Kind {
	case sim.Listen:
		if e.Err != nil {
			return ErrorEvents
		}
		return PortEvents
	case sim.ConnectFailed, sim.GaveUp:
		return ErrorEvents
	case sim.PortAllocated, sim.PortReleased:
		return PortEvents
	case sim.Packet, sim.Lost, sim.OldDuplicate, sim.Unreachable:
		return PacketEvents
	}
	return StateEvents
}

// EventList is the event list as shown: the rows in view and where they
// are in the whole.
type EventList struct {
	Open bool
	// Host filters by host ("" for every host); Kind by kind.
	Host string
	Kind EventKind
	// Rows are the rows in view, at most EventRows; First is the first's
	// place among the Total events that pass the filter.
	Rows         []EventRow
	First, Total int
	// Dropped: the list holds only the latest HistorySize events; this
	// many came before them.
	Dropped int
	// Saves are the list's save buttons: the run as pcap, the list as CSV
	// and JSON, the view as PNG.
	Saves []Control
	// Hint names the keys that move through the list and go to an
	// event, as the keymap binds them.
	Hint string
}

// saves are the event list's save buttons.
var saves = []Control{
	{Action: ActSavePcap, Label: "pcap"},
	{Action: ActSaveCSV, Label: "CSV"},
	{Action: ActSaveJSON, Label: "JSON"},
	{Action: ActSavePNG, Label: "PNG"},
}

// EventRow is one event in the list.
type EventRow struct {
	N    int // the event's number in the run, from 0: what seeks to it
	At   time.Duration
	Host string
	Kind EventKind
	Text string // as the log says it
	// Current: the latest event at or before the moment shown that
	// passes the filter. Selected: the keyboard's cursor.
	Current, Selected bool
}

// eventsState is the list's part of the session.
type eventsState struct {
	open bool
	host string
	kind EventKind
	// selected is the event number the cursor is on; -1: the cursor
	// follows the current event.
	selected int
}

// passes says whether e passes the list's filter.
func (es *eventsState) passes(e *sim.Event) bool {
	return (es.host == "" || e.Host == es.host) && (es.kind == AllEvents || kindOf(e) == es.kind)
}

// eventList is the list as shown now, its rows appended to rows[:0]. Its
// cost is one pass of filter tests over the ring (at most HistorySize)
// and words for the rows in view.
func (s *Session) eventList(rows []EventRow) EventList {
	es := &s.events
	l := EventList{Open: es.open, Host: es.host, Kind: es.kind, Rows: rows[:0]}
	if !es.open || s.run == nil {
		return l
	}
	l.Saves = saves
	l.Hint = s.T("events.hint", "keys", s.Key(ActEventUp)+" "+s.Key(ActEventDown)+"  "+s.Key(ActEventSeek))
	p := s.run.play
	r := &p.recent
	first := max(0, r.total-HistorySize)
	l.Dropped = first
	// Where the current and the selected event fall among those that pass.
	cur, sel := -1, -1
	for i := first; i < r.total; i++ {
		e, _ := r.at(i)
		if !es.passes(e) {
			continue
		}
		cur = l.Total
		if i == es.selected {
			sel = l.Total
		}
		l.Total++
	}
	focus := cur
	if sel >= 0 {
		focus = sel
	}
	// The focused row in view, a few rows from the bottom while playing
	// on: what comes next appears below it.
	l.First = max(0, min(focus-EventRows+3, l.Total-EventRows))
	n := 0
	for i := first; i < r.total && len(l.Rows) < EventRows; i++ {
		e, _ := r.at(i)
		if !es.passes(e) {
			continue
		}
		if n >= l.First {
			l.Rows = append(l.Rows, EventRow{N: i, At: e.At, Host: e.Host, Kind: kindOf(e), Text: p.describe(s.run.book, *e),
				Current: n == cur, Selected: n == sel})
		}
		n++
	}
	return l
}

// ToggleEvents opens or closes the event list.
func (s *Session) ToggleEvents() {
	s.events.open = !s.events.open
	s.events.selected = -1
	s.gen++
}

// FilterEvents cycles the list's host filter (host) or its kind filter.
func (s *Session) FilterEvents(host bool) {
	es := &s.events
	if host && s.run != nil {
		hosts := s.run.play.hosts
		i := 0
		for j, h := range hosts {
			if h.Name == es.host {
				i = j + 1
			}
		}
		es.host = ""
		if i < len(hosts) {
			es.host = hosts[i].Name
		}
	} else if !host {
		es.kind = (es.kind + 1) % eventKinds
	}
	es.selected = -1
	s.gen++
}

// MoveEventCursor moves the list's cursor by d rows among those that pass
// the filter; it starts at the current event.
func (s *Session) MoveEventCursor(d int) {
	if s.run == nil {
		return
	}
	es := &s.events
	r := &s.run.play.recent
	first := max(0, r.total-HistorySize)
	at := es.selected
	if at < first || at >= r.total {
		at = -1
		for i := r.total - 1; i >= first && at < 0; i-- {
			if e, _ := r.at(i); es.passes(e) {
				at = i
			}
		}
		if at < 0 {
			return
		}
	}
	step := 1
	if d < 0 {
		step, d = -1, -d
	}
	for i := at + step; d > 0 && i >= first && i < r.total; i += step {
		if e, _ := r.at(i); es.passes(e) {
			at, d = i, d-1
		}
	}
	es.selected = at
	s.gen++
}

// SelectedEvent is the event number under the list's cursor, or the
// current event's; -1 if the list is empty.
func (s *Session) SelectedEvent() int {
	if s.events.selected >= 0 {
		return s.events.selected
	}
	for _, r := range s.eventList(nil).Rows {
		if r.Current {
			return r.N
		}
	}
	return -1
}

// SeekEvent shows the moment of event n of the run (EventRow.N): time
// goes there, paused, replaying from the start if it is earlier.
func (s *Session) SeekEvent(n int) {
	if s.run == nil || s.questionOpen() {
		return
	}
	e, ok := s.run.play.recent.at(n)
	if !ok {
		return
	}
	s.seek(e.At)
	// The replay numbers the events as before: n is still this event.
	s.events.selected = n
}

// timeSteps: the timeline's arrow keys move a hundredth of the run.
const timeSteps = 100

// SeekTo shows moment at of the run (clamped to it), paused: the
// timeline's drag or tap. While a question waits, time waits too.
func (s *Session) SeekTo(at time.Duration) {
	if s.run == nil || s.questionOpen() {
		return
	}
	s.seek(at)
	s.events.selected = -1
}

// seek shows moment at, paused.
func (s *Session) seek(at time.Duration) {
	p := s.run.play
	if at < p.now {
		s.logEpoch++ // replayed from the start
	}
	s.playing = false
	p.seek(at)
	s.settle()
	s.gen++
}
