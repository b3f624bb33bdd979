// Package game is the Ebiten program: it draws what the engine computed and
// turns keys, clicks and taps into requests to it. It never chooses a port
// or decides whether a connect succeeds; those come from package engine,
// through the simulation's events (player.go).
package game

import (
	"fmt"
	"slices"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/portplay/portplay/engine"
)

// Game wires the scene, input and drawing together; it holds no rules.
type Game struct {
	faces    *faces
	set      Settings
	run      *sceneRun
	boxes    []rect
	pm       *portMap
	mapAt    time.Duration // the simulated time the port map shows
	mapHost  int           // and whose ports; -1 forces a repaint
	focus    int           // the host whose ports the map shows
	playing  bool
	help     bool
	knob     int // the sandbox knob that ↑/↓ change
	problems []string
	fatal    string
	frames   int
	// The lesson: where the learner is, what survives a reload, and
	// whether the narration is hidden for presenting.
	ls        lessonState
	prog      Progress
	store     store
	presenter bool
	// The pointer in design units, and a port tapped or clicked on the map.
	mouseX, mouseY float64
	pinned         int // port+1; 0 for none
	// The last frame's mapping from screen pixels to design units.
	scale, offX, offY float64
	// The static layer and what it was drawn for (chromeKey).
	chrome    *ebiten.Image
	chromeFor chromeKey
	// Moving averages of the CPU time Update and Draw take, in ms.
	updateMs, drawMs float64

	// OnFrame, if set, is called after each frame is drawn with the number
	// of frames drawn so far and the status; returning true ends the
	// program. The native screenshot test uses it to capture the real
	// window and what it showed.
	OnFrame func(frame int, screen *ebiten.Image, st Status) bool
	stop    bool
}

// New builds the game from settings; problems are messages about settings
// that were rejected (see ParseSettings), shown in a banner. A scene that
// cannot be built is reported on screen too: never a blank canvas.
func New(s Settings, problems []string) (*Game, error) {
	fc, err := newFaces()
	if err != nil {
		return nil, err
	}
	g := &Game{faces: fc, set: s, problems: problems, pm: newPortMap(), playing: !s.Paused, scale: 1, store: defaultStore()}
	g.prog, err = loadProgress(g.store)
	if err != nil {
		g.problems = append(g.problems, fmt.Sprintf("Saved progress could not be read (%v); starting afresh.", err))
	}
	if !s.SceneGiven && g.prog.Scene >= 1 && g.prog.Scene <= SceneCount {
		g.set.Scene = g.prog.Scene
	}
	g.open(g.set.Scene)
	g.playing = g.playing && !s.Paused
	publish(g)
	return g, nil
}

// open shows scene n at the lesson step saved for it.
func (g *Game) open(n int) {
	g.load(n, 0)
	if g.run == nil {
		return
	}
	g.gotoStep(g.prog.Steps[n])
	// A scene opened at its start plays: the overview is the scene alive.
	g.playing = g.ls.step == 0
}

// load builds scene n and shows it at time at.
func (g *Game) load(n int, at time.Duration) {
	r, err := buildScene(n, g.set)
	if err != nil {
		g.fatal = fmt.Sprintf("Scene %d could not be built: %v", n, err)
		return
	}
	g.fatal = ""
	g.set.Scene = n
	g.run = r
	g.boxes = layoutHosts(r.play.hosts)
	if g.focus >= len(r.play.hosts) {
		g.focus = 0
	}
	if at == 0 {
		g.focus = slices.IndexFunc(r.play.hosts, func(h hostState) bool { return h.client })
		g.focus = max(g.focus, 0)
	}
	r.play.seek(at)
	g.mapHost = -1
	g.pinned = 0
}

// Update advances the simulation by one tick of real time and handles input.
func (g *Game) Update() error {
	if g.stop {
		return ebiten.Termination
	}
	defer average(&g.updateMs, time.Now())
	for _, ka := range keyActions {
		for _, k := range ka.keys {
			if inpututil.IsKeyJustPressed(k) {
				g.do(ka.act, 1)
			}
		}
	}
	mx, my := ebiten.CursorPosition()
	g.mouseX, g.mouseY = g.toDesign(float64(mx), float64(my))
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
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
	g.tick(time.Second / time.Duration(ebiten.TPS()))
	return nil
}

// tick plays dt of real time.
func (g *Game) tick(dt time.Duration) {
	if g.run == nil || !g.playing {
		return
	}
	p := g.run.play
	p.play(dt, g.set.Speed, g.run.pace)
	if p.hit != nil {
		// The lesson's pause: the event it waited for happened.
		hit := *p.hit
		p.watch, p.hit = nil, nil
		g.playing = false
		if q := g.question(); q != nil && g.ls.chosen >= 0 && g.ls.verdict == "" {
			g.judge(hit)
		}
	}
	if p.finished() {
		g.playing = false
	}
}

func (g *Game) toDesign(x, y float64) (float64, float64) {
	return (x - g.offX) / g.scale, (y - g.offY) / g.scale
}

// click handles a click or tap at design point (x, y); dir is -1 for the
// right mouse button (a knob's previous choice).
func (g *Game) click(x, y float64, dir int) {
	if g.help {
		g.help = false
		return
	}
	if a := hit(g.buttons(), x, y); a != actNone {
		g.do(a, 1)
		return
	}
	if g.run == nil {
		return
	}
	if g.run.n == SceneCount {
		for i := range knobs(g.set) {
			if knobRect(i).has(x, y) {
				g.knob = i
				g.turnKnob(dir)
				return
			}
		}
	}
	for i, b := range g.boxes {
		if b.has(x, y) {
			g.focus = i
			g.mapHost = -1
			return
		}
	}
	if p, ok := portAt(x, y); ok {
		if g.pinned == int(p)+1 {
			g.pinned = 0
		} else {
			g.pinned = int(p) + 1
		}
	}
}

func (g *Game) buttons() []button {
	live := g.run != nil && g.run.def.profileLive
	bs := buttons(g.set.Scene, g.playing, g.help, live)
	for i := range bs {
		bs[i].on = bs[i].on || bs[i].act == actPresenter && g.presenter
	}
	if g.run != nil {
		bs = append(bs, lessonButtons(g.ls.choices, g.ls.chosen, g.set.Scene == SceneCount)...)
	}
	return bs
}

// do carries out an action.
func (g *Game) do(a action, dir int) {
	if a == actHelp {
		g.help = !g.help
		return
	}
	if a == actEscape {
		g.help, g.problems = false, nil
		return
	}
	if a == actFullscreen {
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
		return
	}
	if a > actScene && a <= actScene+action(SceneCount) {
		g.open(int(a - actScene))
		return
	}
	if a == actPresenter {
		g.presenter = !g.presenter
		return
	}
	if g.run == nil {
		return
	}
	p := g.run.play
	switch a {
	case actPlay:
		if p.finished() {
			g.load(g.set.Scene, 0)
		}
		g.playing = !g.playing
	case actStepForward:
		g.playing = false
		p.stepForward()
	case actStepBack:
		g.playing = false
		p.stepBack()
	case actFaster, actSlower:
		i := slices.Index(speeds, g.set.Speed)
		if a == actFaster {
			i = min(i+1, len(speeds)-1)
		} else {
			i = max(i-1, 0)
		}
		g.set.Speed = speeds[i]
	case actRestart:
		g.load(g.set.Scene, 0)
		g.enter(0)
		g.playing = true
	case actNextStep:
		if g.ls.step == 0 {
			// The overview may have played on past what the lesson's
			// steps wait for: the lesson proper starts from the start.
			g.gotoStep(1)
		} else {
			g.enter(g.ls.step + 1)
		}
	case actPrevStep:
		g.gotoStep(g.ls.step - 1)
	case actResetProgress:
		g.prog = Progress{Steps: map[int]int{}, Answers: map[string]string{}}
		g.saveProgress()
		g.load(g.set.Scene, 0)
		g.enter(0)
	case actProfile:
		if g.run.def.profileLive {
			profiles := engine.Profiles()
			i := slices.IndexFunc(profiles, func(pr engine.Profile) bool { return pr.Name == g.set.Profile })
			g.set.Profile = profiles[(i+1)%len(profiles)].Name
			g.load(g.set.Scene, p.now) // live: the same moment, another OS
		}
	case actAnswer, actAnswer + 1, actAnswer + 2:
		g.answer(int(a - actAnswer))
	case actFocus:
		g.focus = (g.focus + 1) % len(p.hosts)
		g.mapHost = -1
	case actKnobNext:
		if g.run.n == SceneCount {
			g.knob = (g.knob + 1) % len(knobs(g.set))
		}
	case actKnobUp, actKnobDown:
		if g.run.n == SceneCount {
			g.turnKnob(map[action]int{actKnobUp: 1, actKnobDown: -1}[a] * dir)
		}
	}
}

// turnKnob moves the selected sandbox knob and restarts the sandbox with it.
func (g *Game) turnKnob(dir int) {
	ks := knobs(g.set)
	ks[g.knob%len(ks)].step(&g.set.Sandbox, &g.set.Profile, dir)
	g.load(SceneCount, 0)
	g.playing = true
}

// lessonQuiet says the panel's last line is free for the clock: no
// question or verdict uses it.
func (g *Game) lessonQuiet() bool { return g.question() == nil }

// chromeKey is everything the static layer depends on: while it stays the
// same, the layer is drawn once and reused, and a frame draws only what
// moves on top of it (text and boxes cost the most on software GL).
type chromeKey struct {
	run        *sceneRun
	w, h       int
	focus      int
	playing    bool
	knob       int
	sandbox    Sandbox
	profile    string
	failed     string
	helpButton bool
	step       int
	chosen     int
	verdict    string
	presenter  bool
}

// Draw renders the current frame.
func (g *Game) Draw(screen *ebiten.Image) {
	start := time.Now()
	v := newView(screen, g.faces)
	g.scale, g.offX, g.offY = v.scale, v.offX, v.offY
	b := screen.Bounds()
	key := chromeKey{run: g.run, w: b.Dx(), h: b.Dy(), focus: g.focus, playing: g.playing, knob: g.knob,
		sandbox: g.set.Sandbox, profile: g.set.Profile, failed: g.fatal, helpButton: g.help,
		step: g.ls.step, chosen: g.ls.chosen, verdict: g.ls.verdict, presenter: g.presenter}
	if g.chrome == nil || g.chrome.Bounds() != b {
		g.chrome = ebiten.NewImage(b.Dx(), b.Dy())
		g.chromeFor = chromeKey{}
	}
	if key != g.chromeFor {
		g.chrome.Fill(colBackground)
		g.drawChrome(newView(g.chrome, g.faces))
		g.chromeFor = key
	}
	screen.DrawImage(g.chrome, nil)
	if g.run != nil {
		g.drawLive(v)
	}
	if g.fatal != "" {
		drawMessage(v, []string{g.fatal, "Press 1 to 6 for another scene."}, DesignH/2-40)
	}
	if len(g.problems) > 0 {
		drawMessage(v, append(g.problems, "(Esc hides this message)"), 60)
	}
	if g.help {
		drawHelp(v)
	}
	g.frames++
	average(&g.drawMs, start)
	publish(g)
	if g.OnFrame != nil && g.OnFrame(g.frames, screen, g.Status()) {
		g.stop = true
	}
}

// drawChrome draws the static layer: titles, buttons, panels, host boxes,
// the port map's legend, the narration and the sandbox's knobs.
func (g *Game) drawChrome(v *view) {
	for _, b := range g.buttons() {
		drawButton(v, b)
	}
	r := g.run
	if r == nil {
		return
	}
	p := r.play
	v.text(fmt.Sprintf("%d. %s", r.n, r.sc.Title), Bold, 20, 16, 15, alignStart, colText)
	drawNetworkChrome(v, r, g.boxes, g.focus)
	g.pm.drawChrome(v, &p.hosts[g.focus])
	a := areaChart
	v.fillRect(a.x, a.y, a.w, a.h, colPanel)
	if r.def.compare {
		drawCompletionChart(v, r)
	} else {
		v.text("Clients' ports over time", Bold, 14, a.x+8, a.y+4, alignStart, colText)
	}
	a = areaNarration
	v.fillRect(a.x, a.y, a.w, a.h, colPanel)
	textW := lessonTextWidth(r.n)
	if r.n == SceneCount {
		for i, k := range knobs(g.set) {
			drawKnob(v, knobRect(i), k, i == g.knob)
		}
	}
	g.drawLesson(v, textW)
}

// lessonTextWidth is how wide the lesson's text may run in scene n: left
// of the step buttons, or of the sandbox's knobs.
func lessonTextWidth(n int) float64 {
	if n == SceneCount {
		return 670
	}
	return areaNarration.w - 210
}

// lessonLines is how many lines of a step's text the panel shows.
const lessonLines = 3

// drawLesson fills the narration panel: the step's text, or its question
// with the choices and, once the engine has answered, the verdict. In
// presenter mode the narration is left to the presenter and the rest is
// larger.
func (g *Game) drawLesson(v *view, textW float64) {
	a := areaNarration
	steps := lessonSteps(g.set.Scene)
	st := steps[g.ls.step]
	head := fmt.Sprintf("Step %d of %d", g.ls.step+1, len(steps))
	if g.presenter {
		head += "  ·  presenter mode (M)"
	}
	v.text(head, Bold, 13, a.x+16, a.y+6, alignStart, colMuted)
	size, lines := 17.0, lessonLines
	if g.presenter {
		size, lines = 26, 1
	}
	text := ""
	switch {
	case st.ask != nil:
		text = st.ask.text
	case !g.presenter:
		text = st.say(g.run)
	}
	if st.ask != nil {
		lines = 1
	}
	for i, line := range v.wrap(text, Regular, size, textW) {
		if i == lines {
			break
		}
		v.text(line, Regular, size, a.x+16, a.y+24+float64(i)*size*1.3, alignStart, colText)
	}
	for _, b := range lessonButtons(g.ls.choices, g.ls.chosen, g.set.Scene == SceneCount) {
		drawButton(v, b)
	}
	switch g.ls.verdict {
	case "right":
		v.text("Right: the engine did exactly that ("+g.ls.truth+"). PageDown goes on.", Bold, 16, a.x+16, a.y+94, alignStart, colRange)
	case "wrong":
		v.text("Not this time: the engine's answer was "+g.ls.truth+". PageDown goes on.", Bold, 16, a.x+16, a.y+94, alignStart, colError)
	default:
		if st.ask != nil && g.ls.chosen >= 0 {
			v.text("Watch what the engine does…", Bold, 16, a.x+16, a.y+94, alignStart, colMuted)
		} else if st.ask != nil {
			v.text("Predict, then see: press A, B or C (or click).", Regular, 15, a.x+16, a.y+94, alignStart, colMuted)
		}
	}
}

// drawLive draws what moves: sockets, packets, the ports, the chart's
// lines, the inspector and the clock.
func (g *Game) drawLive(v *view) {
	r := g.run
	p := r.play
	drawNetwork(v, r, g.boxes)
	focus := &p.hosts[g.focus]
	if g.mapHost != g.focus || g.mapAt != p.now {
		g.pm.update(p.sim.Hosts()[g.focus], g.mapHost == g.focus)
		g.mapHost, g.mapAt = g.focus, p.now
	}
	g.pm.draw(v, focus)
	bottom := 0.0
	for _, b := range g.boxes {
		bottom = max(bottom, b.y+b.h)
	}
	g.pm.drawRangeStrip(v, focus, bottom)
	port, ok := portAt(g.mouseX, g.mouseY)
	if g.pinned > 0 {
		port, ok = engine.Port(g.pinned-1), true
	}
	if ok {
		cx := areaMap.x + float64(port%256)*areaMap.w/256
		v.strokeRect(cx-3, cellY(int(port))-3, 7, 7, 1.5, colText)
		v.text(inspect(port, g.pm.states[port], focus), Regular, 13, areaInspect.x, areaInspect.y+4, alignStart, colText)
	} else {
		v.text("Point at (or tap) a port to see it and its sockets", Regular, 13, areaInspect.x, areaInspect.y+4, alignStart, colMuted)
	}
	if !r.def.compare {
		limit := 0
		if cs := clients(p); len(cs) == 1 {
			limit = cs[0].profile.Ephemeral.Size()
		}
		drawPortsChart(v, p, limit)
	}
	state := "playing"
	switch {
	case p.finished():
		state = "end: Space or R plays again"
	case !g.playing:
		state = "paused"
	}
	a := areaNarration
	status := fmt.Sprintf("t = %s of %s   ·   speed %g×   ·   %s", fmtDur(p.now), fmtDur(p.end()), g.set.Speed, state)
	if g.lessonQuiet() {
		v.text(status, Mono, 14, a.x+16, a.y+a.h-22, alignStart, colMuted)
	}
}

func drawButton(v *view, b button) {
	bg, fg := colPanel, colText
	if b.on {
		bg, fg = colListen, colBackground
	}
	v.fillRect(b.r.x, b.r.y, b.r.w, b.r.h, bg)
	v.strokeRect(b.r.x, b.r.y, b.r.w, b.r.h, 1, colPanelEdge)
	label := b.label + "  " + b.key
	v.text(label, Bold, 13, b.r.x+b.r.w/2, b.r.y+b.r.h/2-8, alignCenter, fg)
}

func drawKnob(v *view, r rect, k knob, selected bool) {
	bg := colBackground
	if selected {
		bg = colPanelEdge
	}
	v.fillRect(r.x, r.y, r.w, r.h, bg)
	v.text(k.name, Bold, 14, r.x+8, r.y+4, alignStart, colMuted)
	v.text("‹ "+k.value+" ›", Mono, 14, r.x+r.w-8, r.y+4, alignEnd, colText)
}

// helpLines are the keys, as the help overlay lists them.
var helpLines = [][2]string{
	{"Space", "play / pause"},
	{"→  ←", "step to the next / previous event (back replays the simulation)"},
	{"+  −", "faster / slower"},
	{"R", "restart the scene"},
	{"1 … 6", "choose a scene (lesson)"},
	{"P", "switch the clients' OS profile (scenes 3, 5, 6)"},
	{"H", "show another host's ports on the port map (or click a host)"},
	{"Tab  ↑ ↓", "sandbox: choose a knob, change it (or click it; right-click goes back)"},
	{"PgDn  PgUp", "next / previous lesson step (Enter goes on too)"},
	{"A  B  C", "answer the lesson's question"},
	{"M", "presenter mode: narration hidden, larger type"},
	{"F", "full screen"},
	{"?  Esc", "this help / close messages"},
}

func drawHelp(v *view) {
	x, y, w, h := 190.0, 70.0, 900.0, 520.0
	v.fillRect(x, y, w, h, colPanel)
	v.strokeRect(x, y, w, h, 2, colText)
	v.text("Keys (every one also has a button)", Bold, 24, x+w/2, y+18, alignCenter, colText)
	for i, l := range helpLines {
		ly := y + 66 + float64(i)*32
		v.text(l[0], Mono, 20, x+40, ly, alignStart, colListen)
		v.text(l[1], Regular, 19, x+200, ly, alignStart, colText)
	}
	v.text("Click or press ? to close", Regular, 16, x+w/2, y+h-30, alignCenter, colMuted)
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

// Status is the state a test (or the browser's JS hook) can read back.
type Status struct {
	Frames      int               // frames drawn so far
	Scene       int               // the scene's number, from 1
	SceneName   string            // its built-in scenario's name
	Time        float64           // simulated seconds shown
	Playing     bool              // whether time runs
	Speed       float64           // the playback speed
	Profile     string            // the clients' profile override, "" for the scenario's
	Help        bool              // the help overlay is shown
	Focus       string            // the host the port map shows
	Events      int               // simulation events shown so far
	Connections []string          // the clients' open connections' 4-tuples, as the engine made them (the first maxListed of each client)
	Failures    []string          // failed connects so far: "host: ERRNO"
	Step        int               // the lesson step, from 0
	Steps       int               // how many steps the lesson has
	Question    string            // the current step's question, if any
	Choices     []string          // its choices
	Verdict     string            // "right" or "wrong" once the engine answered; "" before
	Truth       string            // the engine's answer, once known
	Presenter   bool              // presenter mode
	Answers     map[string]string // every question answered so far (saved progress)
	UpdateMs    float64           // CPU time of Update, moving average over ~30 ticks
	DrawMs      float64           // CPU time of Draw (not the GPU's), likewise
	Problems    []string          // rejected settings and errors shown on screen
}

// maxListed caps Status.Connections per client: the hook is refreshed every
// frame, and a busy sandbox holds thousands.
const maxListed = 8

// Status reports what the game currently shows.
func (g *Game) Status() Status {
	st := Status{Frames: g.frames, Problems: append([]string(nil), g.problems...), Playing: g.playing,
		Speed: g.set.Speed, Profile: g.set.Profile, Help: g.help, Scene: g.set.Scene,
		UpdateMs: g.updateMs, DrawMs: g.drawMs}
	if g.fatal != "" {
		st.Problems = append(st.Problems, g.fatal)
	}
	if g.run == nil {
		return st
	}
	p := g.run.play
	st.Step, st.Steps = g.ls.step, len(lessonSteps(g.set.Scene))
	if q := g.question(); q != nil {
		st.Question = q.text
	}
	st.Choices, st.Verdict, st.Truth = g.ls.choices, g.ls.verdict, g.ls.truth
	st.Presenter = g.presenter
	st.Answers = g.prog.Answers
	st.SceneName = g.run.def.scenario
	st.Time = p.now.Seconds()
	st.Events = p.events
	st.Focus = p.hosts[g.focus].name
	for _, h := range clients(p) {
		open, _ := h.firstRows(maxListed)
		for _, c := range open {
			st.Connections = append(st.Connections, c.tuple.String())
		}
		if h.failures > 0 {
			st.Failures = append(st.Failures, fmt.Sprintf("%s: %d × %s", h.name, h.failures, h.fail.Err))
		}
	}
	return st
}
