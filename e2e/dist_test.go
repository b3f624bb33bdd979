//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/web"
)

// distPrefix is where the tests host the bundle: a subpath, as a school's
// web server would, to show that nothing in it assumes the root.
const distPrefix = "/tools/portplay/"

// serveDist serves the bundle in distDir under distPrefix on a
// kernel-chosen port. It returns the URL, a function that stops the server
// and one that makes it serve another folder from then on (a new deploy).
func serveDist(t *testing.T) (url string, stop func(), deploy func(dir string)) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var current atomic.Pointer[http.Handler]
	deploy = func(dir string) {
		h := http.StripPrefix(distPrefix[:len(distPrefix)-1], web.Handler(dir))
		current.Store(&h)
	}
	deploy(distDir)
	mux := http.NewServeMux()
	mux.HandleFunc(distPrefix, func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) })
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + distPrefix, func() { srv.Close() }, deploy
}

// fetch sends a request through a bare transport, so Go neither asks for
// gzip itself nor decodes the body.
func fetch(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// TestDistServedPrecompressed fetches the served bundle as a browser
// would: the page, then its wasm as brotli, as gzip and plain, each
// decoding to the wasm that was built, then again with its ETag for a 304.
func TestDistServedPrecompressed(t *testing.T) {
	url, _, _ := serveDist(t)
	resp, page := fetch(t, url, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "br", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	html, err := io.ReadAll(brotli.NewReader(bytes.NewReader(page)))
	require.NoError(t, err)
	m := regexp.MustCompile(`data-wasm="(portplay\.[0-9a-f]{8}\.wasm)"`).FindSubmatch(html)
	require.NotNil(t, m, "index.html names the hashed wasm:\n%s", html)
	wasmURL := url + string(m[1])
	want, err := os.ReadFile(filepath.Join(webDir, "portplay.wasm"))
	require.NoError(t, err)

	decoders := map[string]func(io.Reader) (io.Reader, error){
		"br":   func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		"gzip": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"":     func(r io.Reader) (io.Reader, error) { return r, nil },
	}
	for _, tc := range []struct{ accept, want string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip, deflate", "gzip"},
		{"identity", ""},
	} {
		resp, body := fetch(t, wasmURL, map[string]string{"Accept-Encoding": tc.accept})
		require.Equal(t, 200, resp.StatusCode, tc.accept)
		assert.Equal(t, tc.want, resp.Header.Get("Content-Encoding"), tc.accept)
		assert.Equal(t, "application/wasm", resp.Header.Get("Content-Type"))
		assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
		dec, err := decoders[tc.want](bytes.NewReader(body))
		require.NoError(t, err)
		got, err := io.ReadAll(dec)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "%s: the served wasm decodes to the built one", tc.accept)

		tag := resp.Header.Get("ETag")
		require.NotEmpty(t, tag)
		resp, body = fetch(t, wasmURL, map[string]string{"Accept-Encoding": tc.accept, "If-None-Match": tag})
		assert.Equal(t, 304, resp.StatusCode, tc.accept)
		assert.Empty(t, body)
	}
}

// TestDistOfflineReload loads the bundle from a subpath, waits until its
// service worker controls the page, stops the server and reloads: the app
// must start again from the worker's cache and run.
func TestDistOfflineReload(t *testing.T) {
	url, stop, _ := serveDist(t)
	b := newBrowser(t)
	b.open(t, url+"?scene=2", 1)
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "waiting for the service worker to control the page")

	stop()
	_, err = http.Get(url)
	require.Error(t, err, "the server is down")
	b.open(t, url+"?scene=2", 1)
	first := b.status(t).Frames
	st := b.until(t, "frames after the offline reload", "s.frames > "+strconv.Itoa(first+10))
	assert.Equal(t, 2, st.Scene)
	controlled, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.controller !== null`))
	require.NoError(t, err)
	assert.True(t, controlled, "the reloaded page came through the service worker")
}

// TestDistNewDeployIsNotPinned loads one bundle until its service worker
// controls the page, deploys another (a changed style sheet: a new hashed
// name) and reloads once: the page must be the new deploy's. (The old
// cache is dropped only when the new sw.js takes over, which Chrome
// checks for about 20 s after a navigation: too slow to wait for here.)
func TestDistNewDeployIsNotPinned(t *testing.T) {
	src := t.TempDir()
	for _, name := range web.Sources() {
		require.NoError(t, copyFile(filepath.Join(webDir, name), filepath.Join(src, name)))
	}
	f, err := os.OpenFile(filepath.Join(src, "style.css"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("/* the next deploy */\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	next := filepath.Join(t.TempDir(), "dist")
	require.NoError(t, web.BuildDist(src, next, 5))
	style := func(dir string) string {
		html, err := os.ReadFile(filepath.Join(dir, "index.html"))
		require.NoError(t, err)
		m := regexp.MustCompile(`href="(style\.[0-9a-f]{8}\.css)"`).FindSubmatch(html)
		require.NotNil(t, m)
		return string(m[1])
	}
	oldStyle, newStyle := style(distDir), style(next)
	require.NotEqual(t, oldStyle, newStyle)

	url, _, deploy := serveDist(t)
	b := newBrowser(t)
	b.open(t, url, 1)
	_, err = chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](
		`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "waiting for the service worker to control the page")

	deploy(next)
	b.open(t, url, 1)
	href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('link[rel=stylesheet]').getAttribute('href')`))
	require.NoError(t, err)
	assert.Equal(t, newStyle, href, "the reload is the new deploy")
}
