package lesson

import (
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
)

// View is everything a front end shows at this moment, as plain values:
// the Ebiten app draws it, the browser's text mirror writes it as text,
// the terminal prints it. Nothing in it is for a front end to work out.
type View struct {
	// Gen changes whenever anything but the moving parts (sockets,
	// packets, ports, chart, clock) changes.
	Gen uint64
	// Lang is the code of the language every text of the view is in
	// (the page's <html lang>: PageLang).
	Lang    string
	Lessons []LessonButton
	Lesson  int    // the lesson open, from 1; 0 if none could be built
	Title   string // "5. Running out of ports, and reuse"
	// Controls are the control bar's buttons, in order; StepControls the
	// lesson panel's.
	Controls     []Control
	StepControls []Control
	Hosts        []HostView
	Links        [][2]int // pairs of indexes into Hosts
	Packets      []PacketView
	// PacketsLabelled: few enough packets fly to label each.
	PacketsLabelled bool
	// ReducedMotion: the learner asked for less motion (the browser's
	// prefers-reduced-motion): nothing may fly, states change in place.
	ReducedMotion bool
	Focus         int // the host the port map shows, an index into Hosts
	PortMap       PortMapView
	Inspect       Inspection
	Chart         ChartView
	Narration     Narration
	Knobs         []KnobView // the sandbox's; empty elsewhere
	Clock         Clock
	Events        int                // simulation events so far
	EventList     EventList          // the event list, its rows only while it is open
	Scenario      string             // the built-in scenario's name; "sandbox"
	Connections   []engine.FourTuple // the clients' open connections, the first maxListed of each
	Help          bool
	HelpLines     [][2]string // key, what it does
	// HelpTitle and HelpClose head and close the help.
	HelpTitle, HelpClose string
	Hints                Hints
	// LangWanted is the language whose phrasebook the front end is to
	// fetch for the language button (Session.LanguageFetched); "" for
	// none.
	LangWanted string
	Problems   []string // rejected settings and errors, until dismissed
	Fatal      string   // the lesson could not be built
	// Notice says why the last action did nothing (a question waits for
	// its answer), until the next action.
	Notice string
	// Info says what the front end did for the last action (the link it
	// copied), until the next action.
	Info string
	// Link, in presenter mode, is the share link's fragment without its
	// moment: it opens what is on screen (the lesson or the learner's own
	// scenario, its settings), for a QR code the class can scan; "" else.
	Link string
	// YourPC is the "Your computer" panel, while it is shown.
	YourPC YourPCView
}

// LessonButton is one lesson in the menu.
type LessonButton struct {
	Number int
	Short  string // in the session's language
	Key    string // its digit key; "" for the learner's own scenario, which has none
	// Shortcut is its key as aria-keyshortcuts names it.
	Shortcut string
	Current  bool
	name     string
}

// Name is the button's name in words: "Lesson 3: Ephemeral", or "Your
// scenario" for the learner's own, which is no numbered lesson.
func (b LessonButton) Name() string { return b.name }

// Control is an on-screen button; every key's action has one.
type Control struct {
	Action Action
	Label  string
	Key    string // the key that does the same, as the keymap shows it
	// Shortcut is that key (and any other that does the same) as
	// aria-keyshortcuts names it: "PageDown Enter".
	Shortcut string
	// Name, where set, is the button's name for a screen reader, where
	// its label alone says too little ("Language: Deutsch; next: Español").
	Name    string
	Pressed bool // shown highlighted (playing, help shown, the choice made)
	// Disabled: the action would do nothing now (back at the start, next
	// at the last step, a choice once answered).
	Disabled bool
	// Spare: a front end short of room (a phone, the smallest windows)
	// may leave the button out; its key, the help and the text view
	// still have it.
	Spare bool
}

// HostView is one host's box: who it is and its sockets.
type HostView struct {
	Name string
	Addr netip.Addr // its first address
	// AddrText is its address, or all of them for a host with several:
	// "10.0.0.10, 10.0.0.11".
	AddrText string
	// Profile is its OS, for people ("Linux (4.2 and later)"), or its
	// short name marked "(partly unverified)" where the profile holds
	// unverified claims, which Unverified lists.
	Profile    string
	Unverified string
	Range      engine.Range // its ephemeral range, shown for pure clients
	Client     bool         // it opens connections (drawn on the left)
	Server     bool         // it listens (drawn on the right)
	Rows       []SocketRow  // the first maxRows: listeners, waiting, at work, TIME_WAIT
	Total      int          // rows in all
	// Keep is how many of Rows (its listeners) a box shows before the
	// count of the rest, where it has room for them: what a server is.
	Keep  int
	Conns int // connections, and how many are in TIME_WAIT
	InTW  int
	UDP   int // UDP sockets that hold a port: no connections
	// HalfDuplex: in the thought experiment, the server's one port either
	// listens or serves one conversation (Serving), as the simulation says.
	HalfDuplex, Serving bool
	Failures            int
	LastErr             error // the latest failure's errno
	// LastErrName is LastErr's name (EADDRNOTAVAIL; names stay
	// untranslated), "" if the host never failed.
	LastErrName string
	Failure     *Failure // the latest failure, while it is recent
	book        *phrase.Book
}

// Counts are the host's connections in words, as its box and the text
// mirror say them: "12 connections, 3 in TIME_WAIT".
func (h *HostView) Counts() string {
	b := orEnglish(h.book)
	s := b.T("host.counts", "n", h.Conns, "tw", h.InTW)
	if h.UDP > 0 {
		s = b.T("host.counts.udp", "counts", s, "n", h.UDP)
	}
	return s
}

// RowKind says what a socket row is.
type RowKind uint8

const (
	RowListen  RowKind = iota + 1 // a listening socket
	RowWaiting                    // a connection that cannot go on yet
	RowConn                       // one side of a connection
)

// SocketRow is one socket as a host box lists it.
type SocketRow struct {
	Kind          RowKind
	State         engine.ConnState // for RowConn
	Conn          int              // the connection's number
	Name          string           // the connection as people name it, in this host's box: "2nd connection", "alice's 2nd"
	Local, Remote netip.AddrPort
	// Proto is the socket's: TCP, or UDP (a RowListen then is a bound
	// socket, and a RowConn a socket in state engine.Bound, with no
	// Remote if it is unconnected).
	Proto        engine.Proto
	Inbound      bool           // accepted on a listener (the remote called)
	Reason       sim.WaitReason // for RowWaiting
	TimeWaitLeft time.Duration  // for TIME_WAIT
	// StateName is the row's state as its box names it: "LISTEN", a TCP
	// state's name ("ESTABLISHED"), untranslated in every language, or a
	// waiting row's word for waiting in the session's language.
	StateName string
	// ReasonText is a waiting row's reason in words: "4-tuple in use".
	ReasonText string
	book       *phrase.Book
}

// TimeWaitText is a TIME_WAIT row's countdown in whole seconds, rounded
// up: a 4-tuple still held never reads "0s".
func (r SocketRow) TimeWaitText() string {
	return orEnglish(r.book).T("socket.timewait-left", "s", int((r.TimeWaitLeft+time.Second-1)/time.Second))
}

// Text is the row's description beside its state name, in the session's
// language: "10.0.0.10:80", ":57102 → 10.0.0.10:80 19s", "client's 2nd
// connection: server busy", ":40001 → 10.0.0.53:53 bound".
func (r SocketRow) Text() string {
	b := orEnglish(r.book)
	switch {
	case r.Kind == RowListen && r.Proto == engine.UDP:
		// UDP has no listen(): the server's socket is bound.
		return b.T("socket.udp.bound", "addr", r.Local.String())
	case r.Kind == RowListen:
		return r.Local.String()
	case r.Kind == RowWaiting:
		return b.T("socket.waiting.detail", "conn", r.Name, "reason", r.ReasonText)
	case r.Proto == engine.UDP && !r.Remote.IsValid():
		return b.T("socket.udp.unconnected", "port", int(r.Local.Port()))
	case r.Proto == engine.UDP:
		return b.T("socket.udp.connected", "port", int(r.Local.Port()), "remote", r.Remote.String())
	}
	id := "socket.conn.out"
	if r.Inbound {
		id = "socket.conn.in"
	}
	text := b.T(id, "port", int(r.Local.Port()), "remote", r.Remote.String())
	if r.State == engine.TimeWait {
		text = b.T("socket.conn.time-wait", "conn", text, "left", r.TimeWaitText())
	}
	return text
}

// Line is the row on one line of the text view: its state, its text and,
// for a connection, its name.
func (r SocketRow) Line() string {
	b := orEnglish(r.book)
	if r.Name != "" && r.Kind == RowConn {
		return b.T("mirror.socket.named", "state", r.StateName, "text", r.Text(), "conn", r.Name)
	}
	return b.T("mirror.socket", "state", r.StateName, "text", r.Text())
}

// Failure is a failed connect or listen.
type Failure struct {
	Listen bool             // a listen, not a connect
	Bind   bool             // the bind() before a connect failed, not the connect
	Tuple  engine.FourTuple // the connect's destination is Remote; the listen's address Local
	Err    error            // an engine errno
	// ErrName is Err's name: EADDRNOTAVAIL (names stay untranslated).
	ErrName string
}

// PacketView is a packet on its link.
type PacketView struct {
	From, To int     // indexes into Hosts
	Frac     float64 // how far along, 0 to 1
	Flags    string  // SYN, SYN-ACK, data, FIN, ACK or RST: its label in English, the same in every language
	Label    string  // its label as shown: Flags in words ("data", "SYN again")
	SrcPort  uint16
	DstPort  uint16
	Response bool // sent from a listening port
	Conn     int
}

// PortMapView is the focused host's 65,536 ports.
type PortMapView struct {
	Host string
	Addr netip.Addr
	// Proto is the port space shown: TCP, or UDP (H moves to a host's UDP
	// ports after its TCP ones).
	Proto engine.Proto
	Range engine.Range // its ephemeral range, outlined
	// States are the engine's, by port. Gen changes when they do; the
	// array is the session's and is rewritten in place.
	States *[65536]engine.PortState
	Gen    uint64
	// Strip: the range is small enough to show port by port.
	Strip bool
	// Callouts are the ports in use where they are few (at most
	// maxCallouts), in order: a port is a unit or less on the map, so
	// these are marked and named beside it. The slice is the session's,
	// rewritten when the states are.
	Callouts []PortCallout
}

// orEnglish is b, or English for a view value made without a session
// (a front end's test).
func orEnglish(b *phrase.Book) *phrase.Book {
	if b == nil {
		return English()
	}
	return b
}

// classText is an IANA class's name in b's language: portmap.class.NAME.
func classText(b *phrase.Book, c engine.Class) string { return b.T("portmap.class." + c.String()) }

// portStateText is a port's state in b's language: portmap.state.NAME
// ("in use": in-use, TIME_WAIT: time-wait).
func portStateText(b *phrase.Book, st engine.PortState) string {
	// strings.Map, not a Replacer: the Replacer's machinery is 29 KB of
	// the browser's download.
	return b.T("portmap.state." + strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' {
			return '-'
		}
		return unicode.ToLower(r)
	}, st.String()))
}

// PortCallout is a port in use called out on the map.
type PortCallout struct {
	Port  engine.Port
	State engine.PortState
}

// Inspection describes the port pointed at or pinned.
type Inspection struct {
	Port engine.Port
	OK   bool // a port is pointed at or pinned
	// Text is the port in one line: its class, state and first socket.
	Text string
	// Sockets are every socket on the port, the first maxInspected of
	// them ("LISTEN 10.0.0.10:80", "10.0.0.10:80 → 192.168.1.5:57102
	// ESTABLISHED"), and More how many more there are.
	Sockets []string
	More    int
	// Short are Sockets without the local address, which the port map's
	// title names (":80 → 192.168.1.5:57102 ESTABLISHED"), for a narrow
	// inspector.
	Short []string
}

// maxInspected is how many of a port's sockets the inspector lists: more
// than its panel holds at any size.
const maxInspected = 12

// ChartView is the chart: ports in use and in TIME_WAIT over time, or
// (Compare) completion with and without ephemeral ports.
type ChartView struct {
	Samples []Sample
	// Now is the counts at this moment, the same moment as the host
	// boxes; Window the time axis's end: the first of End/16, End/8, …,
	// End that reaches Now, so that the run so far fills the chart.
	Now     Sample
	Window  time.Duration
	End     time.Duration
	Limit   int // the one client's range size, a line on the chart; 0 for none
	Compare *Comparison
}

// chartWindow is the chart's time axis at now for a run of end: the
// first of end/16, end/8, end/4, end/2 and end that reaches now.
func chartWindow(now, end time.Duration) time.Duration {
	w := end / 16
	for w < now && w < end {
		w *= 2
	}
	return max(min(w, end), time.Millisecond)
}

// Comparison is how long the clients take in each way of getting ports,
// from complete runs: the thought experiment, real TCP without ephemeral
// ports, and with them (scenario.PortModes' order).
type Comparison struct {
	Connections int
	Runs        []ModeRun
}

// ModeRun is one mode's complete run.
type ModeRun struct {
	Title string // "real TCP without ephemeral ports"
	Stats sim.Stats
}

// modeRun is mode's run, its title in b's language.
func modeRun(b *phrase.Book, mode scenario.Ports, st sim.Stats) ModeRun {
	return ModeRun{Title: b.T("chart.mode." + mode.String()), Stats: st}
}

// Narration is the lesson panel.
type Narration struct {
	Step, Steps int    // the step, from 0, and how many
	Text        string // the step's narration, quantities filled in
	// Replayed: this step started the run again from t = 0, a new act
	// under the view's Title (lesson 4's real TCP after its thought
	// experiment).
	Replayed  bool
	Question  *QuestionView
	Presenter bool // the narration is left to the presenter
	// Notes are the presenter's: the step's narration, also in presenter
	// mode (where Text leaves it out), for the notes panel and page.
	Notes string
	// MaxLines is how many lines of Text the panel shows.
	MaxLines int
	// Complete: the last step has played (never in the open-ended
	// sandbox); Learnt says what the lesson
	// taught, and Next names the lesson PageDown opens ("lesson 4,
	// Without"; "" after the last).
	Complete bool
	Learnt   string
	Next     string
	book     *phrase.Book
}

// StepText is the panel's heading as every front end says it: "Step 2
// of 5".
func (n *Narration) StepText() string {
	return orEnglish(n.book).T("narration.step", "step", n.Step+1, "steps", n.Steps)
}

// CompleteText says the lesson is done and what it taught, as every front
// end says it, before its own way on (a key, a button, a command); ""
// until then.
func (n *Narration) CompleteText() string {
	if !n.Complete {
		return ""
	}
	return orEnglish(n.book).T("narration.complete", "learnt", n.Learnt)
}

// QuestionView is the current question.
type QuestionView struct {
	ID      string
	Text    string
	Choices []Control
	// ChoiceIDs are the choices' IDs, the same in every language: what a
	// class session counts votes by.
	ChoiceIDs []string
	Chosen    int // -1 before an answer
	Verdict   Verdict
	TruthID   string // the engine's answer's ID, once judged
	Truth     string // the engine's answer as the learner reads it
	Why       string // the verdict's reason, from the run
	// Lead is the verdict in a few words, as every front end says it
	// before its reason: "Right: 1028." or "Not this time: the answer is
	// 1028."; "" before the engine has answered.
	Lead string
}

// KnobView is a sandbox knob.
type KnobView struct {
	Knob
	Selected bool
}

// PlayState says whether time runs.
type PlayState uint8

const (
	Paused PlayState = iota
	Playing
	Finished
)

// Clock is the status line.
type Clock struct {
	Now, End time.Duration
	Speed    float64 // the speed asked for
	State    PlayState
	// Reached is the speed playback reaches, two significant digits;
	// Limited says it is below Speed because the simulation cannot keep
	// up within a frame's budget.
	Reached float64
	Limited bool
}

// limitedBelow: playback reaching less than this part of the asked speed
// is reported as limited.
const limitedBelow = 0.95

// maxRows is how many socket rows a host lists: more than any box holds.
const maxRows = 8

// maxListed caps View.Connections per client: a busy sandbox holds thousands.
const maxListed = 8

// failShown is how long a failure stays marked on its host.
const failShown = 3 * time.Second

// maxPackets: at high speed hundreds of packets are in flight at once,
// more than anyone can follow; an even sample of them shows the traffic.
const maxPackets = 48

// labelledPackets: above this many packets in flight, labels would only
// cover each other.
const labelledPackets = 8

// rangeStripMax: a range this small is also shown port by port (lesson
// 5's ten ports).
const rangeStripMax = 32

// View describes what is shown now, in a View of its own.
func (s *Session) View() View {
	var v View
	s.ViewInto(&v)
	return v
}

// ViewInto fills v with what is shown now, reusing the room v's moving
// parts (hosts and their rows, packets, connections) already have: a front
// end that keeps one View draws frame after frame without garbage. The
// parts that change only with Gen are made once per Gen and shared by the
// views of that Gen: no one may modify them.
func (s *Session) ViewInto(v *View) {
	hosts, packets, conns, rows := v.Hosts, v.Packets[:0], v.Connections[:0], v.EventList.Rows[:0]
	*v = s.static()
	r := s.run
	if r == nil {
		return
	}
	p := r.play
	v.Events = p.events
	v.Focus = s.focus
	if cap(hosts) < len(p.hosts) {
		hosts = make([]HostView, len(p.hosts))
	}
	hosts = hosts[:len(p.hosts)]
	s.rowNames.start(p, r.book)
	for i := range p.hosts {
		s.hostView(&hosts[i], &p.hosts[i])
	}
	v.Hosts = hosts
	v.Packets, v.PacketsLabelled = s.packets(packets)
	v.PortMap = s.portMap()
	v.Inspect = s.inspection()
	v.Chart.Samples, v.Chart.Now = p.samples, p.counts()
	v.Chart.Window = chartWindow(p.now, v.Chart.End)
	v.EventList = s.eventList(rows)
	v.Clock = Clock{Now: p.now, End: p.end(), Speed: s.set.Speed, State: Paused, Reached: s.set.Speed}
	if s.playing && s.keptUp < limitedBelow {
		v.Clock.Reached, v.Clock.Limited = twoDigits(s.set.Speed*s.keptUp), true
	}
	switch {
	case p.finished():
		v.Clock.State = Finished
	case s.playing:
		v.Clock.State = Playing
	}
	for i := range p.hosts {
		h := &p.hosts[i]
		if !h.client {
			continue
		}
		s.scratch[0], s.scratch[1] = h.firstRows(maxListed, s.scratch[0], s.scratch[1])
		for _, c := range s.scratch[0] {
			conns = append(conns, c.tuple)
		}
	}
	v.Connections = conns
}

// static is the part of the view that changes only with Gen, made once
// per Gen.
func (s *Session) static() View {
	if s.shown.ok && s.shown.gen == s.gen {
		return s.shown.v
	}
	b := s.book()
	v := View{Gen: s.gen, Lang: b.Lang(), LangWanted: s.langWanted, Lesson: s.set.Lesson, Help: s.help, HelpLines: s.helpLines(),
		HelpTitle: s.T("help.title"), HelpClose: s.T("help.close", "key", s.Key(ActHelp)), ReducedMotion: s.reducedMotion,
		Problems: s.problemTexts(b), Fatal: s.fatal.in(b), Notice: s.notice.in(b), Info: s.info.in(b)}
	v.YourPC = s.yourPCView(b)
	ls := s.cat.Lessons
	if s.custom != nil {
		ls = append(slices.Clip(ls), s.custom)
	}
	for _, l := range ls {
		short := b.Of(l.prefix()+"short", l.Short)
		name := b.T("lesson.button", "n", l.Number, "short", short)
		if l.Number == CustomLesson {
			short, name = b.T("yours.short"), b.T("yours.button")
		}
		k := s.Control(ActOpen(l.Number)) // no key for the learner's own
		v.Lessons = append(v.Lessons, LessonButton{Number: l.Number, Short: short, Key: k.Key, Shortcut: k.Shortcut,
			Current: s.run != nil && l.Number == s.set.Lesson, name: name})
	}
	v.Controls = s.controls()
	if r := s.run; r == nil {
		v.Lesson = 0
	} else {
		p := r.play
		v.Title = b.T("view.title", "n", r.Lesson.Number, "title", r.Title)
		if r.Lesson.Source != "" {
			v.Title = b.T("view.title.yours", "title", r.Title)
		}
		v.Scenario = r.Lesson.Scenario
		switch {
		case r.Lesson.Sandbox:
			v.Scenario = "sandbox"
		case r.Lesson.Source != "":
			v.Scenario = "yours"
		}
		for _, c := range r.Scenario.Connects {
			link := [2]int{p.hostIndex(c.From), p.hostIndex(c.To)}
			if !slices.Contains(v.Links, link) {
				v.Links = append(v.Links, link)
			}
		}
		v.Chart = ChartView{End: p.end()}
		if r.Lesson.compareShown(s.ls.step) {
			v.Chart.Compare = &Comparison{Connections: r.With.Started, Runs: []ModeRun{
				modeRun(b, scenario.Serial, r.Serial), modeRun(b, scenario.NoEphemeral, r.Without), modeRun(b, scenario.Ephemeral, r.With)}}
		} else if cs := r.clients(); len(cs) == 1 {
			v.Chart.Limit = cs[0].Profile.Ephemeral.Size()
		}
		v.Narration, v.StepControls = s.narration()
		v.Hints = s.hints(v.Narration.Next)
		if s.presenter {
			// Too long a scenario for a link: no code, and K says why.
			v.Link, _ = s.fragment(false)
		}
		ks, _ := s.knobs()
		for i, k := range ks {
			v.Knobs = append(v.Knobs, KnobView{k, i == s.knob})
		}
	}
	if s.run == nil {
		v.Hints = s.hints("")
	}
	s.shown.v, s.shown.gen, s.shown.ok = v, s.gen, true
	return v
}

func (s *Session) controls() []Control {
	atStart, atEnd := true, true
	if s.run != nil {
		atStart, atEnd = s.run.play.now == 0, s.run.play.finished()
	}
	// While a question waits, the actions that move time wait too.
	open := s.questionOpen()
	c := func(a Action, pressed, disabled bool) Control {
		ctl := s.Control(a)
		ctl.Pressed, ctl.Disabled = pressed, disabled
		return ctl
	}
	play := c(ActPlay, s.playing, open)
	if s.playing {
		play.Label = s.T("control.pause")
	}
	cs := []Control{
		c(ActRestart, false, false),
		c(ActStepBack, false, atStart || open),
		play,
		c(ActStepForward, false, atEnd || open),
		c(ActSlower, false, s.set.Speed == Speeds[0]),
		c(ActFaster, false, s.set.Speed == Speeds[len(Speeds)-1]),
		c(ActFocus, false, false),
	}
	if s.run != nil && s.run.Lesson.ProfileSwitch {
		cs = append(cs, c(ActProfile, false, open))
	}
	if s.yourPCHere() {
		pc := c(ActYourPC, s.yourpc.shown, false)
		pc.Spare = true // the native app's, and the bar's last to find room
		cs = append(cs, pc)
	}
	cs = append(cs, c(ActEvents, s.events.open, false), c(ActCopyLink, false, s.run == nil), c(ActPresenter, s.presenter, false))
	if s.presenter {
		// A class session is a presenter's: the button is there while
		// presenting (V works at any time), in the language button's
		// place (W works at any time, and presenting is in a language
		// chosen before).
		cs = append(cs, c(ActClass, false, false))
	} else {
		cs = append(cs, s.languageControl())
	}
	return append(cs, c(ActFullscreen, false, false), c(ActHelp, s.help, false))
}

// listenText is a listening socket as the inspector names it: LISTEN for
// TCP; a UDP socket does not listen (there is no listen() for UDP), it is
// bound and receives every datagram to its port.
func listenText(b *phrase.Book, proto engine.Proto, local string) string {
	if proto == engine.UDP {
		return b.T("inspect.sock.udp-bound", "local", local)
	}
	return b.T("inspect.sock.listen", "local", local)
}

// rowStateName is a socket row's state name: TCP's, or for any UDP
// socket UDP (it has no connection state: bound, its row says).
func rowStateName(proto engine.Proto, tcp string) string {
	if proto == engine.UDP {
		return "UDP"
	}
	return tcp
}

// connText is a connection, with its TCP state, or a UDP socket (bound:
// UDP has no connection states) as the inspector names it. A send line's
// unconnected socket has no peer.
// local is its local address, whole or as the port alone.
func connText(b *phrase.Book, t engine.FourTuple, local string, st engine.ConnState) string {
	id := "inspect.sock.tcp"
	switch {
	case t.Proto == engine.UDP && !t.Remote.IsValid():
		id = "inspect.sock.udp-any"
	case t.Proto == engine.UDP:
		id = "inspect.sock.udp"
	}
	return b.T(id, "local", local, "remote", t.Remote.String(), "state", st.String())
}

// connRow is c's row in h's box.
func (s *Session) connRow(h *hostState, c connState) SocketRow {
	p := s.run.play
	row := SocketRow{Kind: RowConn, State: c.state, StateName: rowStateName(c.tuple.Proto, c.state.String()), Conn: c.id, Name: s.rowNames.name(p, c.id, h.Name), Local: c.tuple.Local, Remote: c.tuple.Remote,
		Proto: c.tuple.Proto, Inbound: h.listening(c.tuple.Local), book: s.run.book}
	if c.state == engine.TimeWait {
		row.TimeWaitLeft = max(0, c.since+h.Profile.TimeWait-p.now)
	}
	return row
}

// hostView fills hv with h's box, reusing hv's rows.
func (s *Session) hostView(hv *HostView, h *hostState) {
	p, b := s.run.play, s.run.book
	rows, failure := hv.Rows[:0], hv.Failure
	if h.profileBook != b {
		h.profileText, h.profileBook = profileText(b, h.Profile), b
	}
	*hv = HostView{Name: h.Name, Addr: h.Addr, AddrText: h.addrText, Profile: h.profileText, Unverified: h.Profile.Unverified, Range: h.Profile.Ephemeral,
		Client: h.client, Server: h.server, Conns: len(h.conns) - h.nUDP, InTW: h.nTW, UDP: h.nUDP, Failures: h.failures,
		HalfDuplex: s.run.Scenario.Ports == scenario.Serial && h.server, Serving: h.busy, book: b}
	for i, l := range h.listens {
		rows = append(rows, SocketRow{Kind: RowListen, StateName: rowStateName(h.listenProto[i], "LISTEN"), Local: l, Proto: h.listenProto[i], book: b})
	}
	hv.Keep = min(len(rows), maxRows)
	hv.Total = len(rows) + len(h.waiting) + len(h.conns)
	rows = rows[:min(len(rows), maxRows)]
	// Then the connections under way, those waiting for their 4-tuple, and
	// those in TIME_WAIT: a box too short for all keeps what is happening.
	active, tw := h.firstRows(maxRows-len(rows), s.scratch[0], s.scratch[1])
	for _, c := range active {
		rows = append(rows, s.connRow(h, c))
	}
	if len(h.waiting) > 0 && len(rows) < maxRows {
		for _, id := range h.waitingIDs() {
			if len(rows) == maxRows {
				break
			}
			e := h.waiting[id]
			rows = append(rows, SocketRow{Kind: RowWaiting, StateName: b.T("socket.waiting"), ReasonText: reasonText(b, e.Reason), Conn: id, Name: s.rowNames.name(p, id, h.Name), Local: e.Tuple.Local, Remote: e.Tuple.Remote, Reason: e.Reason,
				book: b})
		}
	}
	for _, c := range tw[:min(len(tw), maxRows-len(rows))] {
		rows = append(rows, s.connRow(h, c))
	}
	s.scratch[0], s.scratch[1] = active[:0], tw[:0]
	hv.Rows = rows
	if h.failOf != h.fail.Err {
		h.failOf, h.failName = h.fail.Err, engine.ErrnoName(h.fail.Err)
	}
	hv.LastErr, hv.LastErrName = h.fail.Err, h.failName
	if h.fail.Kind != 0 && p.now-h.fail.At < failShown {
		if failure == nil {
			failure = new(Failure)
		}
		*failure = Failure{Listen: h.fail.Kind == sim.Listen, Bind: h.fail.Bind, Tuple: h.fail.Tuple, Err: h.fail.Err, ErrName: hv.LastErrName}
		hv.Failure = failure
	}
}

// rowNames keeps the names of the connections the last view's host boxes
// listed, so that a connection's name is built once while it stays in a
// box rather than every frame (an ordinal's Sprintf and a concatenation).
// It holds two views' names at most: the last one's and this one's.
type rowNames struct {
	p         *player
	book      *phrase.Book
	words     *connWords // book's
	last, now map[rowName]string
}

// rowName is a name as a box shows it: on its client's box or another's.
type rowName struct {
	conn int
	own  bool
}

// start begins a view of p in b's language: the last view's names are
// kept if it was of p, in b's language.
func (r *rowNames) start(p *player, b *phrase.Book) {
	if r.p != p || r.book != b {
		if r.book != b {
			r.words = newConnWords(b)
		}
		r.p, r.book, r.last, r.now = p, b, map[rowName]string{}, map[rowName]string{}
		return
	}
	r.last, r.now = r.now, r.last
	clear(r.now)
}

// name is connection id's name on host's box.
func (r *rowNames) name(p *player, id int, host string) string {
	n := p.names[id]
	k := rowName{id, n.client == host}
	name, ok := r.now[k]
	if !ok {
		if name, ok = r.last[k]; !ok {
			name = r.words.name(n, host)
		}
		r.now[k] = name
	}
	return name
}

// packets appends the packets shown to out[:0].
func (s *Session) packets(out []PacketView) ([]PacketView, bool) {
	p := s.run.play
	every := max(1, (len(p.flights)+maxPackets-1)/maxPackets)
	for i, f := range p.flights {
		if i%every != 0 {
			continue
		}
		to := p.hostByAddr(f.Tuple.Remote.Addr())
		if to < 0 {
			continue
		}
		from := p.hostIndex(f.Host)
		flags := flagName(f)
		out = append(out, PacketView{From: from, To: to, Frac: float64(p.now-f.At) / float64(f.Arrive-f.At),
			Flags: flags, Label: packetText(s.run.book, flags), SrcPort: f.Tuple.Local.Port(), DstPort: f.Tuple.Remote.Port(),
			Response: p.hosts[from].listening(f.Tuple.Local), Conn: f.Conn})
	}
	return out, len(p.flights) <= labelledPackets
}

// replyChoice is a packet as an answer to its peer, as a choice's ID:
// "ack", "rst", or pkt: and its label.
func replyChoice(e sim.Event) string {
	switch f := flagName(e); f {
	case "ACK", "RST":
		return strings.ToLower(f)
	default:
		return "pkt:" + f
	}
}

// packetText is a packet's label (flagName) in b's language: TCP's flag
// names stay, "data", "copy" and "again" are words.
func packetText(b *phrase.Book, label string) string {
	if base, ok := strings.CutSuffix(label, " again"); ok {
		return b.T("packet.again", "packet", packetText(b, base))
	}
	switch label {
	case "query", "reply": // a UDP datagram
		return b.T("packet." + label)
	case "data":
		return b.T("packet.data")
	case "copy":
		return b.T("packet.copy")
	}
	return label
}

// flagName is how a packet is labelled, by what it does in TCP, the same
// in every language (a choice's ID: replyChoice): packetText words it.
func flagName(f sim.Event) string {
	switch {
	case f.Kind == sim.Unreachable:
		return "ICMP"
	case f.Tuple.Proto == engine.UDP && f.Reply:
		return "reply"
	case f.Tuple.Proto == engine.UDP:
		return "query"
	case f.Retransmit:
		return flagName(sim.Event{Flags: f.Flags, Len: f.Len}) + " again"
	case f.Delay > 0:
		return "copy"
	case f.Flags&sim.RST != 0:
		return "RST"
	case f.Flags&sim.SYN != 0 && f.Flags&sim.ACK != 0:
		return "SYN-ACK"
	case f.Flags&sim.SYN != 0:
		return "SYN"
	case f.Flags&sim.FIN != 0:
		return "FIN"
	case f.Len > 0:
		return "data"
	}
	return "ACK"
}

// portMap reads the focused host's ports from the engine when they or the
// host changed since the last look: not every frame, as reading is a pass
// over 65,536 ports, and the front end's over as many again.
func (s *Session) portMap() PortMapView {
	p := s.run.play
	h := &p.hosts[s.focus]
	e := p.engines[s.focus]
	proto := s.mapProto()
	if at := s.portsAt; at.host != e || at.proto != proto || at.changes != e.PortsChanged(proto) {
		e.PortStates(proto, &s.ports)
		s.portsAt.host, s.portsAt.proto, s.portsAt.changes = e, proto, e.PortsChanged(proto)
		s.portsGen++
		s.callouts = callouts(&s.ports, s.callouts[:0])
	}
	return PortMapView{Host: h.Name, Addr: h.Addr, Proto: proto, Range: h.Profile.Ephemeral, States: &s.ports, Gen: s.portsGen,
		Strip: h.Profile.Ephemeral.Size() <= rangeStripMax, Callouts: s.callouts}
}

// mapProto is the protocol whose ports the map shows.
func (s *Session) mapProto() engine.Proto {
	if s.focusUDP {
		return engine.UDP
	}
	return engine.TCP
}

// maxCallouts: up to this many ports in use are called out on the map,
// each a cell a unit or less wide; more show as the map's own colours.
const maxCallouts = 6

// callouts appends the ports not free in states to out, if there are at
// most maxCallouts of them; else none.
func callouts(states *[65536]engine.PortState, out []PortCallout) []PortCallout {
	for p, st := range states {
		if st == engine.PortFree {
			continue
		}
		if len(out) == maxCallouts {
			return out[:0]
		}
		out = append(out, PortCallout{Port: engine.Port(p), State: st})
	}
	return out
}

// inspection describes the pinned port, or else the one pointed at: its
// class, its state in the engine, and the sockets that use it.
func (s *Session) inspection() Inspection {
	n := s.pinned
	if n == 0 {
		n = s.pointed
	}
	if n == 0 {
		return Inspection{}
	}
	// A description scans the host's connections: made once per port and
	// moment, not every frame the pointer rests on the map.
	b := s.run.book
	proto := s.mapProto()
	key := inspectKey{s.run, b, s.focus, proto, n, s.portsGen}
	if s.inspected.key == key {
		return s.inspected.v
	}
	port := engine.Port(n - 1)
	h := &s.run.play.hosts[s.focus]
	id := "inspect.port"
	if h.Profile.Ephemeral.Contains(port) {
		id = "inspect.port.ephemeral"
	}
	if proto == engine.UDP {
		id += ".udp" // the map's other port space; TCP's is the default
	}
	text := b.T(id, "port", port, "class", classText(b, engine.ClassOf(port)), "host", h.Name, "state", portStateText(b, s.ports[port]))
	var socks, short []string
	onPort := ":" + strconv.Itoa(int(port))
	for i, l := range h.listens {
		if engine.Port(l.Port()) == port && h.listenProto[i] == proto {
			socks = append(socks, listenText(b, proto, l.String()))
			short = append(short, socks[len(socks)-1]) // its address is what it listens on
		}
	}
	conns, total := h.firstConns(maxInspected, func(c connState) bool {
		return engine.Port(c.tuple.Local.Port()) == port && c.tuple.Proto == proto
	})
	for _, c := range conns {
		socks = append(socks, connText(b, c.tuple, c.tuple.Local.String(), c.state))
		short = append(short, connText(b, c.tuple, onPort, c.state))
	}
	all := len(socks) - len(conns) + total
	switch {
	case all > 1:
		text = b.T("inspect.sockets", "port", text, "socket", socks[0], "n", all-1)
	case len(socks) > 0:
		text = b.T("inspect.socket", "port", text, "socket", socks[0])
	}
	socks, short = socks[:min(len(socks), maxInspected)], short[:min(len(short), maxInspected)]
	s.inspected.key, s.inspected.v = key, Inspection{Port: port, OK: true, Text: text, Sockets: socks, Short: short, More: all - len(socks)}
	return s.inspected.v
}

// inspectKey is what a port's description depends on.
type inspectKey struct {
	run      *Run
	book     *phrase.Book
	focus    int
	proto    engine.Proto
	port1    int
	portsGen uint64
}

// narration is the lesson panel: the step's text or question, and the
// step controls.
func (s *Session) narration() (Narration, []Control) {
	steps := s.steps()
	st := steps[s.ls.step]
	n := Narration{Step: s.ls.step, Steps: len(steps), Presenter: s.presenter, MaxLines: 3, Replayed: st.Replay != nil, book: s.run.book}
	if s.presenter {
		n.MaxLines = 1
	}
	if q := st.Ask; q != nil {
		qv := &QuestionView{ID: q.ID, Text: fill(q.Text, s.run, nil), ChoiceIDs: s.ls.choices, Chosen: s.ls.chosen, Verdict: s.ls.verdict,
			TruthID: s.ls.truth, Why: s.ls.why}
		if s.ls.verdict != Unjudged {
			qv.Truth = choiceLabel(s.run.book, s.ls.truth)
			lead := "verdict.right"
			if s.ls.verdict == Wrong {
				lead = "verdict.wrong"
			}
			qv.Lead = s.run.T(lead, "answer", qv.Truth)
		}
		for i, c := range s.ls.choices {
			ctl := s.Control(ActAnswer(i))
			ctl.Label, ctl.Pressed, ctl.Disabled = choiceLabel(s.run.book, c), i == s.ls.chosen, s.ls.chosen >= 0
			qv.Choices = append(qv.Choices, ctl)
		}
		n.Question, n.Text, n.MaxLines = qv, qv.Text, 1
	} else {
		n.Notes = fill(st.Say, s.run, nil)
		if !s.presenter {
			n.Text = n.Notes
		}
	}
	// The sandbox and the learner's own scenario are open-ended: their
	// one step never ends them.
	open := s.run.Lesson.Sandbox || s.run.Lesson.Source != ""
	// Complete once the last step has reached its pause (or the run its
	// end), not when it is merely paused on the way: the words go with
	// the moment shown.
	if s.ls.step == len(steps)-1 && !s.unfinished() && !s.questionOpen() && !open {
		n.Complete, n.Learnt = true, fill(s.run.Lesson.Learnt, s.run, nil)
		if next, ok := s.cat.Lesson(s.set.Lesson + 1); ok {
			n.Next = s.run.T("narration.next", "n", next.Number, "short", s.run.book.Of(next.prefix()+"short", next.Short))
		}
	}
	last := s.ls.step == len(steps)-1
	_, more := s.cat.Lesson(s.set.Lesson + 1)
	next, prev := s.Control(ActNextStep), s.Control(ActPrevStep)
	next.Disabled, prev.Disabled = last && !more, s.ls.step == 0
	cs := []Control{next, prev}
	switch {
	case s.questionOpen() && s.ls.chosen < 0:
		// PageDown waits for an answer: skipping is this button's, or Esc's.
		cs = append(cs, s.Control(ActEscape))
	case s.resetAsked:
		cs = append(cs, Control{Label: s.T("control.reset-confirm"), Action: ActResetProgress, Pressed: true})
	case !open: // the open-ended have no progress to reset; the sandbox's knobs take the room
		cs = append(cs, Control{Label: s.T("control.reset"), Action: ActResetProgress})
	}
	return n, cs
}

// Answers are every question answered so far, by id: "right" or "wrong".
func (s *Session) Answers() map[string]string { return maps.Clone(s.prog.Answers) }

// twoDigits rounds x to two significant digits: 9.3, 13, 0.41.
func twoDigits(x float64) float64 {
	if x <= 0 {
		return 0
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 2, 64), 64)
	return r
}
