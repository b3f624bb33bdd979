package lesson

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
)

// questionSteps are the steps of lesson n that ask, by index (the overview
// is step 0).
func questionSteps(t testing.TB, n int) []int {
	l, ok := builtin(t).Lesson(n)
	require.True(t, ok)
	var out []int
	for i, st := range l.Steps {
		if st.Ask != nil {
			out = append(out, i+1)
		}
	}
	return out
}

// answerAt opens lesson n at step i, answers choice k and plays until the
// engine has answered.
func answerAt(t testing.TB, n, i, k int) *Session {
	s := newSession(t, n)
	s.gotoStep(i)
	q := s.View().Narration.Question
	require.NotNil(t, q, "lesson %d step %d asks", n, i)
	require.Less(t, k, len(q.Choices))
	s.Do(ActAnswer(k))
	s.PlayToPause(nil)
	return s
}

// Every question of every lesson: exactly one choice is right, and it is
// the engine's answer, whatever the learner picks.
func TestEveryQuestionIsJudgedByTheEngine(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		for _, i := range questionSteps(t, l.Number) {
			t.Run(fmt.Sprintf("lesson %d step %d", l.Number, i), func(t *testing.T) {
				s := newSession(t, l.Number)
				s.gotoStep(i)
				choices := s.View().Narration.Question.Choices
				require.GreaterOrEqual(t, len(choices), 2)
				right, truth := 0, ""
				for k := range choices {
					q := answerAt(t, l.Number, i, k).View().Narration.Question
					require.NotEqual(t, Unjudged, q.Verdict, "choice %s was judged", choices[k].Label)
					assert.Equal(t, q.Choices[k].Label == q.Truth, q.Verdict == Right)
					if q.Verdict == Right {
						right++
					}
					if truth != "" {
						assert.Equal(t, truth, q.Truth, "the same run, the same answer")
					}
					truth = q.Truth
				}
				assert.Equal(t, 1, right, "exactly one choice is the engine's answer (%q)", truth)
			})
		}
	}
}

// truthOf is the engine's answer to the question at step i of lesson n.
func truthOf(t *testing.T, n, i int) string {
	return answerAt(t, n, i, 0).View().Narration.Question.Truth
}

// The answers that facts/ports.md fixes, whatever the run: §2 privileged
// ports (EACCES), TIME_WAIT on the side that closes first, EADDRINUSE for
// a host whose own listener holds :80, EADDRNOTAVAIL when every port
// toward a destination is held, and the 4-tuple's sharing across
// destinations (fact 3) against bind() first (fact 4).
func TestAnswersAreTheFacts(t *testing.T) {
	assert.Equal(t, "EACCES", truthOf(t, 1, 1))
	assert.Equal(t, "the client", truthOf(t, 3, 2))
	assert.Equal(t, "no: EADDRINUSE", truthOf(t, 4, 2))
	assert.Equal(t, "no: WSAENOBUFS", truthOf(t, 5, 4), "Winsock's error on Windows XP")
	size := runOf(t, 7, DefaultSettings()).firstClient().Profile.Ephemeral.Size()
	servers := len(runOf(t, 7, DefaultSettings()).servers())
	assert.Equal(t, itoa(size*servers), truthOf(t, 7, 1), "every port toward every server")
	assert.Equal(t, itoa(size), truthOf(t, 7, 3), "a bound port is held toward every server")
	// Why TIME_WAIT (RFC 9293 §3.10.7.4): a FIN sent again reaches the
	// side still in TIME_WAIT, which acknowledges it; tcp_tw_reuse lets a
	// 4-tuple in TIME_WAIT for more than its delay be taken over (Linux,
	// tcp_twsk_unique); SO_REUSEADDR on both listeners binds beside
	// connections in TIME_WAIT.
	fin := stepAsking(t, 3, "3-fin-again")
	assert.Equal(t, "an ACK", truthOf(t, 3, fin))
	assert.Equal(t, "yes", truthOf(t, 3, stepAsking(t, 3, "3-tw-reuse")))
	assert.Equal(t, "the port", truthOf(t, 3, stepAsking(t, 3, "3-reuseaddr")))
	// So under every profile P switches the clients to: their TIME_WAIT
	// outlasts the FIN's retransmission timeout.
	for _, prof := range engine.Profiles() {
		s := newSession(t, 3)
		s.set.Profile = prof
		s.gotoStep(fin)
		s.Do(ActAnswer(0))
		s.PlayToPause(nil)
		assert.Equal(t, "an ACK", s.View().Narration.Question.Truth, prof.Name)
	}
}

// stepAsking is the step of lesson n that asks question id.
func stepAsking(t *testing.T, n int, id string) int {
	l := must(builtin(t).Lesson(n))
	i := slices.IndexFunc(l.Steps, func(st Step) bool { return st.Ask != nil && st.Ask.ID == id })
	require.GreaterOrEqual(t, i, 0, "lesson %d asks %s", n, id)
	return i + 1
}

// A port question's answer is the port the engine gave the next
// connection, among its choices.
func TestNextPortIsTheEngines(t *testing.T) {
	for _, n := range []int{2, 5} {
		for _, i := range questionSteps(t, n) {
			s := newSession(t, n)
			s.gotoStep(i)
			l, _ := builtin(t).Lesson(n)
			if l.Steps[i-1].Ask.Answer.Kind != AnswerPort {
				continue
			}
			next, ok := s.lookAhead(func(e sim.Event) bool { return e.Kind == sim.PortAllocated })
			require.True(t, ok)
			q := s.View().Narration.Question
			labels := []string{}
			for _, c := range q.Choices {
				labels = append(labels, c.Label)
			}
			want := itoa(int(next.Tuple.Local.Port()))
			assert.Contains(t, labels, want, "lesson %d step %d", n, i)
			assert.Equal(t, want, truthOf(t, n, i))
		}
	}
}

// The right choice's place varies with the seed, and the same run always
// asks in the same order.
func TestChoicesAreShuffledWithTheSeed(t *testing.T) {
	places := map[int]bool{}
	for seed := uint64(1); seed <= 12; seed++ {
		order := func() []Control {
			s := DefaultSettings()
			s.Lesson, s.LessonGiven, s.Paused, s.Seed = 1, true, true, seed
			ss := NewSession(builtin(t), s, nil, &MemStore{})
			ss.gotoStep(1)
			return ss.View().Narration.Question.Choices
		}
		a, b := order(), order()
		require.Equal(t, a, b, "seed %d: the same order each time", seed)
		for k, c := range a {
			if c.Label == "EACCES" {
				places[k] = true
			}
		}
	}
	assert.Greater(t, len(places), 1, "the right answer is not always in one place")
}

// Every verdict gives its reason, with no quantity left unfilled.
func TestEveryVerdictSaysWhy(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		for _, i := range questionSteps(t, l.Number) {
			q := answerAt(t, l.Number, i, 0).View().Narration.Question
			assert.NotEmpty(t, q.Why, "lesson %d step %d", l.Number, i)
			assert.NotContains(t, q.Why, "{")
			assert.NotContains(t, q.Why, " 0,", "lesson %d step %d: %s", l.Number, i, q.Why)
		}
	}
	why := answerAt(t, 5, 2, 0).View().Narration.Question.Why
	assert.Regexp(t, `^\d+ follows \d+, the port the connection before it got`, why, "a sequential pick names the port before")
}

// While a question waits, the simulation waits too: playing, stepping or
// going back would take the answer from another event.
func TestAQuestionLocksTheSimulation(t *testing.T) {
	s := newSession(t, 5)
	s.gotoStep(2)
	at := s.View().Clock.Now
	for _, a := range []Action{ActPlay, ActStepForward, ActStepBack, ActProfile} {
		s.Do(a)
		v := s.View()
		assert.Equal(t, at, v.Clock.Now, "action %d", a)
		assert.False(t, s.Playing())
		assert.Contains(t, v.Notice, "Answer first")
	}
	for _, c := range s.View().Controls {
		assert.Equal(t, locked[c.Action], c.Disabled, "%s while the question waits", c.Label)
	}
	s.Do(ActFaster)
	assert.Empty(t, s.View().Notice, "other actions work, and clear the notice")
	s.Do(ActAnswer(0))
	s.Do(ActPlay)
	assert.True(t, s.Playing(), "Space cannot stop the engine from answering")
	assert.Contains(t, s.View().Notice, "answering")
	s.PlayToPause(nil)
	s.Do(ActStepForward)
	assert.Greater(t, s.View().Clock.Now, at, "judged: the simulation is free again")

	// Esc skips the question to the next step.
	s = newSession(t, 5)
	s.gotoStep(2)
	s.Do(ActEscape)
	assert.Equal(t, 3, s.View().Narration.Step)
	assert.Empty(t, s.Answers(), "a skipped question is not answered")
}

// The last step completes the lesson: it says what was learnt, offers
// the next lesson, and PageDown opens it.
func TestTheLastStepCompletesTheLesson(t *testing.T) {
	store := &MemStore{}
	set := DefaultSettings()
	set.Lesson, set.LessonGiven, set.Paused = 3, true, true
	s := NewSession(builtin(t), set, nil, store)
	l, _ := builtin(t).Lesson(3)
	for range l.Steps {
		assert.False(t, s.View().Narration.Complete)
		s.Do(ActNextStep)
		if s.View().Narration.Question != nil {
			s.Do(ActAnswer(0))
		}
		s.PlayToPause(nil)
	}
	n := s.View().Narration
	require.True(t, n.Complete)
	assert.NotEmpty(t, n.Learnt)
	assert.Equal(t, "lesson 4, "+must(builtin(t).Lesson(4)).Short, n.Next)
	s.Do(ActNextStep)
	assert.Equal(t, 4, s.View().Lesson)
	p, err := loadProgress(store)
	require.NoError(t, err)
	assert.True(t, p.Done[3], "progress records the lesson as done")

	last := newSession(t, len(builtin(t).Lessons))
	last.gotoStep(len(last.steps()) - 1)
	last.PlayToPause(nil)
	assert.Empty(t, last.View().Narration.Next, "nothing after the last lesson")
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("missing")
	}
	return v
}

// Going to a step replays the run the same way as working through the
// steps before it: the same moment, the same choices.
func TestGotoStepReplaysTheSameWay(t *testing.T) {
	for _, l := range builtin(t).Lessons {
		a := newSession(t, l.Number)
		for i := 1; i <= len(l.Steps); i++ {
			a.Do(ActNextStep)
			a.PlayToPause(nil)
			b := newSession(t, l.Number)
			b.gotoStep(i)
			b.PlayToPause(nil)
			assert.Equal(t, a.View().Clock.Now, b.View().Clock.Now, "lesson %d step %d", l.Number, i)
			assert.Equal(t, a.View().Narration, b.View().Narration, "lesson %d step %d", l.Number, i)
			if a.View().Narration.Question != nil {
				a.Do(ActAnswer(0))
				a.PlayToPause(nil)
			}
		}
	}
}

// A step that replays starts its act again from t = 0 in its own way of
// getting ports, under its own title; stepping back leaves the act.
func TestReplayStartsAnAct(t *testing.T) {
	l := must(builtin(t).Lesson(4))
	act := slices.IndexFunc(l.Steps, func(st Step) bool { return st.Replay != nil }) + 1
	require.Positive(t, act, "lesson 4 replays in real TCP")
	rp := l.Steps[act-1].Replay
	s := newSession(t, 4)
	s.gotoStep(act - 1)
	s.PlayToPause(nil)
	if s.View().Narration.Question != nil {
		s.Do(ActAnswer(0))
		s.PlayToPause(nil)
	}
	require.Equal(t, scenario.Serial, s.run.Scenario.Ports)
	require.Equal(t, "4. "+l.Title, s.View().Title)
	before := s.View().Clock.Now
	require.Positive(t, before)

	s.Do(ActNextStep)
	assert.Equal(t, rp.Ports, s.run.Scenario.Ports)
	assert.Equal(t, "4. "+rp.Title, s.View().Title)
	assert.Zero(t, s.View().Clock.Now, "the act starts from t = 0")
	assert.True(t, s.Playing())
	for _, h := range s.View().Hosts {
		assert.False(t, h.HalfDuplex, "%s: real TCP has no half-duplex badge", h.Name)
	}

	s.Do(ActPrevStep)
	assert.Equal(t, scenario.Serial, s.run.Scenario.Ports, "back in the thought experiment")
	assert.Equal(t, "4. "+l.Title, s.View().Title)
}

// A step with a pause stops exactly at its event: the run's event count
// then holds the condition, and one event fewer would not.
func TestStepsPauseAtTheirEvent(t *testing.T) {
	s := newSession(t, 5)
	s.gotoStep(1) // until 3 port-allocated
	s.PlayToPause(nil)
	assert.Equal(t, 3, s.run.play.kinds[sim.PortAllocated])
	assert.False(t, s.Playing())

	s.gotoStep(3) // until range-full
	s.PlayToPause(nil)
	h := s.run.play.sim.Hosts()[s.run.play.hostIndex(s.run.firstClient().Name)]
	dst := s.run.play.sim.Hosts()[s.run.play.hostIndex(s.run.firstServer())]
	assert.Zero(t, h.Available(engine.TCP, netip.AddrPortFrom(dst.Addr(), 80)), "no port left toward the server")
	assert.Equal(t, s.run.firstClient().Profile.Ephemeral.Size(), s.run.play.kinds[sim.PortAllocated],
		"a sequential range is full after one connection per port")
}

func TestPlayToPauseTapsEveryEvent(t *testing.T) {
	s := newSession(t, 2)
	s.gotoStep(3) // a say step that plays until done
	var seen []sim.Event
	before := s.run.play.events
	s.PlayToPause(func(e sim.Event) { seen = append(seen, e) })
	assert.Len(t, seen, s.run.play.events-before)
	require.NotEmpty(t, seen)
	assert.Equal(t, sim.Done, seen[len(seen)-1].Kind, "it stops at the step's event")
}

func TestActions(t *testing.T) {
	s := newSession(t, 3)
	require.False(t, s.Playing())
	s.Do(ActPlay)
	assert.True(t, s.Playing())
	s.Do(ActPlay)
	assert.False(t, s.Playing())

	s.Do(ActStepForward)
	t1 := s.View().Clock.Now
	assert.Positive(t, t1)
	s.Do(ActStepForward)
	t2 := s.View().Clock.Now
	assert.Greater(t, t2, t1)
	s.Do(ActStepBack)
	assert.Equal(t, t1, s.View().Clock.Now, "back lands on the previous event")

	for range len(Speeds) + 2 {
		s.Do(ActFaster)
	}
	assert.Equal(t, Speeds[len(Speeds)-1], s.View().Clock.Speed)
	for range len(Speeds) + 2 {
		s.Do(ActSlower)
	}
	assert.Equal(t, Speeds[0], s.View().Clock.Speed)

	s.Do(ActRestart)
	assert.Zero(t, s.View().Clock.Now)
	assert.True(t, s.Playing())

	s.Do(ActHelp)
	assert.True(t, s.View().Help)
	s.Do(ActEscape)
	assert.False(t, s.View().Help)

	assert.Empty(t, s.View().Link, "no link outside presenter mode")
	classButton := func(c Control) bool { return c.Action == ActClass }
	assert.False(t, slices.ContainsFunc(s.View().Controls, classButton), "no class session's button outside presenter mode")
	s.Do(ActPresenter)
	assert.True(t, s.View().Narration.Presenter)
	if i := slices.IndexFunc(s.View().Controls, classButton); assert.GreaterOrEqual(t, i, 0, "presenter mode's class session button") {
		assert.Equal(t, "V", s.View().Controls[i].Key, "the button does what V does")
	}
	assert.Empty(t, s.View().Narration.Text, "the narration is the presenter's")
	assert.Equal(t, "scene=3&seed=7&speed=0.25", s.View().Link, "the lesson, its seed and speed, no moment")

	hosts := len(s.View().Hosts)
	first := s.View().Focus
	for range hosts {
		s.Do(ActFocus)
	}
	assert.Equal(t, first, s.View().Focus, "H cycles through every host")

	s.Do(ActOpen(5))
	assert.Equal(t, 5, s.View().Lesson)
	s.Do(ActOpen(99))
	assert.Equal(t, 5, s.View().Lesson, "no lesson 99: nothing changes")
}

func TestProfileSwitchKeepsTheMoment(t *testing.T) {
	s := newSession(t, 3)
	for range 5 {
		s.Do(ActStepForward)
	}
	at := s.View().Clock.Now
	before := s.Settings().Profile.Name
	s.Do(ActPresenter)
	link := s.View().Link
	s.Do(ActProfile)
	assert.NotEqual(t, before, s.Settings().Profile.Name)
	assert.Equal(t, "profile="+s.Settings().Profile.Name+"&scene=3&seed=7&speed=1", s.View().Link, "the presenter's link follows the profile")
	assert.NotEqual(t, link, s.View().Link)
	assert.Equal(t, at, s.View().Clock.Now)
	for _, h := range s.View().Hosts {
		if h.Client {
			assert.Equal(t, s.Settings().Profile.Title, h.Profile, "every client runs the chosen OS")
		}
	}
	s2 := newSession(t, 2) // lesson 2 does not switch
	s2.Do(ActProfile)
	assert.Empty(t, s2.Settings().Profile.Name)
}

func TestSandboxKnobsRebuildTheScenario(t *testing.T) {
	s := newSession(t, 6)
	require.Len(t, s.View().Knobs, 8)
	clients := func() int {
		n := 0
		for _, h := range s.View().Hosts {
			if h.Client {
				n++
			}
		}
		return n
	}
	require.Equal(t, DefaultSandbox().Clients, clients())
	s.TurnKnob(4, 1) // Clients
	assert.Equal(t, DefaultSandbox().Clients+1, clients())
	assert.True(t, s.View().Knobs[4].Selected)
	s.Do(ActKnobDown)
	assert.Equal(t, DefaultSandbox().Clients, clients())
	s.Do(ActKnobNext)
	assert.True(t, s.View().Knobs[5].Selected)

	s.TurnKnob(1, -1) // Range: back from the profile's to the smallest
	r := s.View().Hosts[0].Range
	assert.Equal(t, 10, r.Size())

	other := newSession(t, 3)
	other.TurnKnob(1, 1)
	assert.Equal(t, DefaultSandbox(), other.Settings().Sandbox, "knobs turn only in the sandbox")
}

func TestProgressSurvivesANewSession(t *testing.T) {
	store := &MemStore{}
	set := DefaultSettings()
	set.Seed = 7
	s := NewSession(builtin(t), set, nil, store)
	s.Do(ActOpen(5))
	s.Do(ActNextStep)
	s.PlayToPause(nil)
	s.Do(ActNextStep)
	s.Do(ActAnswer(0))
	s.PlayToPause(nil)
	verdict := s.View().Narration.Question.Verdict
	require.NotEqual(t, Unjudged, verdict)

	again := NewSession(builtin(t), set, nil, store)
	v := again.View()
	assert.Equal(t, 5, v.Lesson, "the lesson last open")
	assert.Equal(t, 2, v.Narration.Step, "at its step")
	assert.Equal(t, map[string]string{"5-next-port": verdict.String()}, again.Answers())

	asked := set
	asked.Lesson, asked.LessonGiven = 2, true
	assert.Equal(t, 2, NewSession(builtin(t), asked, nil, store).View().Lesson, "a link's lesson wins")

	again.Do(ActResetProgress)
	assert.NotEmpty(t, again.Answers(), "the first press asks")
	again.Do(ActResetProgress)
	assert.Empty(t, again.Answers())
	assert.Zero(t, again.View().Narration.Step)
	assert.Equal(t, 5, NewSession(builtin(t), set, nil, store).View().Lesson, "reset keeps the lesson, not the answers")
	assert.Empty(t, NewSession(builtin(t), set, nil, store).Answers())
}

func TestDamagedProgressStartsAfresh(t *testing.T) {
	store := &MemStore{}
	require.NoError(t, store.Save([]byte("{not json")))
	s := NewSession(builtin(t), DefaultSettings(), nil, store)
	v := s.View()
	require.Len(t, v.Problems, 1)
	assert.Contains(t, v.Problems[0], "Saved progress could not be read")
	assert.Equal(t, 1, v.Lesson)
}

// failingStore cannot save.
type failingStore struct{ MemStore }

func (failingStore) Save([]byte) error { return fmt.Errorf("disk full") }

func TestProgressThatCannotBeSavedIsReported(t *testing.T) {
	s := NewSession(builtin(t), DefaultSettings(), nil, &failingStore{})
	s.Do(ActNextStep)
	v := s.View()
	require.NotEmpty(t, v.Problems)
	assert.Contains(t, v.Problems[0], "disk full")
}

func TestTickPlaysToThePauseAndJudges(t *testing.T) {
	s := newSession(t, 5)
	s.gotoStep(2)
	s.Do(ActAnswer(1))
	require.True(t, s.Playing())
	for i := 0; i < 10_000 && s.Playing(); i++ {
		s.Tick(time.Second / 60)
	}
	q := s.View().Narration.Question
	assert.NotEqual(t, Unjudged, q.Verdict, "real time reaches the answer too")
	assert.False(t, s.Playing())
}

// Played in real time, a step pauses at its event even while a copy of a
// segment is held in the network for seconds (lesson 3's late copy): that
// copy is no packet crossing a link, so the player jumps from event to
// event rather than run on by the frame past the pause.
func TestTickStopsAtThePauseWhileACopyIsHeld(t *testing.T) {
	s := newSession(t, 3)
	s.set.Speed = 8
	s.gotoStep(stepAsking(t, 3, "3-fin-again"))
	s.Do(ActAnswer(0))
	for i := 0; i < 10_000 && s.Playing(); i++ {
		s.Tick(time.Second / 60)
	}
	require.NotEqual(t, Unjudged, s.View().Narration.Question.Verdict)
	var hit time.Duration
	s.Replay(func(e sim.Event) {
		if e.Kind == sim.Packet && e.Host == "laptop" {
			hit = e.At // the last one: the answer
		}
	})
	// Within a frame's slow motion of it, as any pause while packets fly.
	assert.GreaterOrEqual(t, s.run.play.now, hit)
	assert.Less(t, s.run.play.now-hit, s.run.Scenario.Latency, "paused at the laptop's answer, not run on past it")
}

// Lesson 5 ends where its title promises, at a port given again: under
// every OS profile P can switch to, its last question's answer is a port
// the client was given before in the run (the first, whose TIME_WAIT ended
// first), and the reason names it and says how it came back.
func TestLessonFiveEndsWithAPortGivenAgain(t *testing.T) {
	l := must(builtin(t).Lesson(5))
	last := len(l.Steps)
	require.NotNil(t, l.Steps[last-1].Ask, "the last step asks")
	for _, prof := range append([]engine.Profile{{}}, engine.Profiles()...) {
		t.Run(prof.Name, func(t *testing.T) {
			s := newSession(t, 5)
			s.set.Profile = prof
			s.gotoStep(last)
			given := map[uint16]bool{}
			s.Replay(func(e sim.Event) {
				if e.Kind == sim.PortAllocated {
					given[e.Tuple.Local.Port()] = true
				}
			})
			s.Do(ActAnswer(0))
			s.PlayToPause(nil)
			q := s.View().Narration.Question
			require.NotNil(t, q)
			require.NotEqual(t, Unjudged, q.Verdict)
			port := uint16(atoi(q.Truth))
			assert.True(t, given[port], "%s was given before", q.Truth)
			h := s.run.firstClient()
			assert.Equal(t, h.firstPort, port, "the first port given comes back first")
			assert.Contains(t, q.Why, q.Truth+" is given again: ")
			assert.Contains(t, q.Why, q.Truth+" was given first, so its TIME_WAIT")
			if h.Profile.Connect == engine.Sequential {
				assert.Contains(t, q.Why, "wrapped from "+itoa(int(h.Profile.Ephemeral.Hi))+" to the range's start")
			} else {
				assert.NotContains(t, q.Why, "counter")
			}
		})
	}
}

// PageDown (or Enter) while a step still plays to its pause, or was paused
// on the way, first plays it there at once; the next press goes on. The
// narration shown is the step's whose moment is shown, and the last step
// completes the lesson only at its pause.
func TestNextStepFinishesTheStepFirst(t *testing.T) {
	s := newSession(t, 2)
	s.gotoStep(2) // until 2 port-allocated
	s.Tick(time.Second / 60)
	require.True(t, s.Playing())
	require.Less(t, s.run.play.kinds[sim.PortAllocated], 2)
	text := s.View().Narration.Text
	s.Do(ActNextStep)
	v := s.View()
	assert.Equal(t, 2, v.Narration.Step, "the step is finished, not left")
	assert.Equal(t, text, v.Narration.Text)
	assert.Equal(t, 2, s.run.play.kinds[sim.PortAllocated], "played to its pause")
	assert.False(t, s.Playing())
	s.Do(ActNextStep)
	assert.Equal(t, 3, s.View().Narration.Step, "the next press goes on")

	// The last step (until 2 done), paused on the way: not complete yet.
	s.Tick(time.Second / 60)
	s.Do(ActPlay)
	require.False(t, s.Playing())
	assert.False(t, s.View().Narration.Complete, "paused before its pause, the lesson is not complete")
	s.Do(ActNextStep)
	v = s.View()
	assert.Equal(t, 3, v.Narration.Step)
	assert.Equal(t, 2, s.run.play.kinds[sim.Done], "both conversations done")
	assert.True(t, v.Narration.Complete)
	s.Do(ActNextStep)
	assert.Equal(t, 3, s.View().Lesson, "then on to the next lesson")
}

// A question waits for its answer: PageDown and Enter (a presenter's
// clicker) do not skip it, and the screen says how to; once answered,
// PageDown shows the engine's verdict before it goes on.
func TestPageDownNeverSkipsOrDropsAQuestion(t *testing.T) {
	s := newSession(t, 5)
	s.gotoStep(2)
	require.NotNil(t, s.View().Narration.Question)
	s.Do(ActNextStep)
	v := s.View()
	assert.Equal(t, 2, v.Narration.Step, "not skipped")
	assert.Contains(t, v.Notice, "Esc or Skip")
	i := slices.IndexFunc(v.StepControls, func(c Control) bool { return c.Action == ActEscape })
	require.GreaterOrEqual(t, i, 0, "a Skip control while the question waits")
	assert.Equal(t, "Skip question", v.StepControls[i].Label)

	s.Do(ActAnswer(0))
	require.True(t, s.Playing(), "the engine answers by playing")
	s.Do(ActEscape)
	assert.Equal(t, 2, s.View().Narration.Step, "an answer given is not skipped")
	s.Do(ActNextStep)
	q := s.View().Narration.Question
	require.NotNil(t, q)
	assert.NotEqual(t, Unjudged, q.Verdict, "PageDown shows the verdict at once")
	assert.Equal(t, q.Verdict.String(), s.Answers()["5-next-port"], "and keeps it")
	assert.False(t, slices.ContainsFunc(s.View().StepControls, func(c Control) bool { return c.Action == ActEscape }),
		"nothing left to skip")
	s.Do(ActNextStep)
	assert.Equal(t, 3, s.View().Narration.Step, "the next press goes on")
}

// Leaving the overview, which played on, replays the run from its start:
// the screen says so. Left at the start, nothing is said.
func TestLeavingThePlayedOverviewSaysItRewinds(t *testing.T) {
	s := newSession(t, 3)
	s.Do(ActNextStep)
	assert.Empty(t, s.View().Info, "the overview had not played: nothing goes back")

	s = newSession(t, 3)
	s.Do(ActPlay)
	for range 120 {
		s.Tick(time.Second / 60)
	}
	require.Positive(t, s.View().Clock.Now)
	s.Do(ActNextStep)
	v := s.View()
	assert.Equal(t, 1, v.Narration.Step)
	assert.Contains(t, v.Info, "Back to 0 s")
	assert.Less(t, v.Clock.Now, time.Second/10, "the step starts from the start")
}

// Reset progress asks first: the very next press confirms, anything else
// keeps the progress.
func TestResetProgressAsksFirst(t *testing.T) {
	s := answerAt(t, 5, 2, 0)
	require.NotEmpty(t, s.Answers())
	s.Do(ActResetProgress)
	v := s.View()
	assert.NotEmpty(t, s.Answers(), "not yet")
	assert.Contains(t, v.Notice, "press Confirm reset")
	assert.Equal(t, "Confirm reset", v.StepControls[len(v.StepControls)-1].Label)
	s.Do(ActFaster)
	s.Do(ActResetProgress)
	assert.NotEmpty(t, s.Answers(), "another action in between kept it")
	s.Do(ActResetProgress)
	assert.Empty(t, s.Answers(), "confirmed")
	assert.Zero(t, s.View().Narration.Step)
	assert.Equal(t, "Reset progress", s.View().StepControls[len(s.View().StepControls)-1].Label)
}

// fnv64a sums as hash/fnv's FNV-1a does: the choices' order depends on it.
func TestFNV64aMatchesHashFNV(t *testing.T) {
	for _, s := range []string{"", "a", "q1", "lesson.3.ask.port", "ünïcödé"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		assert.Equal(t, h.Sum64(), fnv64a(s), "%q", s)
	}
}
