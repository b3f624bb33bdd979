package lesson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/engine/sim/pcap"
)

// Export is a file the app offers to save: a run's capture, or its event
// list.
type Export struct {
	Name string // a file name that says what it holds
	Type string // its media type
	Data []byte
	Say  string // what it holds, in a few words, for the message
}

// ExportPcap is the whole run shown as a pcap file: the same bytes as
// `portsim pcap FILE --seed N` gives for the scenario file and seed (both
// write through engine/sim/pcap).
func (s *Session) ExportPcap() (Export, error) {
	if s.run == nil {
		return Export{}, errors.New(s.T("export.no-run"))
	}
	sc := s.run.Scenario
	var b bytes.Buffer
	c, err := pcap.Write(&b, sc, sc.Duration)
	if err != nil {
		return Export{}, err
	}
	return Export{Name: s.fileName("pcap"), Type: "application/vnd.tcpdump.pcap", Data: b.Bytes(),
		Say: s.T("export.pcap", "packets", c.Packets(), "n", c.Conns())}, nil
}

// fileName names an export by its lesson (or "yours"), seed and kind.
func (s *Session) fileName(ext string) string {
	name := s.run.Lesson.Name
	return fmt.Sprintf("portplay-%s-seed%d.%s", name, s.run.Scenario.Seed, ext)
}

// exportedEvent is one event as the CSV and JSON exports write it.
type exportedEvent struct {
	N      int     `json:"n"`
	T      float64 `json:"t"` // seconds of simulated time
	Host   string  `json:"host"`
	Kind   string  `json:"kind"`   // the filter it passes: ports, packets, states, errors
	Event  string  `json:"event"`  // the simulation's kind: port-allocated, packet, state…
	Local  string  `json:"local"`  // the 4-tuple as the host sees it
	Remote string  `json:"remote"` // (empty where there is none)
	State  string  `json:"state,omitempty"`
	Errno  string  `json:"errno,omitempty"`
	Text   string  `json:"text"`
}

// listed are the events the event list holds that pass its filter, in
// order, as exported.
func (s *Session) listed() []exportedEvent {
	out := []exportedEvent{} // an empty list is [], not null
	if s.run == nil {
		return out
	}
	p := s.run.play
	r := &p.recent
	for i := max(0, r.total-HistorySize); i < r.total; i++ {
		e, _ := r.at(i)
		if !s.events.passes(e) {
			continue
		}
		x := exportedEvent{N: i, T: e.At.Seconds(), Host: e.Host, Kind: kindOf(e).String(), Event: e.Kind.String(), Text: p.describe(s.book(), *e)}
		if e.Tuple.Local.IsValid() {
			x.Local = e.Tuple.Local.String()
		}
		if e.Tuple.Remote.IsValid() {
			x.Remote = e.Tuple.Remote.String()
		}
		if e.Kind == sim.State {
			x.State = e.State.String()
		}
		if e.Err != nil {
			x.Errno = engine.ErrnoName(e.Err)
		}
		out = append(out, x)
	}
	return out
}

// ExportEvents is the event list (its events so far that pass its
// filter) as CSV, or as JSON if asJSON.
func (s *Session) ExportEvents(asJSON bool) (Export, error) {
	if s.run == nil {
		return Export{}, errors.New(s.T("export.no-run"))
	}
	rows := s.listed()
	host := s.events.host
	if host == "" {
		host = s.T("events.every-host")
	}
	say := s.T("export.events", "n", len(rows), "kind", s.T("events.kind."+s.events.kind.String()), "host", host)
	if asJSON {
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return Export{}, err
		}
		return Export{Name: s.fileName("events.json"), Type: "application/json", Data: append(b, '\n'), Say: say}, nil
	}
	var b []byte
	b = csvRow(b, "n", "t", "host", "kind", "event", "local", "remote", "state", "errno", "text")
	for _, x := range rows {
		b = csvRow(b, strconv.Itoa(x.N), strconv.FormatFloat(x.T, 'f', -1, 64), x.Host, x.Kind, x.Event, x.Local, x.Remote, x.State, x.Errno, x.Text)
	}
	return Export{Name: s.fileName("events.csv"), Type: "text/csv", Data: b, Say: say}, nil
}

// csvRow appends one RFC 4180 record to b, quoting a field as
// encoding/csv's Writer does (5 KB of the browser's wasm for this).
func csvRow(b []byte, fields ...string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		if f == "" || (f != `\.` && !strings.ContainsAny(f, ",\"\r\n") && f[0] != ' ' && f[0] != '\t') {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(f, `"`, `""`)...)
		b = append(b, '"')
	}
	return append(b, '\n')
}
