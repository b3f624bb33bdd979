// Package game is the Ebiten front end: it draws the lesson session's view
// model and turns keys, clicks and taps into actions on the session. It
// decides nothing: every port, state, error and verdict it draws came from
// the engine through package lesson.
package game

import (
	"image/color"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// Game wires the session, input and drawing together; it holds no rules.
type Game struct {
	faces *faces
	sess  *lesson.Session
	pm    *portMap
	// The pointer in layout units.
	mouseX, mouseY float64
	// The screen as Ebiten last reported it.
	screen screenSize
	// The last view drawn, for input to hit-test against, and its layout
	// with what it was made for.
	vm     lesson.View
	lay    *Layout
	layFor layoutKey
	// The static layer, and the layout it was drawn for.
	chrome    *ebiten.Image
	chromeLay *Layout
	frames    int
	// Moving averages of the CPU time Update and Draw take, in ms.
	updateMs, drawMs float64

	// OnFrame, if set, is called after each frame is drawn with the number
	// of frames drawn so far and the status; returning true ends the
	// program. The native screenshot test uses it to capture the real
	// window and what it showed.
	OnFrame func(frame int, screen *ebiten.Image, st Status) bool
	// FirstFrame, if set, is called once the first frame is drawn.
	FirstFrame func()
	stop       bool
	// playedAt is when the last tick played; zero while time stands.
	playedAt time.Time
	// page is the browser page's text mirror; nil natively, and until
	// the first frame is drawn.
	page *mirror
	tl   timeline
	// pressed: the keys pressed since the last frame (keys).
	pressed []ebiten.Key
	// LinkBase is the app's address, that share links start with; link
	// the last link made.
	LinkBase, link string
	// shotPending: a picture of the view is to be saved after the next
	// Draw; savedName is the last file saved.
	shotPending bool
	savedName   string
	// log is the event log's panel (L); notesShown, the presenter's notes
	// in its place (N, natively; in the browser where no window opens).
	log        logPanel
	notesShown bool
	// notesCh is the browser's channel to the notes page; nil natively.
	notesCh *notesChannel
	// qrBase is the page's address without its query, for presenter
	// mode's QR code; "" natively.
	qrBase string
	qr     qrCode
	// class is the class session's teacher side (V, class.go).
	class classroom
	// pcButtons are the "Your computer" panel's buttons as last drawn.
	pcButtons []button
	// lang fetches the phrasebook the language button asks for, in the
	// browser (lang_js.go).
	lang langFetch
}

// New opens a session of the catalogue's lessons with settings s and the
// learner's saved progress; problems are messages about settings that
// were rejected, shown in a banner.
func New(cat *lesson.Catalogue, s lesson.Settings, problems []string) (*Game, error) {
	fc, err := newFaces()
	if err != nil {
		return nil, err
	}
	g := &Game{faces: fc, sess: lesson.NewSession(cat, s, problems, DefaultStore()), pm: newPortMap(),
		screen: screenSize{DesignW, DesignH, 1}, qrBase: pageURL()}
	g.vm = g.sess.View()
	return g, nil
}

// Update advances the simulation by one tick of real time and handles input.
func (g *Game) Update() error {
	if g.stop {
		return ebiten.Termination
	}
	defer average(&g.updateMs, time.Now())
	if g.frames == 1 && g.page == nil {
		// The text mirror is built after the first frame: building it,
		// and the browser laying it out, would otherwise come before the
		// picture.
		g.page = newMirror(g.sess)
		g.notesCh = newNotesChannel()
	}
	g.page.apply(g)
	g.notesCh.apply(g)
	g.lang.update(g)
	g.dropped()
	g.classInit()
	g.keys()
	g.classUpdate()
	mx, my := ebiten.CursorPosition()
	g.mouseX, g.mouseY = g.toUnits(float64(mx), float64(my))
	if g.vm.Lesson > 0 && g.tl.update(g, g.mouseX, g.mouseY) {
		// the timeline's
	} else if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		g.click(g.mouseX, g.mouseY, 1)
	}
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonRight) {
		g.click(g.mouseX, g.mouseY, -1)
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		tx, ty := ebiten.TouchPosition(id)
		x, y := g.toUnits(float64(tx), float64(ty))
		g.mouseX, g.mouseY = x, y
		g.click(x, y, 1)
	}
	g.sess.Point(g.layout().portAt(g.mouseX, g.mouseY))
	g.tick()
	g.schedule()
	return nil
}

// maxTick caps the real time one tick plays: after a stall playback goes
// on from where it was rather than jumping.
const maxTick = 100 * time.Millisecond

// tick plays the real time since the last tick that played. Update runs
// once per frame (TPS synced with FPS, see cmd/portplay), so the
// session's simulation budget is a budget per frame.
func (g *Game) tick() {
	now := time.Now()
	var dt time.Duration
	if !g.playedAt.IsZero() {
		dt = min(now.Sub(g.playedAt), maxTick)
	}
	g.sess.Tick(dt)
	g.playedAt = time.Time{}
	if g.sess.Playing() {
		g.playedAt = now
	}
}

// settleFrames are drawn after the start whatever happens: a page's layout
// (the canvas's size) settles over the first frames.
const settleFrames = 10

// schedule makes idle cost nothing: while nothing moves (paused, at a
// question, help open, finished) Ebiten runs no frame until input arrives
// (FPSModeVsyncOffMinimum wakes on input and on wakeUp); while time plays,
// every frame. A screenshot run (OnFrame) counts frames as its clock, so
// it always draws.
//
// Ebiten deprecates the mode and ScheduleFrame (v2.5) in favour of
// SetScreenClearedEveryFrame(false) and a Draw that draws nothing when
// nothing changed. Its loop then still runs at 60 Hz, and that is what
// idle costs: under Xvfb, 0.033 of a core for an empty Ebiten 2.10
// program that skips Draw, and 0.037 for Portplay paused, against 0.000
// with this mode (README, Performance). No API that is not deprecated
// stops the loop; until Ebiten has one, the deprecated mode stays.
func (g *Game) schedule() {
	//lint:ignore SA1019 the only way to stop Ebiten's loop while idle (above)
	mode, on := ebiten.FPSModeVsyncOffMinimum, ebiten.FPSModeVsyncOn
	if g.sess.Playing() || g.sess.Observing() || g.frames < settleFrames || g.OnFrame != nil {
		mode = on
	}
	//lint:ignore SA1019 as above
	if ebiten.FPSMode() != mode {
		//lint:ignore SA1019 as above
		ebiten.SetFPSMode(mode)
		wakeUp()
	}
}

// wakeUp has an idle app (schedule) run a frame: input from the page,
// the notes window or the class session's server came between frames.
func wakeUp() {
	//lint:ignore SA1019 the wake-up of the deprecated idle mode (schedule)
	ebiten.ScheduleFrame()
}

// do carries out an action: the session's, or the front end's own (the
// window, the clipboard, files, panels, the page, the class session).
func (g *Game) do(a lesson.Action) {
	switch a {
	case lesson.ActFullscreen:
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	case lesson.ActCopyLink:
		g.copyLink()
	case lesson.ActYourPCSave:
		g.saved(g.sess.ExportYourPC())
	case lesson.ActClass, lesson.ActClassVotes, lesson.ActClassAgain, lesson.ActClassReveal, lesson.ActClassSummary:
		g.classDo(a)
	case lesson.ActSavePcap, lesson.ActSaveCSV, lesson.ActSaveJSON, lesson.ActSavePNG:
		g.save(a)
	case lesson.ActTextView:
		g.page.showText()
	case lesson.ActLog:
		g.log.shown, g.notesShown = !g.log.shown, false
	case lesson.ActNotes:
		g.notesKey()
	default:
		g.sess.Do(a)
	}
}

// toUnits maps the screen's pixels to layout units.
func (g *Game) toUnits(x, y float64) (float64, float64) {
	s := g.layout().Scale
	return x / s, y / s
}

// layoutKey is what a layout is made for: the view's generation and the
// screen.
type layoutKey struct {
	gen        uint64
	screen     screenSize
	log, notes bool
}

// layout is the current view's layout on the current screen, made again
// only when either changes: the work per frame stays bounded.
func (g *Game) layout() *Layout {
	k := layoutKey{g.vm.Gen, g.screen, g.log.shown, g.notesShown}
	if g.lay == nil || k != g.layFor {
		g.lay, g.layFor = layoutFor(g.faces, g.screen, &g.vm, g.log.shown || g.notesShown), k
		g.lay.Notes = g.notesShown
	}
	return g.lay
}

// click handles a click or tap at point (x, y) in units; dir is -1 for the
// right mouse button (a knob's previous choice).
func (g *Game) click(x, y float64, dir int) {
	if g.classClick(x, y) {
		return
	}
	if g.vm.YourPC.Shown {
		// The panel covers the scene: its buttons, or nothing.
		if a := hit(g.pcButtons, x, y); a != lesson.ActNone {
			g.do(a)
		}
		return
	}
	if g.sess.Dismiss() {
		return
	}
	lay := g.layout()
	if a := hit(lay.Buttons, x, y); a != lesson.ActNone {
		g.do(a)
		return
	}
	if g.clickEvents(x, y) {
		return
	}
	for i, k := range lay.Knobs {
		if k.has(x, y) {
			g.sess.TurnKnob(i, dir)
			return
		}
	}
	for i, b := range lay.Hosts {
		if b.has(x, y) {
			g.sess.FocusHost(i)
			return
		}
	}
	if p, ok := lay.portAt(x, y); ok {
		g.sess.Pin(p)
	}
}

// Draw renders the current frame: the cached static layer, then what
// moves on top of it (text and boxes cost the most on software GL).
func (g *Game) Draw(screen *ebiten.Image) {
	start := time.Now()
	g.sess.ViewInto(&g.vm)
	vm := &g.vm
	lay := g.layout()
	g.page.write(g, vm, qrURL(g.qrBase, vm.Link), g.qr.shown(g.qrBase, vm.Link, lay))
	book := phrases(vm.Lang)
	v := newView(screen, g.faces, lay.Scale, book)
	b := screen.Bounds()
	if g.chrome == nil || g.chrome.Bounds() != b {
		g.chrome = ebiten.NewImage(b.Dx(), b.Dy())
		g.chromeLay = nil
	}
	if g.chromeLay != lay {
		g.chrome.Fill(colBackground)
		qr := g.qr.shown(g.qrBase, vm.Link, lay)
		note := ""
		if qr {
			note = loopbackNote(book, classOrigin(g.qrBase))
		}
		drawChrome(newView(g.chrome, g.faces, lay.Scale, book), vm, lay, qr, note)
		g.chromeLay = lay
	}
	screen.DrawImage(g.chrome, nil)
	if vm.Lesson > 0 {
		g.drawLive(v, vm, lay)
		g.qr.draw(v, lay, g.qrBase, vm.Link)
	}
	if lay.EventsShown && !vm.EventList.Open && !lay.Notes {
		g.log.draw(v, g.sess.Recent(), vm.Hints.Log, lay.Events)
	}
	g.drawClass(v, lay)
	g.drawYourPC(v, lay)
	g.notesCh.send(vm)
	if vm.Fatal != "" {
		drawMessage(v, lay, []string{vm.Fatal}, lay.H/2-40)
	}
	if len(vm.Problems) > 0 {
		drawMessage(v, lay, append(vm.Problems, vm.Hints.Dismiss), 60)
	}
	if vm.Help {
		drawHelp(v, lay, vm)
	}
	if g.shotPending {
		g.savePicture(screen)
	}
	g.frames++
	if g.frames == 1 && g.FirstFrame != nil {
		g.FirstFrame()
	}
	average(&g.drawMs, start)
	publish(g)
	if g.OnFrame != nil && g.OnFrame(g.frames, screen, g.Status()) {
		g.stop = true
	}
}

// drawChrome draws the static layer: title, buttons, panels, host boxes,
// the port map's legend, the narration and the sandbox's knobs.
func drawChrome(v *view, vm *lesson.View, lay *Layout, qr bool, qrNote string) {
	// Buttons last: the lesson panel's sit on top of it.
	defer func() {
		for _, b := range lay.Buttons {
			drawButton(v, b)
		}
	}()
	if vm.Lesson == 0 {
		return
	}
	size, t := lay.titleSize(), lay.Title
	if len(lay.TitleLines) > 1 {
		for i, line := range lay.TitleLines {
			v.text(v.fit(line, Bold, size, t.w), Bold, size, t.x, t.y+float64(i)*size*lineHeight, alignStart, colText)
		}
	} else {
		v.text(v.fit(vm.Title, Bold, size, t.w), Bold, size, t.x, t.y+(t.h-size)/2-2, alignStart, colText)
	}
	drawNetworkChrome(v, vm, lay)
	if lay.MapShown {
		drawPortMapChrome(v, vm.PortMap, lay, qr)
	}
	if lay.Notes && lay.EventsShown && !vm.EventList.Open {
		drawNotes(v, notesOf(vm), vm.Hints.Notes, lay.Events)
	}
	a := lay.Narration
	v.fillRect(a.x, a.y, a.w, a.h, colPanel)
	for i, k := range vm.Knobs {
		drawKnob(v, lay.Knobs[i], k)
	}
	drawNarration(v, vm, lay)
	if qrNote != "" && vm.Narration.Text == "" && vm.Narration.Question == nil {
		drawQRNote(v, v.T("presenter.qr-note", "note", qrNote), lay)
	}
}

// drawQRNote draws note where presenter mode leaves the narration's text
// to the presenter: as many lines as the text's box holds, the last cut
// short with "…" where they do not all fit (the text mirror has it
// whole).
func drawQRNote(v *view, note string, lay *Layout) {
	const size = 15
	a := lay.NarrText
	lines := v.wrap(note, Bold, size, a.w)
	fit := int(a.h / (size * lineHeight))
	for i, l := range lines {
		if i == fit {
			break
		}
		if i == fit-1 && len(lines) > fit {
			l = v.fit(l+" …", Bold, size, a.w)
		}
		v.text(l, Bold, size, a.x, a.y+float64(i)*size*lineHeight, alignStart, colError)
	}
}

// drawNarration fills the lesson panel: the step's text, or its question
// with the choices and, once the engine has answered, the verdict. In
// presenter mode the narration is left to the presenter and the question
// is larger, wrapped over as many lines as the panel holds.
func drawNarration(v *view, vm *lesson.View, lay *Layout) {
	a, tr := lay.Narration, lay.NarrText
	n := vm.Narration
	head := n.StepText()
	if n.Presenter {
		head = v.T("join.dot", "first", head, "then", vm.Hints.Presenter)
	}
	v.text(v.fit(head, Bold, 13, tr.w), Bold, 13, tr.x, a.y+6, alignStart, colMuted)
	q := n.Question
	if q != nil && q.Verdict != lesson.Unjudged {
		// The verdict and its reason take the question's place.
		col := colRange
		if q.Verdict == lesson.Wrong {
			col = colError
		}
		size := lay.NarrSize - 2
		lead, first, rest := verdictLines(v, q, lay)
		for i, l := range lead {
			v.text(l, Bold, size+1, tr.x, tr.y+float64(i)*(size+3), alignStart, col)
		}
		if first != "" {
			v.text(first, Regular, size, tr.x+v.textWidth(lead[0]+" ", Bold, size+1), tr.y+1, alignStart, colText)
		}
		for i, l := range rest {
			v.text(l, Regular, size, tr.x, tr.y+float64(len(lead)+i)*(size+3), alignStart, colText)
		}
	} else {
		size := lay.textSize(vm)
		lines := v.wrap(n.Text, Regular, size, tr.w)
		for i, line := range lines {
			if i == lay.NarrLines {
				break
			}
			if i == lay.NarrLines-1 && len(lines) > lay.NarrLines {
				line = v.fitWords(line, Regular, size, tr.w) // cut short (Layout.lineCap)
			}
			v.text(line, Regular, size, tr.x, tr.y+float64(i)*size*lineHeight, alignStart, colText)
		}
	}
	// The line under the text, or the first of its shorter forms that
	// fits (a phone's, a longer language's).
	bottom := func(tf Typeface, c color.RGBA, s ...string) {
		st := lay.Status
		v.text(v.fitFirst(tf, 15, st.w, s...), tf, 15, st.x, st.y+2, alignStart, c)
	}
	switch {
	case vm.Notice != "":
		bottom(Bold, colError, vm.Notice)
	case vm.Info != "":
		bottom(Bold, colRange, vm.Info)
	case q != nil && q.Verdict != lesson.Unjudged:
		bottom(Regular, colMuted, vm.Hints.GoOn)
	case q != nil && q.Chosen >= 0:
		bottom(Bold, colMuted, v.T("status.watch"))
	case q != nil:
		bottom(Regular, colMuted, vm.Hints.Ask, v.T("status.predict-short"))
	case n.Complete:
		next := v.T("status.last-lesson")
		if n.Next != "" {
			next = vm.Hints.NextLesson
		}
		bottom(Bold, colRange, n.CompleteText()+"  "+next)
	}
}

// verdictLines wraps a judged question's verdict: its lead (on more
// than one line in a narrow panel), the reason's first line after the
// lead where it leaves room, and the rest under them, as many as the text
// box holds (the last cut short if the reason runs longer).
func verdictLines(v *view, q *lesson.QuestionView, lay *Layout) (lead []string, first string, rest []string) {
	tr, size := lay.NarrText, lay.NarrSize-2
	lead = v.wrap(q.Lead, Bold, size+1, tr.w)
	why := q.Why
	if lw := v.textWidth(lead[0]+" ", Bold, size+1); len(lead) == 1 && lw <= tr.w/2 {
		if lines := v.wrap(why, Regular, size, tr.w-lw); len(lines) > 0 {
			first, why = lines[0], strings.Join(lines[1:], " ")
		}
	}
	rest = v.wrap(why, Regular, size, tr.w)
	room := max(0, int(tr.h/(size+3))-len(lead))
	if len(rest) > room {
		rest = rest[:room]
		if room > 0 {
			rest[room-1] = v.fitWords(rest[room-1], Regular, size, tr.w)
		}
	}
	return lead, first, rest
}

// drawLive draws what moves: sockets, packets, the ports, the chart's
// lines, the inspector and the clock.
func (g *Game) drawLive(v *view, vm *lesson.View, lay *Layout) {
	drawNetwork(v, vm, lay.Hosts, lay.Net)
	g.pm.update(vm.PortMap)
	if lay.Strip.h > 0 {
		g.pm.drawRangeStrip(v, vm.PortMap, lay.Strip)
	}
	if lay.MapShown {
		g.pm.draw(v, vm.PortMap, lay.Map)
		drawCallouts(v, vm.PortMap.Callouts, lay)
		drawInspector(v, vm.Inspect, vm.Hints, lay)
	}
	if a := lay.Chart; lay.ChartShown {
		// The chart, or while a port is inspected its sockets in the
		// chart's place.
		switch in := vm.Inspect; {
		case in.OK && len(in.Sockets) > 0:
			drawSockets(v, in, a)
		case vm.Chart.Compare != nil:
			v.fillRect(a.x, a.y, a.w, a.h, colPanel)
			drawCompletionChart(v, vm.Chart.Compare, a)
		default:
			v.fillRect(a.x, a.y, a.w, a.h, colPanel)
			v.text(v.fit(v.T("chart.title"), Bold, 14, a.w-16), Bold, 14, a.x+8, a.y+4, alignStart, colText)
			drawPortsChart(v, vm.Chart, a)
		}
	}
	if vm.EventList.Open {
		drawEvents(v, &vm.EventList, lay.Events)
	}
	drawTimeline(v, vm.Clock, &g.tl, lay.Timeline)
	if n := vm.Narration; n.Question == nil && !n.Complete && vm.Notice == "" && vm.Info == "" {
		st := lay.Status
		long, short := statusLine(v.book, vm)
		v.text(v.fitFirst(Mono, 14, st.w, long, short), Mono, 14, st.x, st.y+2, alignStart, colMuted)
	}
}

// drawInspector marks the port pointed at or pinned on the map and
// describes it under the map.
func drawInspector(v *view, in lesson.Inspection, h lesson.Hints, lay *Layout) {
	ir := lay.Inspect
	if !in.OK {
		v.text(v.fitFirst(Regular, 13, ir.w, h.Inspect, h.InspectShort), Regular, 13, ir.x, ir.y+4, alignStart, colMuted)
		return
	}
	m := lay.Map
	cx := m.x + float64(in.Port%256)*m.w/256
	v.strokeRect(cx-3, lay.cellY(int(in.Port))-3, 7, 7, 1.5, colText)
	v.text(v.fit(in.Text, Regular, 13, ir.w), Regular, 13, ir.x, ir.y+4, alignStart, colText)
}

// socketRow is the inspected socket i as lines no wider than w where it
// can be: whole, else without its local address, else that wrapped.
func socketRow(v *view, in lesson.Inspection, i int, w float64) []string {
	if v.textWidth(in.Sockets[i], Mono, 13) <= w {
		return []string{in.Sockets[i]}
	}
	return v.wrap(in.Short[i], Mono, 13, w)
}

// inspectRowH is a row of the inspector's socket list.
const inspectRowH = 18.0

// drawSockets lists the inspected port's sockets in the chart's place, a
// line each (the one line under the map has room for the first alone):
// as many as the area holds, then how many more.
func drawSockets(v *view, in lesson.Inspection, a rect) {
	v.fillRect(a.x, a.y, a.w, a.h, colPanel)
	all := len(in.Sockets) + in.More
	v.text(v.fit(v.T("inspector.sockets", "port", int(in.Port), "n", all), Bold, 14, a.w-16), Bold, 14, a.x+8, a.y+4, alignStart, colText)
	fit := max(1, int((a.h-26)/inspectRowH))
	shown := in.Sockets
	if all > fit {
		shown = shown[:min(len(shown), fit-1)]
	}
	y, bottom := a.y+26, a.bottom()-inspectRowH
	if all > len(shown) {
		bottom -= inspectRowH // the count's line
	}
	for i := range shown {
		lines := socketRow(v, in, i, a.w-16)
		if i > 0 && y+float64(len(lines)-1)*inspectRowH > bottom {
			shown = shown[:i]
			break
		}
		for _, l := range lines {
			v.text(v.fit(l, Mono, 13, a.w-16), Mono, 13, a.x+8, y, alignStart, colText)
			y += inspectRowH
		}
	}
	if more := all - len(shown); more > 0 {
		v.text(v.fit(v.T("inspector.more", "n", more), Regular, 13, a.w-16), Regular, 13, a.x+8, y, alignStart, colMuted)
	}
}

func drawButton(v *view, b button) {
	bg, fg := colPanel, colText
	switch {
	case b.on:
		bg, fg = colListen, colBackground
	case b.off:
		fg = colMuted
	}
	v.fillRect(b.r.x, b.r.y, b.r.w, b.r.h, bg)
	v.strokeRect(b.r.x, b.r.y, b.r.w, b.r.h, 1, colPanelEdge)
	size := b.textSize()
	v.text(v.fit(b.caption(), Bold, size, b.r.w-8), Bold, size, b.r.x+b.r.w/2, b.r.y+(b.r.h-size)/2-2, alignCenter, fg)
}

func drawKnob(v *view, r rect, k lesson.KnobView) {
	// The selected knob's lighter ground takes the name's muted grey
	// below 4.5:1: its name is then in full text colour.
	bg, name := colBackground, colMuted
	if k.Selected {
		bg, name = colPanelEdge, colText
	}
	v.fillRect(r.x, r.y, r.w, r.h, bg)
	if r.h >= 38 {
		// A phone's narrow knob: the name above the value.
		v.text(v.fit(k.Name, Bold, 12, r.w-16), Bold, 12, r.x+8, r.y+3, alignStart, name)
		val, size := knobValue(v, k.Value, r.w-16)
		v.text(val, Mono, size, r.right()-8, r.y+20+(14-size), alignEnd, colText)
		return
	}
	// The value whole, the name in the room it leaves (cut short only in
	// a longer language's knob: the text view names it whole).
	val, size := knobValue(v, k.Value, r.w-16-knobNameMin)
	vw := v.textWidth(val, Mono, size)
	ty := r.y + r.h/2 - 9
	v.text(v.fit(k.Name, Bold, 14, r.w-24-vw), Bold, 14, r.x+8, ty, alignStart, name)
	v.text(val, Mono, size, r.right()-8, ty+(14-size), alignEnd, colText)
}

// knobNameMin is the room a knob's value leaves its name at least.
const knobNameMin = 48.0

// knobValue is a knob's value as drawn in maxW, and its size: between
// the arrows that say it turns, else smaller, else without them; cut
// short only where not even that fits.
func knobValue(v *view, value string, maxW float64) (string, float64) {
	arrows := "‹ " + value + " ›"
	for _, c := range []struct {
		s    string
		size float64
	}{{arrows, 14}, {arrows, sizeLabel}, {value, sizeLabel}} {
		if v.textWidth(c.s, Mono, c.size) <= maxW {
			return c.s, c.size
		}
	}
	return v.fit(value, Mono, sizeLabel, maxW), sizeLabel
}

func drawHelp(v *view, lay *Layout, vm *lesson.View) {
	lines := vm.HelpLines
	w, h := min(900, lay.W-16), min(520, lay.H-16)
	x, y := (lay.W-w)/2, (lay.H-h)/2
	size, keyW := 19.0, 160.0
	if w < 600 {
		size, keyW = 14, 90
	}
	v.fillRect(x, y, w, h, colPanel)
	v.strokeRect(x, y, w, h, 2, colText)
	v.text(v.fit(vm.HelpTitle, Bold, size+5, w-32), Bold, size+5, x+w/2, y+18, alignCenter, colText)
	step := min(32, (h-110)/float64(max(len(lines), 1)))
	for i, l := range lines {
		ly := y + 66 + float64(i)*step
		v.text(v.fit(l[0], Mono, size+1, keyW-8), Mono, size+1, x+24, ly, alignStart, colListen)
		v.text(v.fit(l[1], Regular, size, w-keyW-48), Regular, size, x+24+keyW, ly, alignStart, colText)
	}
	v.text(v.fit(vm.HelpClose, Regular, 16, w-32), Regular, 16, x+w/2, y+h-30, alignCenter, colMuted)
}

// drawMessage shows lines in a band that stands out from the scene.
func drawMessage(v *view, lay *Layout, msgs []string, y float64) {
	pad := min(60, lay.W/20)
	var lines []string
	for _, m := range msgs {
		lines = append(lines, v.wrap(m, Bold, 20, lay.W-2*pad-40)...)
	}
	h := 24 + float64(len(lines))*28
	v.fillRect(pad, y, lay.W-2*pad, h, colError)
	for i, l := range lines {
		v.text(l, Bold, 20, pad+20, y+12+float64(i)*28, alignStart, colBackground)
	}
}

// Layout asks for the full device resolution, so that text stays sharp on
// HiDPI screens, and lays the view out for the window's size.
func (g *Game) Layout(w, h int) (int, int) {
	g.screen = screenSize{float64(w), float64(h), ebiten.Monitor().DeviceScaleFactor()}
	return g.screen.deviceSize()
}

// average folds the time since start into a moving average of ms.
func average(avg *float64, start time.Time) {
	ms := float64(time.Since(start).Microseconds()) / 1000
	*avg += (ms - *avg) / 30
}

// statusLine is the clock's line, and a shorter form of it for a narrow
// panel: the time shown, the speed and whether time runs, or the speed
// playback reaches where the simulation cannot keep up.
func statusLine(b *phrase.Book, vm *lesson.View) (string, string) {
	c := vm.Clock
	now, end := lesson.FmtDurIn(b, c.Now), lesson.FmtDurIn(b, c.End)
	if c.Limited {
		return b.T("clock.line-limited", "now", now, "end", end, "reached", c.Reached, "speed", c.Speed),
			b.T("clock.line-limited-short", "now", now, "end", end, "reached", c.Reached, "speed", c.Speed)
	}
	state := b.T("clock.paused")
	switch c.State {
	case lesson.Playing:
		state = b.T("clock.playing")
	case lesson.Finished:
		state = vm.Hints.Ended
	}
	return b.T("clock.line", "now", now, "end", end, "speed", c.Speed, "state", state),
		b.T("clock.line-short", "now", now, "end", end, "speed", c.Speed, "state", state)
}
