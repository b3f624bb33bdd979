//go:build e2e

package e2e

import (
	"fmt"
	"image"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// frameContexts follows the page's JavaScript contexts, so that a test can
// read window.portplay inside a cross-origin <iframe>, which the page
// around it may not.
type frameContexts struct {
	mu     sync.Mutex
	origin string // the frame's origin
	id     string // its main world's latest context
}

func (f *frameContexts) listen(t *testing.T, b *browser, origin string) {
	f.origin = origin
	require.NoError(t, chromedp.Listen(b.ctx, func(ev any) {
		c, ok := ev.(*runtime.EventExecutionContextCreated)
		if !ok || c.Context.Origin != f.origin || !strings.Contains(string(c.Context.AuxData), `"isDefault":true`) {
			return
		}
		f.mu.Lock()
		f.id = c.Context.UniqueID
		f.mu.Unlock()
	}))
}

// frameEval evaluates expr in the frame's page.
func frameEval[T any](b *browser, f *frameContexts, expr string) (T, error) {
	f.mu.Lock()
	id := f.id
	f.mu.Unlock()
	if id == "" {
		var zero T
		return zero, fmt.Errorf("the frame has no page yet")
	}
	return chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, func(p *runtime.EvaluateParams) { p.UniqueContextID = id }))
}

// status reads window.portplay in the frame; ok is false until the app
// has published one.
func (f *frameContexts) status(t *testing.T, b *browser) (hookStatus, bool) {
	st, err := frameEval[*hookStatus](b, f, `window.portplay`)
	if err != nil || st == nil {
		return hookStatus{}, false
	}
	return *st, true
}

func (f *frameContexts) until(t *testing.T, b *browser, what string, cond func(hookStatus) bool) hookStatus {
	deadline := time.Now().Add(90 * time.Second)
	for {
		st, ok := f.status(t, b)
		if ok && cond(st) {
			return st
		}
		require.True(t, time.Now().Before(deadline), "waiting for %s in the frame; last status %+v", what, st)
		time.Sleep(100 * time.Millisecond)
	}
}

// slidePage serves a teacher's page, on a port (an origin) of its own,
// with src in a w×h <iframe> as the README's snippet has it, and says
// its address.
func slidePage(t *testing.T, src string, w, h int) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	slide := fmt.Sprintf(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Networks, week 3</title></head>
<body style="font-family: sans-serif; margin: 24px; background: #fff">
<h1>Week 3: port numbers</h1>
<iframe src="%s" width="%d" height="%d" style="border: 0" allow="fullscreen" title="Portplay"></iframe>
<p>Try it: press Space to play.</p></body></html>`, src, w, h)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, slide)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// TestBrowserEmbeddedSizes shows the app in the usual sizes of an
// <iframe> (16:9 frames in LMS pages and slides), a lesson with its port
// map and the sandbox, and keeps a screenshot of the frame alone in
// build/screenshots/ for people to look at: the frame's canvas fills it,
// at a CSS pixel a unit down to 640×360, so that the layout's type
// floors (game's TestLayoutEveryViewport, the same sizes) hold; a
// smaller frame, such as YouTube's default 560×315, is zoomed down from
// 640×360.
func TestBrowserEmbeddedSizes(t *testing.T) {
	app := serve(t, webDir)
	for _, vp := range []struct {
		w, h int
		zoom float64
	}{{960, 540, 1}, {800, 450, 1}, {640, 360, 1}, {560, 315, 0.875}} {
		name := fmt.Sprintf("%dx%d", vp.w, vp.h)
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t)
			require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(int64(vp.w)+100, int64(vp.h)+200)))
			var frame frameContexts
			frame.listen(t, b, strings.TrimSuffix(app, "/"))
			require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(slidePage(t, app+"?embed=1&scene=5&seed=7&speed=8", vp.w, vp.h))))
			frame.until(t, b, "the app's frames", func(s hookStatus) bool { return s.Frames >= 5 })
			// The hint to click, shown while the frame lacks the keys,
			// leaves the lesson buttons in sight.
			hint, err := frameEval[[]float64](b, &frame, `(r => [r.left, r.top, r.width, r.height])(document.getElementById("focus-hint").getBoundingClientRect())`)
			require.NoError(t, err)
			menu, err := frameEval[[]float64](b, &frame, `window.portplay.menu`)
			require.NoError(t, err)
			require.Len(t, menu, 4)
			assert.Positive(t, hint[2], "%s: the hint is shown", name)
			apart := hint[0]+hint[2] <= menu[0] || menu[0]+menu[2] <= hint[0] || hint[1]+hint[3] <= menu[1] || menu[1]+menu[3] <= hint[1]
			assert.True(t, apart, "%s: the hint %v covers the lesson buttons %v", name, hint, menu)
			// A click gives the frame the keys, on its title, where a
			// click does nothing else.
			at, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`(r => [r.left, r.top])(document.querySelector("iframe").getBoundingClientRect())`))
			require.NoError(t, err)
			require.NoError(t, chromedp.Do(b.ctx, chromedp.MouseClickXY(at[0]+40, at[1]+15)))
			for _, n := range []int{5, 6} {
				b.press(t, fmt.Sprint(n))
				frame.until(t, b, "the scene to play a while", func(s hookStatus) bool { return s.Scene == n && (s.Time >= 1.5 || !s.Playing) })
				st, err := frameEval[layoutStatus](b, &frame, layoutJS)
				require.NoError(t, err)
				assert.InDelta(t, float64(vp.w), st.CSSW, 1, "%s: the canvas fills the frame", name)
				assert.InDelta(t, float64(vp.h), st.CSSH, 1, "%s: its height too", name)
				assert.InDelta(t, vp.zoom, st.Zoom, 1e-9, "%s: CSS pixels a unit", name)
				assert.False(t, st.Portrait, name)
				png, err := chromedp.Run(b.ctx, chromedp.Screenshot("iframe"))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(shotDir, fmt.Sprintf("embed-%s-scene-%d.png", name, n)), png, 0o644))
				assert.Equal(t, image.Pt(vp.w, vp.h), imageSize(t, png), "%s: the shot is the frame", name)
				ink, colours := inkStats(t, png, background)
				assert.Greater(t, ink, 0.10, "%s: the frame is (nearly) blank", name)
				assert.Greater(t, colours, 20, "%s: the frame has almost no detail", name)
			}
			assert.Empty(t, b.errors())
		})
	}
}

// TestBrowserEmbedded is a teacher's page (served from another port, so
// another origin) with Portplay in an <iframe> with ?embed=1: the app
// starts in the frame, keys typed before the frame is clicked stay with
// the page around it, and after a click on the picture the keys drive the
// lesson.
func TestBrowserEmbedded(t *testing.T) {
	app := serve(t, webDir)
	appOrigin := strings.TrimSuffix(app, "/")
	b := newBrowser(t)
	var frame frameContexts
	frame.listen(t, b, appOrigin)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(slidePage(t, app+"?embed=1&scene=6&paused=1", 960, 540))))
	st := frame.until(t, b, "the app's frames", func(s hookStatus) bool { return s.Frames >= 5 })
	require.Equal(t, 6, st.Scene)
	require.False(t, st.Playing)
	require.Empty(t, st.Problems)
	outside, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.activeElement.tagName === "BODY"`))
	require.NoError(t, err)
	require.True(t, outside, "the page around the frame has the focus at first")
	const hintShown = `(h => !!h && !h.hidden && getComputedStyle(h).display !== "none")(document.getElementById("focus-hint"))`
	shown, err := frameEval[bool](b, &frame, hintShown)
	require.NoError(t, err)
	assert.True(t, shown, "the frame asks for a click while it lacks focus")
	scroll, err := frameEval[string](b, &frame, `getComputedStyle(document.body).overflow`)
	require.NoError(t, err)
	assert.Equal(t, "hidden", scroll, "an embedded page has no scroll bars")

	// Before a click the keys belong to the page around the frame.
	b.press(t, " ")
	time.Sleep(500 * time.Millisecond)
	st, _ = frame.status(t, b)
	assert.False(t, st.Playing, "a key reached the frame before it was clicked")
	b.screenshot(t, "embed-before-click.png")

	// A click on the picture (its title, where a click does nothing
	// else) gives the canvas the keys.
	rect, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`(r => [r.left, r.top])(document.querySelector("iframe").getBoundingClientRect())`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.MouseClickXY(rect[0]+40, rect[1]+15)))
	b.press(t, " ")
	frame.until(t, b, "Space to play", func(s hookStatus) bool { return s.Playing })
	shown, err = frameEval[bool](b, &frame, hintShown)
	require.NoError(t, err)
	assert.False(t, shown, "the hint is gone once the frame has focus")
	b.press(t, "3")
	st = frame.until(t, b, "key 3 to open lesson 3", func(s hookStatus) bool { return s.Scene == 3 })
	assert.Empty(t, st.Problems)
	png := b.screenshot(t, "embed.png")
	assertDrawn(t, png)
	assert.Empty(t, b.errors())
}
