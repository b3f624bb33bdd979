//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/assets"
	"github.com/portplay/portplay/engine/scenario"
	"github.com/portplay/portplay/engine/sim"
	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/lesson"
	"github.com/portplay/portplay/web"
)

// catalogue is the app's lessons.
func catalogue(t *testing.T) *lesson.Catalogue {
	cat, err := lesson.Builtin()
	require.NoError(t, err)
	return cat
}

// serve starts the same handler as `make serve` on a kernel-chosen port of
// the loopback interface (port 0: an ephemeral port, this project's
// subject), so the test never collides with anything on 8080.
func serve(t *testing.T, dir string) string {
	return serveHandler(t, web.Handler(dir))
}

// serveHandler serves h on a kernel-chosen port of the loopback interface.
func serveHandler(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// browser is one headless Chromium with a fresh profile, and the console
// messages its page has written.
type browser struct {
	ctx     context.Context
	close   func() // ends the browser; measurements call it so that an idle page never competes with the next
	mu      sync.Mutex
	console []string
}

func newBrowser(t *testing.T) *browser { return newBrowserWith(t) }

// newBrowserWith is newBrowser with more of Chromium's options (its
// languages: chromedp.Flag("accept-lang", "uk")).
func newBrowserWith(t *testing.T, more ...chromedp.ExecAllocatorOption) *browser {
	path, err := exec.LookPath("chromium")
	require.NoError(t, err, "Chromium is missing: run scripts/deps.sh (make test does)")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	opts = append(opts, more...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	b := &browser{ctx: ctx, close: func() { cancelTimeout(); cancelCtx(); cancelAlloc() }}
	t.Cleanup(b.close)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 720)), "starting Chromium")
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// open navigates to url and waits until the app has drawn frames frames.
func (b *browser) open(t *testing.T, url string, frames int) {
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(url)))
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		fmt.Sprintf("(window.portplayLoadError !== undefined) || (window.portplay && window.portplay.frames >= %d)", frames),
		chromedp.WithPollingTimeout(90*time.Second)))
	require.NoError(t, err, "waiting for %d frames", frames)
	loadErr, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`window.portplayLoadError || ""`))
	require.NoError(t, err)
	require.Empty(t, loadErr, "the page reported a load error")
}

func (b *browser) screenshot(t *testing.T, name string) []byte {
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(shotDir, name), png, 0o644))
	return png
}

type hookStatus struct {
	Frames       int               `json:"frames"`
	Scene        int               `json:"scene"`
	SceneName    string            `json:"sceneName"`
	Time         float64           `json:"time"`
	Playing      bool              `json:"playing"`
	Speed        float64           `json:"speed"`
	Reached      float64           `json:"reached"`
	Limited      bool              `json:"limited"`
	Profile      string            `json:"profile"`
	Help         bool              `json:"help"`
	Focus        string            `json:"focus"`
	Events       int               `json:"events"`
	Connections  []string          `json:"connections"`
	Failures     []string          `json:"failures"`
	Problems     []string          `json:"problems"`
	FirstFrameMs float64           `json:"firstFrameMs"`
	Step         int               `json:"step"`
	Steps        int               `json:"steps"`
	Question     string            `json:"question"`
	Choices      []string          `json:"choices"`
	Verdict      string            `json:"verdict"`
	Truth        string            `json:"truth"`
	Presenter    bool              `json:"presenter"`
	Answers      map[string]string `json:"answers"`
	UpdateMs     float64           `json:"updateMs"`
	DrawMs       float64           `json:"drawMs"`
	Info         string            `json:"info"`
	Link         string            `json:"link"`
	Saved        string            `json:"saved"`
	ClassState   string            `json:"classState"`
	ClassCode    string            `json:"classCode"`
	ClassDevices int               `json:"classDevices"`
	Voted        int               `json:"voted"`
	YourPC       string            `json:"yourPC"`
}

func (b *browser) status(t *testing.T) hookStatus {
	st, err := chromedp.Run(b.ctx, chromedp.Evaluate[hookStatus](`window.portplay`))
	require.NoError(t, err)
	return st
}

// press types one key as a person does: down, a pause long enough for the
// game to see it held during a tick, then up.
func (b *browser) press(t *testing.T, key string) {
	for _, r := range key {
		for _, k := range kb.Encode(r) {
			require.NoError(t, chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, *k)
				return err
			})))
			if k.Type == kb.KeyDown || k.Type == kb.KeyRawDown {
				time.Sleep(120 * time.Millisecond)
			}
		}
	}
}

// until waits for the app's state to satisfy the JavaScript condition cond
// on window.portplay (named s).
func (b *browser) until(t *testing.T, what, cond string) hookStatus {
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		"(function(s){ return "+cond+" })(window.portplay)", chromedp.WithPollingTimeout(60*time.Second)))
	require.NoError(t, err, "waiting for %s (%s)", what, cond)
	return b.status(t)
}

// nativeStatus is what the same settings produce in the app built for this
// machine, before any frame: the browser must agree with it.
func nativeStatus(t *testing.T, get map[string]string) game.Status {
	cat := catalogue(t)
	s, problems := cat.ParseSettings(func(n string) (string, bool) { v, ok := get[n]; return v, ok })
	g, err := game.New(cat, s, problems)
	require.NoError(t, err)
	return g.Status()
}

// engineTuples are the 4-tuples the engine gives the clients of built-in
// scenario name run with seed: whatever moment the browser shows, its
// connections must be among them.
func engineTuples(t *testing.T, name string, seed uint64) map[string]bool {
	b, err := assets.Scenario(name)
	require.NoError(t, err)
	sc, err := scenario.Parse(b.Source)
	require.NoError(t, err)
	sc.Seed = seed
	s, err := sim.New(sc)
	require.NoError(t, err)
	out := map[string]bool{}
	s.Run(sc.Duration, func(e sim.Event) {
		if e.Kind == sim.PortAllocated {
			out[e.Tuple.String()] = true
		}
	})
	return out
}

func assertDrawn(t *testing.T, png []byte) {
	t.Helper()
	assert.Equal(t, 1280, imageSize(t, png).X)
	ink, colours := inkStats(t, png, background)
	assert.Greater(t, ink, 0.10, "the canvas is (nearly) blank")
	assert.Greater(t, colours, 20, "the canvas has almost no detail")
}

// TestBrowserScenesAndControls visits every scene from the keyboard, drives
// every control, and keeps a screenshot of each scene.
func TestBrowserScenesAndControls(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?seed=7&paused=1", 5)
	st := b.status(t)
	require.Equal(t, 1, st.Scene)
	require.False(t, st.Playing, "paused=1 opens paused")
	assert.Equal(t, nativeStatus(t, map[string]string{"seed": "7", "paused": "1"}).Events, st.Events, "time 0 looks the same in the browser")

	for n := 1; n <= len(catalogue(t).Lessons); n++ {
		t.Run(fmt.Sprintf("scene %d", n), func(t *testing.T) {
			b.press(t, fmt.Sprint(n))
			st := b.until(t, "the scene to load", fmt.Sprintf("s.scene == %d && s.playing && s.time < 1", n))
			b.press(t, " ")
			st = b.until(t, "pause", "!s.playing")
			for range 6 {
				before := st.Time
				b.press(t, kb.ArrowRight)
				st = b.until(t, "a step forward", fmt.Sprintf("s.time > %v", before))
				assert.False(t, st.Playing, "a step pauses")
			}
			before := st.Time
			b.press(t, kb.ArrowLeft)
			st = b.until(t, "a step back", fmt.Sprintf("s.time < %v", before))
			b.press(t, kb.ArrowRight)
			b.until(t, "a step forward again", fmt.Sprintf("s.time == %v", before))
			assertDrawn(t, b.screenshot(t, fmt.Sprintf("browser-scene-%d.png", n)))
		})
	}

	t.Run("the browser shows the engine's ports", func(t *testing.T) {
		b.press(t, "2")
		b.until(t, "scene 2", "s.scene == 2")
		b.press(t, " ")
		st := b.until(t, "pause", "!s.playing")
		for i := 0; i < 40 && len(st.Connections) < 2; i++ {
			b.press(t, kb.ArrowRight)
			st = b.until(t, "a step", fmt.Sprintf("s.time > %v", st.Time))
		}
		require.Len(t, st.Connections, 2, "both connections open at %v s", st.Time)
		picks := engineTuples(t, "2-two-servers", 7)
		for _, c := range st.Connections {
			assert.True(t, picks[c], "%s is not a 4-tuple the engine made", c)
		}
	})

	t.Run("speed", func(t *testing.T) {
		speed := b.status(t).Speed
		b.press(t, "=")
		b.until(t, "faster", fmt.Sprintf("s.speed == %v", speed*2))
		b.press(t, "-")
		b.press(t, "-")
		b.until(t, "slower", fmt.Sprintf("s.speed == %v", speed/2))
	})

	t.Run("play and restart", func(t *testing.T) {
		st := b.status(t)
		b.press(t, " ")
		b.until(t, "time to run", fmt.Sprintf("s.playing && s.time > %v", st.Time))
		b.press(t, "r")
		b.until(t, "restart", "s.time < 0.1")
	})

	t.Run("profile switch keeps the moment", func(t *testing.T) {
		b.press(t, "3")
		b.until(t, "scene 3", "s.scene == 3")
		b.press(t, " ")
		st := b.until(t, "pause", "!s.playing")
		b.press(t, "p")
		st2 := b.until(t, "another profile", "s.profile != "+strconv.Quote(st.Profile))
		assert.Equal(t, st.Time, st2.Time)
	})

	t.Run("running out", func(t *testing.T) {
		b.press(t, "5")
		b.until(t, "scene 5", "s.scene == 5")
		for range 5 {
			b.press(t, "=")
		}
		st := b.until(t, "a failed connect", "s.failures.length > 0")
		// The error is the client OS's: Winsock's on Windows (the lesson's
		// own Windows XP client), EADDRNOTAVAIL elsewhere.
		want := "EADDRNOTAVAIL"
		if st.Profile == "" || strings.HasPrefix(st.Profile, "win") {
			want = "WSAENOBUFS"
		}
		assert.Contains(t, st.Failures[0], want, "profile %q", st.Profile)
		b.press(t, " ")
		b.until(t, "pause", "!s.playing")
		assertDrawn(t, b.screenshot(t, "browser-scene-5-exhausted.png"))
	})

	t.Run("sandbox knob", func(t *testing.T) {
		b.press(t, "6")
		b.until(t, "scene 6", "s.scene == 6")
		b.until(t, "traffic", "s.time > 0.5")
		for range 8 { // the slowest speed: time 0 stays on screen a while
			b.press(t, "-")
		}
		b.until(t, "the slowest speed", "s.speed == 0.25")
		b.press(t, "\t")
		b.press(t, kb.ArrowUp)
		b.until(t, "the sandbox to restart", "s.time < 0.5")
	})

	t.Run("help", func(t *testing.T) {
		b.press(t, "/")
		b.until(t, "help", "s.help")
		assertDrawn(t, b.screenshot(t, "browser-help.png"))
		b.press(t, kb.Escape)
		b.until(t, "help closed", "!s.help")
	})
	assert.Empty(t, b.errors(), "console errors")
}

func TestBrowserBadParametersShowAMessage(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	params := map[string]string{"seed": "abc", "profile": "solaris", "scene": "9", "range": "70000-80000"}
	b.open(t, url+"?seed=abc&profile=solaris&scene=9&range=70000-80000&embed=iframe", 10)

	st := b.status(t)
	want := nativeStatus(t, params)
	require.Len(t, st.Problems, 5, "each bad parameter is reported: %q", st.Problems)
	assert.Equal(t, want.Problems, st.Problems[:4])
	// embed is the page's own setting, checked by the app too.
	assert.Contains(t, st.Problems[4], `embed="iframe"`)
	embedded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("embed")`))
	require.NoError(t, err)
	assert.False(t, embedded, "a bad embed value leaves the page as it is")
	for i, name := range []string{`scene="9"`, `profile="solaris"`, `seed="abc"`, `range="70000-80000"`} {
		assert.Contains(t, st.Problems[i], name)
	}
	// The defaults stand in, so a scene still runs.
	assert.Equal(t, 1, st.Scene)
	assertDrawn(t, b.screenshot(t, "browser-bad-parameters.png"))
	assert.Empty(t, b.errors(), "console errors")

	// An escape net/url cannot read is said, and the parameters it could
	// read still apply.
	b.open(t, url+"?scene=2&x=%zz", 10)
	st = b.status(t)
	require.Len(t, st.Problems, 1, "%q", st.Problems)
	assert.Contains(t, st.Problems[0], `A URL parameter of the page could not be read (invalid URL escape "%zz") and is left out.`)
	assert.Equal(t, 2, st.Scene)
	assert.Empty(t, b.errors(), "console errors")
}

// TestBrowserFrameRateAgainstFloor measures frames per second of the
// sandbox at 64× with its default knobs and with every knob at its top
// (six clients at 1,000 connections per second toward three servers: more
// than the simulation can do in real time) against an empty Ebiten
// program, each in a fresh browser in the same run. The simulation's
// per-frame budget keeps the top setting's frames close to the empty
// program's (target 0.8; asserted: topFloorRatio, measured with margin)
// and the status then names the speed reached.
func TestBrowserFrameRateAgainstFloor(t *testing.T) {
	const window = 5 * time.Second // the sandbox plays 10 min at 64× in 9.4 s
	fps := func(dir, query string) (float64, hookStatus) {
		url := serve(t, dir)
		b := newBrowser(t)
		b.open(t, url+query, 10) // past start-up
		start := b.status(t)
		t0 := time.Now()
		time.Sleep(window)
		end := b.status(t)
		fps := float64(end.Frames-start.Frames) / time.Since(t0).Seconds()
		b.close() // a page left running would slow the next measurement
		return fps, end
	}
	floor, _ := fps(floorDir, "")
	app, st := fps(webDir, "?scene=6&speed=64")
	top, tst := fps(webDir, "?scene=6&clients=6&rate=1000&speed=64&dests=3")
	require.Equal(t, 6, st.Scene)
	require.True(t, st.Playing, "the sandbox still ran at the end of the measurement")
	require.True(t, tst.Playing, "the top sandbox still ran at the end of the measurement")
	require.Positive(t, floor)
	require.Positive(t, app)
	report := fmt.Sprintf("frames per second, headless Chromium (software WebGL), 1280x720, %v each\n"+
		"empty Ebiten              %5.1f\nPortplay sandbox 64x      %5.1f  (%d events simulated by the end)  ratio %4.2f\n"+
		"Portplay top sandbox 64x  %5.1f  (%d events; playing at %g×)  ratio %4.2f\n"+
		"Portplay's CPU time per frame in the browser: Update %.2f ms, Draw %.2f ms (top: %.2f, %.2f)\n",
		window, floor, app, st.Events, app/floor, top, tst.Events, tst.Reached, top/floor, st.UpdateMs, st.DrawMs, tst.UpdateMs, tst.DrawMs)
	t.Log("\n" + report)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(shotDir), "fps.txt"), []byte(report), 0o644))
	assert.GreaterOrEqual(t, top/floor, topFloorRatio, "the top setting's frames against the empty program's: %s", report)
	// Six clients at 1,000 per second, 64 times over, is more than the
	// simulation does in real time in WebAssembly: the status says how
	// fast it really plays.
	assert.True(t, tst.Limited, "the status names the reached speed: %s", report)
	assert.Positive(t, tst.Reached)
	assert.Less(t, tst.Reached, tst.Speed)
}

// topFloorRatio is the least frame rate of the top sandbox setting, as a
// part of the empty program's, that the test accepts. The target is 0.8,
// and 0.83 was measured on the 2-core machine with software WebGL
// (README); the margin is for that machine's noise, shared with builds.
const topFloorRatio = 0.65

// TestBrowserLessons works through each lesson's checkpoints from the
// keyboard: every question is answered once right and once wrong (back a
// step and in again: the run is deterministic, so the question returns
// with the same choices), the verdicts are read back through the hook,
// and progress survives a reload until it is reset.
func TestBrowserLessons(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?seed=7&paused=1", 5)

	// toQuestion presses PageDown until a question is on screen, letting
	// each step play to its pause first.
	toQuestion := func(t *testing.T) hookStatus {
		st := b.status(t)
		for i := 0; st.Question == "" && i < 10; i++ {
			b.press(t, kb.PageDown)
			st = b.until(t, "the step's pause", fmt.Sprintf("s.step == %d && (!s.playing || s.question != '')", st.Step+1))
		}
		require.NotEmpty(t, st.Question, "a question within 10 steps")
		return st
	}
	answer := func(t *testing.T, i int) hookStatus {
		b.press(t, string(rune('a'+i)))
		return b.until(t, "the engine's verdict", "s.verdict != ''")
	}
	truths := map[int]string{}
	// Every lesson with a question; lesson 6, the sandbox, asks none.
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8} {
		t.Run(fmt.Sprintf("lesson %d", n), func(t *testing.T) {
			b.press(t, fmt.Sprint(n))
			b.until(t, "the lesson", fmt.Sprintf("s.scene == %d && s.step == 0", n))
			// The scene plays as it opens; PageUp on the first step goes
			// back to its start, paused: a moment the test can repeat.
			b.press(t, kb.PageUp)
			b.until(t, "the start", "s.time == 0 && !s.playing")
			q := toQuestion(t)
			require.GreaterOrEqual(t, len(q.Choices), 2)
			first := answer(t, 0)
			require.Contains(t, q.Choices, first.Truth, "the engine's answer is one of the choices")
			// Back a step, in again, and answer the other way.
			b.press(t, kb.PageUp)
			b.until(t, "the step before", fmt.Sprintf("s.step == %d && !s.playing", q.Step-1))
			b.press(t, kb.PageDown)
			again := b.until(t, "the question again", fmt.Sprintf("s.step == %d && s.verdict == ''", q.Step))
			assert.Equal(t, q.Choices, again.Choices, "the same run asks the same question")
			other := slices.IndexFunc(again.Choices, func(c string) bool { return (c == first.Truth) != (first.Verdict == "right") })
			require.GreaterOrEqual(t, other, 0)
			second := answer(t, other)
			assert.Equal(t, first.Truth, second.Truth)
			assert.ElementsMatch(t, []string{"right", "wrong"}, []string{first.Verdict, second.Verdict})
			truths[n] = first.Truth
			// The question with its verdict, for people to look at; the
			// newest lesson on a phone too.
			assertDrawn(t, b.screenshot(t, fmt.Sprintf("lesson-%d-verdict.png", n)))
			if n == 8 {
				require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 844)))
				time.Sleep(500 * time.Millisecond) // a few frames at the new size
				assert.Equal(t, 390, imageSize(t, b.screenshot(t, "lesson-8-verdict-390x844.png")).X)
				require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 720)))
				time.Sleep(500 * time.Millisecond)
			}
		})
	}
	t.Run("the verdicts are the engine's", func(t *testing.T) {
		assert.Equal(t, "EACCES", truths[1], "an unprivileged listen on :80")
		assert.Equal(t, "EADDRINUSE", truths[2], "a second listener on the same address and port")
		assert.Equal(t, "the client", truths[3])
		assert.Equal(t, "no: EADDRINUSE", truths[4])
		assert.Equal(t, "30", truths[7], "ten ports, each toward three servers")
		assert.Equal(t, "another port", truths[8], "a new random port per query")
	})

	t.Run("presenter mode", func(t *testing.T) {
		b.press(t, "m")
		st := b.until(t, "presenter mode", "s.presenter")
		b.press(t, kb.PageDown)
		b.until(t, "a step", fmt.Sprintf("s.step == %d", st.Step+1))
		b.press(t, "m")
		b.until(t, "presenter mode off", "!s.presenter")
	})

	t.Run("progress survives a reload", func(t *testing.T) {
		before := b.status(t)
		b.open(t, url+"?seed=7", 5)
		st := b.until(t, "the saved lesson", fmt.Sprintf("s.scene == %d && s.step == %d", before.Scene, before.Step))
		assert.Len(t, st.Answers, 7, "every question's verdict was kept: %v", st.Answers)
		// The visible "Reset progress" button, bottom right of the narration:
		// the first click asks, and the same button ("Confirm reset")
		// confirms.
		require.NoError(t, chromedp.Do(b.ctx, chromedp.MouseClickXY(1174, 619)))
		time.Sleep(300 * time.Millisecond) // a few frames: the click is read by the next Update
		assert.Len(t, b.status(t).Answers, 7, "one click only asks")
		require.NoError(t, chromedp.Do(b.ctx, chromedp.MouseClickXY(1174, 619)))
		st = b.until(t, "progress reset", "Object.keys(s.answers).length == 0 && s.step == 0")
		b.open(t, url+"?seed=7", 5)
		st = b.status(t)
		assert.Empty(t, st.Answers)
		assert.Equal(t, 0, st.Step)
	})
	assert.Empty(t, b.errors(), "console errors")
}
