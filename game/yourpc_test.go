package game

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
	"github.com/portplay/portplay/internal/observe"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/lesson/phrase"
)

// pcReport is an observation whose order differs from the model's.
func pcReport(t testing.TB) observe.Report {
	r, err := engine.NewRange(32768, 60999)
	require.NoError(t, err)
	var kernel, model []int
	for i := range observe.DefaultFirst {
		kernel = append(kernel, 40000+i)
		model = append(model, 33000+4*i+2*(i%2))
	}
	k := observe.Sample{First: kernel, Second: []int{40048, 40049}, BindReuse: true}
	e := observe.Sample{First: model, Second: []int{51000, 51002}, BindReuse: true}
	props := observe.Compare(k, e, observe.SystemRange{Range: r, Source: "/proc/sys/net/ipv4/ip_local_port_range"})
	return observe.Report{OS: "linux", Version: "Linux 6.1.0-18-amd64", Profile: "linux", System: r.String(), Range: r,
		Source: "/proc/sys/net/ipv4/ip_local_port_range", Dests: [2]string{"127.0.0.1:41234", "127.0.0.2:40321"},
		Kernel: k, Engine: e, Props: props, Match: len(observe.Differ(props)) == 0}
}

// pcShown opens lesson n with the panel shown, its observation made by
// obs, and waits for it unless obs never returns.
func pcShown(t *testing.T, n int, lang string, obs lesson.Observer, wait bool) *Game {
	g := newGame(t, n, func(s *lesson.Settings) { s.Lang, s.LangGiven = lang, true })
	g.sess.SetObserver(obs)
	g.do(lesson.ActYourPC)
	for i := 0; wait && g.sess.Observing(); i++ {
		require.Less(t, i, 10000, "the observation never came")
		time.Sleep(time.Millisecond)
		g.tick()
	}
	g.vm = g.sess.View()
	require.True(t, g.vm.YourPC.Shown)
	return g
}

// The panel's every text and button lies inside it, on screen, apart
// from the others, in each of its states, on every viewport and in
// every language: the running line, a web page's reason, a failure,
// the comparison, and the comparison with its report.
func TestYourPCPanelFits(t *testing.T) {
	never := make(chan struct{})
	defer close(never)
	states := map[string]lesson.Observer{
		"running": func() (observe.Report, error) { <-never; return observe.Report{}, nil },
		"browser": nil,
		"failed": func() (observe.Report, error) {
			return observe.Report{}, errors.New("cannot listen on loopback: operation not permitted")
		},
		"same": func() (observe.Report, error) {
			r := pcReport(t)
			r.Engine = r.Kernel
			r.Props = observe.Compare(r.Kernel, r.Engine, observe.SystemRange{Range: r.Range, Source: r.Source})
			r.Match = true
			return r, nil
		},
		"differs": func() (observe.Report, error) { return pcReport(t), nil },
	}
	for _, lang := range append(lesson.LanguageCodes(), phrase.PseudoLang) {
		for state, obs := range states {
			g := pcShown(t, 3, lang, obs, state != "running")
			require.Equal(t, state, yourPCState(&g.vm.YourPC))
			for _, s := range []screenSize{{1280, 720, 1}, {960, 540, 1}, {390, 844, 1}, {1920, 1080, 1}} {
				name := fmt.Sprintf("%s %s %gx%g", lang, state, s.w, s.h)
				g.screen = s
				lay := g.layout()
				w, h := s.deviceSize()
				screen := ebiten.NewImage(w, h)
				v := &view{dst: screen, scale: lay.Scale, faces: g.faces} // the panel draws only the view model's words
				type drawn struct {
					s string
					r rect
				}
				var texts []drawn
				v.record = func(s string, r rect) { texts = append(texts, drawn{s, r}) }
				g.drawYourPC(v, lay)
				box := yourPCBox(lay, &g.vm.YourPC)
				assert.True(t, inside(box, rect{0, 0, lay.W, lay.H}), "%s: the panel is on screen", name)
				require.NotEmpty(t, texts, name)
				for i, a := range texts {
					assert.True(t, inside(a.r, box), "%s: %q lies outside the panel", name, a.s)
					for _, b := range texts[i+1:] {
						assert.False(t, overlaps(a.r, b.r), "%s: %q covers %q", name, a.s, b.s)
					}
				}
				require.NotEmpty(t, g.pcButtons, "%s: Close at least", name)
				for _, b := range g.pcButtons {
					assert.True(t, inside(b.r, box), "%s: %s outside the panel", name, b.label)
					assert.GreaterOrEqual(t, b.r.h*lay.Zoom, 24.0, "%s: %s big enough to tap", name, b.label)
					for _, tx := range texts {
						if tx.s != v.fit(b.caption(), Bold, b.textSize(), b.r.w-8) {
							assert.False(t, overlaps(tx.r, b.r), "%s: %q under %s", name, tx.s, b.label)
						}
					}
				}
			}
		}
	}
}

// Frames go on while the observation runs: Update's tick and Draw come
// back at once, with the progress shown and idle frames kept on until
// the result has come; the panel's buttons do what they say.
func TestYourPCFramesGoOn(t *testing.T) {
	release := make(chan struct{})
	g := pcShown(t, 5, "en", func() (observe.Report, error) { <-release; return pcReport(t), nil }, false)
	screen := ebiten.NewImage(DesignW, DesignH)
	for range 30 {
		g.tick()
		g.Draw(screen)
	}
	assert.Equal(t, 30, g.frames)
	assert.Equal(t, "running", g.Status().YourPC)
	close(release)
	for i := 0; g.sess.Observing(); i++ {
		require.Less(t, i, 10000, "the observation never came")
		time.Sleep(time.Millisecond)
		g.tick()
	}
	g.Draw(screen)
	st := g.Status()
	assert.Equal(t, "differs", st.YourPC)
	assert.Equal(t, pcReport(t).Kernel.First, st.YourPCPorts)

	// Save report saves the report shown; Close hides the panel.
	dir := t.TempDir()
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(dir))
	defer os.Chdir(wd)
	require.Len(t, g.pcButtons, 2)
	x, y := centre(g.pcButtons[0].r)
	g.click(x, y, 1)
	saved, err := os.ReadFile(filepath.Join(dir, "portplay-your-computer.txt"))
	require.NoError(t, err)
	assert.Equal(t, g.vm.YourPC.Report, string(saved))
	g.Draw(screen)
	assert.Contains(t, g.Status().Info, "portplay-your-computer.txt")
	x, y = centre(g.pcButtons[1].r)
	g.click(x, y, 1)
	g.Draw(screen)
	assert.Equal(t, "", g.Status().YourPC)
}

// The control bar has a Your computer button in the lessons with the
// panel, in a window; a phone's and the smallest window's bar leave the
// spare button out (Y and the help still have it).
func TestYourPCButton(t *testing.T) {
	fc, err := newFaces()
	require.NoError(t, err)
	for _, l := range catalogue(t).Lessons {
		vm := newGame(t, l.Number, nil).sess.View()
		for _, s := range []screenSize{{1280, 720, 1}, {960, 540, 1}, {390, 844, 1}, {640, 360, 1}} {
			lay := layoutFor(fc, s, &vm, false)
			has := slices.ContainsFunc(lay.Buttons, func(b button) bool { return b.act == lesson.ActYourPC })
			assert.Equal(t, l.YourComputer && !lay.Phone && !lay.Small, has, "lesson %d at %gx%g", l.Number, s.w, s.h)
		}
	}
}
