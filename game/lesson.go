package game

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/sim"
)

// step is one step of a lesson: what the narration says, and how far the
// simulation then plays before it pauses, or a question to answer first.
// Every number in the text comes from the engine's profiles or the run.
type step struct {
	say func(r *sceneRun) string
	// until is the event the step plays to; nil for a step that only talks.
	until func(r *sceneRun, e sim.Event) bool
	ask   *question
}

// question is a predict-then-see checkpoint: the learner picks one of the
// choices, the simulation plays until resolve says the event that answers
// it happened, and judge compares the choice with that event. The choices
// come from the engine (a look ahead at the same deterministic run, or
// the profile), never typed in.
type question struct {
	id      string
	text    string
	choices func(r *sceneRun) []string
	resolve func(r *sceneRun, e sim.Event) bool
	// answer is the right choice given the resolving event.
	answer func(r *sceneRun, e sim.Event) string
}

// lessonState is where the learner is in the current scene's lesson.
type lessonState struct {
	step    int
	choices []string // the current question's, computed when it is reached
	chosen  int      // index into choices; -1 before an answer
	verdict string   // "right" or "wrong" once the engine has answered; "" before
	truth   string   // the engine's answer, once known
}

// lessons are the steps of each scene's lesson, by scene number - 1.
var lessons = [SceneCount][]step{
	{ // 1. Well-known ports
		{ask: &question{
			id:   "1-unprivileged-80",
			text: "A program without privilege asks a Linux host to listen on port 80. What does it get?",
			choices: func(*sceneRun) []string {
				return []string{"the port", "EACCES", "EADDRINUSE"}
			},
			// Answered by the engine at once: an unprivileged bind of :80
			// on a Linux host (fact: ports below 1024 need privilege).
			answer: func(r *sceneRun, _ sim.Event) string { return unprivilegedBind80() },
		}},
		{say: func(r *sceneRun) string {
			return fmt.Sprintf("So %s starts as root (or with CAP_NET_BIND_SERVICE) and listens on :80. Now its client connects.", serverName(r.play))
		}, until: isKind(sim.PortAllocated)},
		{say: func(r *sceneRun) string {
			c := firstClient(r.play)
			return fmt.Sprintf("The client's side got an ephemeral port from %s: a dynamic, unprivileged port its OS picked by itself.", rangeOf(c.profile))
		}, until: isKind(sim.Done)},
	},
	{ // 2. Two servers
		{ask: &question{
			id:      "2-next-port",
			text:    "The client opens its next connection. Which port will its side get?",
			choices: nextPortChoices,
			resolve: isKind(sim.PortAllocated),
			answer:  portOf,
		}},
		{ask: &question{
			id:      "2-second-port",
			text:    "And the connection after that: which port this time?",
			choices: nextPortChoices,
			resolve: isKind(sim.PortAllocated),
			answer:  portOf,
		}},
		{say: func(*sceneRun) string {
			return "Two connections, two 4-tuples: each server answers to the client's own ephemeral port."
		}, until: isKind(sim.Done)},
	},
	{ // 3. Ephemeral ports
		{say: func(r *sceneRun) string {
			return "Three clients on three systems, each picking ports from its own range. Watch the first connections open."
		}, until: isKind(sim.Done)},
		{ask: &question{
			id:   "3-time-wait-side",
			text: "The laptop is about to close its connection first. Which side will hold TIME_WAIT?",
			choices: func(*sceneRun) []string {
				return []string{"the client", "the server", "both"}
			},
			resolve: isState("TIME_WAIT"),
			answer: func(r *sceneRun, e sim.Event) string {
				if r.play.hosts[r.play.hostIndex(e.Host)].client {
					return "the client"
				}
				return "the server"
			},
		}},
		{say: func(r *sceneRun) string {
			return fmt.Sprintf("Only the side that closes first waits: %s. The pc's server closes first, so there the server waits.", timeWaits(clients(r.play)))
		}, until: func(r *sceneRun, e sim.Event) bool {
			return e.Kind == sim.State && e.State == "TIME_WAIT" && e.Host != "laptop"
		}},
	},
	{ // 4. Without ephemeral ports
		{say: func(*sceneRun) string {
			return "Every connection here uses port 80 at both ends. Watch the server: it listens, then transmits, then listens again."
		}, until: isKind(sim.Waiting)},
		{ask: &question{
			id:   "4-cache-fetch",
			text: "cache listens on :80 and now wants to fetch from web, also from port 80. Will its connect succeed?",
			choices: func(*sceneRun) []string {
				return []string{"yes", "no: EADDRINUSE", "no: EADDRNOTAVAIL"}
			},
			resolve: func(_ *sceneRun, e sim.Event) bool {
				return e.Host == "cache" && (e.Kind == sim.ConnectFailed || e.Kind == sim.PortAllocated)
			},
			answer: connectOutcome,
		}},
		{say: func(r *sceneRun) string {
			return fmt.Sprintf("The exact reason: a 4-tuple names one conversation, and a host's own :80 listener holds the port. Done after %s instead of %s with ephemeral ports.",
				fmtDur(r.without.LastDone), fmtDur(r.with.LastDone))
		}, until: func(r *sceneRun, e sim.Event) bool { return e.At >= r.without.LastDone }},
	},
	{ // 5. Running out
		{say: func(r *sceneRun) string {
			c := firstClient(r.play).profile
			return fmt.Sprintf("A range of %d ports, %s. Watch the first ports go out.", c.Ephemeral.Size(), strategyText(c.Connect))
		}, until: nthKind(sim.PortAllocated, 3)},
		{ask: &question{
			id:      "5-next-port",
			text:    "Which port will the next connection get?",
			choices: nextPortChoices,
			resolve: isKind(sim.PortAllocated),
			answer:  portOf,
		}},
		{say: func(r *sceneRun) string {
			c := firstClient(r.play).profile
			return fmt.Sprintf("Each closed connection keeps its port in TIME_WAIT for %s. Play on until the range is full.", fmtWhole(c.TimeWait))
		}, until: func(r *sceneRun, e sim.Event) bool {
			return e.Kind == sim.PortAllocated && r.play.kinds[sim.PortAllocated] >= firstClient(r.play).profile.Ephemeral.Size()
		}},
		{ask: &question{
			id:   "5-connect-when-full",
			text: "Every port toward web is held. Will the next connect succeed?",
			choices: func(*sceneRun) []string {
				return []string{"yes", "no: EADDRNOTAVAIL", "no: EADDRINUSE"}
			},
			resolve: func(_ *sceneRun, e sim.Event) bool {
				return e.Kind == sim.ConnectFailed || e.Kind == sim.PortAllocated
			},
			answer: connectOutcome,
		}},
		{say: func(r *sceneRun) string {
			c := firstClient(r.play).profile
			return fmt.Sprintf("Connects fail until a TIME_WAIT ends: at most %d / %s = %.2f new connections per second to one destination.",
				c.Ephemeral.Size(), fmtWhole(c.TimeWait), capacity(c))
		}, until: nthKind(sim.PortReleased, 1)},
	},
	{ // 6. Sandbox
		{say: func(r *sceneRun) string {
			return "Try the smallest range with a short TIME_WAIT and watch connects fail; then the highest rate with the profile's own range."
		}},
	},
}

// The pause conditions steps are made of.

func isKind(k sim.Kind) func(*sceneRun, sim.Event) bool {
	return func(_ *sceneRun, e sim.Event) bool { return e.Kind == k }
}

func isState(st string) func(*sceneRun, sim.Event) bool {
	return func(_ *sceneRun, e sim.Event) bool { return e.Kind == sim.State && e.State == st }
}

// nthKind holds once n events of kind k have happened since the run began.
func nthKind(k sim.Kind, n int) func(*sceneRun, sim.Event) bool {
	return func(r *sceneRun, e sim.Event) bool { return e.Kind == k && r.play.kinds[k] >= n }
}

func portOf(_ *sceneRun, e sim.Event) string { return fmt.Sprint(e.Tuple.Local.Port()) }

func connectOutcome(_ *sceneRun, e sim.Event) string {
	if e.Kind == sim.PortAllocated {
		return "yes"
	}
	return "no: " + e.Err
}

// unprivilegedBind80 asks the engine what an unprivileged listen on :80
// gets on a Linux host.
func unprivilegedBind80() string {
	p, err := engine.ProfileByName("linux")
	if err != nil {
		return err.Error()
	}
	h, err := engine.NewHost(engine.HostConfig{Name: "web", Addr: netip.MustParseAddr("10.0.0.10"), Profile: p})
	if err != nil {
		return err.Error()
	}
	if err := h.Listen(engine.TCP, netip.MustParseAddrPort("10.0.0.10:80")); err != nil {
		return engine.ErrnoName(err)
	}
	return "the port"
}

// nextPortChoices offers the port the next connection will get (looked up
// by running the same deterministic scenario ahead) among ports it could
// plausibly have been: the range's ends and the neighbours of the answer,
// in numeric order so that the order gives nothing away.
func nextPortChoices(r *sceneRun) []string {
	next, ok := r.lookAhead(isKind(sim.PortAllocated))
	if !ok {
		return nil
	}
	c := r.play.hosts[r.play.hostIndex(next.Host)].profile.Ephemeral
	p := engine.Port(next.Tuple.Local.Port())
	var ports []engine.Port
	for _, q := range []engine.Port{p, c.Lo, p + 1, c.Hi, p - 1} {
		if c.Contains(q) && !slices.Contains(ports, q) && len(ports) < 3 {
			ports = append(ports, q)
		}
	}
	slices.Sort(ports)
	out := make([]string, len(ports))
	for i, q := range ports {
		out[i] = fmt.Sprint(q)
	}
	return out
}

// lookAhead finds the next event matching match in this run, without
// moving the picture: it replays the same deterministic scenario.
func (r *sceneRun) lookAhead(match func(*sceneRun, sim.Event) bool) (sim.Event, bool) {
	s, err := sim.New(r.sc)
	if err != nil {
		return sim.Event{}, false
	}
	s.Run(r.play.now, nil)
	var found sim.Event
	ok := false
	for !ok {
		at, more := s.Next()
		if !more || at > r.sc.Duration {
			break
		}
		s.Run(at, func(e sim.Event) {
			if !ok && match(r, e) {
				found, ok = e, true
			}
		})
	}
	return found, ok
}

// lessonSteps are scene n's steps: the scene's overview (narration), then
// its lesson.
func lessonSteps(n int) []step { return allSteps[n-1] }

// allSteps are made once: the current step is looked up every frame.
var allSteps = func() (all [SceneCount][]step) {
	for i, l := range lessons {
		all[i] = append([]step{{say: narration}}, l...)
	}
	return all
}()

// The Game's side of lessons: stepping, answering, judging, saving.

// question is the current step's question, if it has one.
func (g *Game) question() *question {
	steps := lessonSteps(g.set.Scene)
	if g.ls.step < len(steps) {
		return steps[g.ls.step].ask
	}
	return nil
}

// enter begins step i of the current scene's lesson from where the
// simulation is now.
func (g *Game) enter(i int) {
	steps := lessonSteps(g.set.Scene)
	i = max(0, min(i, len(steps)-1))
	g.ls = lessonState{step: i, chosen: -1}
	p := g.run.play
	p.watch, p.hit = nil, nil
	st := steps[i]
	switch {
	case st.ask == nil && st.until == nil:
		g.playing = false
	case st.ask != nil:
		g.ls.choices = st.ask.choices(g.run)
		g.playing = false
	case st.until != nil:
		r := g.run
		p.watch = func(e sim.Event) bool { return st.until(r, e) }
		g.playing = true
	}
	g.prog.Scene = g.set.Scene
	g.prog.Steps[g.set.Scene] = i
	g.saveProgress()
}

// gotoStep shows step i as a learner arriving there would have seen it: the
// scene replayed from the start through every earlier step's pause. Step 0
// is the start of the scene, paused.
func (g *Game) gotoStep(i int) {
	steps := lessonSteps(g.set.Scene)
	i = max(0, min(i, len(steps)-1))
	g.load(g.set.Scene, 0)
	r := g.run
	for _, st := range steps[1:max(i, 1)] {
		cond := st.until
		if st.ask != nil {
			cond = st.ask.resolve
		}
		if cond != nil {
			r.play.runUntil(func(e sim.Event) bool { return cond(r, e) })
		}
	}
	g.enter(i)
}

// answer takes choice k for the current question, then plays until the
// engine answers it (or judges at once when the engine needs no run).
func (g *Game) answer(k int) {
	q := g.question()
	if q == nil || g.ls.chosen >= 0 || k >= len(g.ls.choices) {
		return
	}
	g.ls.chosen = k
	if q.resolve == nil {
		g.judge(sim.Event{})
		return
	}
	r := g.run
	r.play.watch = func(e sim.Event) bool { return q.resolve(r, e) }
	g.playing = true
}

// judge compares the learner's choice with what the engine did.
func (g *Game) judge(e sim.Event) {
	q := g.question()
	g.ls.truth = q.answer(g.run, e)
	g.ls.verdict = "wrong"
	if g.ls.choices[g.ls.chosen] == g.ls.truth {
		g.ls.verdict = "right"
	}
	g.playing = false
	g.prog.Answers[q.id] = g.ls.verdict
	g.saveProgress()
}

func (g *Game) saveProgress() {
	if err := saveProgress(g.store, g.prog); err != nil && len(g.problems) == 0 {
		g.problems = append(g.problems, fmt.Sprintf("Progress could not be saved: %v", err))
	}
}
