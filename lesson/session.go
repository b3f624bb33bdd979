package lesson

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/lesson/phrase"
)

// Verdict is the engine's judgement of an answer.
type Verdict uint8

const (
	Unjudged Verdict = iota
	Right
	Wrong
)

func (v Verdict) String() string { return [...]string{"", "right", "wrong"}[v] }

// stepState is where the learner is in the current lesson.
type stepState struct {
	step    int
	choices []string // the current question's choices' IDs, computed when it is reached
	chosen  int      // index into choices; -1 before an answer
	verdict Verdict
	truth   string // the engine's answer's ID, once known
	why     string // the verdict's reason, in the session's language
	judged  answerCtx
	mark    int // connections that got a port before the question was answered
}

// Session is one learner's use of Portplay: the lesson open, its run, the
// playback, the lesson step, the answers and what is shown. It is the
// model every front end renders through View, and changes only through
// its methods.
type Session struct {
	cat       *Catalogue
	set       Settings
	run       *Run
	playing   bool
	help      bool
	presenter bool
	// reducedMotion: the learner's system asks for less motion.
	reducedMotion bool
	knob          int // the sandbox knob that ↑/↓ change
	focus         int // the host whose ports the map shows
	// focusUDP: the map shows the focused host's UDP ports, a port space
	// of their own, rather than its TCP ports.
	focusUDP bool
	problems []msg
	fatal    msg
	notice   msg // why the last action did nothing, until the next one
	// resetAsked: Reset progress was pressed once; a second press, the
	// very next action, confirms it.
	resetAsked bool
	info       msg // what the front end did (a link copied, a file saved), until the next action
	// langWanted: the language button asked for a language whose
	// phrasebook the front end is fetching (LanguageFetched).
	langWanted string
	// langFailed: the last language whose phrasebook could not be had.
	langFailed string
	ls         stepState
	// act is the step whose Replay the run was built for (Lesson.act); 0
	// for the lesson's own start.
	act   int
	prog  Progress
	store Store
	// The port pointed at, and the one pinned by a click or tap: port+1,
	// 0 for none.
	pointed, pinned int
	// gen changes whenever anything but the moving parts changes, so a
	// front end can keep what it drew of the rest.
	gen uint64
	// The port map of the focused host, read from the engine when its
	// ports changed (engine.Host.PortsChanged) or the host did.
	ports   [65536]engine.PortState
	portsAt struct {
		host    *engine.Host
		proto   engine.Proto
		changes uint64
	}
	portsGen uint64
	// callouts are the ports in use on the map when they are few.
	callouts []PortCallout
	// The last port description and what it was made for.
	inspected struct {
		key inspectKey
		v   Inspection
	}
	// budget bounds each Tick's simulation work; keptUp is the part of
	// the asked speed the last Ticks reached, smoothed so that the status
	// line does not flicker.
	budget Budget
	keptUp float64
	// shown is the part of the view that changes only with gen, as made
	// for gen; scratch holds connections picked for a view.
	shown struct {
		v   View
		gen uint64
		ok  bool
	}
	scratch [2][]connState
	// rowNames are the names of the rows the last view showed.
	rowNames rowNames
	// logEpoch changes whenever the run starts again, for Recent.
	logEpoch uint64
	// custom is the learner's own scenario as a lesson, once opened.
	custom *Lesson
	events eventsState
	// observer is what "Your computer" runs (nil in a web page), yourpc
	// its panel.
	observer Observer
	yourpc   yourPC
}

// NewSession opens the lesson the settings ask for (or the one the learner
// was last in) with the progress in store. problems are messages about
// settings that were rejected, shown until dismissed.
func NewSession(cat *Catalogue, s Settings, problems []string, store Store) *Session {
	ss := &Session{cat: cat, set: s, store: store, budget: DefaultBudget(), keptUp: 1, events: eventsState{selected: -1},
		observer: hereObserver}
	for _, p := range problems {
		ss.problems = append(ss.problems, msg{text: p})
	}
	var err error
	ss.prog, err = loadProgress(store)
	if err != nil {
		ss.problems = append(ss.problems, msg{id: "problem.progress-unreadable", args: []any{"err", err.Error()}})
	}
	if !s.LangGiven && ss.prog.Lang != "" && PhrasesLoaded(ss.prog.Lang) {
		ss.set.Lang = ss.prog.Lang
	}
	if _, ok := cat.Lesson(ss.prog.Lesson); !s.LessonGiven && ok {
		ss.set.Lesson = ss.prog.Lesson
	}
	if s.Scenario != "" {
		if l, err := customLesson(s.Scenario); err == nil {
			ss.custom, ss.set.Lesson = l, CustomLesson
		} else {
			ss.problems = append(ss.problems, msg{id: "problem.scenario-unopened", args: []any{"err", err.Error()}})
		}
	}
	step := -1
	if s.Step > 0 && ss.set.Lesson != CustomLesson {
		step = s.Step - 1 // a link's, with the narration its moment goes with
	}
	ss.openAt(ss.set.Lesson, step)
	if n := len(ss.steps()); ss.run != nil && step >= n {
		ss.problems = append(ss.problems, msg{id: "problem.step-past-end", args: []any{"step", s.Step, "lesson", ss.set.Lesson, "last", n}})
	}
	ss.playing = ss.playing && !s.Paused
	if s.At > 0 && ss.run != nil {
		// A link's moment: shown paused, to be talked about.
		ss.run.play.seek(s.At)
		ss.playing = false
		ss.settle()
	}
	return ss
}

// SetBudget sets how much simulation work one Tick may do (a zero Budget
// sets no limit).
func (s *Session) SetBudget(b Budget) { s.budget = b }

// Settings are the settings in force (knobs and speed as changed since).
func (s *Session) Settings() Settings { return s.set }

// Playing says whether time runs.
func (s *Session) Playing() bool { return s.playing }

// open shows lesson n at the step saved for it.
func (s *Session) open(n int) { s.openAt(n, -1) }

// openAt shows lesson n at step i (from 0), or at the step saved for it
// when i < 0.
func (s *Session) openAt(n, i int) {
	s.act = 0
	s.load(n, 0)
	if s.run == nil {
		return
	}
	if i < 0 {
		i = s.prog.Steps[n]
	}
	s.gotoStep(i)
	// A lesson opened at its start plays: the overview is the scene alive.
	s.playing = s.ls.step == 0
}

// load builds lesson n and shows it at time at.
func (s *Session) load(n int, at time.Duration) {
	s.gen++
	s.logEpoch++
	l, ok := s.lesson(n)
	if !ok {
		s.fatal = msg{id: "fatal.no-lesson", args: []any{"n", n, "last", len(s.cat.Lessons)}}
		s.run = nil
		return
	}
	r, err := newRunAt(l, s.set, s.act)
	if err != nil {
		s.fatal = msg{id: "fatal.lesson-unbuilt", args: []any{"n", n, "err", err.Error(), "last", len(s.cat.Lessons)}}
		s.run = nil
		return
	}
	s.fatal = msg{}
	s.set.Lesson = n
	s.run = r
	s.yourpc.shown = s.yourpc.shown && l.YourComputer
	if s.focus >= len(r.play.hosts) {
		s.focus = 0
	}
	if at == 0 {
		s.FocusHost(r.play.firstClient())
	}
	r.play.seek(at)
	s.pinned = 0
	s.keptUp = 1
}

// Tick plays dt of real time.
func (s *Session) Tick(dt time.Duration) {
	s.pollYourPC(dt)
	if s.run == nil || !s.playing {
		return
	}
	if s.run.play.now == 0 {
		s.gen++ // leaving the start enables Back
	}
	got := s.run.play.play(dt, s.set.Speed, s.run.pace, s.budget)
	s.keptUp += (got - s.keptUp) / 8
	s.settle()
}

// PlayToPause plays at once to the current step's pause (or the end),
// passing each event on the way to each: a terminal's way to play.
func (s *Session) PlayToPause(each func(sim.Event)) {
	if s.run == nil || !s.playing {
		return
	}
	p := s.run.play
	p.tap = each
	defer func() { p.tap = nil }()
	for p.hit == nil && !p.finished() {
		p.stepForward()
	}
	s.settle()
}

// Replay passes each event up to the moment shown to each, from a fresh
// run of the same deterministic scenario: what a terminal prints of what
// happened before it started printing.
func (s *Session) Replay(each func(sim.Event)) {
	if s.run == nil {
		return
	}
	sm, err := sim.New(s.run.Scenario)
	if err != nil {
		return // the same scenario runs already; it cannot fail now
	}
	sm.Run(s.run.play.now, each)
}

// settle pauses where the lesson's pause was reached, judging the answer
// it waited for, and at the end of the run.
func (s *Session) settle() {
	p := s.run.play
	if p.hit != nil {
		// The lesson's pause: the event it waited for happened.
		hit := *p.hit
		p.watch, p.hit = nil, nil
		s.playing = false
		s.gen++
		if q := s.question(); q != nil && s.ls.chosen >= 0 && s.ls.verdict == Unjudged {
			s.judge(hit)
		}
	}
	if p.finished() && s.playing {
		s.playing = false
		s.gen++
	}
}

// locked are the actions that would move time while a question waits
// for its answer: the engine's answer must come from the event it asks
// about, so the learner answers first.
var locked = map[Action]bool{ActPlay: true, ActStepForward: true, ActStepBack: true, ActProfile: true,
	ActEventSeek: true, ActTimeStart: true, ActTimeEnd: true, ActTimeBack: true, ActTimeForward: true}

// Do carries out an action.
func (s *Session) Do(a Action) {
	s.gen++
	s.notice, s.info = msg{}, msg{}
	asked := s.resetAsked
	s.resetAsked = false // any other action keeps the progress
	if a == ActResetProgress {
		s.resetAsked = asked
	}
	switch {
	case a == ActHelp:
		s.help = !s.help
		return
	case a == ActYourPC:
		s.ToggleYourPC()
		return
	case a == ActEscape && s.yourpc.shown:
		s.yourpc.shown = false
		return
	case a == ActEscape && (s.help || len(s.problems) > 0):
		s.help, s.problems = false, nil
		return
	case a == ActEscape && s.questionOpen() && s.ls.chosen < 0:
		s.gotoStep(s.ls.step + 1) // skipped: the next step, as if answered
		return
	case (locked[a] || a == ActNextStep) && s.questionOpen() && s.ls.chosen < 0:
		// PageDown and Enter too: a presenter's clicker sends them, and a
		// click must not skip what the class is predicting.
		s.notice = msg{id: "notice.answer-first", args: []any{"a", keyIn(ActAnswer(0)), "b", keyIn(ActAnswer(1)), "c", keyIn(ActAnswer(2)),
			"esc", keyIn(ActEscape), "skip", func(b *phrase.Book) string { return b.T("control.skip") }}}
		return
	case locked[a] && s.questionOpen():
		s.notice = msg{id: "notice.engine-answering"}
		return
	case a == ActResetProgress && !s.resetAsked:
		s.resetAsked = true
		s.notice = msg{id: "notice.reset-confirm"}
		return
	case a.Kind == KindOpen && (a.Arg >= 1 && a.Arg <= len(s.cat.Lessons) || a.Arg == CustomLesson && s.custom != nil):
		s.open(a.Arg)
		return
	case a == ActLanguage:
		s.chooseLanguage()
		return
	case a == ActPresenter:
		s.presenter = !s.presenter
		return
	case a == ActEvents:
		s.ToggleEvents()
		return
	case a == ActEventHost || a == ActEventKind:
		s.FilterEvents(a == ActEventHost)
		return
	case a == ActEventUp || a == ActEventDown:
		s.MoveEventCursor(map[bool]int{true: -1, false: 1}[a == ActEventUp])
		return
	case a == ActEventSeek:
		if n := s.SelectedEvent(); n >= 0 {
			s.SeekEvent(n)
		}
		return
	case s.run == nil:
		return
	}
	p := s.run.play
	if a.Kind == KindAnswer {
		s.answer(a.Arg)
		return
	}
	switch a {
	case ActPlay:
		if p.finished() {
			s.load(s.set.Lesson, 0)
		}
		s.playing = !s.playing
	case ActStepForward:
		s.playing = false
		p.stepForward()
	case ActStepBack:
		s.playing = false
		p.stepBack()
		s.logEpoch++ // replayed from the start
	case ActTimeStart:
		s.SeekTo(0)
	case ActTimeEnd:
		s.SeekTo(p.end())
	case ActTimeBack:
		s.SeekTo(p.now - p.end()/timeSteps)
	case ActTimeForward:
		s.SeekTo(p.now + p.end()/timeSteps)
	case ActFaster, ActSlower:
		i := slices.Index(Speeds, s.set.Speed)
		if a == ActFaster {
			i = min(i+1, len(Speeds)-1)
		} else {
			i = max(i-1, 0)
		}
		s.set.Speed = Speeds[i]
		s.keptUp = 1
	case ActRestart:
		s.act = 0
		s.load(s.set.Lesson, 0)
		s.enter(0)
		s.playing = true
	case ActNextStep:
		if s.ls.step > 0 && s.unfinished() {
			// The narration goes with the moment shown: the step first
			// plays to its pause (and its question to the engine's
			// verdict), at once; the next press goes on.
			s.finishStep()
			return
		}
		if next, ok := s.cat.Lesson(s.set.Lesson + 1); ok && s.ls.step == len(s.steps())-1 {
			s.open(next.Number) // the lesson is complete: on to the next
			return
		}
		if s.ls.step == 0 {
			// The overview plays the whole scene, past what the lesson's
			// steps wait for: the lesson proper replays it from the
			// start, and says so.
			if p.now > 0 {
				s.info = msg{id: "info.back-to-start", args: []any{"time", dur(p.now)}}
			}
			s.gotoStep(1)
		} else {
			s.enter(s.ls.step + 1)
		}
	case ActPrevStep:
		s.gotoStep(s.ls.step - 1)
	case ActResetProgress: // asked a second time: confirmed
		s.resetAsked = false
		s.prog = newProgress()
		s.saveProgress()
		s.act = 0
		s.load(s.set.Lesson, 0)
		s.enter(0)
	case ActProfile:
		if s.run.Lesson.ProfileSwitch {
			// The scenario's own mix first, so that cycling returns to it.
			profiles := append([]engine.Profile{{}}, engine.Profiles()...)
			i := slices.IndexFunc(profiles, func(pr engine.Profile) bool { return pr.Name == s.set.Profile.Name })
			s.set.Profile = profiles[(i+1)%len(profiles)]
			s.load(s.set.Lesson, p.now) // live: the same moment, another OS
		}
	case ActInspect:
		s.inspectNext()
	case ActFocus:
		// A host that has used UDP shows its UDP ports after its TCP
		// ones, then the next host.
		if !s.focusUDP && s.usesUDP(s.focus) && s.usesTCP(s.focus) {
			s.focusUDP = true
			s.gen++
			break
		}
		s.FocusHost((s.focus + 1) % len(p.hosts))
	case ActKnobNext:
		if ks, _ := s.knobs(); len(ks) > 0 {
			s.knob = (s.knob + 1) % len(ks)
		}
	case ActKnobUp:
		s.TurnKnob(s.knob, 1)
	case ActKnobDown:
		s.TurnKnob(s.knob, -1)
	}
}

// TurnKnob selects sandbox knob i and moves it one choice in direction
// dir (1 or -1), then restarts the sandbox with it.
func (s *Session) TurnKnob(i, dir int) {
	_, steps := s.knobs()
	if len(steps) == 0 {
		return
	}
	s.knob = i % len(steps)
	steps[s.knob](&s.set, dir)
	s.load(s.set.Lesson, 0)
	s.playing = true
}

// knobs are the sandbox's knobs that apply to the run shown: all of them
// in the sandbox; in the learner's own scenario those that change its
// clients (profile, range, strategy, TIME_WAIT); none in a lesson.
func (s *Session) knobs() ([]Knob, []func(*Settings, int)) {
	ks, steps := knobs(s.book(), s.set)
	switch {
	case s.run == nil:
		return nil, nil
	case s.run.Lesson.Sandbox:
		return ks, steps
	case s.run.Lesson.Source != "":
		if s.set.Profile.Name == "" {
			ks[0].Value = s.T("knob.value.file-own") // the sandbox's mix is not this scenario's
		}
		return ks[:ownKnobs], steps[:ownKnobs]
	}
	return nil, nil
}

// FocusHost shows host i on the port map: its TCP ports, or its UDP
// ports if it has used UDP and never TCP (a DNS server).
func (s *Session) FocusHost(i int) {
	if s.run != nil && i >= 0 && i < len(s.run.play.hosts) {
		s.focus = i
		s.focusUDP = s.usesUDP(i) && !s.usesTCP(i)
		s.gen++
	}
}

// usesUDP and usesTCP say whether host i's ports of that protocol have
// changed in the run so far, or its scenario gives it a socket of it: a
// host that has used it, or will.
func (s *Session) usesUDP(i int) bool { return s.uses(i, engine.UDP) }
func (s *Session) usesTCP(i int) bool { return s.uses(i, engine.TCP) }

func (s *Session) uses(i int, proto engine.Proto) bool {
	if s.run.play.engines[i].PortsChanged(proto) > 0 {
		return true
	}
	sc, name := s.run.Scenario, s.run.play.hosts[i].Name
	for _, l := range sc.Listens {
		if l.Host == name && l.Transport() == proto {
			return true
		}
	}
	for _, c := range sc.Connects {
		if c.From == name && c.Transport() == proto {
			return true
		}
	}
	return false
}

// Inform shows msg, what the front end did for the last action (a link
// copied, a file saved), until the next action.
func (s *Session) Inform(text string) {
	s.info = msg{text: text}
	s.gen++
}

// SetReducedMotion says whether the learner asked for less motion: a
// preference of the system the front end runs on, not of the lesson.
func (s *Session) SetReducedMotion(on bool) {
	if s.reducedMotion != on {
		s.reducedMotion = on
		s.gen++
	}
}

// Point says which port is pointed at (hover), if any.
func (s *Session) Point(p engine.Port, ok bool) {
	s.pointed = 0
	if ok {
		s.pointed = int(p) + 1
	}
}

// Pin pins port p's description (a click or tap), or unpins it.
func (s *Session) Pin(p engine.Port) {
	if s.pinned == int(p)+1 {
		s.pinned = 0
	} else {
		s.pinned = int(p) + 1
	}
}

// inspectNext pins the focused host's next port after the pinned one
// that is not free (listening, in use, in TIME_WAIT), wrapping round;
// with none, it unpins. One scan of the ports per key press.
func (s *Session) inspectNext() {
	s.portMap() // the ports as they are now
	for i := 1; i <= len(s.ports); i++ {
		p := (s.pinned - 1 + i) % len(s.ports) // after the pinned port; from 0 if none
		if s.pinned == 0 {
			p = i - 1
		}
		if s.ports[p] != engine.PortFree {
			s.pinned = p + 1
			return
		}
	}
	s.pinned = 0
}

// Dismiss closes the help and the messages, as a click does.
func (s *Session) Dismiss() bool {
	if !s.help {
		return false
	}
	s.help = false
	s.gen++
	return true
}

// steps are the current lesson's: its overview, then its steps.
func (s *Session) steps() []Step {
	if s.run == nil {
		return nil
	}
	l := s.run.Lesson
	return append([]Step{{Say: l.Overview}}, l.Steps...)
}

// unfinished says the current step has not yet reached its pause: it
// plays toward it, or was paused on the way, or its question's answer is
// still to come from the engine.
func (s *Session) unfinished() bool {
	return s.run != nil && s.run.play.watch != nil && !s.run.play.finished()
}

// finishStep plays the current step to its pause at once, judging the
// answer it waited for: what the learner would have seen, sooner. The work
// is bounded by the run's end, as for PlayToPause.
func (s *Session) finishStep() {
	p := s.run.play
	for p.hit == nil && !p.finished() {
		p.stepForward()
	}
	s.playing = true // settle pauses here, or at the end
	s.settle()
	s.playing = false
}

// questionOpen says a question waits for its answer, or for the engine's.
func (s *Session) questionOpen() bool {
	return s.question() != nil && s.ls.verdict == Unjudged && s.run != nil && !s.run.play.finished()
}

// question is the current step's question, if it has one.
func (s *Session) question() *Question {
	if st := s.steps(); s.ls.step < len(st) {
		return st[s.ls.step].Ask
	}
	return nil
}

// enter begins step i of the current lesson from where the simulation is
// now.
func (s *Session) enter(i int) {
	steps := s.steps()
	i = max(0, min(i, len(steps)-1))
	if act := s.run.Lesson.act(i); act != s.act {
		// A step that replays: its act starts again from t = 0, in its
		// own way of getting ports (stepping back out of it, the last).
		s.act = act
		s.load(s.set.Lesson, 0)
	}
	s.ls = stepState{step: i, chosen: -1}
	p := s.run.play
	p.watch, p.hit = nil, nil
	st := steps[i]
	switch {
	case st.Ask != nil:
		s.ls.choices = s.choices(st.Ask)
		s.playing = false
	case st.Until != nil:
		r, c := s.run, st.Until
		p.watch = func(e sim.Event) bool { return r.matches(c, e) }
		s.playing = true
	default:
		s.playing = false
	}
	if s.set.Lesson == CustomLesson {
		return // the learner's own scenario is not kept between visits
	}
	s.prog.Lesson = s.set.Lesson
	s.prog.Steps[s.set.Lesson] = i
	if i == len(steps)-1 {
		s.prog.Done[s.set.Lesson] = true
	}
	s.saveProgress()
}

// gotoStep shows step i as a learner arriving there would have seen it:
// the lesson replayed from the start through every earlier step's pause.
// Step 0 is the start of the lesson, paused.
func (s *Session) gotoStep(i int) {
	steps := s.steps()
	i = max(0, min(i, len(steps)-1))
	if s.run != nil {
		s.act = s.run.Lesson.act(i)
	}
	s.load(s.set.Lesson, 0)
	if s.run == nil {
		return
	}
	r := s.run
	// Only the steps of this act: an earlier act's run was another.
	for _, st := range steps[max(s.act, 1):max(i, 1)] {
		if c := st.Until; c != nil {
			r.play.runUntil(func(e sim.Event) bool { return r.matches(c, e) })
		}
	}
	s.enter(i)
}

// answer takes choice k for the current question, then plays until the
// engine answers it (or judges at once when the engine needs no run).
func (s *Session) answer(k int) {
	q := s.question()
	if q == nil || s.ls.chosen >= 0 || k < 0 || k >= len(s.ls.choices) {
		return
	}
	s.ls.chosen = k
	s.ls.mark = s.run.play.kinds[sim.PortAllocated]
	c := s.steps()[s.ls.step].Until
	if c == nil {
		s.judge(sim.Event{})
		return
	}
	r := s.run
	r.play.watch = func(e sim.Event) bool { return r.matches(c, e) }
	s.playing = true
}

// judge compares the learner's choice with what the engine did.
func (s *Session) judge(e sim.Event) {
	q := s.question()
	s.ls.truth = s.truth(q, e)
	h := &s.run.play.hosts[s.run.play.hostIndex(e.Host)]
	prev := h.prevPort
	switch {
	case q.Answer.Kind == AnswerPortStep:
		prev = s.run.play.hitPrev
	case e.Kind != sim.PortAllocated:
		prev = h.lastPort // no port was taken: the last one is the one before
	}
	s.ls.judged = answerCtx{truth: s.ls.truth, e: e, prev: prev}
	s.ls.why = fill(q.Why, s.run, &s.ls.judged)
	s.ls.verdict = Wrong
	if s.ls.choices[s.ls.chosen] == s.ls.truth {
		s.ls.verdict = Right
	}
	s.playing = false
	s.gen++
	s.prog.Answers[q.ID] = s.ls.verdict.String()
	s.saveProgress()
}

// truth is the engine's answer to q, read from the event that answered it.
func (s *Session) truth(q *Question, e sim.Event) string {
	r := s.run
	switch q.Answer.Kind {
	case AnswerPort:
		return fmt.Sprint(e.Tuple.Local.Port())
	case AnswerOutcome:
		if e.Kind == sim.PortAllocated {
			return "yes"
		}
		return "no:" + engine.ErrnoName(e.Err)
	case AnswerSide:
		if r.play.hosts[r.play.hostIndex(e.Host)].client {
			return "client"
		}
		return "server"
	case AnswerCount:
		return fmt.Sprint(r.play.kinds[sim.PortAllocated] - s.ls.mark)
	case AnswerListen:
		return listenOutcome(r, q.Answer.Port, false)
	case AnswerListenAgain:
		return listenOutcome(r, q.Answer.Port, true)
	case AnswerReply:
		return replyChoice(e)
	case AnswerTWReuse:
		return twReuseOutcome(r)
	case AnswerReuseAddr:
		return reuseAddrOutcome(r)
	case AnswerPortStep:
		switch port := e.Tuple.Local.Port(); {
		case port == r.play.hitPrev:
			return "same-port"
		case port == r.play.hitPrev+1:
			return "port-up"
		}
		return "other-port"
	case AnswerBindUDP:
		return bindUDPOutcome(r, q.Answer.Port)
	}
	return ""
}

// bindUDPOutcome asks the engine what a UDP bind() on port gets on a
// fresh host with the OS and address of the run's first server, while a
// TCP listener holds the same port: TCP and UDP have a port space each.
func bindUDPOutcome(r *Run, port engine.Port) string {
	prof, addr := r.firstClient().Profile, netip.AddrFrom4([4]byte{10, 0, 0, 1})
	if sv := r.servers(); len(sv) > 0 {
		prof, addr = sv[0].Profile, sv[0].Addr
	}
	local := netip.AddrPortFrom(addr, uint16(port))
	priv := engine.SockOpts{Privileged: true}
	h, err := engine.NewHost(engine.HostConfig{Name: "probe", Addr: addr, Profile: prof})
	if err == nil {
		if _, _, err = h.ListenOpts(engine.TCP, local, priv); err == nil {
			_, _, err = h.Bind(engine.UDP, local, priv)
		}
	}
	if err != nil {
		return engine.ErrnoName(err)
	}
	return "port"
}

// listenOutcome asks the engine what a listen on port gets on a fresh host
// with the OS and address of the run's first server: unprivileged, or
// (again) privileged while a listener already holds the address and port.
func listenOutcome(r *Run, port engine.Port, again bool) string {
	prof := r.firstClient().Profile
	addr := netip.AddrFrom4([4]byte{10, 0, 0, 1})
	if sv := r.servers(); len(sv) > 0 {
		prof, addr = sv[0].Profile, sv[0].Addr
	}
	local := netip.AddrPortFrom(addr, uint16(port))
	h, err := engine.NewHost(engine.HostConfig{Name: "probe", Addr: addr, Profile: prof})
	if err == nil && again {
		priv := engine.SockOpts{Privileged: true}
		if _, _, err = h.ListenOpts(engine.TCP, local, priv); err == nil {
			_, _, err = h.ListenOpts(engine.TCP, local, priv)
		}
	} else if err == nil {
		err = h.Listen(engine.TCP, local)
	}
	if err != nil {
		return engine.ErrnoName(err)
	}
	return "port"
}

// choices are q's choices in this run, in an order shuffled with the
// seed and the question, so that the right one's place varies but is the
// same each time the same run asks.
func (s *Session) choices(q *Question) []string {
	var out []string
	switch q.Choices.From {
	case ChoicesNextPort:
		out = s.nextPortChoices()
	case ChoicesRangeMultiples:
		size := s.run.firstClient().Profile.Ephemeral.Size()
		for k := 1; k <= max(len(s.run.servers()), 2) && k <= 3; k++ {
			out = append(out, fmt.Sprint(k*size))
		}
	default:
		for _, t := range q.Choices.Fixed {
			out = append(out, fill(t, s.run, nil))
		}
	}
	rand.New(rand.NewPCG(s.run.Scenario.Seed, fnv64a(q.ID))).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// fnv64a is the 64-bit FNV-1a hash of s, as hash/fnv's New64a sums it:
// written out, as hash/fnv's interface would keep all its methods in the
// browser build.
func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// nextPortChoices offers the port the next connection will get (looked up
// by running the same deterministic scenario ahead) among ports it could
// plausibly have been: the range's ends and the neighbours of the answer.
func (s *Session) nextPortChoices() []string {
	next, ok := s.lookAhead(func(e sim.Event) bool { return e.Kind == sim.PortAllocated })
	if !ok {
		return nil
	}
	r := s.run
	c := r.play.hosts[r.play.hostIndex(next.Host)].Profile.Ephemeral
	p := engine.Port(next.Tuple.Local.Port())
	var ports []engine.Port
	for _, q := range []engine.Port{p, c.Lo, p + 1, c.Hi, p - 1} {
		if c.Contains(q) && !slices.Contains(ports, q) && len(ports) < 3 {
			ports = append(ports, q)
		}
	}
	out := make([]string, len(ports))
	for i, q := range ports {
		out[i] = fmt.Sprint(q)
	}
	return out
}

// lookAhead finds the next event matching match in this run, without
// moving what is shown: it replays the same deterministic scenario.
func (s *Session) lookAhead(match func(sim.Event) bool) (sim.Event, bool) {
	r := s.run
	sm, err := sim.New(r.Scenario)
	if err != nil {
		return sim.Event{}, false
	}
	sm.Run(r.play.now, nil)
	var found sim.Event
	ok := false
	for !ok {
		at, more := sm.Next()
		if !more || at > r.Scenario.Duration {
			break
		}
		sm.Run(at, func(e sim.Event) {
			if !ok && match(e) {
				found, ok = e, true
			}
		})
	}
	return found, ok
}

// Lang is the code of the language the session speaks.
func (s *Session) Lang() string { return s.book().Lang() }

// SetLang makes the session speak lang from now on, and remembers it
// with the learner's progress. A language whose phrasebook is not at
// hand (Phrases' error) changes nothing and is said.
func (s *Session) SetLang(lang string) error {
	b, err := Phrases(lang)
	if err != nil {
		return err
	}
	s.set.Lang = lang
	if s.run != nil {
		s.run.SetBook(b)
		if q := s.question(); q != nil && s.ls.verdict != Unjudged {
			s.ls.why = fill(q.Why, s.run, &s.ls.judged)
		}
	}
	s.gen++
	s.prog.Lang = lang
	s.saveProgress()
	return nil
}

// msg is a message kept until it is shown, put into words then, in the
// language of that moment: a message ID and its {names}' values (a value
// that is a func(*phrase.Book) string is worded then too, as dur). A
// text from elsewhere (a front end's Inform, a rejected setting's
// problem) is kept as it came.
type msg struct {
	id   string
	args []any
	text string
}

// in is m in b's language.
func (m msg) in(b *phrase.Book) string {
	if m.id == "" {
		return m.text
	}
	args := slices.Clone(m.args)
	for i, a := range args {
		if f, ok := a.(func(*phrase.Book) string); ok {
			args[i] = f(b)
		}
	}
	return b.T(m.id, args...)
}

// dur is a simulated time as a msg's value: FmtDurIn when shown.
func dur(d time.Duration) func(*phrase.Book) string {
	return func(b *phrase.Book) string { return FmtDurIn(b, d) }
}

// problemTexts are the problems in b's language.
func (s *Session) problemTexts(b *phrase.Book) []string {
	var out []string
	for _, p := range s.problems {
		out = append(out, p.in(b))
	}
	return out
}

// book is the phrasebook the session speaks from.
func (s *Session) book() *phrase.Book {
	if s.run != nil {
		return s.run.book
	}
	return phrasesOr(s.set.Lang)
}

// T is message id in the session's language (phrase.Book.T).
func (s *Session) T(id string, args ...any) string { return s.book().T(id, args...) }

func (s *Session) saveProgress() {
	if err := saveProgress(s.store, s.prog); err != nil && len(s.problems) == 0 {
		s.problems = append(s.problems, msg{id: "problem.progress-unsaved", args: []any{"err", err.Error()}})
	}
}
