// Package game is the Ebiten front end: it draws the lesson session's view
// model and turns keys, clicks and taps into actions on the session. It
// decides nothing: every port, state, error and verdict it draws came from
// the engine through package lesson.
package game

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/portplay/portplay/lesson"
)

// Game wires the session, input and drawing together; it holds no rules.
type Game struct {
	faces *faces
	sess  *lesson.Session
	pm    *portMap
	// The pointer in design units.
	mouseX, mouseY float64
	// The last frame's mapping from screen pixels to design units.
	scale, offX, offY float64
	// The last view drawn, for input to hit-test against.
	vm lesson.View
	// The static layer, and the view generation and size it was drawn for.
	chrome    *ebiten.Image
	chromeGen uint64
	frames    int
	// Moving averages of the CPU time Update and Draw take, in ms.
	updateMs, drawMs float64

	// OnFrame, if set, is called after each frame is drawn with the number
	// of frames drawn so far and the status; returning true ends the
	// program. The native screenshot test uses it to capture the real
	// window and what it showed.
	OnFrame func(frame int, screen *ebiten.Image, st Status) bool
	stop    bool
	// playedAt is when the last tick played; zero while time stands.
	playedAt time.Time
	// page is the browser page's text mirror; nil natively.
	page *mirror
	tl   timeline
	// LinkBase is the app's address, that share links start with; link
	// the last link made.
	LinkBase, link string
	// shotPending: a picture of the view is to be saved after the next
	// Draw; savedName is the last file saved.
	shotPending bool
	savedName   string
}

// New opens a session of the catalogue's lessons with settings s and the
// learner's saved progress; problems are messages about settings that
// were rejected, shown in a banner.
func New(cat *lesson.Catalogue, s lesson.Settings, problems []string) (*Game, error) {
	fc, err := newFaces()
	if err != nil {
		return nil, err
	}
	g := &Game{faces: fc, sess: lesson.NewSession(cat, s, problems, DefaultStore()), pm: newPortMap(), scale: 1}
	g.vm = g.sess.View()
	g.page = newMirror()
	publish(g)
	return g, nil
}

// Update advances the simulation by one tick of real time and handles input.
func (g *Game) Update() error {
	if g.stop {
		return ebiten.Termination
	}
	defer average(&g.updateMs, time.Now())
	g.page.apply(g)
	g.dropped()
	if inpututil.IsKeyJustPressed(ebiten.KeyT) {
		g.page.showText()
	}
	for _, ka := range keyActions {
		for _, k := range ka.keys {
			if !inpututil.IsKeyJustPressed(k) {
				continue
			}
			if a, ok := g.tl.key(k); ok {
				g.do(a)
			} else if a, ok := eventKey(&g.vm.EventList, k); ok {
				g.do(a)
			} else {
				g.do(ka.act)
			}
		}
	}
	mx, my := ebiten.CursorPosition()
	g.mouseX, g.mouseY = g.toDesign(float64(mx), float64(my))
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
		x, y := g.toDesign(float64(tx), float64(ty))
		g.mouseX, g.mouseY = x, y
		g.click(x, y, 1)
	}
	g.sess.Point(portAt(g.mouseX, g.mouseY))
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
// (FPSModeVsyncOffMinimum wakes on input and on ScheduleFrame); while time
// plays, every frame. A screenshot run (OnFrame) counts frames as its
// clock, so it always draws. The mode is deprecated in favour of skipping
// Draw, but that still runs Update at every tick.
func (g *Game) schedule() {
	mode := ebiten.FPSModeVsyncOffMinimum
	if g.sess.Playing() || g.frames < settleFrames || g.OnFrame != nil {
		mode = ebiten.FPSModeVsyncOn
	}
	if ebiten.FPSMode() != mode {
		ebiten.SetFPSMode(mode)
		ebiten.ScheduleFrame()
	}
}

// do carries out an action; full screen is the window's, not the session's.
func (g *Game) do(a lesson.Action) {
	switch a {
	case lesson.ActFullscreen:
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
		return
	case lesson.ActCopyLink:
		g.copyLink()
		return
	case lesson.ActSavePcap, lesson.ActSaveCSV, lesson.ActSaveJSON, lesson.ActSavePNG:
		g.save(a)
		return
	}
	g.sess.Do(a)
}

func (g *Game) toDesign(x, y float64) (float64, float64) {
	return (x - g.offX) / g.scale, (y - g.offY) / g.scale
}

// click handles a click or tap at design point (x, y); dir is -1 for the
// right mouse button (a knob's previous choice).
func (g *Game) click(x, y float64, dir int) {
	if g.sess.Dismiss() {
		return
	}
	if a := hit(buttons(&g.vm), x, y); a != lesson.ActNone {
		g.do(a)
		return
	}
	if g.clickEvents(x, y) {
		return
	}
	for i := range g.vm.Knobs {
		if knobRect(i).has(x, y) {
			g.sess.TurnKnob(i, dir)
			return
		}
	}
	for i, b := range layoutHosts(g.vm.Hosts) {
		if b.has(x, y) {
			g.sess.FocusHost(i)
			return
		}
	}
	if p, ok := portAt(x, y); ok {
		g.sess.Pin(p)
	}
}

// Draw renders the current frame: the cached static layer, then what
// moves on top of it (text and boxes cost the most on software GL).
func (g *Game) Draw(screen *ebiten.Image) {
	start := time.Now()
	g.sess.ViewInto(&g.vm)
	vm := &g.vm
	g.page.write(vm, g.sess)
	v := newView(screen, g.faces)
	g.scale, g.offX, g.offY = v.scale, v.offX, v.offY
	b := screen.Bounds()
	if g.chrome == nil || g.chrome.Bounds() != b {
		g.chrome = ebiten.NewImage(b.Dx(), b.Dy())
		g.chromeGen = vm.Gen - 1
	}
	if vm.Gen != g.chromeGen {
		g.chrome.Fill(colBackground)
		drawChrome(newView(g.chrome, g.faces), vm)
		g.chromeGen = vm.Gen
	}
	screen.DrawImage(g.chrome, nil)
	if vm.Lesson > 0 {
		g.drawLive(v, vm)
	}
	if vm.Fatal != "" {
		drawMessage(v, []string{vm.Fatal}, DesignH/2-40)
	}
	if len(vm.Problems) > 0 {
		drawMessage(v, append(vm.Problems, "(Esc hides this message)"), 60)
	}
	if vm.Help {
		drawHelp(v, vm.HelpLines)
	}
	if g.shotPending {
		g.savePicture(screen)
	}
	g.frames++
	average(&g.drawMs, start)
	publish(g)
	if g.OnFrame != nil && g.OnFrame(g.frames, screen, g.Status()) {
		g.stop = true
	}
}

// drawChrome draws the static layer: title, buttons, panels, host boxes,
// the port map's legend, the narration and the sandbox's knobs.
func drawChrome(v *view, vm *lesson.View) {
	bs := buttons(vm)
	// Buttons last: the lesson panel's sit on top of it.
	defer func() {
		for _, b := range bs {
			drawButton(v, b)
		}
	}()
	if vm.Lesson == 0 {
		return
	}
	v.text(v.fit(vm.Title, Bold, 20, bs[0].r.x-28), Bold, 20, 16, 15, alignStart, colText)
	drawNetworkChrome(v, vm)
	drawPortMapChrome(v, vm.PortMap)
	a := areaChart
	v.fillRect(a.x, a.y, a.w, a.h, colPanel)
	if vm.Chart.Compare != nil {
		drawCompletionChart(v, vm.Chart.Compare)
	} else {
		v.text("Clients' ports over time", Bold, 14, a.x+8, a.y+4, alignStart, colText)
	}
	a = areaNarration
	v.fillRect(a.x, a.y, a.w, a.h, colPanel)
	for i, k := range vm.Knobs {
		drawKnob(v, knobRect(i), k)
	}
	drawNarration(v, vm)
}

// drawNarration fills the lesson panel: the step's text, or its question
// with the choices and, once the engine has answered, the verdict. In
// presenter mode the narration is left to the presenter and the question
// is larger.
func drawNarration(v *view, vm *lesson.View) {
	a := areaNarration
	n := vm.Narration
	width := narrationWidth(vm)
	head := fmt.Sprintf("Step %d of %d", n.Step+1, n.Steps)
	if n.Presenter {
		head += "  ·  presenter mode (M)"
	}
	v.text(head, Bold, 13, a.x+16, a.y+6, alignStart, colMuted)
	q := n.Question
	if q != nil && q.Verdict != lesson.Unjudged {
		// The verdict and its reason take the question's place.
		lead, col := q.Lead(), colRange
		if q.Verdict == lesson.Wrong {
			col = colError
		}
		v.text(lead, Bold, 16, a.x+16, a.y+24, alignStart, col)
		lw := v.textWidth(lead+" ", Bold, 16)
		lines := v.wrap(q.Why, Regular, 15, width-lw)
		if len(lines) > 0 {
			v.text(lines[0], Regular, 15, a.x+16+lw, a.y+25, alignStart, colText)
		}
		rest := v.wrap(strings.Join(lines[min(1, len(lines)):], " "), Regular, 15, width)
		for i, l := range rest[:min(len(rest), 1)] {
			v.text(l, Regular, 15, a.x+16, a.y+42+float64(i)*18, alignStart, colText)
		}
	} else {
		size := 17.0
		if n.Presenter {
			size = 26
		}
		for i, line := range v.wrap(n.Text, Regular, size, width) {
			if i == n.MaxLines {
				break
			}
			v.text(line, Regular, size, a.x+16, a.y+24+float64(i)*size*1.3, alignStart, colText)
		}
	}
	bottom := func(s string, tf Typeface, c color.RGBA) {
		v.text(v.fit(s, tf, 15, width), tf, 15, a.x+16, a.y+a.h-22, alignStart, c)
	}
	switch {
	case vm.Notice != "":
		bottom(vm.Notice, Bold, colError)
	case vm.Info != "":
		bottom(vm.Info, Bold, colRange)
	case q != nil && q.Verdict != lesson.Unjudged:
		bottom("PageDown goes on.", Regular, colMuted)
	case q != nil && q.Chosen >= 0:
		bottom("Watch what happens…", Bold, colMuted)
	case q != nil:
		bottom("Predict, then see: press A, B or C (or click). Esc skips the question.", Regular, colMuted)
	case n.Complete:
		next := "the last lesson."
		if n.Next != "" {
			next = "PageDown: " + n.Next + "."
		}
		bottom("Lesson complete: "+n.Learnt+"  "+next, Bold, colRange)
	}
}

// drawLive draws what moves: sockets, packets, the ports, the chart's
// lines, the inspector and the clock.
func (g *Game) drawLive(v *view, vm *lesson.View) {
	boxes := layoutHosts(vm.Hosts)
	drawNetwork(v, vm, boxes)
	g.pm.update(vm.PortMap)
	g.pm.draw(v, vm.PortMap)
	bottom := 0.0
	for _, b := range boxes {
		bottom = max(bottom, b.y+b.h)
	}
	g.pm.drawRangeStrip(v, vm.PortMap, bottom)
	if in := vm.Inspect; in.OK {
		cx := areaMap.x + float64(in.Port%256)*areaMap.w/256
		v.strokeRect(cx-3, cellY(int(in.Port))-3, 7, 7, 1.5, colText)
		v.text(in.Text, Regular, 13, areaInspect.x, areaInspect.y+4, alignStart, colText)
	} else {
		v.text("Point at (or tap) a port to see it and its sockets", Regular, 13, areaInspect.x, areaInspect.y+4, alignStart, colMuted)
	}
	if vm.Chart.Compare == nil {
		drawPortsChart(v, vm.Chart)
	}
	if vm.EventList.Open {
		drawEvents(v, &vm.EventList, areaEvents)
	}
	drawTimeline(v, vm.Clock, &g.tl, areaTimeline)
	if n := vm.Narration; n.Question == nil && !n.Complete && vm.Notice == "" && vm.Info == "" {
		c := vm.Clock
		state := [...]string{lesson.Paused: "paused", lesson.Playing: "playing", lesson.Finished: "end: Space or R plays again"}[c.State]
		a := areaNarration
		status := fmt.Sprintf("t = %s of %s   ·   speed %g×   ·   %s", lesson.FmtDur(c.Now), lesson.FmtDur(c.End), c.Speed, state)
		if c.Limited {
			status = fmt.Sprintf("t = %s of %s   ·   playing at %g×: asked %g×, the simulation is the limit", lesson.FmtDur(c.Now), lesson.FmtDur(c.End), c.Reached, c.Speed)
		}
		v.text(status, Mono, 14, a.x+16, a.y+a.h-22, alignStart, colMuted)
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
	v.text(b.label+"  "+b.key, Bold, 13, b.r.x+b.r.w/2, b.r.y+b.r.h/2-8, alignCenter, fg)
}

func drawKnob(v *view, r rect, k lesson.KnobView) {
	// The selected knob's lighter ground takes the name's muted grey
	// below 4.5:1: its name is then in full text colour.
	bg, name := colBackground, colMuted
	if k.Selected {
		bg, name = colPanelEdge, colText
	}
	v.fillRect(r.x, r.y, r.w, r.h, bg)
	v.text(k.Name, Bold, 14, r.x+8, r.y+4, alignStart, name)
	v.text("‹ "+k.Value+" ›", Mono, 14, r.x+r.w-8, r.y+4, alignEnd, colText)
}

func drawHelp(v *view, lines [][2]string) {
	x, y, w, h := 190.0, 70.0, 900.0, 520.0
	v.fillRect(x, y, w, h, colPanel)
	v.strokeRect(x, y, w, h, 2, colText)
	v.text("Keys (every one also has a button)", Bold, 24, x+w/2, y+18, alignCenter, colText)
	// Rows close up as keys are added: the list stays above the close hint.
	step := min(32, (h-110)/float64(len(lines)))
	for i, l := range lines {
		ly := y + 66 + float64(i)*step
		v.text(l[0], Mono, 20, x+40, ly, alignStart, colListen)
		v.text(l[1], Regular, 19, x+200, ly, alignStart, colText)
	}
	v.text("Click or press ? to close", Regular, 16, x+w/2, y+h-30, alignCenter, colMuted)
}

// drawMessage shows lines in a band that stands out from the scene.
func drawMessage(v *view, msgs []string, y float64) {
	var lines []string
	for _, m := range msgs {
		lines = append(lines, v.wrap(m, Bold, 20, DesignW-160)...)
	}
	h := 24 + float64(len(lines))*28
	v.fillRect(60, y, DesignW-120, h, colError)
	for i, l := range lines {
		v.text(l, Bold, 20, 80, y+12+float64(i)*28, alignStart, colBackground)
	}
}

// Layout asks for the full device resolution so that text stays sharp on
// HiDPI screens; the view scales the design canvas to fit.
func (g *Game) Layout(w, h int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	return int(float64(w) * s), int(float64(h) * s)
}

// average folds the time since start into a moving average of ms.
func average(avg *float64, start time.Time) {
	ms := float64(time.Since(start).Microseconds()) / 1000
	*avg += (ms - *avg) / 30
}
