package lesson

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/internal/observe"
	"github.com/portplay/portplay/lesson/phrase"
)

// Observer runs the observation of this computer's ports beside the
// model's (observe.Observe): it opens sockets on loopback and may take a
// while, so the session runs it on a goroutine of its own.
type Observer func() (observe.Report, error)

// ObserveHere observes this computer with the profile that models its OS
// (observe.ProfileFor): at most observe.DefaultFirst+DefaultSecond
// connections on loopback, every socket closed at the end, no setting
// changed.
func ObserveHere() (observe.Report, error) {
	p, err := observe.ProfileFor(runtime.GOOS)
	if err != nil {
		return observe.Report{}, err
	}
	return observe.Observe(p, observe.DefaultFirst, observe.DefaultSecond)
}

// observeSockets bounds the sockets one observation opens: two per
// connection (ours and the accepted one), two listeners and two binds
// (observe.Observe's own bound).
const observeSockets = 2*(observe.DefaultFirst+observe.DefaultSecond) + 4

// yourPC is the "Your computer" panel's state. An observation runs on
// its own goroutine and hands its one result over done; a frame only
// looks whether it has come (poll), so no frame waits for a socket.
type yourPC struct {
	shown   bool
	running bool
	done    chan yourPCResult // buffered: the goroutine never waits for the session
	elapsed time.Duration     // real time the run in progress has taken
	res     *yourPCResult     // the last run's, once it has come
}

type yourPCResult struct {
	rep observe.Report
	err error
}

// SetObserver sets what "Your computer" runs; nil says this front end
// cannot open sockets (a web page), and the panel says why instead.
func (s *Session) SetObserver(o Observer) {
	s.observer = o
}

// yourPCHere says whether the lesson shown offers "Your computer".
func (s *Session) yourPCHere() bool { return s.run != nil && s.run.Lesson.YourComputer }

// ToggleYourPC shows the panel and starts an observation, or hides it.
// An observation already under way goes on rather than start again.
func (s *Session) ToggleYourPC() {
	s.gen++
	y := &s.yourpc
	if y.shown {
		y.shown = false
		return
	}
	if !s.yourPCHere() {
		s.notice = msg{id: "notice.yourpc-elsewhere", args: []any{"lessons", s.cat.YourComputer()}}
		return
	}
	y.shown = true
	if s.observer == nil || y.running {
		return
	}
	y.running, y.elapsed, y.res = true, 0, nil
	y.done = make(chan yourPCResult, 1)
	go func(obs Observer, done chan<- yourPCResult) {
		var r yourPCResult
		defer func() {
			if p := recover(); p != nil {
				r = yourPCResult{err: fmt.Errorf("%v", p)}
			}
			done <- r
		}()
		r.rep, r.err = obs()
	}(s.observer, y.done)
}

// pollYourPC takes an observation's result if it has come, and counts
// the time one in progress has taken: one receive that never blocks,
// the whole of a frame's work for the panel.
func (s *Session) pollYourPC(dt time.Duration) {
	y := &s.yourpc
	if !y.running {
		return
	}
	select {
	case r := <-y.done:
		y.running, y.res, y.done = false, &r, nil
		s.gen++
	default:
		before := y.elapsed / time.Second
		y.elapsed += dt
		if y.shown && y.elapsed/time.Second != before {
			s.gen++ // the progress line's seconds
		}
	}
}

// Observing says whether an observation runs: a front end that idles
// while nothing moves keeps drawing frames until its result has come.
func (s *Session) Observing() bool { return s.yourpc.running }

// YourPCView is the "Your computer" panel: this computer's ports, seen
// on loopback, beside the model's for the profile of its OS, and the
// property table in words. Every text is finished, in the session's
// language, but Report, which is for the developers.
type YourPCView struct {
	Shown bool
	Title string
	// Running: an observation is under way; Progress says so, and how
	// long it has taken.
	Running  bool
	Progress string
	// Problem says why there is nothing to show: a web page cannot open
	// sockets (Browser), or the observation could not run.
	Problem string
	Browser bool
	// Safety says what the observation does and does not do; "" where
	// there is none (a web page).
	Safety string
	// Against names the two sides and the connections made; RangeText
	// the ephemeral range and where it was read.
	Against, RangeText string
	// Kernel and Model are the ports each side gave toward the first
	// destination, in order, for a picture as well as words.
	Kernel, Model PortRun
	Range         engine.Range
	// Note says what the two sequences are compared by.
	Note  string
	Props []PropertyRow
	// Heads are the table's column headings: property, this computer,
	// the model, verdict.
	Heads [4]string
	// Verdict sums the table up; Differ: a property differs, so the model
	// may be wrong for this OS version, and Report is the text to paste
	// into a report (in English, for the developers).
	Verdict string
	Differ  bool
	Report  string
	// Buttons are the panel's own: Save report where there is a report,
	// and Close.
	Buttons []Control
}

// PortRun is one side's ports toward one destination.
type PortRun struct {
	Label string // "This computer", "The model (macOS)"
	Ports []int
	Text  string // the first ports in words: "33012 33014 … (48 ports)"
}

// PropertyRow is one line of the property table, in words.
type PropertyRow struct {
	Name, Kernel, Model, Verdict string
	Match, NotObserved           bool
	// Why says why this run cannot tell, for a property not observed.
	Why string
}

// portsShown is how many ports of a sequence PortRun.Text lists.
const portsShown = 12

// yourPCView is the panel as it is now.
func (s *Session) yourPCView(b *phrase.Book) YourPCView {
	y := &s.yourpc
	if !y.shown {
		return YourPCView{}
	}
	v := YourPCView{Shown: true, Title: b.T("yourpc.title")}
	if s.observer != nil {
		v.Safety = b.T("yourpc.safety", "n", observeSockets)
	}
	switch {
	case s.observer == nil:
		v.Browser, v.Problem = true, b.T("yourpc.browser", "key", s.Key(ActYourPC))
	case y.running:
		v.Running, v.Progress = true, b.T("yourpc.running", "s", int(y.elapsed/time.Second))
	case y.res == nil:
	case y.res.err != nil:
		v.Problem = b.T("yourpc.failed", "err", y.res.err.Error())
	default:
		s.fillReport(&v, b, y.res.rep)
	}
	if v.Differ {
		v.Buttons = append(v.Buttons, s.Control(ActYourPCSave))
	}
	close := s.Control(ActYourPC)
	close.Label = b.T("control.yourpc-close")
	v.Buttons = append(v.Buttons, close)
	return v
}

// fillReport words rep into v.
func (s *Session) fillReport(v *YourPCView, b *phrase.Book, rep observe.Report) {
	osName := b.T("os." + rep.Profile)
	v.Against = b.T("yourpc.against", "os", osName, "first", len(rep.Kernel.First), "dest", rep.Dests[0],
		"second", len(rep.Kernel.Second), "dest2", rep.Dests[1])
	v.RangeText = b.T("yourpc.range.read", "range", rep.System, "source", rep.Source)
	if rep.Inferred {
		v.RangeText = b.T("yourpc.range.assumed", "range", rep.System)
	}
	v.Range = rep.Range
	v.Kernel = PortRun{Label: b.T("yourpc.kernel"), Ports: rep.Kernel.First, Text: portsText(b, rep.Kernel.First)}
	v.Model = PortRun{Label: b.T("yourpc.model", "os", osName), Ports: rep.Engine.First, Text: portsText(b, rep.Engine.First)}
	v.Note = b.T("yourpc.note")
	v.Heads = [4]string{b.T("yourpc.head.property"), b.T("yourpc.head.kernel"), b.T("yourpc.head.model"), b.T("yourpc.head.verdict")}
	differ := 0
	for _, p := range rep.Props {
		row := PropertyRow{Name: b.T("yourpc.prop."+p.Key, "range", rep.System), Kernel: valueText(b, p.Kernel), Model: valueText(b, p.Engine),
			Match: p.Match, NotObserved: p.NotObserved != ""}
		switch {
		case row.NotObserved:
			row.Verdict = b.T("yourpc.verdict.unseen")
			row.Why = b.T("yourpc.unseen."+p.Key, "n", rep.Range.Size(), "max", observe.MaxFirst+observe.MaxSecond)
		case p.Match:
			row.Verdict = b.T("yourpc.verdict.same")
		default:
			row.Verdict = b.T("yourpc.verdict.differs")
			differ++
		}
		v.Props = append(v.Props, row)
	}
	v.Verdict = b.T("yourpc.match", "os", osName)
	if differ > 0 {
		v.Differ = true
		v.Verdict = b.T("yourpc.differ", "n", differ, "os", osName, "save", b.T("control.yourpc-save"), "key", s.Key(ActYourPCSave))
		v.Report = reportText(rep)
	}
}

// valueIDs word a property's values: observe's yes/no, allowed/refused,
// unseen, and its orders.
var valueIDs = map[string]string{
	observe.Yes: "yourpc.value.yes", observe.No: "yourpc.value.no",
	observe.Allowed: "yourpc.value.allowed", observe.Refused: "yourpc.value.refused", observe.Unseen: "yourpc.value.unseen",
	string(observe.Climbing): "yourpc.order.climbing", string(observe.Parity): "yourpc.order.parity",
	string(observe.Varying): "yourpc.order.varying", string(observe.Random): "yourpc.order.random",
	string(observe.Unclear): "yourpc.order.unclear", string(observe.TooFew): "yourpc.order.too-few",
}

// valueText is value in words; a value observe has added since is shown
// as it is rather than hidden.
func valueText(b *phrase.Book, value string) string {
	if id, ok := valueIDs[value]; ok {
		return b.T(id)
	}
	return value
}

// portsText lists the first portsShown ports, and how many there are.
// Ports are written without a thousands separator in every language.
func portsText(b *phrase.Book, ports []int) string {
	var sb strings.Builder
	for i, p := range ports[:min(len(ports), portsShown)] {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(p))
	}
	return b.T("yourpc.ports", "ports", sb.String(), "n", len(ports))
}

// reportText is what a learner pastes into a report where the model
// differs from this computer: the observation's data, in the form
// `portsim observe` prints it, in English for the developers who read it
// (docs/translating.md: what stays English).
func reportText(rep observe.Report) string {
	var sb strings.Builder
	ports := func(ps []int) string { return strings.Trim(fmt.Sprint(ps), "[]") }
	fmt.Fprintf(&sb, "Portplay \"Your computer\": %s/%s against the engine's %s profile\n", rep.OS, runtime.GOARCH, rep.Profile)
	if rep.Version != "" {
		fmt.Fprintf(&sb, "OS version: %s\n", rep.Version)
	}
	fmt.Fprintf(&sb, "ephemeral range %s: %s\n", rep.System, rep.Source)
	for _, p := range rep.Props {
		if p.NotObserved == "" && !p.Match {
			fmt.Fprintf(&sb, "DIFFERS: %s: kernel %s, engine %s\n", p.Name, p.Kernel, p.Engine)
		}
	}
	fmt.Fprintf(&sb, "kernel toward %s: %s\n", rep.Dests[0], ports(rep.Kernel.First))
	fmt.Fprintf(&sb, "engine toward %s: %s\n", rep.Dests[0], ports(rep.Engine.First))
	fmt.Fprintf(&sb, "kernel toward %s: %s\n", rep.Dests[1], ports(rep.Kernel.Second))
	fmt.Fprintf(&sb, "engine toward %s: %s\n", rep.Dests[1], ports(rep.Engine.Second))
	return sb.String()
}

// ExportYourPC is the report of the last observation, where it differs
// from the model, as a file to attach or paste from: what the panel's
// Copy report button saves (natively there is no clipboard without cgo).
func (s *Session) ExportYourPC() (Export, error) {
	y := &s.yourpc
	if y.res == nil || y.res.err != nil || y.res.rep.Match {
		return Export{}, fmt.Errorf("%s", s.T("yourpc.no-report"))
	}
	return Export{Name: "portplay-your-computer.txt", Type: "text/plain", Data: []byte(reportText(y.res.rep)), Say: s.T("yourpc.report-saved")}, nil
}
