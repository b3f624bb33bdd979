package game

import "fmt"

// Status is the state a test (or the browser's JS hook) can read back.
type Status struct {
	Frames      int               // frames drawn so far
	Scene       int               // the lesson's number, from 1
	SceneName   string            // its built-in scenario's name
	Time        float64           // simulated seconds shown
	Playing     bool              // whether time runs
	Speed       float64           // the playback speed asked for
	Reached     float64           // the speed playback reaches (Speed unless Limited)
	Limited     bool              // the simulation cannot keep up with Speed
	Profile     string            // the clients' profile override, "" for the scenario's
	Help        bool              // the help overlay is shown
	Focus       string            // the host the port map shows
	Events      int               // simulation events shown so far
	Connections []string          // the clients' open connections' 4-tuples, as the engine made them
	Failures    []string          // failed connects so far: "host: N × ERRNO"
	Step        int               // the lesson step, from 0
	Steps       int               // how many steps the lesson has
	Question    string            // the current step's question, if any
	Choices     []string          // its choices
	Verdict     string            // "right" or "wrong" once the engine answered; "" before
	Truth       string            // the engine's answer, once known
	Presenter   bool              // presenter mode
	Notes       bool              // the presenter's notes panel is shown (N)
	Answers     map[string]string // every question answered so far (saved progress)
	UpdateMs    float64           // CPU time of Update, moving average over ~30 ticks
	DrawMs      float64           // CPU time of Draw (not the GPU's), likewise
	Problems    []string          // rejected settings and errors shown on screen
	Info        string            // what the app did for the last action (a link copied)
	Link        string            // the last share link made (K)
	Saved       string            // the name of the last file saved
	EventRows   []EventRow        // the event list's rows in view, while it is open
	// The layout for the screen: its canvas in units, CSS pixels per
	// unit, and its shape.
	LayoutW, LayoutH, Zoom float64
	Portrait, Phone        bool
	// Menu is the lesson buttons' row in CSS pixels: x, y, width, height
	// (the page keeps its own hints off it).
	Menu          [4]float64
	ReducedMotion bool // packets are not drawn flying (prefers-reduced-motion)
	// The class session (V): "", "starting", "open" or "unavailable";
	// its room's code; its devices and how many voted in the round.
	ClassState          string
	ClassCode           string
	ClassDevices, Voted int
	// The "Your computer" panel (Y): "" while hidden, "running",
	// "browser" (a web page cannot observe), "failed", "same" or
	// "differs"; this computer's ports toward the first destination.
	YourPC      string
	YourPCPorts []int
}

// EventRow is a row of the event list as a test reads it.
type EventRow struct {
	N                 int     // the event's number in the run
	At                float64 // its simulated time, in seconds
	Text              string
	Current, Selected bool
}

// Status reports what the game currently shows.
func (g *Game) Status() Status {
	vm := &g.vm
	set := g.sess.Settings()
	st := Status{Frames: g.frames, Problems: vm.Problems, ReducedMotion: vm.ReducedMotion, Playing: g.sess.Playing(), Speed: set.Speed,
		Profile: set.Profile.Name, Help: vm.Help, Scene: set.Lesson, UpdateMs: g.updateMs, DrawMs: g.drawMs,
		Answers: g.sess.Answers(), Info: vm.Info, Link: g.link, Saved: g.savedName, Notes: g.notesShown}
	st.ClassState = [...]string{"", "starting", "open", "unavailable"}[g.class.state]
	st.ClassCode, st.ClassDevices, st.Voted = g.class.code, g.class.view.Devices, g.class.view.Voted
	st.YourPC, st.YourPCPorts = yourPCState(&vm.YourPC), vm.YourPC.Kernel.Ports
	lay := g.layout()
	st.LayoutW, st.LayoutH, st.Zoom, st.Portrait, st.Phone = lay.W, lay.H, lay.Zoom, lay.Portrait, lay.Phone
	m := lay.Menu
	st.Menu = [4]float64{m.x * lay.Zoom, m.y * lay.Zoom, m.w * lay.Zoom, m.h * lay.Zoom}
	if vm.Fatal != "" {
		st.Problems = append(st.Problems, vm.Fatal)
	}
	if vm.Lesson == 0 {
		return st
	}
	n := vm.Narration
	st.Step, st.Steps, st.Presenter = n.Step, n.Steps, n.Presenter
	if q := n.Question; q != nil {
		st.Question, st.Verdict, st.Truth = q.Text, q.Verdict.String(), q.Truth
		for _, c := range q.Choices {
			st.Choices = append(st.Choices, c.Label)
		}
	}
	st.SceneName = vm.Scenario
	st.Time = vm.Clock.Now.Seconds()
	st.Reached, st.Limited = vm.Clock.Reached, vm.Clock.Limited
	st.Events = vm.Events
	for _, r := range vm.EventList.Rows {
		st.EventRows = append(st.EventRows, EventRow{N: r.N, At: r.At.Seconds(), Text: r.Text, Current: r.Current, Selected: r.Selected})
	}
	st.Focus = vm.Hosts[vm.Focus].Name
	for _, c := range vm.Connections {
		st.Connections = append(st.Connections, c.String())
	}
	for _, h := range vm.Hosts {
		if h.Client && h.Failures > 0 && h.LastErr != nil {
			st.Failures = append(st.Failures, fmt.Sprintf("%s: %d × %s", h.Name, h.Failures, h.LastErrName))
		}
	}
	return st
}
