// Package lesson is everything about teaching that needs no screen: the
// catalogue of lessons (read from the files under assets/lessons; the
// browser's build has them parsed at build time, lessons_gen.go), the
// player that runs a lesson's scenario through the engine's simulation
// (play, pause, step, back by replay, seek, speed), the learner's session
// (steps, questions judged against the engine, progress), and the view
// model: one plain value that describes everything a front end shows at
// the current moment.
//
// Three front ends draw the same view model: the Ebiten app (package
// game), the browser's text mirror, and `portsim lesson` in a terminal.
// None of them decides anything: every port, state, error and verdict in
// the view model came from the engine.
package lesson

import (
	"fmt"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
)

// Lesson is one lesson file, parsed and checked (docs/lessons.md).
type Lesson struct {
	Number   int    // from the file name's prefix; the lesson's key
	Name     string // the file name without .txt, e.g. "5-running-out"
	Title    string // shown above the scene; the scenario's title if not given
	Short    string // the lesson's name on its button
	Scenario string // the built-in scenario it runs; "" for the sandbox and the learner's own
	// Source is the text of the learner's own scenario (CustomLesson).
	Source string
	// Sandbox: the scenario is built from the sandbox's knobs.
	Sandbox bool
	// Flight is how many real seconds a packet takes along its link at
	// speed 1 (slow motion); 0 for none. Idle is how many simulated
	// seconds pass per real second while nothing is in flight.
	Flight, Idle float64
	// ProfileSwitch: the clients' OS profile can be switched while it plays.
	ProfileSwitch bool
	// YourComputer: the native app's "Your computer" panel (Y) sets this
	// computer's own ports beside the model's here.
	YourComputer bool
	// Compare: the chart compares completion in each way of getting
	// ports (scenario.PortModes), from complete runs.
	Compare bool
	// Ports, if set, is how the animated run gets its ports, instead of
	// the scenario's own (lesson 4 animates the thought experiment).
	Ports    scenario.Ports
	HasPorts bool
	Overview Text
	// Learnt is what the lesson taught, in one line: said when it is
	// complete, with the next lesson offered.
	Learnt Text
	Steps  []Step
}

// Step is one step of a lesson: narration, then the simulation plays to a
// pause (Until); or a question, answered before the simulation plays on to
// the event that answers it.
type Step struct {
	Pos   Pos
	Name  string // keys the step's texts in the phrasebook
	Say   Text
	Until *Cond // nil: the step only talks
	Ask   *Question
	// Expect is what must be on screen at the step's pause: what its
	// narration says will be there. Tests hold every lesson to it.
	Expect []Expect
	// Replay, if set, starts the scenario again from t = 0 as this step
	// begins, in another way of getting ports: an act of its own, with its
	// own title (lesson 4 goes from the thought experiment to real TCP).
	Replay *Replay
	// ShowCompare: the comparison chart (a lesson's compare) appears from
	// this step on, once the learner has seen what it sums up.
	ShowCompare bool
}

// Replay is a step's new act: the ports its run gets, and its title.
type Replay struct {
	Ports scenario.Ports
	Title string
}

// act is the step (counted as a session counts them: 0 is the overview,
// k is Steps[k-1]) whose Replay the run at step i comes from; 0 for the
// lesson's own start.
func (l *Lesson) act(i int) int {
	for k := min(i, len(l.Steps)); k >= 1; k-- {
		if l.Steps[k-1].Replay != nil {
			return k
		}
	}
	return 0
}

// compareShown says whether the comparison chart is shown at step i
// (counted as act counts): from the step that shows it, or throughout if
// no step says when.
func (l *Lesson) compareShown(i int) bool {
	if !l.Compare {
		return false
	}
	shows := false
	for k, st := range l.Steps {
		if st.ShowCompare {
			if k+1 <= i {
				return true
			}
			shows = true
		}
	}
	return !shows
}

// Expect is a claim about the view at a step's pause.
type Expect struct {
	Pos  Pos
	What Expectation
	N    int    // at least this many (1 if not given)
	Host string // on this host; "" for the clients together
}

// Expectation is what an Expect claims.
type Expectation uint8

const (
	// ExpectConnections: open connections (the clients', or a host's).
	ExpectConnections Expectation = iota + 1
	// ExpectTimeWait: sockets in TIME_WAIT.
	ExpectTimeWait
	// ExpectFailures: failed connects or listens.
	ExpectFailures
	// ExpectRangeFull: no port of the host's ephemeral range is free.
	ExpectRangeFull
	// ExpectWaiting: connections that cannot go on yet.
	ExpectWaiting
	// ExpectUDPSockets: UDP sockets that hold a port (no connections).
	ExpectUDPSockets
)

// Question is a predict-then-see checkpoint. Its choices come from the
// engine (a look ahead at the same deterministic run) or are written in
// the file; its answer is always the engine's.
type Question struct {
	ID      string // names the question in saved progress
	Text    Text
	Choices Choices
	Answer  Answer
	// Why is the verdict's reason, filled from the run and the answer.
	Why Text
}

// Choices says where a question's choices come from. They are shown in
// an order shuffled with the seed, so the right one's place varies.
type Choices struct {
	Fixed []Text // written in the file (quantities filled from the run)
	From  ChoiceSource
}

// ChoiceSource is a way to make choices from the run.
type ChoiceSource uint8

const (
	ChoicesFixed ChoiceSource = iota
	// ChoicesNextPort: the port the next connection will get, among the
	// range's ends and the answer's neighbours.
	ChoicesNextPort
	// ChoicesRangeMultiples: the client's range size times 1, 2, … up to
	// the number of servers.
	ChoicesRangeMultiples
)

// Answer says how the engine's answer is read from what it did.
type Answer struct {
	Kind AnswerKind
	Port engine.Port // for AnswerListen: the port to try
}

// AnswerKind is one way of reading an answer.
type AnswerKind uint8

const (
	// AnswerPort: the local port of the event that answers.
	AnswerPort AnswerKind = iota + 1
	// AnswerOutcome: "yes" if the answering event is a connect that got a
	// port, else "no: " and its errno.
	AnswerOutcome
	// AnswerSide: "the client" or "the server": which side the answering
	// event happened on.
	AnswerSide
	// AnswerCount: how many connections got a port from the question to
	// the answering event.
	AnswerCount
	// AnswerListen: what an unprivileged listen on Port gets from the
	// engine on the scenario's first server's OS: "the port" or an errno.
	// Answered at once, without playing.
	AnswerListen
	// AnswerTWReuse: what a Linux client with tcp_tw_reuse on gets when
	// it connects again from the same port to the first server, shortly
	// after its last connection there closed: "yes" or "no: ERRNO".
	// Answered at once.
	AnswerTWReuse
	// AnswerReuseAddr: what a restarted server gets when it listens on
	// :80 again with SO_REUSEADDR while a connection it closed first is in
	// TIME_WAIT: "the port" or an errno. Answered at once.
	AnswerReuseAddr
	// AnswerReply: what the answering event, a packet, is as an answer
	// to its peer: "an ACK", "a RST", or its label (a question about a
	// retransmitted FIN that TIME_WAIT answers).
	AnswerReply
	// AnswerListenAgain: what a second listen on Port of the first
	// server's address gets while its listener holds it. Answered at once.
	AnswerListenAgain
	// AnswerPortStep: how the answering event's local port follows the
	// host's last one of the same kind (a port allocated, a packet sent):
	// "same-port", "port-up" (one more) or "other-port".
	AnswerPortStep
	// AnswerBindUDP: what a UDP bind() on Port of the first server's
	// address gets while a TCP listener holds that port: "port" or an
	// errno. Answered at once.
	AnswerBindUDP
)

// atOnce says the engine answers without playing: the step has no until.
func (a Answer) atOnce() bool {
	switch a.Kind {
	case AnswerListen, AnswerListenAgain, AnswerTWReuse, AnswerReuseAddr, AnswerBindUDP:
		return true
	}
	return false
}

// Cond is a pause condition: the event a step plays to.
type Cond struct {
	Pos Pos
	// Kind is the kind of event; 0 with Special set.
	Kind    sim.Kind
	Special Special
	// Nth: the Nth event of this kind since the run began (0: the next).
	Nth int
	// Host, NotHost: only events on (or not on) this host.
	Host, NotHost string
	// State: for state events, only this state (0: any).
	State engine.ConnState
}

// Special conditions that are not one kind of event.
type Special uint8

const (
	SpecialNone Special = iota
	// Connect: the outcome of a connect: a port allocated or a failure.
	Connect
	// RangeFull: a connect took the last port its host could take
	// toward that destination (the engine says none is available).
	RangeFull
	// LastDone: the run's last connection completed.
	LastDone
)

// Pos is a place in a lesson file; lines and columns start at 1.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Col) }

// Error is a problem at a place in a lesson file.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.File != "" {
		return e.File + ": " + e.Pos.String() + ": " + e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// FmtDur writes a simulated time for people: 1.250 s, 42.0 s, 2 min 5 s.
// Every front end's clock reads the same. FmtDur writes English (the
// terminal's machine-read output); FmtDurIn a language's.
func FmtDur(d time.Duration) string { return FmtDurIn(English(), d) }

// FmtDurIn is FmtDur in b's language: its decimal separator and units.
func FmtDurIn(b *phrase.Book, d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return b.T("unit.seconds", "s", b.Num(d.Seconds(), 3))
	case d < 2*time.Minute:
		return b.T("unit.seconds", "s", b.Num(d.Seconds(), 1))
	}
	if s := int(d.Seconds()) % 60; s > 0 {
		return b.T("unit.minutes-seconds", "m", int(d.Minutes()), "s", s)
	}
	return b.T("unit.minutes", "m", int(d.Minutes()))
}
