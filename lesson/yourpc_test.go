package lesson

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/internal/observe"
	"github.com/portplay/portplay/lesson/phrase"
)

// fakeReport is an observation of a macOS-like kernel against the linux
// profile: the order and the count across destinations differ.
func fakeReport(t testing.TB) observe.Report {
	r, err := engine.NewRange(32768, 60999)
	require.NoError(t, err)
	var kernel, model []int
	for i := range 48 {
		kernel = append(kernel, 40000+i)
		model = append(model, 33000+4*i+2*(i%2))
	}
	k := observe.Sample{First: kernel, Second: []int{40048, 40049, 40050, 40051}, Closed: 40047, BindReuse: true}
	e := observe.Sample{First: model, Second: []int{51000, 51002, 51006, 51008}, Closed: model[47], BindReuse: true}
	props := observe.Compare(k, e, observe.SystemRange{Range: r, Source: "/proc/sys/net/ipv4/ip_local_port_range"})
	return observe.Report{OS: "linux", Version: "Linux 6.1.0-18-amd64", Profile: "linux", System: r.String(), Source: "/proc/sys/net/ipv4/ip_local_port_range",
		Range: r, Dests: [2]string{"127.0.0.1:5000", "127.0.0.2:5001"}, Kernel: k, Engine: e, Props: props, Match: len(observe.Differ(props)) == 0}
}

// slowObserver returns rep once release is closed, counting its calls.
func slowObserver(rep observe.Report, release <-chan struct{}, calls *atomic.Int32) Observer {
	return func() (observe.Report, error) {
		calls.Add(1)
		<-release
		return rep, nil
	}
}

// frame is what the app does each frame with the session.
func frame(s *Session, v *View, dt time.Duration) {
	s.Tick(dt)
	s.ViewInto(v)
}

// waitObserved plays frames until the observation's result has come.
func waitObserved(t *testing.T, s *Session) {
	t.Helper()
	require.Eventually(t, func() bool { s.Tick(0); return !s.Observing() }, 10*time.Second, time.Millisecond)
}

// Frames go on while the observation runs, however slow it is: the
// session starts it on its own goroutine and each frame only looks
// whether its result has come.
func TestYourPCNeverHoldsAFrame(t *testing.T) {
	s := newSession(t, 3)
	release := make(chan struct{})
	var calls atomic.Int32
	s.SetObserver(slowObserver(fakeReport(t), release, &calls))

	framesDone := make(chan View)
	go func() {
		var v View
		s.ToggleYourPC()
		for range 1000 {
			frame(s, &v, 16*time.Millisecond)
		}
		framesDone <- v
	}()
	var v View
	select {
	case v = <-framesDone:
	case <-time.After(30 * time.Second):
		t.Fatal("a frame waited for the observation")
	}
	require.True(t, v.YourPC.Shown)
	assert.True(t, v.YourPC.Running)
	assert.True(t, s.Observing(), "a front end that idles keeps drawing meanwhile")
	assert.Equal(t, s.T("yourpc.running", "s", 16), v.YourPC.Progress, "1000 frames of 16 ms: its seconds count on")
	assert.Empty(t, v.YourPC.Props)

	// Shown again while it runs: the same observation goes on.
	s.ToggleYourPC()
	assert.False(t, s.View().YourPC.Shown)
	s.ToggleYourPC()
	close(release)
	waitObserved(t, s)
	assert.Equal(t, int32(1), calls.Load(), "one observation at a time")
	v = s.View()
	assert.False(t, v.YourPC.Running)
	assert.Equal(t, fakeReport(t).Kernel.First, v.YourPC.Kernel.Ports)
}

// While an observation runs, a frame does no more than it does without
// one: one receive that does not wait, and no garbage.
func TestYourPCFrameWorkIsBounded(t *testing.T) {
	idle := newSession(t, 3)
	busy := newSession(t, 3)
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	busy.SetObserver(slowObserver(fakeReport(t), release, &calls))
	busy.ToggleYourPC()
	var v View
	frame(busy, &v, 0)
	frame(idle, &v, 0)
	// 0.1 ms frames: no second's boundary, so no new progress line.
	allocs := func(s *Session) float64 {
		return testing.AllocsPerRun(200, func() { frame(s, &v, 100*time.Microsecond) })
	}
	assert.Equal(t, allocs(idle), allocs(busy))
	assert.True(t, busy.Observing())
	gen := busy.View().Gen
	frame(busy, &v, 100*time.Microsecond)
	assert.Equal(t, gen, busy.View().Gen, "a frame within the same second changes nothing shown")
}

// The panel in words: the two sequences, each property's name and
// values from the phrasebook, the verdict, and where they differ, the
// report to paste.
func TestYourPCWordsTheComparison(t *testing.T) {
	s := newSession(t, 5)
	rep := fakeReport(t)
	require.False(t, rep.Match)
	s.SetObserver(func() (observe.Report, error) { return rep, nil })
	s.ToggleYourPC()
	waitObserved(t, s)
	p := s.View().YourPC
	assert.Empty(t, p.Problem)
	assert.Equal(t, rep.Range, p.Range)
	assert.Equal(t, "This computer", p.Kernel.Label)
	assert.Equal(t, "The model (Linux (4.2 and later))", p.Model.Label)
	assert.Equal(t, "40000 40001 40002 40003 40004 40005 40006 40007 40008 40009 40010 40011 … (48 ports)", p.Kernel.Text)
	assert.Equal(t, "Ephemeral range 32768-60999, as /proc/sys/net/ipv4/ip_local_port_range says.", p.RangeText)
	assert.Contains(t, p.Against, "48 connections to 127.0.0.1:5000, then 4 to 127.0.0.2:5001")
	require.Len(t, p.Props, 6)
	assert.Equal(t, PropertyRow{Name: "Order of the ports toward one destination", Kernel: "climbing by one",
		Model: "one parity, small even steps", Verdict: "differs"}, p.Props[1])
	assert.Equal(t, PropertyRow{Name: "Every port inside the range 32768-60999", Kernel: "yes", Model: "yes", Verdict: "same", Match: true}, p.Props[0])
	assert.True(t, p.Props[3].NotObserved)
	assert.Equal(t, "not observed", p.Props[3].Verdict)
	assert.Contains(t, p.Props[3].Why, "all 28232 ports of the range")
	assert.True(t, p.Differ)
	assert.Equal(t, s.T("yourpc.differ", "n", 2, "os", s.T("os.linux"), "save", "Save report", "key", "S"), p.Verdict)
	assert.Equal(t, []Action{ActYourPCSave, ActYourPC}, []Action{p.Buttons[0].Action, p.Buttons[1].Action}, "Save report, Close")
	assert.Equal(t, []string{"Save report", "Close"}, []string{p.Buttons[0].Label, p.Buttons[1].Label})
	assert.Contains(t, p.Verdict, "the model may be wrong for this OS version")
	assert.Contains(t, p.Report, "DIFFERS: order of the ports toward one destination: kernel climbing by one, engine one parity, small even steps\n")
	assert.Contains(t, p.Report, "kernel toward 127.0.0.1:5000: 40000 40001 40002")
	assert.Contains(t, p.Report, "\nOS version: Linux 6.1.0-18-amd64\n", "the model may hold for one version and not another")
	x, err := s.ExportYourPC()
	require.NoError(t, err)
	assert.Equal(t, p.Report, string(x.Data), "the saved report is the one shown")
	assert.Equal(t, "portplay-your-computer.txt", x.Name)

	// Where all match: no report to make.
	same := rep
	same.Engine = same.Kernel
	same.Props = observe.Compare(same.Kernel, same.Engine, observe.SystemRange{Range: rep.Range})
	same.Match = true
	s.SetObserver(func() (observe.Report, error) { return same, nil })
	s.ToggleYourPC()
	s.ToggleYourPC()
	waitObserved(t, s)
	p = s.View().YourPC
	assert.False(t, p.Differ)
	assert.Empty(t, p.Report)
	assert.Equal(t, s.T("yourpc.match", "os", s.T("os.linux")), p.Verdict)
	_, err = s.ExportYourPC()
	assert.EqualError(t, err, s.T("yourpc.no-report"))
}

// Every text of the panel is the phrasebook's, in the session's
// language: in the pseudo-language none is English's.
func TestYourPCSpeaksTheSessionsLanguage(t *testing.T) {
	s := newSession(t, 3)
	require.NoError(t, s.SetLang(phrase.PseudoLang))
	rep := fakeReport(t)
	s.SetObserver(func() (observe.Report, error) { return rep, nil })
	s.ToggleYourPC()
	waitObserved(t, s)
	p := s.View().YourPC
	en := English()
	texts := []string{p.Title, p.Safety, p.Against, p.RangeText, p.Kernel.Label, p.Kernel.Text, p.Model.Label, p.Note, p.Verdict}
	texts = append(texts, p.Heads[:]...)
	for _, r := range p.Props {
		texts = append(texts, r.Name, r.Kernel, r.Model, r.Verdict)
	}
	for _, txt := range texts {
		assert.NotRegexp(t, missingMessage, txt)
		assert.False(t, isEnglishMessage(en, txt), "%q is English's", txt)
	}
	assert.True(t, strings.HasPrefix(p.Report, "Portplay \"Your computer\": "), "the report stays English, for the developers: %s", p.Report)
}

// isEnglishMessage says whether txt is one of en's messages as is.
func isEnglishMessage(en *phrase.Book, txt string) bool {
	for _, id := range phrase.IDs(en) {
		if en.T(id) == txt {
			return true
		}
	}
	return false
}

// Every value and property observe gives has its words.
func TestYourPCWordsEveryValue(t *testing.T) {
	en := English()
	for v, id := range valueIDs {
		assert.True(t, en.Has(id), "%s: en.json lacks %s", v, id)
	}
	for _, o := range []observe.Order{observe.Climbing, observe.Parity, observe.Varying, observe.Random, observe.Unclear, observe.TooFew} {
		assert.Contains(t, valueIDs, string(o))
	}
	for _, p := range fakeReport(t).Props {
		assert.True(t, en.Has("yourpc.prop."+p.Key), p.Key)
		assert.Contains(t, valueIDs, p.Kernel)
		assert.Contains(t, valueIDs, p.Engine)
		if p.NotObserved != "" {
			assert.True(t, en.Has("yourpc.unseen."+p.Key), p.Key)
		}
	}
}

// A web page has no observer: the panel says why, and starts nothing.
// An observation that fails (or panics) says why too.
func TestYourPCCannotRun(t *testing.T) {
	s := newSession(t, 6)
	s.SetObserver(nil)
	s.ToggleYourPC()
	p := s.View().YourPC
	assert.True(t, p.Browser)
	assert.False(t, s.Observing())
	assert.Equal(t, s.T("yourpc.browser", "key", "Y"), p.Problem)
	assert.Len(t, p.Buttons, 1, "Close only")
	assert.Contains(t, p.Problem, "Native downloads")
	assert.Empty(t, p.Safety, "nothing runs, so nothing to reassure about")

	for _, obs := range []Observer{
		func() (observe.Report, error) {
			return observe.Report{}, fmt.Errorf("%w: cannot listen on loopback: denied", observe.ErrUnsupported)
		},
		func() (observe.Report, error) { panic(errors.New("cannot listen on loopback: denied")) },
	} {
		s.SetObserver(obs)
		s.ToggleYourPC()
		s.ToggleYourPC()
		waitObserved(t, s)
		p = s.View().YourPC
		assert.False(t, p.Browser)
		assert.Contains(t, p.Problem, "could not be observed")
		assert.Contains(t, p.Problem, "cannot listen on loopback: denied")
		assert.Empty(t, p.Props)
	}
}

// The panel is in the lessons that compare OSes; elsewhere Y says where.
func TestYourPCOnlyWhereTheLessonHasIt(t *testing.T) {
	assert.Equal(t, "3, 5, 6", builtin(t).YourComputer())
	s := newSession(t, 1)
	s.SetObserver(func() (observe.Report, error) { t.Error("observed in lesson 1"); return observe.Report{}, nil })
	s.ToggleYourPC()
	v := s.View()
	assert.False(t, v.YourPC.Shown)
	assert.Equal(t, s.T("notice.yourpc-elsewhere", "lessons", "3, 5, 6"), v.Notice)

	assert.NotContains(t, controlActions(v.Controls), ActYourPC, "no button in lesson 1")

	s = newSession(t, 3)
	s.SetObserver(nil)
	assert.Contains(t, controlActions(s.View().Controls), ActYourPC, "a button in lesson 3")
	s.Do(ActYourPC) // Y, or the button
	require.True(t, s.View().YourPC.Shown)
	s.Do(ActEscape)
	require.False(t, s.View().YourPC.Shown, "Esc closes it")
	s.Do(ActYourPC)
	require.True(t, s.View().YourPC.Shown)
	s.Do(ActOpen(5))
	assert.True(t, s.View().YourPC.Shown, "lesson 5 has it too")
	s.Do(ActOpen(4))
	assert.False(t, s.View().YourPC.Shown, "lesson 4 has not")
}

// The real thing: this computer's kernel on loopback, as the native app
// runs it.
func TestYourPCObservesThisComputer(t *testing.T) {
	if _, err := observe.ProfileFor(runtime.GOOS); err != nil {
		t.Skip(err)
	}
	s := newSession(t, 3)
	s.SetObserver(ObserveHere)
	s.ToggleYourPC()
	waitObserved(t, s)
	p := s.View().YourPC
	require.Empty(t, p.Problem)
	assert.Len(t, p.Kernel.Ports, observe.DefaultFirst)
	assert.Len(t, p.Model.Ports, observe.DefaultFirst)
	require.Len(t, p.Props, 6)
	for _, r := range p.Props {
		assert.NotEmpty(t, r.Verdict)
		assert.False(t, strings.HasPrefix(r.Name, "["), r.Name)
	}
	assert.LessOrEqual(t, observeSockets, 300, "a few hundred sockets at most (issue 26)")
}

// controlActions are the actions of cs.
func controlActions(cs []Control) []Action {
	var out []Action
	for _, c := range cs {
		out = append(out, c.Action)
	}
	return out
}
