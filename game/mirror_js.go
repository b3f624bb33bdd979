package game

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// liveEvery bounds how often the moving parts (clock, hosts, event log)
// are rewritten while time plays: a screen reader hears at most one
// announcement this often, and the page is not rebuilt every frame.
const liveEvery = time.Second

// mirror is the page's text mirror: web/index.html's <main id="mirror">,
// written from the view model. Its parts that change only with the view's
// Gen are rewritten when Gen changes, in place (a button that has the
// focus keeps it); the moving parts at most every liveEvery while playing.
// The page's input (its buttons, the tab hidden, the motion preference)
// is queued and carried out in Update, on the game's goroutine.
type mirror struct {
	doc, root js.Value
	// The static parts.
	title, step, narration, question, verdict, notice, learnt js.Value
	// qrPara holds presenter mode's link (qrLink), the address its QR
	// code encodes, as text: what the code tells the room, for a screen
	// reader; qrFor is what it was written from.
	qrPara, qrLink, qrNote                          js.Value
	qrFor                                           [2]string
	lessons, choices, controls, stepControls, knobs *buttonRow
	keys                                            js.Value
	// The moving parts.
	clock, hosts, log, announce js.Value
	// The port inspector, and what it was written from.
	inspect, inspectSocks js.Value
	inspectNext           *buttonRow
	inspected             inspectedKey
	timeline              js.Value
	// The event list, while it is open: its filters, and its rows as
	// buttons that go to their moment.
	eventSec, eventHead, eventRows js.Value
	eventFilters, eventSaves       *buttonRow
	toggle                         js.Value

	gen     uint64
	written bool
	liveAt  time.Time
	// What the moving parts were written from.
	events int
	now    time.Duration
	state  lesson.PlayState
	said   lesson.Log
	// sandbox: Tab is the knobs' key, kept by the canvas.
	sandbox bool
	// lang is the language the mirror is written in (the page's lang);
	// refocus, the row and index of the button to give the focus back to
	// once it is written anew (-1: none).
	lang    string
	book    *phrase.Book // lang's, for the mirror's own words
	refocus [2]int

	mu      sync.Mutex
	pending []func(*Game)
}

// newMirror finds the page's mirror; nil if the page has none (the test
// floor, a page of one's own).
func newMirror(sess *lesson.Session) *mirror {
	doc := js.Global().Get("document")
	root := doc.Call("getElementById", "mirror")
	if root.IsNull() {
		return nil
	}
	m := &mirror{doc: doc, root: root, refocus: [2]int{-1, -1}}
	m.build(sess)
	// After the canvas, which Ebiten added last: Tab from the picture
	// leads into the text, and a screen reader meets them in that order.
	doc.Get("body").Call("appendChild", root)
	m.listen(sess.Control(lesson.ActTextView).Shortcut, sess.Control(lesson.ActKnobNext).Shortcut)
	m.loaderListen()
	return m
}

// build writes the mirror's parts, in the session's language: at first,
// and again when the learner chooses another (rebuild).
func (m *mirror) build(sess *lesson.Session) {
	doc, root := m.doc, m.root
	root.Set("textContent", "")
	m.lang = sess.View().Lang
	m.book = phrases(m.lang)
	doc.Get("documentElement").Set("lang", lesson.PageLang(m.lang))
	// The page's title and the text view's landmark in the same language
	// (index.html's are English, for a page the app has not reached).
	doc.Set("title", m.book.T("page.title"))
	m.label(root, "aria-label", "mirror.main")
	text := sess.Control(lesson.ActTextView)
	m.toggle = m.el(root, "button", text.Label)
	m.toggle.Call("setAttribute", "aria-keyshortcuts", text.Shortcut)
	m.toggle.Call("setAttribute", "aria-pressed", fmt.Sprint(!root.Get("classList").Call("contains", "visually-hidden").Bool()))
	m.toggle.Call("addEventListener", "click", js.FuncOf(func(js.Value, []js.Value) any {
		m.showText()
		return nil
	}))
	m.title = m.el(root, "h1", "Portplay")
	m.notice = m.el(root, "p", "")
	m.notice.Call("setAttribute", "role", "status")
	nav := m.el(root, "nav", "")
	m.label(nav, "aria-label", "mirror.lessons")
	m.lessons = &buttonRow{m: m, parent: nav}

	m.step = m.el(root, "h2", "")
	m.narration = m.el(root, "p", "")
	m.question = m.el(root, "p", "")
	m.choices = m.group(root, "mirror.answers")
	// The verdict comes when the engine has played to it: said when it
	// comes.
	m.verdict = m.el(root, "p", "")
	m.verdict.Call("setAttribute", "role", "status")
	m.learnt = m.el(root, "p", "")
	m.qrPara = m.el(root, "p", "")
	m.qrPara.Set("hidden", true)
	m.qrLink = m.el(m.qrPara, "a", "")
	m.qrNote = m.el(m.qrPara, "span", "") // on a loopback address, that students cannot open it
	m.stepControls = m.group(root, "mirror.lesson-steps")
	// The presenter's notes page, which follows this lesson from another
	// window of this browser (notes_js.go); N opens it too.
	nc := sess.Control(lesson.ActNotes)
	notes := m.el(m.el(root, "p", ""), "a", sess.T("mirror.notes-link", "key", nc.Key))
	notes.Set("href", "notes.html")
	notes.Set("target", notesName)
	notes.Call("setAttribute", "aria-keyshortcuts", nc.Shortcut)

	m.label(m.el(root, "h2", ""), "", "mirror.controls")
	m.clock = m.el(root, "p", "")
	m.controls = m.group(root, "mirror.playback")
	// The timeline as a slider: the browser gives it Home, End and the
	// arrow keys. It seeks when the value is let go ("change"): each seek
	// back replays the run.
	label := m.el(root, "label", m.book.T("mirror.timeline")+" ") // the field after a space
	m.timeline = m.el(label, "input", "")
	m.timeline.Set("type", "range")
	m.timeline.Set("min", 0)
	m.timeline.Call("addEventListener", "change", js.FuncOf(func(js.Value, []js.Value) any {
		ms := m.timeline.Get("valueAsNumber").Float()
		m.queue(func(g *Game) { g.sess.SeekTo(time.Duration(ms * float64(time.Millisecond))) })
		return nil
	}))
	// Each knob as two buttons, turning it as ↑ and ↓ do.
	m.knobs = m.group(root, "mirror.knobs")
	m.knobs.do = func(g *Game, i int) { g.sess.TurnKnob(i/2, 1-2*(i%2)) }

	m.label(m.el(root, "h2", ""), "", "mirror.events")
	m.announce = m.el(root, "p", "")
	m.announce.Call("setAttribute", "role", "log") // a live region, polite
	m.label(m.announce, "aria-label", "mirror.what-happened")
	m.log = m.el(root, "ol", "")
	m.label(m.log, "aria-label", "mirror.latest-events")

	m.eventSec = m.el(root, "section", "")
	m.label(m.eventSec, "aria-label", "mirror.event-list")
	m.eventHead = m.label(m.el(m.eventSec, "h2", ""), "", "mirror.event-list")
	m.eventFilters = m.group(m.eventSec, "mirror.event-filters")
	m.eventSaves = m.group(m.eventSec, "mirror.save")
	m.eventRows = m.el(m.eventSec, "ol", "")
	m.eventRows.Call("addEventListener", "click", js.FuncOf(func(_ js.Value, args []js.Value) any {
		// One listener for every row's button: rows are rewritten as
		// time plays, and a listener each would be made anew each time.
		n := args[0].Get("target").Call("closest", "button")
		if n.Truthy() {
			if v := n.Get("dataset").Get("n"); v.Truthy() {
				var ev int
				fmt.Sscan(v.String(), &ev)
				m.queue(func(g *Game) { g.sess.SeekEvent(ev) })
			}
		}
		return nil
	}))

	// The port inspector: the port pointed at, pinned or chosen with I,
	// and every socket on it.
	m.label(m.el(root, "h2", ""), "", "mirror.inspector")
	m.inspect = m.el(root, "p", "")
	m.inspectSocks = m.el(root, "ul", "")
	m.label(m.inspectSocks, "aria-label", "mirror.inspector.sockets")
	m.inspectNext = m.group(root, "mirror.inspector")
	m.inspectNext.set([]lesson.Control{sess.Control(lesson.ActInspect)}, "")

	m.label(m.el(root, "h2", ""), "", "mirror.hosts")
	m.hosts = m.el(root, "table", "")

	m.label(m.el(root, "h2", ""), "", "mirror.keys")
	m.keys = m.el(root, "dl", "")

	m.loader()

	// Ebiten makes its canvas focusable with tabindex 1, which puts it
	// before everything in the page's focus order; 0 keeps the order of
	// the page. As an application, a screen reader passes it the keys.
	if c := doc.Call("querySelector", "canvas"); c.Truthy() {
		c.Call("setAttribute", "tabindex", "0")
		c.Call("setAttribute", "role", "application")
		c.Call("setAttribute", "aria-label", sess.T("mirror.canvas", "key", sess.Key(lesson.ActHelp)))
	}
}

// rebuild writes the mirror anew in the view's language, the page's lang
// with it; the button that had the focus (the language button, most
// likely) has it again.
func (m *mirror) rebuild(g *Game) {
	row, i := -1, -1
	active := m.doc.Get("activeElement")
	for r, b := range m.rows() {
		for j, e := range b.els {
			if e.Equal(active) {
				row, i = r, j
			}
		}
	}
	m.build(g.sess)
	m.written, m.said, m.inspected, m.qrFor = false, lesson.Log{}, inspectedKey{}, [2]string{}
	g.class.page, g.class.dirty = classPage{}, true // its section went with the rest
	m.refocus = [2]int{row, i}
}

// rows are the mirror's rows of buttons, in the page's order.
func (m *mirror) rows() []*buttonRow {
	return []*buttonRow{m.lessons, m.choices, m.stepControls, m.controls, m.knobs, m.inspectNext, m.eventFilters, m.eventSaves}
}

// listen connects the page's own signals: the tab hidden pauses (nobody
// watches), a system asking for reduced motion gets it, the text view's key
// (T) shows it from within it, and Tab moves the focus out of the canvas
// except in the sandbox, where it is the knobs' key (knobKey).
func (m *mirror) listen(textKey, knobKey string) {
	m.doc.Call("addEventListener", "visibilitychange", js.FuncOf(func(js.Value, []js.Value) any {
		if m.doc.Get("hidden").Bool() {
			m.queue(func(g *Game) {
				if g.sess.Playing() {
					g.sess.Do(lesson.ActPlay)
				}
			})
		}
		return nil
	}))
	if mm := js.Global().Get("matchMedia"); mm.Truthy() {
		q := js.Global().Call("matchMedia", "(prefers-reduced-motion: reduce)")
		set := func() {
			on := q.Get("matches").Bool()
			m.queue(func(g *Game) { g.sess.SetReducedMotion(on) })
		}
		set()
		q.Call("addEventListener", "change", js.FuncOf(func(js.Value, []js.Value) any { set(); return nil }))
	}
	m.root.Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if k := e.Get("key").String(); strings.EqualFold(k, textKey) && !e.Get("ctrlKey").Bool() && !e.Get("altKey").Bool() && !e.Get("metaKey").Bool() {
			m.showText()
		}
		return nil
	}))
	// In the capture phase, before Ebiten's canvas handler takes every
	// key from the browser.
	js.Global().Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("key").String() == knobKey && e.Get("target").Get("tagName").String() == "CANVAS" && !m.sandbox {
			e.Call("stopPropagation")
		}
		return nil
	}), true)
}

// el appends a new element to parent.
func (m *mirror) el(parent js.Value, tag, text string) js.Value {
	e := m.doc.Call("createElement", tag)
	e.Set("textContent", text)
	parent.Call("appendChild", e)
	return e
}

// label writes message id in the mirror's language into el's text
// (attr "") or its attribute attr; the mirror is built anew in another.
func (m *mirror) label(el js.Value, attr, id string, args ...any) js.Value {
	if attr == "" {
		el.Set("textContent", m.book.T(id, args...))
	} else {
		el.Call("setAttribute", attr, m.book.T(id, args...))
	}
	return el
}

// queue has Update carry out f.
func (m *mirror) queue(f func(*Game)) {
	m.mu.Lock()
	m.pending = append(m.pending, f)
	m.mu.Unlock()
	wakeUp() // an idle app draws no frame until asked
}

// apply carries out the page's input since the last Update.
func (m *mirror) apply(g *Game) {
	if m == nil {
		return
	}
	m.mu.Lock()
	fs := m.pending
	m.pending = nil
	m.mu.Unlock()
	for _, f := range fs {
		f(g)
	}
}

// showText shows the text view beside the canvas for everyone, or hides
// it again for all but screen readers.
func (m *mirror) showText() {
	if m == nil {
		return
	}
	shown := !m.root.Get("classList").Call("toggle", "visually-hidden").Bool()
	m.toggle.Call("setAttribute", "aria-pressed", fmt.Sprint(shown))
}

// write brings the mirror up to date with vm; qr is presenter mode's
// link ("" when not presenting), drawn as a QR code where qrDrawn.
func (m *mirror) write(g *Game, vm *lesson.View, qr string, qrDrawn bool) {
	if m == nil {
		return
	}
	if vm.Lang != m.lang {
		m.rebuild(g)
	}
	m.writeQR(qr, qrDrawn)
	m.writeInspect(vm.Inspect, vm.Hints)
	static := !m.written || vm.Gen != m.gen
	if static {
		m.writeStatic(vm)
		m.gen, m.written = vm.Gen, true
	}
	c := vm.Clock
	moved := vm.Events != m.events || c.Now != m.now || c.State != m.state
	if !static && (!moved || c.State == lesson.Playing && time.Since(m.liveAt) < liveEvery) {
		return
	}
	m.liveAt, m.events, m.now, m.state = time.Now(), vm.Events, c.Now, c.State
	m.writeLive(vm, g.sess.Recent())
	if r, i := m.refocus[0], m.refocus[1]; r >= 0 && i >= 0 {
		if rows := m.rows(); i < len(rows[r].els) {
			rows[r].els[i].Call("focus")
		}
	}
	m.refocus = [2]int{-1, -1}
}

func (m *mirror) writeStatic(vm *lesson.View) {
	title := "Portplay"
	if vm.Title != "" {
		title = m.book.T("mirror.title", "title", vm.Title)
	}
	m.title.Set("textContent", title)
	said := append([]string{vm.Notice, vm.Info}, vm.Problems...)
	if vm.Fatal != "" {
		said = append([]string{vm.Fatal}, vm.Problems...)
	}
	if p := vm.YourPC; p.Shown {
		// The "Your computer" panel: in a web page, why it cannot be.
		said = append(said, p.Problem)
	}
	notice := sentences(m.book, said...)
	m.notice.Set("textContent", notice)
	var ls []lesson.Control
	for _, l := range vm.Lessons {
		ls = append(ls, lesson.Control{Action: lesson.ActOpen(l.Number), Label: l.Name(),
			Key: l.Key, Shortcut: l.Shortcut, Pressed: l.Current})
	}
	m.lessons.set(ls, "aria-current")
	m.sandbox = len(vm.Knobs) > 0

	n := vm.Narration
	m.step.Set("textContent", n.StepText())
	q := n.Question
	text, ask := n.Text, ""
	var choices []lesson.Control
	if q != nil {
		text, ask = "", m.book.T("narration.question", "question", q.Text)
		for _, c := range q.Choices {
			c.Label = m.book.T("join.key", "key", c.Key, "label", c.Label)
			choices = append(choices, c)
		}
	}
	m.narration.Set("textContent", text)
	m.question.Set("textContent", ask)
	m.choices.set(choices, "aria-pressed")
	// An empty group or list is still announced: hidden until it holds
	// something. The live regions stay, so that what comes is said.
	m.choices.parent.Set("hidden", len(choices) == 0)
	m.verdict.Set("textContent", verdictText(m.book, q, vm.Hints))
	learnt := n.CompleteText()
	if n.Complete && n.Next != "" {
		learnt = sentences(m.book, learnt, m.book.T("mirror.next-lesson", "lesson", n.Next))
	}
	m.learnt.Set("textContent", learnt)
	// The canvas shows the step buttons in the lesson panel, where "Next"
	// and "Back" say enough; read out among the others, "Back" would be
	// two buttons.
	steps := slices.Clone(vm.StepControls)
	for i, c := range steps {
		switch c.Action {
		case lesson.ActNextStep:
			steps[i].Label = m.book.T("mirror.next-step")
		case lesson.ActPrevStep:
			steps[i].Label = m.book.T("mirror.previous-step")
		}
	}
	m.stepControls.set(steps, "")
	m.controls.set(vm.Controls, "")

	var knobs []lesson.Control
	for _, k := range vm.Knobs {
		knobs = append(knobs, lesson.Control{Label: m.book.T("mirror.knob.next", "knob", k.Name, "value", k.Value)},
			lesson.Control{Label: m.book.T("mirror.knob.previous", "knob", k.Name)})
	}
	m.knobs.set(knobs, "")
	m.knobs.parent.Set("hidden", len(knobs) == 0)
	m.keys.Set("textContent", "")
	for _, l := range vm.HelpLines {
		m.el(m.keys, "dt", l[0])
		m.el(m.keys, "dd", l[1])
	}
}

// writeQR shows presenter mode's link, or hides it; the page is touched
// only when it changes.
func (m *mirror) writeQR(url string, drawn bool) {
	name := qrLinkName(m.book, drawn)
	if k := [2]string{url, name}; k != m.qrFor {
		m.qrFor = k
		m.qrLink.Set("href", url)
		m.qrLink.Set("textContent", name)
		note := loopbackNote(m.book, classOrigin(url))
		if note != "" {
			note = " " + note
		}
		m.qrNote.Set("textContent", note)
		m.qrPara.Set("hidden", url == "")
	}
}

func (m *mirror) writeLive(vm *lesson.View, log lesson.Log) {
	clock := clockText(m.book, vm.Clock)
	m.clock.Set("textContent", clock)
	m.timeline.Set("max", vm.Clock.End.Milliseconds())
	m.timeline.Set("value", vm.Clock.Now.Milliseconds())
	m.timeline.Call("setAttribute", "aria-valuetext", clock)
	if a := announcement(m.book, log, m.said); a != "" {
		m.announce.Set("textContent", a)
	}
	m.said = log
	m.log.Set("textContent", "")
	for _, l := range log.Lines {
		m.el(m.log, "li", m.book.T("event.at", "t", lesson.FmtDurIn(m.book, l.At), "event", l.Text))
	}
	m.writeEvents(&vm.EventList)
	t := m.hosts
	t.Set("textContent", "")
	head := m.el(t, "tr", "")
	for _, id := range []string{"mirror.hosts.host", "mirror.hosts.address", "mirror.hosts.os", "mirror.hosts.sockets"} {
		m.el(head, "th", m.book.T(id)).Call("setAttribute", "scope", "col")
	}
	for _, h := range vm.Hosts {
		tr := m.el(t, "tr", "")
		m.el(tr, "th", h.Name).Call("setAttribute", "scope", "row")
		m.el(tr, "td", h.AddrText)
		if h.Unverified != "" {
			m.el(tr, "td", m.book.T("mirror.hosts.unverified", "profile", h.Profile, "claims", h.Unverified))
		} else {
			m.el(tr, "td", h.Profile)
		}
		ul := m.el(m.el(tr, "td", ""), "ul", "")
		for _, s := range socketLines(m.book, h) {
			m.el(ul, "li", s)
		}
	}
}

// inspectedKey is what the inspector's text was written from.
type inspectedKey struct {
	text    string
	sockets int
	hint    string // the words for no port, in the language of the moment
}

// writeInspect writes the inspected port and its sockets when they
// change: the pointer on the map changes them without a new view.
func (m *mirror) writeInspect(in lesson.Inspection, h lesson.Hints) {
	k := inspectedKey{in.Text, len(in.Sockets) + in.More, h.InspectText}
	if k == m.inspected {
		return
	}
	m.inspected = k
	m.inspect.Set("textContent", inspectText(m.book, in, h))
	m.inspectSocks.Set("textContent", "")
	for _, s := range inspectLines(m.book, in) {
		m.el(m.inspectSocks, "li", s)
	}
}

// buttonRow is a row of the mirror's buttons, updated in place.
type buttonRow struct {
	m      *mirror
	parent js.Value
	els    []js.Value
	cs     []lesson.Control
	// do, if set, is what button i does instead of its control's action.
	do func(g *Game, i int)
}

// set shows the controls cs; state names the attribute that says a
// control is Pressed ("aria-pressed", "aria-current"), "" for none.
// Disabled is aria-disabled rather than disabled: a disabled button
// loses the focus, and a screen-reader user who pressed Step until the
// end would be thrown back to the top of the page.
func (b *buttonRow) set(cs []lesson.Control, state string) {
	b.cs = cs
	for i, c := range cs {
		if i == len(b.els) {
			e := b.m.el(b.parent, "button", "")
			e.Set("type", "button")
			e.Call("addEventListener", "click", js.FuncOf(func(js.Value, []js.Value) any {
				switch {
				case i >= len(b.cs) || b.cs[i].Disabled:
				case b.do != nil:
					b.m.queue(func(g *Game) { b.do(g, i) })
				default:
					a := b.cs[i].Action
					b.m.queue(func(g *Game) { g.do(a) })
				}
				return nil
			}))
			b.els = append(b.els, e)
		}
		e := b.els[i]
		e.Set("textContent", c.Label)
		setAttr(e, "aria-keyshortcuts", c.Shortcut)
		setAttr(e, "aria-label", c.Name)
		if c.Key != "" {
			k := b.m.el(e, "kbd", c.Key)
			k.Call("setAttribute", "aria-hidden", "true")
		}
		setAttr(e, "aria-disabled", map[bool]string{true: "true"}[c.Disabled])
		switch {
		case state == "aria-pressed":
			setAttr(e, state, fmt.Sprint(c.Pressed))
		case state != "":
			setAttr(e, state, map[bool]string{true: "true"}[c.Pressed])
		}
	}
	// Buttons not needed now are hidden, not removed: their handlers stay
	// for when they are needed again.
	for i, e := range b.els {
		e.Set("hidden", i >= len(cs))
	}
}

// setAttr sets attribute name to v, or removes it for "".
func setAttr(e js.Value, name, v string) {
	if v == "" {
		e.Call("removeAttribute", name)
	} else {
		e.Call("setAttribute", name, v)
	}
}

// group is a group of buttons under parent, labelled with message id.
func (m *mirror) group(parent js.Value, id string) *buttonRow {
	g := m.el(parent, "div", "")
	g.Call("setAttribute", "role", "group")
	m.label(g, "aria-label", id)
	return &buttonRow{m: m, parent: g}
}

// writeEvents writes the event list's rows in view, each a button that
// goes to its moment; the current one is marked aria-current.
func (m *mirror) writeEvents(l *lesson.EventList) {
	m.eventSec.Set("hidden", !l.Open)
	m.eventRows.Set("textContent", "")
	if !l.Open {
		return
	}
	host, kind := filterNames(m.book, l)
	m.eventHead.Set("textContent", m.book.T("mirror.event-list.head", "n", l.Total, "host", host, "kind", kind))
	m.eventFilters.set(filterControls(m.book, l), "")
	var saves []lesson.Control
	for _, c := range l.Saves {
		c.Label = m.book.T("mirror.save.as", "format", c.Label)
		saves = append(saves, c)
	}
	m.eventSaves.set(saves, "")
	for _, r := range l.Rows {
		b := m.el(m.el(m.eventRows, "li", ""), "button", m.book.T("event.at", "t", lesson.FmtDurIn(m.book, r.At), "event", r.Text))
		b.Set("type", "button")
		b.Get("dataset").Set("n", r.N)
		if r.Current {
			b.Call("setAttribute", "aria-current", "true")
		}
	}
}
