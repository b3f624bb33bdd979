package lesson

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// maxLessonSteps keeps a file from asking for more steps than a panel can
// count through; no lesson needs more than a handful.
const maxLessonSteps = 50

// Parse reads a lesson file (docs/lessons.md). number is the lesson's
// number, from its file name. The error, if any, is an *Error naming the
// line and column of the first problem and what was expected there.
func Parse(number int, name, src string) (*Lesson, error) {
	p := &parser{l: &Lesson{Number: number, Name: name, Idle: 1}, ids: map[string]bool{}}
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(strings.TrimSuffix(lines[i], "\r"), " \t")
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		if trimmed != line {
			return nil, p.errAt(i+1, len(line)-len(trimmed)+1, "an indented line continues a text (overview, say or ask); there is none to continue here")
		}
		// Indented lines that follow continue this one's text.
		cont := []int{i}
		for i+1 < len(lines) {
			next := strings.TrimRight(strings.TrimSuffix(lines[i+1], "\r"), " \t")
			nt := strings.TrimLeft(next, " \t")
			if nt == "" || nt == next || nt[0] == '#' {
				break
			}
			i++
			cont = append(cont, i)
		}
		if err := p.statement(lines, cont); err != nil {
			return nil, err
		}
	}
	return p.finish()
}

type parser struct {
	l    *Lesson
	step *Step // the step being read, if any
	ids  map[string]bool
	seen [16]bool // top-level directives given, by index in topLevel
}

func (p *parser) errAt(line, col int, format string, args ...any) error {
	return &Error{Pos: Pos{line, col}, Msg: fmt.Sprintf(format, args...)}
}

// word is one word of a line and the column it starts at.
type word struct {
	text string
	col  int
}

func words(line string) []word {
	var out []word
	for i := 0; i < len(line); {
		if line[i] == ' ' || line[i] == '\t' {
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		out = append(out, word{line[i:j], i + 1})
		i = j
	}
	return out
}

// restAfter is the text of line after its first n words, and its column.
func restAfter(line string, n int) (string, int) {
	ws := words(line)
	if len(ws) <= n {
		return "", len(line) + 1
	}
	return line[ws[n].col-1:], ws[n].col
}

var topLevel = []string{"title", "short", "scenario", "sandbox", "flight", "idle", "profile-switch", "your-computer", "compare", "ports", "overview", "learnt"}

func (p *parser) statement(lines []string, idx []int) error {
	n := idx[0] + 1
	line := strings.TrimRight(strings.TrimSuffix(lines[idx[0]], "\r"), " \t")
	ws := words(line)
	kw := ws[0]
	// text reads a text that starts after the first skip words and runs on
	// through the continuation lines; a reason (why) may also name the
	// answer's quantities.
	text := func(skip int) (Text, error) {
		rest, col := restAfter(line, skip)
		if rest == "" {
			return Text{}, p.errAt(n, col, "%s: the text is missing", kw.text)
		}
		t := Text{Pos: Pos{n, col}, answer: kw.text == "why"}
		if err := t.add(rest, Pos{n, col}); err != nil {
			return Text{}, err
		}
		for _, k := range idx[1:] {
			l := strings.TrimRight(strings.TrimSuffix(lines[k], "\r"), " \t")
			tl := strings.TrimLeft(l, " \t")
			if err := t.add(tl, Pos{k + 1, len(l) - len(tl) + 1}); err != nil {
				return Text{}, err
			}
		}
		return t, nil
	}
	if !textStatements[kw.text] && len(idx) > 1 {
		k := idx[1]
		return p.errAt(k+1, 1, "an indented line continues a text; %s takes none", kw.text)
	}
	if i := slices.Index(topLevel, kw.text); i >= 0 {
		if p.step != nil {
			return p.errAt(n, kw.col, "%s belongs before the first step", kw.text)
		}
		if p.seen[i] {
			return p.errAt(n, kw.col, "%s is given twice", kw.text)
		}
		p.seen[i] = true
	}
	arg := func() (word, error) {
		if len(ws) < 2 {
			return word{}, p.errAt(n, len(line)+1, "%s: a value is missing", kw.text)
		}
		if len(ws) > 2 {
			return word{}, p.errAt(n, ws[2].col, "%s: unexpected %q; it takes one value", kw.text, ws[2].text)
		}
		return ws[1], nil
	}
	none := func() error {
		if len(ws) > 1 {
			return p.errAt(n, ws[1].col, "%s: unexpected %q; it takes no value", kw.text, ws[1].text)
		}
		return nil
	}
	seconds := func() (float64, error) {
		w, err := arg()
		if err != nil {
			return 0, err
		}
		f, err := strconv.ParseFloat(w.text, 64)
		if err != nil || f <= 0 || f > 3600 {
			return 0, p.errAt(n, w.col, "%s %s: want a number of seconds above 0, at most 3600", kw.text, w.text)
		}
		return f, nil
	}
	l := p.l
	var err error
	switch kw.text {
	case "title":
		rest, col := restAfter(line, 1)
		if rest == "" {
			return p.errAt(n, col, "title: the text is missing")
		}
		l.Title = rest
	case "short":
		rest, col := restAfter(line, 1)
		if rest == "" || len([]rune(rest)) > 14 {
			return p.errAt(n, col, "short: want a name of 1 to 14 characters for the lesson's button")
		}
		l.Short = rest
	case "scenario":
		w, err := arg()
		if err != nil {
			return err
		}
		l.Scenario = w.text
	case "sandbox":
		l.Sandbox = true
		return none()
	case "flight":
		l.Flight, err = seconds()
	case "idle":
		l.Idle, err = seconds()
	case "profile-switch":
		l.ProfileSwitch = true
		return none()
	case "your-computer":
		l.YourComputer = true
		return none()
	case "compare":
		l.Compare = true
		return none()
	case "ports":
		w, err := arg()
		if err != nil {
			return err
		}
		i := slices.IndexFunc(scenario.PortModes, func(m scenario.Ports) bool { return m.String() == w.text })
		if i < 0 {
			return p.errAt(n, w.col, "ports %s: want on, off or serial", w.text)
		}
		l.Ports, l.HasPorts = scenario.PortModes[i], true
	case "overview":
		l.Overview, err = text(1)
	case "learnt":
		l.Learnt, err = text(1)
	case "step":
		if len(l.Steps) == maxLessonSteps {
			return p.errAt(n, kw.col, "step: at most %d steps", maxLessonSteps)
		}
		// The step's name keys its texts in the phrasebook
		// (lesson.N.NAME.say): a translation stays with its step when
		// steps are added or moved.
		name, err := arg()
		if err != nil {
			return p.errAt(n, len(line)+1, "step: want the step's name (letters, digits and -), e.g. step first-ports")
		}
		if !validID(name.text) {
			return p.errAt(n, name.col, "step: name %q: want letters, digits and -", name.text)
		}
		if slices.ContainsFunc(l.Steps, func(st Step) bool { return st.Name == name.text }) {
			return p.errAt(n, name.col, "step: name %q is used twice", name.text)
		}
		l.Steps = append(l.Steps, Step{Pos: Pos{n, kw.col}, Name: name.text})
		p.step = &l.Steps[len(l.Steps)-1]
		return nil
	case "say", "ask", "until", "choices", "answer", "why", "expect", "replay", "show":
		if p.step == nil {
			return p.errAt(n, kw.col, "%s belongs to a step: write `step` first", kw.text)
		}
		return p.stepLine(kw, ws, line, n, text)
	default:
		return p.errAt(n, kw.col, "unknown statement %q; want one of %s, step, say, ask, choices, until, answer, why, expect, replay or show", kw.text, strings.Join(topLevel, ", "))
	}
	return err
}

func (p *parser) stepLine(kw word, ws []word, line string, n int, text func(int) (Text, error)) error {
	st := p.step
	q := st.Ask
	var err error
	switch kw.text {
	case "say":
		if st.Say.Src != "" || q != nil {
			return p.errAt(n, kw.col, "say: a step says one text, or asks one question")
		}
		st.Say, err = text(1)
	case "ask":
		if st.Say.Src != "" || q != nil {
			return p.errAt(n, kw.col, "ask: a step says one text, or asks one question")
		}
		if len(ws) < 2 {
			return p.errAt(n, len(line)+1, "ask: want an id (saved with the learner's progress), then the question")
		}
		id := ws[1]
		if !validID(id.text) {
			return p.errAt(n, id.col, "ask: id %q: want letters, digits and -", id.text)
		}
		if p.ids[id.text] {
			return p.errAt(n, id.col, "ask: id %q is used twice", id.text)
		}
		p.ids[id.text] = true
		st.Ask = &Question{ID: id.text}
		st.Ask.Text, err = text(2)
	case "choices":
		if q == nil {
			return p.errAt(n, kw.col, "choices: the step asks no question (write ask first)")
		}
		if len(q.Choices.Fixed) > 0 || q.Choices.From != ChoicesFixed {
			return p.errAt(n, kw.col, "choices are given twice")
		}
		rest, col := restAfter(line, 1)
		switch rest {
		case "":
			return p.errAt(n, col, "choices: want next-port, range-multiples, or 2 or 3 choices separated by |")
		case "next-port":
			q.Choices.From = ChoicesNextPort
		case "range-multiples":
			q.Choices.From = ChoicesRangeMultiples
		default:
			at := col
			for raw := range strings.SplitSeq(rest, "|") {
				lead := len(raw) - len(strings.TrimLeft(raw, " "))
				c := strings.TrimSpace(raw)
				if c == "" {
					return p.errAt(n, at, "choices: an empty choice")
				}
				if !validChoice(c) {
					return p.errAt(n, at+lead, "choices: unknown choice %q; want %s, an errno name such as EADDRINUSE, or no:ERRNO", c, strings.Join(choiceWords, ", "))
				}
				var t Text
				if err := t.add(c, Pos{n, at + lead}); err != nil {
					return err
				}
				q.Choices.Fixed = append(q.Choices.Fixed, t)
				at += len(raw) + 1
			}
			if len(q.Choices.Fixed) < 2 || len(q.Choices.Fixed) > 3 {
				return p.errAt(n, col, "choices: want 2 or 3 choices separated by |, got %d", len(q.Choices.Fixed))
			}
		}
	case "until":
		if st.Until != nil {
			return p.errAt(n, kw.col, "until is given twice")
		}
		st.Until, err = p.cond(ws[1:], n, len(line)+1)
	case "why":
		if q == nil {
			return p.errAt(n, kw.col, "why: the step asks no question (write ask first)")
		}
		if q.Why.Src != "" {
			return p.errAt(n, kw.col, "why is given twice")
		}
		q.Why, err = text(1)
	case "expect":
		var e Expect
		if e, err = p.expect(ws[1:], n, len(line)+1); err == nil {
			st.Expect = append(st.Expect, e)
		}
	case "replay":
		if st.Replay != nil {
			return p.errAt(n, kw.col, "replay is given twice")
		}
		if len(ws) < 3 {
			return p.errAt(n, len(line)+1, "replay: want on, off or serial, then the act's title")
		}
		i := slices.IndexFunc(scenario.PortModes, func(m scenario.Ports) bool { return m.String() == ws[1].text })
		if i < 0 {
			return p.errAt(n, ws[1].col, "replay %s: want on, off or serial", ws[1].text)
		}
		title, _ := restAfter(line, 2)
		st.Replay = &Replay{Ports: scenario.PortModes[i], Title: title}
	case "show":
		if len(ws) != 2 || ws[1].text != "compare" {
			return p.errAt(n, kw.col, "show: want show compare (the comparison chart, from this step on)")
		}
		st.ShowCompare = true
	case "answer":
		if q == nil {
			return p.errAt(n, kw.col, "answer: the step asks no question (write ask first)")
		}
		if q.Answer.Kind != 0 {
			return p.errAt(n, kw.col, "answer is given twice")
		}
		q.Answer, err = p.answer(ws[1:], n, len(line)+1)
	}
	return err
}

// textStatements take a text that indented lines may continue.
var textStatements = map[string]bool{"overview": true, "learnt": true, "say": true, "ask": true, "why": true}

var expectNames = map[string]Expectation{"connections": ExpectConnections, "time-wait": ExpectTimeWait, "failures": ExpectFailures, "range-full": ExpectRangeFull, "waiting": ExpectWaiting, "udp-sockets": ExpectUDPSockets}

// expect reads `[N] connections|time-wait|failures|waiting|range-full [on HOST]`.
func (p *parser) expect(ws []word, n, end int) (Expect, error) {
	e := Expect{Pos: Pos{n, end}, N: 1}
	const want = "want [N] connections, time-wait, failures, waiting, udp-sockets or range-full, then [on HOST]"
	if len(ws) > 0 {
		e.Pos.Col = ws[0].col
		if v, err := strconv.Atoi(ws[0].text); err == nil {
			if v < 1 {
				return e, p.errAt(n, ws[0].col, "expect: the count %s: want 1 or more", ws[0].text)
			}
			e.N, ws = v, ws[1:]
		}
	}
	if len(ws) == 0 {
		return e, p.errAt(n, end, "expect: %s", want)
	}
	what, ok := expectNames[ws[0].text]
	if !ok {
		return e, p.errAt(n, ws[0].col, "expect: unknown %q; %s", ws[0].text, want)
	}
	e.What = what
	switch {
	case len(ws) == 1:
	case len(ws) == 3 && ws[1].text == "on":
		e.Host = ws[2].text
	default:
		return e, p.errAt(n, ws[1].col, "expect: unexpected %q; %s", ws[1].text, want)
	}
	if what == ExpectRangeFull && e.Host == "" {
		return e, p.errAt(n, end, "expect range-full: name the host, e.g. range-full on client")
	}
	return e, nil
}

var answerNames = map[string]AnswerKind{"port": AnswerPort, "outcome": AnswerOutcome, "side": AnswerSide, "count": AnswerCount, "listen": AnswerListen, "listen-again": AnswerListenAgain, "reply": AnswerReply, "tw-reuse": AnswerTWReuse, "reuseaddr": AnswerReuseAddr, "port-step": AnswerPortStep, "bind-udp": AnswerBindUDP}

func (p *parser) answer(ws []word, n, end int) (Answer, error) {
	if len(ws) == 0 {
		return Answer{}, p.errAt(n, end, "answer: want port, outcome, side, count, reply, tw-reuse, reuseaddr, port-step, listen PORT, listen-again PORT or bind-udp PORT")
	}
	k, ok := answerNames[ws[0].text]
	if !ok {
		return Answer{}, p.errAt(n, ws[0].col, "answer: unknown %q; want port, outcome, side, count, reply, tw-reuse, reuseaddr, port-step, listen PORT, listen-again PORT or bind-udp PORT", ws[0].text)
	}
	a := Answer{Kind: k}
	want := 1
	if k == AnswerListen || k == AnswerListenAgain || k == AnswerBindUDP {
		want = 2
		if len(ws) < 2 {
			return Answer{}, p.errAt(n, end, "answer %s: want the port to try, e.g. %s 80", ws[0].text, ws[0].text)
		}
		v, err := strconv.Atoi(ws[1].text)
		if err != nil || v < 1 || v > 65535 {
			return Answer{}, p.errAt(n, ws[1].col, "answer %s %s: want a port from 1 to 65535", ws[0].text, ws[1].text)
		}
		a.Port = engine.Port(v)
	}
	if len(ws) > want {
		return Answer{}, p.errAt(n, ws[want].col, "answer: unexpected %q", ws[want].text)
	}
	return a, nil
}

var specialNames = map[string]Special{"connect": Connect, "range-full": RangeFull, "last-done": LastDone}

// cond reads `[N] KIND [on HOST | not-on HOST] [state STATE]`.
func (p *parser) cond(ws []word, n, end int) (*Cond, error) {
	c := &Cond{Pos: Pos{n, end}}
	if len(ws) > 0 {
		c.Pos.Col = ws[0].col
	}
	if len(ws) > 0 {
		if v, err := strconv.Atoi(ws[0].text); err == nil {
			if v < 1 || v > 10_000_000 {
				return nil, p.errAt(n, ws[0].col, "until: the count %s: want 1 or more", ws[0].text)
			}
			c.Nth = v
			ws = ws[1:]
		}
	}
	if len(ws) == 0 {
		return nil, p.errAt(n, end, "until: want an event kind (%s) or connect, range-full, last-done", kindList())
	}
	k := ws[0]
	if s, ok := specialNames[k.text]; ok {
		c.Special = s
	} else if kind, ok := kindByName(k.text); ok {
		c.Kind = kind
	} else {
		return nil, p.errAt(n, k.col, "until: unknown event %q; want %s, or connect, range-full, last-done", k.text, kindList())
	}
	if c.Nth > 0 && c.Special != SpecialNone && c.Special != Connect {
		return nil, p.errAt(n, ws[0].col, "until: %s takes no count", k.text)
	}
	for i := 1; i < len(ws); i += 2 {
		opt := ws[i]
		if i+1 >= len(ws) {
			return nil, p.errAt(n, end, "until: %s needs a value", opt.text)
		}
		v := ws[i+1]
		switch opt.text {
		case "on":
			c.Host = v.text
		case "not-on":
			c.NotHost = v.text
		case "state":
			st, ok := stateByName(v.text)
			if !ok {
				return nil, p.errAt(n, v.col, "until: unknown state %q; want one of %s", v.text, stateList())
			}
			if c.Kind != sim.State {
				return nil, p.errAt(n, opt.col, "until: state is for state events")
			}
			c.State = st
		default:
			return nil, p.errAt(n, opt.col, "until: unexpected %q; want on HOST, not-on HOST or state STATE", opt.text)
		}
	}
	return c, nil
}

func kindByName(s string) (sim.Kind, bool) {
	for k := sim.Kind(1); k.String() != fmt.Sprintf("Kind(%d)", k); k++ {
		if k.String() == s {
			return k, true
		}
	}
	return 0, false
}

func kindList() string {
	var out []string
	for k := sim.Kind(1); k.String() != fmt.Sprintf("Kind(%d)", k); k++ {
		out = append(out, k.String())
	}
	return strings.Join(out, ", ")
}

func stateByName(s string) (engine.ConnState, bool) {
	for st := engine.SynSent; st <= engine.Closed; st++ {
		if st.String() == s {
			return st, true
		}
	}
	return 0, false
}

func stateList() string {
	var out []string
	for st := engine.SynSent; st <= engine.Closed; st++ {
		out = append(out, st.String())
	}
	return strings.Join(out, ", ")
}

func validID(s string) bool {
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

// finish checks what needs the whole file.
func (p *parser) finish() (*Lesson, error) {
	l := p.l
	if l.Sandbox == (l.Scenario != "") {
		return nil, p.errAt(1, 1, "a lesson runs either a built-in scenario (scenario NAME) or the sandbox (sandbox)")
	}
	if l.Short == "" {
		return nil, p.errAt(1, 1, "short is missing: the lesson's name on its button")
	}
	if l.Overview.Src == "" {
		return nil, p.errAt(1, 1, "overview is missing: the text shown as the lesson opens")
	}
	if l.Learnt.Src == "" {
		return nil, p.errAt(1, 1, "learnt is missing: what the lesson taught, in one line, said as it ends")
	}
	l.key()
	for i := range l.Steps {
		st := &l.Steps[i]
		switch {
		case st.Say.Src == "" && st.Ask == nil:
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d says nothing: give it say or ask", i+1)
		case st.Ask != nil && st.Ask.Answer.Kind == 0:
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d asks a question with no answer line", i+1)
		case st.Ask != nil && len(st.Ask.Choices.Fixed) == 0 && st.Ask.Choices.From == ChoicesFixed:
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d asks a question with no choices line", i+1)
		case st.Ask != nil && st.Ask.Why.Src == "":
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d asks a question with no why line: every verdict says why", i+1)
		case st.Replay != nil && l.Sandbox:
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d: replay needs a scenario; the sandbox has its knobs", i+1)
		case st.ShowCompare && !l.Compare:
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d: show compare needs compare before the first step", i+1)
		case st.Ask != nil && st.Ask.Answer.atOnce() != (st.Until == nil):
			return nil, p.errAt(st.Pos.Line, st.Pos.Col, "step %d: a question is answered by the event it plays until, except answer listen, listen-again, tw-reuse and reuseaddr, which play nothing", i+1)
		}
	}
	return l, nil
}
