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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/game"
	"github.com/portplay/portplay/web"
)

// serve starts the same handler as `make serve` on a kernel-chosen port of
// the loopback interface (port 0: an ephemeral port, this project's
// subject), so the test never collides with anything on 8080.
func serve(t *testing.T, dir string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: web.Handler(dir)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// browser is one headless Chromium with a fresh profile, and the console
// messages its page has written.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	console []string
}

func newBrowser(t *testing.T) *browser {
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
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 720)), "starting Chromium")
	b := &browser{ctx: ctx}
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
	Frames       int      `json:"frames"`
	Scene        string   `json:"scene"`
	Connections  []string `json:"connections"`
	Problems     []string `json:"problems"`
	FirstFrameMs float64  `json:"firstFrameMs"`
}

func (b *browser) status(t *testing.T) hookStatus {
	st, err := chromedp.Run(b.ctx, chromedp.Evaluate[hookStatus](`window.portplay`))
	require.NoError(t, err)
	return st
}

// nativeStatus is what the same settings produce in the app built for this
// machine: the browser must show exactly the engine's picks.
func nativeStatus(t *testing.T, get map[string]string) game.Status {
	s, problems := game.ParseSettings(func(n string) (string, bool) { v, ok := get[n]; return v, ok })
	g, err := game.New(s, problems)
	require.NoError(t, err)
	return g.Status()
}

func TestBrowserShowsTwoServersOnPort80(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?seed=7&profile=linux", 10)

	st := b.status(t)
	want := nativeStatus(t, map[string]string{"seed": "7", "profile": "linux"})
	assert.Equal(t, "ports80", st.Scene)
	require.Len(t, st.Connections, 2)
	assert.Equal(t, want.Connections, st.Connections, "the browser must show the ports the engine picks")
	for i, dst := range []string{"10.0.0.10:80", "10.0.0.20:80"} {
		assert.True(t, strings.HasSuffix(st.Connections[i], "-> "+dst), "connection %d goes to %s: %s", i, dst, st.Connections[i])
	}
	assert.Empty(t, st.Problems)
	assert.Greater(t, st.FirstFrameMs, 0.0)

	png := b.screenshot(t, "browser-ports80.png")
	assert.Equal(t, 1280, imageSize(t, png).X)
	ink, colours := inkStats(t, png, background)
	assert.Greater(t, ink, 0.10, "the canvas is (nearly) blank")
	assert.Greater(t, colours, 20, "the canvas has almost no detail")
	assert.Empty(t, b.errors(), "console errors")
}

func TestBrowserBadParametersShowAMessage(t *testing.T) {
	url := serve(t, webDir)
	b := newBrowser(t)
	b.open(t, url+"?seed=abc&profile=solaris", 10)

	st := b.status(t)
	require.Len(t, st.Problems, 2, "each bad parameter is reported: %q", st.Problems)
	assert.Contains(t, st.Problems[0], `profile="solaris"`)
	assert.Contains(t, st.Problems[1], `seed="abc"`)
	// The defaults stand in, so the scene still runs.
	assert.Equal(t, nativeStatus(t, nil).Connections, st.Connections)
	png := b.screenshot(t, "browser-bad-parameters.png")
	ink, _ := inkStats(t, png, background)
	assert.Greater(t, ink, 0.10)
	assert.Empty(t, b.errors(), "console errors")
}

// TestBrowserStartupAgainstFloor loads Portplay and an empty Ebiten program
// served the same way, each in a fresh browser, and reports their sizes and
// times to first frame as ratios (the README's development section). It
// asserts only that both start: timings on this machine are noisy.
func TestBrowserStartupAgainstFloor(t *testing.T) {
	type figures struct {
		raw, gz int64
		ms      float64
	}
	measure := func(dir string) figures {
		url := serve(t, dir)
		b := newBrowser(t)
		b.open(t, url, 1)
		st := b.status(t)
		raw, err := os.Stat(filepath.Join(dir, "portplay.wasm"))
		require.NoError(t, err)
		gz, err := os.Stat(filepath.Join(dir, "portplay.wasm.gz"))
		require.NoError(t, err)
		require.Greater(t, st.FirstFrameMs, 0.0)
		return figures{raw.Size(), gz.Size(), st.FirstFrameMs}
	}
	floor := measure(floorDir)
	app := measure(webDir)
	report := fmt.Sprintf(`               wasm raw   wasm gzip -9   first frame (headless Chromium, cold, localhost)
empty Ebiten   %5.1f MB   %5.2f MB       %4.0f ms
Portplay       %5.1f MB   %5.2f MB       %4.0f ms
ratio          %5.2f      %5.2f          %4.2f
`, float64(floor.raw)/1e6, float64(floor.gz)/1e6, floor.ms,
		float64(app.raw)/1e6, float64(app.gz)/1e6, app.ms,
		float64(app.raw)/float64(floor.raw), float64(app.gz)/float64(floor.gz), app.ms/floor.ms)
	t.Log("\n" + report)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(shotDir), "startup.txt"), []byte(report), 0o644))
}
