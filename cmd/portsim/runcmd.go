package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

const runHelp = `usage: portsim run SCENARIO|FILE [--seed N] [--until DURATION] [--json]

Runs a scenario and prints one line per event, then a summary; with --json,
one JSON object per event instead. A scenario without ephemeral ports
(ephemeral off or serial) ends with its completion time in the thought
experiment, in real TCP without ephemeral ports and with them, each run to
its end. SCENARIO is a built-in scenario's name or lesson number (see
portsim list); anything else is a scenario file (docs/scenarios.md).
`

// simFlags are the flags run and pcap share.
type simFlags struct{ seed, until *string }

func addSimFlags(fs *flag.FlagSet) simFlags {
	return simFlags{
		seed:  fs.String("seed", "", "seed `N` of every random choice (default: the scenario's)"),
		until: fs.String("until", "", "run until simulated time `DURATION`, e.g. 30s (default: the scenario's duration)"),
	}
}

// load reads the one scenario named by pos, applies --seed and returns it
// with the time to run until.
func (f simFlags) load(pos []string) (*scenario.Scenario, time.Duration, error) {
	if len(pos) == 0 {
		return nil, 0, bad("want a scenario: a built-in name or number (see portsim list) or a file")
	}
	if len(pos) > 1 {
		return nil, 0, bad("unexpected argument %q", pos[1])
	}
	name := pos[0]
	src, err := scenarioSource(name)
	if err != nil {
		return nil, 0, err
	}
	sc, err := scenario.Parse(src)
	if err != nil {
		return nil, 0, bad("%s: %v", name, err)
	}
	if *f.seed != "" {
		if sc.Seed, err = parseSeed(*f.seed); err != nil {
			return nil, 0, err
		}
	}
	until := sc.Duration
	if *f.until != "" {
		if until, err = parseDuration("until", *f.until, true, scenario.MaxDuration); err != nil {
			return nil, 0, err
		}
	}
	return sc, until, nil
}

// scenarioSource is a built-in scenario's text, or a file's. A name that
// is neither gets the built-in names in its message, unless it looks like a
// path.
func scenarioSource(name string) (string, error) {
	b, builtinErr := assets.Scenario(name)
	if builtinErr == nil {
		return b.Source, nil
	}
	data, err := os.ReadFile(name)
	switch {
	case err == nil:
		return string(data), nil
	case errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(name, `/\.`):
		return "", bad("%v", builtinErr)
	case errors.Is(err, fs.ErrNotExist):
		return "", bad("%s: no such file", name)
	}
	return "", bad("%v", err)
}

func newSim(sc *scenario.Scenario) (*sim.Sim, error) {
	s, err := sim.New(sc)
	if err != nil {
		return nil, bad("%v", err)
	}
	return s, nil
}

func runCmd(args []string, stdout, _ io.Writer) error {
	fs := newFlags("run")
	sf := addSimFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per event")
	pos, err := parse(fs, args, stdout, runHelp)
	if err != nil {
		return err
	}
	sc, until, err := sf.load(pos)
	if err != nil {
		return err
	}
	s, err := newSim(sc)
	if err != nil {
		return err
	}
	// Write errors stick in w and come out of Flush.
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	s.Run(until, func(e sim.Event) {
		if *asJSON {
			_ = enc.Encode(eventJSON(e))
		} else {
			fmt.Fprintln(w, sim.Trace(e))
		}
	})
	if !*asJSON {
		st := s.Stats()
		fmt.Fprintf(w, "summary: %s started, %d completed, %d failed; last response at %.3fs; total wait %.3fs; at most %s held by one host\n",
			startedThing(sc, st.Started), st.Completed, st.Failed, st.LastDone.Seconds(), st.TotalWait.Seconds(), plural(st.PeakPorts, "port"))
		if sc.Ports != scenario.Ephemeral {
			line, err := completion(sc)
			if err != nil {
				return err
			}
			fmt.Fprintln(w, line)
		}
		done := map[string]bool{}
		for _, h := range s.Hosts() {
			if p := h.Profile(); !done[p.Name] {
				done[p.Name] = true
				writeUnverified(w, p)
			}
		}
	}
	return w.Flush()
}

// startedThing is n of what a scenario's lines start: TCP connections,
// UDP queries or both.
func startedThing(sc *scenario.Scenario, n int) string {
	var tcp, udp bool
	for _, c := range sc.Connects {
		tcp = tcp || c.Transport() == engine.TCP
		udp = udp || c.Transport() == engine.UDP
	}
	switch {
	case udp && tcp && n == 1:
		return "1 connection or query"
	case udp && tcp:
		return fmt.Sprintf("%d connections and queries", n)
	case udp:
		return queries(n)
	}
	return plural(n, "connection")
}

// queries is n UDP queries: "1 query", "2 queries".
func queries(n int) string {
	if n == 1 {
		return "1 query"
	}
	return fmt.Sprintf("%d queries", n)
}

// completion is lesson 4's comparison as one line: when the last response
// arrives in each of scenario.PortModes, every run taken to its end.
func completion(sc *scenario.Scenario) (string, error) {
	var parts []string
	for _, m := range scenario.PortModes {
		st, err := sim.Complete(sc, m)
		if err != nil {
			return "", bad("%v", err)
		}
		parts = append(parts, fmt.Sprintf("%.3f s %s", st.LastDone.Seconds(), m.Title()))
	}
	return "completion: " + strings.Join(parts, ", "), nil
}

// jsonEvent is an Event as `run --json` prints it; field names are part of
// the CLI's interface (docs/portsim.md). Times are in seconds.
type jsonEvent struct {
	T      float64  `json:"t"`
	Kind   string   `json:"kind"`
	Host   string   `json:"host"`
	Conn   int      `json:"conn,omitempty"`
	Proto  string   `json:"proto,omitempty"`
	Src    string   `json:"src,omitempty"` // the host's own end of the 4-tuple
	Dst    string   `json:"dst,omitempty"` // the peer's end
	Flags  string   `json:"flags,omitempty"`
	Len    int      `json:"len,omitempty"`
	Arrive *float64 `json:"arrive,omitempty"` // packets only; a pointer so that 0 still shows
	State  string   `json:"state,omitempty"`  // a TCP state, a reason to wait, or SERVING/LISTENING
	Err    string   `json:"err,omitempty"`
	Wait   float64  `json:"wait,omitempty"`

	// Call: for connect-failed, the call that failed (connect, or the
	// bind before it). Taken: for port-released and a CLOSED state, a
	// TIME_WAIT that a new connection took over.
	Call  string `json:"call,omitempty"`
	Taken bool   `json:"takeover,omitempty"`
	// Retransmit: a packet sent again (its first copy lost). Delay: a
	// packet's copy held this many seconds longer in the network. Into:
	// for old-duplicate, the connection holding the 4-tuple then.
	Retransmit bool    `json:"retransmit,omitempty"`
	Delay      float64 `json:"delay,omitempty"`
	Into       int     `json:"into,omitempty"`
	// UDP: Reply, a datagram that is the server's reply rather than the
	// client's query; Socket, a send line's socket; Limited, an ICMP
	// port unreachable the rate limit held back.
	Reply   bool   `json:"reply,omitempty"`
	Socket  string `json:"socket,omitempty"`
	Limited bool   `json:"limited,omitempty"`
}

func eventJSON(e sim.Event) jsonEvent {
	j := jsonEvent{
		T: e.At.Seconds(), Kind: e.Kind.String(), Host: e.Host, Conn: e.Conn,
		Flags: e.Flags.String(), Len: e.Len, State: stateText(e), Err: engine.ErrnoName(e.Err), Wait: e.Wait.Seconds(),
		Taken: e.TakenOver, Retransmit: e.Retransmit, Delay: e.Delay.Seconds(), Into: e.Into,
		Reply: e.Reply, Socket: e.Socket, Limited: e.Limited,
	}
	if e.Kind == sim.ConnectFailed {
		switch {
		case e.Socket != "":
			j.Call = "send" // its autobind
		case e.Tuple.Proto == engine.UDP && e.Tuple.Local.Port() != 0:
			j.Call = "recv" // ECONNREFUSED: an ICMP port unreachable
		case e.Bind:
			j.Call = "bind"
		default:
			j.Call = "connect"
		}
	}
	if e.Tuple.Proto != 0 {
		j.Proto = e.Tuple.Proto.String()
	}
	if e.Tuple.Local.IsValid() {
		j.Src = e.Tuple.Local.String()
	}
	if e.Tuple.Remote.IsValid() {
		j.Dst = e.Tuple.Remote.String()
	}
	if e.Kind == sim.Packet || e.Kind == sim.Unreachable && !e.Limited {
		a := e.Arrive.Seconds()
		j.Arrive = &a
	}
	return j
}

// stateText is an event's `state` in JSON: the TCP state of a state event,
// the reason of a waiting one, what a serving one's port does.
func stateText(e sim.Event) string {
	switch e.Kind {
	case sim.State:
		return e.State.String()
	case sim.Waiting:
		return e.Reason.String()
	case sim.OldDuplicate:
		if e.State == 0 {
			return "none"
		}
		return e.State.String()
	case sim.Serving:
		if e.Busy {
			return "SERVING"
		}
		return "LISTENING"
	}
	return ""
}

// plural is n things: "1 port", "2 ports".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
